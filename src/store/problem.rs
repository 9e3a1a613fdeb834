//! Problems in the file: raised from incidents, worked to a known error and a fix, resolved by
//! the automation once every backlog ticket raised from them is released.

use super::incident::raise_ticket;
use super::{Store, StoreError, append_event};
use crate::domain::problem::{self, Problem, ProblemState, Step};
use crate::domain::{Actor, DomainError, Item, Kind, Team};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params};

const COLS: &str = "id, title, state, workaround, opened, opened_by, resolved";

/// `COLS` and the problem's revision (its last event), for reads.
const READ: &str = "id, title, state, workaround, opened, opened_by, resolved,
    (SELECT coalesce(max(e.id), 0) FROM events e WHERE e.entity = 'problem' AND e.entity_id = problems.id)";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Problem> {
    Ok(Problem {
        id: r.get(0)?,
        title: r.get(1)?,
        state: r.get::<_, String>(2)?.parse().unwrap_or(ProblemState::New),
        workaround: r.get(3)?,
        incidents: vec![],
        opened: r.get(4)?,
        opened_by: r.get(5)?,
        resolved: r.get(6)?,
        revision: r.get(7)?,
    })
}

fn with_incidents(conn: &rusqlite::Connection, mut p: Problem) -> Result<Problem, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT incident FROM problem_incidents WHERE problem = ?1
         ORDER BY CAST(substr(incident, 5) AS INTEGER)",
    )?;
    p.incidents = stmt
        .query_map([&p.id], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    Ok(p)
}

fn save(tx: &Connection, p: &Problem) -> Result<(), StoreError> {
    tx.execute(
        &format!(
            "INSERT INTO problems ({COLS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (id) DO UPDATE SET state = ?3, workaround = ?4, resolved = ?7"
        ),
        params![
            p.id,
            p.title,
            p.state.as_str(),
            p.workaround,
            p.opened,
            p.opened_by,
            p.resolved
        ],
    )?;
    Ok(())
}

