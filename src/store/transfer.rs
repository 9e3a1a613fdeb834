//! The whole board as one JSON document, and a new board made from one, all or nothing.

use super::board::{insert_person, insert_project};
use super::items::{event_from_row, insert};
use super::{Store, StoreError, append_event};
use crate::domain::project::Project;
use crate::domain::{DomainError, Event, Identity, Item, Person, rank};
use chrono::{DateTime, Utc};
use rusqlite::params;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};
use std::path::Path;

/// The export format's version; `import` refuses any other.
pub const EXPORT_SCHEMA: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Export {
    pub schema: u32,
    pub board: ExportBoard,
    pub people: Vec<Person>,
    pub projects: Vec<Project>,
    pub items: Vec<Item>,
    pub events: Vec<Event>,
    /// Each event's seal, in the same order (`audit --verify`); an export without them is
    /// sealed anew when imported.
    #[serde(default)]
    pub seals: Vec<String>,
    /// Every other table (sprints, Kanban limits, releases and their steps, handovers,
    /// hypercare, incidents, problems, rotations, links), row by row, column by column.
    #[serde(default)]
    pub records: BTreeMap<String, Vec<BTreeMap<String, serde_json::Value>>>,
}

/// The tables the typed parts of an export hold.
const TYPED: &[&str] = &[
    "board",
    "people",
    "person_roles",
    "projects",
    "items",
    "events",
    "seals",
    // Who runs a release now: a fact about this machine's processes, not the board's history.
    "runs",
];

/// The tables an export carries as records: every table of the schema but the typed ones.
fn record_tables(conn: &rusqlite::Connection) -> Result<Vec<String>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )?;
    let names: Vec<String> = stmt
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    Ok(names
        .into_iter()
        .filter(|n| !TYPED.contains(&n.as_str()))
        .collect())
}

fn read_records(
    conn: &rusqlite::Connection,
) -> Result<BTreeMap<String, Vec<BTreeMap<String, serde_json::Value>>>, StoreError> {
    let mut out = BTreeMap::new();
    for table in record_tables(conn)? {
        let mut list = Vec::new();
        each_record(conn, &table, |record| {
            list.push(record);
            Ok(())
        })?;
        out.insert(table, list);
    }
    Ok(out)
}

/// Calls `f` with each row of `table` as column -> value, in the order written.
fn each_record(
    conn: &rusqlite::Connection,
    table: &str,
    mut f: impl FnMut(BTreeMap<String, serde_json::Value>) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    use rusqlite::types::ValueRef;
    {
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{table}\" ORDER BY rowid"))?;
        let columns: Vec<String> = stmt.column_names().iter().map(|c| c.to_string()).collect();
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let mut record = BTreeMap::new();
            for (n, column) in columns.iter().enumerate() {
                let value = match row.get_ref(n)? {
                    ValueRef::Null => serde_json::Value::Null,
                    ValueRef::Integer(i) => i.into(),
                    ValueRef::Real(x) => x.into(),
                    ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned().into(),
                    ValueRef::Blob(_) => {
                        return Err(StoreError::Migration(format!(
                            "{table}.{column} holds binary data, which an export cannot carry"
                        )));
                    }
                };
                record.insert(column.clone(), value);
            }
            f(record)?;
        }
    }
    Ok(())
}

