//! The whole board as one JSON document, and a new board made from one, all or nothing.

use super::StoreError;
use crate::domain::project::Project;
use crate::domain::{DomainError, Event, Identity, Item, Person, rank};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};

mod export;
mod import;
mod stream;

pub use export::Exported;
pub use import::{Imported, import, import_from};

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
    // Where this machine's hooks stand in the trail: a new board starts its own.
    "hook_cursors",
];

/// The tables an export carries as records: every table of the schema but the typed ones.
pub(super) fn record_tables(conn: &rusqlite::Connection) -> Result<Vec<String>, StoreError> {
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

pub(super) fn read_records(
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
pub(super) fn each_record(
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
        if let Some(fault) = project_fault(p) {
            return bad(fault);
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

/// What is wrong with a project on its own, as `project add` would say it.
pub(super) fn project_fault(p: &Project) -> Option<String> {
    (p.hypercare_days > crate::domain::hypercare::MAX_DAYS).then(|| {
        format!(
            "project {} has hypercare_days {}: at most {}",
            p.name,
            p.hypercare_days,
            crate::domain::hypercare::MAX_DAYS
        )
    })
}

/// What is wrong with an item on its own, as `item add` would say it.
pub(super) fn item_fault(i: &Item) -> Option<String> {
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
