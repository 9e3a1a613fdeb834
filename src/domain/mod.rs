//! The pure core: entities, state machines and the rules of the process. No IO, no clock:
//! every function takes the time it needs and returns new state and events, or a refusal.

pub mod backlog;
pub mod burndown;
pub mod comment;
pub mod error;
pub mod escape;
pub mod event;
pub mod filter;
pub mod handover;
pub mod hypercare;
pub mod ids;
pub mod incident;
pub mod insights;
pub mod item;
pub mod junit;
pub mod kanban;
pub mod label;
pub mod link;
pub mod measures;
pub mod notify;
pub mod ops;
pub mod pd;
pub mod pipeline;
pub mod policy;
pub mod problem;
pub mod project;
pub mod rank;
pub mod release;
pub mod rotation;
pub mod sla;
pub mod sprint;
pub mod text;
pub mod ticket;
pub mod vocab;
pub mod work;

pub use error::DomainError;
pub use event::Event;
pub use ids::ItemId;
pub use item::{Item, ItemCommand, ItemEdit, NewItem};
pub use policy::{Actor, Person};
pub use project::Project;
pub use vocab::{Class, Identity, Kind, Origin, ProjectKind, Role, State, Team};
