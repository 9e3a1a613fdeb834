use super::*;
use proptest::prelude::*;

fn fixture(name: &str) -> Vec<Case> {
    let text = match name {
        "pytest" => include_str!("../../../tests/fixtures/junit/pytest.xml"),
        "nextest" => include_str!("../../../tests/fixtures/junit/nextest.xml"),
        "surefire" => include_str!("../../../tests/fixtures/junit/surefire.xml"),
        "jenkins" => include_str!("../../../tests/fixtures/junit/jenkins.xml"),
        "jest" => include_str!("../../../tests/fixtures/junit/jest-junit.xml"),
        _ => include_str!("../../../tests/fixtures/junit/gitlab-rspec.xml"),
    };
    parse(text, name).unwrap()
}

#[test]
fn the_reports_of_each_ci_read_with_every_case_and_its_result() {
    let pytest = fixture("pytest");
    assert_eq!(pytest.len(), 4);
    let broke: Vec<String> = pytest
        .iter()
        .filter(|c| c.broke())
        .map(Case::full_name)
        .collect();
    assert_eq!(broke, ["tests.test_renew::test_renew_expired_permit"]);
    assert_eq!(
        pytest[1].message.as_deref(),
        Some("AssertionError: assert 502 == 200")
    );
    assert_eq!(pytest[3].result, CaseResult::Skipped);
    assert!((pytest[1].seconds - 0.21).abs() < 1e-9);

    let nextest = fixture("nextest");
    assert_eq!(nextest.len(), 3);
    assert_eq!(nextest[1].result, CaseResult::Failed);
    assert_eq!(
        nextest[1].message.as_deref(),
        Some("thread 'price_table_is_current' panicked at tests/integration.rs:41:5:"),
        "no message attribute: the first line of its text"
    );

    let surefire = fixture("surefire");
    assert_eq!(surefire.len(), 3);
    assert_eq!(surefire[2].result, CaseResult::Errored);
    assert_eq!(
        surefire[2].message.as_deref(),
        Some("Cannot invoke \"PriceTable.lookup()\" because \"this.prices\" is null")
    );
    assert_eq!(surefire[0].suite, "uk.gov.northbridge.permits.RenewalTest");

    let jest = fixture("jest");
    assert_eq!(jest.iter().filter(|c| c.broke()).count(), 1);
    assert_eq!(
        jest[1].message.as_deref(),
        Some("Error: expect(received).toBe(expected) // Object.is equality")
    );

    for passing in ["jenkins", "gitlab"] {
        let cases = fixture(passing);
        assert_eq!(cases.len(), 2, "{passing}");
        assert!(summary(&cases).0, "{passing} passes");
    }
    let (passed, text) = summary(&pytest);
    assert!(!passed);
    assert!(
        text.starts_with("JUnit: 4 cases, 2 passed, 1 failed, 0 errored, 1 skipped"),
        "{text}"
    );
    assert!(
        text.contains("FAILED tests.test_renew::test_renew_expired_permit: AssertionError"),
        "{text}"
    );
    assert!(
        summary(&surefire)
            .1
            .contains("ERROR uk.gov.northbridge.permits.RenewalTest::pricesTheRenewal")
    );
}

#[test]
fn malformed_xml_is_refused_with_its_line() {
    let broken = "<testsuites>\n  <testsuite name=\"a\">\n    <testcase name=\"x\">\n  </testsuite>\n</testsuites>\n";
    let err = parse(broken, "report.xml").unwrap_err();
    assert_eq!(err.exit_code(), 2);
    let text = err.to_string();
    assert!(
        text.starts_with("report.xml is not JUnit XML that reads: line 4"),
        "{text}"
    );
    assert!(text.ends_with("nothing was recorded"), "{text}");
    assert!(parse("{\"tests\": []}", "x.json").is_err(), "not XML");
    assert!(
        parse("<html><body/></html>", "x.html")
            .unwrap_err()
            .to_string()
            .contains("no testsuites")
    );
    assert!(
        parse("<testsuite><testcase/></testsuite>", "x")
            .unwrap_err()
            .to_string()
            .contains("without a name")
    );
}

