//! The command line as scripts and CI jobs use it: output, `--json`, exit codes, bad input.

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

struct Board {
    _dir: tempfile::TempDir,
    db: PathBuf,
}

impl Board {
    /// An empty board created by the operating-system user `priya`.
    fn new() -> Board {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("board.db");
        let b = Board { _dir: dir, db };
        b.run(&["init"]).assert().success();
        b
    }

    fn demo() -> Board {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("demo.db");
        let b = Board { _dir: dir, db };
        b.run(&["demo", "--no-tui"]).assert().success();
        b
    }

    fn run(&self, args: &[&str]) -> Command {
        self.as_user("priya", args)
    }

    fn as_user(&self, user: &str, args: &[&str]) -> Command {
        let mut cmd = Command::cargo_bin("firebreak").unwrap();
        cmd.env("USER", user)
            .env("FIREBREAK_DB", &self.db)
            .env("NO_COLOR", "1")
            .args(args);
        cmd
    }

    fn json(&self, args: &[&str]) -> Value {
        let out = self.run(args).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }

    /// Everything a failed command must leave as it was.
    fn state(&self) -> String {
        let export = self.json(&["export"]);
        format!(
            "{}{}",
            export["items"],
            export["events"].as_array().unwrap().len()
        )
    }

    fn add(&self, args: &[&str]) -> String {
        let mut all = vec!["item", "add"];
        all.extend_from_slice(args);
        let out = self.run(&all).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    }
}

