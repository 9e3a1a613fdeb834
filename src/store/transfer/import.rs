//! A new board made from an export, record by record, all or nothing.

use super::{EXPORT_SCHEMA, Export, ExportBoard, item_fault, project_fault, record_tables, stream};
use crate::domain::project::Project;
use crate::domain::{DomainError, Event, Item, Person};
use crate::store::board::{insert_person, insert_project};
use crate::store::items::insert;
use crate::store::{Store, StoreError, append_event};
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};
use std::collections::{BTreeMap, HashSet};
use std::path::Path;

/// What an import made.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Imported {
    pub items: u64,
    pub people: u64,
    pub events: u64,
}

/// Makes a new board at `path` from an export already read: see `import_from`.
pub fn import(path: &Path, export: &Export, now: DateTime<Utc>) -> Result<Imported, StoreError> {
    place(path, |store| {
        store.write(|tx| {
            let mut b = Builder::new(tx)?;
            b.schema(export.schema)?;
            b.board(&export.board)?;
            for p in &export.projects {
                b.project(p)?;
            }
            for p in &export.people {
                b.person(p)?;
            }
            for i in &export.items {
                b.item(i)?;
            }
            for e in &export.events {
                b.event(e)?;
            }
            for s in &export.seals {
                b.seal(s)?;
            }
            for (table, rows) in &export.records {
                for row in rows {
                    b.record(table, row)?;
                }
            }
            b.finish(now)
        })
    })
}

/// Makes a new board at `path` from an export document read as it comes: each record is
/// checked and written as soon as it is parsed, so memory stays flat however large the
/// document. Built under a name of its own beside `path`, every record checked as the
/// commands that make them would check it, and put in place only if nothing appeared at
/// `path` meanwhile. A failure (or a kill) leaves no half board.
pub fn import_from(
    path: &Path,
    document: impl std::io::Read,
    now: DateTime<Utc>,
) -> Result<Imported, StoreError> {
    place(path, |store| {
        store.write(|tx| {
            let mut b = Builder::new(tx)?;
            let mut failed = None;
            let mut de = serde_json::Deserializer::from_reader(std::io::BufReader::with_capacity(
                1 << 16,
                document,
            ));
            let parsed = serde::de::DeserializeSeed::deserialize(
                stream::Document {
                    b: &mut b,
                    failed: &mut failed,
                },
                &mut de,
            )
            .and_then(|()| de.end());
            // What is wrong with the document as a whole is told first, then its first refusal.
            parsed.map_err(|e| {
                DomainError::invalid(format!(
                    "the file is not a firebreak export: {e}; nothing was imported"
                ))
            })?;
            if let Some(e) = failed {
                return Err(e);
            }
            b.finish(now)
        })
    })
}

fn place(
    path: &Path,
    build: impl FnOnce(&mut Store) -> Result<Imported, StoreError>,
) -> Result<Imported, StoreError> {
    if path.exists() {
        return Err(DomainError::invalid(format!(
            "{} exists already: import makes a new board, so give a new file with --db",
            path.display()
        ))
        .into());
    }
    let mut made = Imported::default();
    crate::store::create_whole(
        path,
        |store| {
            made = build(store)?;
            Ok(())
        },
        |_| Ok(()),
    )
    .map_err(|e| match e {
        StoreError::Exists(p) => DomainError::invalid(format!(
            "{} appeared while the import was building: import makes a new board, so give a new file with --db; nothing was imported",
            p.display()
        ))
        .into(),
        e => e,
    })?;
    Ok(made)
}

fn refused(m: String) -> StoreError {
    DomainError::invalid(format!("{m}; nothing was imported")).into()
}

/// A new board written record by record, each checked as it comes, as the commands that make
/// them would check it; what only the whole can say (a missing part, seals that do not match
/// the events, the schema's own rules) is checked at the end.
pub(super) struct Builder<'c> {
    tx: &'c rusqlite::Connection,
    schema: bool,
    /// When the board was created, and its title.
    board: Option<(DateTime<Utc>, String)>,
    /// People met before the board, whose creation time they take.
    waiting: Vec<Person>,
    people: HashSet<String>,
    projects: HashSet<String>,
    /// Whether the projects came before the items, so that an item's project is checked as it
    /// comes (otherwise the schema's foreign keys check it at the end).
    items_after_projects: Option<bool>,
    items: u64,
    events: u64,
    first_event: Option<i64>,
    seals: u64,
    /// Seals met before their events.
    early_seals: Vec<String>,
    tables: Vec<String>,
    cleared: HashSet<String>,
    columns: std::collections::HashMap<String, Vec<String>>,
    records: std::collections::HashMap<String, u64>,
}

