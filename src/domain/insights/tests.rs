use super::delivery::{tier_failure, tier_frequency, tier_lead_time, tier_restore};
use super::*;
use chrono::TimeZone;

fn at(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, day, hour, 0, 0).unwrap()
}
fn ev(when: DateTime<Utc>, action: &str, env: &str) -> Event {
    Event::new(when, "x", "release", "1.0.0", action).details(serde_json::json!({ "env": env }))
}
fn release(version: &str, events: Vec<Event>) -> ReleaseFacts {
    ReleaseFacts {
        version: version.into(),
        project: "permits".into(),
        items: vec![1],
        events,
    }
}
fn t(item: u32, when: DateTime<Utc>, to: State) -> (Option<Team>, Transition) {
    (Some(Team::Appdev), Transition { item, at: when, to })
}

fn facts() -> Facts {
    Facts {
        releases: vec![
            release(
                "1.0.0",
                vec![
                    ev(at(2, 9), "cut", ""),
                    ev(at(2, 10), "step", "dev"),
                    ev(at(2, 11), "step", "dev"),
                    ev(at(2, 13), "step", "preprod"),
                    ev(at(3, 13), "restart", ""),
                    ev(at(3, 14), "step", "production"),
                    ev(at(3, 16), "vote", ""),
                    ev(at(3, 18), "vote", ""),
                    ev(at(3, 19), "switch", ""),
                ],
            ),
            release(
                "1.1.0",
                vec![
                    ev(at(9, 9), "cut", ""),
                    ev(at(9, 10), "switch", ""),
                    ev(at(9, 12), "rollback", ""),
                ],
            ),
            release("1.2.0", vec![ev(at(10, 9), "cut", "")]),
        ],
        transitions: vec![
            t(1, at(1, 9), State::InProgress),
            t(1, at(2, 8), State::Done),
            t(1, at(3, 19), State::Released),
            t(2, at(4, 9), State::InProgress),
        ],
        items: vec![
            ItemFacts {
                id: 1,
                team: Some(Team::Appdev),
                origin: Origin::Planned,
                state: State::Released,
                created: at(1, 8),
            },
            ItemFacts {
                id: 2,
                team: Some(Team::Appdev),
                origin: Origin::Incident,
                state: State::InProgress,
                created: at(4, 8),
            },
        ],
        ..Facts::default()
    }
}

fn since() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()
}
fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 14).unwrap()
}

#[test]
fn delivery_counts_switches_lead_time_and_failures_with_their_tiers() {
    let i = compute(&facts(), since(), today());
    let d = &i.delivery;
    assert_eq!(d.deployment_frequency.over, 2);
    assert_eq!(d.deployment_frequency.value, Some(1.0), "2 in 14 days");
    assert_eq!(d.deployment_frequency.tier, Some(Tier::High));
    // FB-1 done on the 2nd at 08:00, released on the 3rd at 19:00: 35 hours.
    assert_eq!(d.lead_time.value, Some(35.0));
    assert_eq!(d.lead_time.tier, Some(Tier::High));
    // 1.1.0 was rolled back: one of two failed.
    assert_eq!(d.change_failure_rate.value, Some(50.0));
    assert_eq!(d.change_failure_rate.tier, Some(Tier::Low));
    assert_eq!(d.time_to_restore.value, None, "no incident to restore from");
    assert_eq!(d.time_to_restore.tier, None);
    let weekly: Vec<Option<f64>> = d
        .deployment_frequency
        .weeks
        .iter()
        .map(|w| w.value)
        .collect();
    assert_eq!(weekly, vec![Some(0.0), Some(1.0), Some(1.0)]);
}

#[test]
fn the_cost_of_the_controls_is_the_lead_time_split_where_it_was_spent() {
    let i = compute(&facts(), since(), today());
    let c = &i.controls;
    assert_eq!(c.releases, 2);
    let by_name: Vec<(&str, f64)> = c
        .stretches
        .iter()
        .map(|s| (s.name.as_str(), s.median_hours))
        .collect();
    assert_eq!(
        by_name,
        vec![
            ("development", 24.0),
            ("in dev", 2.0),
            ("in preprod", 2.0),
            ("firebreak", 24.0),
            ("in production", 1.0),
            ("go/no-go votes", 4.0),
            ("shadow before the switch", 1.0),
        ]
    );
}

#[test]
fn a_firebreak_met_by_a_later_release_sits_between_its_environments() {
    let mut f = facts();
    let plain = release(
        "0.9.0",
        vec![
            ev(at(1, 9), "cut", ""),
            ev(at(1, 10), "step", "dev"),
            ev(at(1, 11), "step", "preprod"),
            ev(at(1, 12), "step", "production"),
            ev(at(1, 13), "vote", ""),
            ev(at(1, 14), "switch", ""),
        ],
    );
    f.releases.insert(0, plain);
    let i = compute(&f, since(), today());
    let names: Vec<&str> = i
        .controls
        .stretches
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "development",
            "in dev",
            "in preprod",
            "firebreak",
            "in production",
            "go/no-go votes",
            "shadow before the switch"
        ]
    );
}