fn ids(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn init_makes_the_creator_the_first_product_owner() {
    let b = Board::new();
    b.run(&["whoami"])
        .assert()
        .success()
        .stdout(predicate::str::contains("priya (product-owner)"));
    let who = b.json(&["whoami", "--json"]);
    assert_eq!(who["schema"], 1);
    assert_eq!(who["person"]["roles"][0], "product-owner");
    b.run(&["init"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("already exists"));
    b.as_user("mallory", &["whoami"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("not registered"));
}

#[test]
fn people_are_registered_by_a_product_owner() {
    let b = Board::new();
    b.run(&[
        "person",
        "add",
        "sam",
        "--role",
        "ams-engineer",
        "--team",
        "ams",
    ])
    .assert()
    .success();
    b.as_user(
        "sam",
        &[
            "person",
            "add",
            "lee",
            "--role",
            "developer",
            "--team",
            "ams",
        ],
    )
    .assert()
    .code(3)
    .stderr(predicate::str::contains(
        "Only a product-owner may register people",
    ));
    b.run(&["person", "add", "lee", "--role", "wizard", "--team", "ams"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown role 'wizard'"));
    b.run(&["person", "add", "sam", "--role", "tester", "--team", "ams"])
        .assert()
        .code(2);
    let people = b.json(&["person", "list", "--json"]);
    let names: Vec<&str> = people["people"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["priya", "sam"]);
    b.run(&["person", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains("ams-engineer"));
}

#[test]
fn projects_are_added_and_listed() {
    let b = Board::new();
    b.run(&[
        "project",
        "add",
        "permits",
        "--firebreak",
        "--hypercare-days",
        "10",
    ])
    .assert()
    .success();
    b.run(&["project", "add", "Bad Name"]).assert().code(2);
    b.run(&["project", "add", "permits"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("already"));
    let list = b.json(&["project", "list", "--json"]);
    assert_eq!(list["projects"][0]["name"], "bau");
    assert_eq!(list["projects"][1]["firebreak"], true);
    assert_eq!(list["projects"][1]["parties"][1], "service-manager");
}

#[test]
fn items_are_added_listed_and_shown_with_their_history() {
    let b = Board::new();
    assert_eq!(
        b.add(&["Renew a permit", "--team", "appdev", "--points", "5"]),
        "FB-1"
    );
    assert_eq!(
        b.add(&[
            "Typo on the help page",
            "--kind",
            "defect",
            "--origin",
            "manual-test"
        ]),
        "FB-2"
    );
    let list = b.json(&["item", "list", "--json"]);
    assert_eq!(list["schema"], 1);
    let first = &list["items"][0];
    for field in [
        "id", "title", "kind", "team", "state", "origin", "rank", "version", "class", "project",
    ] {
        assert!(!first[field].is_null(), "{field} missing");
    }
    assert_eq!(first["state"], "backlog");
    assert_eq!(list["items"][1]["state"], "triage");
    assert_eq!(
        ids(&b.json(&["item", "list", "--state", "triage", "--json"])),
        ["FB-2"]
    );
    assert_eq!(
        ids(&b.json(&["item", "list", "--kind", "defect", "--json"])),
        ["FB-2"]
    );
    let shown = b.json(&["item", "show", "fb-1", "--json"]);
    assert_eq!(shown["item"]["title"], "Renew a permit");
    assert_eq!(shown["history"][0]["action"], "create");
    b.run(&["item", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Renew a permit"));
    b.run(&["item", "show", "FB-1"])
        .assert()
        .success()
        .stdout(predicate::str::contains("History:"));
}

#[test]
fn bad_input_is_refused_with_exit_2_and_changes_nothing() {
    let b = Board::new();
    b.add(&["Renew a permit", "--team", "appdev"]);
    let before = b.state();
    let cases: &[(&[&str], &str)] = &[
        (
            &["item", "add", "x", "--kind", "epic"],
            "unknown kind 'epic'",
        ),
        (&["item", "add", "x", "--team", "ops"], "unknown team 'ops'"),
        (
            &[
                "item",
                "add",
                "x",
                "--class",
                "fixed-date",
                "--due",
                "31/03/2026",
            ],
            "is not a date",
        ),
        (
            &["item", "add", "x", "--class", "fixed-date"],
            "needs a due date",
        ),
        (
            &["item", "add", "x", "--project", "nope"],
            "no project 'nope'",
        ),
        (&["item", "add", "x", "--points", "500"], "more than 100"),
        (&["item", "add", "  "], "title is empty"),
        (&["item", "show", "FB-99"], "there is no item FB-99"),
        (&["item", "show", "ABC"], "not an item id"),
        (
            &["item", "rank", "FB-99", "--top"],
            "there is no item FB-99",
        ),
        (
            &["item", "rank", "FB-1", "--before", "FB-1"],
            "relative to itself",
        ),
        (
            &["item", "move", "FB-1", "teleport"],
            "unknown command 'teleport'",
        ),
        (&["item", "move", "FB-1", "block"], "needs a reason"),
        (&["item", "edit", "FB-1"], "nothing to change"),
        (
            &["item", "edit", "FB-1", "--points", "many"],
            "invalid digit",
        ),
        (
            &["item", "list", "--state", "limbo"],
            "unknown state 'limbo'",
        ),
    ];
    for (args, message) in cases {
        b.run(args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(*message));
    }
    let emoji = "🚀".repeat(10_000);
    b.run(&["item", "add", &emoji])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("keep it to 200"));
    b.run(&["item", "rank", "FB-1"]).assert().code(2);
    assert_eq!(b.state(), before);
}

#[test]
fn rules_of_the_process_refuse_with_exit_3_and_change_nothing() {
    let b = Board::new();
    b.run(&[
        "person",
        "add",
        "tom",
        "--role",
        "developer",
        "--team",
        "appdev",
    ])
    .assert()
    .success();
    b.add(&["Renew a permit", "--team", "appdev"]);
    b.add(&["Refund a permit"]);
    let before = b.state();
    b.as_user("tom", &["item", "rank", "FB-2", "--top"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "Only a product-owner may rank the backlog",
        ));
    b.as_user("tom", &["item", "move", "FB-1", "cancel", "--reason", "no"])
        .assert()
        .code(3);
    b.run(&["item", "move", "FB-2", "accept"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("has no team"));
    b.run(&["item", "move", "FB-1", "refine"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("acceptance criteria"));
    b.run(&["item", "move", "FB-1", "accept"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("only items in triage"));
    b.run(&["--as", "tom", "item", "list"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("--identity trust"));
    b.run(&["--readonly", "item", "rank", "FB-2", "--top"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("read-only"));
    b.run(&[
        "item",
        "edit",
        "FB-1",
        "--title",
        "New",
        "--if-version",
        "7",
    ])
    .assert()
    .code(3)
    .stderr(predicate::str::contains("changed by priya"));
    assert_eq!(b.state(), before);
}

#[test]
fn the_backlog_transitions_work_from_the_command_line() {
    let b = Board::new();
    b.add(&["Refund a permit", "--kind", "defect"]);
    b.run(&[
        "item",
        "edit",
        "FB-1",
        "--team",
        "ams",
        "--acceptance",
        "Refund within 14 days",
    ])
    .assert()
    .success();
    b.run(&["item", "move", "FB-1", "accept"])
        .assert()
        .success()
        .stdout("FB-1 is backlog.\n");
    b.run(&["item", "move", "FB-1", "refine"])
        .assert()
        .success()
        .stdout("FB-1 is ready.\n");
    b.run(&[
        "item",
        "move",
        "FB-1",
        "block",
        "--reason",
        "waiting for finance",
    ])
    .assert()
    .success();
    let item = b.json(&["item", "show", "FB-1", "--json"]);
    assert_eq!(item["item"]["blocked"], "waiting for finance");
    b.run(&["item", "move", "FB-1", "unblock"])
        .assert()
        .success();
    b.run(&[
        "item",
        "move",
        "FB-1",
        "cancel",
        "--reason",
        "duplicate of FB-9",
    ])
    .assert()
    .success();
    let item = b.json(&["item", "show", "FB-1", "--json"]);
    assert_eq!(item["item"]["state"], "cancelled");
    let actions: Vec<&str> = item["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "create", "edit", "accept", "refine", "block", "unblock", "cancel"
        ]
    );
    assert_eq!(item["history"][6]["reason"], "duplicate of FB-9");
}

#[test]
fn ranking_from_the_command_line_moves_one_item() {
    let b = Board::new();
    for t in ["A", "B", "C", "D"] {
        b.add(&[t, "--team", "appdev"]);
    }
    b.run(&["item", "rank", "FB-4", "--top"])
        .assert()
        .success()
        .stdout("FB-4 moved to the top: it is number 1 of 4 in the backlog.\n");
    // A move further than the backlog goes stops at its end, and says where it is.
    b.run(&["item", "rank", "FB-2", "--up", "4294967295"])
        .assert()
        .success()
        .stdout("FB-2 moved up 4294967295: it is number 1 of 4 in the backlog.\n");
    b.run(&["item", "rank", "FB-2", "--after", "FB-1"])
        .assert()
        .success();
    b.run(&["item", "rank", "FB-1", "--after", "FB-3"])
        .assert()
        .success();
    b.run(&["item", "rank", "FB-2", "--down", "1"])
        .assert()
        .success();
    b.run(&["item", "rank", "FB-4", "--bottom"])
        .assert()
        .success();
    b.run(&["item", "rank", "FB-4", "--up", "2"])
        .assert()
        .success();
    assert_eq!(
        ids(&b.json(&["item", "list", "--json"])),
        ["FB-3", "FB-4", "FB-2", "FB-1"]
    );
    let history = b.json(&["item", "show", "FB-4", "--json"]);
    assert_eq!(
        history["history"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == "rank")
            .count(),
        3
    );
}

#[test]
fn the_demo_is_a_full_board_in_its_own_file_where_anyone_can_act() {
    let b = Board::demo();
    let list = b.json(&["item", "list", "--json"]);
    let items = list["items"].as_array().unwrap();
    assert!(items.len() >= 60, "{}", items.len());
    let distinct = |field: &str| {
        let mut v: Vec<String> = items.iter().map(|i| i[field].to_string()).collect();
        v.sort();
        v.dedup();
        v.len()
    };
    assert_eq!(distinct("kind"), 4);
    assert_eq!(distinct("origin"), 5);
    assert_eq!(distinct("team"), 2);
    assert_eq!(distinct("class"), 3);
    assert_eq!(distinct("state"), 10);
    assert!(items.iter().filter(|i| !i["blocked"].is_null()).count() >= 3);
    let people = b.json(&["person", "list", "--json"]);
    let roles: std::collections::BTreeSet<String> = people["people"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| {
            p["roles"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r.as_str().unwrap().to_string())
        })
        .collect();
    // Every role, the automation account `ci` among them.
    assert_eq!(roles.len(), 7);
    let projects = b.json(&["project", "list", "--json"]);
    assert_eq!(projects["projects"].as_array().unwrap().len(), 2);
    // A stranger acts as the first product owner; --as tries any role.
    b.as_user("visitor", &["whoami"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("priya"));
    b.run(&["--as", "sam", "whoami"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("sam (ams-engineer)"));
    b.run(&["--as", "nobody", "whoami"]).assert().code(2);
    // Running it again keeps the board; --reset builds it anew.
    b.run(&["demo", "--no-tui"])
        .assert()
        .success()
        .stdout(predicate::str::contains("--reset"));
    b.run(&["demo", "--no-tui", "--reset"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Built"));
}

#[test]
fn demo_reset_never_throws_away_a_real_board() {
    let b = Board::new();
    b.run(&["demo", "--no-tui", "--reset"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("real board"));
    b.run(&["whoami"]).assert().success();
}

#[test]
fn a_board_moves_whole_through_export_and_import() {
    let b = Board::demo();
    let out = b.db.with_file_name("board.json");
    b.run(&["export", "--out", out.to_str().unwrap()])
        .assert()
        .success();
    let copy = b.db.with_file_name("copy.db");
    let copy_s = copy.to_str().unwrap();
    b.run(&["--db", copy_s, "import", out.to_str().unwrap()])
        .assert()
        .success();
    let original = b.json(&["item", "list", "--json"]);
    let imported = b.json(&["--db", copy_s, "item", "list", "--json"]);
    assert_eq!(original, imported);
    // Everything else comes along: sprints, releases, handover, hypercare, incidents,
    // problems, rotations, and every record of every other table.
    for args in [
        &["sprint", "list", "--json"][..],
        &["release", "list", "--json"],
        &["handover", "show", "permits-online", "--json"],
        &["hypercare", "list", "--json"],
        &["incident", "list", "--json"],
        &["problem", "show", "PRB-1", "--json"],
        &["person", "rotations", "--json"],
        &["kanban", "show", "--json"],
    ] {
        let mut copy_args = vec!["--db", copy_s];
        copy_args.extend_from_slice(args);
        assert_eq!(b.json(args), b.json(&copy_args), "{args:?}");
    }
    let again = b.json(&["--db", copy_s, "export"]);
    let first: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(first["records"], again["records"]);
    assert!(first["records"]["incidents"].as_array().unwrap().len() >= 5);
    b.run(&["--db", copy_s, "import", out.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("exists already"));
}

#[test]
fn a_malformed_import_is_refused_whole_and_makes_no_board() {
    let b = Board::demo();
    let dir = b.db.parent().unwrap();
    let bad = dir.join("bad.json");
    std::fs::write(&bad, "{\"schema\": 1, \"board\": ").unwrap();
    let target = dir.join("new.db");
    let run = |file: &Path| {
        b.run(&[
            "--db",
            target.to_str().unwrap(),
            "import",
            file.to_str().unwrap(),
        ])
    };
    run(&bad).assert().code(2).stderr(
        predicate::str::contains("not a firebreak export").and(predicate::str::contains("line 1")),
    );
    let mut export = b.json(&["export"]);
    export["items"][3]["project"] = "atlantis".into();
    std::fs::write(&bad, export.to_string()).unwrap();
    run(&bad)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown project 'atlantis'"));
    export["items"][3]["project"] = "bau".into();
    export["records"]["incidents"][0]["priority"] = "P9".into();
    std::fs::write(&bad, export.to_string()).unwrap();
    run(&bad).assert().code(2).stderr(predicate::str::contains(
        "the export's incidents record number 1 is refused by the schema (CHECK constraint failed: priority",
    ));
    export["records"]["incidents"][0]["priority"] = "P1".into();
    export["records"]["incidents"][0]["mood"] = "grumpy".into();
    std::fs::write(&bad, export.to_string()).unwrap();
    run(&bad)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown column 'mood'"));
    export["schema"] = 7.into();
    std::fs::write(&bad, export.to_string()).unwrap();
    run(&bad)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("schema 7"));
    run(&dir.join("missing.json"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot read"));
    assert!(!target.exists());
}

#[test]
fn opening_a_foreign_file_is_refused_and_leaves_it_alone() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("notes.txt");
    std::fs::write(&file, "not a board").unwrap();
    Command::cargo_bin("firebreak")
        .unwrap()
        .args(["--db", file.to_str().unwrap(), "item", "list"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a firebreak database"));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "not a board");
    Command::cargo_bin("firebreak")
        .unwrap()
        .args(["--db", dir.path().join("none.db").to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("firebreak init"));
}

mod kanban {
    use super::*;

    /// A demo board: In progress holds 3 of 3, Review 2 of 2, Ready has five cards.
    fn board() -> Board {
        Board::demo()
    }

    #[test]
    fn a_pull_at_the_limit_is_refused_with_the_column_its_count_and_its_limit() {
        let b = board();
        let before = b.state();
        b.run(&["--as", "sam", "kanban", "pull"])
            .assert()
            .code(3)
            .stderr(predicate::str::contains(
                "In progress is at its limit (3 of 3)",
            ));
        assert_eq!(b.state(), before);
    }

    #[test]
    fn an_override_reason_passes_the_limit_and_is_in_the_items_history() {
        let b = board();
        b.run(&[
            "--as",
            "sam",
            "kanban",
            "pull",
            "--override",
            "P1 on renewals",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "FB-5 is now in In progress, over its limit: P1 on renewals.",
        ));
        let item = b.json(&["item", "show", "FB-5", "--json"]);
        assert_eq!(item["item"]["state"], "in-progress");
        assert_eq!(item["item"]["assignee"], "sam");
        let last = item["history"].as_array().unwrap().last().unwrap().clone();
        assert_eq!(
            (last["action"].as_str(), last["reason"].as_str()),
            (Some("pull"), Some("P1 on renewals"))
        );
        let show = b.json(&["kanban", "show", "--json"]);
        let in_progress = &show["columns"][1];
        assert_eq!(
            (in_progress["count"].as_u64(), in_progress["limit"].as_u64()),
            (Some(4), Some(3))
        );
        assert_eq!(in_progress["override"]["reason"], "P1 on renewals");
    }

    #[test]
    fn a_strict_limit_takes_no_override() {
        let b = board();
        b.as_user(
            "sam",
            &[
                "--as",
                "sam",
                "kanban",
                "wip",
                "in-progress",
                "3",
                "--mode",
                "strict",
            ],
        )
        .assert()
        .success();
        b.run(&["--as", "sam", "kanban", "pull", "--override", "please"])
            .assert()
            .code(3)
            .stderr(predicate::str::contains("strict"));
        b.run(&["--as", "priya", "kanban", "wip", "review", "5"])
            .assert()
            .code(3)
            .stderr(predicate::str::contains("Only an ams-engineer may set"));
        b.run(&["--as", "sam", "kanban", "wip", "review", "lots"])
            .assert()
            .code(2);
        b.run(&["--as", "sam", "kanban", "wip", "limbo", "3"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("unknown column"));
    }

    #[test]
    fn finishing_work_makes_room_and_says_so() {
        let b = board();
        // FB-11 (sam's) is in review: lee approves it, and Review has room again.
        b.run(&["--as", "sam", "kanban", "move", "FB-11", "done"])
            .assert()
            .code(3)
            .stderr(predicate::str::contains("nobody reviews their own work"));
        b.run(&["--as", "lee", "kanban", "move", "FB-11", "done"])
            .assert()
            .success()
            .stdout(predicate::str::contains("Review has room again"));
        // Now sam submits FB-25 into the freed Review column, and In progress has room.
        b.run(&["--as", "sam", "kanban", "move", "FB-25", "review"])
            .assert()
            .success()
            .stdout(predicate::str::contains("In progress has room again"));
        // The next pull takes the first unblocked item in the pull order.
        b.run(&["--as", "lee", "kanban", "pull"])
            .assert()
            .success()
            .stdout(predicate::str::starts_with("FB-5 "));
        b.run(&["--as", "lee", "kanban", "move", "FB-5", "done"])
            .assert()
            .code(3)
            .stderr(predicate::str::contains(
                "from in-progress it can go to review",
            ));
    }

    #[test]
    fn delivery_items_are_not_on_the_kanban_board_and_blocked_ones_are_not_pulled() {
        let b = board();
        b.run(&["--as", "sam", "kanban", "move", "FB-7", "in-progress"])
            .assert()
            .code(3)
            .stderr(predicate::str::contains("Sprint board"));
        b.run(&["--as", "sam", "kanban", "pull", "FB-10", "--override", "x"])
            .assert()
            .code(3)
            .stderr(predicate::str::contains("is blocked"));
    }

    #[test]
    fn the_board_shows_its_lane_columns_and_cards() {
        let b = board();
        let show = b.json(&["kanban", "show", "--json"]);
        assert_eq!(show["expedite"]["id"], "FB-2");
        let names: Vec<&str> = show["columns"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["column"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["ready", "in-progress", "review", "done"]);
        assert_eq!(show["columns"][1]["full"], true);
        assert_eq!(
            show["columns"][0]["items"][0]["id"], "FB-5",
            "Ready is in pull order"
        );
        b.run(&["kanban", "show"]).assert().success().stdout(
            predicate::str::contains("IN PROGRESS 3/3 (reasoned)  FULL")
                .and(predicate::str::contains("BLOCKED:")),
        );
    }

    #[test]
    fn the_team_sets_when_cards_count_as_ageing() {
        let b = board();
        b.run(&["--as", "sam", "kanban", "age", "10"])
            .assert()
            .success();
        b.run(&["--as", "sam", "kanban", "age", "0"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("from 1 to 365"));
        b.run(&["--as", "priya", "kanban", "age", "3"])
            .assert()
            .code(3);
        let audit = b.json(&["export"]);
        let last = audit["events"]
            .as_array()
            .unwrap()
            .iter()
            .rev()
            .find(|e| e["action"] == "ageing")
            .unwrap()
            .clone();
        assert_eq!(last["details"]["days"], 10);
    }

    #[test]
    fn done_items_of_a_project_are_its_next_release_candidates() {
        let b = board();
        let done = b.json(&[
            "item",
            "list",
            "--project",
            "bau",
            "--state",
            "done",
            "--json",
        ]);
        let ids = super::ids(&done);
        // Eight finished, three gone out with 2.3.0; 2.4.0's two stay done until it is live.
        assert_eq!(ids.len(), 5);
        assert!(ids.contains(&"FB-19".to_string()));
    }

    #[test]
    fn an_empty_ready_column_says_what_to_do() {
        let b = Board::new();
        b.run(&[
            "person",
            "add",
            "sam",
            "--role",
            "ams-engineer",
            "--team",
            "ams",
        ])
        .assert()
        .success();
        b.as_user("sam", &["kanban", "pull"])
            .assert()
            .code(3)
            .stderr(predicate::str::contains(
                "Nothing to pull: the Ready column is empty",
            ));
        b.run(&["kanban", "show"])
            .assert()
            .success()
            .stdout(predicate::str::contains("READY 0/-"));
    }

    #[test]
    fn queueing_feeds_the_ready_column() {
        let b = board();
        // FB-43 is a ready AMS item; FB-7 a ready delivery story.
        b.run(&["--as", "sam", "item", "move", "FB-43", "queue"])
            .assert()
            .success()
            .stdout("FB-43 is queued.\n");
        b.run(&["--as", "sam", "item", "move", "FB-7", "queue"])
            .assert()
            .code(3)
            .stderr(predicate::str::contains("team appdev"));
        b.run(&["item", "move", "FB-43", "pull"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("kanban pull"));
    }
}

mod sprints {
    use super::*;

    #[test]
    fn sprints_are_added_to_delivery_projects_with_sane_dates() {
        let b = Board::demo();
        b.run(&[
            "sprint",
            "add",
            "Sprint 9",
            "--project",
            "permits-online",
            "--start",
            "2027-01-04",
            "--end",
            "2027-01-15",
            "--goal",
            "Trader permits",
        ])
        .assert()
        .success()
        .stdout("Added Sprint 9 to permits-online, 2027-01-04 to 2027-01-15.\n");
        let before = b.state();
        b.run(&[
            "sprint",
            "add",
            "X",
            "--project",
            "bau",
            "--start",
            "2027-01-04",
            "--end",
            "2027-01-15",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "sprints belong to delivery projects",
        ));
        b.run(&[
            "sprint",
            "add",
            "X",
            "--project",
            "permits-online",
            "--start",
            "2027-01-15",
            "--end",
            "2027-01-04",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("swap the dates"));
        b.run(&[
            "sprint",
            "add",
            "X",
            "--project",
            "permits-online",
            "--start",
            "soon",
            "--end",
            "2027-01-04",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is not a date"));
        b.run(&[
            "sprint",
            "add",
            "Sprint 9",
            "--project",
            "permits-online",
            "--start",
            "2027-01-04",
            "--end",
            "2027-01-05",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("already"));
        b.run(&[
            "--as",
            "sam",
            "sprint",
            "add",
            "Y",
            "--project",
            "permits-online",
            "--start",
            "2027-01-04",
            "--end",
            "2027-01-05",
        ])
        .assert()
        .code(3);
        assert_eq!(b.state(), before);
        let list = b.json(&["sprint", "list", "--json"]);
        let names: Vec<&str> = list["sprints"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["Sprint 1", "Sprint 2", "Sprint 3", "Sprint 9"]);
    }

    #[test]
    fn planning_takes_ready_items_of_the_sprints_project_all_or_none() {
        let b = Board::demo();
        let before = b.state();
        // FB-7 is a ready delivery story; FB-43 a ready maintenance item; FB-12 still in the backlog.
        b.run(&["sprint", "plan", "Sprint 3", "FB-7", "FB-43"])
            .assert()
            .code(3)
            .stderr(predicate::str::contains("FB-43 belongs to project bau"));
        b.run(&["sprint", "plan", "Sprint 3", "FB-12"])
            .assert()
            .code(3)
            .stderr(predicate::str::contains("only ready items are"));
        b.run(&["sprint", "plan", "Sprint 1", "FB-7"])
            .assert()
            .code(3)
            .stderr(predicate::str::contains("is closed"));
        b.run(&["sprint", "plan", "Sprint 8", "FB-7"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("no sprint"));
        assert_eq!(b.state(), before, "a refused plan plans nothing");
        b.run(&["sprint", "plan", "Sprint 3", "FB-7", "FB-20"])
            .assert()
            .success()
            .stdout("Planned FB-7, FB-20 into Sprint 3.\n");
        let item = b.json(&["item", "show", "FB-7", "--json"]);
        assert_eq!(
            (
                item["item"]["state"].as_str(),
                item["item"]["sprint"].as_str()
            ),
            (Some("planned"), Some("Sprint 3"))
        );
    }

    #[test]
    fn one_sprint_is_active_per_project_and_work_starts_only_in_it() {
        let b = Board::demo();
        b.run(&["sprint", "plan", "Sprint 3", "FB-7"])
            .assert()
            .success();
        b.run(&["sprint", "start", "Sprint 3"])
            .assert()
            .code(3)
            .stderr(predicate::str::contains(
                "Sprint 2 is still active in permits-online",
            ));
        b.run(&["--as", "tom", "item", "move", "FB-7", "start"])
            .assert()
            .code(3)
            .stderr(predicate::str::contains(
                "Sprint 3 is future: start the sprint before its work",
            ));
    }

    #[test]
    fn completing_carries_unfinished_items_to_the_next_sprint_or_the_top_of_the_backlog() {
        let b = Board::demo();
        b.run(&["sprint", "complete", "Sprint 2", "--carry", "sideways"])
            .assert()
            .code(2);
        b.run(&["sprint", "complete", "Sprint 2", "--carry", "next"])
            .assert()
            .success()
            .stdout(
                predicate::str::contains("Completed Sprint 2: 2 points done.")
                    .and(predicate::str::contains("FB-1 carried to Sprint 3")),
            );
        b.run(&["sprint", "complete", "Sprint 2", "--carry", "next"])
            .assert()
            .code(3)
            .stderr(predicate::str::contains("only the active sprint"));
        let item = b.json(&["item", "show", "FB-1", "--json"]);
        assert_eq!(
            (
                item["item"]["state"].as_str(),
                item["item"]["sprint"].as_str()
            ),
            (Some("planned"), Some("Sprint 3"))
        );
        // Sprint 3 starts with what was carried; completing it to the backlog puts them on top.
        b.run(&["sprint", "start", "Sprint 3"])
            .assert()
            .success()
            .stdout(predicate::str::contains("6 items, 27 points committed"));
        b.run(&["sprint", "complete", "Sprint 3", "--carry", "next"])
            .assert()
            .code(3)
            .stderr(predicate::str::contains("no future sprint"));
        b.run(&["sprint", "complete", "Sprint 3", "--carry", "backlog"])
            .assert()
            .success();
        let list = b.json(&["item", "list", "--team", "appdev", "--json"]);
        let first: Vec<&str> = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .take(6)
            .map(|i| i["state"].as_str().unwrap())
            .collect();
        assert!(first.iter().all(|s| *s == "ready"), "{first:?}");
        let item = b.json(&["item", "show", "FB-1", "--json"]);
        assert!(item["item"]["sprint"].is_null());
    }

    #[test]
    fn show_gives_the_items_the_burndown_and_the_velocity() {
        let b = Board::demo();
        let show = b.json(&["sprint", "show", "Sprint 2", "--json"]);
        assert_eq!(show["sprint"]["state"], "active");
        assert_eq!(show["sprint"]["commitment"]["points"], 24);
        assert_eq!(show["burndown"]["committed"], 24);
        assert_eq!(show["burndown"]["added"], 5);
        assert_eq!(show["velocity"], 5.0);
        assert_eq!(show["items"].as_array().unwrap().len(), 7);
        let days = show["burndown"]["days"].as_array().unwrap();
        assert_eq!(days[0]["remaining"], 24);
        b.run(&["sprint", "show", "Sprint 2"])
            .assert()
            .success()
            .stdout(
                predicate::str::contains("TO DO (3)").and(predicate::str::contains(
                    "Velocity (last 3 closed sprints): 5.0 points",
                )),
            );
    }

    #[test]
    fn the_sprint_board_refuses_self_review() {
        let b = Board::demo();
        b.run(&["--as", "tom", "item", "move", "FB-40", "approve"])
            .assert()
            .code(3)
            .stderr(predicate::str::contains("nobody reviews their own work"));
        // FB-40 touches operations: its review comes first (see `operations_review`).
        b.run(&["--as", "sam", "item", "review-ops", "FB-40"])
            .assert()
            .success();
        b.run(&["--as", "aisha", "item", "move", "FB-40", "approve"])
            .assert()
            .success()
            .stdout("FB-40 is done.\n");
        b.run(&["--as", "priya", "item", "move", "FB-3", "approve"])
            .assert()
            .code(3)
            .stderr(predicate::str::contains(
                "Only a developer, AMS engineer or tester reviews work",
            ));
    }
}

mod handover {
    use super::*;

    #[test]
    fn the_demos_handover_shows_and_exports_as_its_golden_pack() {
        let b = Board::demo();
        let show = b.json(&["handover", "show", "permits-online", "--json"]);
        assert_eq!(show["handover"]["state"], "conditionally-accepted");
        assert_eq!(show["open"].as_array().unwrap().len(), 0);
        // The operations reviews of its stories stand as evidence on runbooks and monitoring.
        let checks = show["handover"]["checks"].as_array().unwrap();
        let reviews = |key: &str| {
            checks.iter().find(|c| c["key"] == key).unwrap()["reviews"]
                .as_array()
                .map_or(0, |r| r.len())
        };
        assert_eq!(
            (
                reviews("runbooks"),
                reviews("monitoring"),
                reviews("known-errors"),
                reviews("security")
            ),
            (2, 2, 1, 0)
        );
        b.run(&["handover", "show", "permits-online"])
            .assert()
            .success()
            .stdout(
                predicate::str::contains("~ security")
                    .and(predicate::str::contains("✖ capacity"))
                    .and(predicate::str::contains(
                        "Operations reviews for monitoring:\n  FB-3 Show the permit zone map",
                    )),
            );
        let out = b
            .run(&["handover", "export", "permits-online"])
            .output()
            .unwrap();
        let pack = String::from_utf8(out.stdout).unwrap();
        let started = regex_free_date(&pack);
        let golden = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/handover-pack.md"
        ))
        .unwrap();
        assert_eq!(
            started, golden,
            "the handover pack changed: update tests/fixtures/handover-pack.md if on purpose"
        );
    }

    /// The pack with its start date and waiver date replaced, as they follow the clock.
    fn regex_free_date(pack: &str) -> String {
        pack.lines()
            .map(|l| {
                let mut l = l.to_string();
                for marker in ["started ", "waived until "] {
                    if let Some(i) = l.find(marker) {
                        let at = i + marker.len();
                        if l.len() >= at + 10 {
                            l.replace_range(at..at + 10, "YYYY-MM-DD");
                        }
                    }
                }
                l
            })
            .collect::<Vec<_>>()
            .join("\n")
            + "\n"
    }

    #[test]
    fn handover_refusals_say_which_rule() {
        let b = Board::demo();
        b.as_user("tom", &["--as", "tom", "handover", "start", "bau"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(
                "handovers are for delivery projects",
            ));
        b.run(&["--as", "tom", "handover", "start", "permits-online"])
            .assert()
            .code(3)
            .stderr(predicate::str::contains("has started already"));
        b.run(&[
            "--as",
            "omar",
            "handover",
            "submit",
            "permits-online",
            "capacity",
            "--evidence",
            "x",
        ])
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "Only a developer or product-owner may submit handover evidence",
        ));
        b.run(&[
            "--as",
            "tom",
            "handover",
            "submit",
            "permits-online",
            "capacity",
            "--evidence",
            "load test at the full peak",
        ])
        .assert()
        .success();
        b.run(&[
            "--as",
            "tom",
            "handover",
            "accept",
            "permits-online",
            "capacity",
        ])
        .assert()
        .code(3);
        b.run(&[
            "--as",
            "omar",
            "handover",
            "accept",
            "permits-online",
            "runbooks",
        ])
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "only submitted items are accepted",
        ));
        b.run(&[
            "--as",
            "omar",
            "handover",
            "waive",
            "permits-online",
            "capacity",
            "--reason",
            "x",
            "--until",
            "2020-01-01",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is past"));
        b.run(&[
            "--as",
            "omar",
            "handover",
            "accept",
            "permits-online",
            "lasers",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("has no item 'lasers'"));
        b.run(&[
            "--as",
            "omar",
            "handover",
            "accept",
            "permits-online",
            "capacity",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Capacity and performance is accepted",
        ));
    }
}

mod incidents {
    use super::*;

    // The demo already holds INC-1 to INC-5 and FB-72.
    #[test]
    fn an_incident_in_hypercare_goes_to_the_delivery_team_and_raises_a_linked_ticket() {
        let b = Board::demo();
        b.run(&[
            "--as",
            "lee",
            "incident",
            "add",
            "Renewals fail at step 3",
            "--priority",
            "P2",
            "--release",
            "1.0.0",
        ])
        .assert()
        .success()
        .stdout("INC-6 logged (P2), for team appdev.\n");
        b.run(&[
            "--as",
            "lee",
            "incident",
            "add",
            "Receipt typo",
            "--priority",
            "P4",
            "--release",
            "2.3.0",
        ])
        .assert()
        .success()
        .stdout("INC-7 logged (P4), for team ams.\n");
        b.run(&["--as", "lee", "incident", "add", "x", "--priority", "P9"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("unknown priority"));
        b.run(&[
            "--as",
            "lee",
            "incident",
            "add",
            "x",
            "--priority",
            "P3",
            "--release",
            "9.9.9",
        ])
        .assert()
        .code(2);
        // Working it.
        b.run(&["--as", "tom", "incident", "move", "INC-6", "take"])
            .assert()
            .success()
            .stdout("INC-6 is in-progress.\n");
        b.run(&[
            "--as", "tom", "incident", "move", "INC-7", "assign", "--to", "sam",
        ])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("assign an incident"));
        b.run(&["--as", "omar", "incident", "move", "INC-7", "assign"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("--to NAME"));
        b.run(&[
            "--as", "omar", "incident", "move", "INC-7", "assign", "--to", "nobody",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no person 'nobody'"));
        b.run(&[
            "--as", "omar", "incident", "move", "INC-7", "assign", "--to", "sam",
        ])
        .assert()
        .success()
        .stdout("INC-7 is assigned to sam, in progress.\n");
        assert_eq!(
            b.json(&["incident", "show", "INC-7", "--json"])["incident"]["assignee"],
            "sam"
        );
        b.run(&["--as", "tom", "incident", "move", "INC-6", "hold"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("needs a reason"));
        b.run(&["--as", "tom", "incident", "move", "INC-6", "close"])
            .assert()
            .code(3);
        // A ticket: only a service manager raises it; it lands in triage, linked both ways.
        b.run(&["--as", "tom", "incident", "ticket", "INC-6"])
            .assert()
            .code(3)
            .stderr(predicate::str::contains("Only a service-manager may raise"));
        b.run(&["--as", "omar", "incident", "ticket", "INC-6"])
            .assert()
            .success()
            .stdout("FB-73 raised in triage from INC-6: the product owner ranks it.\n");
        let item = b.json(&["item", "show", "FB-73", "--json"]);
        assert_eq!(
            (
                item["item"]["state"].as_str(),
                item["item"]["origin"].as_str()
            ),
            (Some("triage"), Some("incident"))
        );
        assert_eq!(item["history"][0]["details"]["incident"], "INC-6");
        let inc = b.json(&["incident", "show", "INC-6", "--json"]);
        assert_eq!(inc["tickets"][0], "FB-73");
        assert_eq!(inc["incident"]["team"], "appdev");
        // P1 and P2 incidents wait on a person.
        let out = b.run(&["status"]).output().unwrap();
        assert_eq!(out.status.code(), Some(10));
        assert!(
            String::from_utf8_lossy(&out.stdout)
                .contains("INC-6 P2 in-progress Renewals fail at step 3")
        );
        b.run(&["--as", "tom", "incident", "move", "INC-6", "resolve"])
            .assert()
            .success();
        b.run(&["--as", "omar", "incident", "move", "INC-6", "close"])
            .assert()
            .success()
            .stdout("INC-6 is closed.\n");
        b.run(&["incident", "list"])
            .assert()
            .success()
            .stdout(predicate::str::contains("Receipt typo"));
    }

    #[test]
    fn the_audit_trail_lists_every_event_since_a_date() {
        let b = Board::demo();
        let all = b.json(&["audit", "--json"]);
        let events = all["events"].as_array().unwrap();
        assert!(events.len() > 300, "{}", events.len());
        assert!(
            events
                .windows(2)
                .all(|w| w[0]["at"].as_str() <= w[1]["at"].as_str()),
            "newest last"
        );
        let tomorrow = (chrono::Utc::now() + chrono::Duration::days(1))
            .format("%Y-%m-%d")
            .to_string();
        assert_eq!(
            b.json(&["audit", "--since", &tomorrow, "--json"])["events"]
                .as_array()
                .unwrap()
                .len(),
            0
        );
        b.run(&["audit", "--since", "soon"]).assert().code(2);
        b.run(&["audit"])
            .assert()
            .success()
            .stdout(predicate::str::contains("switch"));
    }
}

mod problems {
    use super::*;

    // The demo holds PRB-1, a known error behind INC-1 and INC-3, and items up to FB-72.
    #[test]
    fn a_problem_is_raised_worked_and_raises_a_linked_ticket() {
        let b = Board::demo();
        b.run(&[
            "--as",
            "sam",
            "problem",
            "add",
            "Map tiles time out behind the council proxy",
            "--incident",
            "INC-5",
            "--incident",
            "inc-4",
        ])
        .assert()
        .success()
        .stdout("PRB-2 raised from INC-4, INC-5.\n");
        b.run(&["--as", "tom", "problem", "add", "x"])
            .assert()
            .code(3)
            .stderr(predicate::str::contains("raise a problem"));
        b.run(&["--as", "sam", "problem", "add", "x", "--incident", "INC-99"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("no incident 'INC-99'"));
        b.run(&["--as", "sam", "problem", "move", "PRB-2", "known-error"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("--workaround"));
        b.run(&[
            "--as",
            "sam",
            "problem",
            "move",
            "PRB-2",
            "known-error",
            "--workaround",
            "use the list of streets",
        ])
        .assert()
        .success()
        .stdout("PRB-2 is known-error.\n");
        b.run(&["--as", "sam", "problem", "move", "PRB-2", "close"])
            .assert()
            .code(3);
        b.run(&["--as", "sam", "problem", "ticket", "PRB-2"])
            .assert()
            .code(3)
            .stderr(predicate::str::contains("Only a service-manager may raise"));
        b.run(&[
            "--as", "omar", "problem", "ticket", "PRB-2", "--kind", "story",
        ])
        .assert()
        .code(2);
        b.run(&["--as", "omar", "problem", "ticket", "PRB-2"])
            .assert()
            .success()
            .stdout("FB-73 raised in triage from PRB-2: the product owner ranks it.\n");
        let item = b.json(&["item", "show", "FB-73", "--json"]);
        assert_eq!(item["item"]["state"], "triage");
        assert_eq!(item["item"]["origin"], "problem");
        assert_eq!(item["history"][0]["details"]["problem"], "PRB-2");
        let p = b.json(&["problem", "show", "PRB-2", "--json"]);
        assert_eq!(p["problem"]["state"], "known-error");
        assert_eq!(p["problem"]["workaround"], "use the list of streets");
        assert_eq!(p["problem"]["incidents"][1], "INC-5");
        assert_eq!(p["tickets"][0]["id"], "FB-73");
        assert_eq!(p["tickets"][0]["released"], false);
        b.run(&["--as", "sam", "problem", "move", "PRB-2", "resolve"])
            .assert()
            .code(3)
            .stderr(predicate::str::contains("still open: FB-73"));
        b.run(&["problem", "list"])
            .assert()
            .success()
            .stdout(predicate::str::contains(
                "PRB-1    known-error      INC-1,INC-3",
            ));
        let all = b.json(&["problem", "list", "--json"]);
        assert_eq!(all["problems"].as_array().unwrap().len(), 2);
    }

    #[test]
    fn a_problem_resolves_when_the_release_carrying_its_ticket_goes_live() {
        let b = Board::demo();
        // 2.4.0 is in its shadow carrying FB-68 and FB-69: link FB-68 to the demo's problem as
        // if it had been raised from it.
        let conn = rusqlite::Connection::open(&b.db).unwrap();
        conn.execute(
            "INSERT INTO links (item, kind, target) VALUES (68, 'problem', 'PRB-1')",
            [],
        )
        .unwrap();
        drop(conn);
        b.run(&["--as", "sam", "problem", "move", "PRB-1", "fix"])
            .assert()
            .success();
        for voter in ["omar", "rita"] {
            b.run(&["--as", voter, "release", "vote", "2.4.0", "go"])
                .assert()
                .success();
        }
        b.run(&[
            "--as",
            "rita",
            "release",
            "switch",
            "2.4.0",
            "--reason",
            "every vote go",
        ])
        .assert()
        .success();
        let p = b.json(&["problem", "show", "PRB-1", "--json"]);
        assert_eq!(p["problem"]["state"], "resolved");
        assert_eq!(p["tickets"][0]["released"], true);
        let last = p["history"].as_array().unwrap().last().unwrap().clone();
        assert_eq!(last["action"], "resolve");
        assert_eq!(last["actor"], "automation");
        b.run(&["--as", "omar", "problem", "move", "PRB-1", "close"])
            .assert()
            .success()
            .stdout("PRB-1 is closed.\n");
    }
}

mod hypercare {
    use super::*;

    /// Moves the release's hypercare end into the past, as if its days had run out.
    fn run_out(b: &Board, version: &str) {
        let conn = rusqlite::Connection::open(&b.db).unwrap();
        conn.execute(
            "UPDATE hypercare SET ends = '2026-01-01' WHERE release = ?1",
            [version],
        )
        .unwrap();
    }

    #[test]
    fn hypercare_counts_down_routes_incidents_and_closes_only_when_nothing_stands_in_the_way() {
        let b = Board::demo();
        let list = b.json(&["hypercare", "list", "--json"]);
        assert_eq!(list["hypercare"][0]["release"], "1.0.0");
        assert_eq!(list["hypercare"][0]["state"], "active");
        assert!(list["hypercare"][0]["days_left"].as_i64().unwrap() > 0);
        // During hypercare an incident on the service goes to the team that built it.
        b.run(&[
            "--as",
            "omar",
            "incident",
            "add",
            "Permit search is slow",
            "--priority",
            "P3",
            "--project",
            "permits-online",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("for team appdev"));
        b.run(&["--as", "omar", "hypercare", "close", "1.0.0"])
            .assert()
            .code(3)
            .stderr(predicate::str::contains(
                "its exit review starts the day after",
            ));
        b.run(&["hypercare", "show", "2.3.0"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("has no hypercare"));
        // Extending: a service manager, a later date, a reason.
        let extend = |who: &str, until: &str| {
            b.run(&[
                "--as",
                who,
                "hypercare",
                "extend",
                "1.0.0",
                "--until",
                until,
                "--reason",
                "renewals peak",
            ])
            .assert()
        };
        let later = (chrono::Utc::now() + chrono::Duration::days(60))
            .format("%Y-%m-%d")
            .to_string();
        extend("tom", &later).code(3);
        extend("omar", "soon").code(2);
        extend("omar", "2020-01-31")
            .code(2)
            .stderr(predicate::str::contains("is not later"));
        extend("omar", "9999-12-31")
            .code(2)
            .stderr(predicate::str::contains("more than a year away"));
        extend("omar", &later)
            .success()
            .stdout(format!("Hypercare of 1.0.0 runs until {later}.\n"));
        assert_eq!(
            b.json(&["hypercare", "show", "1.0.0", "--json"])["hypercare"]["state"],
            "extended"
        );
        // Its days run out: exit review waits on a service manager.
        run_out(&b, "1.0.0");
        let out = b.run(&["status"]).output().unwrap();
        assert_eq!(out.status.code(), Some(10));
        assert!(
            String::from_utf8_lossy(&out.stdout)
                .contains("hypercare of 1.0.0 waits on service-manager (exit review)")
        );
        b.run(&["--as", "omar", "hypercare", "close", "1.0.0"])
            .assert()
            .code(3)
            .stderr(predicate::str::contains("only waived: security"));
        // The waived security review is done after all: submitted and accepted.
        b.run(&[
            "--as",
            "tom",
            "handover",
            "submit",
            "permits-online",
            "security",
            "--evidence",
            "pen test report 2026-11",
        ])
        .assert()
        .success();
        b.run(&[
            "--as",
            "omar",
            "handover",
            "accept",
            "permits-online",
            "security",
        ])
        .assert()
        .success();
        b.run(&["--as", "omar", "hypercare", "close", "1.0.0"])
            .assert()
            .success()
            .stdout("Hypercare of 1.0.0 is closed: the maintenance team runs permits-online.\n");
        // Now the maintenance team takes the service's incidents.
        b.run(&[
            "--as",
            "omar",
            "incident",
            "add",
            "Permit search is slow again",
            "--priority",
            "P3",
            "--release",
            "1.0.0",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("for team ams"));
        let show = b.json(&["hypercare", "show", "1.0.0", "--json"]);
        assert_eq!(show["hypercare"]["state"], "closed");
        assert_eq!(show["hypercare"]["closed_by"], "omar");
        let actions: Vec<&str> = show["history"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap())
            .collect();
        assert_eq!(actions, ["start", "extend", "close"]);
    }

    #[test]
    fn a_p1_open_on_the_service_keeps_hypercare_open() {
        let b = Board::demo();
        b.run(&[
            "--as",
            "omar",
            "incident",
            "add",
            "Renewals down",
            "--priority",
            "P1",
            "--release",
            "1.0.0",
        ])
        .assert()
        .success();
        run_out(&b, "1.0.0");
        b.run(&["--as", "omar", "hypercare", "close", "1.0.0"])
            .assert()
            .code(3)
            .stderr(predicate::str::contains("P1 or P2 open: INC-6"));
    }
}

mod rotations {
    use super::*;

    #[test]
    fn a_rotation_puts_a_builder_on_live_support_for_its_days() {
        let b = Board::demo();
        // The demo rotates aisha onto live support this week, tom and lee next.
        let r = b.json(&["person", "rotations", "--json"]);
        let support: Vec<&str> = r["on_support"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert!(
            support.contains(&"aisha") && !support.contains(&"tom"),
            "{support:?}"
        );
        assert_eq!(r["upcoming"].as_array().unwrap().len(), 2);
        let people = b.json(&["person", "list", "--json"]);
        let aisha = people["people"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "aisha")
            .unwrap()
            .clone();
        assert_eq!(
            (aisha["team"].as_str(), aisha["team_today"].as_str()),
            (Some("appdev"), Some("ams"))
        );
        let rotate = |who: &str, args: &[&str]| {
            let mut all = vec!["--as", who, "person", "rotate"];
            all.extend_from_slice(args);
            b.run(&all).assert()
        };
        rotate(
            "tom",
            &[
                "sam",
                "--team",
                "appdev",
                "--from",
                "2099-01-01",
                "--to",
                "2099-01-07",
            ],
        )
        .code(3)
        .stderr(predicate::str::contains(
            "Only a product-owner or service-manager",
        ));
        rotate(
            "omar",
            &[
                "sam",
                "--team",
                "ams",
                "--from",
                "2099-01-01",
                "--to",
                "2099-01-07",
            ],
        )
        .code(2)
        .stderr(predicate::str::contains("in ams already"));
        rotate(
            "omar",
            &[
                "sam",
                "--team",
                "appdev",
                "--from",
                "2099-01-07",
                "--to",
                "2099-01-01",
            ],
        )
        .code(2);
        rotate(
            "omar",
            &[
                "nobody",
                "--team",
                "appdev",
                "--from",
                "2099-01-01",
                "--to",
                "2099-01-07",
            ],
        )
        .code(2);
        rotate(
            "omar",
            &[
                "sam",
                "--team",
                "dev",
                "--from",
                "2099-01-01",
                "--to",
                "2099-01-07",
            ],
        )
        .code(2);
        rotate(
            "omar",
            &[
                "sam",
                "--team",
                "appdev",
                "--from",
                "2099-01-01",
                "--to",
                "2099-01-07",
            ],
        )
        .success()
        .stdout("sam is in appdev from 2099-01-01 to 2099-01-07.\n");
        rotate(
            "priya",
            &[
                "sam",
                "--team",
                "appdev",
                "--from",
                "2099-01-05",
                "--to",
                "2099-01-09",
            ],
        )
        .code(3)
        .stderr(predicate::str::contains("already rotated to appdev"));
        b.run(&["person", "rotations"])
            .assert()
            .success()
            .stdout(predicate::str::contains("aisha (rotated from appdev until"))
            .stdout(predicate::str::contains(
                "sam to appdev from 2099-01-01 to 2099-01-07",
            ));
        let history = b.json(&["audit", "--json"]);
        assert!(
            history["events"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["action"] == "rotate" && e["entity_id"] == "sam")
        );
    }
}

mod problem_determination {
    use super::*;

    #[test]
    fn the_originating_team_determines_a_halted_releases_problem_and_status_stops_waiting() {
        let b = Board::demo();
        let waits = |b: &Board| {
            String::from_utf8_lossy(&b.run(&["status"]).output().unwrap().stdout)
                .contains("1.1.0 waits on team appdev (problem determination)")
        };
        assert!(waits(&b));
        // sam is maintenance; aisha is rotated onto live support this week.
        for who in ["sam", "aisha"] {
            b.run(&["--as", who, "release", "pd", "1.1.0", "--findings", "x"])
                .assert()
                .code(3)
                .stderr(predicate::str::contains("is not in it"));
        }
        b.run(&["--as", "tom", "release", "pd", "2.3.0", "--findings", "x"])
            .assert()
            .code(3)
            .stderr(predicate::str::contains("for a halted release"));
        b.run(&["--as", "tom", "release", "pd", "1.1.0"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("--findings"));
        b.run(&[
            "--as", "tom", "release", "pd", "1.1.0", "--cause", "weather",
        ])
        .assert()
        .code(2);
        b.run(&["--as", "tom", "release", "pd", "1.1.0", "--conclude"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("needs the findings and a cause"));
        b.run(&[
            "--as",
            "tom",
            "release",
            "pd",
            "1.1.0",
            "--findings",
            "the smoke test hit an expired certificate",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("recorded"));
        assert!(waits(&b), "an open determination still waits on the team");
        b.run(&[
            "--as",
            "tom",
            "release",
            "pd",
            "1.1.0",
            "--cause",
            "environment",
            "--conclude",
        ])
        .assert()
        .success()
        .stdout("Problem determination of 1.1.0 concluded: cause environment.\n");
        assert!(!waits(&b));
        let show = b.json(&["release", "show", "1.1.0", "--json"]);
        assert_eq!(show["pd"]["cause"], "environment");
        assert_eq!(
            show["pd"]["findings"],
            "the smoke test hit an expired certificate"
        );
        b.run(&["--as", "tom", "release", "pd", "1.1.0", "--cause", "code"])
            .assert()
            .code(3)
            .stderr(predicate::str::contains("is concluded"));
    }
}

mod operations_review {
    use super::*;

    #[test]
    fn a_flagged_story_waits_for_an_ams_review_before_approval() {
        let b = Board::demo();
        // FB-40 (tom's, in review) touches the schema and waits for its review.
        let waiting = b.json(&["item", "list", "--ops-waiting", "--json"]);
        assert_eq!(ids(&waiting), vec!["FB-36", "FB-40"]);
        let before = b.state();
        b.run(&["--as", "aisha", "item", "move", "FB-40", "approve"])
            .assert()
            .code(3)
            .stderr(predicate::str::contains(
                "FB-40 touches operations (schema): an AMS engineer other than its assignee records the operations review",
            ));
        assert_eq!(b.state(), before, "a refusal changes nothing");
        // Only an AMS engineer reviews.
        b.run(&["--as", "aisha", "item", "review-ops", "FB-40"])
            .assert()
            .code(3)
            .stderr(predicate::str::contains("ams-engineer"));
        // Flagging is for open delivery stories, with what they touch.
        b.run(&[
            "--as",
            "tom",
            "item",
            "flag-ops",
            "FB-50",
            "--concern",
            "alerts",
        ])
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "flag stories before they are done",
        ));
        b.run(&[
            "--as",
            "tom",
            "item",
            "flag-ops",
            "FB-4",
            "--concern",
            "weather",
        ])
        .assert()
        .code(2);
        b.run(&["--as", "tom", "item", "flag-ops", "FB-4"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("--concern"));
        b.run(&[
            "--as",
            "sam",
            "item",
            "review-ops",
            "FB-40",
            "--note",
            "runbook rollback tested",
        ])
        .assert()
        .success()
        .stdout("Operations review of FB-40 recorded by sam: it may be approved.\n");
        let show = b.json(&["item", "show", "FB-40", "--json"]);
        assert_eq!(show["ops"]["reviewer"], "sam");
        assert_eq!(show["ops"]["concerns"], serde_json::json!(["schema"]));
        b.run(&["--as", "aisha", "item", "move", "FB-40", "approve"])
            .assert()
            .success()
            .stdout("FB-40 is done.\n");
        // A story with no criteria yet gets them from its reviewer.
        b.run(&["--as", "lee", "item", "review-ops", "FB-36"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("--criteria"));
        b.run(&[
            "--as",
            "tom",
            "item",
            "flag-ops",
            "FB-4",
            "--concern",
            "alerts",
            "--concern",
            "dependency",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "FB-4 touches operations (alerts, dependency)",
        ));
        let waiting = b.json(&["item", "list", "--ops-waiting", "--json"]);
        assert_eq!(ids(&waiting), vec!["FB-4", "FB-36"]);
        let text = b.run(&["item", "show", "FB-40"]).output().unwrap();
        let text = String::from_utf8_lossy(&text.stdout);
        assert!(
            text.contains("Touches operations (schema): reviewed by sam"),
            "{text}"
        );
        assert!(
            text.contains("operations review recorded: runbook rollback tested"),
            "{text}"
        );
    }
}

mod report {
    use super::*;

    #[test]
    fn a_period_from_the_year_one_costs_only_the_history_there_is() {
        let b = Board::demo();
        let r = b.json(&["report", "--since", "0001-01-01", "--json"]);
        let first = b.json(&["audit", "--json"])["events"][0]["at"]
            .as_str()
            .unwrap()[..10]
            .to_string();
        assert_eq!(r["report"]["since"], first.as_str());
        assert!(
            r["report"]["delivery"]["deployment_frequency"]["weeks"]
                .as_array()
                .unwrap()
                .len()
                < 20
        );
    }

    #[test]
    fn report_prints_delivery_flow_and_the_cost_of_the_controls() {
        let b = Board::demo();
        let r = b.json(&["report", "--json"]);
        let d = &r["report"]["delivery"];
        for measure in [
            "deployment_frequency",
            "lead_time",
            "change_failure_rate",
            "time_to_restore",
        ] {
            assert!(d[measure]["weeks"].is_array(), "{measure}: {d}");
        }
        // The demo switched 2.3.0 and 1.0.0 live; 1.0.0 had incidents within its hypercare.
        assert_eq!(d["deployment_frequency"]["over"], 2);
        assert_eq!(d["change_failure_rate"]["value"], 50.0);
        assert_eq!(r["report"]["flow"]["teams"].as_array().unwrap().len(), 2);
        let stretches: Vec<&str> = r["report"]["controls"]["stretches"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["name"].as_str().unwrap())
            .collect();
        assert!(stretches.contains(&"firebreak"), "{stretches:?}");
        assert_eq!(stretches.last(), Some(&"shadow before the switch"));
        let text = b.run(&["report"]).output().unwrap();
        let text = String::from_utf8_lossy(&text.stdout);
        for line in [
            "Deployment frequency",
            "Lead time for changes",
            "Change failure rate",
            "Time to restore",
            "Running the service",
            "Cost of the controls",
        ] {
            assert!(text.contains(line), "{line} missing from:\n{text}");
        }
    }

    #[test]
    fn a_bad_since_is_refused_with_exit_2() {
        let b = Board::demo();
        b.run(&["report", "--since", "last week"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("YYYY-MM-DD"));
        b.run(&["report", "--since", "2999-01-01"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("after today"));
    }
}

mod escapes {
    use super::*;

    #[test]
    fn an_escape_records_where_a_live_defect_should_have_been_caught() {
        let b = Board::demo();
        // The demo recorded three; the report shows them beside the pass rates.
        let r = b.json(&["report", "--json"]);
        let e = &r["report"]["escapes"];
        assert_eq!(
            (e["total"].as_u64(), e["none"].as_u64()),
            (Some(3), Some(1))
        );
        let test = e["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["env"] == "test" && r["test"] == "functional")
            .unwrap();
        assert_eq!(test["escaped"], 1);
        assert!(test["pass_rate"].is_number());
        // INC-3 (no release) and its defect need a release; FB-72 came from INC-2 of 1.0.0.
        b.run(&[
            "--as",
            "grace",
            "escape",
            "add",
            "INC-5",
            "--env",
            "test",
            "--test",
            "functional",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not linked to a release"));
        b.run(&[
            "--as",
            "grace",
            "escape",
            "add",
            "FB-72",
            "--env",
            "production",
            "--test",
            "functional",
            "--note",
            "the live smoke test could count emails",
        ])
        .assert()
        .success()
        .stdout("FB-72 escaped 1.0.0: the functional tests in production should have caught it.\n");
        // Refusals: a story, an environment the pipeline lacks, a release not live, the automation.
        b.run(&[
            "--as",
            "grace",
            "escape",
            "add",
            "FB-3",
            "--none",
            "--release",
            "1.0.0",
        ])
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "escapes are incidents and defects",
        ));
        b.run(&[
            "--as",
            "grace",
            "escape",
            "add",
            "INC-2",
            "--env",
            "staging",
            "--test",
            "functional",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "one of dev, test, preprod, production",
        ));
        b.run(&[
            "--as",
            "grace",
            "escape",
            "add",
            "FB-71",
            "--none",
            "--release",
            "1.1.0",
        ])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("never went live"));
        b.run(&["--as", "grace", "escape", "add", "INC-2", "--env", "test"])
            .assert()
            .code(2);
        b.run(&["--as", "priya", "escape", "add", "INC-2", "--none"])
            .assert()
            .code(3)
            .stderr(predicate::str::contains("may record where a defect"));
        let list = b.json(&["escape", "list", "--json"]);
        let sources: Vec<&str> = list["escapes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["source"].as_str().unwrap())
            .collect();
        assert_eq!(sources, ["INC-1", "INC-2", "INC-4", "FB-72"]);
        let text = b.run(&["report"]).output().unwrap();
        let text = String::from_utf8_lossy(&text.stdout);
        assert!(
            text.contains("Escaped defects: 4 found live, 1 that no automated test could catch"),
            "{text}"
        );
    }
}

mod many_users {
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
}

mod shared_host {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &std::path::Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o7777
    }

    #[test]
    fn a_board_is_owner_only_unless_shared_with_a_group_and_exposure_is_warned() {
        let b = Board::new();
        assert_eq!(mode(&b.db), 0o600);
        b.run(&["item", "list"])
            .assert()
            .success()
            .stderr(predicate::str::contains("warning").not());
        std::fs::set_permissions(&b.db, std::fs::Permissions::from_mode(0o644)).unwrap();
        b.run(&["item", "list"])
            .assert()
            .success()
            .stderr(predicate::str::contains(
                "is readable by every user of this machine",
            ));
    }

    #[test]
    fn init_group_shares_the_board_and_its_wal_and_shm_with_the_group_only() {
        let group = std::process::Command::new("id")
            .arg("-gn")
            .output()
            .unwrap();
        let group = String::from_utf8(group.stdout).unwrap().trim().to_string();
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("shared.db");
        let init = |g: &str| {
            let mut cmd = Command::cargo_bin("firebreak").unwrap();
            cmd.env("USER", "priya")
                .env("FIREBREAK_DB", &db)
                .args(["init", "--group", g]);
            cmd
        };
        init("no-such-group-here")
            .assert()
            .code(2)
            .stderr(predicate::str::contains(
                "there is no group 'no-such-group-here'",
            ));
        assert!(!db.exists(), "a refused init leaves no board behind");
        init(&group)
            .assert()
            .success()
            .stdout(predicate::str::contains(format!(
                "Shared with group '{group}'"
            )));
        assert_eq!(mode(&db), 0o660);
        for suffix in ["-wal", "-shm"] {
            let p = std::path::PathBuf::from(format!("{}{suffix}", db.display()));
            if p.exists() {
                assert_eq!(mode(&p), 0o660, "{suffix}");
            }
        }
    }
}

#[test]
fn keys_shows_the_keys_in_force_and_refuses_a_keymap_with_a_mistake() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("keymap.toml");
    let keys = || {
        let mut cmd = Command::cargo_bin("firebreak").unwrap();
        cmd.env("FIREBREAK_KEYMAP", &file).arg("keys");
        cmd
    };
    keys()
        .assert()
        .success()
        .stdout(predicate::str::contains("the default keys are in force"))
        .stdout(predicate::str::contains(
            "| backlog | `t` | rank the item to the top |",
        ));
    std::fs::write(&file, "[backlog]\nrank-top = \"T\"\n").unwrap();
    keys().assert().success().stdout(predicate::str::contains(
        "| backlog | `T` | rank the item to the top |",
    ));
    std::fs::write(&file, "[backlog]\nrank-top = \"j\"\n").unwrap();
    keys().assert().code(2).stderr(predicate::str::contains(
        "line 2: 'j' is bound to both down and rank-top in [backlog]",
    ));
}

#[test]
fn a_board_file_you_may_only_read_opens_read_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let mut cmd = Command::cargo_bin("firebreak").unwrap();
    cmd.env("USER", "priya")
        .args(["--db", db.to_str().unwrap(), "demo", "--no-tui"])
        .assert()
        .success();
    // Readable by all, writable by none; the folder too, so no -shm can be made beside it.
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o444)).unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o555)).unwrap();
    // As root the permissions do not bind: look as an ordinary user instead.
    let root = std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    // The other user runs a copy of the binary from a folder anyone may enter: the checkout
    // may sit where only its owner can (a home of mode 0700, a `mktemp -d`).
    let reachable = tempfile::tempdir().unwrap();
    std::fs::set_permissions(reachable.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let bin = reachable.path().join("firebreak");
    std::fs::copy(assert_cmd::cargo::cargo_bin("firebreak"), &bin).unwrap();
    std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755)).unwrap();
    let run = |args: &[&str]| {
        let mut cmd = if root {
            let mut c = Command::new("runuser");
            c.args(["-u", "nobody", "--"]).arg(&bin);
            c
        } else {
            Command::new(&bin)
        };
        cmd.env("USER", "nobody")
            .args(["--db", db.to_str().unwrap(), "--as", "priya"])
            .args(args);
        cmd
    };
    run(&["item", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains("FB-2"));
    run(&["item", "add", "Written through a read-only file"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "the board is open read-only: nothing was changed",
        ));
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
}
