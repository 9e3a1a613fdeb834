//! Releases in the file: cutting them, recording their steps (raising a defect when one fails),
//! the firebreak's signatures, votes, production's slots, switch and rollback, each in one
//! transaction with its events.

use super::items::{insert, load};
use super::{Store, StoreError, append_event};
use crate::domain::item;
use crate::domain::pipeline::Pipeline;
use crate::domain::release::{
    self, Next, Outcome, Release, ReleaseState, ReleaseView, Sign, StepRecord, StepRun,
};
use crate::domain::{Actor, DomainError, Event, ItemId, ProjectKind, State, Team, rank};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params};

pub(super) const COLS: &str =
    "version, project, originator, team, schema_change, items, state, slot, created";

pub(super) fn release_from_row(r: &Row<'_>) -> rusqlite::Result<Release> {
    let items: String = r.get(5)?;
    Ok(Release {
        version: r.get(0)?,
        project: r.get(1)?,
        originator: r.get(2)?,
        team: r.get::<_, String>(3)?.parse().unwrap_or(Team::Appdev),
        schema_change: r.get(4)?,
        items: serde_json::from_str::<Vec<ItemId>>(&items).unwrap_or_default(),
        state: r
            .get::<_, String>(6)?
            .parse()
            .unwrap_or(ReleaseState::Built),
        slot: r.get(7)?,
        created: r.get(8)?,
    })
}

const STEP_COLS: &str = "env, step, outcome, started, seconds, log, url, reporter";

/// A step from its columns (`STEP_COLS`), starting at column `at`.
fn step_from_row(r: &Row<'_>, at: usize) -> rusqlite::Result<StepRecord> {
    let outcome: Option<String> = r.get(at + 2)?;
    Ok(StepRecord {
        env: r.get(at)?,
        step: r.get(at + 1)?,
        outcome: outcome.and_then(|o| o.parse().ok()),
        started: r.get(at + 3)?,
        seconds: r.get(at + 4)?,
        log: r.get(at + 5)?,
        url: r.get(at + 6)?,
        reporter: r.get(at + 7)?,
    })
}

/// A signature from `role, person, yes, comment, at`, starting at column `at`.
fn sign_from_row(r: &Row<'_>, at: usize) -> rusqlite::Result<Sign> {
    Ok(Sign {
        role: r
            .get::<_, String>(at)?
            .parse()
            .unwrap_or(crate::domain::Role::Tester),
        person: r.get(at + 1)?,
        yes: r.get(at + 2)?,
        comment: r.get(at + 3)?,
        at: r.get(at + 4)?,
    })
}

/// The defect raised for a release's failed step, if it has one.
fn failed_defect(
    release: &Release,
    steps: &[StepRecord],
    raised: impl Fn(&str) -> Option<ItemId>,
) -> Option<ItemId> {
    let failed = steps.iter().find(|s| s.outcome == Some(Outcome::Fail))?;
    raised(&format!(
        "{}/{}/{}",
        release.project, failed.env, failed.step
    ))
}

fn not_found(version: &str) -> StoreError {
    DomainError::not_found(format!(
        "there is no release '{version}': see `firebreak release list`"
    ))
    .into()
}

pub(super) fn load_view(
    conn: &rusqlite::Connection,
    version: &str,
) -> Result<ReleaseView, StoreError> {
    let release = conn
        .query_row(
            &format!("SELECT {COLS} FROM releases WHERE version = ?1"),
            [version],
            release_from_row,
        )
        .optional()?
        .ok_or_else(|| not_found(version))?;
    let restarted: bool = conn.query_row(
        "SELECT restarted FROM releases WHERE version = ?1",
        [version],
        |r| r.get(0),
    )?;
    let mut stmt = conn.prepare(&format!(
        "SELECT {STEP_COLS} FROM steps WHERE release = ?1 ORDER BY started, rowid"
    ))?;
    let steps = stmt
        .query_map([version], |r| step_from_row(r, 0))?
        .collect::<Result<Vec<_>, _>>()?;
    let signs = |kind: &str| -> Result<Vec<Sign>, StoreError> {
        let mut stmt = conn.prepare(
            "SELECT role, person, yes, comment, at FROM signs WHERE release = ?1 AND kind = ?2 ORDER BY rowid",
        )?;
        let rows = stmt.query_map(params![version, kind], |r| sign_from_row(r, 0))?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    };
    let defect = failed_defect(&release, &steps, |fingerprint| {
        conn.query_row(
            "SELECT item FROM raised WHERE fingerprint = ?1 ORDER BY item DESC LIMIT 1",
            [fingerprint],
            |r| r.get::<_, u32>(0),
        )
        .optional()
        .ok()
        .flatten()
        .map(ItemId)
    });
    Ok(ReleaseView {
        revision: super::revision(conn, "release", version)?,
        acceptances: signs("firebreak")?,
        votes: signs("vote")?,
        release,
        steps,
        restarted,
        defect,
    })
}

