//! Problem determination in the file.

use super::{Store, StoreError, append_event};
use crate::domain::pd::{self, Cause, Pd, PdEntry};
use crate::domain::{Actor, rotation};
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

impl Store {
    /// Every problem determination.
    pub fn pds(&self) -> Result<Vec<Pd>, StoreError> {
        let mut stmt = self
            .conn()
            .prepare("SELECT release FROM pd ORDER BY updated DESC")?;
        let versions: Vec<String> = stmt
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        versions
            .iter()
            .filter_map(|v| self.pd(v).transpose())
            .collect()
    }

    /// A release's problem determination, if its team has started one.
    pub fn pd(&self, version: &str) -> Result<Option<Pd>, StoreError> {
        Ok(self
            .conn()
            .query_row(
                "SELECT release, findings, cause, by, updated, concluded FROM pd WHERE release = ?1",
                [version],
                |r| {
                    Ok(Pd {
                        release: r.get(0)?,
                        findings: r.get(1)?,
                        cause: r
                            .get::<_, Option<String>>(2)?
                            .and_then(|c| c.parse::<Cause>().ok()),
                        by: r.get(3)?,
                        updated: r.get(4)?,
                        concluded: r.get(5)?,
                    })
                },
            )
            .optional()?)
    }

    pub fn record_pd(
        &mut self,
        version: &str,
        entry: &PdEntry,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Pd, StoreError> {
        let release = self.release(version)?.release;
        let current = self.pd(&release.version)?;
        let team = match self.person(&actor.name)? {
            Some(p) => Some(rotation::team_on(&p, &self.rotations()?, now.date_naive())),
            None => None,
        };
        let (next, event) = pd::record(&release, current.as_ref(), entry, actor, team, now)?;
        self.write(|tx| {
            tx.execute(
                "INSERT INTO pd (release, findings, cause, by, updated, concluded)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (release) DO UPDATE SET findings = ?2, cause = ?3, by = ?4,
                 updated = ?5, concluded = ?6",
                params![
                    next.release,
                    next.findings,
                    next.cause.map(|c| c.as_str()),
                    next.by,
                    next.updated,
                    next.concluded
                ],
            )?;
            append_event(tx, &event)?;
            Ok(next)
        })
    }
}
