//! The outbox of notifications: the events table read after each hook's cursor, the cursors
//! themselves, and the SLA breaches recorded as events so that they reach hooks like the rest.

use super::items::event_from_row;
use super::{Store, StoreError, append_event};
use crate::domain::Event;
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

/// Where a hook stands: the last event it was told of or passed over, its failures since.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HookState {
    pub event: i64,
    pub attempts: u32,
    pub retry_at: Option<DateTime<Utc>>,
    pub error: Option<String>,
}

impl Store {
    /// The newest event's id (0 on an empty trail).
    pub fn last_event_id(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn()
            .query_row("SELECT coalesce(max(id), 0) FROM events", [], |r| r.get(0))?)
    }

    /// Where `hook` stands; a hook met for the first time starts at the newest event (it is
    /// told what happens from now on, not the board's whole past).
    pub fn hook_state(&mut self, hook: &str) -> Result<HookState, StoreError> {
        self.decide(|db| {
            let found = db
                .conn()
                .query_row(
                    "SELECT event, attempts, retry_at, error FROM hook_cursors WHERE hook = ?1",
                    [hook],
                    |r| {
                        Ok(HookState {
                            event: r.get(0)?,
                            attempts: r.get(1)?,
                            retry_at: r.get(2)?,
                            error: r.get(3)?,
                        })
                    },
                )
                .optional()?;
            if let Some(state) = found {
                return Ok(state);
            }
            db.write(|tx| {
                let last: i64 =
                    tx.query_row("SELECT coalesce(max(id), 0) FROM events", [], |r| r.get(0))?;
                tx.execute(
                    "INSERT INTO hook_cursors (hook, event) VALUES (?1, ?2)",
                    params![hook, last],
                )?;
                Ok(HookState {
                    event: last,
                    attempts: 0,
                    retry_at: None,
                    error: None,
                })
            })
        })
    }

    /// Up to `limit` events after `id`, in the order written, with their ids.
    pub fn events_after(&self, id: i64, limit: usize) -> Result<Vec<(i64, Event)>, StoreError> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT at, actor, entity, entity_id, action, from_state, to_state, reason, details, id
             FROM events WHERE id > ?1 ORDER BY id LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![id, limit as i64], |r| {
            Ok((r.get::<_, i64>(9)?, event_from_row(r)?))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// `hook` was told of everything up to event `to` (or passed it over): its cursor moves
    /// on and its failures are forgotten. Never moves back.
    pub fn advance_hook(&mut self, hook: &str, to: i64) -> Result<(), StoreError> {
        self.decide(|db| {
            db.write(|tx| {
                tx.execute(
                    "UPDATE hook_cursors SET event = max(event, ?2), attempts = 0, retry_at = NULL, error = NULL
                     WHERE hook = ?1",
                    params![hook, to],
                )?;
                Ok(())
            })
        })
    }

    /// `hook`'s command failed: how often now, when to try again, and why.
    pub fn hook_failed(
        &mut self,
        hook: &str,
        attempts: u32,
        retry_at: DateTime<Utc>,
        error: &str,
    ) -> Result<(), StoreError> {
        self.decide(|db| {
            db.write(|tx| {
                tx.execute(
                    "UPDATE hook_cursors SET attempts = ?2, retry_at = ?3, error = ?4 WHERE hook = ?1",
                    params![hook, attempts, retry_at, crate::store::release::tail(error, 2000)],
                )?;
                Ok(())
            })
        })
    }

    /// Records each open incident's target missed since the last look as a `breach` event (one
    /// per incident and target), so that it reaches the hooks in the trail's order. Returns the
    /// incidents it recorded.
    pub fn record_breaches(&mut self, now: DateTime<Utc>) -> Result<Vec<String>, StoreError> {
        self.decide(|db| {
            let mut fresh = Vec::new();
            for (i, clock) in db.open_incident_clocks(now)? {
                let Some((target, m)) = clock.breach() else {
                    continue;
                };
                if !i.is_open() {
                    continue;
                }
                let known: bool = db.conn().query_row(
                    "SELECT EXISTS (SELECT 1 FROM events WHERE entity = 'incident' AND entity_id = ?1
                     AND action = 'breach' AND json_extract(details, '$.target') = ?2)",
                    params![i.id, target],
                    |r| r.get(0),
                )?;
                if !known {
                    fresh.push((i, target, m.target));
                }
            }
            if fresh.is_empty() {
                return Ok(Vec::new());
            }
            db.write(|tx| {
                let mut out = Vec::new();
                for (i, target, seconds) in &fresh {
                    let e = Event::new(
                        now,
                        crate::domain::policy::AUTOMATION,
                        "incident",
                        &i.id,
                        "breach",
                    )
                    .details(serde_json::json!({
                        "target": target, "priority": i.priority, "title": i.title,
                        "target_seconds": seconds,
                    }));
                    append_event(tx, &e)?;
                    out.push(i.id.clone());
                }
                Ok(out)
            })
        })
    }
}
