//! What an imported board must be before it is put in place: every column of every table
//! holds what the commands that write it would write (a word of the domain's vocabulary, a
//! date the calendar and the board's arithmetic can carry, a number within the domain's
//! bounds, one line where the commands keep one line), and the invariants of domain.md hold
//! (one active sprint per project, a sprint that ends after it starts...). The first record
//! that is not is named with its table, key and field.

use super::StoreError;
use crate::domain::DomainError;
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::Connection;
use rusqlite::types::ValueRef;

/// What one column may hold (NULL is the schema's business).
#[derive(Clone, Copy)]
enum Rule {
    /// One of the words of a vocabulary.
    Word(&'static str, fn() -> Vec<&'static str>),
    /// A day, within the years the board's date arithmetic can carry.
    Day,
    /// A moment, within those years.
    Moment,
    /// A whole number within bounds.
    Int(i64, i64),
    /// A number of at least zero.
    NonNegative,
    /// One line of at most this many characters.
    Line(usize),
    /// Text of at most this many characters.
    Text(usize),
    /// 0 or 1.
    Flag,
    /// A JSON array of words of a vocabulary.
    Words(&'static str, fn() -> Vec<&'static str>),
    /// Words of a vocabulary separated by commas.
    Commas(&'static str, fn() -> Vec<&'static str>),
    /// A JSON array of item ids (`FB-n`).
    Ids,
    /// JSON.
    Json,
    /// A label as `label add` keeps it.
    Label,
}

macro_rules! words {
    ($what:literal, $ty:ty) => {
        Rule::Word($what, || <$ty>::ALL.iter().map(|w| w.as_str()).collect())
    };
}

macro_rules! list_of {
    ($what:literal, $ty:ty) => {
        Rule::Words($what, || <$ty>::ALL.iter().map(|w| w.as_str()).collect())
    };
}

fn slots() -> Vec<&'static str> {
    vec!["blue", "green"]
}

fn sign_kinds() -> Vec<&'static str> {
    vec!["firebreak", "vote"]
}

/// The first day and the last the board accepts anywhere.
fn bounds() -> (NaiveDate, NaiveDate) {
    (
        NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or(NaiveDate::MIN),
        NaiveDate::from_ymd_opt(2200, 12, 31).unwrap_or(NaiveDate::MAX),
    )
}

use crate::domain::handover::CheckState;
use crate::domain::hypercare::HypercareState;
use crate::domain::incident::{IncidentState, Priority};
use crate::domain::item::{MAX_POINTS, MAX_TEXT, MAX_TITLE};
use crate::domain::kanban::{Column, WipMode};
use crate::domain::ops::Concern;
use crate::domain::problem::ProblemState;
use crate::domain::release::{Outcome, ReleaseState};
use crate::domain::sprint::SprintState;
use crate::domain::{Class, Kind, Origin, ProjectKind, Role, State, Team};

