use super::*;

/// A demo board: In progress holds 3 of 3, Review 2 of 2, Ready has five cards.
fn board() -> Board {
    Board::demo()
}

#[test]
fn a_pull_at_the_limit_is_refused_with_the_column_its_count_and_its_limit() {
    let b = board();
    let before = b.state();
    b.run(&["--as", "sam", "kanban", "pull"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "In progress is at its limit (3 of 3)",
        ));
    assert_eq!(b.state(), before);
}

#[test]
fn an_override_reason_passes_the_limit_and_is_in_the_items_history() {
    let b = board();
    b.run(&[
        "--as",
        "sam",
        "kanban",
        "pull",
        "--override",
        "P1 on renewals",
    ])
    .assert()
    .success()
    .stdout(predicate::str::contains(
        "FB-5 is now in In progress, over its limit: P1 on renewals.",
    ));
    let item = b.json(&["item", "show", "FB-5", "--json"]);
    assert_eq!(item["item"]["state"], "in-progress");
    assert_eq!(item["item"]["assignee"], "sam");
    let last = item["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["action"].as_str(), last["reason"].as_str()),
        (Some("pull"), Some("P1 on renewals"))
    );
    let show = b.json(&["kanban", "show", "--json"]);
    let in_progress = &show["columns"][1];
    assert_eq!(
        (in_progress["count"].as_u64(), in_progress["limit"].as_u64()),
        (Some(4), Some(3))
    );
    assert_eq!(in_progress["override"]["reason"], "P1 on renewals");
}

