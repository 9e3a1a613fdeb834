use super::*;

// The demo's INC-6 (P2, bau) was logged 70 minutes ago and nobody took it: its one-hour
// response target is missed. permits-online counts its targets in office hours.
#[test]
fn status_lists_a_missed_target_and_waits_on_whoever_must_answer_it() {
    let b = Board::demo();
    let out = b.run(&["status", "--json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(10));
    let status: Value = serde_json::from_slice(&out.stdout).unwrap();
    let breaches = status["sla_breaches"].as_array().unwrap();
    assert_eq!(breaches.len(), 1, "{breaches:?}");
    assert_eq!(breaches[0]["id"], "INC-6");
    assert_eq!(breaches[0]["target"], "response");
    assert!(breaches[0]["over_seconds"].as_i64().unwrap() >= 600);
    assert!(
        status["needs_a_person"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n
                .as_str()
                .unwrap()
                .starts_with("INC-6 (P2) missed its response target by")),
        "{status}"
    );
    b.run(&["status"])
        .assert()
        .code(10)
        .stdout(predicate::str::contains(
            "SLA BREACHES\n  INC-6 P2 response target missed by",
        ));
    // Someone takes it: the response is answered (late), the breach is no longer waited on.
    b.run(&["--as", "lee", "incident", "move", "INC-6", "take"])
        .assert()
        .success();
    let out = b.run(&["status", "--json"]).output().unwrap();
    let status: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(status["sla_breaches"], serde_json::json!([]));
    // The report counts it: P2 of this week, a response that missed its target.
    let report = b.json(&["report", "--json"]);
    let rows = report["report"]["sla"].as_array().unwrap();
    assert!(
        rows.iter().any(|r| r["priority"] == "P2"
            && r["responded"].as_u64().unwrap() >= 1
            && r["response_met"].as_u64().unwrap() < r["responded"].as_u64().unwrap()),
        "{rows:?}"
    );
    b.run(&["report"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Incident targets met, by week opened and priority",
        ));
}

#[test]
fn project_edit_sets_targets_and_hours_and_an_incident_keeps_those_it_was_logged_with() {
    let b = Board::demo();
    let edit = |args: &[&str]| {
        let mut all = vec!["--as", "omar", "project", "edit", "bau"];
        all.extend_from_slice(args);
        b.run(&all)
    };
    // Refused, and nothing changes: a bad time, a response longer than its resolution, a
    // holiday without working hours, hours that do not read, someone without the duty.
    for (args, says) in [
        (vec!["--response", "P1=soon"], "is not a target"),
        (vec!["--response", "P2=2d"], "longer than its resolution"),
        (vec!["--holiday", "2026-12-25"], "set the hours first"),
        (vec!["--hours", "Mon-Fri 9-5"], "is not working hours"),
        (
            vec!["--hours", "Mon-Fri 09:00-17:00 Atlantis/Central"],
            "is not a time zone",
        ),
        (
            vec!["--holiday", "Christmas"],
            "'Christmas' is not a date: write it as YYYY-MM-DD",
        ),
    ] {
        edit(&args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(says));
    }
    b.run(&[
        "--as",
        "lee",
        "project",
        "edit",
        "bau",
        "--response",
        "P1=5m",
    ])
    .assert()
    .code(3);
    let bau = |b: &Board| {
        b.json(&["project", "list", "--json"])["projects"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "bau")
            .unwrap()
            .clone()
    };
    assert_eq!(
        bau(&b)["sla"]["response"],
        serde_json::json!(["15m", "1h", "1d", "5d"])
    );
    // An incident logged now keeps bau's targets as they stand.
    b.run(&[
        "--as",
        "lee",
        "incident",
        "add",
        "Search is slow",
        "--priority",
        "P2",
    ])
    .assert()
    .success()
    .stdout("INC-7 logged (P2), for team ams.\n");
    edit(&[
        "--response",
        "P2=30m",
        "--resolution",
        "P2=8h,P3=3d",
        "--hours",
        "Mon-Fri 09:00-17:30 Europe/London",
        "--holiday",
        "2026-12-25",
        "--holiday",
        "2026-12-28",
    ])
    .assert()
    .success()
    .stdout(predicate::str::contains(
        "→ P1 15m/4h · P2 30m/8h · P3 1d/3d · P4 5d/20d (Mon-Fri 09:00-17:30 Europe/London); holidays none → 2026-12-25, 2026-12-28. Incidents logged from now on take these targets; open ones keep theirs.",
    ));
    let now = bau(&b);
    assert_eq!(now["sla"]["response"][1], "30m");
    assert_eq!(now["sla"]["calendar"]["tz"], "Europe/London");
    let kept = b.json(&["incident", "show", "INC-7", "--json"]);
    assert_eq!(kept["incident"]["sla"]["response"][1], "1h", "{kept}");
    assert!(kept["incident"]["sla"]["calendar"].is_null());
    b.run(&[
        "--as",
        "lee",
        "incident",
        "add",
        "Search is down",
        "--priority",
        "P2",
    ])
    .assert()
    .success();
    let new = b.json(&["incident", "show", "INC-8", "--json"]);
    assert_eq!(new["incident"]["sla"]["response"][1], "30m");
    // The same values again change nothing; round the clock again clears the holidays.
    edit(&["--response", "P2=30m"])
        .assert()
        .success()
        .stdout("bau already has that policy: nothing changed.\n");
    edit(&["--hours", "24x7"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "(round the clock); holidays 2026-12-25, 2026-12-28 → none",
        ));
    // Every change is one event with old and new values.
    let audit = b.json(&["audit", "--json"]);
    let edits = audit["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| {
            e["entity"] == "project"
                && e["action"] == "edit"
                && e["details"]["changes"]["sla"].is_array()
        })
        .count();
    assert_eq!(edits, 2);
}
