//! Rotations in the file.

use super::{Store, StoreError, append_event};
use crate::domain::rotation::{self, Rotation};
use crate::domain::{Actor, DomainError, Team};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::params;

impl Store {
    /// Every rotation, in the order they start.
    pub fn rotations(&self) -> Result<Vec<Rotation>, StoreError> {
        let mut stmt = self.conn().prepare(
            r#"SELECT person, team, "from", "to" FROM rotations ORDER BY "from", person"#,
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(Rotation {
                person: r.get(0)?,
                team: r.get::<_, String>(1)?.parse().unwrap_or(Team::Ams),
                from: r.get(2)?,
                to: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn rotate(
        &mut self,
        name: &str,
        team: Team,
        from: NaiveDate,
        to: NaiveDate,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Rotation, StoreError> {
        self.decide(|db| {
            let person = db.person(name)?.ok_or_else(|| {
                DomainError::not_found(format!(
                    "there is no person '{name}': see `firebreak person list`"
                ))
            })?;
            let existing = db.rotations()?;
            let (r, event) = rotation::plan(&person, team, from, to, &existing, actor, now)?;
            db.write(|tx| {
                tx.execute(
                    r#"INSERT INTO rotations (person, team, "from", "to") VALUES (?1, ?2, ?3, ?4)"#,
                    params![r.person, r.team.as_str(), r.from, r.to],
                )?;
                append_event(tx, &event)?;
                Ok(r)
            })
        })
    }
}