#[test]
fn a_strict_limit_takes_no_override() {
    let b = board();
    b.as_user(
        "sam",
        &[
            "--as",
            "sam",
            "kanban",
            "wip",
            "in-progress",
            "3",
            "--mode",
            "strict",
        ],
    )
    .assert()
    .success();
    b.run(&["--as", "sam", "kanban", "pull", "--override", "please"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("strict"));
    b.run(&["--as", "priya", "kanban", "wip", "review", "5"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("Only an ams-engineer may set"));
    b.run(&["--as", "sam", "kanban", "wip", "review", "lots"])
        .assert()
        .code(2);
    b.run(&["--as", "sam", "kanban", "wip", "limbo", "3"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown column"));
}

#[test]
fn finishing_work_makes_room_and_says_so() {
    let b = board();
    // FB-11 (sam's) is in review: lee approves it, and Review has room again.
    b.run(&["--as", "sam", "kanban", "move", "FB-11", "done"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("nobody reviews their own work"));
    b.run(&["--as", "lee", "kanban", "move", "FB-11", "done"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Review has room again"));
    // Now sam submits FB-25 into the freed Review column, and In progress has room.
    b.run(&["--as", "sam", "kanban", "move", "FB-25", "review"])
        .assert()
        .success()
        .stdout(predicate::str::contains("In progress has room again"));
    // The next pull takes the first unblocked item in the pull order.
    b.run(&["--as", "lee", "kanban", "pull"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("FB-5 "));
    b.run(&["--as", "lee", "kanban", "move", "FB-5", "done"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "from in-progress it can go to review",
        ));
}

#[test]
fn delivery_items_are_not_on_the_kanban_board_and_blocked_ones_are_not_pulled() {
    let b = board();
    b.run(&["--as", "sam", "kanban", "move", "FB-7", "in-progress"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("Sprint board"));
    b.run(&["--as", "sam", "kanban", "pull", "FB-10", "--override", "x"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("is blocked"));
}

#[test]
fn the_board_shows_its_lane_columns_and_cards() {
    let b = board();
    let show = b.json(&["kanban", "show", "--json"]);
    assert_eq!(show["expedite"]["id"], "FB-2");
    let names: Vec<&str> = show["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["column"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["ready", "in-progress", "review", "done"]);
    assert_eq!(show["columns"][1]["full"], true);
    assert_eq!(
        show["columns"][0]["items"][0]["id"], "FB-5",
        "Queued is in pull order"
    );
    b.run(&["kanban", "show"]).assert().success().stdout(
        predicate::str::contains("IN PROGRESS 3/3 (reasoned)  FULL")
            .and(predicate::str::contains("BLOCKED:")),
    );
}

#[test]
fn the_team_sets_when_cards_count_as_ageing() {
    let b = board();
    b.run(&["--as", "sam", "kanban", "age", "10"])
        .assert()
        .success();
    b.run(&["--as", "sam", "kanban", "age", "0"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("from 1 to 365"));
    b.run(&["--as", "priya", "kanban", "age", "3"])
        .assert()
        .code(3);
    let audit = b.json(&["export"]);
    let last = audit["events"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|e| e["action"] == "ageing")
        .unwrap()
        .clone();
    assert_eq!(last["details"]["days"], 10);
}

#[test]
fn done_items_of_a_project_are_its_next_release_candidates() {
    let b = board();
    let done = b.json(&[
        "item",
        "list",
        "--project",
        "bau",
        "--state",
        "done",
        "--json",
    ]);
    let ids = super::ids(&done);
    // Eight finished, three gone out with 2.3.0; 2.4.0's two stay done until it is live.
    assert_eq!(ids.len(), 5);
    assert!(ids.contains(&"FB-19".to_string()));
}

#[test]
fn an_empty_ready_column_says_what_to_do() {
    let b = Board::new();
    b.run(&[
        "person",
        "add",
        "sam",
        "--role",
        "ams-engineer",
        "--team",
        "ams",
    ])
    .assert()
    .success();
    b.as_user("sam", &["kanban", "pull"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "Nothing to pull: the Queued column is empty",
        ));
    b.run(&["kanban", "show"])
        .assert()
        .success()
        .stdout(predicate::str::contains("QUEUED 0/-"));
}

#[test]
fn queueing_feeds_the_ready_column() {
    let b = board();
    // FB-43 is a ready AMS item; FB-7 a ready delivery story.
    b.run(&["--as", "sam", "item", "move", "FB-43", "queue"])
        .assert()
        .success()
        .stdout("FB-43 is queued for the Kanban board.\n");
    b.run(&["--as", "sam", "item", "move", "FB-7", "queue"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("team appdev"));
    b.run(&["item", "move", "FB-43", "pull"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("kanban pull"));
}

#[test]
fn work_under_way_moves_whole_to_the_other_team_s_board_within_its_rules() {
    let b = board();
    let show = |b: &Board| b.json(&["item", "show", "FB-1", "--json"])["item"].clone();
    let before = show(&b);
    assert_eq!(before["state"], "in-progress");
    let sprint = before["sprint"].as_str().unwrap().to_string();
    // Only the product owner decides; the Kanban board's In progress is full: refused, as was.
    b.run(&["--as", "tom", "item", "edit", "FB-1", "--team", "ams"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("product-owner"));
    b.run(&["item", "edit", "FB-1", "--team", "ams"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "The Kanban board's In progress is at its limit (3 of 3): FB-1 joins it once a card there is finished",
        ));
    assert_eq!(show(&b), before);
    // With room, it moves whole: in progress, with who holds it, out of its sprint.
    b.run(&["--as", "sam", "kanban", "wip", "in-progress", "4"])
        .assert()
        .success();
    b.run(&["item", "edit", "FB-1", "--team", "ams"])
        .assert()
        .success();
    let moved = show(&b);
    assert_eq!(moved["team"], "ams");
    assert_eq!(moved["state"], "in-progress");
    assert_eq!(moved["assignee"], before["assignee"]);
    assert!(moved["sprint"].is_null());
    let kanban = b.json(&["kanban", "show", "--json"]);
    assert!(
        kanban.to_string().contains("\"FB-1\""),
        "on the Kanban board now: {kanban}"
    );
    // Back to the delivery team: it joins its project's active sprint, still in progress.
    b.run(&["item", "edit", "FB-1", "--team", "appdev"])
        .assert()
        .success();
    let back = show(&b);
    assert_eq!(back["state"], "in-progress");
    assert_eq!(back["sprint"], sprint.as_str());
    // bau runs no sprint: its work under way stays on the Kanban board until it is done.
    b.run(&["item", "edit", "FB-25", "--team", "appdev"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "bau runs no active sprint for it to join",
        ));
}

#[test]
fn item_assign_gives_work_to_someone_who_may_hold_it_and_list_finds_it_by_assignee() {
    let b = board();
    let holds = |b: &Board, name: &str| -> Vec<String> {
        b.json(&["item", "list", "--assignee", name, "--json"])["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(holds(&b, "sam").contains(&"FB-25".to_string()));
    // The product owner gives sam's card to lee; not to tom, who may not pull Kanban work.
    b.run(&["item", "assign", "FB-25", "tom"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("tom may not hold FB-25"));
    b.run(&["item", "assign", "FB-25", "lee"])
        .assert()
        .success()
        .stdout("FB-25 is lee's now (in progress).\n");
    assert!(holds(&b, "lee").contains(&"FB-25".to_string()));
    assert!(!holds(&b, "sam").contains(&"FB-25".to_string()));
    // Someone else may not give it away; lee, its holder, hands it back.
    b.run(&["--as", "sam", "item", "assign", "FB-25", "sam"])
        .assert()
        .success();
    b.run(&["--as", "lee", "item", "assign", "FB-25", "lee"])
        .assert()
        .success();
    b.run(&[
        "--as",
        "sam",
        "item",
        "assign",
        "FB-25",
        "sam",
        "--if-version",
        "1",
    ])
    .assert()
    .code(3)
    .stderr(predicate::str::contains("changed by"));
    // In review its author stays: nobody approves their own work.
    b.run(&["item", "assign", "FB-11", "lee"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("send it back first"));
    b.run(&["item", "assign", "FB-11", "nobody"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("there is no nobody"));
}
