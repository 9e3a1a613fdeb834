//! Import takes an export only if every record is one the board's own commands could have
//! written: a wrong record (valid JSON, wrong value) in any table is refused, naming where it
//! is, and nothing is written; a board appearing meanwhile is never replaced.

use firebreak::store::transfer;
use proptest::prelude::*;
use serde_json::{Value, json};
use std::sync::OnceLock;

/// The demo board's export, made once.
fn demo_export() -> &'static Value {
    static EXPORT: OnceLock<Value> = OnceLock::new();
    EXPORT.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("demo.db");
        let mut store = firebreak::store::Store::create(&db).unwrap();
        firebreak::demo::build(&mut store, chrono::Utc::now()).unwrap();
        serde_json::to_value(store.export().unwrap()).unwrap()
    })
}

/// Imports `doc` into a fresh folder as `firebreak import` does, reading the document as it
/// comes: the error, and what the folder holds afterwards.
fn import(doc: &Value) -> (Result<(), String>, usize) {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("board.db");
    let text = doc.to_string();
    let result = transfer::import_from(&target, text.as_bytes(), chrono::Utc::now())
        .map(|_| ())
        .map_err(|e| e.to_string());
    (result, std::fs::read_dir(dir.path()).unwrap().count())
}

fn refused(doc: &Value, mentions: &str) {
    let (result, files) = import(doc);
    let err = result.expect_err("a wrong record was imported");
    assert!(err.contains(mentions), "expected '{mentions}' in: {err}");
    assert!(
        err.contains("nothing was imported") || err.contains("not a firebreak export"),
        "{err}"
    );
    assert_eq!(files, 0, "nothing is left behind: {err}");
}

fn with(path: &[&str], value: Value) -> Value {
    let mut doc = demo_export().clone();
    let mut at = &mut doc;
    for key in path {
        at = match key.parse::<usize>() {
            Ok(i) => &mut at[i],
            Err(_) => &mut at[*key],
        };
    }
    *at = value;
    doc
}

fn record(table: &str, column: &str, value: Value) -> Value {
    with(&["records", table, "0", column], value)
}

#[test]
fn the_demo_export_imports_whole() {
    let (result, files) = import(demo_export());
    assert_eq!(result, Ok(()));
    assert_eq!(files, 1, "the board alone");
}

#[test]
fn a_wrong_record_in_any_table_is_refused_where_it_is() {
    let cases: Vec<(Value, &str)> = vec![
        (record("checks", "state", json!("banana")), "checks record"),
        (record("checks", "until", json!("someday")), "checks record"),
        (record("columns", "wip_limit", json!(-5)), "columns record"),
        (record("columns", "mode", json!("banana")), "columns record"),
        (record("escapes", "at", json!("banana")), "escapes record"),
        (
            record("handovers", "started", json!("banana")),
            "handovers record",
        ),
        (
            record("hypercare", "ends", json!("banana")),
            "hypercare record",
        ),
        (
            record("hypercare", "ends", json!("9999-12-31")),
            "hypercare record",
        ),
        (
            record("incidents", "priority", json!("P7")),
            "incidents record",
        ),
        (
            record("incidents", "title", json!("two\nlines")),
            "incidents record",
        ),
        (record("links", "kind", json!("banana")), "links record"),
        (
            record("labels", "label", json!("Two Words")),
            "labels record",
        ),
        (
            record("releases", "policy", json!("{not json")),
            "releases record",
        ),
        (
            with(
                &["records", "epic_members"],
                json!([{ "item": 1, "epic": 2 }]),
            ),
            "an item that is not an epic",
        ),
        (
            record("ops_reviews", "concerns", json!("banana")),
            "ops_reviews record",
        ),
        (record("pd", "updated", json!("banana")), "pd record"),
        (
            record("problem_incidents", "incident", json!("INC-999")),
            "problem_incidents record",
        ),
        (
            record("problems", "state", json!("banana")),
            "problems record",
        ),
        (record("raised", "occurrences", json!(0)), "raised record"),
        (
            record("releases", "state", json!("banana")),
            "releases record",
        ),
        (
            record("releases", "items", json!("not a list")),
            "releases record",
        ),
        (
            record("rotations", "from", json!("banana")),
            "rotations record",
        ),
        (record("signs", "yes", json!(7)), "signs record"),
        (record("slots", "live", json!(5)), "slots record"),
        (
            record("sprints", "start", json!("banana")),
            "sprints record",
        ),
        (record("steps", "outcome", json!("maybe")), "steps record"),
        (record("steps", "seconds", json!(-1)), "steps record"),
        (
            with(&["people", "0", "team"], json!("banana")),
            "not a firebreak export",
        ),
        (
            with(&["projects", "1", "hypercare_days"], json!(4294967295u32)),
            "hypercare_days",
        ),
        (
            with(&["items", "0", "points"], json!(4000000000u32)),
            "points",
        ),
        (
            with(&["items", "0", "title"], json!("\u{1b}[2J")),
            "control character",
        ),
        (
            with(&["events", "0", "at"], json!("banana")),
            "not a firebreak export",
        ),
    ];
    for (doc, mentions) in &cases {
        refused(doc, mentions);
    }
}

