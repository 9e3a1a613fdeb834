//! The facts the insights are computed from: what the period touched, read in a handful of
//! indexed queries. Memory follows the period, not the history: a report over the last twelve
//! weeks of a ten-year-old board holds what those twelve weeks hold.

use super::items::event_from_row;
use super::{Store, StoreError};
use crate::domain::insights::{self, Facts, Insights, ItemFacts, ReleaseFacts};
use crate::domain::measures::Transition;
use crate::domain::{Origin, State, Team};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use std::collections::{BTreeSet, HashMap, HashSet};

/// The first instant of `since` and the first instant after `today`.
fn bounds(since: NaiveDate, today: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
    (
        since.and_time(NaiveTime::MIN).and_utc(),
        (today + Duration::days(1))
            .and_time(NaiveTime::MIN)
            .and_utc(),
    )
}

fn item_number(id: &str) -> Option<u32> {
    id.strip_prefix("FB-").and_then(|n| n.parse().ok())
}

impl Store {
    /// What the insights from `since` to `today` need, and nothing older that they do not:
    /// - the releases with an event in the period, each with all its events (a release's
    ///   stretches run from its cut, which may be earlier);
    /// - the items that entered a state in the period, that are being worked on now, or that
    ///   travelled in a release of the period, each with every state it entered (a lead time or
    ///   a cycle time that ends in the period may start before it);
    /// - the items created in the period; the incidents resolved in it or raised against its
    ///   releases; their hypercare; the escapes found in it; the sprints closed in it and the
    ///   last three closed of each project (the velocity).
    pub fn insight_facts(&self, since: NaiveDate, today: NaiveDate) -> Result<Facts, StoreError> {
        let conn = self.conn();
        let (from, to) = bounds(since, today);

        // Releases touched in the period, read through the events' time index.
        let mut versions: BTreeSet<String> = BTreeSet::new();
        let mut stmt = conn.prepare(
            "SELECT DISTINCT entity_id FROM events
             WHERE at >= ?1 AND at < ?2 AND +entity = 'release'",
        )?;
        for v in stmt.query_map([from, to], |r| r.get::<_, String>(0))? {
            versions.insert(v?);
        }
        let mut release_row =
            conn.prepare_cached("SELECT project, items FROM releases WHERE version = ?1")?;
        let mut release_events = conn.prepare_cached(
            "SELECT at, actor, entity, entity_id, action, from_state, to_state, reason, details
             FROM events WHERE entity = 'release' AND entity_id = ?1 ORDER BY at, id",
        )?;
        let mut releases = Vec::new();
        for version in versions {
            let Some((project, items)) = release_row
                .query_map([&version], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
                })?
                .next()
                .transpose()?
            else {
                continue;
            };
            let items: Vec<crate::domain::ItemId> =
                serde_json::from_str(&items).unwrap_or_default();
            let events = release_events
                .query_map([&version], event_from_row)?
                .collect::<Result<Vec<_>, _>>()?;
            releases.push(ReleaseFacts {
                version,
                project,
                items: items.into_iter().map(|i| i.0).collect(),
                events,
            });
        }
        let live: HashSet<&str> = releases
            .iter()
            .filter(|r| r.events.iter().any(|e| e.action == "switch"))
            .map(|r| r.version.as_str())
            .collect();

