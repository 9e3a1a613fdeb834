//! The audit trail: every change of every entity appends one event; none is ever changed.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One change: who did what to which entity, from what to what, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub at: DateTime<Utc>,
    pub actor: String,
    pub entity: String,
    pub entity_id: String,
    pub action: String,
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub to: Option<String>,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub details: serde_json::Value,
}

impl Event {
    pub fn new(
        at: DateTime<Utc>,
        actor: &str,
        entity: &str,
        entity_id: impl Into<String>,
        action: &str,
    ) -> Self {
        Event {
            at,
            actor: actor.to_string(),
            entity: entity.to_string(),
            entity_id: entity_id.into(),
            action: action.to_string(),
            from: None,
            to: None,
            reason: None,
            details: serde_json::Value::Null,
        }
    }

    pub fn from_to(mut self, from: impl Into<String>, to: impl Into<String>) -> Self {
        self.from = Some(from.into());
        self.to = Some(to.into());
        self
    }

    pub fn reason(mut self, reason: Option<&str>) -> Self {
        self.reason = reason.map(str::to_string);
        self
    }

    pub fn details(mut self, details: serde_json::Value) -> Self {
        self.details = details;
        self
    }
}