/// Writes the records into a new board, each table and column checked against its schema.
fn write_records(
    tx: &rusqlite::Connection,
    records: &BTreeMap<String, Vec<BTreeMap<String, serde_json::Value>>>,
) -> Result<(), StoreError> {
    use rusqlite::types::Value;
    let tables = record_tables(tx)?;
    for (table, rows) in records {
        if !tables.contains(table) {
            return Err(DomainError::invalid(format!(
                "the export holds an unknown table '{table}'; nothing was imported"
            ))
            .into());
        }
        let known: Vec<String> = {
            let mut stmt = tx.prepare(&format!("PRAGMA table_info(\"{table}\")"))?;
            stmt.query_map([], |r| r.get(1))?
                .collect::<Result<_, _>>()?
        };
        // The new board's own first rows (the Kanban columns a new board starts with) give way
        // to the export's; within the export, a record is never replaced.
        tx.execute(&format!("DELETE FROM \"{table}\""), [])?;
        for (n, row) in rows.iter().enumerate() {
            let mut columns = Vec::new();
            let mut values = Vec::new();
            for (column, value) in row {
                if !known.contains(column) {
                    return Err(DomainError::invalid(format!(
                        "the export's {table} has an unknown column '{column}'; nothing was imported"
                    ))
                    .into());
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
                        return Err(DomainError::invalid(format!(
                            "the export's {table}.{column} holds {other}, not a value; nothing was imported"
                        ))
                        .into());
                    }
                });
            }
            let places: Vec<String> = (1..=values.len()).map(|n| format!("?{n}")).collect();
            tx.execute(
                &format!(
                    "INSERT INTO \"{table}\" ({}) VALUES ({})",
                    columns.join(", "),
                    places.join(", ")
                ),
                rusqlite::params_from_iter(values),
            )
            .map_err(|e| {
                DomainError::invalid(format!(
                    "the export's {table} record number {} is refused by the schema ({e}); a record is never replaced, so nothing was imported",
                    n + 1
                ))
            })?;
        }
    }
    Ok(())
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportBoard {
    pub title: String,
    pub identity: Identity,
    pub created: DateTime<Utc>,
}

impl Store {
    /// The whole board, read in one transaction so that it is consistent.
    pub fn export(&self) -> Result<Export, StoreError> {
        let tx = self.conn().unchecked_transaction()?;
        let info = self.info()?;
        let events = {
            let mut stmt = tx.prepare(
                "SELECT at, actor, entity, entity_id, action, from_state, to_state, reason, details
                 FROM events ORDER BY id",
            )?;
            stmt.query_map([], event_from_row)?
                .collect::<Result<Vec<_>, _>>()?
        };
        let seals = {
            let mut stmt = tx.prepare(
                "SELECT coalesce(s.hash, '') FROM events e LEFT JOIN seals s ON s.event = e.id ORDER BY e.id",
            )?;
            stmt.query_map([], |r| r.get(0))?
                .collect::<Result<Vec<String>, _>>()?
        };
        let out = Export {
            schema: EXPORT_SCHEMA,
            seals,
            board: ExportBoard {
                title: info.title,
                identity: info.identity,
                created: info.created,
            },
            people: self.people()?,
            projects: self.projects()?,
            items: self.items_full()?,
            events,
            records: read_records(&tx)?,
        };
        tx.finish()?;
        Ok(out)
    }
}

/// What `export_to` wrote.
#[derive(Debug, Clone, Copy, Default)]
pub struct Exported {
    pub items: u64,
    pub people: u64,
    pub events: u64,
}

