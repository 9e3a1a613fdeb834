//! The board's basics from the command line: people, projects, items and their moves,
//! the demo, export and import, refusals and their exit codes, keys, read-only files.

use super::*;

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
            &["item", "add", "x", "--kind", "saga"],
            "unknown kind 'saga'",
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
        .stdout("FB-1 is in the backlog.\n");
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

#[test]
fn a_no_go_from_the_command_line_needs_a_reason_too() {
    let b = Board::demo();
    b.run(&["--as", "omar", "release", "vote", "2.4.0", "no-go"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("say why (--comment)"));
    let show = b.json(&["release", "show", "2.4.0", "--json"]);
    assert_eq!(show["release"]["state"], "shadow", "nothing changed");
}