proptest! {
    #[test]
    fn any_text_is_read_or_refused_never_a_panic(text in "\\PC{0,200}") {
        let _ = parse(&text, "x.xml");
    }

    #[test]
    fn a_report_of_n_cases_reads_n_cases(results in proptest::collection::vec(0u8..4, 0..40)) {
        let mut xml = String::from("<testsuites><testsuite name=\"s\">");
        for (n, r) in results.iter().enumerate() {
            let inner = match r {
                0 => "",
                1 => "<failure message=\"boom\"/>",
                2 => "<error>trace\nmore</error>",
                _ => "<skipped/>",
            };
            xml.push_str(&format!("<testcase name=\"c{n}\" time=\"0.5\">{inner}</testcase>"));
        }
        xml.push_str("</testsuite></testsuites>");
        let cases = parse(&xml, "x").unwrap();
        prop_assert_eq!(cases.len(), results.len());
        let broke = results.iter().filter(|r| matches!(r, 1 | 2)).count();
        prop_assert_eq!(cases.iter().filter(|c| c.broke()).count(), broke);
        prop_assert_eq!(summary(&cases).0, broke == 0);
    }
}

fn case(suite: &str, name: &str, result: CaseResult, seconds: f64) -> Case {
    Case {
        suite: suite.into(),
        name: name.into(),
        result,
        seconds,
        message: (result == CaseResult::Failed).then(|| "boom".to_string()),
    }
}

#[test]
fn a_case_given_twice_keeps_its_worst_result_and_its_time_summed() {
    let kept = merged(vec![
        case("s", "retried", CaseResult::Failed, 1.0),
        case("s", "other", CaseResult::Passed, 0.5),
        case("s", "retried", CaseResult::Passed, 2.0),
        case("t", "retried", CaseResult::Passed, 0.25),
    ]);
    assert_eq!(kept.len(), 3, "a name is one case per suite");
    assert_eq!(kept[0].result, CaseResult::Failed);
    assert_eq!(kept[0].message.as_deref(), Some("boom"));
    assert!((kept[0].seconds - 3.0).abs() < 1e-9);
    let errored = merged(vec![
        case("s", "x", CaseResult::Skipped, 0.0),
        case("s", "x", CaseResult::Errored, 0.0),
        case("s", "x", CaseResult::Failed, 0.0),
    ]);
    assert_eq!(errored[0].result, CaseResult::Errored);
}

#[test]
fn a_steps_cases_list_what_broke_first_with_their_history() {
    let mut cases = vec![
        CaseHistory {
            case: case("s", "steady", CaseResult::Passed, 0.1),
            before: vec![CaseResult::Passed, CaseResult::Passed],
        },
        CaseHistory {
            case: case("s", "flaky", CaseResult::Passed, 0.2),
            before: vec![CaseResult::Failed, CaseResult::Passed],
        },
        CaseHistory {
            case: case("s", "broke", CaseResult::Failed, 1.5),
            before: vec![CaseResult::Passed, CaseResult::Skipped],
        },
    ];
    order(&mut cases);
    let names: Vec<&str> = cases.iter().map(|c| c.case.name.as_str()).collect();
    assert_eq!(names, ["broke", "flaky", "steady"]);
    assert!(cases[0].changed() && cases[1].changed() && !cases[2].changed());
    let shown = lines(&cases);
    assert!(
        shown[0].starts_with("3 test cases · 1 broke · 2 changed"),
        "{}",
        shown[0]
    );
    assert_eq!(shown[1], "✖    1.50s       ✔-|✖ s::broke: boom");
    assert_eq!(shown[2], "✔    0.20s       ✖✔|✔ s::flaky");
    assert!(
        lines(&[]).is_empty(),
        "a step without cases shows its log alone"
    );
    assert_eq!(
        "errored".parse::<CaseResult>().unwrap(),
        CaseResult::Errored
    );
    assert!("green".parse::<CaseResult>().is_err());
}