pub(super) fn save(tx: &Connection, r: &Release, now: DateTime<Utc>) -> Result<(), StoreError> {
    let items = serde_json::to_string(&r.items).unwrap_or_else(|_| "[]".into());
    tx.execute(
        "INSERT INTO releases (version, project, originator, team, schema_change, items, state, slot, created, updated)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT (version) DO UPDATE SET state = ?7, slot = ?8, updated = ?10",
        params![r.version, r.project, r.originator, r.team.as_str(), r.schema_change, items, r.state.as_str(), r.slot, r.created, now],
    )?;
    Ok(())
}

pub(super) fn sign(tx: &Connection, version: &str, kind: &str, s: &Sign) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO signs (release, kind, role, person, yes, comment, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![version, kind, s.role.as_str(), s.person, s.yes, s.comment, s.at],
    )?;
    Ok(())
}

/// The folder a project's steps run in: the pipeline file's own.
pub fn pipeline_dir(path: Option<&str>) -> std::path::PathBuf {
    path.and_then(|p| {
        std::path::Path::new(p)
            .parent()
            .map(std::path::Path::to_path_buf)
    })
    .unwrap_or_else(|| std::path::PathBuf::from("."))
}

/// Reads a project's pipeline file.
pub fn pipeline_of(path: Option<&str>, project: &str) -> Result<Pipeline, StoreError> {
    let path = path.ok_or_else(|| {
        DomainError::illegal(format!(
            "{project} has no pipeline: give it one with `firebreak project pipeline {project} FILE`"
        ))
    })?;
    let text = std::fs::read_to_string(path)
        .map_err(|e| DomainError::invalid(format!("cannot read the pipeline file {path}: {e}")))?;
    Ok(Pipeline::parse(&text)?)
}

impl Store {
    pub fn project_pipeline(
        &self,
        project: &str,
    ) -> Result<(Pipeline, Option<String>, bool), StoreError> {
        let p = self
            .projects()?
            .into_iter()
            .find(|p| p.name == project)
            .ok_or_else(|| DomainError::invalid(format!("there is no project '{project}'")))?;
        Ok((
            pipeline_of(p.pipeline.as_deref(), project)?,
            p.pipeline,
            p.firebreak,
        ))
    }

    /// Sets the file a project's pipeline is read from; it must read cleanly now.
    pub fn set_pipeline(
        &mut self,
        project: &str,
        path: &std::path::Path,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.decide(|db| {
            actor.may(&crate::domain::policy::SET_A_PROJECTS_PIPELINE)?;
            let path = std::fs::canonicalize(path).map_err(|e| {
                DomainError::invalid(format!(
                    "cannot read the pipeline file {}: {e}",
                    path.display()
                ))
            })?;
            let shown = path.display().to_string();
            pipeline_of(Some(&shown), project)?;
            db.write(|tx| {
                let n = tx.execute(
                    "UPDATE projects SET pipeline = ?2 WHERE name = ?1",
                    params![project, shown],
                )?;
                if n == 0 {
                    return Err(
                        DomainError::invalid(format!("there is no project '{project}'")).into(),
                    );
                }
                append_event(
                    tx,
                    &Event::new(now, &actor.name, "project", project, "pipeline")
                        .details(serde_json::json!({ "file": shown })),
                )
            })
        })
    }