#[test]
fn two_active_sprints_of_a_project_are_refused() {
    let mut doc = demo_export().clone();
    for s in doc["records"]["sprints"].as_array_mut().unwrap() {
        s["state"] = json!("active");
    }
    refused(&doc, "sprints record");
}

#[test]
fn a_project_twice_or_a_record_twice_is_refused_never_replaced() {
    let mut doc = demo_export().clone();
    let first = doc["projects"][0].clone();
    doc["projects"].as_array_mut().unwrap().push(first);
    refused(&doc, "appears twice");
    let mut doc = demo_export().clone();
    let first = doc["records"]["sprints"][0].clone();
    doc["records"]["sprints"]
        .as_array_mut()
        .unwrap()
        .push(first);
    refused(&doc, "never replaced");
}

/// Values no vocabulary, calendar or bound of the board accepts.
fn nonsense() -> impl Strategy<Value = Value> {
    prop_oneof![
        "x-[a-z]{1,8}".prop_map(Value::from),
        (-1_000_000i64..-1).prop_map(Value::from),
        (5_000_000_000i64..i64::MAX).prop_map(Value::from),
        Just(json!("3000-02-30")),
        Just(json!([1, 2])),
    ]
}

/// The constrained columns of each record table, as (table, column).
const CONSTRAINED: &[(&str, &str)] = &[
    ("checks", "state"),
    ("columns", "mode"),
    ("columns", "wip_limit"),
    ("escapes", "found"),
    ("handovers", "started"),
    ("hypercare", "ends"),
    ("hypercare", "state"),
    ("incidents", "priority"),
    ("incidents", "state"),
    ("incidents", "opened"),
    ("links", "kind"),
    ("ops_reviews", "flagged"),
    ("pd", "updated"),
    ("problems", "state"),
    ("problems", "opened"),
    ("raised", "occurrences"),
    ("releases", "state"),
    ("releases", "team"),
    ("releases", "created"),
    ("rotations", "to"),
    ("signs", "role"),
    ("signs", "at"),
    ("slots", "slot"),
    ("sprints", "state"),
    ("sprints", "end"),
    ("steps", "started"),
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn any_nonsense_in_a_constrained_column_is_refused_and_nothing_is_written(
        which in 0..CONSTRAINED.len(),
        row in 0usize..4,
        value in nonsense(),
    ) {
        let (table, column) = CONSTRAINED[which];
        let rows = demo_export()["records"][table].as_array().map_or(0, Vec::len);
        prop_assume!(rows > 0);
        let doc = with(&["records", table, &(row % rows).to_string(), column], value);
        let (result, files) = import(&doc);
        prop_assert!(result.is_err(), "{table}.{column} took it");
        prop_assert_eq!(files, 0);
    }
}

#[test]
fn a_file_named_like_an_old_temporary_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("board.db");
    let innocent = dir.path().join("board.importing");
    std::fs::write(&innocent, "my notes").unwrap();
    let export = transfer::parse(&demo_export().to_string()).unwrap();
    transfer::import(&target, &export, chrono::Utc::now()).unwrap();
    assert_eq!(std::fs::read_to_string(&innocent).unwrap(), "my notes");
    assert!(target.exists());
    // And nothing else: the board and the notes.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
}

#[test]
fn an_import_never_replaces_a_board_that_appeared_while_it_was_building() {
    let dir = tempfile::tempdir().unwrap();
    let export_file = dir.path().join("board.json");
    std::fs::write(&export_file, demo_export().to_string()).unwrap();
    let bin = assert_cmd::cargo::cargo_bin("firebreak");
    for n in 0..6 {
        let target = dir.path().join(format!("race-{n}.db"));
        let import = std::process::Command::new(&bin)
            .arg("--db")
            .arg(&target)
            .arg("import")
            .arg(&export_file)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let init = std::process::Command::new(&bin)
            .env("USER", "priya")
            .arg("--db")
            .arg(&target)
            .args(["init", "--title", "Mine"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let (a, b) = (
            import.wait_with_output().unwrap(),
            init.wait_with_output().unwrap(),
        );
        let won = [a.status.success(), b.status.success()];
        assert_eq!(
            won.iter().filter(|w| **w).count(),
            1,
            "one of them makes the board: {} / {}",
            String::from_utf8_lossy(&a.stderr),
            String::from_utf8_lossy(&b.stderr)
        );
        let loser = if won[0] { &b } else { &a };
        assert_eq!(loser.status.code(), Some(2));
        // The board there is whole, and it is the winner's.
        let store = firebreak::store::Store::open(&target, true).unwrap();
        let title = store.info().unwrap().title;
        assert_eq!(title == "Mine", won[1], "{title}");
        let leftovers = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().contains("building"))
            .count();
        assert_eq!(leftovers, 0);
    }
}

#[test]
fn the_streamed_export_is_the_same_document() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let mut store = firebreak::store::Store::create(&db).unwrap();
    firebreak::demo::build(&mut store, chrono::Utc::now()).unwrap();
    let mut streamed = Vec::new();
    let counts = store.export_to(&mut streamed).unwrap();
    let streamed: Value = serde_json::from_slice(&streamed).unwrap();
    let whole = serde_json::to_value(store.export().unwrap()).unwrap();
    assert_eq!(streamed, whole);
    assert_eq!(counts.items, 72);
}
