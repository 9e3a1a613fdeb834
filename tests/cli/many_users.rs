use super::*;
use std::io::{BufRead, BufReader};

/// Not a test of its own: the sibling test below runs this in a child process to hold the
/// board's write lock the way another firebreak in the middle of a write would.
#[test]
fn hold_the_write_lock_for_a_sibling_test() {
    let Some(db) = std::env::var_os("FIREBREAK_HOLD_LOCK") else {
        return;
    };
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.execute_batch("BEGIN IMMEDIATE").unwrap();
    println!("holding the lock");
    let mut line = String::new();
    let _ = std::io::stdin().read_line(&mut line);
}

#[test]
fn a_write_waits_for_the_lock_then_names_the_process_holding_it() {
    let b = Board::demo();
    let mut holder = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "many_users::hold_the_write_lock_for_a_sibling_test",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("FIREBREAK_HOLD_LOCK", &b.db)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(holder.stdout.take().unwrap());
    let mut line = String::new();
    while !line.contains("holding the lock") {
        line.clear();
        assert!(
            out.read_line(&mut line).unwrap() > 0,
            "the holder ended early"
        );
    }
    // Reads go on while another process writes.
    let before = b.state();
    b.run(&["item", "add", "Blocked by a long write"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!(
            "the board is busy: pid {} (",
            holder.id()
        )))
        .stderr(predicate::str::contains(
            "held its write lock for 5 s; try again",
        ));
    // The board itself waits only a second, and says the same.
    let mut store = firebreak::store::Store::open(&b.db, false).unwrap();
    store
        .set_patience(std::time::Duration::from_secs(1))
        .unwrap();
    let people = firebreak::demo::people();
    let priya = firebreak::domain::Actor::person(&people[0]);
    let err = store
        .create_item(
            firebreak::domain::NewItem::titled("From the board"),
            &priya,
            chrono::Utc::now(),
        )
        .unwrap_err()
        .to_string();
    assert!(
        err.contains(&format!("pid {}", holder.id())) && err.contains("for 1 s"),
        "{err}"
    );
    drop(store);
    drop(holder.stdin.take());
    holder.wait().unwrap();
    assert_eq!(b.state(), before, "the refused write changed nothing");
    b.run(&["item", "add", "Written once the lock is free"])
        .assert()
        .success();
}
