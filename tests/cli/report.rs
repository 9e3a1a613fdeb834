use super::*;

#[test]
fn a_period_from_the_year_one_costs_only_the_history_there_is() {
    let b = Board::demo();
    let r = b.json(&["report", "--since", "0001-01-01", "--json"]);
    let first = b.json(&["audit", "--json"])["events"][0]["at"]
        .as_str()
        .unwrap()[..10]
        .to_string();
    assert_eq!(r["report"]["since"], first.as_str());
    assert!(
        r["report"]["delivery"]["deployment_frequency"]["weeks"]
            .as_array()
            .unwrap()
            .len()
            < 20
    );
}

#[test]
fn report_prints_delivery_flow_and_the_cost_of_the_controls() {
    let b = Board::demo();
    let r = b.json(&["report", "--json"]);
    let d = &r["report"]["delivery"];
    for measure in [
        "deployment_frequency",
        "lead_time",
        "change_failure_rate",
        "time_to_restore",
    ] {
        assert!(d[measure]["weeks"].is_array(), "{measure}: {d}");
    }
    // The demo switched 2.3.0 and 1.0.0 live; 1.0.0 had incidents within its hypercare.
    assert_eq!(d["deployment_frequency"]["over"], 2);
    assert_eq!(d["change_failure_rate"]["value"], 50.0);
    assert_eq!(r["report"]["flow"]["teams"].as_array().unwrap().len(), 2);
    let stretches: Vec<&str> = r["report"]["controls"]["stretches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert!(stretches.contains(&"firebreak"), "{stretches:?}");
    assert_eq!(stretches.last(), Some(&"shadow before the switch"));
    let text = b.run(&["report"]).output().unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    for line in [
        "Deployment frequency",
        "Lead time for changes",
        "Change failure rate",
        "Time to restore",
        "Running the service",
        "Cost of the controls",
    ] {
        assert!(text.contains(line), "{line} missing from:\n{text}");
    }
}

#[test]
fn a_bad_since_is_refused_with_exit_2() {
    let b = Board::demo();
    b.run(&["report", "--since", "last week"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("YYYY-MM-DD"));
    b.run(&["report", "--since", "2999-01-01"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("after today"));
}
