//! Problem determination in the file.

use super::incident::raise_ticket;
use super::{Store, StoreError, append_event};
use crate::domain::item::Item;
use crate::domain::pd::{self, Cause, Pd, PdEntry};
use crate::domain::release::Next;
use crate::domain::{Actor, DomainError, ItemId, Kind, Team, rotation};
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

const PD_COLS: &str = "release, findings, cause, by, updated, concluded, rerun";

fn pd_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Pd> {
    Ok(Pd {
        release: r.get(0)?,
        findings: r.get(1)?,
        cause: r
            .get::<_, Option<String>>(2)?
            .and_then(|c| c.parse::<Cause>().ok()),
        by: r.get(3)?,
        updated: r.get(4)?,
        concluded: r.get(5)?,
        rerun: r.get(6)?,
        tickets: Vec::new(),
    })
}

impl Store {
    /// Every problem determination.
    pub fn pds(&self) -> Result<Vec<Pd>, StoreError> {
        let mut stmt = self
            .conn()
            .prepare(&format!("SELECT {PD_COLS} FROM pd ORDER BY updated DESC"))?;
        let mut pds: Vec<Pd> = stmt.query_map([], pd_from_row)?.collect::<Result<_, _>>()?;
        let mut tickets = self.all_tickets("release")?;
        for pd in &mut pds {
            pd.tickets = tickets
                .remove(&pd.release)
                .unwrap_or_default()
                .into_iter()
                .map(|(id, _)| id)
                .collect();
        }
        Ok(pds)
    }

    /// A release's problem determination, if its team has started one.
    pub fn pd(&self, version: &str) -> Result<Option<Pd>, StoreError> {
        let pd = self
            .conn()
            .query_row(
                &format!("SELECT {PD_COLS} FROM pd WHERE release = ?1"),
                [version],
                pd_from_row,
            )
            .optional()?;
        match pd {
            Some(mut pd) => {
                pd.tickets = self.tickets_of("release", version)?;
                Ok(Some(pd))
            }
            None => Ok(None),
        }
    }

    pub fn record_pd(
        &mut self,
        version: &str,
        entry: &PdEntry,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Pd, StoreError> {
        self.decide(|db| {
            let release = db.release(version)?.release;
            let current = db.pd(&release.version)?;
            let team = db.team_today(actor, now)?;
            let (next, event) = pd::record(&release, current.as_ref(), entry, actor, team, now)?;
            db.write(|tx| {
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
        })
    }

    /// The team a person is in today, rotations included.
    fn team_today(&self, actor: &Actor, now: DateTime<Utc>) -> Result<Option<Team>, StoreError> {
        Ok(match self.person(&actor.name)? {
            Some(p) => Some(rotation::team_on(&p, &self.rotations()?, now.date_naive())),
            None => None,
        })
    }

    /// A ticket raised from a halted release's problem determination, when the problem is wider
    /// than the defect the automation raised: in triage, linked to the release and that defect.
    pub fn pd_ticket(
        &mut self,
        version: &str,
        title: &str,
        kind: Kind,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Item, StoreError> {
        self.decide(|db| {
            let view = db.release(version)?;
            let team = db.team_today(actor, now)?;
            pd::may_raise_ticket(&view.release, db.pd(version)?.as_ref(), actor, team)?;
            let title = title.trim();
            if title.is_empty() {
                return Err(DomainError::invalid("give the ticket a title").into());
            }
            let defect = view.defect.map(|d| d.to_string());
            let description = format!(
                "Raised by {} from the problem determination of release {}{}.",
                actor.name,
                version,
                defect
                    .as_deref()
                    .map_or(String::new(), |d| format!(", beside its defect {d}"))
            );
            let raised = crate::domain::ticket::Raise {
                source: crate::domain::ticket::Source::Release,
                id: version,
                title,
                kind,
                team: view.release.team,
                project: &view.release.project,
                description,
            };
            db.write(|tx| {
                let item = raise_ticket(tx, &raised, actor, now)?;
                if let Some(d) = &defect {
                    tx.execute(
                        "INSERT INTO links (item, kind, target) VALUES (?1, 'defect', ?2)",
                        params![item.id.0, d],
                    )?;
                }
                Ok(item)
            })
        })
    }

    /// The one re-run of the step that halted a release, by a release manager, when its
    /// concluded PD found the environment at fault: the release runs on from that step.
    pub fn rerun(
        &mut self,
        version: &str,
        actor: &Actor,
        now: DateTime<Utc>,
        seen: Option<i64>,
    ) -> Result<(String, String), StoreError> {
        self.decide(|db| {
            super::check_seen(db.conn(), "release", version, seen)?;
            let (view, _, next) = db.next_step(version)?;
            let failed = match &next {
                Next::Halted { env, step } => Some((env.clone(), step.clone())),
                _ => None,
            };
            let current = db.pd(version)?;
            let (release, event) = pd::rerun(
                &view.release,
                current.as_ref(),
                failed.as_ref().map(|(e, s)| (e.as_str(), s.as_str())),
                actor,
                now,
            )?;
            let (env, step) = failed.unwrap_or_default();
            let taken: Vec<ItemId> = db
                .releases()?
                .into_iter()
                .filter(|r| {
                    r.version != version && !r.state.gives_items_back()
                })
                .flat_map(|r| r.items)
                .collect();
            if let Some(id) = release.items.iter().find(|i| taken.contains(i)) {
                return Err(DomainError::illegal(format!(
                    "{id} of {version} goes out with another release now: that version carries the fix"
                ))
                .into());
            }
            db.write(|tx| {
                tx.execute(
                    // The failed run stays in the audit trail and on the defect it raised.
                    "DELETE FROM steps WHERE release = ?1 AND env = ?2 AND step = ?3",
                    params![version, env, step],
                )?;
                tx.execute(
                    "UPDATE pd SET rerun = ?2 WHERE release = ?1",
                    params![version, now],
                )?;
                tx.execute(
                    "UPDATE releases SET state = ?2, updated = ?3 WHERE version = ?1",
                    params![version, release.state.as_str(), now],
                )?;
                append_event(tx, &event)?;
                Ok((env.clone(), step.clone()))
            })
        })
    }
}
