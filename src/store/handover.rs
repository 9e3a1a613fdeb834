//! Handovers in the file: the checklist of each delivery project and what was done to it.

use super::{Store, StoreError, append_event};
use crate::domain::handover::{self, Act, Check, CheckState, Handover, Template};
use crate::domain::{Actor, DomainError, ProjectKind};
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

impl Store {
    pub fn handover(&self, project: &str) -> Result<Handover, StoreError> {
        let started: Option<DateTime<Utc>> = self
            .conn()
            .query_row(
                "SELECT started FROM handovers WHERE project = ?1",
                [project],
                |r| r.get(0),
            )
            .optional()?;
        let mut stmt = self.conn().prepare(
            "SELECT key, title, why, expected, mandatory, state, evidence, submitter, acceptor, reason, until,
                 (SELECT coalesce(max(e.id), 0) FROM events e WHERE e.entity = 'handover'
                  AND e.entity_id = checks.project AND json_extract(e.details, '$.item') = checks.key)
             FROM checks WHERE project = ?1 ORDER BY position",
        )?;
        let checks = stmt
            .query_map([project], |r| {
                Ok(Check {
                    key: r.get(0)?,
                    title: r.get(1)?,
                    why: r.get(2)?,
                    expected: r.get(3)?,
                    mandatory: r.get(4)?,
                    state: r
                        .get::<_, String>(5)?
                        .parse()
                        .unwrap_or(CheckState::Pending),
                    evidence: r.get(6)?,
                    submitter: r.get(7)?,
                    acceptor: r.get(8)?,
                    reason: r.get(9)?,
                    until: r.get(10)?,
                    reviews: Vec::new(),
                    revision: r.get(11)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let mut checks = checks;
        let reviews = self.project_reviews(project)?;
        for c in &mut checks {
            c.reviews = crate::domain::ops::evidence_for(&c.key, &reviews);
        }
        Ok(Handover {
            project: project.to_string(),
            state: handover::overall(started.is_some(), &checks),
            started,
            checks,
        })
    }

    /// Whether a release of the project reached pre-production: a step recorded in the
    /// firebreak's environment or later.
    fn reached_preprod(&self, project: &str) -> Result<bool, StoreError> {
        let Ok((pipeline, _, _)) = self.project_pipeline(project) else {
            return Ok(false);
        };
        let from = pipeline
            .firebreak_env()
            .and_then(|f| pipeline.environments.iter().position(|e| e.name == f.name))
            .unwrap_or(pipeline.environments.len().saturating_sub(1));
        let late: Vec<String> = pipeline.environments[from..]
            .iter()
            .map(|e| e.name.clone())
            .collect();
        for r in self
            .releases()?
            .into_iter()
            .filter(|r| r.project == project)
        {
            if self
                .release(&r.version)?
                .steps
                .iter()
                .any(|s| late.contains(&s.env))
            {
                return Ok(true);
            }
        }
        Ok(false)
    }

    pub fn start_handover(
        &mut self,
        project: &str,
        template: Option<Template>,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Handover, StoreError> {
        self.decide(|db| {
            let p = db.project(project)?;
            if p.kind != ProjectKind::Delivery {
                return Err(DomainError::invalid(format!(
                    "{project} is the maintenance team's own: handovers are for delivery projects"
                ))
                .into());
            }
            if db.handover(project)?.started.is_some() {
                return Err(DomainError::illegal(format!(
                    "the handover of {project} has started already"
                ))
                .into());
            }
            let event = handover::start(project, db.reached_preprod(project)?, actor, now)?;
            let template = template.unwrap_or_else(Template::standard);
            db.write(|tx| {
                tx.execute("INSERT INTO handovers (project, started) VALUES (?1, ?2)", params![project, now])?;
                for (n, t) in template.items.iter().enumerate() {
                    let c = Check::from_template(t);
                    tx.execute(
                        "INSERT INTO checks (project, key, position, title, why, expected, mandatory, state)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'pending')",
                        params![project, c.key, n as i64, c.title, c.why, c.expected, c.mandatory],
                    )?;
                }
                append_event(tx, &event)
            })?;
            db.handover(project)
        })
    }

    /// Submits, accepts, rejects or waives one item of a project's checklist.
    pub fn handover_act(
        &mut self,
        project: &str,
        key: &str,
        act: &Act,
        actor: &Actor,
        now: DateTime<Utc>,
        seen: Option<i64>,
    ) -> Result<Check, StoreError> {
        self.decide(|db| {
            let h = db.handover(project)?;
            if h.started.is_none() {
                return Err(DomainError::illegal(format!(
                    "the handover of {project} has not started: `firebreak handover start {project}`"
                ))
                .into());
            }
            let check = h.checks.iter().find(|c| c.key == key).ok_or_else(|| {
                let keys: Vec<&str> = h.checks.iter().map(|c| c.key.as_str()).collect();
                DomainError::invalid(format!(
                    "the checklist of {project} has no item '{key}': use one of {}",
                    keys.join(", ")
                ))
            })?;
            if seen.is_some_and(|s| s != check.revision) {
                let (by, at): (String, DateTime<Utc>) = db.conn().query_row(
                    "SELECT actor, at FROM events WHERE id = ?1",
                    [check.revision],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )?;
                return Err(DomainError::Stale {
                    id: format!("handover item {project}/{key}"),
                    by,
                    at,
                }
                .into());
            }
            let (next, event) = handover::act(project, check, act, actor, now)?;
            db.write(|tx| {
                tx.execute(
                    "UPDATE checks SET state = ?3, evidence = ?4, submitter = ?5, acceptor = ?6, reason = ?7, until = ?8
                     WHERE project = ?1 AND key = ?2",
                    params![project, key, next.state.as_str(), next.evidence, next.submitter, next.acceptor, next.reason, next.until],
                )?;
                append_event(tx, &event)?;
                Ok(next)
            })
        })
    }
}
