//! Escaped defects in the file.

use super::{Store, StoreError, append_event};
use crate::domain::escape::{self, Catch, Escape, Found};
use crate::domain::{Actor, DomainError, ItemId, Kind};
use chrono::{DateTime, Utc};
use rusqlite::params;

impl Store {
    /// Each escape, in the order they were found, read one at a time.
    pub fn each_escape<E: From<StoreError>>(
        &self,
        f: impl FnMut(Escape) -> Result<(), E>,
    ) -> Result<(), E> {
        self.each_escape_where("1", [], f)
    }

    /// Each escape that `filter` (an SQL condition over `params`) keeps, in the order found.
    pub(crate) fn each_escape_where<E: From<StoreError>>(
        &self,
        filter: &str,
        params: impl rusqlite::Params,
        f: impl FnMut(Escape) -> Result<(), E>,
    ) -> Result<(), E> {
        self.each_row_with(
            &format!("SELECT source, release, env, test, by, at, found, note, test_case FROM escapes WHERE {filter} ORDER BY found, source"),
            params,
            |r| {
                Ok(Escape {
                    source: r.get(0)?,
                    release: r.get(1)?,
                    env: r.get(2)?,
                    test: r.get::<_, Option<String>>(3)?.and_then(|t| t.parse().ok()),
                    by: r.get(4)?,
                    at: r.get(5)?,
                    found: r.get(6)?,
                    note: r.get(7)?,
                    case: r.get(8)?,
                })
            },
            f,
        )
    }

    /// When a release was switched live, from its history.
    pub fn live_since(&self, version: &str) -> Result<Option<DateTime<Utc>>, StoreError> {
        Ok(self
            .history("release", version)?
            .into_iter()
            .find(|e| e.action == "switch")
            .map(|e| e.at))
    }

    /// Records where an incident (`INC-n`) or a defect (`FB-n`) found after its release went
    /// live should have been caught. The release is the incident's, or the one of the incident
    /// a defect was raised from, unless `release` names it.
    pub fn record_escape(
        &mut self,
        source: &str,
        release: Option<&str>,
        catch: &Catch,
        note: &str,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Escape, StoreError> {
        self.decide(|db| {
            let source = source.trim().to_ascii_uppercase();
            let (found, known) = if source.starts_with("INC-") {
                let i = db.incident(&source)?;
                (i.opened, i.release)
            } else {
                let id: ItemId = source.parse().map_err(|_| {
                    DomainError::invalid(format!(
                        "'{source}' is neither an incident (INC-n) nor a defect (FB-n)"
                    ))
                })?;
                let item = db.item(id)?;
                if item.kind != Kind::Defect {
                    return Err(DomainError::illegal(format!(
                        "{id} is a {}: escapes are incidents and defects",
                        item.kind
                    ))
                    .into());
                }
                let mut from = None;
                for inc in db.incidents_of_ticket(id)? {
                    if let Some(r) = db.incident(&inc)?.release {
                        from = Some(r);
                    }
                }
                (item.created, from)
            };
            let release = match (release, known) {
                (Some(given), Some(k)) if given != k => {
                    return Err(DomainError::invalid(format!(
                        "{source} is linked to {k}, not {given}"
                    ))
                    .into());
                }
                (Some(given), _) => given.to_string(),
                (None, Some(k)) => k,
                (None, None) => {
                    return Err(DomainError::invalid(format!(
                        "{source} is not linked to a release: name it with --release VERSION"
                    ))
                    .into());
                }
            };
            let view = db.release(&release)?;
            let (pipeline, _) = db.release_pipeline(&view.release)?;
            let facts = Found {
                source: &source,
                release: &release,
                found,
                live_since: db.live_since(&release)?,
            };
            let (e, event) = escape::record(&facts, &pipeline, catch, note, actor, now)?;
            if let (Some(case), Some(env)) = (&e.case, &e.env)
                && !db.case_ran(&view.release.project, env, case)?
            {
                return Err(DomainError::invalid(format!(
                    "no test case {case} ran in {env} for {}: name one that `firebreak release cases VERSION --env {env} --step STEP` lists, or leave the case out",
                    view.release.project
                ))
                .into());
            }
            db.write(|tx| {
                tx.execute(
                    "INSERT INTO escapes (source, release, env, test, by, at, found, note, test_case)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                     ON CONFLICT (source) DO UPDATE SET release = ?2, env = ?3, test = ?4, by = ?5,
                     at = ?6, note = ?8, test_case = ?9",
                    params![
                        e.source,
                        e.release,
                        e.env,
                        e.test.map(|t| t.as_str()),
                        e.by,
                        e.at,
                        e.found,
                        e.note,
                        e.case
                    ],
                )?;
                append_event(tx, &event)?;
                Ok(e.clone())
            })
        })
    }

    /// The incidents a ticket was raised from.
    fn incidents_of_ticket(&self, id: ItemId) -> Result<Vec<String>, StoreError> {
        let mut stmt = self
            .conn()
            .prepare("SELECT target FROM links WHERE item = ?1 AND kind = 'incident'")?;
        let rows = stmt.query_map([id.0], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
