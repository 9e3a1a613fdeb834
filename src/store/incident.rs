//! Incidents in the file: logging them (routed to the delivery team during hypercare), working
//! them, and the backlog tickets a service manager raises from them, linked both ways.

use super::items::insert;
use super::{Store, StoreError, append_event};
use crate::domain::incident::{self, Incident, IncidentState, Priority, Step};
use crate::domain::item;
use crate::domain::ticket::{Raise, Source};
use crate::domain::{Actor, DomainError, Event, Item, ItemId, Kind, Team, rank};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params};

const COLS: &str = "id, title, priority, project, release, team, state, assignee, hold, opened, resolved, opened_by, sla";

/// `COLS` and the incident's revision (its last event), for reads.
const READ: &str = "id, title, priority, project, release, team, state, assignee, hold, opened, resolved, opened_by,
    (SELECT coalesce(max(e.id), 0) FROM events e WHERE e.entity = 'incident' AND e.entity_id = incidents.id), sla";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Incident> {
    Ok(Incident {
        id: r.get(0)?,
        title: r.get(1)?,
        priority: r.get::<_, String>(2)?.parse().unwrap_or(Priority::P3),
        project: r.get(3)?,
        release: r.get(4)?,
        team: r.get::<_, String>(5)?.parse().unwrap_or(Team::Ams),
        state: r.get::<_, String>(6)?.parse().unwrap_or(IncidentState::New),
        assignee: r.get(7)?,
        hold: r.get(8)?,
        opened: r.get(9)?,
        resolved: r.get(10)?,
        opened_by: r.get(11)?,
        revision: r.get(12)?,
        sla: r
            .get::<_, Option<String>>(13)?
            .and_then(|s| serde_json::from_str(&s).ok()),
    })
}

fn save(tx: &Connection, i: &Incident) -> Result<(), StoreError> {
    tx.execute(
        &format!(
            "INSERT INTO incidents ({COLS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
             ON CONFLICT (id) DO UPDATE SET priority = ?3, state = ?7, assignee = ?8, hold = ?9, resolved = ?11"
        ),
        params![i.id, i.title, i.priority.as_str(), i.project, i.release, i.team.as_str(), i.state.as_str(), i.assignee, i.hold, i.opened, i.resolved, i.opened_by,
            i.sla.as_ref().and_then(|s| serde_json::to_string(s).ok())],
    )?;
    Ok(())
}

