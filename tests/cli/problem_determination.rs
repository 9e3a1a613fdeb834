use super::*;

#[test]
fn the_originating_team_determines_a_halted_releases_problem_and_status_stops_waiting() {
    let b = Board::demo();
    let waits = |b: &Board| {
        String::from_utf8_lossy(&b.run(&["status"]).output().unwrap().stdout)
            .contains("1.1.0 waits on priya or tom (team appdev, problem determination)")
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

#[test]
fn a_release_manager_abandons_a_halted_version_and_status_stops_waiting_on_it() {
    let b = Board::demo();
    b.run(&[
        "--as", "tom", "release", "abandon", "1.1.0", "--reason", "x",
    ])
    .assert()
    .code(3)
    .stderr(predicate::str::contains("release-manager"));
    b.run(&["--as", "rita", "release", "abandon", "1.1.0"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("needs a reason"));
    b.run(&[
        "--as",
        "rita",
        "release",
        "abandon",
        "1.1.0",
        "--reason",
        "1.1.1 carries the fix",
    ])
    .assert()
    .success()
    .stdout("1.1.0 is abandoned: its items may go out with another version.\n");
    let status = b.run(&["status"]).output().unwrap();
    let text = String::from_utf8_lossy(&status.stdout);
    assert!(!text.contains("1.1.0 waits on"), "{text}");
    b.run(&["release", "show", "1.1.0"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "by rita while halted: 1.1.1 carries the fix",
        ));
    b.run(&[
        "--as", "rita", "release", "abandon", "1.1.1", "--reason", "x",
    ])
    .assert()
    .code(3)
    .stderr(predicate::str::contains("only a halted version"));
}

#[test]
fn a_later_version_passing_the_step_that_halted_one_supersedes_it() {
    let b = Board::demo();
    // 1.1.0 halted at production/smoke; its fix 1.1.1 waits at the firebreak before it.
    b.run(&["--as", "omar", "release", "accept", "1.1.1"])
        .assert()
        .success();
    b.run(&["--as", "rita", "release", "restart", "1.1.1"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "1.1.0 is superseded: 1.1.1 passed production/smoke, where it halted",
        ));
    let show = b.json(&["release", "show", "1.1.0", "--json"]);
    assert_eq!(show["release"]["state"], "superseded");
    assert!(
        show["ended"]
            .as_str()
            .unwrap()
            .contains("1.1.1 passed production/smoke, where this version halted"),
        "{show}"
    );
    b.run(&["release", "show", "1.1.0"])
        .assert()
        .stdout(predicate::str::contains("(superseded)"))
        .stdout(predicate::str::contains(
            "Next: nothing: a later version passed",
        ));
    let status = b.run(&["status"]).output().unwrap();
    let text = String::from_utf8_lossy(&status.stdout);
    assert!(
        !text.contains("1.1.0"),
        "a superseded version waits on nobody: {text}"
    );
    let events = b.json(&["audit", "--json"]);
    let superseded: Vec<_> = events["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "supersede")
        .collect();
    assert_eq!(superseded.len(), 1, "recorded once: {superseded:?}");
    assert_eq!(superseded[0]["details"]["by"], "1.1.1");
    // Its problem determination is over: nothing waits on the team, and no more is recorded.
    b.run(&["--as", "tom", "release", "pd", "1.1.0", "--findings", "x"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("for a halted release"));
}
