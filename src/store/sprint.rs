//! Sprints in the file: planning items into them, starting and completing them with their
//! items in the same transaction, and what their burndown is read from.

use super::items::{load, update};
use super::{Store, StoreError, append_event};
use crate::domain::backlog::RankMove;
use crate::domain::burndown::{self, Burndown, Change, ItemChange};
use crate::domain::sprint::{self, Carry, Commitment, Sprint, SprintState};
use crate::domain::{Actor, DomainError, Item, ItemCommand, ItemId, State, Team, item};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params};
use std::collections::HashMap;

const COLS: &str = "name, project, goal, start, end, state, commitment, completed";

fn sprint_from_row(r: &Row<'_>) -> rusqlite::Result<Sprint> {
    let commitment: Option<String> = r.get(6)?;
    Ok(Sprint {
        name: r.get(0)?,
        project: r.get(1)?,
        goal: r.get(2)?,
        start: r.get(3)?,
        end: r.get(4)?,
        state: r
            .get::<_, String>(5)?
            .parse()
            .unwrap_or(SprintState::Future),
        commitment: commitment.and_then(|c| serde_json::from_str::<Commitment>(&c).ok()),
        completed: r.get(7)?,
    })
}

/// The project's active sprint, if it runs one.
pub(super) fn active_sprint(
    tx: &rusqlite::Connection,
    project: &str,
) -> Result<Option<Sprint>, StoreError> {
    let name: Option<String> = tx
        .query_row(
            "SELECT name FROM sprints WHERE project = ?1 AND state = 'active' LIMIT 1",
            [project],
            |r| r.get(0),
        )
        .optional()?;
    name.map(|n| load_sprint(tx, &n)).transpose()
}

pub(super) fn load_sprint(tx: &rusqlite::Connection, name: &str) -> Result<Sprint, StoreError> {
    tx.query_row(
        &format!("SELECT {COLS} FROM sprints WHERE name = ?1"),
        [name],
        sprint_from_row,
    )
    .optional()?
    .ok_or_else(|| {
        DomainError::not_found(format!(
            "there is no sprint '{name}': see `firebreak sprint list`"
        ))
        .into()
    })
}

fn save(tx: &Connection, s: &Sprint) -> Result<(), StoreError> {
    let commitment = s
        .commitment
        .as_ref()
        .and_then(|c| serde_json::to_string(c).ok());
    tx.execute(
        "INSERT INTO sprints (name, project, goal, start, end, state, commitment, completed)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (name) DO UPDATE SET goal = ?3, start = ?4, end = ?5, state = ?6,
             commitment = ?7, completed = ?8",
        params![
            s.name,
            s.project,
            s.goal,
            s.start,
            s.end,
            s.state.as_str(),
            commitment,
            s.completed
        ],
    )?;
    Ok(())
}

fn members(tx: &rusqlite::Connection, name: &str) -> Result<Vec<Item>, StoreError> {
    super::items::select(tx, "sprint = ?1 ORDER BY rank", [name])
}

