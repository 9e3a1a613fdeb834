//! The facts the insights are computed from, read in a handful of queries.

use super::items::event_from_row;
use super::{Store, StoreError};
use crate::domain::insights::{self, Facts, Insights, ItemFacts, ReleaseFacts};
use crate::domain::measures::Transition;
use crate::domain::{Event, Origin, State, Team};
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::HashMap;

impl Store {
    /// Everything the insights need: releases with their events, incidents, hypercare, every
    /// item's transitions and origin, the sprints.
    pub fn insight_facts(&self) -> Result<Facts, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT at, actor, entity, entity_id, action, from_state, to_state, reason, details
             FROM events WHERE entity = 'release' ORDER BY at, id",
        )?;
        let mut events: HashMap<String, Vec<Event>> = HashMap::new();
        for e in stmt.query_map([], event_from_row)? {
            let e = e?;
            events.entry(e.entity_id.clone()).or_default().push(e);
        }
        let mut stmt = conn.prepare("SELECT version, project, items FROM releases")?;
        let releases = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })?
            .map(|row| {
                row.map(|(version, project, items)| {
                    let items: Vec<crate::domain::ItemId> =
                        serde_json::from_str(&items).unwrap_or_default();
                    ReleaseFacts {
                        events: events.remove(&version).unwrap_or_default(),
                        version,
                        project,
                        items: items.into_iter().map(|i| i.0).collect(),
                    }
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut stmt = conn.prepare("SELECT id, team, origin, state, created FROM items")?;
        let items = stmt
            .query_map([], |r| {
                Ok(ItemFacts {
                    id: r.get(0)?,
                    team: r.get::<_, Option<String>>(1)?.and_then(|t| t.parse().ok()),
                    origin: r.get::<_, String>(2)?.parse().unwrap_or(Origin::Planned),
                    state: r.get::<_, String>(3)?.parse().unwrap_or(State::Backlog),
                    created: r.get(4)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        // Every item's transitions, its team looked up here rather than joined: one pass over
        // the item events in time order.
        let teams: HashMap<u32, Option<Team>> = items.iter().map(|i| (i.id, i.team)).collect();
        let mut stmt = conn.prepare(
            "SELECT entity_id, at, to_state FROM events
             WHERE entity = 'item' AND to_state IS NOT NULL AND to_state != ''
             ORDER BY at, id",
        )?;
        let mut transitions = Vec::new();
        for row in stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, DateTime<Utc>>(1)?,
                r.get::<_, String>(2)?,
            ))
        })? {
            let (id, at, to) = row?;
            let Some(item) = id.strip_prefix("FB-").and_then(|n| n.parse::<u32>().ok()) else {
                continue;
            };
            if let (Ok(to), Some(team)) = (to.parse::<State>(), teams.get(&item)) {
                transitions.push((*team, Transition { item, at, to }));
            }
        }
        // Each project's tests with their kind; a pipeline file that cannot be read adds none.
        let mut tests = HashMap::new();
        for p in self.projects()? {
            if let Ok((pipeline, _, _)) = self.project_pipeline(&p.name) {
                for env in &pipeline.environments {
                    for t in &env.tests {
                        tests.insert((p.name.clone(), env.name.clone(), t.name.clone()), t.kind);
                    }
                }
            }
        }
        Ok(Facts {
            escapes: self.escapes()?,
            tests,
            releases,
            incidents: self.incidents()?,
            hypercare: self.hypercares()?,
            transitions,
            items,
            sprints: self.sprints()?,
        })
    }

    /// The insights over the period from `since` to `today`.
    pub fn insights(&self, since: NaiveDate, today: NaiveDate) -> Result<Insights, StoreError> {
        Ok(insights::compute(&self.insight_facts()?, since, today))
    }
}
