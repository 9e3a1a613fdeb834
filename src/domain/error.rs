//! Refusals: what the domain says when a command may not happen. A refusal changes nothing.

use chrono::{DateTime, Utc};

/// Why a command was refused; `Display` is the sentence the user sees.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// A rule of the process (roles, separation of duties) forbids it.
    #[error("{message}")]
    NotAllowed { rule: &'static str, message: String },
    /// The command does not apply to the item's current state.
    #[error("{message}")]
    Illegal { message: String },
    /// The input is malformed: a title too long, a fixed date without a due date.
    #[error("{message}")]
    Invalid { message: String },
    /// No such thing.
    #[error("{message}")]
    NotFound { message: String },
    /// Someone else changed the row since it was read.
    #[error("{id} was changed by {by} at {} since you read it; reload and try again", .at.format("%Y-%m-%d %H:%M:%S UTC"))]
    Stale {
        id: String,
        by: String,
        at: DateTime<Utc>,
    },
}

impl DomainError {
    pub fn not_allowed(rule: &'static str, message: impl Into<String>) -> Self {
        DomainError::NotAllowed {
            rule,
            message: message.into(),
        }
    }
    pub fn illegal(message: impl Into<String>) -> Self {
        DomainError::Illegal {
            message: message.into(),
        }
    }
    pub fn invalid(message: impl Into<String>) -> Self {
        DomainError::Invalid {
            message: message.into(),
        }
    }
    pub fn not_found(message: impl Into<String>) -> Self {
        DomainError::NotFound {
            message: message.into(),
        }
    }

    /// The CLI's exit code: 2 for bad input, 3 for a refusal by a rule of the process.
    pub fn exit_code(&self) -> i32 {
        match self {
            DomainError::Invalid { .. } | DomainError::NotFound { .. } => 2,
            DomainError::NotAllowed { .. }
            | DomainError::Illegal { .. }
            | DomainError::Stale { .. } => 3,
        }
    }
}
