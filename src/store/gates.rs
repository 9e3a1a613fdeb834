//! The release's gates in the file: firebreak answers, the restart, go/no-go votes and
//! production's switch and rollback. Each reads what it decides on inside the transaction
//! that writes it, checks the revision the user saw, and lets the schema refuse a second
//! answer or vote of one role or person.

use super::items::{load, update};
use super::release::{COLS, load_view, release_from_row, save, sign};
use super::{Store, StoreError, append_event, check_seen};
use crate::domain::item::{self, ItemCommand};
use crate::domain::pipeline::Pipeline;
use crate::domain::release::{self, Change, Release, ReleaseState, Routing, Slot, Vote};
use crate::domain::{Actor, DomainError, Event, ProjectKind, State};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};
use std::path::Path;

/// What a production change did: the release changed, where the traffic went, and what
/// production's command printed.
#[derive(Debug, Clone)]
pub struct Changed {
    pub release: Release,
    pub routing: Routing,
    pub output: Option<String>,
}

/// Production's command for a change: told where the traffic goes, it returns what it printed,
/// or why it failed.
pub type ProductionCommand<'a> =
    dyn FnOnce(&Routing, &Pipeline, &Path) -> Result<Option<String>, String> + 'a;

/// A unique index refused a second answer or vote: the same role or person was quicker.
fn signed_already(e: StoreError, version: &str, actor: &Actor) -> StoreError {
    match e {
        StoreError::Sql(rusqlite::Error::SqliteFailure(f, _))
            if f.code == rusqlite::ErrorCode::ConstraintViolation =>
        {
            DomainError::not_allowed(
                "one-person-once",
                format!(
                    "{} has already had this answer from {} or from their role: one each",
                    version, actor.name
                ),
            )
            .into()
        }
        other => other,
    }
}

/// The release as it stands now, refused as stale if it moved on since the revision seen.
fn current(
    db: &Store,
    version: &str,
    seen: Option<i64>,
) -> Result<crate::domain::release::ReleaseView, StoreError> {
    check_seen(db.conn(), "release", version, seen)?;
    load_view(db.conn(), version)
}

