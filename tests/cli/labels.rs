use super::*;

#[test]
fn labels_go_on_items_and_incidents_are_counted_and_travel_in_an_export() {
    let b = Board::demo();
    b.run(&[
        "--as", "sam", "label", "add", "FB-25", "Payments", "#session",
    ])
    .assert()
    .success()
    .stdout("FB-25 carries payments, session now.\n");
    b.run(&["--as", "omar", "label", "add", "INC-2", "email"])
        .assert()
        .success();
    b.run(&["--as", "sam", "label", "remove", "FB-25", "session"])
        .assert()
        .success()
        .stdout("FB-25 carries payments now.\n");
    assert_eq!(
        b.json(&["label", "list", "FB-25", "--json"])["labels"],
        serde_json::json!(["payments"])
    );
    let counts = b.json(&["label", "list", "--json"]);
    let payments = counts["labels"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["label"] == "payments")
        .unwrap()
        .clone();
    assert_eq!(
        payments["items"], 5,
        "the demo's four and FB-25: {payments}"
    );
    assert_eq!(payments["incidents"], 1);
    b.run(&["label", "list"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("LABEL"));
    // Refusals: a release takes none, a phrase is no label, nothing to change, no such item.
    b.run(&["label", "add", "1.1.0", "x"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("takes no labels"));
    b.run(&["label", "add", "FB-25", "two words"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is not a label"));
    b.run(&["label", "add", "FB-25", "payments"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nothing to change"));
    b.run(&["label", "add", "FB-999", "x"]).assert().code(2);
    // Each change is in the audit trail; an export made into a new board keeps the labels.
    let audit = b.json(&["audit", "--json"]);
    assert!(
        audit["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "label"
                && e["entity_id"] == "FB-25"
                && e["details"]["removed"][0] == "session")
    );
    b.copied()
        .run(&["label", "list", "INC-2"])
        .assert()
        .success()
        .stdout("email\n");
}

#[test]
fn item_list_filter_speaks_the_boards_fields_and_refuses_what_it_does_not_know() {
    let b = Board::demo();
    let ids = |q: &str| -> Vec<String> {
        b.json(&["item", "list", "--filter", q, "--json"])["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap().to_string())
            .collect()
    };
    let payments = ids("label:payments");
    assert_eq!(
        payments,
        ["FB-2", "FB-49", "FB-10", "FB-34"],
        "in rank order"
    );
    assert_eq!(
        ids("label:payments -is:blocked"),
        ["FB-2", "FB-49", "FB-34"]
    );
    assert_eq!(ids("label:payments state:triage"), ["FB-49"]);
    assert_eq!(
        ids("label:payments -load"),
        ["FB-49", "FB-10", "FB-34"],
        "a word left out of the title"
    );
    assert!(ids("assignee:sam state:in-progress").contains(&"FB-25".to_string()));
    assert!(ids("team:appdev kind:story renew").contains(&"FB-1".to_string()));
    assert!(
        ids("is:unassigned state:in-progress").is_empty(),
        "work under way has someone"
    );
    // The text table too, and the refusals: exit 2, the known fields named.
    b.run(&["item", "list", "--filter", "label:a11y"])
        .assert()
        .success()
        .stdout(predicate::str::contains("FB-13"));
    b.run(&["item", "list", "--filter", "owner:sam"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "'owner' is no field to filter by: use assignee, label, state, kind, team, origin, class, project, epic, age, is",
        ));
    b.run(&["item", "list", "--filter", "state:wat"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("use one of"));
}

#[test]
fn views_save_a_filter_in_the_users_config_for_item_list_and_the_board() {
    let b = Board::demo();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("views.toml");
    let view = |args: &[&str]| {
        let mut c = b.run(args);
        c.env("FIREBREAK_VIEWS", &file);
        c
    };
    view(&["view", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains("No saved views"));
    view(&["view", "add", "payments", "label:payments -is:blocked"])
        .assert()
        .success()
        .stdout("Saved the view payments (F1 on the Backlog): label:payments -is:blocked\n");
    view(&["view", "add", "odd", "owner:sam"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no field to filter by"));
    let list = |extra: &[&str]| -> Vec<String> {
        let mut args = vec!["item", "list", "--json", "--view", "payments"];
        args.extend_from_slice(extra);
        let out = view(&args).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(list(&[]), ["FB-2", "FB-49", "FB-34"]);
    assert_eq!(
        list(&["--filter", "state:triage"]),
        ["FB-49"],
        "both filters hold"
    );
    view(&["item", "list", "--view", "nope"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("the views are payments"));
    // The file is the user's to read and edit; a mistake in it is named with the file.
    assert!(
        std::fs::read_to_string(&file)
            .unwrap()
            .contains("filter = \"label:payments -is:blocked\"")
    );
    std::fs::write(&file, "[[view]]\nname = \"x\"\nfilter = \"owner:y\"\n").unwrap();
    view(&["view", "list"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("views.toml"));
    std::fs::write(&file, "").unwrap();
    view(&["view", "remove", "payments"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("there is no view 'payments'"));
}
