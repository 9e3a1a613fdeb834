//! The board's own facts (identity mode, title), its people and its projects.

use super::{Store, StoreError, append_event};
use crate::domain::project::{self, Project};
use crate::domain::{Actor, DomainError, Event, Identity, Person, ProjectKind, Role, Team, policy};
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

/// What the header shows about the board.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoardInfo {
    pub title: String,
    pub identity: Identity,
    pub created: DateTime<Utc>,
    /// Kanban cards older than this many days in their column are marked.
    pub ageing_days: u32,
}

impl Store {
    /// Writes a new board's facts, the built-in `bau` project and its first person.
    pub fn init_board(
        &mut self,
        title: &str,
        identity: Identity,
        first: &Person,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.decide(|db| {
            policy::check_person_name(&first.name)?;
            db.write(|tx| {
                for (k, v) in [
                    ("title", title.to_string()),
                    ("identity", identity.as_str().to_string()),
                    ("created", now.to_rfc3339()),
                ] {
                    tx.execute(
                        "INSERT INTO board (key, value) VALUES (?1, ?2)",
                        params![k, v],
                    )?;
                }
                insert_project(tx, &Project::bau())?;
                insert_person(tx, first, now)?;
                append_event(
                    tx,
                    &Event::new(now, &first.name, "board", title, "init")
                        .details(serde_json::json!({ "identity": identity })),
                )?;
                Ok(())
            })
        })
    }

    pub fn info(&self) -> Result<BoardInfo, StoreError> {
        let get = |k: &str| -> Result<String, StoreError> {
            Ok(self
                .conn()
                .query_row("SELECT value FROM board WHERE key = ?1", [k], |r| r.get(0))
                .optional()?
                .unwrap_or_default())
        };
        Ok(BoardInfo {
            title: get("title")?,
            identity: get("identity")?.parse().unwrap_or(Identity::Os),
            created: DateTime::parse_from_rfc3339(&get("created")?)
                .map(|d| d.with_timezone(&Utc))
                .unwrap_or_default(),
            ageing_days: get("ageing_days")?
                .parse()
                .unwrap_or(crate::domain::kanban::DEFAULT_AGEING_DAYS),
        })
    }

    /// Sets when Kanban cards count as ageing.
    pub fn set_ageing(
        &mut self,
        days: u32,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.decide(|db| {
            let event = crate::domain::kanban::set_ageing(actor, days, now)?;
            db.write(|tx| {
                tx.execute(
                    "INSERT INTO board (key, value) VALUES ('ageing_days', ?1)
                     ON CONFLICT (key) DO UPDATE SET value = ?1",
                    [days.to_string()],
                )?;
                append_event(tx, &event)
            })
        })
    }

    pub fn people(&self) -> Result<Vec<Person>, StoreError> {
        let mut stmt = self.conn().prepare(
            "SELECT p.name, p.team, group_concat(r.role, ',') FROM people p
             LEFT JOIN person_roles r ON r.person = p.name GROUP BY p.name ORDER BY p.created, p.name",
        )?;
        let rows = stmt.query_map([], |r| {
            let roles: Option<String> = r.get(2)?;
            Ok(Person {
                name: r.get(0)?,
                team: r.get::<_, String>(1)?.parse().unwrap_or(Team::Appdev),
                roles: roles
                    .unwrap_or_default()
                    .split(',')
                    .filter_map(|s| s.parse().ok())
                    .collect(),
            })
        })?;
        let mut people = rows.collect::<Result<Vec<_>, _>>()?;
        for p in &mut people {
            p.roles.sort();
        }
        Ok(people)
    }

    pub fn person(&self, name: &str) -> Result<Option<Person>, StoreError> {
        Ok(self.people()?.into_iter().find(|p| p.name == name))
    }

    /// The first registered product owner: who a trust board acts as by default.
    pub fn first_product_owner(&self) -> Result<Option<Person>, StoreError> {
        Ok(self
            .people()?
            .into_iter()
            .find(|p| p.roles.contains(&Role::ProductOwner)))
    }

