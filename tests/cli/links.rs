use super::*;

#[test]
fn links_to_urls_and_between_items_show_from_both_sides_and_come_off() {
    let b = Board::demo();
    let mr = "https://gitlab.example/permits/-/merge_requests/42";
    b.run(&[
        "--as", "tom", "link", "add", "FB-1", mr, "--title", "MR !42",
    ])
    .assert()
    .success()
    .stdout(format!("FB-1 links to {mr}.\n"));
    b.run(&["--as", "tom", "link", "add", "FB-1", mr])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("links to"));
    b.run(&["--as", "tom", "link", "add", "FB-1", "blocks", "FB-4"])
        .assert()
        .success()
        .stdout("FB-1 blocks FB-4; FB-4 shows it too.\n");
    b.run(&["link", "list", "FB-4"])
        .assert()
        .success()
        .stdout("is blocked by FB-1\n");
    b.run(&["link", "list", "FB-1"])
        .assert()
        .success()
        .stdout(format!("blocks FB-4\nMR !42  {mr}\n"));
    // An incident, a problem and a release take URLs; only items link to items.
    for id in ["INC-3", "PRB-1", "1.1.0"] {
        b.run(&["link", "add", id, "https://grafana.example/d/payments"])
            .assert()
            .success();
    }
    b.run(&["link", "add", "INC-3", "relates", "FB-2"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("only items link to items"));
    for bad in ["javascript:alert(1)", "ftp://x", "https://a b"] {
        b.run(&["link", "add", "FB-1", bad])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("not a link to follow"));
    }
    b.run(&["link", "add", "FB-1", "eats", "FB-2"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "use one of blocks, relates, duplicates",
        ));
    b.run(&["link", "add", "FB-1", "relates", "FB-1"])
        .assert()
        .code(2);
    // Off from both sides, and the JSON says which side each is.
    b.run(&["link", "remove", "FB-1", "blocks", "FB-4"])
        .assert()
        .success();
    b.run(&["link", "list", "FB-4"])
        .assert()
        .stdout(predicate::str::contains("has no links"));
    let json = b.json(&["link", "list", "FB-1", "--json"]);
    assert_eq!(json["web"][0]["url"], mr);
    assert_eq!(json["items"], serde_json::json!([]));
    b.run(&["link", "remove", "FB-1", mr]).assert().success();
    b.run(&["link", "remove", "FB-1", mr])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("has no link to"));
}
