//! Hypercare in the file: started by a delivery release's switch, closed or extended by a
//! service manager; it decides which team an incident goes to.

use super::{Store, StoreError, append_event};
use crate::domain::hypercare::{self, Exit, Hypercare, HypercareState};
use crate::domain::{Actor, DomainError};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params};

const COLS: &str = "release, project, started, ends, state, closed_by";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Hypercare> {
    Ok(Hypercare {
        release: r.get(0)?,
        project: r.get(1)?,
        started: r.get(2)?,
        ends: r.get(3)?,
        state: r
            .get::<_, String>(4)?
            .parse()
            .unwrap_or(HypercareState::Active),
        closed_by: r.get(5)?,
    })
}

fn save(tx: &Connection, h: &Hypercare) -> Result<(), StoreError> {
    tx.execute(
        &format!(
            "INSERT INTO hypercare ({COLS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (release) DO UPDATE SET ends = ?4, state = ?5, closed_by = ?6"
        ),
        params![
            h.release,
            h.project,
            h.started,
            h.ends,
            h.state.as_str(),
            h.closed_by
        ],
    )?;
    Ok(())
}

/// At a delivery release's switch: its hypercare starts for the days its project's policy gave
/// when it was cut.
pub(super) fn start(
    tx: &Connection,
    r: &crate::domain::release::Release,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let kind: Option<String> = tx
        .query_row(
            "SELECT kind FROM projects WHERE name = ?1",
            [&r.project],
            |row| row.get(0),
        )
        .optional()?;
    if kind.as_deref() != Some(crate::domain::ProjectKind::Delivery.as_str()) {
        return Ok(());
    }
    let (release, project) = (r.version.as_str(), r.project.as_str());
    let h = Hypercare::start(release, project, r.policy.hypercare_days, now);
    save(tx, &h)?;
    append_event(
        tx,
        &crate::domain::Event {
            to: Some("active".into()),
            ..crate::domain::Event::new(now, "automation", "hypercare", release, "start")
        }
        .details(serde_json::json!({ "project": project, "ends": h.ends })),
    )?;
    Ok(())
}

/// The hypercare an incident falls in: the named release's, else the project's newest open one.
pub(super) fn covering(
    conn: &Connection,
    project: &str,
    release: Option<&str>,
    today: NaiveDate,
) -> Result<Option<Hypercare>, StoreError> {
    let found = match release {
        Some(v) => conn
            .query_row(
                &format!("SELECT {COLS} FROM hypercare WHERE release = ?1"),
                [v],
                from_row,
            )
            .optional()?,
        None => conn
            .query_row(
                &format!(
                    "SELECT {COLS} FROM hypercare WHERE project = ?1 AND state != 'closed'
                     ORDER BY started DESC LIMIT 1"
                ),
                [project],
                from_row,
            )
            .optional()?,
    };
    Ok(found.filter(|h| h.routes_to_delivery(today)))
}

fn exit(conn: &Connection, h: &Hypercare) -> Result<Exit, StoreError> {
    let mut urgent = conn.prepare(
        "SELECT id FROM incidents WHERE project = ?1 AND priority IN ('P1', 'P2')
         AND state NOT IN ('resolved', 'closed') ORDER BY id",
    )?;
    let urgent_incidents = urgent
        .query_map([&h.project], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut waived = conn.prepare(
        "SELECT key FROM checks WHERE project = ?1 AND state = 'waived' ORDER BY position",
    )?;
    let waived_items = waived
        .query_map([&h.project], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    Ok(Exit {
        urgent_incidents,
        waived_items,
    })
}

impl Store {
    /// Every hypercare period, newest first.
    pub fn hypercares(&self) -> Result<Vec<Hypercare>, StoreError> {
        let mut stmt = self.conn().prepare(&format!(
            "SELECT {COLS} FROM hypercare ORDER BY started DESC"
        ))?;
        let rows = stmt.query_map([], from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn hypercare(&self, release: &str) -> Result<Hypercare, StoreError> {
        self.conn()
            .query_row(
                &format!("SELECT {COLS} FROM hypercare WHERE release = ?1"),
                [release],
                from_row,
            )
            .optional()?
            .ok_or_else(|| {
                DomainError::not_found(format!(
                    "release '{release}' has no hypercare: only a delivery release that went live has one (see `firebreak hypercare list`)"
                ))
                .into()
            })
    }

    /// What stands in the way of closing a hypercare period.
    pub fn hypercare_exit(&self, release: &str) -> Result<Exit, StoreError> {
        let h = self.hypercare(release)?;
        exit(self.conn(), &h)
    }

    pub fn close_hypercare(
        &mut self,
        release: &str,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Hypercare, StoreError> {
        self.decide(|db| {
            let h = db.hypercare(release)?;
            let blockers = exit(db.conn(), &h)?;
            let (next, event) = hypercare::close(&h, &blockers, actor, now)?;
            db.write(|tx| {
                save(tx, &next)?;
                append_event(tx, &event)?;
                Ok(next)
            })
        })
    }

    pub fn extend_hypercare(
        &mut self,
        release: &str,
        until: NaiveDate,
        reason: &str,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Hypercare, StoreError> {
        self.decide(|db| {
            let h = db.hypercare(release)?;
            let (next, event) = hypercare::extend(&h, until, reason, actor, now)?;
            db.write(|tx| {
                save(tx, &next)?;
                append_event(tx, &event)?;
                Ok(next)
            })
        })
    }
}
