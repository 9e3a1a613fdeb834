use super::*;
use crate::domain::Role;
use chrono::TimeZone;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap()
}
fn who(name: &str, role: Role) -> Actor {
    Actor {
        name: name.into(),
        roles: vec![role],
        automation: false,
    }
}
fn checks() -> Vec<Check> {
    Template::standard()
        .items
        .iter()
        .map(Check::from_template)
        .collect()
}

#[test]
fn the_standard_template_reads_and_has_the_items_the_issue_names() {
    let t = Template::standard();
    let keys: Vec<&str> = t.items.iter().map(|i| i.key.as_str()).collect();
    for key in [
        "runbooks",
        "monitoring",
        "contacts",
        "known-errors",
        "documentation",
        "access",
        "service-levels",
        "backup-restore",
        "capacity",
        "security",
        "hypercare",
    ] {
        assert!(keys.contains(&key), "{key}");
    }
    assert!(
        Template::parse("[[item]]\nkey = 3\n")
            .unwrap_err()
            .to_string()
            .contains("line 2")
    );
}

#[test]
fn the_state_follows_the_mandatory_items() {
    let mut c = checks();
    assert_eq!(overall(false, &c), HandoverState::NotStarted);
    assert_eq!(overall(true, &c), HandoverState::InProgress);
    for x in c.iter_mut() {
        x.state = CheckState::Accepted;
    }
    let capacity = c.iter().position(|x| x.key == "capacity").unwrap();
    c[capacity].state = CheckState::Rejected;
    assert_eq!(
        overall(true, &c),
        HandoverState::Accepted,
        "an optional item does not hold it up"
    );
    c[0].state = CheckState::Waived;
    assert_eq!(overall(true, &c), HandoverState::ConditionallyAccepted);
    c[1].state = CheckState::Submitted;
    assert_eq!(overall(true, &c), HandoverState::InProgress);
    assert_eq!(open(&c).len(), 1);
}

#[test]
fn it_starts_once_a_release_reached_preprod() {
    let err = start("permits", false, &who("tom", Role::Developer), now()).unwrap_err();
    assert!(
        err.to_string().contains("has reached pre-production yet"),
        "{err}"
    );
    assert!(start("permits", true, &who("tom", Role::Developer), now()).is_ok());
    assert!(start("permits", true, &who("grace", Role::Tester), now()).is_err());
}

#[test]
fn the_team_submits_and_another_service_manager_decides() {
    let c = checks().remove(0);
    let tom = who("tom", Role::Developer);
    let omar = who("omar", Role::ServiceManager);
    assert!(
        act("p", &c, &Act::Accept, &omar, now())
            .unwrap_err()
            .to_string()
            .contains("only submitted items are accepted")
    );
    assert!(
        act(
            "p",
            &c,
            &Act::Submit {
                evidence: " ".into()
            },
            &tom,
            now()
        )
        .is_err()
    );
    assert!(
        act(
            "p",
            &c,
            &Act::Submit {
                evidence: "wiki/runbooks".into()
            },
            &omar,
            now()
        )
        .is_err()
    );
    let (submitted, e) = act(
        "p",
        &c,
        &Act::Submit {
            evidence: "wiki/runbooks".into(),
        },
        &tom,
        now(),
    )
    .unwrap();
    assert_eq!(
        (submitted.state, e.action.as_str()),
        (CheckState::Submitted, "submit")
    );
    let both = Actor {
        name: "tom".into(),
        roles: vec![Role::Developer, Role::ServiceManager],
        automation: false,
    };
    let err = act("p", &submitted, &Act::Accept, &both, now()).unwrap_err();
    assert!(
        matches!(
            err,
            DomainError::NotAllowed {
                rule: "no-self-approval",
                ..
            }
        ),
        "{err}"
    );
    let (accepted, _) = act("p", &submitted, &Act::Accept, &omar, now()).unwrap();
    assert_eq!(
        (accepted.state, accepted.acceptor.as_deref()),
        (CheckState::Accepted, Some("omar"))
    );
    let (rejected, e) = act(
        "p",
        &submitted,
        &Act::Reject {
            reason: "no restore steps".into(),
        },
        &omar,
        now(),
    )
    .unwrap();
    assert_eq!(
        (rejected.state, e.reason.as_deref()),
        (CheckState::Rejected, Some("no restore steps"))
    );
    assert!(
        act(
            "p",
            &submitted,
            &Act::Reject { reason: "".into() },
            &omar,
            now()
        )
        .is_err()
    );
}

#[test]
fn a_waiver_has_a_reason_and_a_date_to_come() {
    let c = checks().remove(0);
    let omar = who("omar", Role::ServiceManager);
    let past = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let soon = NaiveDate::from_ymd_opt(2026, 3, 20).unwrap();
    assert!(
        act(
            "p",
            &c,
            &Act::Waive {
                reason: "x".into(),
                until: past
            },
            &omar,
            now()
        )
        .unwrap_err()
        .to_string()
        .contains("is past")
    );
    let (waived, _) = act(
        "p",
        &c,
        &Act::Waive {
            reason: "runbook review after go-live".into(),
            until: soon,
        },
        &omar,
        now(),
    )
    .unwrap();
    assert_eq!(
        (waived.state, waived.until),
        (CheckState::Waived, Some(soon))
    );
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    /// Some people, each with every role a handover involves, so that only the rule that
    /// nobody accepts their own submission can stop them.
    fn people() -> Vec<Actor> {
        ["tom", "aisha", "omar", "lee"]
            .iter()
            .map(|name| Actor {
                name: (*name).into(),
                roles: vec![Role::Developer, Role::ServiceManager],
                automation: false,
            })
            .collect()
    }

    fn an_act() -> impl Strategy<Value = Act> {
        prop_oneof![
            Just(Act::Submit {
                evidence: "wiki/page".into()
            }),
            Just(Act::Accept),
            Just(Act::Reject {
                reason: "not enough".into()
            }),
            Just(Act::Waive {
                reason: "after go-live".into(),
                until: NaiveDate::from_ymd_opt(2026, 4, 1).unwrap()
            }),
        ]
    }

    proptest! {
        /// Whatever people do to an item, and in whatever order, an accepted item was accepted
        /// by someone other than whoever submitted it.
        #[test]
        fn nobody_ever_accepts_their_own_submission(
            steps in prop::collection::vec((0usize..4, an_act()), 1..40)
        ) {
            let people = people();
            let mut check = checks().remove(0);
            for (who, act) in steps {
                if let Ok((next, _)) = super::act("permits", &check, &act, &people[who], now()) {
                    check = next;
                }
                if check.state == CheckState::Accepted {
                    prop_assert!(check.acceptor.is_some());
                    prop_assert_ne!(&check.acceptor, &check.submitter);
                }
            }
        }
    }
}
