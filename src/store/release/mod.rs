//! Releases in the file: how they are read (each with its steps, signatures and defects),
//! written, and where their pipeline's file is; cutting one and its steps are in `steps`, the
//! firebreak's gates and production's changes in `gates`.

use super::{Store, StoreError, append_event};
use crate::domain::pipeline::Pipeline;
use crate::domain::project::{PolicyEdit, Project};
use crate::domain::release::{Outcome, Release, ReleaseState, ReleaseView, Sign, StepRecord};
use crate::domain::{Actor, DomainError, Event, ItemId, Team};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params};

mod steps;

pub use steps::tail;

/// A release's columns; its policy is its own, or (for one imported from an export made before
/// releases kept theirs) its project's as it stands.
pub(super) const COLS: &str =
    "version, project, originator, team, schema_change, items, state, slot, created,
     coalesce(policy, (
        SELECT json_object(
            'firebreak', json(CASE WHEN p.firebreak THEN 'true' ELSE 'false' END),
            'parties', json(p.parties), 'hypercare_days', p.hypercare_days, 'pipeline', p.pipeline)
        FROM projects p WHERE p.name = releases.project))";

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
        policy: r
            .get::<_, Option<String>>(9)?
            .and_then(|p| serde_json::from_str(&p).ok())
            .unwrap_or_default(),
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
    let policy = serde_json::to_string(&r.policy).unwrap_or_else(|_| "{}".into());
    tx.execute(
        "INSERT INTO releases (version, project, originator, team, schema_change, items, state, slot, created, updated, policy)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
         ON CONFLICT (version) DO UPDATE SET state = ?7, slot = ?8, updated = ?10",
        params![r.version, r.project, r.originator, r.team.as_str(), r.schema_change, items, r.state.as_str(), r.slot, r.created, now, policy],
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

    /// The pipeline a release runs and its file: the one its project had when it was cut, or,
    /// for one cut before its project had a pipeline, the one its project has now.
    pub fn release_pipeline(&self, r: &Release) -> Result<(Pipeline, Option<String>), StoreError> {
        let path = match &r.policy.pipeline {
            Some(path) => Some(path.clone()),
            None => self.project(&r.project)?.pipeline,
        };
        Ok((pipeline_of(path.as_deref(), &r.project)?, path))
    }

    /// Sets the file a project's pipeline is read from; it must read cleanly now.
    pub fn set_pipeline(
        &mut self,
        project: &str,
        path: &std::path::Path,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.edit_project(project, &PolicyEdit::default(), Some(path), actor, now)?;
        Ok(())
    }

    /// Changes a project's policy and, with `pipeline`, the file its pipeline is read from
    /// (which must read cleanly now), in one write, each change audited: releases cut
    /// afterwards follow it, those on their way keep theirs. Returns the project before and
    /// after.
    pub fn edit_project(
        &mut self,
        name: &str,
        change: &PolicyEdit,
        pipeline: Option<&std::path::Path>,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<(Project, Project), StoreError> {
        if change.is_empty() && pipeline.is_none() {
            return Err(DomainError::invalid(format!(
                "nothing to change for {name}: give --firebreak or --no-firebreak, --party ROLE, --hypercare-days N, --pipeline FILE, --response P=TIME, --resolution P=TIME, --hours HOURS or --holiday DATE"
            ))
            .into());
        }
        self.decide(|db| {
            let before = db.project(name)?;
            let (mut after, mut events) = if change.is_empty() {
                (before.clone(), Vec::new())
            } else {
                let (after, e) = crate::domain::project::edit(actor, &before, change, now)?;
                (after, e.into_iter().collect())
            };
            if let Some(path) = pipeline {
                actor.may(&crate::domain::policy::SET_A_PROJECTS_PIPELINE)?;
                let path = std::fs::canonicalize(path).map_err(|e| {
                    DomainError::invalid(format!(
                        "cannot read the pipeline file {}: {e}",
                        path.display()
                    ))
                })?;
                let shown = path.display().to_string();
                pipeline_of(Some(&shown), name)?;
                if after.pipeline.as_deref() != Some(shown.as_str()) {
                    events.push(
                        Event::new(now, &actor.name, "project", name, "pipeline")
                            .details(serde_json::json!({ "file": shown })),
                    );
                    after.pipeline = Some(shown);
                }
            }
            db.write(|tx| {
                let parties = serde_json::to_string(&after.parties).unwrap_or_else(|_| "[]".into());
                tx.execute(
                    "UPDATE projects SET firebreak = ?2, parties = ?3, hypercare_days = ?4, pipeline = ?5, sla = ?6
                     WHERE name = ?1",
                    params![
                        name,
                        after.firebreak,
                        parties,
                        after.hypercare_days,
                        after.pipeline,
                        crate::store::board::sla_json(&after.sla)
                    ],
                )?;
                for e in &events {
                    append_event(tx, e)?;
                }
                Ok(())
            })?;
            Ok((before, after))
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

    /// Production's two slots of a project: which release each holds and which is live.
    pub fn slots(&self, project: &str) -> Result<Vec<(String, Option<String>, bool)>, StoreError> {
        let mut stmt = self
            .conn()
            .prepare("SELECT slot, release, live FROM slots WHERE project = ?1 ORDER BY slot")?;
        let rows = stmt.query_map([project], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