/// A table, the SQL of its key (for the message), and its columns' rules.
type TableRules = (&'static str, &'static str, Vec<(&'static str, Rule)>);

/// Each table: its key columns (for the message) and its columns' rules.
fn rules() -> Vec<TableRules> {
    use Rule::*;
    let log = Text(4 << 20);
    vec![
        (
            "people",
            "name",
            vec![
                ("name", Line(32)),
                ("team", words!("team", Team)),
                ("created", Moment),
            ],
        ),
        (
            "person_roles",
            "person || '/' || role",
            vec![("role", words!("role", Role))],
        ),
        (
            "projects",
            "name",
            vec![
                ("name", Line(40)),
                ("kind", words!("project kind", ProjectKind)),
                ("firebreak", Flag),
                ("parties", list_of!("role", Role)),
                (
                    "hypercare_days",
                    Int(0, i64::from(crate::domain::hypercare::MAX_DAYS)),
                ),
            ],
        ),
        (
            "items",
            "'FB-' || id",
            vec![
                ("id", Int(1, i64::from(u32::MAX))),
                ("title", Line(MAX_TITLE)),
                ("description", Text(MAX_TEXT)),
                ("acceptance", Text(MAX_TEXT)),
                ("kind", words!("kind", Kind)),
                ("origin", words!("origin", Origin)),
                ("team", words!("team", Team)),
                ("class", words!("class", Class)),
                ("due", Day),
                ("points", Int(0, i64::from(MAX_POINTS))),
                ("state", words!("state", State)),
                ("blocked", Text(MAX_TEXT)),
                ("sprint", Line(40)),
                ("created", Moment),
                ("entered", Moment),
                ("updated", Moment),
                ("version", Int(1, i64::MAX)),
            ],
        ),
        (
            "columns",
            "name",
            vec![
                ("name", words!("column", Column)),
                ("wip_limit", Int(0, 999)),
                ("mode", words!("mode", WipMode)),
            ],
        ),
        (
            "sprints",
            "name",
            vec![
                ("name", Line(40)),
                ("goal", Text(MAX_TEXT)),
                ("start", Day),
                ("end", Day),
                ("state", words!("sprint state", SprintState)),
                ("commitment", Json),
                ("completed", Int(0, 1_000_000)),
            ],
        ),
        (
            "releases",
            "version",
            vec![
                ("version", Line(40)),
                ("team", words!("team", Team)),
                ("schema_change", Flag),
                ("items", Ids),
                ("state", words!("release state", ReleaseState)),
                ("slot", Word("slot", slots)),
                ("restarted", Flag),
                ("created", Moment),
                ("updated", Moment),
                ("policy", Json),
            ],
        ),
        (
            "labels",
            "entity_id || ' ' || label",
            vec![("label", Label)],
        ),
        (
            "steps",
            "release || ' ' || env || '/' || step",
            vec![
                ("outcome", words!("result", Outcome)),
                ("started", Moment),
                ("finished", Moment),
                ("seconds", NonNegative),
                ("log", log),
                ("url", Line(2_000)),
            ],
        ),
        (
            "signs",
            "release || ' ' || kind || ' ' || person",
            vec![
                ("kind", Word("signature", sign_kinds)),
                ("role", words!("role", Role)),
                ("yes", Flag),
                ("comment", Text(MAX_TEXT)),
                ("at", Moment),
            ],
        ),
        (
            "slots",
            "project || '/' || slot",
            vec![("slot", Word("slot", slots)), ("live", Flag)],
        ),
        (
            "raised",
            "fingerprint",
            vec![("occurrences", Int(1, 1_000_000_000))],
        ),
        ("handovers", "project", vec![("started", Moment)]),
        (
            "checks",
            "project || '/' || key",
            vec![
                ("position", Int(0, 10_000)),
                ("title", Line(MAX_TITLE)),
                ("mandatory", Flag),
                ("state", words!("check state", CheckState)),
                ("evidence", Text(MAX_TEXT)),
                ("reason", Text(MAX_TEXT)),
                ("until", Day),
            ],
        ),
        (
            "incidents",
            "id",
            vec![
                ("title", Line(MAX_TITLE)),
                ("priority", words!("priority", Priority)),
                ("team", words!("team", Team)),
                ("state", words!("incident state", IncidentState)),
                ("hold", Text(MAX_TEXT)),
                ("opened", Moment),
                ("resolved", Moment),
            ],
        ),
        (
            "problems",
            "id",
            vec![
                ("title", Line(MAX_TITLE)),
                ("state", words!("problem state", ProblemState)),
                ("workaround", Text(MAX_TEXT)),
                ("opened", Moment),
                ("resolved", Moment),
            ],
        ),
        (
            "hypercare",
            "release",
            vec![
                ("started", Moment),
                ("ends", Day),
                ("state", words!("hypercare state", HypercareState)),
            ],
        ),
        (
            "rotations",
            "person || ' ' || \"from\"",
            vec![("team", words!("team", Team)), ("from", Day), ("to", Day)],
        ),
        (
            "pd",
            "release",
            vec![
                ("findings", Text(MAX_TEXT)),
                ("updated", Moment),
                ("concluded", Moment),
            ],
        ),
        (
            "ops_reviews",
            "'FB-' || item",
            vec![
                (
                    "concerns",
                    Commas("concern", || {
                        Concern::ALL.iter().map(|w| w.as_str()).collect()
                    }),
                ),
                ("criteria", Text(MAX_TEXT)),
                ("flagged", Moment),
                ("reviewed", Moment),
                ("note", Text(MAX_TEXT)),
            ],
        ),
        (
            "escapes",
            "source",
            vec![("at", Moment), ("found", Moment), ("note", Text(MAX_TEXT))],
        ),
        ("events", "id", vec![("at", Moment), ("details", Json)]),
    ]
}

/// Why `value` breaks `rule`, if it does.
fn broken(rule: Rule, value: ValueRef<'_>) -> Option<String> {
    let (first, last) = bounds();
    let text = match value {
        ValueRef::Null => return None,
        ValueRef::Text(t) => Some(String::from_utf8_lossy(t).into_owned()),
        _ => None,
    };
    let int = match value {
        ValueRef::Integer(i) => Some(i),
        _ => None,
    };
    let shown = || match (&text, int) {
        (Some(t), _) => format!(
            "'{}'",
            crate::domain::text::safe_line(&t.chars().take(40).collect::<String>())
        ),
        (None, Some(i)) => i.to_string(),
        _ => "a value of another type".into(),
    };
    match rule {
        Rule::Word(what, words) => {
            let all = words();
            match &text {
                Some(t) if all.contains(&t.as_str()) => None,
                _ => Some(format!(
                    "{}: a {what} is one of {}",
                    shown(),
                    all.join(", ")
                )),
            }
        }
        Rule::Words(what, words) => {
            let all = words();
            let ok = text
                .as_deref()
                .and_then(|t| serde_json::from_str::<Vec<String>>(t).ok())
                .is_some_and(|list| list.iter().all(|w| all.contains(&w.as_str())));
            (!ok).then(|| {
                format!(
                    "{}: a JSON list of {what}s, each one of {}",
                    shown(),
                    all.join(", ")
                )
            })
        }
        Rule::Commas(what, words) => {
            let all = words();
            let ok = text
                .as_deref()
                .is_some_and(|t| !t.is_empty() && t.split(',').all(|w| all.contains(&w)));
            (!ok).then(|| {
                format!(
                    "{}: {what}s separated by commas, each one of {}",
                    shown(),
                    all.join(", ")
                )
            })
        }
        Rule::Ids => {
            let ok = text
                .as_deref()
                .and_then(|t| serde_json::from_str::<Vec<crate::domain::ItemId>>(t).ok())
                .is_some();
            (!ok).then(|| format!("{}: a JSON list of item ids such as [\"FB-1\"]", shown()))
        }
        Rule::Label => {
            let ok = text
                .as_deref()
                .is_some_and(|t| crate::domain::label::check(t).is_ok_and(|w| w == t));
            (!ok).then(|| format!("{}: a label (one lower-case word)", shown()))
        }
        Rule::Json => {
            let ok = text
                .as_deref()
                .is_some_and(|t| serde_json::from_str::<serde_json::Value>(t).is_ok());
            (!ok).then(|| format!("{}: JSON", shown()))
        }
        Rule::Day => {
            let day = text
                .as_deref()
                .and_then(|t| NaiveDate::parse_from_str(t, "%Y-%m-%d").ok());
            match day {
                Some(d) if d >= first && d <= last => None,
                _ => Some(format!(
                    "{}: a day between {first} and {last}, as YYYY-MM-DD",
                    shown()
                )),
            }
        }
        Rule::Moment => {
            let moment = text.as_deref().and_then(|t| {
                DateTime::parse_from_rfc3339(t)
                    .or_else(|_| DateTime::parse_from_str(t, "%Y-%m-%d %H:%M:%S%.f%:z"))
                    .ok()
                    .map(|m| m.with_timezone(&Utc))
            });
            match moment {
                Some(m) if m.date_naive() >= first && m.date_naive() <= last => None,
                _ => Some(format!("{}: a moment between {first} and {last}", shown())),
            }
        }
        Rule::Int(lo, hi) => match int {
            Some(i) if (lo..=hi).contains(&i) => None,
            _ => Some(format!("{}: a whole number from {lo} to {hi}", shown())),
        },
        Rule::NonNegative => match value {
            ValueRef::Integer(i) if i >= 0 => None,
            ValueRef::Real(x) if x >= 0.0 && x.is_finite() => None,
            _ => Some(format!("{}: a number of at least 0", shown())),
        },
        Rule::Flag => match int {
            Some(0 | 1) => None,
            _ => Some(format!("{}: 0 or 1", shown())),
        },
        Rule::Line(max) | Rule::Text(max) => {
            let Some(t) = &text else {
                return Some(format!("{}: text", shown()));
            };
            let n = t.chars().count();
            if n > max {
                Some(format!("{n} characters: at most {max}"))
            } else if matches!(rule, Rule::Line(_)) && t.chars().any(char::is_control) {
                Some(format!("{}: one line, without control characters", shown()))
            } else {
                None
            }
        }
    }
}

/// Checks every column and invariant of the board being built; the first break refuses the
/// import, naming the table, the record's key and the field.
pub(crate) fn check(conn: &Connection) -> Result<(), StoreError> {
    for (table, key, columns) in rules() {
        for (column, rule) in columns {
            let mut stmt = conn.prepare(&format!("SELECT {key}, \"{column}\" FROM \"{table}\""))?;
            let mut rows = stmt.query([])?;
            while let Some(row) = rows.next()? {
                if let Some(why) = broken(rule, row.get_ref(1)?) {
                    let id: String = match row.get_ref(0)? {
                        ValueRef::Integer(i) => i.to_string(),
                        other => other.as_str().unwrap_or("?").to_string(),
                    };
                    return Err(refuse(table, &id, column, &why));
                }
            }
        }
    }
    invariants(conn)
}

fn refuse(table: &str, key: &str, field: &str, why: &str) -> StoreError {
    DomainError::invalid(format!(
        "the export's {table} record '{}' has {field} {why}; nothing was imported",
        crate::domain::text::safe_line(key)
    ))
    .into()
}

/// The rules that span records.
fn invariants(conn: &Connection) -> Result<(), StoreError> {
    let first = |sql: &str| -> Result<Option<String>, StoreError> {
        use rusqlite::OptionalExtension;
        Ok(conn.query_row(sql, [], |r| r.get(0)).optional()?)
    };
    if let Some(p) = first(
        "SELECT project FROM sprints WHERE state = 'active' GROUP BY project HAVING count(*) > 1",
    )? {
        return Err(refuse(
            "sprints",
            &p,
            "state",
            "'active' on two sprints of the project: one sprint of a project is active at a time",
        ));
    }
    if let Some(s) = first("SELECT name FROM sprints WHERE \"end\" < start")? {
        return Err(refuse("sprints", &s, "end", "before its start"));
    }
    if let Some(s) =
        first("SELECT name FROM sprints WHERE julianday(\"end\") - julianday(start) > 42")?
    {
        return Err(refuse(
            "sprints",
            &s,
            "end",
            "more than six weeks after its start: a sprint lasts at most six weeks",
        ));
    }
    if let Some(r) = first("SELECT person FROM rotations WHERE \"to\" < \"from\"")? {
        return Err(refuse("rotations", &r, "to", "before its from"));
    }
    if let Some(h) = first("SELECT release FROM hypercare WHERE ends < substr(started, 1, 10)")? {
        return Err(refuse("hypercare", &h, "ends", "before it started"));
    }
    if let Some(m) = first(
        "SELECT 'FB-' || m.item FROM epic_members m JOIN items e ON e.id = m.epic WHERE e.kind != 'epic'",
    )? {
        return Err(refuse(
            "epic_members",
            &m,
            "epic",
            "an item that is not an epic",
        ));
    }
    if let Some(m) = first(
        "SELECT 'FB-' || m.item FROM epic_members m JOIN items i ON i.id = m.item WHERE i.kind = 'epic'",
    )? {
        return Err(refuse(
            "epic_members",
            &m,
            "item",
            "an epic: an epic holds no epic",
        ));
    }
    // What a record names is in the export too (checked here, before the commit would).
    let mut stmt = conn.prepare("PRAGMA foreign_key_check")?;
    let mut rows = stmt.query([])?;
    if let Some(r) = rows.next()? {
        let table: String = r.get(0)?;
        let rowid: Option<i64> = r.get(1)?;
        let parent: String = r.get(2)?;
        return Err(DomainError::invalid(format!(
            "the export's {table} record number {} names a {parent} record the export does not hold; nothing was imported",
            rowid.unwrap_or_default()
        ))
        .into());
    }
    Ok(())
}
