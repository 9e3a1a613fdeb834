//! The whole board as one JSON document, and a new board made from one, all or nothing.

use super::board::{insert_person, insert_project};
use super::items::{event_from_row, insert};
use super::{Store, StoreError, append_event};
use crate::domain::project::Project;
use crate::domain::{DomainError, Event, Identity, Item, Person, rank};
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};
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
        if let Some(fault) = item_fault(i) {
            return bad(fault);
        }
    }
    Ok(())
}

/// What is wrong with an item on its own, as `item add` would say it.
fn item_fault(i: &Item) -> Option<String> {
    if !rank::is_valid(&i.rank) {
        return Some(format!(
            "item {} has a bad or repeated rank '{}'",
            i.id, i.rank
        ));
    }
    if i.title.trim().is_empty()
        || i.title.chars().count() > crate::domain::item::MAX_TITLE
        || i.title.chars().any(char::is_control)
    {
        return Some(format!(
            "item {} has an empty or over-long title, or one with a line break or control character",
            i.id
        ));
    }
    i.points
        .filter(|p| *p > crate::domain::item::MAX_POINTS)
        .map(|p| {
            format!(
                "item {} has {p} points: at most {}",
                i.id,
                crate::domain::item::MAX_POINTS
            )
        })
}

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
    super::create_whole(
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
struct Builder<'c> {
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

    fn schema(&mut self, schema: u32) -> Result<(), StoreError> {
        if schema != EXPORT_SCHEMA {
            return Err(refused(format!(
                "the file is export schema {schema}, this firebreak reads schema {EXPORT_SCHEMA}"
            )));
        }
        self.schema = true;
        Ok(())
    }

    fn board(&mut self, b: &ExportBoard) -> Result<(), StoreError> {
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

    fn person(&mut self, p: &Person) -> Result<(), StoreError> {
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

    fn project(&mut self, p: &Project) -> Result<(), StoreError> {
        if !self.projects.insert(p.name.clone()) {
            return Err(refused(format!("project {} appears twice", p.name)));
        }
        if p.hypercare_days > crate::domain::hypercare::MAX_DAYS {
            return Err(refused(format!(
                "project {} has hypercare_days {}: at most {}",
                p.name,
                p.hypercare_days,
                crate::domain::hypercare::MAX_DAYS
            )));
        }
        insert_project(self.tx, p)
    }

    fn item(&mut self, i: &Item) -> Result<(), StoreError> {
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

    fn event(&mut self, e: &Event) -> Result<(), StoreError> {
        super::insert_event(self.tx, e)?;
        let id = self.tx.last_insert_rowid();
        self.first_event.get_or_insert(id);
        self.events += 1;
        Ok(())
    }

    fn seal(&mut self, seal: &str) -> Result<(), StoreError> {
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

    fn record(
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
            super::audit::seal_unsealed(self.tx)?;
        } else if self.seals != self.events {
            return Err(refused(format!(
                "the export holds {} events and {} seals: events were cut from it or added to it",
                self.events, self.seals
            )));
        }
        super::validate::check(self.tx)?;
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

/// The document read part by part into the builder. After the first refusal the rest is
/// only read through, not written: a later syntax error or a schema of another version is
/// what the user is told instead, as a check of the whole document first would have said.
mod stream {
    use super::{Builder, ExportBoard};
    use crate::domain::{Event, Item, Person, project::Project};
    use crate::store::StoreError;
    use serde::de::{
        self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor,
    };
    use std::collections::BTreeMap;
    use std::fmt;

    pub(super) struct Document<'b, 'c> {
        pub b: &'b mut Builder<'c>,
        pub failed: &'b mut Option<StoreError>,
    }

    impl<'de> DeserializeSeed<'de> for Document<'_, '_> {
        type Value = ();
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_map(self)
        }
    }

    const PARTS: &[&str] = &[
        "schema", "board", "people", "projects", "items", "events", "seals", "records",
    ];

    impl<'de> Visitor<'de> for Document<'_, '_> {
        type Value = ();
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a firebreak export: an object with schema, board, people, items...")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            let (b, failed) = (self.b, self.failed);
            let mut seen = Vec::new();
            while let Some(key) = map.next_key::<String>()? {
                let Some(part) = PARTS.iter().find(|p| **p == key) else {
                    return Err(de::Error::unknown_field(&key, PARTS));
                };
                if seen.contains(part) {
                    return Err(de::Error::duplicate_field(part));
                }
                seen.push(*part);
                if key == "schema" {
                    let schema: u32 = map.next_value()?;
                    if let Err(e) = b.schema(schema) {
                        // Another version explains every other refusal: it is the one told.
                        *failed = Some(e);
                    }
                    continue;
                }
                if failed.is_some() {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
                let done = match key.as_str() {
                    "board" => {
                        let board: ExportBoard = map.next_value()?;
                        b.board(&board)
                    }
                    "people" => map.next_value_seed(Each::new(|p: Person| b.person(&p)))?,
                    "projects" => map.next_value_seed(Each::new(|p: Project| b.project(&p)))?,
                    "items" => map.next_value_seed(Each::new(|i: Item| b.item(&i)))?,
                    "events" => map.next_value_seed(Each::new(|e: Event| b.event(&e)))?,
                    "seals" => map.next_value_seed(Each::new(|s: String| b.seal(&s)))?,
                    _ => map.next_value_seed(Tables { b })?,
                };
                if let Err(e) = done {
                    *failed = Some(e);
                }
            }
            // The parts every export has; seals and records may be left out.
            match PARTS[..6].iter().find(|p| !seen.contains(p)) {
                Some(missing) => Err(de::Error::missing_field(missing)),
                None => Ok(()),
            }
        }
    }

    /// Each element of an array handed to `f` as it is parsed; after a refusal, the rest read
    /// through.
    struct Each<T, F> {
        f: F,
        kind: std::marker::PhantomData<T>,
    }

    impl<T, F> Each<T, F> {
        fn new(f: F) -> Self {
            Each {
                f,
                kind: std::marker::PhantomData,
            }
        }
    }

    impl<'de, T, F> DeserializeSeed<'de> for Each<T, F>
    where
        T: de::Deserialize<'de>,
        F: FnMut(T) -> Result<(), StoreError>,
    {
        type Value = Result<(), StoreError>;
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_seq(self)
        }
    }

    impl<'de, T, F> Visitor<'de> for Each<T, F>
    where
        T: de::Deserialize<'de>,
        F: FnMut(T) -> Result<(), StoreError>,
    {
        type Value = Result<(), StoreError>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an array")
        }
        fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<Self::Value, A::Error> {
            while let Some(x) = seq.next_element::<T>()? {
                if let Err(e) = (self.f)(x) {
                    while seq.next_element::<IgnoredAny>()?.is_some() {}
                    return Ok(Err(e));
                }
            }
            Ok(Ok(()))
        }
    }

    /// `records`: each table's rows, handed to the builder one at a time.
    struct Tables<'b, 'c> {
        b: &'b mut Builder<'c>,
    }

    impl<'de> DeserializeSeed<'de> for Tables<'_, '_> {
        type Value = Result<(), StoreError>;
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_map(self)
        }
    }

    impl<'de> Visitor<'de> for Tables<'_, '_> {
        type Value = Result<(), StoreError>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an object of tables")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let b = self.b;
            let mut outcome = Ok(());
            while let Some(table) = map.next_key::<String>()? {
                if outcome.is_err() {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
                outcome =
                    map.next_value_seed(Each::new(|row: BTreeMap<String, serde_json::Value>| {
                        b.record(&table, &row)
                    }))?;
            }
            Ok(outcome)
        }
    }
}