impl Store {
    /// Writes the whole board as one compact JSON document, the same document `export` makes,
    /// row by row as it is read, inside one read transaction so that it is consistent. Memory
    /// stays the same however large the board.
    pub fn export_to(&self, w: &mut dyn std::io::Write) -> Result<Exported, StoreError> {
        let io = |e: std::io::Error| StoreError::io(Path::new("the export's output"), e);
        let json = |w: &mut dyn std::io::Write, v: &dyn erased::Value| -> Result<(), StoreError> {
            v.write_to(w)
                .map_err(|e| StoreError::Migration(format!("cannot write JSON: {e}")))
        };
        let tx = self.conn().unchecked_transaction()?;
        let info = self.info()?;
        let mut counts = Exported::default();
        write!(w, "{{\"schema\":{EXPORT_SCHEMA},\"board\":").map_err(io)?;
        json(
            w,
            &ExportBoard {
                title: info.title,
                identity: info.identity,
                created: info.created,
            },
        )?;
        let people = self.people()?;
        counts.people = people.len() as u64;
        w.write_all(b",\"people\":").map_err(io)?;
        json(w, &people)?;
        w.write_all(b",\"projects\":").map_err(io)?;
        json(w, &self.projects()?)?;
        w.write_all(b",\"items\":[").map_err(io)?;
        self.each_item(&super::ItemFilter::default(), true, |_, item| {
            if counts.items > 0 {
                w.write_all(b",").map_err(io)?;
            }
            counts.items += 1;
            json(w, &item)
        })?;
        w.write_all(b"],\"events\":[").map_err(io)?;
        {
            let mut stmt = tx.prepare(
                "SELECT at, actor, entity, entity_id, action, from_state, to_state, reason, details
                 FROM events ORDER BY id",
            )?;
            let mut rows = stmt.query([])?;
            while let Some(row) = rows.next()? {
                if counts.events > 0 {
                    w.write_all(b",").map_err(io)?;
                }
                counts.events += 1;
                json(w, &event_from_row(row)?)?;
            }
        }
        w.write_all(b"],\"seals\":[").map_err(io)?;
        {
            let mut stmt = tx.prepare(
                "SELECT coalesce(s.hash, '') FROM events e LEFT JOIN seals s ON s.event = e.id ORDER BY e.id",
            )?;
            let mut rows = stmt.query([])?;
            let mut first = true;
            while let Some(row) = rows.next()? {
                if !first {
                    w.write_all(b",").map_err(io)?;
                }
                first = false;
                json(w, &row.get::<_, String>(0)?)?;
            }
        }
        w.write_all(b"],\"records\":{").map_err(io)?;
        for (n, table) in record_tables(&tx)?.iter().enumerate() {
            if n > 0 {
                w.write_all(b",").map_err(io)?;
            }
            json(w, table)?;
            w.write_all(b":[").map_err(io)?;
            let mut first = true;
            each_record(&tx, table, |record| {
                if !first {
                    w.write_all(b",").map_err(io)?;
                }
                first = false;
                json(w, &record)
            })?;
            w.write_all(b"]").map_err(io)?;
        }
        w.write_all(b"}}\n").map_err(io)?;
        tx.finish()?;
        Ok(counts)
    }
}

/// Serializing through `&dyn`: what `export_to` writes, whatever its type.
mod erased {
    pub trait Value {
        fn write_to(&self, w: &mut dyn std::io::Write) -> serde_json::Result<()>;
    }
    impl<T: serde::Serialize> Value for T {
        fn write_to(&self, w: &mut dyn std::io::Write) -> serde_json::Result<()> {
            serde_json::to_writer(w, self)
        }
    }
}

/// Parses an export document, saying where it is malformed.
pub fn parse(text: &str) -> Result<Export, DomainError> {
    let export: Export = serde_json::from_str(text).map_err(|e| {
        DomainError::invalid(format!(
            "the file is not a firebreak export: {e}; nothing was imported"
        ))
    })?;
    if export.schema != EXPORT_SCHEMA {
        return Err(DomainError::invalid(format!(
            "the file is export schema {}, this firebreak reads schema {EXPORT_SCHEMA}; nothing was imported",
            export.schema
        )));
    }
    check(&export)?;
    Ok(export)
}