/// Logs an incident in a transaction: during a delivery release's hypercare it goes to the
/// delivery team, otherwise to the maintenance team.
pub(super) fn log(
    tx: &Connection,
    title: &str,
    priority: Priority,
    project: &str,
    release: Option<&str>,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Incident, StoreError> {
    let sla: Option<String> = tx
        .query_row("SELECT sla FROM projects WHERE name = ?1", [project], |r| {
            r.get(0)
        })
        .optional()?
        .ok_or_else(|| {
            DomainError::invalid(format!(
                "there is no project '{project}': see `firebreak project list`"
            ))
        })?;
    let hypercare = super::hypercare::covering(tx, project, release, now.date_naive())?.is_some();
    let team = incident::first_team(hypercare);
    let n: u32 = tx.query_row("SELECT count(*) + 1 FROM incidents", [], |r| r.get(0))?;
    let new = incident::NewIncident {
        id: format!("INC-{n}"),
        title,
        priority,
        project,
        release,
        team,
    };
    let (mut i, event) = incident::log(new, actor, now)?;
    // It keeps its project's targets as they stand now.
    i.sla = Some(
        sla.and_then(|s| serde_json::from_str(&s).ok())
            .unwrap_or_default(),
    );
    save(tx, &i)?;
    append_event(tx, &event.details(serde_json::json!({ "title": i.title, "priority": priority, "release": release, "team": team, "hypercare": hypercare })))?;
    Ok(i)
}

impl Store {
    pub fn incidents(&self) -> Result<Vec<Incident>, StoreError> {
        let mut stmt = self.conn().prepare(&format!(
            "SELECT {READ} FROM incidents ORDER BY opened DESC, id"
        ))?;
        let rows = stmt.query_map([], from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Each incident, newest first, read one at a time.
    pub fn each_incident<E: From<StoreError>>(
        &self,
        f: impl FnMut(Incident) -> Result<(), E>,
    ) -> Result<(), E> {
        self.each_row(
            &format!("SELECT {READ} FROM incidents ORDER BY opened DESC, id"),
            from_row,
            f,
        )
    }

    /// Each incident that `filter` (an SQL condition over `params`) keeps, newest first.
    pub(crate) fn each_incident_where<E: From<StoreError>>(
        &self,
        filter: &str,
        params: impl rusqlite::Params,
        f: impl FnMut(Incident) -> Result<(), E>,
    ) -> Result<(), E> {
        self.each_row_with(
            &format!("SELECT {READ} FROM incidents WHERE {filter} ORDER BY opened DESC, id"),
            params,
            from_row,
            f,
        )
    }

    pub fn incident(&self, id: &str) -> Result<Incident, StoreError> {
        self.conn()
            .query_row(
                &format!("SELECT {READ} FROM incidents WHERE id = ?1"),
                [id.to_ascii_uppercase()],
                from_row,
            )
            .optional()?
            .ok_or_else(|| {
                DomainError::not_found(format!(
                    "there is no incident '{id}': see `firebreak incident list`"
                ))
                .into()
            })
    }

    /// The tickets raised from an incident.
    pub fn tickets_of(&self, kind: &str, target: &str) -> Result<Vec<ItemId>, StoreError> {
        let mut stmt = self
            .conn()
            .prepare("SELECT item FROM links WHERE kind = ?1 AND target = ?2 ORDER BY item")?;
        let rows = stmt.query_map([kind, target], |r| r.get::<_, u32>(0).map(ItemId))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every ticket raised from an incident or problem (by `kind`), grouped by where it came
    /// from, with whether it is released: one query for the whole board.
    pub fn all_tickets(
        &self,
        kind: &str,
    ) -> Result<std::collections::HashMap<String, Vec<(ItemId, bool)>>, StoreError> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT links.target, links.item, items.state = 'released' FROM links
             JOIN items ON items.id = links.item WHERE links.kind = ?1 ORDER BY links.item",
        )?;
        let rows = stmt.query_map([kind], |r| {
            Ok((
                r.get::<_, String>(0)?,
                ItemId(r.get(1)?),
                r.get::<_, bool>(2)?,
            ))
        })?;
        let mut out: std::collections::HashMap<String, Vec<(ItemId, bool)>> = Default::default();
        for row in rows {
            let (target, item, released) = row?;
            out.entry(target).or_default().push((item, released));
        }
        Ok(out)
    }

    pub fn log_incident(
        &mut self,
        title: &str,
        priority: Priority,
        project: Option<&str>,
        release: Option<&str>,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Incident, StoreError> {
        self.decide(|db| {
            let project = match (project, release) {
                (Some(p), _) => p.to_string(),
                (None, Some(v)) => db.release(v)?.release.project,
                (None, None) => crate::domain::project::BAU.to_string(),
            };
            if let Some(v) = release {
                db.release(v)?;
            }
            db.write(|tx| log(tx, title, priority, &project, release, actor, now))
        })
    }

    pub fn step_incident(
        &mut self,
        id: &str,
        step: &Step,
        actor: &Actor,
        now: DateTime<Utc>,
        seen: Option<i64>,
    ) -> Result<Incident, StoreError> {
        self.decide(|db| {
            let current = db.incident(id)?;
            super::check_seen(db.conn(), "incident", &current.id, seen)?;
            if let Step::Assign { to } = step
                && db.person(to)?.is_none()
            {
                return Err(DomainError::not_found(format!(
                    "there is no person '{to}': see `firebreak person list`"
                ))
                .into());
            }
            let (next, event) = incident::step(&current, step, actor, now)?;
            db.write(|tx| {
                save(tx, &next)?;
                append_event(tx, &event)?;
                Ok(next)
            })
        })
    }

    /// A service manager raises a backlog ticket from an incident: in triage for the product
    /// owner, linked both ways.
    pub fn incident_ticket(
        &mut self,
        id: &str,
        kind: Kind,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Item, StoreError> {
        self.decide(|db| {
            incident::may_raise_ticket(actor)?;
            let inc = db.incident(id)?;
            let description = format!(
                "Raised by {} from incident {} ({}, {}{}).",
                actor.name,
                inc.id,
                inc.priority,
                inc.state,
                inc.release
                    .as_deref()
                    .map_or(String::new(), |v| format!(", release {v}"))
            );
            let raised = Raise {
                source: Source::Incident,
                id: &inc.id,
                title: &inc.title,
                kind,
                team: inc.team,
                project: &inc.project,
                description,
            };
            db.write(|tx| raise_ticket(tx, &raised, actor, now))
        })
    }
}

/// Adds a backlog ticket in triage for the product owner, linked both ways to where it came
/// from, with an event on each side.
pub(super) fn raise_ticket(
    tx: &Connection,
    from: &Raise<'_>,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Item, StoreError> {
    let new = from.new_item()?;
    let next: u32 = tx.query_row("SELECT coalesce(max(id), 0) + 1 FROM items", [], |r| {
        r.get(0)
    })?;
    let last: Option<String> = tx
        .query_row("SELECT max(rank) FROM items", [], |r| r.get(0))
        .optional()?
        .flatten();
    let (mut item, event) = item::create(
        new,
        ItemId(next),
        rank::between(last.as_deref(), None),
        actor,
        now,
    )?;
    // It lands in triage for the product owner to rank, whoever raised it.
    item.state = crate::domain::State::Triage;
    let event = Event {
        to: Some("triage".into()),
        ..event
    }
    .details(serde_json::json!({ from.source.as_str(): from.id, "kind": from.kind }));
    insert(tx, &item)?;
    append_event(tx, &event)?;
    tx.execute(
        "INSERT INTO links (item, kind, target) VALUES (?1, ?2, ?3)",
        params![next, from.source.as_str(), from.id],
    )?;
    append_event(
        tx,
        &Event::new(now, &actor.name, from.source.as_str(), from.id, "ticket")
            .details(serde_json::json!({ "item": item.id.to_string() })),
    )?;
    Ok(item)
}

/// Each incident's transitions, in order.
pub type Transitions = std::collections::HashMap<String, Vec<crate::domain::sla::Transition>>;

impl Store {
    /// Every incident's transitions in order (from its audit trail): what its SLA clock reads.
    pub fn incident_transitions(&self) -> Result<Transitions, StoreError> {
        self.incident_transitions_where("1", [])
    }

    /// The transitions of the incidents (`i`) that `filter` keeps.
    pub(crate) fn incident_transitions_where(
        &self,
        filter: &str,
        params: impl rusqlite::Params,
    ) -> Result<Transitions, StoreError> {
        let mut out = Transitions::new();
        let mut stmt = self.conn().prepare(&format!(
            "SELECT e.entity_id, e.at, e.to_state FROM events e JOIN incidents i ON i.id = e.entity_id
             WHERE e.entity = 'incident' AND e.to_state IS NOT NULL AND ({filter}) ORDER BY e.id"
        ))?;
        let mut rows = stmt.query(params)?;
        while let Some(r) = rows.next()? {
            let to: String = r.get(2)?;
            if let Ok(to) = to.parse() {
                out.entry(r.get(0)?)
                    .or_default()
                    .push(crate::domain::sla::Transition { at: r.get(1)?, to });
            }
        }
        Ok(out)
    }

    /// The SLA clock of each open incident as of `now`: what `status` and `notify` look at.
    /// Closed and resolved incidents are not read.
    pub fn open_incident_clocks(
        &self,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Vec<(Incident, crate::domain::sla::Clock)>, StoreError> {
        const OPEN: &str = "state NOT IN ('resolved', 'closed')";
        let projects = self.projects()?;
        let transitions = self.incident_transitions_where(&format!("i.{OPEN}"), [])?;
        let mut out = Vec::new();
        self.each_incident_where(OPEN, [], |i| {
            let t = transitions.get(&i.id).map(Vec::as_slice).unwrap_or(&[]);
            let c = crate::domain::sla::incident_clock(&i, &projects, t, now);
            out.push((i, c));
            Ok::<(), StoreError>(())
        })?;
        Ok(out)
    }
}
