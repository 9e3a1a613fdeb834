use super::*;

#[test]
fn a_rotation_puts_a_builder_on_live_support_for_its_days() {
    let b = Board::demo();
    // The demo rotates aisha onto live support this week, tom and lee next.
    let r = b.json(&["person", "rotations", "--json"]);
    let support: Vec<&str> = r["on_support"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert!(
        support.contains(&"aisha") && !support.contains(&"tom"),
        "{support:?}"
    );
    assert_eq!(r["upcoming"].as_array().unwrap().len(), 2);
    let people = b.json(&["person", "list", "--json"]);
    let aisha = people["people"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "aisha")
        .unwrap()
        .clone();
    assert_eq!(
        (aisha["team"].as_str(), aisha["team_today"].as_str()),
        (Some("appdev"), Some("ams"))
    );
    let rotate = |who: &str, args: &[&str]| {
        let mut all = vec!["--as", who, "person", "rotate"];
        all.extend_from_slice(args);
        b.run(&all).assert()
    };
    rotate(
        "tom",
        &[
            "sam",
            "--team",
            "appdev",
            "--from",
            "2099-01-01",
            "--to",
            "2099-01-07",
        ],
    )
    .code(3)
    .stderr(predicate::str::contains(
        "Only a product-owner or service-manager",
    ));
    rotate(
        "omar",
        &[
            "sam",
            "--team",
            "ams",
            "--from",
            "2099-01-01",
            "--to",
            "2099-01-07",
        ],
    )
    .code(2)
    .stderr(predicate::str::contains("in ams already"));
    rotate(
        "omar",
        &[
            "sam",
            "--team",
            "appdev",
            "--from",
            "2099-01-07",
            "--to",
            "2099-01-01",
        ],
    )
    .code(2);
    rotate(
        "omar",
        &[
            "nobody",
            "--team",
            "appdev",
            "--from",
            "2099-01-01",
            "--to",
            "2099-01-07",
        ],
    )
    .code(2);
    rotate(
        "omar",
        &[
            "sam",
            "--team",
            "dev",
            "--from",
            "2099-01-01",
            "--to",
            "2099-01-07",
        ],
    )
    .code(2);
    rotate(
        "omar",
        &[
            "sam",
            "--team",
            "appdev",
            "--from",
            "2099-01-01",
            "--to",
            "2099-01-07",
        ],
    )
    .success()
    .stdout("sam is in appdev from 2099-01-01 to 2099-01-07.\n");
    rotate(
        "priya",
        &[
            "sam",
            "--team",
            "appdev",
            "--from",
            "2099-01-05",
            "--to",
            "2099-01-09",
        ],
    )
    .code(3)
    .stderr(predicate::str::contains("already rotated to appdev"));
    b.run(&["person", "rotations"])
        .assert()
        .success()
        .stdout(predicate::str::contains("aisha (rotated from appdev until"))
        .stdout(predicate::str::contains(
            "sam to appdev from 2099-01-01 to 2099-01-07",
        ));
    let history = b.json(&["audit", "--json"]);
    assert!(
        history["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "rotate" && e["entity_id"] == "sam")
    );
}

#[test]
fn a_developer_rotated_onto_live_support_does_the_maintenance_teams_work() {
    let b = Board::demo();
    // aisha is a developer, on live support this week: she pulls Kanban work like the team.
    b.run(&["--as", "aisha", "kanban", "pull"])
        .assert()
        .code(3)
        .stderr(
            predicate::str::contains("limit").and(predicate::str::contains("ams-engineer").not()),
        );
    b.run(&[
        "--as",
        "aisha",
        "kanban",
        "pull",
        "--override",
        "covering for lee",
    ])
    .assert()
    .success();
    // tom, a developer not rotated, may not.
    b.run(&["--as", "tom", "kanban", "pull", "--override", "x"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("ams-engineer"));
}
