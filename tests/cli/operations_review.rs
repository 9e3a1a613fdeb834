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
    // Only an AMS engineer (or someone rotated onto live support) reviews.
    b.run(&["--as", "priya", "item", "review-ops", "FB-40"])
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

#[test]
fn a_release_carrying_a_schema_story_is_a_schema_change_and_its_team_is_its_cutters() {
    let b = Board::demo();
    b.run(&[
        "--as",
        "sam",
        "item",
        "review-ops",
        "FB-40",
        "--note",
        "migration tested",
    ])
    .assert()
    .success();
    b.run(&["--as", "aisha", "item", "move", "FB-40", "approve"])
        .assert()
        .success();
    // aisha, a developer, is rotated onto live support this week: the release is the
    // maintenance team's.
    b.run(&[
        "--as",
        "aisha",
        "release",
        "add",
        "1.2.0",
        "--project",
        "permits-online",
        "--item",
        "FB-40",
    ])
    .assert()
    .success();
    let show = b.json(&["release", "show", "1.2.0", "--json"]);
    assert_eq!(
        show["release"]["schema_change"], true,
        "nobody had to say so"
    );
    assert_eq!(show["release"]["team"], "ams");
    let text = b.run(&["release", "show", "1.2.0"]).output().unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("Schema change (FB-40 changes the schema): the firebreak is armed."),
        "{text}"
    );
    assert!(text.contains("Originating team: ams"), "{text}");
}