impl<'c> Builder<'c> {
    fn new(tx: &'c rusqlite::Connection) -> Result<Self, StoreError> {
        // Links reach items, steps reach releases, items their projects: whatever order the
        // document has, everything is checked once everything is in.
        tx.pragma_update(None, "defer_foreign_keys", "ON")?;
        Ok(Builder {
            tx,
            schema: false,
            board: None,
            waiting: Vec::new(),
            people: HashSet::new(),
            projects: HashSet::new(),
            items_after_projects: None,
            items: 0,
            events: 0,
            first_event: None,
            seals: 0,
            early_seals: Vec::new(),
            tables: record_tables(tx)?,
            cleared: HashSet::new(),
            columns: Default::default(),
            records: Default::default(),
        })
    }

    pub(super) fn schema(&mut self, schema: u32) -> Result<(), StoreError> {
        if schema != EXPORT_SCHEMA {
            return Err(refused(format!(
                "the file is export schema {schema}, this firebreak reads schema {EXPORT_SCHEMA}"
            )));
        }
        self.schema = true;
        Ok(())
    }

    pub(super) fn board(&mut self, b: &ExportBoard) -> Result<(), StoreError> {
        for (k, v) in [
            ("title", b.title.clone()),
            ("identity", b.identity.as_str().to_string()),
            ("created", b.created.to_rfc3339()),
        ] {
            self.tx.execute(
                "INSERT INTO board (key, value) VALUES (?1, ?2)",
                params![k, v],
            )?;
        }
        self.board = Some((b.created, b.title.clone()));
        for p in std::mem::take(&mut self.waiting) {
            self.person(&p)?;
        }
        Ok(())
    }

    pub(super) fn person(&mut self, p: &Person) -> Result<(), StoreError> {
        crate::domain::policy::check_person_name(&p.name)?;
        let Some((created, _)) = self.board else {
            self.waiting.push(p.clone());
            return Ok(());
        };
        if !self.people.insert(p.name.clone()) {
            return Err(refused(format!("person {} appears twice", p.name)));
        }
        insert_person(self.tx, p, created)
    }

    pub(super) fn project(&mut self, p: &Project) -> Result<(), StoreError> {
        if !self.projects.insert(p.name.clone()) {
            return Err(refused(format!("project {} appears twice", p.name)));
        }
        if let Some(fault) = project_fault(p) {
            return Err(refused(fault));
        }
        insert_project(self.tx, p)
    }

    pub(super) fn item(&mut self, i: &Item) -> Result<(), StoreError> {
        let checked = *self
            .items_after_projects
            .get_or_insert(!self.projects.is_empty());
        if let Some(fault) = item_fault(i) {
            return Err(refused(fault));
        }
        if checked && !self.projects.contains(&i.project) {
            return Err(refused(format!(
                "item {} names an unknown project '{}'",
                i.id, i.project
            )));
        }
        // The schema forbids an id or a rank twice; which one it was is told from the message.
        insert(self.tx, i).map_err(|e| match e {
            StoreError::Sql(ref s) if s.to_string().contains("items.id") => {
                refused(format!("item {} appears twice", i.id))
            }
            StoreError::Sql(ref s) if s.to_string().contains("items.rank") => refused(format!(
                "item {} has a bad or repeated rank '{}'",
                i.id, i.rank
            )),
            e => e,
        })?;
        self.items += 1;
        Ok(())
    }

    pub(super) fn event(&mut self, e: &Event) -> Result<(), StoreError> {
        crate::store::insert_event(self.tx, e)?;
        let id = self.tx.last_insert_rowid();
        self.first_event.get_or_insert(id);
        self.events += 1;
        Ok(())
    }

    pub(super) fn seal(&mut self, seal: &str) -> Result<(), StoreError> {
        let Some(first) = self.first_event else {
            self.early_seals.push(seal.to_string());
            return Ok(());
        };
        self.seals += 1;
        if self.seals > self.events {
            return Err(refused(format!(
                "the export holds {} events and more seals: events were cut from it or added to it",
                self.events
            )));
        }
        // An event the source held without a seal stays without one: `audit --verify` names it.
        if !seal.is_empty() {
            self.tx
                .prepare_cached("INSERT INTO seals (event, hash) VALUES (?1, ?2)")?
                .execute(params![first + self.seals as i64 - 1, seal])?;
        }
        Ok(())
    }

