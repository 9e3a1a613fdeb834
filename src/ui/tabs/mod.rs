//! One file per tab.

pub mod backlog;
pub mod flow;
pub mod handover;
pub mod insights;
pub mod kanban;
pub mod pipeline;
pub mod service;
pub mod sprint;