/// The checks a database constraint would make, but with sentences that say which record.
fn check(e: &Export) -> Result<(), DomainError> {
    let bad = |m: String| Err(DomainError::invalid(format!("{m}; nothing was imported")));
    let mut names = HashSet::new();
    for p in &e.people {
        crate::domain::policy::check_person_name(&p.name)?;
        if !names.insert(p.name.as_str()) {
            return bad(format!("person {} appears twice", p.name));
        }
    }
    if !e.seals.is_empty() && e.seals.len() != e.events.len() {
        return bad(format!(
            "the export holds {} events and {} seals: events were cut from it or added to it",
            e.events.len(),
            e.seals.len()
        ));
    }
    let mut projects = HashSet::new();
    for p in &e.projects {
        if !projects.insert(p.name.as_str()) {
            return bad(format!("project {} appears twice", p.name));
        }
        if p.hypercare_days > crate::domain::hypercare::MAX_DAYS {
            return bad(format!(
                "project {} has hypercare_days {}: at most {}",
                p.name,
                p.hypercare_days,
                crate::domain::hypercare::MAX_DAYS
            ));
        }
    }
    if !projects.contains(crate::domain::project::BAU) {
        return bad("the built-in project 'bau' is missing".into());
    }
    let (mut ids, mut keys) = (HashSet::new(), HashSet::new());
    for i in &e.items {
        if !ids.insert(i.id) {
            return bad(format!("item {} appears twice", i.id));
        }
        if !rank::is_valid(&i.rank) || !keys.insert(i.rank.as_str()) {
            return bad(format!(
                "item {} has a bad or repeated rank '{}'",
                i.id, i.rank
            ));
        }
        if !projects.contains(i.project.as_str()) {
            return bad(format!(
                "item {} names an unknown project '{}'",
                i.id, i.project
            ));
        }
        if i.title.trim().is_empty()
            || i.title.chars().count() > crate::domain::item::MAX_TITLE
            || i.title.chars().any(char::is_control)
        {
            return bad(format!(
                "item {} has an empty or over-long title, or one with a line break or control character",
                i.id
            ));
        }
        if i.points
            .is_some_and(|p| p > crate::domain::item::MAX_POINTS)
        {
            return bad(format!(
                "item {} has {} points: at most {}",
                i.id,
                i.points.unwrap_or_default(),
                crate::domain::item::MAX_POINTS
            ));
        }
    }
    Ok(())
}

/// Makes a new board at `path` from an export: built under a name of its own beside `path`,
/// every record checked as the commands that make them would check it, and put in place only
/// if nothing appeared at `path` meanwhile. A failure (or a kill) leaves no half board.
pub fn import(path: &Path, export: &Export, now: DateTime<Utc>) -> Result<(), StoreError> {
    if path.exists() {
        return Err(DomainError::invalid(format!(
            "{} exists already: import makes a new board, so give a new file with --db",
            path.display()
        ))
        .into());
    }
    super::create_whole(path, |store| build(store, export, now), |_| Ok(())).map_err(|e| match e {
        StoreError::Exists(p) => DomainError::invalid(format!(
            "{} appeared while the import was building: import makes a new board, so give a new file with --db; nothing was imported",
            p.display()
        ))
        .into(),
        e => e,
    })
}

fn build(store: &mut Store, e: &Export, now: DateTime<Utc>) -> Result<(), StoreError> {
    store.write(|tx| {
        for (k, v) in [
            ("title", e.board.title.clone()),
            ("identity", e.board.identity.as_str().to_string()),
            ("created", e.board.created.to_rfc3339()),
        ] {
            tx.execute(
                "INSERT INTO board (key, value) VALUES (?1, ?2)",
                params![k, v],
            )?;
        }
        for p in &e.projects {
            insert_project(tx, p)?;
        }
        for p in &e.people {
            insert_person(tx, p, e.board.created)?;
        }
        for i in &e.items {
            insert(tx, i)?;
        }
        if e.seals.len() == e.events.len() {
            for (ev, seal) in e.events.iter().zip(&e.seals) {
                super::restore_event(tx, ev, seal)?;
            }
        } else {
            for ev in &e.events {
                append_event(tx, ev)?;
            }
        }
        // Links reach items, steps reach releases: checked once everything is in.
        tx.pragma_update(None, "defer_foreign_keys", "ON")?;
        write_records(tx, &e.records)?;
        super::validate::check(tx)?;
        append_event(
            tx,
            &Event::new(
                now,
                crate::domain::policy::AUTOMATION,
                "board",
                &e.board.title,
                "import",
            )
            .details(serde_json::json!({ "items": e.items.len(), "events": e.events.len() })),
        )
    })?;
    Ok(())
}