    pub fn releases(&self) -> Result<Vec<Release>, StoreError> {
        let mut stmt = self.conn().prepare(&format!(
            "SELECT {COLS} FROM releases ORDER BY created DESC, version"
        ))?;
        let rows = stmt.query_map([], release_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Each release, newest first, read one at a time.
    pub fn each_release<E: From<StoreError>>(
        &self,
        f: impl FnMut(Release) -> Result<(), E>,
    ) -> Result<(), E> {
        self.each_row(
            &format!("SELECT {COLS} FROM releases ORDER BY created DESC, version"),
            release_from_row,
            f,
        )
    }

    pub fn release(&self, version: &str) -> Result<ReleaseView, StoreError> {
        load_view(self.conn(), version)
    }

    /// Every release with its steps, signatures and defect, newest first, in a handful of
    /// queries whatever their number (what the board and `status` read); with `in_flight`, only
    /// those not yet live, abandoned or rolled back.
    pub fn release_views(&self, in_flight: bool) -> Result<Vec<ReleaseView>, StoreError> {
        use std::collections::HashMap;
        let conn = self.conn();
        let releases: Vec<Release> = self
            .releases()?
            .into_iter()
            .filter(|r| {
                !in_flight
                    || matches!(
                        r.state,
                        ReleaseState::Built
                            | ReleaseState::Running
                            | ReleaseState::Firebreak
                            | ReleaseState::Shadow
                            | ReleaseState::Halted
                    )
            })
            .collect();
        let wanted: std::collections::HashSet<&str> =
            releases.iter().map(|r| r.version.as_str()).collect();
        let mut steps: HashMap<String, Vec<StepRecord>> = HashMap::new();
        let mut stmt = conn.prepare(&format!(
            "SELECT release, {STEP_COLS} FROM steps ORDER BY release, started, rowid"
        ))?;
        for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, step_from_row(r, 1)?)))? {
            let (release, step) = row?;
            if wanted.contains(release.as_str()) {
                steps.entry(release).or_default().push(step);
            }
        }
        let mut signs: HashMap<(String, String), Vec<Sign>> = HashMap::new();
        let mut stmt = conn.prepare(
            "SELECT release, kind, role, person, yes, comment, at FROM signs ORDER BY rowid",
        )?;
        for row in stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                sign_from_row(r, 2)?,
            ))
        })? {
            let (release, kind, sign) = row?;
            if wanted.contains(release.as_str()) {
                signs.entry((release, kind)).or_default().push(sign);
            }
        }
        let mut stmt = conn.prepare("SELECT version, restarted FROM releases")?;
        let restarted: HashMap<String, bool> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        let mut stmt = conn.prepare(
            "SELECT entity_id, max(id) FROM events WHERE entity = 'release' GROUP BY entity_id",
        )?;
        let revisions: HashMap<String, i64> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        let mut stmt =
            conn.prepare("SELECT fingerprint, max(item) FROM raised GROUP BY fingerprint")?;
        let raised: HashMap<String, u32> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        Ok(releases
            .into_iter()
            .map(|release| {
                let steps = steps.remove(&release.version).unwrap_or_default();
                let defect =
                    failed_defect(&release, &steps, |f| raised.get(f).copied().map(ItemId));
                let mut signed = |kind: &str| {
                    signs
                        .remove(&(release.version.clone(), kind.to_string()))
                        .unwrap_or_default()
                };
                ReleaseView {
                    revision: revisions.get(&release.version).copied().unwrap_or(0),
                    acceptances: signed("firebreak"),
                    votes: signed("vote"),
                    restarted: restarted.get(&release.version).copied().unwrap_or(false),
                    steps,
                    defect,
                    release,
                }
            })
            .collect())
    }

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
            let team = if proj.kind == ProjectKind::Bau {
                Team::Ams
            } else {
                Team::Appdev
            };
            // A halted or abandoned release gives its items back: a new version is the fix.
            let taken: Vec<ItemId> = db
                .releases()?
                .into_iter()
                .filter(|r| !matches!(r.state, ReleaseState::Halted | ReleaseState::Abandoned))
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
                    None => super::items::select(tx, "project = ?1 AND state = 'done' ORDER BY rank", [project])?
                        .into_iter()
                        .map(|i| i.id)
                        .filter(|id| !taken.contains(id))
                        .collect(),
                };
                let (r, event) = release::cut(version, project, team, items, schema_change, actor, now)?;
                save(tx, &r, now)?;
                append_event(tx, &event)?;
                Ok(r)
            })
        })
    }

    /// Where a release stands and what comes next.
    pub fn next_step(&self, version: &str) -> Result<(ReleaseView, Pipeline, Next), StoreError> {
        let view = self.release(version)?;
        let (pipeline, _, armed) = self.project_pipeline(&view.release.project)?;
        let armed = armed || view.release.schema_change;
        let next = release::next(&pipeline, &view.progress(), armed);
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
    /// a defect on the backlog, or adds an occurrence to the one still open for that step.
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
        now: DateTime<Utc>,
        reporter: &Actor,
    ) -> Result<(Release, Option<ItemId>), StoreError> {
        self.decide(|db| {
            let (view, pipeline, _) = db.next_step(version)?;
            let (_, _, armed) = db.project_pipeline(&view.release.project)?;
            let armed = armed || view.release.schema_change;
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
                Ok((next, defect))
            })
        })
    }

    /// Production's two slots of a project: which release each holds and which is live.
    pub fn slots(&self, project: &str) -> Result<Vec<(String, Option<String>, bool)>, StoreError> {
        let mut stmt = self
            .conn()
            .prepare("SELECT slot, release, live FROM slots WHERE project = ?1 ORDER BY slot")?;
        let rows = stmt.query_map([project], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
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