impl Store {
    pub fn sprints(&self) -> Result<Vec<Sprint>, StoreError> {
        let mut stmt = self.conn().prepare(&format!(
            "SELECT {COLS} FROM sprints ORDER BY project, start, name"
        ))?;
        let rows = stmt.query_map([], sprint_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The sprints the velocity of a period is read from: each project's sprints closed in the
    /// period, and its last three closed by its end.
    pub fn sprints_for_velocity(
        &self,
        since: chrono::NaiveDate,
        today: chrono::NaiveDate,
    ) -> Result<Vec<Sprint>, StoreError> {
        let mut stmt = self.conn().prepare(&format!(
            "SELECT {COLS} FROM (
                 SELECT *, row_number() OVER (PARTITION BY project ORDER BY end DESC, name DESC) AS latest
                 FROM sprints WHERE state = 'closed' AND end <= ?2)
             WHERE latest <= 3 OR end >= ?1
             ORDER BY project, start, name"
        ))?;
        let rows = stmt.query_map([since, today], sprint_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn sprint(&self, name: &str) -> Result<Sprint, StoreError> {
        load_sprint(self.conn(), name)
    }

    /// The items planned into a sprint, in rank order.
    pub fn sprint_items(&self, name: &str) -> Result<Vec<Item>, StoreError> {
        members(self.conn(), name)
    }

    pub fn add_sprint(
        &mut self,
        name: &str,
        project: &str,
        goal: &str,
        dates: (NaiveDate, NaiveDate),
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Sprint, StoreError> {
        self.decide(|db| {
            let project = db.project(project)?;
            let (sprint, event) =
                sprint::create(name, &project, goal, dates.0, dates.1, actor, now)?;
            db.write(|tx| {
                if load_sprint(tx, &sprint.name).is_ok() {
                    return Err(DomainError::invalid(format!(
                        "there is a sprint named {} already: choose another name",
                        sprint.name
                    ))
                    .into());
                }
                save(tx, &sprint)?;
                append_event(tx, &event)?;
                Ok(sprint)
            })
        })
    }

    /// Plans ready items of the sprint's project into it, all or none.
    pub fn plan(
        &mut self,
        name: &str,
        ids: &[ItemId],
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Vec<Item>, StoreError> {
        self.decide(|db| {
            db.write(|tx| {
                let s = load_sprint(tx, name)?;
                sprint::check_open(&s)?;
                let mut out = Vec::new();
                for id in ids {
                    let current = load(tx, *id)?;
                    if current.project != s.project {
                        return Err(DomainError::illegal(format!(
                            "{id} belongs to project {}, and {} to {}: plan it into a sprint of its own project",
                            current.project, s.name, s.project
                        ))
                        .into());
                    }
                    let cmd = ItemCommand::Plan { sprint: s.name.clone() };
                    let (next, event) = item::apply(&current, &cmd, actor, now)?;
                    update(tx, &next, current.version)?;
                    append_event(tx, &event)?;
                    out.push(next);
                }
                Ok(out)
            })
        })
    }

    pub fn start_sprint(
        &mut self,
        name: &str,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Sprint, StoreError> {
        self.decide(|db| {
            db.write(|tx| {
                let s = load_sprint(tx, name)?;
                let active: Option<String> = tx
                    .query_row(
                        "SELECT name FROM sprints WHERE project = ?1 AND state = 'active' AND name != ?2",
                        params![s.project, s.name],
                        |r| r.get(0),
                    )
                    .optional()?;
                let items = members(tx, name)?;
                let planned: Vec<&Item> = items.iter().filter(|i| i.state == State::Planned).collect();
                let (next, event) = sprint::start(&s, active.as_deref(), &planned, actor, now)?;
                save(tx, &next)?;
                append_event(tx, &event)?;
                Ok(next)
            })
        })
    }

    /// Completes the active sprint; its unfinished items go back to the top of the delivery
    /// team's slice of the backlog, or into the project's next sprint.
    pub fn complete_sprint(
        &mut self,
        name: &str,
        carry: Carry,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<(Sprint, Vec<Item>), StoreError> {
        self.decide(|db| {
            let (closed, moved) = db.write(|tx| {
                let s = load_sprint(tx, name)?;
                let items = members(tx, name)?;
                let refs: Vec<&Item> = items.iter().collect();
                let (closed, event) = sprint::complete(&s, &refs, actor, now)?;
                let target = match carry {
                    Carry::Backlog => None,
                    Carry::Next => {
                        let next: Option<String> = tx
                            .query_row(
                                "SELECT name FROM sprints WHERE project = ?1 AND state = 'future'
                                 ORDER BY start, name LIMIT 1",
                                [&s.project],
                                |r| r.get(0),
                            )
                            .optional()?;
                        Some(next.ok_or_else(|| {
                            DomainError::illegal(format!(
                                "{} has no future sprint to carry into: add one with `firebreak sprint add`, or carry to the backlog",
                                s.project
                            ))
                        })?)
                    }
                };
                save(tx, &closed)?;
                append_event(tx, &event)?;
                let mut moved = Vec::new();
                for current in items.iter().filter(|i| !matches!(i.state, State::Done | State::Released)) {
                    let cmd = ItemCommand::Carry { sprint: target.clone() };
                    let (next, event) = item::apply(current, &cmd, actor, now)?;
                    update(tx, &next, current.version)?;
                    append_event(tx, &event)?;
                    moved.push(next);
                }
                Ok((closed, moved))
            })?;
            // Back in the backlog, they go to the top of the delivery team's slice, in their order.
            if carry == Carry::Backlog {
                let first = db
                    .backlog()?
                    .into_iter()
                    .find(|i| {
                        i.team == Some(Team::Appdev)
                            && i.state.is_open()
                            && !moved.iter().any(|m| m.id == i.id)
                    })
                    .map(|i| i.id);
                if let Some(first) = first {
                    for m in &moved {
                        db.rank_item(m.id, RankMove::Before(first), actor, now, None)?;
                    }
                }
            }
            let moved = moved
                .iter()
                .map(|m| db.item(m.id))
                .collect::<Result<_, _>>()?;
            Ok((closed, moved))
        })
    }

    /// The burndown of a sprint up to `today`.
    pub fn burndown(&self, name: &str, today: NaiveDate) -> Result<Burndown, StoreError> {
        let s = load_sprint(self.conn(), name)?;
        let mut stmt = self.conn().prepare(
            "SELECT e.entity_id, e.at, e.action, e.to_state, json_extract(e.details, '$.sprint')
             FROM events e
             WHERE e.entity = 'item' AND e.entity_id IN (
                 SELECT entity_id FROM events
                 WHERE entity = 'item' AND action IN ('plan', 'carry')
                   AND json_extract(details, '$.sprint') = ?1)
             ORDER BY e.at, e.id",
        )?;
        let rows = stmt.query_map([name], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, DateTime<Utc>>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, Option<String>>(4)?,
            ))
        })?;
        let mut changes = Vec::new();
        let mut points = HashMap::new();
        for row in rows {
            let (id, at, action, to, sprint) = row?;
            let Ok(id) = id.parse::<ItemId>() else {
                continue;
            };
            if let std::collections::hash_map::Entry::Vacant(e) = points.entry(id.0) {
                e.insert(self.item(id)?.points.unwrap_or(0));
            }
            match (action.as_str(), sprint) {
                ("plan" | "carry", Some(sprint)) => changes.push(ItemChange {
                    item: id.0,
                    at,
                    change: Change::Joined { sprint },
                }),
                ("carry", None) => changes.push(ItemChange {
                    item: id.0,
                    at,
                    change: Change::Left,
                }),
                _ => {}
            }
            if let Some(state) = to.and_then(|t| t.parse().ok()) {
                changes.push(ItemChange {
                    item: id.0,
                    at,
                    change: Change::Entered(state),
                });
            }
        }
        Ok(burndown::burndown(&s, &changes, &points, today))
    }
}