    pub fn add_person(
        &mut self,
        person: &Person,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.decide(|db| {
            let event = policy::register(actor, person, now)?;
            db.write(|tx| {
                let exists: bool = tx.query_row(
                    "SELECT EXISTS (SELECT 1 FROM people WHERE name = ?1)",
                    [&person.name],
                    |r| r.get(0),
                )?;
                if exists {
                    return Err(DomainError::invalid(format!(
                        "{} is registered already: see `firebreak person list`",
                        person.name
                    ))
                    .into());
                }
                insert_person(tx, person, now)?;
                append_event(tx, &event)
            })
        })
    }

    /// One project, or a refusal that says where to find their names.
    pub fn project(&self, name: &str) -> Result<Project, StoreError> {
        self.projects()?
            .into_iter()
            .find(|p| p.name == name)
            .ok_or_else(|| {
                DomainError::invalid(format!(
                    "there is no project '{name}': see `firebreak project list`"
                ))
                .into()
            })
    }

    pub fn projects(&self) -> Result<Vec<Project>, StoreError> {
        let mut stmt = self.conn().prepare(
            "SELECT name, kind, firebreak, parties, hypercare_days, pipeline, sla FROM projects
             ORDER BY kind = 'bau' DESC, name",
        )?;
        let rows = stmt.query_map([], |r| {
            let parties: String = r.get(3)?;
            Ok(Project {
                name: r.get(0)?,
                kind: r
                    .get::<_, String>(1)?
                    .parse()
                    .unwrap_or(ProjectKind::Delivery),
                firebreak: r.get(2)?,
                parties: serde_json::from_str(&parties).unwrap_or_default(),
                hypercare_days: r.get(4)?,
                pipeline: r.get(5)?,
                sla: r
                    .get::<_, Option<String>>(6)?
                    .and_then(|s| serde_json::from_str(&s).ok())
                    .unwrap_or_default(),
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    pub fn add_project(
        &mut self,
        project: &Project,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.decide(|db| {
            let event = project::add(actor, project, now)?;
            db.write(|tx| {
                let exists: bool = tx.query_row(
                    "SELECT EXISTS (SELECT 1 FROM projects WHERE name = ?1)",
                    [&project.name],
                    |r| r.get(0),
                )?;
                if exists {
                    return Err(DomainError::invalid(format!(
                        "there is a project named {} already: choose another name",
                        project.name
                    ))
                    .into());
                }
                insert_project(tx, project)?;
                append_event(tx, &event)
            })
        })
    }
}

pub(super) fn insert_person(
    tx: &rusqlite::Connection,
    p: &Person,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO people (name, team, created) VALUES (?1, ?2, ?3)",
        params![p.name, p.team.as_str(), now],
    )?;
    for role in &p.roles {
        tx.execute(
            "INSERT OR IGNORE INTO person_roles (person, role) VALUES (?1, ?2)",
            params![p.name, role.as_str()],
        )?;
    }
    Ok(())
}

/// How a project's targets are kept: none for the defaults.
pub(super) fn sla_json(sla: &crate::domain::sla::Sla) -> Option<String> {
    (*sla != crate::domain::sla::Sla::default())
        .then(|| serde_json::to_string(sla).ok())
        .flatten()
}

pub(super) fn insert_project(tx: &rusqlite::Connection, p: &Project) -> Result<(), StoreError> {
    let parties = serde_json::to_string(&p.parties).unwrap_or_else(|_| "[]".into());
    tx.execute(
        "INSERT INTO projects (name, kind, firebreak, parties, hypercare_days, pipeline, sla)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            p.name,
            p.kind.as_str(),
            p.firebreak,
            parties,
            p.hypercare_days,
            p.pipeline,
            sla_json(&p.sla)
        ],
    )?;
    Ok(())
}