fn slots_of(conn: &Connection, project: &str) -> Result<Vec<Slot>, StoreError> {
    let mut stmt =
        conn.prepare("SELECT slot, release, live FROM slots WHERE project = ?1 ORDER BY slot")?;
    let rows = stmt.query_map([project], |r| {
        Ok(Slot {
            slot: r.get(0)?,
            release: r.get(1)?,
            live: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

impl Store {
    /// A firebreak party accepts or rejects (which halts the release).
    #[allow(clippy::too_many_arguments)]
    pub fn answer(
        &mut self,
        version: &str,
        accept: bool,
        comment: &str,
        actor: &Actor,
        now: DateTime<Utc>,
        seen: Option<i64>,
    ) -> Result<Release, StoreError> {
        self.decide(|db| {
            let view = current(db, version, seen)?;
            let (next, s, event) = release::answer(
                &view.release,
                &view.release.policy.parties,
                &view.progress(),
                accept,
                comment,
                actor,
                now,
            )?;
            let tx = db.conn();
            sign(tx, version, "firebreak", &s).map_err(|e| signed_already(e, version, actor))?;
            save(tx, &next, now)?;
            append_event(tx, &event)?;
            Ok(next)
        })
    }

    /// A release manager restarts the automation after every party accepted.
    pub fn restart(
        &mut self,
        version: &str,
        actor: &Actor,
        now: DateTime<Utc>,
        seen: Option<i64>,
    ) -> Result<Release, StoreError> {
        self.decide(|db| {
            let view = current(db, version, seen)?;
            let (next, event) = release::restart(
                &view.release,
                &view.release.policy.parties,
                &view.progress(),
                actor,
                now,
            )?;
            let tx = db.conn();
            tx.execute(
                "UPDATE releases SET restarted = 1 WHERE version = ?1",
                [version],
            )?;
            save(tx, &next, now)?;
            append_event(tx, &event)?;
            Ok(next)
        })
    }

    /// A release manager abandons a halted release, saying why.
    pub fn abandon(
        &mut self,
        version: &str,
        reason: &str,
        actor: &Actor,
        now: DateTime<Utc>,
        seen: Option<i64>,
    ) -> Result<Release, StoreError> {
        self.decide(|db| {
            let view = current(db, version, seen)?;
            let (next, event) = release::abandon(&view.release, reason, actor, now)?;
            let tx = db.conn();
            save(tx, &next, now)?;
            append_event(tx, &event)?;
            Ok(next)
        })
    }

    /// A go/no-go vote; one no-go abandons the release.
    #[allow(clippy::too_many_arguments)]
    pub fn vote(
        &mut self,
        version: &str,
        go: Vote,
        comment: &str,
        actor: &Actor,
        now: DateTime<Utc>,
        seen: Option<i64>,
    ) -> Result<Release, StoreError> {
        self.decide(|db| {
            let view = current(db, version, seen)?;
            let delivery = db
                .projects()?
                .into_iter()
                .any(|p| p.name == view.release.project && p.kind == ProjectKind::Delivery);
            let open = if delivery {
                Some(db.handover(&view.release.project)?.open())
            } else {
                None
            };
            let (next, s, event) = release::vote(
                &view.release,
                &view.progress(),
                go,
                comment,
                open.as_deref(),
                actor,
                now,
            )?;
            let tx = db.conn();
            sign(tx, version, "vote", &s).map_err(|e| signed_already(e, version, actor))?;
            save(tx, &next, now)?;
            if next.state == ReleaseState::Abandoned {
                tx.execute(
                    "UPDATE slots SET release = NULL WHERE release = ?1 AND live = 0",
                    [version],
                )?;
            }
            append_event(tx, &event)?;
            Ok(next)
        })
    }

    /// A switch or a rollback, decided, carried out and written in one transaction: the rules
    /// first, then production's `command` (told the slot and version the traffic goes to),
    /// then the slots. No other write can come between the decision and the change; a
    /// refusal or a failed command changes nothing.
    #[allow(clippy::too_many_arguments)]
    pub fn change_production(
        &mut self,
        version: &str,
        change: Change,
        reason: &str,
        actor: &Actor,
        now: DateTime<Utc>,
        seen: Option<i64>,
        command: Box<ProductionCommand<'_>>,
    ) -> Result<Changed, StoreError> {
        self.decide(|db| {
            let view = current(db, version, seen)?;
            let slots = slots_of(db.conn(), &view.release.project)?;
            let releases = project_releases(db.conn(), &view.release.project)?;
            let (next, event, routing) = match change {
                Change::Switch => {
                    let (next, event) = release::switch(
                        &view.release,
                        &view.progress(),
                        reason,
                        actor,
                        now,
                    )?;
                    let routing = release::switch_routing(&view.release, &slots).ok_or_else(
                        || {
                            DomainError::illegal(format!(
                                "{version} holds no production slot: it was never deployed to the shadow"
                            ))
                        },
                    )?;
                    (next, event, routing)
                }
                Change::Rollback => {
                    let standby = release::standby(&view.release, &slots, &releases);
                    let (next, event) = release::rollback(
                        &view.release,
                        standby.as_ref().map(|s| s.1),
                        reason,
                        actor,
                        now,
                    )?;
                    let (slot, to) = standby.ok_or_else(|| {
                        DomainError::illegal(format!("{version} has no standby to roll back to"))
                    })?;
                    (next, event, release::rollback_routing(&view.release, (&slot, to)))
                }
            };
            let (pipeline, path) = db.release_pipeline(&view.release)?;
            let dir = super::release::pipeline_dir(path.as_deref());
            let output = command(&routing, &pipeline, &dir).map_err(|log| {
                StoreError::Command(format!(
                    "the {change} command failed, so nothing changed: {}",
                    log.trim()
                ))
            })?;
            let tx = db.conn();
            match change {
                Change::Switch => switch_rows(tx, &next, &routing, actor, now)?,
                Change::Rollback => rollback_rows(tx, &next, &routing, reason, actor, now)?,
            }
            save(tx, &next, now)?;
            // What production's command printed is kept with the change, for the board, `release
            // show` and the audit trail.
            let event = event.details(serde_json::json!({
                "slot": routing.slot, "to": routing.version, "from": routing.from,
                "output": output,
            }));
            append_event(tx, &event)?;
            Ok(Changed {
                release: next,
                routing,
                output,
            })
        })
    }
}

fn project_releases(conn: &Connection, project: &str) -> Result<Vec<Release>, StoreError> {
    let mut stmt = conn.prepare(&format!("SELECT {COLS} FROM releases WHERE project = ?1"))?;
    let rows = stmt.query_map([project], release_from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The switch's rows: the routed slot is live, the old live release stands by, the items are
/// released, problems settle and hypercare starts.
fn switch_rows(
    tx: &Connection,
    next: &Release,
    routing: &Routing,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    if let Some(old) = &routing.from {
        tx.execute(
            "UPDATE releases SET state = 'standby', updated = ?2 WHERE version = ?1",
            params![old, now],
        )?;
        append_event(
            tx,
            &Event::new(now, &actor.name, "release", old, "standby").from_to("live", "standby"),
        )?;
    }
    tx.execute(
        "UPDATE slots SET live = 0 WHERE project = ?1",
        params![next.project],
    )?;
    tx.execute(
        "UPDATE slots SET live = 1 WHERE project = ?1 AND slot = ?2",
        params![next.project, routing.slot],
    )?;
    let automation = Actor::automation();
    for id in &next.items {
        let current = load(tx, *id)?;
        if current.state == State::Done {
            let (item, e) = item::apply(
                &current,
                &ItemCommand::Release {
                    version: next.version.clone(),
                },
                &automation,
                now,
            )?;
            update(tx, &item, current.version)?;
            append_event(tx, &e)?;
        }
    }
    // Problems whose tickets this release shipped are solved.
    super::problem::settle(tx, now)?;
    // A delivery release starts its hypercare.
    super::hypercare::start(tx, next, now)?;
    Ok(())
}

/// The rollback's rows: the standby's slot is live again, and an incident is opened, as a
/// failed change does.
fn rollback_rows(
    tx: &Connection,
    next: &Release,
    routing: &Routing,
    reason: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE slots SET live = 0 WHERE project = ?1",
        params![next.project],
    )?;
    tx.execute(
        "UPDATE slots SET live = 1 WHERE project = ?1 AND slot = ?2",
        params![next.project, routing.slot],
    )?;
    tx.execute(
        "UPDATE releases SET state = 'live', updated = ?2 WHERE version = ?1",
        params![routing.version, now],
    )?;
    append_event(
        tx,
        &Event::new(now, &actor.name, "release", &routing.version, "restored")
            .from_to("standby", "live"),
    )?;
    // The rolled-back release's work is not live: its items are done again, for the fix.
    let automation = Actor::automation();
    for id in &next.items {
        let current = load(tx, *id)?;
        if current.state == State::Released {
            let (item, e) = item::rolled_back(&current, &next.version, &automation, now)?;
            update(tx, &item, current.version)?;
            append_event(tx, &e)?;
        }
    }
    let (title, priority) = release::failed_change_incident(next, reason);
    super::incident::log(
        tx,
        &title,
        priority,
        &next.project,
        Some(&next.version),
        &Actor::automation(),
        now,
    )?;
    Ok(())
}
