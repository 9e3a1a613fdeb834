//! Notifications through the real binary: `notify` tells each hook what it listens for, at
//! least once and in order, even when it is killed at any moment; a hook that fails is tried
//! again, one that hangs is killed; `audit --follow` streams the trail as it is written.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_firebreak");

/// A trust board with its people (no demo: a small trail), and its folder.
fn board() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("board.db");
    ok(&db, &["init", "--identity", "trust"]);
    ok(
        &db,
        &[
            "person",
            "add",
            "lee",
            "--role",
            "ams-engineer",
            "--team",
            "ams",
        ],
    );
    (dir, db)
}

fn cmd(db: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(BIN);
    c.env("USER", "priya")
        .env("NO_COLOR", "1")
        .arg("--db")
        .arg(db)
        .args(args);
    c
}

fn ok(db: &Path, args: &[&str]) -> String {
    let out = cmd(db, args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).to_string()
}

fn hooks(dir: &Path, text: &str) {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join("hooks.toml");
    std::fs::write(&path, text).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
}

/// The event ids a ledger hook wrote, one a line.
fn ledger(dir: &Path) -> Vec<i64> {
    std::fs::read_to_string(dir.join("ledger"))
        .unwrap_or_default()
        .lines()
        .map(|l| l.trim().parse().unwrap())
        .collect()
}

/// A hook that appends each event's id to `ledger`, and the P1 incidents that make events.
const LEDGER: &str = r#"
[[hook]]
name = "ledger"
on = ["p1-p2-logged"]
command = "sed -n 's/.*\"id\":\\([0-9]*\\),.*/\\1/p' >> ledger"
"#;

fn log_p1s(db: &Path, n: usize) {
    for k in 0..n {
        ok(
            db,
            &[
                "--as",
                "lee",
                "incident",
                "add",
                &format!("Outage {k}"),
                "--priority",
                "P1",
            ],
        );
    }
}

#[test]
fn notify_tells_each_hook_what_it_listens_for_once_and_in_order() {
    let (dir, db) = board();
    hooks(dir.path(), LEDGER);
    // A hook met for the first time starts from now: the board's past is not told.
    assert_eq!(ok(&db, &["notify", "--once"]), "Told 0 events.\n");
    log_p1s(&db, 3);
    ok(
        &db,
        &["--as", "lee", "incident", "add", "Typo", "--priority", "P4"],
    );
    let out = cmd(&db, &["notify", "--once"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout), "Told 3 events.\n");
    let told = ledger(dir.path());
    assert_eq!(told.len(), 3, "the P4 is not a P1 or P2: {told:?}");
    assert!(told.windows(2).all(|w| w[0] < w[1]), "in order: {told:?}");
    // Nothing new: nothing told again.
    cmd(&db, &["notify", "--once"])
        .current_dir(dir.path())
        .assert_ok();
    assert_eq!(ledger(dir.path()).len(), 3);
}

trait AssertOk {
    fn assert_ok(&mut self) -> String;
}

impl AssertOk for Command {
    fn assert_ok(&mut self) -> String {
        let out = self.output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).to_string()
    }
}

#[test]
fn a_failing_hook_is_tried_again_later_and_a_hanging_one_is_killed_at_its_timeout() {
    let (dir, db) = board();
    hooks(
        dir.path(),
        r#"
[[hook]]
name = "flaky"
on = ["p1-p2-logged"]
command = "test -e ok && cat >> told"
[[hook]]
name = "hangs"
on = ["p1-p2-logged"]
command = "sleep 600"
timeout = 1
"#,
    );
    ok(&db, &["notify", "--once"]);
    log_p1s(&db, 1);
    let started = Instant::now();
    let out = cmd(&db, &["notify", "--once"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("flaky: event") && said.contains("exited with code 1"),
        "{said}"
    );
    assert!(
        said.contains("hangs: event") && said.contains("killed after its timeout of 1 s"),
        "{said}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(300),
        "the hanging hook did not hold notify for its 600 s"
    );
    // The next try waits its backoff (2 s); once the hook works, the event is told once.
    std::fs::write(dir.path().join("ok"), "").unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while !dir.path().join("told").exists() {
        assert!(
            Instant::now() < deadline,
            "waited a minute for the retry of flaky"
        );
        let _ = cmd(&db, &["notify", "--once"])
            .current_dir(dir.path())
            .output();
        std::thread::sleep(Duration::from_millis(500));
    }
    let told = std::fs::read_to_string(dir.path().join("told")).unwrap();
    assert!(told.contains("\"kind\":\"p1-p2-logged\""), "{told}");
    // A hooks file others may change is refused: its commands would run as us.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(
        dir.path().join("hooks.toml"),
        std::fs::Permissions::from_mode(0o666),
    )
    .unwrap();
    let out = cmd(&db, &["notify", "--once"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("chmod go-w"));
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 6, ..Default::default() })]

    /// Killed at random moments, notify still tells every event, in order; an event is told
    /// twice only when notify died while telling it.
    #[test]
    fn delivery_is_at_least_once_and_in_order_across_crashes(
        kills in proptest::collection::vec(0u64..150, 1..4)
    ) {
        let (dir, db) = board();
        hooks(dir.path(), LEDGER);
        ok(&db, &["notify", "--once"]);
        log_p1s(&db, 12);
        for ms in &kills {
            let mut child = cmd(&db, &["notify"])
                .current_dir(dir.path())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap();
            std::thread::sleep(Duration::from_millis(*ms));
            child.kill().unwrap();
            child.wait().unwrap();
        }
        cmd(&db, &["notify", "--once"]).current_dir(dir.path()).assert_ok();
        let told = ledger(dir.path());
        let mut once = told.clone();
        once.dedup();
        proptest::prop_assert_eq!(once.len(), 12, "every event told: {:?}", told);
        proptest::prop_assert!(once.windows(2).all(|w| w[0] < w[1]), "in order: {:?}", told);
        proptest::prop_assert!(
            told.len() - once.len() <= kills.len(),
            "at most one repeat a crash: {:?} after {} kills", told, kills.len()
        );
    }
}

#[test]
fn audit_follow_streams_each_event_as_it_is_written() {
    let (_dir, db) = board();
    let mut follow = cmd(&db, &["audit", "--follow", "--json"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(follow.stdout.take().unwrap()).lines();
    // Written after it started: it arrives, as one JSON object on a line, with its id.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in lines.by_ref() {
            if tx.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    // Until the follower is reading, a write may land before it started: write until one
    // arrives (each is a new incident), within a generous deadline.
    let deadline = Instant::now() + Duration::from_secs(60);
    let line = loop {
        log_p1s(&db, 1);
        if let Ok(line) = rx.recv_timeout(Duration::from_secs(2)) {
            break line;
        }
        assert!(
            Instant::now() < deadline,
            "waited a minute for audit --follow to print an event"
        );
    };
    let event: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!(event["entity"], "incident");
    assert_eq!(event["action"], "log");
    assert!(event["id"].as_i64().unwrap() > 0);
    follow.kill().unwrap();
    follow.wait().unwrap();
}