/// A problem's tickets, each with whether it is released.
fn tickets(conn: &rusqlite::Connection, id: &str) -> Result<Vec<(String, bool)>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT items.id, items.state = 'released' FROM links JOIN items ON items.id = links.item
         WHERE links.kind = 'problem' AND links.target = ?1 ORDER BY items.id",
    )?;
    let rows = stmt.query_map([id], |r| {
        Ok((format!("FB-{}", r.get::<_, u32>(0)?), r.get::<_, bool>(1)?))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// After items are released: every open problem whose tickets are now all released resolves,
/// by the automation, in the same transaction.
pub(super) fn settle(tx: &Connection, now: DateTime<Utc>) -> Result<Vec<String>, StoreError> {
    let open: Vec<Problem> = {
        let mut stmt = tx.prepare(&format!(
            "SELECT {READ} FROM problems WHERE state IN ('investigating', 'known-error', 'fix-in-progress')"
        ))?;
        let rows = stmt.query_map([], from_row)?;
        rows.collect::<Result<_, _>>()?
    };
    let mut resolved = Vec::new();
    for p in open {
        let t = tickets(tx, &p.id)?;
        if t.is_empty() || t.iter().any(|(_, released)| !released) {
            continue;
        }
        let (next, event) = problem::step(&p, &Step::Resolve, &t, &Actor::automation(), now)?;
        save(tx, &next)?;
        append_event(tx, &event)?;
        resolved.push(next.id);
    }
    Ok(resolved)
}

impl Store {
    /// Every problem, newest first, with the incidents it explains.
    pub fn problems(&self) -> Result<Vec<Problem>, StoreError> {
        let rows: Vec<Problem> = {
            let mut stmt = self.conn().prepare(&format!(
                "SELECT {READ} FROM problems ORDER BY opened DESC, id DESC"
            ))?;
            let rows = stmt.query_map([], from_row)?;
            rows.collect::<Result<_, _>>()?
        };
        rows.into_iter()
            .map(|p| with_incidents(self.conn(), p))
            .collect()
    }

    /// Each problem with its incidents, newest first, read one at a time.
    pub fn each_problem<E: From<StoreError>>(
        &self,
        mut f: impl FnMut(Problem) -> Result<(), E>,
    ) -> Result<(), E> {
        self.each_row(
            &format!("SELECT {READ} FROM problems ORDER BY opened DESC, id DESC"),
            from_row,
            |p| f(with_incidents(self.conn(), p)?),
        )
    }

    pub fn problem(&self, id: &str) -> Result<Problem, StoreError> {
        let p = self
            .conn()
            .query_row(
                &format!("SELECT {READ} FROM problems WHERE id = ?1"),
                [id.to_ascii_uppercase()],
                from_row,
            )
            .optional()?
            .ok_or_else(|| {
                StoreError::from(DomainError::not_found(format!(
                    "there is no problem '{id}': see `firebreak problem list`"
                )))
            })?;
        with_incidents(self.conn(), p)
    }

    /// A problem's tickets, each with whether it is released.
    pub fn problem_tickets(&self, id: &str) -> Result<Vec<(String, bool)>, StoreError> {
        tickets(self.conn(), id)
    }

    pub fn raise_problem(
        &mut self,
        title: &str,
        incidents: &[String],
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Problem, StoreError> {
        self.decide(|db| {
            let mut ids = Vec::new();
            for i in incidents {
                let id = db.incident(i)?.id;
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
            ids.sort_by_key(|id| id[4..].parse::<u32>().unwrap_or(u32::MAX));
            db.write(|tx| {
                let n: u32 = tx.query_row("SELECT count(*) + 1 FROM problems", [], |r| r.get(0))?;
                let (p, event) = problem::raise(format!("PRB-{n}"), title, ids, actor, now)?;
                save(tx, &p)?;
                for i in &p.incidents {
                    tx.execute(
                        "INSERT INTO problem_incidents (problem, incident) VALUES (?1, ?2)",
                        params![p.id, i],
                    )?;
                }
                append_event(tx, &event)?;
                Ok(p)
            })
        })
    }

    pub fn step_problem(
        &mut self,
        id: &str,
        step: &Step,
        actor: &Actor,
        now: DateTime<Utc>,
        seen: Option<i64>,
    ) -> Result<Problem, StoreError> {
        self.decide(|db| {
            let current = db.problem(id)?;
            super::check_seen(db.conn(), "problem", &current.id, seen)?;
            let t = tickets(db.conn(), &current.id)?;
            let (next, event) = problem::step(&current, step, &t, actor, now)?;
            db.write(|tx| {
                save(tx, &next)?;
                append_event(tx, &event)?;
                Ok(next)
            })
        })
    }

    /// A service manager raises a backlog ticket from a problem: in triage, origin `problem`,
    /// linked both ways; its team is the one its incidents went to (the maintenance team when
    /// it has none).
    pub fn problem_ticket(
        &mut self,
        id: &str,
        kind: Kind,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Item, StoreError> {
        self.decide(|db| {
            crate::domain::incident::may_raise_ticket(actor)?;
            let p = db.problem(id)?;
            if !p.is_open() {
                return Err(DomainError::illegal(format!(
                    "{} is {}: raise a new problem for a new cause",
                    p.id, p.state
                ))
                .into());
            }
            let first = match p.incidents.first() {
                Some(i) => Some(db.incident(i)?),
                None => None,
            };
            let (team, project) = first
                .map_or((Team::Ams, crate::domain::project::BAU.to_string()), |i| {
                    (i.team, i.project)
                });
            let description = format!(
                "Raised by {} from problem {}{}{}.",
                actor.name,
                p.id,
                if p.incidents.is_empty() {
                    String::new()
                } else {
                    format!(" (incidents {})", p.incidents.join(", "))
                },
                p.workaround
                    .as_deref()
                    .map_or(String::new(), |w| format!("; workaround meanwhile: {w}"))
            );
            let raised = crate::domain::ticket::Raise {
                source: crate::domain::ticket::Source::Problem,
                id: &p.id,
                title: &p.title,
                kind,
                team,
                project: &project,
                description,
            };
            db.write(|tx| raise_ticket(tx, &raised, actor, now))
        })
    }
}
