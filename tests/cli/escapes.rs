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
    // It may name the test case that should have caught it, one that ran there for the project.
    let escape = |case: &str| {
        b.run(&[
            "--as",
            "grace",
            "escape",
            "add",
            "FB-72",
            "--env",
            "test",
            "--test",
            "functional",
            "--case",
            case,
        ])
    };
    escape("test.journeys::no_such_case")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "no test case test.journeys::no_such_case ran in test for permits-online",
        ));
    escape("test.journeys::emails_once")
        .assert()
        .success()
        .stdout("FB-72 escaped 1.0.0: the functional tests in test should have caught it, in test.journeys::emails_once.\n");
    let listed = b.json(&["escape", "list", "--json"]);
    let fb72 = listed["escapes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["source"] == "FB-72")
        .unwrap()
        .clone();
    assert_eq!(fb72["case"], "test.journeys::emails_once");
    b.run(&["escape", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "test, functional, test.journeys::emails_once",
        ));
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
