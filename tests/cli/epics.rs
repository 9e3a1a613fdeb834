use super::*;

/// The demo with the epic FB-73, "Online renewals", of the delivery project.
fn epic(b: &Board) {
    b.run(&[
        "item",
        "add",
        "Online renewals",
        "--kind",
        "epic",
        "--team",
        "appdev",
        "--project",
        "permits-online",
    ])
    .assert()
    .success()
    .stdout("FB-73\n");
}

#[test]
fn an_epic_groups_stories_is_found_by_the_filter_and_keeps_its_members() {
    let b = Board::demo();
    epic(&b);
    for id in ["FB-1", "FB-7"] {
        b.run(&["--as", "tom", "item", "edit", id, "--epic", "FB-73"])
            .assert()
            .success()
            .stdout(format!("{id} is in the epic FB-73 now.\n"));
    }
    let members = b.json(&["item", "list", "--filter", "epic:FB-73", "--json"]);
    let ids: Vec<&str> = members["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["FB-1", "FB-7"], "in the one order");
    // Refusals: an epic in an epic, into a story, with other fields at once, changing kind.
    b.run(&["item", "edit", "FB-73", "--epic", "FB-73"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("is an epic itself"));
    b.run(&["item", "edit", "FB-3", "--epic", "FB-1"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("FB-1 is a story, not an epic"));
    b.run(&["item", "edit", "FB-3", "--epic", "FB-73", "--title", "x"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("a change of its own"));
    b.run(&["item", "edit", "FB-73", "--kind", "story"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("holding 2 items"));
    b.run(&["item", "edit", "FB-1", "--kind", "epic"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("is in an epic"));
    // An epic is not planned or worked; its members leave it.
    b.run(&["item", "move", "FB-73", "queue"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("is an epic"));
    b.run(&["--as", "tom", "item", "edit", "FB-7", "--epic", "none"])
        .assert()
        .success()
        .stdout("FB-7 is in no epic now.\n");
    assert_eq!(
        b.json(&["item", "list", "--filter", "epic:FB-73", "--json"])["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let history = b.json(&["item", "show", "FB-7", "--json"])["history"].clone();
    let epics: Vec<_> = history
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "epic")
        .map(|e| e["details"]["to"].clone())
        .collect();
    assert_eq!(epics, [serde_json::json!("FB-73"), serde_json::Value::Null]);
}

#[test]
fn an_export_carries_links_epics_labels_and_comments_into_a_new_board() {
    let b = Board::demo();
    epic(&b);
    b.run(&["--as", "tom", "item", "edit", "FB-1", "--epic", "FB-73"])
        .assert()
        .success();
    b.run(&["--as", "tom", "link", "add", "FB-1", "blocks", "FB-4"])
        .assert()
        .success();
    b.run(&[
        "--as",
        "tom",
        "link",
        "add",
        "FB-1",
        "https://gitlab.example/mr/42",
    ])
    .assert()
    .success();
    let copy = b.copied();
    copy.run(&["item", "list", "--filter", "epic:FB-73"])
        .assert()
        .success()
        .stdout(predicate::str::contains("FB-1 "));
    copy.run(&["link", "list", "FB-4"])
        .assert()
        .success()
        .stdout("is blocked by FB-1\n");
    copy.run(&["link", "list", "FB-1"])
        .assert()
        .success()
        .stdout(predicate::str::contains("https://gitlab.example/mr/42"));
    // The demo's labels and comments came along too, and the copy's audit trail is whole.
    copy.run(&["label", "list", "FB-2"])
        .assert()
        .stdout("payments\n");
    copy.run(&["comment", "list", "INC-3"])
        .assert()
        .stdout(predicate::str::contains(
            "payment pool runs out of connections",
        ));
    copy.run(&["audit", "--verify"]).assert().success();
}
