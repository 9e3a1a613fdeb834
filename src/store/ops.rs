//! Operations reviews of delivery stories in the file.

use super::items::load;
use super::{Store, StoreError, append_event};
use crate::domain::ops::{self, Concern, OpsReview};
use crate::domain::{Actor, ItemId};
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Row, params};

const COLS: &str = "item, concerns, criteria, flagged_by, flagged, reviewer, reviewed, note";

fn from_row(r: &Row<'_>) -> rusqlite::Result<OpsReview> {
    let concerns: String = r.get(1)?;
    Ok(OpsReview {
        item: ItemId(r.get(0)?),
        concerns: concerns
            .split(',')
            .filter_map(|c| c.parse::<Concern>().ok())
            .collect(),
        criteria: r.get(2)?,
        flagged_by: r.get(3)?,
        flagged: r.get(4)?,
        reviewer: r.get(5)?,
        reviewed: r.get(6)?,
        note: r.get(7)?,
    })
}

pub(super) fn load_review(
    conn: &rusqlite::Connection,
    id: ItemId,
) -> Result<Option<OpsReview>, StoreError> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLS} FROM ops_reviews WHERE item = ?1"),
            [id.0],
            from_row,
        )
        .optional()?)
}

fn save(tx: &rusqlite::Connection, r: &OpsReview) -> Result<(), StoreError> {
    let concerns: Vec<&str> = r.concerns.iter().map(|c| c.as_str()).collect();
    tx.execute(
        "INSERT INTO ops_reviews (item, concerns, criteria, flagged_by, flagged, reviewer, reviewed, note)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (item) DO UPDATE SET concerns = ?2, criteria = ?3, reviewer = ?6,
         reviewed = ?7, note = ?8",
        params![
            r.item.0,
            concerns.join(","),
            r.criteria,
            r.flagged_by,
            r.flagged,
            r.reviewer,
            r.reviewed,
            r.note
        ],
    )?;
    Ok(())
}

impl Store {
    /// Every story flagged for operations, with its review if recorded: one query.
    pub fn ops_reviews(&self) -> Result<Vec<OpsReview>, StoreError> {
        let mut stmt = self
            .conn()
            .prepare_cached(&format!("SELECT {COLS} FROM ops_reviews ORDER BY item"))?;
        let rows = stmt.query_map([], from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The operations reviews of a project's stories, with each story's title.
    pub fn project_reviews(&self, project: &str) -> Result<Vec<(OpsReview, String)>, StoreError> {
        let cols: Vec<String> = COLS.split(", ").map(|c| format!("o.{c}")).collect();
        // The few reviews drive the join (CROSS JOIN keeps that order): left to itself, the
        // planner scanned every item for its project, 13 ms at 100,000 items on every reload.
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT {}, i.title FROM ops_reviews o CROSS JOIN items i ON i.id = o.item
             WHERE i.project = ?1 ORDER BY o.item",
            cols.join(", ")
        ))?;
        let rows = stmt.query_map([project], |r| Ok((from_row(r)?, r.get::<_, String>(8)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn ops_review(&self, id: ItemId) -> Result<Option<OpsReview>, StoreError> {
        load_review(self.conn(), id)
    }

    /// Flags a delivery story as touching operations.
    pub fn flag_ops(
        &mut self,
        id: ItemId,
        concerns: &[Concern],
        criteria: Option<&str>,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<OpsReview, StoreError> {
        self.change_review(id, |item, current| {
            ops::flag(item, current, concerns, criteria, actor, now)
        })
    }

    /// An AMS engineer records a flagged story's operations review.
    pub fn review_ops(
        &mut self,
        id: ItemId,
        criteria: Option<&str>,
        note: &str,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<OpsReview, StoreError> {
        self.change_review(id, |item, current| {
            ops::review(item, current, criteria, note, actor, now)
        })
    }

    /// Reads a story and its review, lets the domain decide, writes the result and its event.
    fn change_review(
        &mut self,
        id: ItemId,
        decide: impl FnOnce(
            &crate::domain::Item,
            Option<&OpsReview>,
        )
            -> Result<(OpsReview, crate::domain::Event), crate::domain::DomainError>,
    ) -> Result<OpsReview, StoreError> {
        self.write(|tx| {
            let item = load(tx, id)?;
            let current = load_review(tx, id)?;
            let (next, event) = decide(&item, current.as_ref())?;
            save(tx, &next)?;
            append_event(tx, &event)?;
            Ok(next)
        })
    }
}
