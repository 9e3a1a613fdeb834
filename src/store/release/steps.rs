//! Releases on the path to live: cut from done items, each step begun and reported (a failed
//! one raises its defect and halts the release), the firebreak's hold, production's idle slot.

use super::{COLS, load_view, release_from_row, save};
use crate::domain::item;
use crate::domain::pipeline::Pipeline;
use crate::domain::release::{self, Next, Outcome, Release, ReleaseState, ReleaseView, StepRun};
use crate::domain::{Actor, DomainError, Event, ItemId, ProjectKind, State, Team, rank};
use crate::store::items::{insert, load};
use crate::store::{Store, StoreError, append_event};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

impl Store {
    /// Cuts a release from the project's done items not yet in another release, or from `ids`.
    pub fn cut_release(
        &mut self,
        version: &str,
        project: &str,
        ids: Option<Vec<ItemId>>,
        schema_change: bool,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Release, StoreError> {
        self.decide(|db| {
            let proj = db.project(project)?;
            // The originating team is the team of the person who cuts it, as it stands that
            // day (a rotation counts); the project's kind answers only for an automation.
            let team = match db.person(&actor.name)? {
                Some(person) => crate::domain::rotation::team_on(
                    &person,
                    &db.rotations()?,
                    now.date_naive(),
                ),
                None if proj.kind == ProjectKind::Bau => Team::Ams,
                None => Team::Appdev,
            };
            // A halted, abandoned, superseded or rolled-back release gives its items back: a new
            // version is the fix.
            let taken: Vec<ItemId> = db
                .releases()?
                .into_iter()
                .filter(|r| !r.state.gives_items_back())
                .flat_map(|r| r.items)
                .collect();
            db.write(|tx| {
                if load_view(tx, version).is_ok() {
                    return Err(DomainError::invalid(format!("there is a release {version} already: a new version is the fix")).into());
                }
                let items = match &ids {
                    Some(ids) => {
                        for id in ids {
                            if taken.contains(id) {
                                return Err(DomainError::illegal(format!(
                                    "{id} goes out with another release already: a release carries each item once"
                                ))
                                .into());
                            }
                            let i = load(tx, *id)?;
                            if i.project != project || i.state != State::Done {
                                return Err(DomainError::illegal(format!(
                                    "{id} is {} in {}: a release of {project} carries its done items",
                                    i.state, i.project
                                ))
                                .into());
                            }
                        }
                        ids.clone()
                    }
                    None => crate::store::items::select(tx, "project = ?1 AND state = 'done' ORDER BY rank", [project])?
                        .into_iter()
                        .map(|i| i.id)
                        .filter(|id| !taken.contains(id))
                        .collect(),
                };
                // A release that carries a story flagged as a schema change is one: its firebreak
                // is armed, whatever the project's pipeline says.
                let flagged = schema_items(tx, &items)?;
                let schema_change = schema_change || !flagged.is_empty();
                let (r, event) = release::cut(version, &proj, team, items, schema_change, actor, now)?;
                save(tx, &r, now)?;
                append_event(tx, &event)?;
                Ok(r)
            })
        })
    }

    /// The items among `items` flagged as changing the schema.
    pub fn schema_items(&self, items: &[ItemId]) -> Result<Vec<ItemId>, StoreError> {
        schema_items(self.conn(), items)
    }

    /// Where a release stands and what comes next.
    pub fn next_step(&self, version: &str) -> Result<(ReleaseView, Pipeline, Next), StoreError> {
        let view = self.release(version)?;
        let (pipeline, _) = self.release_pipeline(&view.release)?;
        let next = release::next(&pipeline, &view.progress(), view.release.armed());
        Ok((view, pipeline, next))
    }

    /// Marks a step as running, so that a crash leaves it visibly interrupted.
    pub fn begin_step(
        &mut self,
        version: &str,
        env: &str,
        step: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.decide(|db| {
            let (view, pipeline, next) = db.next_step(version)?;
            match &next {
                Next::Step { env: e, step: s } if e == env && s == step => {}
                _ => {
                    return Err(DomainError::illegal(format!(
                        "{env}/{step} is not the next step of {version}"
                    ))
                    .into());
                }
            }
            db.write(|tx| {
                hold(tx, &view.release, &pipeline, env)?;
                let interrupted = tx
                    .query_row(
                        "SELECT started FROM steps WHERE release = ?1 AND env = ?2 AND step = ?3 AND outcome IS NULL",
                        params![version, env, step],
                        |r| r.get::<_, DateTime<Utc>>(0),
                    )
                    .optional()?;
                if let Some(started) = interrupted {
                    append_event(
                        tx,
                        &Event::new(now, crate::domain::policy::AUTOMATION, "release", version, "interrupted")
                            .details(serde_json::json!({ "env": env, "step": step, "started": started })),
                    )?;
                }
                tx.execute(
                    "INSERT INTO steps (release, env, step, started) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (release, env, step) DO UPDATE SET started = ?4, outcome = NULL, log = ''",
                    params![version, env, step, now],
                )?;
                Ok(())
            })
        })
    }

    /// Steps left running by a run that died: what `release run` resumes.
    pub fn interrupted(&self, version: &str) -> Result<Vec<(String, String)>, StoreError> {
        let mut stmt = self
            .conn()
            .prepare("SELECT env, step FROM steps WHERE release = ?1 AND outcome IS NULL")?;
        let rows = stmt.query_map([version], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Records a step's outcome (the automation's act). A failure halts the release and raises
    /// a defect on the backlog, or adds an occurrence to the one still open for that step; a
    /// pass supersedes the project's older versions halted at that very step. The test cases its
    /// JUnit reports held (none for a plain pass or fail) replace any the step had from an
    /// earlier attempt, in the same write.
    #[allow(clippy::too_many_arguments)]
    pub fn report(
        &mut self,
        version: &str,
        env: &str,
        step: &str,
        outcome: Outcome,
        seconds: f64,
        log: &str,
        url: Option<&str>,
        cases: &[crate::domain::junit::Case],
        now: DateTime<Utc>,
        reporter: &Actor,
    ) -> Result<Reported, StoreError> {
        self.decide(|db| {
            let (view, pipeline, _) = db.next_step(version)?;
            let armed = view.release.armed();
            let run = StepRun {
                env: env.into(),
                step: step.into(),
                outcome,
                at: now,
                seconds,
            };
            let (mut next, event) = release::record(
                &view.release,
                &pipeline,
                &view.progress(),
                armed,
                &run,
                reporter,
                now,
            )?;
            let log = tail(log, 200_000);
            db.write(|tx| {
                hold(tx, &view.release, &pipeline, env)?;
                tx.execute(
                    "INSERT INTO steps (release, env, step, outcome, started, finished, seconds, log, url, reporter)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6, ?7, ?8, ?9)
                     ON CONFLICT (release, env, step) DO UPDATE SET outcome = ?4, finished = ?5, seconds = ?6, log = ?7, url = ?8, reporter = ?9",
                    params![version, env, step, outcome.as_str(), now, seconds, log, url, reporter.name],
                )?;
                crate::store::cases::save(tx, version, env, step, cases)?;
                if next.state == ReleaseState::Shadow || (env == pipeline.production().name && step == "deploy") {
                    next.slot = Some(idle_slot(tx, &next.project)?);
                    if next.state == ReleaseState::Shadow {
                        tx.execute(
                            "INSERT INTO slots (project, slot, release, live) VALUES (?1, ?2, ?3, 0)
                             ON CONFLICT (project, slot) DO UPDATE SET release = ?3",
                            params![next.project, next.slot, next.version],
                        )?;
                    }
                }
                save(tx, &next, now)?;
                append_event(tx, &event)?;
                let defect = if outcome == Outcome::Fail { Some(raise(tx, &next, env, step, &log, now)?) } else { None };
                let superseded = if outcome == Outcome::Pass { supersede(tx, &next, env, step, now)? } else { Vec::new() };
                Ok(Reported { release: next, defect, superseded })
            })
        })
    }
}

/// What a step's report did: where the release stands, the defect a failure raised, and the
/// older versions its pass superseded.
#[derive(Debug, Clone)]
pub struct Reported {
    pub release: Release,
    pub defect: Option<ItemId>,
    pub superseded: Vec<String>,
}

/// Supersedes the project's versions halted at `env/step`, cut before `by`, which has just
/// passed it; returns their versions, oldest first.
fn supersede(
    tx: &Connection,
    by: &Release,
    env: &str,
    step: &str,
    now: DateTime<Utc>,
) -> Result<Vec<String>, StoreError> {
    let halted = {
        let mut stmt = tx.prepare(&format!(
            "SELECT {COLS} FROM releases WHERE project = ?1 AND state = 'halted' ORDER BY created, version"
        ))?;
        stmt.query_map([&by.project], release_from_row)?
            .collect::<Result<Vec<_>, _>>()?
    };
    let mut out = Vec::new();
    for r in halted {
        let at: Option<(String, String)> = tx
            .query_row(
                "SELECT env, step FROM steps WHERE release = ?1 AND outcome = 'fail' ORDER BY finished DESC LIMIT 1",
                [&r.version],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        let at = at.as_ref().map(|(e, s)| (e.as_str(), s.as_str()));
        if let Some((ended, event)) = release::supersede(&r, at, by, (env, step), now) {
            save(tx, &ended, now)?;
            append_event(tx, &event)?;
            out.push(ended.version);
        }
    }
    Ok(out)
}

/// The slot not serving traffic: blue when neither is live yet.
fn idle_slot(tx: &Connection, project: &str) -> Result<String, StoreError> {
    let live: Option<String> = tx
        .query_row(
            "SELECT slot FROM slots WHERE project = ?1 AND live = 1",
            [project],
            |r| r.get(0),
        )
        .optional()?;
    Ok(if live.as_deref() == Some("blue") {
        "green"
    } else {
        "blue"
    }
    .to_string())
}

/// One release in an environment at a time: refuses when another release of the project
/// stands there (running its steps, waiting at the firebreak there, or in the shadow).
fn hold(tx: &Connection, r: &Release, pipeline: &Pipeline, env: &str) -> Result<(), StoreError> {
    let others = {
        let mut stmt = tx.prepare(&format!(
            "SELECT {COLS} FROM releases WHERE project = ?1 AND version != ?2 AND state IN ('running', 'firebreak', 'shadow')"
        ))?;
        stmt.query_map(params![r.project, r.version], release_from_row)?
            .collect::<Result<Vec<_>, _>>()?
    };
    for other in others {
        let view = load_view(tx, &other.version)?;
        let at = match release::next(pipeline, &view.progress(), true) {
            Next::Step { env, .. } => Some(env),
            Next::Firebreak => pipeline.firebreak_env().map(|e| e.name.clone()),
            Next::Shadow => Some(pipeline.production().name.clone()),
            Next::Halted { .. } => None,
        };
        let started_here = view.steps.iter().any(|s| s.env == env);
        if at.as_deref() == Some(env) && (started_here || other.state != ReleaseState::Running) {
            return Err(DomainError::illegal(format!(
                "{env} is held by {} ({}): one release in an environment at a time; wait for it to move on",
                other.version, other.state
            ))
            .into());
        }
    }
    Ok(())
}

/// Raises the pipeline defect of a failed step, or counts another occurrence on the open one.
fn raise(
    tx: &Connection,
    r: &Release,
    env: &str,
    step: &str,
    log: &str,
    now: DateTime<Utc>,
) -> Result<ItemId, StoreError> {
    let fingerprint = crate::domain::ticket::fingerprint(r, env, step);
    let open: Option<u32> = tx
        .query_row(
            "SELECT r.item FROM raised r JOIN items i ON i.id = r.item
             WHERE r.fingerprint = ?1 AND i.state NOT IN ('done', 'released', 'cancelled') LIMIT 1",
            [&fingerprint],
            |row| row.get(0),
        )
        .optional()?;
    let automation = Actor::automation();
    if let Some(id) = open {
        tx.execute(
            "UPDATE raised SET occurrences = occurrences + 1 WHERE fingerprint = ?1 AND item = ?2",
            params![fingerprint, id],
        )?;
        append_event(
            tx,
            &Event::new(
                now,
                &automation.name,
                "item",
                ItemId(id).to_string(),
                "occurrence",
            )
            .details(serde_json::json!({ "release": r.version, "env": env, "step": step })),
        )?;
        return Ok(ItemId(id));
    }
    let next: u32 = tx.query_row("SELECT coalesce(max(id), 0) + 1 FROM items", [], |row| {
        row.get(0)
    })?;
    let last: Option<String> = tx
        .query_row("SELECT max(rank) FROM items", [], |row| row.get(0))
        .optional()?
        .flatten();
    let new = crate::domain::ticket::pipeline_defect(r, env, step, &tail(log, 4_000));
    let (item, event) = item::create(
        new,
        ItemId(next),
        rank::between(last.as_deref(), None),
        &automation,
        now,
    )?;
    insert(tx, &item)?;
    append_event(tx, &event.details(serde_json::json!({ "release": r.version, "env": env, "step": step, "fingerprint": fingerprint })))?;
    tx.execute(
        "INSERT INTO raised (fingerprint, item) VALUES (?1, ?2)",
        params![fingerprint, next],
    )?;
    Ok(item.id)
}

/// The last `max` bytes of a log, cut at a character boundary.
pub fn tail(log: &str, max: usize) -> String {
    if log.len() <= max {
        return log.to_string();
    }
    let mut start = log.len() - max;
    while !log.is_char_boundary(start) {
        start += 1;
    }
    format!("…{}", &log[start..])
}

/// The items among `items` flagged for an operations review with the concern `schema`.
pub(crate) fn schema_items(
    tx: &rusqlite::Connection,
    items: &[ItemId],
) -> Result<Vec<ItemId>, StoreError> {
    let mut stmt = tx.prepare_cached("SELECT item, concerns FROM ops_reviews ORDER BY item")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, u32>(0)?, r.get::<_, String>(1)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (item, concerns) = row?;
        if items.contains(&ItemId(item)) && concerns.split(',').any(|c| c.trim() == "schema") {
            out.push(ItemId(item));
        }
    }
    Ok(out)
}
