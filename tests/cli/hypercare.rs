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
            .contains("hypercare of 1.0.0 waits on omar (service-manager, exit review)")
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
        .stderr(predicate::str::contains("P1 or P2 open: INC-7"));
}
