//! Labels on items and incidents: one row per word, changed in one write with its event.

use super::{Store, StoreError, append_event};
use crate::domain::comment::Subject;
use crate::domain::{Actor, ItemId};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};
use std::collections::HashMap;

fn labels_of(conn: &Connection, subject: &Subject) -> Result<Vec<String>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT label FROM labels WHERE entity = ?1 AND entity_id = ?2 ORDER BY label",
    )?;
    let rows = stmt.query_map(params![subject.entity(), subject.id()], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub use crate::domain::label::LabelCount;

impl Store {
    /// The labels a record carries, in order.
    pub fn labels(&self, subject: &Subject) -> Result<Vec<String>, StoreError> {
        super::comment::exists(self.conn(), subject)?;
        labels_of(self.conn(), subject)
    }

    /// Adds and takes away labels on an item or an incident; returns what it carries now.
    pub fn relabel(
        &mut self,
        subject: &Subject,
        add: &[String],
        remove: &[String],
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Vec<String>, StoreError> {
        self.write(|tx| {
            super::comment::exists(tx, subject)?;
            let current = labels_of(tx, subject)?;
            let (next, event) =
                crate::domain::label::change(subject, &current, add, remove, actor, now)?;
            tx.execute(
                "DELETE FROM labels WHERE entity = ?1 AND entity_id = ?2",
                params![subject.entity(), subject.id()],
            )?;
            for w in &next {
                tx.execute(
                    "INSERT INTO labels (entity, entity_id, label) VALUES (?1, ?2, ?3)",
                    params![subject.entity(), subject.id(), w],
                )?;
            }
            append_event(tx, &event)?;
            Ok(next)
        })
    }

    /// Every item's labels (the items that carry any).
    pub fn item_labels(&self) -> Result<HashMap<ItemId, Vec<String>>, StoreError> {
        let mut out: HashMap<ItemId, Vec<String>> = HashMap::new();
        let mut stmt = self.conn().prepare(
            "SELECT entity_id, label FROM labels WHERE entity = 'item' ORDER BY entity_id, label",
        )?;
        for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))? {
            let (id, label) = row?;
            if let Ok(id) = id.parse::<ItemId>() {
                out.entry(id).or_default().push(label);
            }
        }
        Ok(out)
    }

    /// Every incident's labels (the incidents that carry any).
    pub fn incident_labels(&self) -> Result<HashMap<String, Vec<String>>, StoreError> {
        let mut out: HashMap<String, Vec<String>> = HashMap::new();
        let mut stmt = self.conn().prepare(
            "SELECT entity_id, label FROM labels WHERE entity = 'incident' ORDER BY entity_id, label",
        )?;
        for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))? {
            let (id, label) = row?;
            out.entry(id).or_default().push(label);
        }
        Ok(out)
    }

    /// Each label with how much work carries it, the most used first.
    pub fn label_counts(&self) -> Result<Vec<LabelCount>, StoreError> {
        let mut stmt = self.conn().prepare(
            "SELECT l.label,
                    sum(l.entity = 'item' AND i.state NOT IN ('done', 'released', 'cancelled')),
                    sum(l.entity = 'item'),
                    sum(l.entity = 'incident')
             FROM labels l LEFT JOIN items i
                  ON l.entity = 'item' AND i.id = CAST(substr(l.entity_id, 4) AS INTEGER)
             GROUP BY l.label
             ORDER BY count(*) DESC, l.label",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(LabelCount {
                label: r.get(0)?,
                open_items: r.get::<_, i64>(1)? as usize,
                items: r.get::<_, i64>(2)? as usize,
                incidents: r.get::<_, i64>(3)? as usize,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
