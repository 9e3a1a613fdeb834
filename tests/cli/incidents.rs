use super::*;

// The demo already holds INC-1 to INC-6 and FB-72.
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
    .stdout("INC-7 logged (P2), for team appdev.\n");
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
    .stdout("INC-8 logged (P4), for team ams.\n");
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
    b.run(&["--as", "tom", "incident", "move", "INC-7", "take"])
        .assert()
        .success()
        .stdout("INC-7 is in progress.\n");
    b.run(&[
        "--as", "tom", "incident", "move", "INC-8", "assign", "--to", "sam",
    ])
    .assert()
    .code(3)
    .stderr(predicate::str::contains("assign an incident"));
    b.run(&["--as", "omar", "incident", "move", "INC-8", "assign"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--to NAME"));
    b.run(&[
        "--as", "omar", "incident", "move", "INC-8", "assign", "--to", "nobody",
    ])
    .assert()
    .code(2)
    .stderr(predicate::str::contains("no person 'nobody'"));
    b.run(&[
        "--as", "omar", "incident", "move", "INC-8", "assign", "--to", "sam",
    ])
    .assert()
    .success()
    .stdout("INC-8 is assigned to sam, in progress.\n");
    assert_eq!(
        b.json(&["incident", "show", "INC-8", "--json"])["incident"]["assignee"],
        "sam"
    );
    b.run(&["--as", "tom", "incident", "move", "INC-7", "hold"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("needs a reason"));
    b.run(&["--as", "tom", "incident", "move", "INC-7", "close"])
        .assert()
        .code(3);
    // A ticket: only a service manager raises it; it lands in triage, linked both ways.
    b.run(&["--as", "tom", "incident", "ticket", "INC-7"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("Only a service-manager may raise"));
    b.run(&["--as", "omar", "incident", "ticket", "INC-7"])
        .assert()
        .success()
        .stdout("FB-73 raised in triage from INC-7: the product owner ranks it.\n");
    let item = b.json(&["item", "show", "FB-73", "--json"]);
    assert_eq!(
        (
            item["item"]["state"].as_str(),
            item["item"]["origin"].as_str()
        ),
        (Some("triage"), Some("incident"))
    );
    assert_eq!(item["history"][0]["details"]["incident"], "INC-7");
    let inc = b.json(&["incident", "show", "INC-7", "--json"]);
    assert_eq!(inc["tickets"][0], "FB-73");
    assert_eq!(inc["incident"]["team"], "appdev");
    // P1 and P2 incidents wait on a person.
    let out = b.run(&["status"]).output().unwrap();
    assert_eq!(out.status.code(), Some(10));
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("INC-7 P2 in-progress Renewals fail at step 3")
    );
    b.run(&["--as", "tom", "incident", "move", "INC-7", "resolve"])
        .assert()
        .success();
    b.run(&["--as", "omar", "incident", "move", "INC-7", "close"])
        .assert()
        .success()
        .stdout("INC-7 is closed.\n");
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

#[test]
fn a_service_manager_changes_an_incidents_priority_with_a_reason() {
    let b = Board::demo();
    b.run(&[
        "--as", "sam", "incident", "move", "INC-5", "priority", "--to", "P2", "--reason", "x",
    ])
    .assert()
    .code(3)
    .stderr(predicate::str::contains("service-manager"));
    b.run(&[
        "--as", "omar", "incident", "move", "INC-5", "priority", "--to", "P2",
    ])
    .assert()
    .code(2)
    .stderr(predicate::str::contains("needs a reason"));
    b.run(&[
        "--as", "omar", "incident", "move", "INC-5", "priority", "--to", "P7", "--reason", "x",
    ])
    .assert()
    .code(2)
    .stderr(predicate::str::contains("use one of P1, P2, P3, P4"));
    b.run(&[
        "--as",
        "omar",
        "incident",
        "move",
        "INC-5",
        "priority",
        "--to",
        "p2",
        "--reason",
        "every mobile user sees it",
    ])
    .assert()
    .success();
    let list = b.json(&["incident", "list", "--json"]);
    let inc = list["incidents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "INC-5")
        .unwrap()
        .clone();
    assert_eq!(inc["priority"], "P2");
    let audit = b.run(&["audit", "--json"]).output().unwrap();
    let audit = String::from_utf8_lossy(&audit.stdout);
    assert!(
        audit.contains("every mobile user sees it"),
        "the reason is in the trail"
    );
}
