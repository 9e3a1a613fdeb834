//! Who runs a release's automation now: one process at a time, named by its pid and its start
//! time (a pid alone is reused), with the token its steps' processes carry.

use super::{Store, StoreError};
use crate::domain::DomainError;
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

/// A process's hold on a release's run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunClaim {
    pub pid: i32,
    /// The process's start time, as the kernel counts it.
    pub started: u64,
    /// What every process of its steps carries in its environment (`FIREBREAK_RUN`).
    pub token: String,
    pub since: DateTime<Utc>,
}

impl Store {
    /// The releases some process holds the run of now.
    pub fn held_runs(&self) -> Result<Vec<String>, StoreError> {
        let mut stmt = self.conn().prepare("SELECT release FROM runs")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Claims the run of `version` for this process. Refused while another process that
    /// `alive` says still runs holds it; a claim left by a process that died is taken over and
    /// returned, so that whatever that run started can be ended before a step runs again.
    pub fn claim_run(
        &mut self,
        version: &str,
        claim: &RunClaim,
        alive: impl Fn(i32, u64) -> bool,
    ) -> Result<Option<RunClaim>, StoreError> {
        self.decide(|db| {
            let held: Option<RunClaim> = db
                .conn()
                .query_row(
                    "SELECT pid, started, token, since FROM runs WHERE release = ?1",
                    [version],
                    |r| {
                        Ok(RunClaim {
                            pid: r.get(0)?,
                            started: r.get::<_, i64>(1)? as u64,
                            token: r.get(2)?,
                            since: r.get(3)?,
                        })
                    },
                )
                .optional()?;
            if let Some(h) = &held
                && alive(h.pid, h.started)
            {
                return Err(DomainError::not_allowed(
                    "one-run",
                    format!(
                        "{version} is running in pid {} since {}: one run of a release at a time; wait for it, or stop that process",
                        h.pid,
                        h.since.format("%Y-%m-%d %H:%M:%S UTC")
                    ),
                )
                .into());
            }
            db.conn().execute(
                "INSERT INTO runs (release, pid, started, token, since) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (release) DO UPDATE SET pid = ?2, started = ?3, token = ?4, since = ?5",
                params![version, claim.pid, claim.started as i64, claim.token, claim.since],
            )?;
            Ok(held)
        })
    }

    /// Lets go of a run this process claimed (with `token`).
    pub fn release_run(&mut self, version: &str, token: &str) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.execute(
                "DELETE FROM runs WHERE release = ?1 AND token = ?2",
                params![version, token],
            )?;
            Ok(())
        })
    }
}
