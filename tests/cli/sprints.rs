use super::*;

#[test]
fn sprints_are_added_to_delivery_projects_with_sane_dates() {
    let b = Board::demo();
    b.run(&[
        "sprint",
        "add",
        "Sprint 9",
        "--project",
        "permits-online",
        "--start",
        "2027-01-04",
        "--end",
        "2027-01-15",
        "--goal",
        "Trader permits",
    ])
    .assert()
    .success()
    .stdout("Added Sprint 9 to permits-online, 2027-01-04 to 2027-01-15.\n");
    let before = b.state();
    b.run(&[
        "sprint",
        "add",
        "X",
        "--project",
        "bau",
        "--start",
        "2027-01-04",
        "--end",
        "2027-01-15",
    ])
    .assert()
    .code(2)
    .stderr(predicate::str::contains(
        "sprints belong to delivery projects",
    ));
    b.run(&[
        "sprint",
        "add",
        "X",
        "--project",
        "permits-online",
        "--start",
        "2027-01-15",
        "--end",
        "2027-01-04",
    ])
    .assert()
    .code(2)
    .stderr(predicate::str::contains("swap the dates"));
    b.run(&[
        "sprint",
        "add",
        "X",
        "--project",
        "permits-online",
        "--start",
        "soon",
        "--end",
        "2027-01-04",
    ])
    .assert()
    .code(2)
    .stderr(predicate::str::contains("is not a date"));
    b.run(&[
        "sprint",
        "add",
        "Sprint 9",
        "--project",
        "permits-online",
        "--start",
        "2027-01-04",
        "--end",
        "2027-01-05",
    ])
    .assert()
    .code(2)
    .stderr(predicate::str::contains("already"));
    b.run(&[
        "--as",
        "sam",
        "sprint",
        "add",
        "Y",
        "--project",
        "permits-online",
        "--start",
        "2027-01-04",
        "--end",
        "2027-01-05",
    ])
    .assert()
    .code(3);
    assert_eq!(b.state(), before);
    let list = b.json(&["sprint", "list", "--json"]);
    let names: Vec<&str> = list["sprints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Sprint 1", "Sprint 2", "Sprint 3", "Sprint 9"]);
}

#[test]
fn planning_takes_ready_items_of_the_sprints_project_all_or_none() {
    let b = Board::demo();
    let before = b.state();
    // FB-7 is a ready delivery story; FB-43 a ready maintenance item; FB-12 still in the backlog.
    b.run(&["sprint", "plan", "Sprint 3", "FB-7", "FB-43"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("FB-43 belongs to project bau"));
    b.run(&["sprint", "plan", "Sprint 3", "FB-12"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("only ready items are"));
    b.run(&["sprint", "plan", "Sprint 1", "FB-7"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("is closed"));
    b.run(&["sprint", "plan", "Sprint 8", "FB-7"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no sprint"));
    assert_eq!(b.state(), before, "a refused plan plans nothing");
    b.run(&["sprint", "plan", "Sprint 3", "FB-7", "FB-20"])
        .assert()
        .success()
        .stdout("Planned FB-7, FB-20 into Sprint 3.\n");
    let item = b.json(&["item", "show", "FB-7", "--json"]);
    assert_eq!(
        (
            item["item"]["state"].as_str(),
            item["item"]["sprint"].as_str()
        ),
        (Some("planned"), Some("Sprint 3"))
    );
}

#[test]
fn one_sprint_is_active_per_project_and_work_starts_only_in_it() {
    let b = Board::demo();
    b.run(&["sprint", "plan", "Sprint 3", "FB-7"])
        .assert()
        .success();
    b.run(&["sprint", "start", "Sprint 3"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "Sprint 2 is still active in permits-online",
        ));
    b.run(&["--as", "tom", "item", "move", "FB-7", "start"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "Sprint 3 is future: start the sprint before its work",
        ));
}

#[test]
fn completing_carries_unfinished_items_to_the_next_sprint_or_the_top_of_the_backlog() {
    let b = Board::demo();
    b.run(&["sprint", "complete", "Sprint 2", "--carry", "sideways"])
        .assert()
        .code(2);
    b.run(&["sprint", "complete", "Sprint 2", "--carry", "next"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("Completed Sprint 2: 2 points done.")
                .and(predicate::str::contains("FB-1 carried to Sprint 3")),
        );
    b.run(&["sprint", "complete", "Sprint 2", "--carry", "next"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("only the active sprint"));
    let item = b.json(&["item", "show", "FB-1", "--json"]);
    assert_eq!(
        (
            item["item"]["state"].as_str(),
            item["item"]["sprint"].as_str()
        ),
        (Some("planned"), Some("Sprint 3"))
    );
    // Sprint 3 starts with what was carried; completing it to the backlog puts them on top.
    b.run(&["sprint", "start", "Sprint 3"])
        .assert()
        .success()
        .stdout(predicate::str::contains("6 items, 27 points committed"));
    b.run(&["sprint", "complete", "Sprint 3", "--carry", "next"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("no future sprint"));
    b.run(&["sprint", "complete", "Sprint 3", "--carry", "backlog"])
        .assert()
        .success();
    let list = b.json(&["item", "list", "--team", "appdev", "--json"]);
    let first: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .take(6)
        .map(|i| i["state"].as_str().unwrap())
        .collect();
    assert!(first.iter().all(|s| *s == "ready"), "{first:?}");
    let item = b.json(&["item", "show", "FB-1", "--json"]);
    assert!(item["item"]["sprint"].is_null());
}

#[test]
fn show_gives_the_items_the_burndown_and_the_velocity() {
    let b = Board::demo();
    let show = b.json(&["sprint", "show", "Sprint 2", "--json"]);
    assert_eq!(show["sprint"]["state"], "active");
    assert_eq!(show["sprint"]["commitment"]["points"], 24);
    assert_eq!(show["burndown"]["committed"], 24);
    assert_eq!(show["burndown"]["added"], 5);
    assert_eq!(show["velocity"], 5.0);
    assert_eq!(show["items"].as_array().unwrap().len(), 7);
    let days = show["burndown"]["days"].as_array().unwrap();
    assert_eq!(days[0]["remaining"], 24);
    b.run(&["sprint", "show", "Sprint 2"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("TO DO (3)").and(predicate::str::contains(
                "Velocity (last 3 closed sprints): 5.0 points",
            )),
        );
}

#[test]
fn the_sprint_board_refuses_self_review() {
    let b = Board::demo();
    b.run(&["--as", "tom", "item", "move", "FB-40", "approve"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("nobody reviews their own work"));
    // FB-40 touches operations: its review comes first (see `operations_review`).
    b.run(&["--as", "sam", "item", "review-ops", "FB-40"])
        .assert()
        .success();
    b.run(&["--as", "aisha", "item", "move", "FB-40", "approve"])
        .assert()
        .success()
        .stdout("FB-40 is done.\n");
    b.run(&["--as", "priya", "item", "move", "FB-3", "approve"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "Only a developer, AMS engineer or tester reviews work",
        ));
}

#[test]
fn starting_an_item_in_no_sprint_says_to_plan_it_first() {
    let b = Board::demo();
    b.run(&["--as", "tom", "item", "move", "FB-7", "start"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "in no sprint: plan it into its project's sprint first",
        ));
}
