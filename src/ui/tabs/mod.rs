//! One file per tab.

pub mod backlog;
