//! The release's gates across real processes: who may report a step, a rollback that goes
//! back, and opposite decisions raced many times, each ending in a state some order of them
//! explains, with the loser told why.

mod common;

use common::{Board, hand_over, to_firebreak};
use predicates::prelude::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Output;

/// How many times each race is run: enough to land the commands on top of one another in
/// many orders on a busy two-core machine, few enough to keep the suite quick.
/// `FIREBREAK_RACE_TRIALS` runs the long probe of docs/reliability.md.
fn trials() -> usize {
    std::env::var("FIREBREAK_RACE_TRIALS")
        .ok()
        .and_then(|t| t.parse().ok())
        .unwrap_or(8)
}

/// Starts every command at once and waits for them all.
fn race(db: &Path, commands: &[(&str, Vec<&str>)]) -> Vec<Output> {
    let children: Vec<_> = commands
        .iter()
        .map(|(who, args)| {
            std::process::Command::new(assert_cmd::cargo::cargo_bin("firebreak"))
                .env("USER", "nobody-here")
                .env("FIREBREAK_DB", db)
                .env("NO_COLOR", "1")
                .arg("--as")
                .arg(who)
                .args(args)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect()
}

/// A fresh copy of the board as it stands, for one trial.
fn copy_of(b: &Board, n: usize) -> PathBuf {
    let to = b.dir.path().join(format!("trial-{n}.db"));
    std::fs::copy(&b.db, &to).unwrap();
    let mut wal = b.db.as_os_str().to_owned();
    wal.push("-wal");
    if Path::new(&wal).exists() {
        let mut to_wal = to.as_os_str().to_owned();
        to_wal.push("-wal");
        std::fs::copy(&wal, &to_wal).unwrap();
    }
    to
}

/// A read's JSON; `status` exits 10 when something waits on a person, which is an answer too.
fn json_at(db: &Path, args: &[&str]) -> Value {
    let out = assert_cmd::Command::cargo_bin("firebreak")
        .unwrap()
        .env("USER", "nobody-here")
        .env("FIREBREAK_DB", db)
        .args(args)
        .output()
        .unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 10)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn said(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Events of `action` on release `version`, from the audit trail.
fn release_events(db: &Path, version: &str, action: &str) -> usize {
    json_at(db, &["audit", "--json"])["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["entity"] == "release" && e["entity_id"] == version && e["action"] == action)
        .count()
}

/// 1.0.0 run through the firebreak to the shadow, the handover waived, nobody voted yet.
fn to_shadow(b: &Board) {
    to_firebreak(b);
    for who in ["grace", "omar"] {
        b.as_(who, &["release", "accept", "1.0.0"])
            .assert()
            .success();
    }
    b.as_("rita", &["release", "restart", "1.0.0", "--no-run"])
        .assert()
        .success();
    b.as_("rita", &["release", "run", "1.0.0"])
        .assert()
        .success();
    hand_over(b);
}

#[test]
fn only_an_automation_account_reports_a_step_and_only_one_an_external_ci_runs() {
    let b = Board::with("external.toml");
    b.as_(
        "tom",
        &["release", "add", "1.0.0", "--project", "permits-online"],
    )
    .assert()
    .success();
    b.as_("rita", &["release", "run", "1.0.0"])
        .assert()
        .success();
    let report = |who: &str, step: &str| {
        b.as_(
            who,
            &[
                "release", "report", "1.0.0", "--env", "preprod", "--step", step, "--result",
                "pass",
            ],
        )
        .assert()
    };
    // The developer who cut it, and a release manager: people, so refused with the rule.
    for who in ["tom", "rita"] {
        report(who, "deploy")
            .code(3)
            .stderr(predicate::str::contains("rule: automation-reports"));
    }
    // The automation account reports, and the step says so.
    report("ci", "deploy").success();
    let show = b.json(&["release", "show", "1.0.0", "--json"]);
    let step = show["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["env"] == "preprod" && s["step"] == "deploy")
        .unwrap()
        .clone();
    assert_eq!(step["reporter"], "ci");
    assert_eq!(
        b.json(&["audit", "--json"])["events"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == "step" && e["actor"] == "ci")
            .count(),
        1
    );
    // An automation account does nothing else.
    b.as_("ci", &["item", "add", "A ticket of my own"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("automation account"));
    b.as_("ci", &["release", "restart", "1.0.0", "--no-run"])
        .assert()
        .code(3);
    // An account is the automation alone.
    b.as_(
        "priya",
        &[
            "person",
            "add",
            "bot",
            "--role",
            "automation",
            "--role",
            "tester",
            "--team",
            "ams",
        ],
    )
    .assert()
    .code(2)
    .stderr(predicate::str::contains("automation account"));
}

#[test]
fn a_ci_may_not_stand_in_for_a_step_the_board_runs_itself() {
    let b = Board::with("ok.toml");
    b.as_(
        "tom",
        &["release", "add", "1.0.0", "--project", "permits-online"],
    )
    .assert()
    .success();
    b.as_(
        "ci",
        &[
            "release", "report", "1.0.0", "--env", "dev", "--step", "deploy", "--result", "pass",
        ],
    )
    .assert()
    .code(3)
    .stderr(predicate::str::contains("rule: board-runs-it"));
    assert_eq!(
        b.json(&["release", "show", "1.0.0", "--json"])["release"]["state"],
        "built"
    );
}

#[test]
fn on_a_real_board_an_unregistered_login_reports_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("board.db");
    let run = |user: &str, args: &[&str]| {
        let mut c = assert_cmd::Command::cargo_bin("firebreak").unwrap();
        c.env("USER", user).env("FIREBREAK_DB", &db).args(args);
        c
    };
    run("priya", &["init"]).assert().success();
    run(
        "stranger",
        &[
            "release", "report", "1.0.0", "--env", "dev", "--step", "deploy", "--result", "pass",
        ],
    )
    .assert()
    .code(3)
    .stderr(predicate::str::contains("not registered"));
}

/// 1.0.0 live on blue, 1.1.0 in the shadow on green with every vote go.
fn two_releases(b: &Board) {
    to_shadow(b);
    for who in ["priya", "omar", "rita"] {
        b.as_(who, &["release", "vote", "1.0.0", "go"])
            .assert()
            .success();
    }
    b.as_("rita", &["release", "switch", "1.0.0", "--reason", "go"])
        .assert()
        .success();
    b.as_("aisha", &["item", "move", "FB-3", "approve"])
        .assert()
        .success();
    b.as_(
        "tom",
        &["release", "add", "1.1.0", "--project", "permits-online"],
    )
    .assert()
    .success();
    b.as_("rita", &["release", "run", "1.1.0"])
        .assert()
        .success();
    for who in ["grace", "omar"] {
        b.as_(who, &["release", "accept", "1.1.0"])
            .assert()
            .success();
    }
    b.as_("rita", &["release", "restart", "1.1.0", "--no-run"])
        .assert()
        .success();
    b.as_("rita", &["release", "run", "1.1.0"])
        .assert()
        .success();
    for who in ["priya", "omar", "rita"] {
        b.as_(who, &["release", "vote", "1.1.0", "go"])
            .assert()
            .success();
    }
}

/// Where the board says the traffic goes, as `status --json` says it: (slot, release).
fn live_slot(db: &Path) -> (String, String) {
    let status = json_at(db, &["status", "--json"]);
    let live = status["slots"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["live"] == true)
        .unwrap()
        .clone();
    (
        live["slot"].as_str().unwrap().to_string(),
        live["release"].as_str().unwrap().to_string(),
    )
}

/// The last line production's ledger holds: (change, slot, version).
fn ledger_last(b: &Board) -> (String, String, String) {
    let text = std::fs::read_to_string(b.pipeline_dir().join("production.ledger")).unwrap();
    let last = text.lines().last().unwrap();
    let mut words = last.split(' ').map(str::to_string);
    (
        words.next().unwrap(),
        words.next().unwrap(),
        words.next().unwrap(),
    )
}

#[test]
fn a_rollback_sends_the_traffic_back_where_the_board_says_it_is() {
    let b = Board::with("ledger.toml");
    two_releases(&b);
    b.as_("rita", &["release", "switch", "1.1.0", "--reason", "go"])
        .assert()
        .success()
        .stdout(predicate::str::contains("traffic to green (1.1.0)"));
    assert_eq!(
        ledger_last(&b),
        ("switch".into(), "green".into(), "1.1.0".into())
    );
    assert_eq!(live_slot(&b.db), ("green".into(), "1.1.0".into()));
    b.as_(
        "rita",
        &["release", "rollback", "1.1.0", "--reason", "error rate 12%"],
    )
    .assert()
    .success()
    .stdout(predicate::str::contains(
        "traffic to blue (1.0.0), away from 1.1.0",
    ));
    // Production was asked to route to the standby, and the board shows the same.
    assert_eq!(
        ledger_last(&b),
        ("rollback".into(), "blue".into(), "1.0.0".into())
    );
    assert_eq!(live_slot(&b.db), ("blue".into(), "1.0.0".into()));
}

#[test]
fn a_no_go_racing_go_votes_always_abandons_the_release() {
    let b = Board::with("ok.toml");
    to_shadow(&b);
    let mut refused = 0;
    let mut counted = 0;
    for n in 0..trials() {
        let db = copy_of(&b, n);
        let outs = race(
            &db,
            &[
                ("omar", vec!["release", "vote", "1.0.0", "go"]),
                (
                    "rita",
                    vec![
                        "release",
                        "vote",
                        "1.0.0",
                        "no-go",
                        "--comment",
                        "bank holiday",
                    ],
                ),
                ("omar", vec!["release", "vote", "1.0.0", "go"]),
                ("priya", vec!["release", "vote", "1.0.0", "go"]),
                ("omar", vec!["release", "vote", "1.0.0", "go"]),
            ],
        );
        // Rita's no-go always counts: nothing but her own vote could have closed the vote.
        assert!(outs[1].status.success(), "{}", said(&outs[1]));
        let show = json_at(&db, &["release", "show", "1.0.0", "--json"]);
        assert_eq!(show["release"]["state"], "abandoned", "trial {n}");
        let votes = show["votes"].as_array().unwrap();
        let mut people: Vec<&str> = votes
            .iter()
            .map(|v| v["person"].as_str().unwrap())
            .collect();
        people.sort();
        people.dedup();
        assert_eq!(people.len(), votes.len(), "one vote per person: {votes:?}");
        let ok = outs.iter().filter(|o| o.status.success()).count();
        assert_eq!(
            votes.len(),
            ok,
            "every vote that succeeded is recorded, no other"
        );
        counted += ok;
        refused += outs.len() - ok;
        assert_eq!(release_events(&db, "1.0.0", "vote"), ok);
        for o in outs.iter().filter(|o| !o.status.success()) {
            assert_eq!(o.status.code(), Some(3), "{}", said(o));
        }
        // The release is not wedged: it is over, and says so.
        let out = race(
            &db,
            &[("rita", vec!["release", "switch", "1.0.0", "--reason", "go"])],
        );
        assert!(said(&out[0]).contains("abandoned"), "{}", said(&out[0]));
    }
    eprintln!(
        "no-go race: {} trials, {counted} votes counted, {refused} refused, every release abandoned",
        trials()
    );
}

#[test]
fn ten_go_votes_of_one_person_count_once() {
    let b = Board::with("ok.toml");
    to_shadow(&b);
    let db = copy_of(&b, 0);
    let votes: Vec<(&str, Vec<&str>)> = (0..10)
        .map(|_| ("omar", vec!["release", "vote", "1.0.0", "go"]))
        .collect();
    let outs = race(&db, &votes);
    assert_eq!(outs.iter().filter(|o| o.status.success()).count(), 1);
    let show = json_at(&db, &["release", "show", "1.0.0", "--json"]);
    assert_eq!(show["votes"].as_array().unwrap().len(), 1);
    assert_eq!(release_events(&db, "1.0.0", "vote"), 1);
}

#[test]
fn a_rejection_racing_acceptances_always_halts_the_release() {
    let b = Board::with("ok.toml");
    to_firebreak(&b);
    for n in 0..trials() {
        let db = copy_of(&b, n);
        let outs = race(
            &db,
            &[
                ("grace", vec!["release", "accept", "1.0.0"]),
                (
                    "omar",
                    vec!["release", "reject", "1.0.0", "--comment", "locks the table"],
                ),
                ("rita", vec!["release", "restart", "1.0.0", "--no-run"]),
                ("grace", vec!["release", "accept", "1.0.0"]),
            ],
        );
        assert!(outs[1].status.success(), "{}", said(&outs[1]));
        assert!(
            !outs[2].status.success(),
            "a restart got through a rejection"
        );
        let show = json_at(&db, &["release", "show", "1.0.0", "--json"]);
        assert_eq!(show["release"]["state"], "halted", "trial {n}");
        // Omar's rejection stands; grace's acceptance too if it came first, once.
        let answers = show["acceptances"].as_array().unwrap();
        let answered = [0, 1, 3]
            .iter()
            .filter(|i| outs[**i].status.success())
            .count();
        assert_eq!(answers.len(), answered, "{answers:?}");
        assert!(
            answers
                .iter()
                .any(|a| a["person"] == "omar" && a["yes"] == false)
        );
        assert!(answers.iter().filter(|a| a["person"] == "grace").count() <= 1);
        // Nobody can restart a halted release afterwards.
        let out = race(
            &db,
            &[("rita", vec!["release", "restart", "1.0.0", "--no-run"])],
        );
        assert_eq!(out[0].status.code(), Some(3), "{}", said(&out[0]));
    }
}

#[test]
fn a_switch_racing_a_rollback_leaves_production_and_the_board_agreeing() {
    let b = Board::with("ledger.toml");
    two_releases(&b);
    let ledger = b.pipeline_dir().join("production.ledger");
    let before = std::fs::read_to_string(&ledger).unwrap();
    let mut rolled_back = 0;
    for n in 0..trials() {
        std::fs::write(&ledger, &before).unwrap();
        let db = copy_of(&b, n);
        let outs = race(
            &db,
            &[
                (
                    "rita",
                    vec!["release", "rollback", "1.1.0", "--reason", "errors"],
                ),
                ("rita", vec!["release", "switch", "1.1.0", "--reason", "go"]),
                ("rita", vec!["release", "switch", "1.1.0", "--reason", "go"]),
            ],
        );
        let switched = outs[1..].iter().filter(|o| o.status.success()).count();
        assert_eq!(switched, 1, "exactly one switch: {}", said(&outs[2]));
        let (_, slot, version) = ledger_last(&b);
        assert_eq!(live_slot(&db), (slot, version.clone()), "trial {n}");
        let changes =
            std::fs::read_to_string(&ledger).unwrap().lines().count() - before.lines().count();
        let ok = outs.iter().filter(|o| o.status.success()).count();
        assert_eq!(
            changes, ok,
            "production changed once per change the board made"
        );
        // Either the rollback came first and was refused, or it came after the switch.
        if outs[0].status.success() {
            rolled_back += 1;
            assert_eq!(version, "1.0.0");
        } else {
            assert_eq!(version, "1.1.0");
            assert_eq!(outs[0].status.code(), Some(3), "{}", said(&outs[0]));
        }
    }
    eprintln!(
        "switch/rollback race: {} trials, the rollback came second (and went through) {rolled_back} times, production and board agreed every time",
        trials()
    );
}

#[test]
fn two_pulls_at_the_wip_limit_take_one_place() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let cli = |args: &[&str]| {
        let mut c = assert_cmd::Command::cargo_bin("firebreak").unwrap();
        c.env("USER", "nobody-here")
            .env("FIREBREAK_DB", &db)
            .args(args);
        c
    };
    cli(&["demo", "--no-tui"]).assert().success();
    let in_progress = |db: &Path| {
        json_at(db, &["kanban", "show", "--json"])["columns"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["column"] == "in-progress")
            .map(|c| c["items"].as_array().unwrap().len())
            .unwrap()
    };
    let now = in_progress(&db);
    let limit = (now + 1).to_string();
    cli(&[
        "--as",
        "sam",
        "kanban",
        "wip",
        "in-progress",
        &limit,
        "--mode",
        "strict",
    ])
    .assert()
    .success();
    for n in 0..trials() {
        let trial = dir.path().join(format!("trial-{n}.db"));
        std::fs::copy(&db, &trial).unwrap();
        let outs = race(
            &trial,
            &[
                ("sam", vec!["kanban", "pull"]),
                ("lee", vec!["kanban", "pull"]),
            ],
        );
        assert_eq!(
            outs.iter().filter(|o| o.status.success()).count(),
            1,
            "{} / {}",
            said(&outs[0]),
            said(&outs[1])
        );
        let loser = outs.iter().find(|o| !o.status.success()).unwrap();
        assert_eq!(loser.status.code(), Some(3));
        assert!(said(loser).contains("limit"), "{}", said(loser));
        assert_eq!(in_progress(&trial), now + 1);
    }
}

#[test]
fn two_people_taking_one_incident_leave_it_with_one_of_them() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let cli = |args: &[&str]| {
        let mut c = assert_cmd::Command::cargo_bin("firebreak").unwrap();
        c.env("USER", "nobody-here")
            .env("FIREBREAK_DB", &db)
            .args(args);
        c
    };
    cli(&["demo", "--no-tui"]).assert().success();
    let out = cli(&[
        "--as",
        "omar",
        "incident",
        "add",
        "Search is down",
        "--priority",
        "P2",
    ])
    .output()
    .unwrap();
    assert!(out.status.success());
    let id = String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .find(|w| w.starts_with("INC-"))
        .unwrap()
        .trim_end_matches(['.', ':', ','])
        .to_string();
    for n in 0..trials() {
        let trial = dir.path().join(format!("trial-{n}.db"));
        std::fs::copy(&db, &trial).unwrap();
        let outs = race(
            &trial,
            &[
                ("sam", vec!["incident", "move", &id, "take"]),
                ("lee", vec!["incident", "move", &id, "take"]),
            ],
        );
        let winners: Vec<&str> = ["sam", "lee"]
            .iter()
            .zip(&outs)
            .filter(|(_, o)| o.status.success())
            .map(|(w, _)| *w)
            .collect();
        assert_eq!(winners.len(), 1, "{} / {}", said(&outs[0]), said(&outs[1]));
        let shown = json_at(&trial, &["incident", "show", &id, "--json"]);
        assert_eq!(shown["incident"]["assignee"], winners[0]);
    }
}

#[test]
fn two_acceptances_of_one_handover_item_record_one() {
    let b = Board::with("ok.toml");
    to_firebreak(&b);
    b.as_("tom", &["handover", "start", "permits-online"])
        .assert()
        .success();
    b.as_(
        "tom",
        &[
            "handover",
            "submit",
            "permits-online",
            "runbooks",
            "--evidence",
            "wiki/runbooks",
        ],
    )
    .assert()
    .success();
    for n in 0..trials() {
        let db = copy_of(&b, n);
        let outs = race(
            &db,
            &[
                (
                    "omar",
                    vec!["handover", "accept", "permits-online", "runbooks"],
                ),
                (
                    "omar",
                    vec!["handover", "accept", "permits-online", "runbooks"],
                ),
            ],
        );
        assert_eq!(
            outs.iter().filter(|o| o.status.success()).count(),
            1,
            "{} / {}",
            said(&outs[0]),
            said(&outs[1])
        );
        let accepted = json_at(&db, &["audit", "--json"])["events"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["entity"] == "handover" && e["action"] == "accept")
            .count();
        assert_eq!(accepted, 1, "trial {n}");
    }
}

#[test]
fn a_decision_on_a_view_that_moved_on_is_refused_as_stale() {
    let b = Board::with("ok.toml");
    to_shadow(&b);
    let seen = b.json(&["release", "show", "1.0.0", "--json"])["revision"]
        .as_i64()
        .unwrap();
    // Priya votes from what she saw; omar votes meanwhile.
    b.as_("omar", &["release", "vote", "1.0.0", "go"])
        .assert()
        .success();
    b.as_(
        "priya",
        &[
            "release",
            "vote",
            "1.0.0",
            "go",
            "--if-revision",
            &seen.to_string(),
        ],
    )
    .assert()
    .code(3)
    .stderr(predicate::str::contains(
        "release 1.0.0 was changed by omar",
    ));
    let now = b.json(&["release", "show", "1.0.0", "--json"])["revision"]
        .as_i64()
        .unwrap();
    b.as_(
        "priya",
        &[
            "release",
            "vote",
            "1.0.0",
            "go",
            "--if-revision",
            &now.to_string(),
        ],
    )
    .assert()
    .success();
    // The same for an incident: sam holds it while lee's screen still shows it new.
    let out = b
        .as_(
            "omar",
            &["incident", "add", "Search is down", "--priority", "P2"],
        )
        .output()
        .unwrap();
    assert!(out.status.success());
    let shown = b.json(&["incident", "show", "INC-1", "--json"])["incident"]["revision"]
        .as_i64()
        .unwrap();
    b.as_("sam", &["incident", "move", "INC-1", "take"])
        .assert()
        .success();
    b.as_(
        "omar",
        &[
            "incident",
            "move",
            "INC-1",
            "hold",
            "--reason",
            "waiting on the vendor",
            "--if-revision",
            &shown.to_string(),
        ],
    )
    .assert()
    .code(3)
    .stderr(predicate::str::contains(
        "incident INC-1 was changed by sam",
    ));
}

#[test]
fn two_handover_starts_at_once_start_one_and_say_so_to_the_other() {
    let b = Board::with("ok.toml");
    to_firebreak(&b);
    for n in 0..trials() {
        let db = copy_of(&b, n);
        let outs = race(
            &db,
            &[
                ("tom", vec!["handover", "start", "permits-online"]),
                ("omar", vec!["handover", "start", "permits-online"]),
            ],
        );
        assert_eq!(outs.iter().filter(|o| o.status.success()).count(), 1);
        let loser = outs.iter().find(|o| !o.status.success()).unwrap();
        assert!(!said(loser).contains("database error"), "{}", said(loser));
        assert!(
            matches!(loser.status.code(), Some(2 | 3)),
            "{}",
            said(loser)
        );
    }
}