    pub(super) fn record(
        &mut self,
        table: &str,
        row: &BTreeMap<String, serde_json::Value>,
    ) -> Result<(), StoreError> {
        use rusqlite::types::Value;
        if !self.tables.iter().any(|t| t == table) {
            return Err(refused(format!(
                "the export holds an unknown table '{table}'"
            )));
        }
        if self.cleared.insert(table.to_string()) {
            // The new board's own first rows (the Kanban columns a new board starts with) give
            // way to the export's; within the export, a record is never replaced.
            self.tx.execute(&format!("DELETE FROM \"{table}\""), [])?;
            let mut stmt = self
                .tx
                .prepare(&format!("PRAGMA table_info(\"{table}\")"))?;
            let known = stmt
                .query_map([], |r| r.get(1))?
                .collect::<Result<_, _>>()?;
            self.columns.insert(table.to_string(), known);
        }
        let known = &self.columns[table];
        let n = self.records.entry(table.to_string()).or_default();
        *n += 1;
        let mut columns = Vec::new();
        let mut values = Vec::new();
        for (column, value) in row {
            if !known.contains(column) {
                return Err(refused(format!(
                    "the export's {table} has an unknown column '{column}'"
                )));
            }
            columns.push(format!("\"{column}\""));
            values.push(match value {
                serde_json::Value::Null => Value::Null,
                serde_json::Value::Bool(b) => Value::Integer(i64::from(*b)),
                serde_json::Value::Number(n) => match n.as_i64() {
                    Some(i) => Value::Integer(i),
                    None => Value::Real(n.as_f64().unwrap_or_default()),
                },
                serde_json::Value::String(s) => Value::Text(s.clone()),
                other => {
                    return Err(refused(format!(
                        "the export's {table}.{column} holds {other}, not a value"
                    )));
                }
            });
        }
        let places: Vec<String> = (1..=values.len()).map(|n| format!("?{n}")).collect();
        self.tx
            .prepare_cached(&format!(
                "INSERT INTO \"{table}\" ({}) VALUES ({})",
                columns.join(", "),
                places.join(", ")
            ))?
            .execute(rusqlite::params_from_iter(values))
            .map_err(|e| {
                refused(format!(
                    "the export's {table} record number {n} is refused by the schema ({e}); a record is never replaced, so"
                ))
            })?;
        Ok(())
    }

    fn finish(mut self, now: DateTime<Utc>) -> Result<Imported, StoreError> {
        let missing = |part: &str| {
            Err(refused(format!(
                "the file is not a firebreak export: it has no {part}"
            )))
        };
        if !self.schema {
            return missing("schema");
        }
        let Some((_, title)) = self.board.clone() else {
            return missing("board");
        };
        for seal in std::mem::take(&mut self.early_seals) {
            self.seal(&seal)?;
        }
        if !self.projects.contains(crate::domain::project::BAU) {
            return Err(refused("the built-in project 'bau' is missing".into()));
        }
        if self.items_after_projects == Some(false) {
            // The items came before their projects: the first that names none, by id.
            let unknown: Option<(u32, String)> = self
                .tx
                .query_row(
                    "SELECT id, project FROM items WHERE project NOT IN (SELECT name FROM projects)
                     ORDER BY id LIMIT 1",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            if let Some((id, project)) = unknown {
                return Err(refused(format!(
                    "item {} names an unknown project '{project}'",
                    crate::domain::ItemId(id)
                )));
            }
        }
        if self.seals == 0 {
            // An export without seals is sealed anew.
            crate::store::audit::seal_unsealed(self.tx)?;
        } else if self.seals != self.events {
            return Err(refused(format!(
                "the export holds {} events and {} seals: events were cut from it or added to it",
                self.events, self.seals
            )));
        }
        crate::store::validate::check(self.tx)?;
        append_event(
            self.tx,
            &Event::new(
                now,
                crate::domain::policy::AUTOMATION,
                "board",
                &title,
                "import",
            )
            .details(serde_json::json!({ "items": self.items, "events": self.events })),
        )?;
        Ok(Imported {
            items: self.items,
            people: self.people.len() as u64,
            events: self.events,
        })
    }
}
