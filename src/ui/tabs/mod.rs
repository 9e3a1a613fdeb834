//! One file per tab.

pub mod backlog;
pub mod kanban;