#[test]
fn flow_shows_throughput_age_and_the_share_of_work_from_running_the_service() {
    let i = compute(&facts(), since(), today());
    let appdev = &i.flow.teams[0];
    assert_eq!(appdev.cycle.count, 1);
    assert_eq!(appdev.age.count, 1, "FB-2 is in progress");
    assert_eq!(i.flow.run_cost, Some(50.0));
    assert_eq!(i.flow.origins[0].1, 1);
}

#[test]
fn escaped_defects_sit_beside_the_pass_rate_of_the_tests_that_should_have_caught_them() {
    use crate::domain::escape::Escape;
    use crate::domain::pipeline::TestKind;
    let mut f = facts();
    let step = |day: u32, env: &str, step: &str, result: &str| {
        Event::new(at(day, 10), "automation", "release", "1.2.0", "step")
            .details(serde_json::json!({ "env": env, "step": step, "result": result }))
    };
    f.releases[2].events.extend([
        step(10, "test", "smoke", "pass"),
        step(10, "test", "smoke", "fail"),
        step(10, "preprod", "load", "pass"),
        step(10, "test", "deploy", "pass"),
    ]);
    for (env, name, kind) in [
        ("test", "smoke", TestKind::Functional),
        ("preprod", "load", TestKind::NonFunctional),
    ] {
        f.tests
            .insert(("permits".into(), env.into(), name.into()), kind);
    }
    let escape = |source: &str, env: Option<&str>, test: Option<TestKind>| Escape {
        source: source.into(),
        release: "1.0.0".into(),
        env: env.map(String::from),
        test,
        by: "grace".into(),
        at: at(12, 9),
        found: at(11, 9),
        note: String::new(),
        case: None,
    };
    f.escapes = vec![
        escape("INC-1", Some("test"), Some(TestKind::Functional)),
        escape("INC-2", Some("test"), Some(TestKind::Functional)),
        escape("FB-9", None, None),
    ];
    let e = compute(&f, since(), today()).escapes;
    assert_eq!((e.total, e.none), (3, 1));
    let first = &e.rows[0];
    assert_eq!(
        (first.env.as_str(), first.test.as_str()),
        ("test", "functional")
    );
    assert_eq!((first.escaped, first.runs, first.passed), (2, 2, 1));
    assert_eq!(first.pass_rate, Some(50.0));
    let weekly: Vec<Option<f64>> = first.weeks.iter().map(|w| w.value).collect();
    assert_eq!(
        weekly,
        vec![Some(0.0), Some(0.0), Some(2.0)],
        "found in the week of 9 March"
    );
    let load = &e.rows[1];
    assert_eq!(
        (load.escaped, load.runs, load.pass_rate),
        (0, 1, Some(100.0))
    );
    assert_eq!(e.rows.len(), 2, "a deploy is not a test");
}

#[test]
fn an_empty_board_has_no_numbers_and_no_tiers() {
    let i = compute(&Facts::default(), since(), today());
    assert_eq!(i.delivery.deployment_frequency.tier, None);
    assert_eq!(i.delivery.lead_time.value, None);
    assert_eq!(i.flow.run_cost, None);
    assert!(i.controls.stretches.is_empty());
}

#[test]
fn tiers_follow_the_research_thresholds() {
    assert_eq!(tier_frequency(10.0), Tier::Elite);
    assert_eq!(tier_frequency(0.1), Tier::Low);
    assert_eq!(tier_lead_time(2.0), Tier::Elite);
    assert_eq!(tier_lead_time(24.0 * 40.0), Tier::Low);
    assert_eq!(tier_failure(10.0), Tier::Elite);
    assert_eq!(tier_restore(0.5), Tier::Elite);
    assert_eq!(tier_restore(24.0 * 8.0), Tier::Low);
}

#[test]
fn lead_time_counts_only_the_releases_that_stayed_live() {
    let mut f = facts();
    // FB-3 done on the 5th at 09:00, live with 1.1.0 on the 9th at 10:00, rolled back at
    // 12:00 (done again), and live for good with the fix on the 11th at 09:00.
    f.transitions.extend([
        t(3, at(5, 9), State::Done),
        t(3, at(9, 10), State::Released),
        t(3, at(9, 12), State::Done),
        t(3, at(11, 9), State::Released),
    ]);
    let i = compute(&f, since(), today());
    // FB-1's 35 hours and FB-3's: the rolled-back release's 97 hours is not a lead time.
    assert_eq!(i.delivery.lead_time.over, 2);
    // FB-3 alone: 6 days from its first done, not 45 hours from the rollback.
    f.transitions.retain(|(_, t)| t.item == 3);
    let i = compute(&f, since(), today());
    assert_eq!(i.delivery.lead_time.value, Some(144.0));
}
