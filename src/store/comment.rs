//! Comment threads: read from their subject's events, written as events, one write each.

use super::items::event_from_row;
use super::{Store, StoreError, append_event};
use crate::domain::comment::{self, Comment, Subject};
use crate::domain::{Actor, DomainError};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};

/// Refuses a subject that is not on the board.
pub(super) fn exists(conn: &Connection, subject: &Subject) -> Result<(), StoreError> {
    let (table, key) = match subject {
        Subject::Item(_) => ("items", "id"),
        Subject::Incident(_) => ("incidents", "id"),
        Subject::Problem(_) => ("problems", "id"),
        Subject::Release(_) => ("releases", "version"),
    };
    let id: rusqlite::types::Value = match subject {
        Subject::Item(id) => rusqlite::types::Value::Integer(id.0.into()),
        other => rusqlite::types::Value::Text(other.id()),
    };
    let found: bool = conn.query_row(
        &format!("SELECT EXISTS (SELECT 1 FROM {table} WHERE {key} = ?1)"),
        [id],
        |r| r.get(0),
    )?;
    if found {
        Ok(())
    } else {
        Err(DomainError::not_found(format!(
            "there is no {} {subject} on this board",
            subject.entity()
        ))
        .into())
    }
}

/// A subject's events of two actions (what adds and what changes or takes off), in order,
/// read through the events' entity index.
pub(super) fn events_of(
    conn: &Connection,
    subject: &Subject,
    actions: [&str; 2],
) -> Result<Vec<crate::domain::Event>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT at, actor, entity, entity_id, action, from_state, to_state, reason, details
         FROM events WHERE entity = ?1 AND entity_id = ?2 AND action IN (?3, ?4) ORDER BY id",
    )?;
    let events = stmt
        .query_map(
            params![subject.entity(), subject.id(), actions[0], actions[1]],
            event_from_row,
        )?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(events)
}

/// A subject's thread, from its comment events.
fn thread(conn: &Connection, subject: &Subject) -> Result<Vec<Comment>, StoreError> {
    let events = events_of(conn, subject, [comment::ADD, comment::EDIT])?;
    Ok(comment::thread(&events))
}

impl Store {
    /// The incidents and problems an item was raised from (its ticket links).
    pub fn raised_from(&self, item: crate::domain::ItemId) -> Result<Vec<Subject>, StoreError> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT kind, target FROM links WHERE item = ?1 AND kind IN ('incident', 'problem')
             ORDER BY kind, target",
        )?;
        let rows = stmt.query_map([item.0], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (kind, target) = row?;
            out.push(if kind == "incident" {
                Subject::Incident(target)
            } else {
                Subject::Problem(target)
            });
        }
        Ok(out)
    }

    /// A subject's comments, oldest first.
    pub fn comments(&self, subject: &Subject) -> Result<Vec<Comment>, StoreError> {
        exists(self.conn(), subject)?;
        thread(self.conn(), subject)
    }

    /// Adds a comment: numbered after the thread as it stands inside the write.
    pub fn comment(
        &mut self,
        subject: &Subject,
        text: &str,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Comment, StoreError> {
        self.write(|tx| {
            exists(tx, subject)?;
            let count = thread(tx, subject)?.len();
            let (c, e) = comment::add(subject, count, text, actor, now)?;
            append_event(tx, &e)?;
            Ok(c)
        })
    }

    /// A new version of comment `n`, by its author; the old one is kept.
    pub fn edit_comment(
        &mut self,
        subject: &Subject,
        n: u32,
        text: &str,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Comment, StoreError> {
        self.write(|tx| {
            exists(tx, subject)?;
            let current = thread(tx, subject)?;
            let (c, e) = comment::edit(subject, &current, n, text, actor, now)?;
            append_event(tx, &e)?;
            Ok(c)
        })
    }
}
