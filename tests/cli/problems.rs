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
    .stdout("PRB-2 is a known error.\n");
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
