use super::*;

#[test]
fn the_demos_handover_shows_and_exports_as_its_golden_pack() {
    let b = Board::demo();
    let show = b.json(&["handover", "show", "permits-online", "--json"]);
    assert_eq!(show["handover"]["state"], "conditionally-accepted");
    assert_eq!(show["open"].as_array().unwrap().len(), 0);
    // The operations reviews of its stories stand as evidence on runbooks and monitoring.
    let checks = show["handover"]["checks"].as_array().unwrap();
    let reviews = |key: &str| {
        checks.iter().find(|c| c["key"] == key).unwrap()["reviews"]
            .as_array()
            .map_or(0, |r| r.len())
    };
    assert_eq!(
        (
            reviews("runbooks"),
            reviews("monitoring"),
            reviews("known-errors"),
            reviews("security")
        ),
        (2, 2, 1, 0)
    );
    b.run(&["handover", "show", "permits-online"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("~ security")
                .and(predicate::str::contains("✖ capacity"))
                .and(predicate::str::contains(
                    "Operations reviews for monitoring:\n  FB-3 Show the permit zone map",
                )),
        );
    let out = b
        .run(&["handover", "export", "permits-online"])
        .output()
        .unwrap();
    let pack = String::from_utf8(out.stdout).unwrap();
    let started = regex_free_date(&pack);
    let golden = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/handover-pack.md"
    ))
    .unwrap();
    assert_eq!(
        started, golden,
        "the handover pack changed: update tests/fixtures/handover-pack.md if on purpose"
    );
}

/// The pack with its start date and waiver date replaced, as they follow the clock.
fn regex_free_date(pack: &str) -> String {
    pack.lines()
        .map(|l| {
            let mut l = l.to_string();
            for marker in ["started ", "waived until "] {
                if let Some(i) = l.find(marker) {
                    let at = i + marker.len();
                    if l.len() >= at + 10 {
                        l.replace_range(at..at + 10, "YYYY-MM-DD");
                    }
                }
            }
            l
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

#[test]
fn handover_refusals_say_which_rule() {
    let b = Board::demo();
    b.as_user("tom", &["--as", "tom", "handover", "start", "bau"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "handovers are for delivery projects",
        ));
    b.run(&["--as", "tom", "handover", "start", "permits-online"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("has started already"));
    b.run(&[
        "--as",
        "omar",
        "handover",
        "submit",
        "permits-online",
        "capacity",
        "--evidence",
        "x",
    ])
    .assert()
    .code(3)
    .stderr(predicate::str::contains(
        "Only a developer or product-owner may submit handover evidence",
    ));
    b.run(&[
        "--as",
        "tom",
        "handover",
        "submit",
        "permits-online",
        "capacity",
        "--evidence",
        "load test at the full peak",
    ])
    .assert()
    .success();
    b.run(&[
        "--as",
        "tom",
        "handover",
        "accept",
        "permits-online",
        "capacity",
    ])
    .assert()
    .code(3);
    b.run(&[
        "--as",
        "omar",
        "handover",
        "accept",
        "permits-online",
        "runbooks",
    ])
    .assert()
    .code(3)
    .stderr(predicate::str::contains(
        "only submitted items are accepted",
    ));
    b.run(&[
        "--as",
        "omar",
        "handover",
        "waive",
        "permits-online",
        "capacity",
        "--reason",
        "x",
        "--until",
        "2020-01-01",
    ])
    .assert()
    .code(2)
    .stderr(predicate::str::contains("is past"));
    b.run(&[
        "--as",
        "omar",
        "handover",
        "accept",
        "permits-online",
        "lasers",
    ])
    .assert()
    .code(2)
    .stderr(predicate::str::contains("has no item 'lasers'"));
    b.run(&[
        "--as",
        "omar",
        "handover",
        "accept",
        "permits-online",
        "capacity",
    ])
    .assert()
    .success()
    .stdout(predicate::str::contains(
        "Capacity and performance is accepted",
    ));
}
