//! The test cases of steps that gave JUnit reports: every case with its result and time, read
//! beside its results in the same step of the project's earlier releases.

use super::{Store, StoreError};
use crate::domain::junit::{Case, CaseHistory, CaseResult};
use rusqlite::{Connection, params};

/// How many earlier releases a case's history reaches back.
pub const HISTORY: usize = 8;

/// Replaces the cases of a release's step with `cases` (inside the step's report).
pub(super) fn save(
    tx: &Connection,
    version: &str,
    env: &str,
    step: &str,
    cases: &[Case],
) -> Result<(), StoreError> {
    tx.execute(
        "DELETE FROM cases WHERE release = ?1 AND env = ?2 AND step = ?3",
        params![version, env, step],
    )?;
    let mut insert = tx.prepare_cached(
        "INSERT INTO cases (release, env, step, suite, name, result, seconds, message)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for c in cases {
        insert.execute(params![
            version,
            env,
            step,
            c.suite,
            c.name,
            c.result.as_str(),
            c.seconds,
            c.message
        ])?;
    }
    Ok(())
}

/// A case of an earlier release as its cursor passes it: suite, name, result.
type Key = (String, String, CaseResult);

/// The next case of an earlier release's cursor.
fn next_key(rows: &mut rusqlite::Rows<'_>) -> Result<Option<Key>, StoreError> {
    let Some(row) = rows.next()? else {
        return Ok(None);
    };
    let result: String = row.get(2)?;
    Ok(Some((row.get(0)?, row.get(1)?, result.parse()?)))
}

impl Store {
    /// Each case of a release's step, in name order, with its results in the same step of the
    /// project's (up to) eight releases cut before it, read one case at a time: the step's cases
    /// and each earlier release's are read side by side in the same order (the table's key),
    /// so that nothing is held but one row of each.
    pub fn each_step_case<E: From<StoreError>>(
        &self,
        version: &str,
        env: &str,
        step: &str,
        mut f: impl FnMut(CaseHistory) -> Result<(), E>,
    ) -> Result<(), E> {
        let view = self.release(version)?;
        let r = &view.release;
        let mut earlier: Vec<String> = {
            let mut stmt = self
                .conn()
                .prepare(&format!(
                    "SELECT version FROM releases
                     WHERE project = ?1 AND version != ?2 AND (created < ?3 OR (created = ?3 AND version < ?2))
                     ORDER BY created DESC, version DESC LIMIT {HISTORY}"
                ))
                .map_err(StoreError::from)?;
            stmt.query_map(params![r.project, version, r.created], |row| row.get(0))
                .map_err(StoreError::from)?
                .collect::<Result<_, _>>()
                .map_err(StoreError::from)?
        };
        earlier.reverse();
        let sql = "SELECT suite, name, result, seconds, message FROM cases
                   WHERE release = ?1 AND env = ?2 AND step = ?3 ORDER BY suite, name";
        let mut stmts = Vec::with_capacity(earlier.len() + 1);
        for _ in 0..=earlier.len() {
            stmts.push(self.conn().prepare(sql).map_err(StoreError::from)?);
        }
        let mut cursors = Vec::with_capacity(stmts.len());
        for (stmt, v) in stmts
            .iter_mut()
            .zip(std::iter::once(version).chain(earlier.iter().map(String::as_str)))
        {
            cursors.push(
                stmt.query(params![v, env, step])
                    .map_err(StoreError::from)?,
            );
        }
        let mut cursors = cursors.into_iter();
        let mut now = cursors.next().expect("the step's own cursor");
        // Each earlier release's next case not yet passed over.
        let mut heads: Vec<(rusqlite::Rows<'_>, Option<Key>)> = Vec::with_capacity(earlier.len());
        for mut c in cursors {
            let head = next_key(&mut c)?;
            heads.push((c, head));
        }
        while let Some(row) = now.next().map_err(StoreError::from)? {
            let case = Case {
                suite: row.get(0).map_err(StoreError::from)?,
                name: row.get(1).map_err(StoreError::from)?,
                result: row
                    .get::<_, String>(2)
                    .map_err(StoreError::from)?
                    .parse()
                    .map_err(StoreError::from)?,
                seconds: row.get(3).map_err(StoreError::from)?,
                message: row.get(4).map_err(StoreError::from)?,
            };
            let mut before = Vec::new();
            for (cursor, head) in heads.iter_mut() {
                while let Some((s, n, result)) = head.as_ref() {
                    match (s.as_str(), n.as_str()).cmp(&(case.suite.as_str(), case.name.as_str())) {
                        std::cmp::Ordering::Less => *head = next_key(cursor)?,
                        std::cmp::Ordering::Equal => {
                            before.push(*result);
                            *head = next_key(cursor)?;
                            break;
                        }
                        std::cmp::Ordering::Greater => break,
                    }
                }
            }
            f(CaseHistory { case, before })?;
        }
        Ok(())
    }

    /// The cases of a release's step with their history, in the order its detail lists them.
    pub fn step_cases(
        &self,
        version: &str,
        env: &str,
        step: &str,
    ) -> Result<Vec<CaseHistory>, StoreError> {
        let mut out = Vec::new();
        self.each_step_case(version, env, step, |c| {
            out.push(c);
            Ok::<(), StoreError>(())
        })?;
        crate::domain::junit::order(&mut out);
        Ok(out)
    }

    /// Whether a test case `suite::name` (the name alone without a suite) ran in `env` for a
    /// release of `project`: what an escaped defect may name.
    pub fn case_ran(&self, project: &str, env: &str, full: &str) -> Result<bool, StoreError> {
        let mut candidates = vec![(String::new(), full.to_string())];
        for (at, _) in full.match_indices("::") {
            candidates.push((full[..at].to_string(), full[at + 2..].to_string()));
        }
        for (suite, name) in candidates {
            let found = self.conn().query_row(
                "SELECT EXISTS (SELECT 1 FROM cases c JOIN releases r ON r.version = c.release
                 WHERE c.env = ?1 AND c.suite = ?2 AND c.name = ?3 AND r.project = ?4)",
                params![env, suite, name, project],
                |r| r.get::<_, bool>(0),
            )?;
            if found {
                return Ok(true);
            }
        }
        Ok(false)
    }
}
