//! The audit trail proves itself: every event is sealed to the one before, `audit --verify`
//! names the first event changed, removed or forged, on a board or on one imported from an
//! export, and an event can be neither updated, deleted nor replaced through SQL.

use assert_cmd::Command;
use predicates::prelude::*;
use rusqlite::Connection;
use std::path::{Path, PathBuf};

fn fb(db: &Path) -> Command {
    let mut c = Command::cargo_bin("firebreak").unwrap();
    c.env("USER", "nobody-here").env("FIREBREAK_DB", db);
    c
}

fn demo() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    fb(&db).args(["demo", "--no-tui"]).assert().success();
    (dir, db)
}

/// Someone with the file and `sqlite3`, going round the triggers.
fn tamper(db: &Path, sql: &str) {
    let conn = Connection::open(db).unwrap();
    conn.execute_batch(&format!(
        "PRAGMA foreign_keys = OFF; DROP TRIGGER events_are_never_updated; DROP TRIGGER events_are_never_deleted; {sql}"
    ))
    .unwrap();
}

#[test]
fn a_whole_trail_says_so_with_its_last_seal() {
    let (_dir, db) = demo();
    fb(&db)
        .args(["audit", "--verify"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("The audit trail is whole")
                .and(predicate::str::is_match("Last seal [0-9a-f]{64}").unwrap()),
        );
    let out = fb(&db)
        .args(["audit", "--verify", "--json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["audit"]["whole"], true);
}

#[test]
fn an_event_changed_behind_firebreaks_back_is_named() {
    let (_dir, db) = demo();
    tamper(&db, "UPDATE events SET actor = 'mallory' WHERE id = 40;");
    fb(&db)
        .args(["audit", "--verify"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "broken at event 40, which was changed",
        ));
}

#[test]
fn an_event_removed_is_named() {
    let (_dir, db) = demo();
    tamper(&db, "DELETE FROM events WHERE id = 55;");
    fb(&db)
        .args(["audit", "--verify"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "broken at event 55, which was removed",
        ));
}

#[test]
fn an_event_forged_is_named() {
    let (_dir, db) = demo();
    let conn = Connection::open(&db).unwrap();
    conn.execute(
        "INSERT INTO events (at, actor, entity, entity_id, action) VALUES ('2026-01-01 00:00:00+00:00', 'omar', 'release', '2.4.0', 'vote')",
        [],
    )
    .unwrap();
    let forged: i64 = conn
        .query_row("SELECT max(id) FROM events", [], |r| r.get(0))
        .unwrap();
    drop(conn);
    fb(&db)
        .args(["audit", "--verify"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!(
            "broken at event {forged}, which was written behind firebreak's back"
        )));
}

#[test]
fn no_sql_updates_deletes_or_replaces_an_event() {
    let (_dir, db) = demo();
    let conn = Connection::open(&db).unwrap();
    for sql in [
        "UPDATE events SET actor = 'mallory' WHERE id = 3",
        "DELETE FROM events WHERE id = 3",
        "INSERT OR REPLACE INTO events (id, at, actor, entity, entity_id, action) VALUES (3, 'now', 'mallory', 'item', 'FB-1', 'create')",
        "REPLACE INTO seals (event, hash) VALUES (3, 'x')",
        "UPDATE seals SET hash = 'x' WHERE event = 3",
        "DELETE FROM seals WHERE event = 3",
    ] {
        let err = conn.execute(sql, []).unwrap_err().to_string();
        assert!(err.contains("append-only"), "{sql}: {err}");
    }
    drop(conn);
    fb(&db).args(["audit", "--verify"]).assert().success();
}

#[test]
fn an_imported_board_keeps_its_seals_and_an_edited_export_is_caught() {
    let (dir, db) = demo();
    let export = dir.path().join("board.json");
    fb(&db)
        .args(["export", "--out", export.to_str().unwrap()])
        .assert()
        .success();
    let copy = dir.path().join("copy.db");
    fb(&copy)
        .args(["import", export.to_str().unwrap()])
        .assert()
        .success();
    fb(&copy).args(["audit", "--verify"]).assert().success();
    // Someone rewrites who did something in the export, then imports it.
    let mut doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&export).unwrap()).unwrap();
    doc["events"][29]["actor"] = "mallory".into();
    std::fs::write(&export, doc.to_string()).unwrap();
    let edited = dir.path().join("edited.db");
    fb(&edited)
        .args(["import", export.to_str().unwrap()])
        .assert()
        .success();
    fb(&edited)
        .args(["audit", "--verify"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "broken at event 30, which was changed",
        ));
    // An event cut out of the export, its seal left: refused at once.
    doc["events"].as_array_mut().unwrap().remove(10);
    std::fs::write(&export, doc.to_string()).unwrap();
    fb(&dir.path().join("cut.db"))
        .args(["import", export.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("events were cut from it"));
}

#[test]
fn a_board_from_before_the_seals_is_sealed_when_it_is_upgraded() {
    let (_dir, db) = demo();
    // The board as a version of firebreak before the seals left it: schema 9, without what
    // the migrations since add.
    let conn = Connection::open(&db).unwrap();
    conn.execute_batch(
        "DROP TRIGGER seals_are_never_updated; DROP TRIGGER seals_are_never_deleted;
         DROP TRIGGER seals_are_never_replaced; DROP TRIGGER events_are_never_replaced;
         DROP TABLE seals; DROP INDEX events_by_time; DROP INDEX releases_by_project_state;
         ALTER TABLE releases DROP COLUMN policy; DROP TABLE labels; DROP TABLE epic_members;
         DROP TABLE cases; ALTER TABLE escapes DROP COLUMN test_case;
         ALTER TABLE projects DROP COLUMN sla; ALTER TABLE incidents DROP COLUMN sla;
         DROP TABLE hook_cursors;
         PRAGMA user_version = 9;",
    )
    .unwrap();
    drop(conn);
    fb(&db)
        .args(["audit", "--verify"])
        .assert()
        .success()
        .stdout(predicate::str::contains("The audit trail is whole"));
}
