//! firebreak: a terminal board for teams that build and run digital services.
//!
//! The layers: `domain` and `app` are pure (no IO, no clock, no terminal); `store` keeps the
//! board in one SQLite file; `tui` and `cli` are the shells that read input, call the core
//! and write through the store. A key press, a CLI call and a pipeline step reach the same
//! domain functions, so all obey the same rules and write the same audit events.

pub mod app;
pub mod cli;
pub mod config;
pub mod demo;
pub mod domain;
pub mod format;
pub mod notify;
pub mod runner;
pub mod search;
pub mod session;
pub mod store;
pub mod tui;
pub mod ui;