        // The items the period needs.
        let mut wanted: BTreeSet<u32> = BTreeSet::new();
        let mut stmt = conn.prepare(
            "SELECT DISTINCT entity_id FROM events
             WHERE at >= ?1 AND at < ?2 AND +entity = 'item' AND to_state IS NOT NULL AND to_state != ''",
        )?;
        for id in stmt.query_map([from, to], |r| r.get::<_, String>(0))? {
            wanted.extend(item_number(&id?));
        }
        let mut stmt =
            conn.prepare("SELECT id FROM items WHERE state IN ('in-progress', 'review')")?;
        for id in stmt.query_map([], |r| r.get::<_, u32>(0))? {
            wanted.insert(id?);
        }
        for r in releases
            .iter()
            .filter(|r| live.contains(r.version.as_str()))
        {
            wanted.extend(r.items.iter().copied());
        }
        let item_facts = |r: &rusqlite::Row<'_>| {
            Ok(ItemFacts {
                id: r.get(0)?,
                team: r.get::<_, Option<String>>(1)?.and_then(|t| t.parse().ok()),
                origin: r.get::<_, String>(2)?.parse().unwrap_or(Origin::Planned),
                state: r.get::<_, String>(3)?.parse().unwrap_or(State::Backlog),
                created: r.get(4)?,
            })
        };
        let mut item_row = conn
            .prepare_cached("SELECT id, team, origin, state, created FROM items WHERE id = ?1")?;
        let mut item_events = conn.prepare_cached(
            "SELECT id, at, to_state FROM events
             WHERE entity = 'item' AND entity_id = ?1 AND to_state IS NOT NULL AND to_state != ''",
        )?;
        let mut items: Vec<ItemFacts> = Vec::new();
        let mut transitions: Vec<(i64, Option<Team>, Transition)> = Vec::new();
        for id in &wanted {
            let Some(facts) = item_row.query_map([id], item_facts)?.next().transpose()? else {
                continue;
            };
            for row in item_events.query_map([format!("FB-{id}")], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, DateTime<Utc>>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })? {
                let (event, at, state) = row?;
                if let Ok(to) = state.parse::<State>() {
                    transitions.push((event, facts.team, Transition { item: *id, at, to }));
                }
            }
            items.push(facts);
        }
        // Created in the period and not needed above: what the origins count.
        let mut stmt = conn.prepare(
            "SELECT id, team, origin, state, created FROM items WHERE created >= ?1 AND created < ?2",
        )?;
        for facts in stmt.query_map([from, to], item_facts)? {
            let facts = facts?;
            if !wanted.contains(&facts.id) {
                items.push(facts);
            }
        }
        transitions.sort_by_key(|t| (t.2.at, t.0));
        let transitions = transitions
            .into_iter()
            .map(|(_, team, t)| (team, t))
            .collect();

        // Incidents resolved in the period or raised against one of its releases.
        let mut incidents = Vec::new();
        self.each_incident_where(
            "(resolved >= ?1 AND resolved < ?2) OR release IN (SELECT DISTINCT entity_id FROM events
              WHERE at >= ?1 AND at < ?2 AND +entity = 'release')",
            [from, to],
            |i| {
                incidents.push(i);
                Ok::<(), StoreError>(())
            },
        )?;
        let mut hypercare = Vec::new();
        for version in &live {
            // A release without hypercare (a maintenance one) has none to add; a failed read
            // is a failure.
            match self.hypercare(version) {
                Ok(h) => hypercare.push(h),
                Err(StoreError::Domain(_)) => {}
                Err(e) => return Err(e),
            }
        }
        let mut escapes = Vec::new();
        self.each_escape_where("found >= ?1 AND found < ?2", [from, to], |e| {
            escapes.push(e);
            Ok::<(), StoreError>(())
        })?;

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
        // The incidents opened in the period, each with its clock as of the period's end (or
        // now, when that is sooner).
        let mut sla_clocks = Vec::new();
        {
            let projects = self.projects()?;
            let transitions =
                self.incident_transitions_where("i.opened >= ?1 AND i.opened < ?2", [from, to])?;
            let now = to.min(Utc::now());
            self.each_incident_where("opened >= ?1 AND opened < ?2", [from, to], |i| {
                let t = transitions.get(&i.id).map(Vec::as_slice).unwrap_or(&[]);
                let c = crate::domain::sla::incident_clock(&i, &projects, t, now);
                sla_clocks.push((i.priority, i.opened, c));
                Ok::<(), StoreError>(())
            })?;
        }
        Ok(Facts {
            sla_clocks,
            escapes,
            tests,
            releases,
            incidents,
            hypercare,
            transitions,
            items,
            sprints: self.sprints_for_velocity(since, today)?,
        })
    }

    /// The insights over the period from `since` to `today`.
    pub fn insights(&self, since: NaiveDate, today: NaiveDate) -> Result<Insights, StoreError> {
        Ok(insights::compute(
            &self.insight_facts(since, today)?,
            since,
            today,
        ))
    }
}
