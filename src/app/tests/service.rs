use super::*;

mod service_keys {
    use super::*;
    use crate::domain::incident::{Incident, IncidentState, Priority, Step};

    fn incident(n: u32, priority: Priority) -> Incident {
        Incident {
            id: format!("INC-{n}"),
            title: format!("incident {n}"),
            priority,
            project: "permits".into(),
            release: None,
            team: Team::Ams,
            state: IncidentState::New,
            assignee: None,
            hold: None,
            opened: now(),
            resolved: None,
            opened_by: "sam".into(),
            revision: 40 + n as i64,
            sla: None,
        }
    }

    pub(super) fn board() -> AppState {
        let mut s = super::board(1);
        s.incidents = vec![incident(1, Priority::P1), incident(2, Priority::P3)];
        press(&mut s, "6");
        s
    }

    #[test]
    fn the_keys_take_hold_resolve_close_and_ticket_the_selected_incident() {
        let mut s = board();
        acting(&mut s, "omar", Role::ServiceManager);
        assert_eq!(s.context(), Context::Service);
        let take = |id: &str, step| Effect::IncidentStep {
            id: id.into(),
            step,
            seen: Some(if id == "INC-1" { 41 } else { 42 }),
        };
        assert_eq!(press(&mut s, "t"), [take("INC-1", Step::Take)]);
        press(&mut s, "j");
        assert_eq!(press(&mut s, "R"), [take("INC-2", Step::Resolve)]);
        assert_eq!(press(&mut s, "C"), [take("INC-2", Step::Close)]);
        press(&mut s, "jjj");
        assert_eq!(s.service.incident, 1, "the selection stays on the list");
        // Only an incident being worked goes on hold: a new one is refused before the reason.
        press(&mut s, "z");
        assert!(s.overlay.is_none());
        assert!(s.flash.as_ref().unwrap().text.contains("INC-2 is new"));
        s.incidents[1].state = IncidentState::InProgress;
        press(&mut s, "z");
        press(&mut s, "waiting on the vendor");
        assert_eq!(
            code(&mut s, KeyCode::Enter),
            [take(
                "INC-2",
                Step::Hold {
                    reason: "waiting on the vendor".into()
                }
            )]
        );
        press(&mut s, "A");
        press(&mut s, "lee");
        assert_eq!(
            code(&mut s, KeyCode::Enter),
            [take("INC-2", Step::Assign { to: "lee".into() })]
        );
        press(&mut s, "k");
        assert_eq!(
            press(&mut s, "T"),
            [Effect::Ticket {
                id: "INC-1".into(),
                kind: crate::domain::Kind::Defect
            }]
        );
        assert_eq!(
            press(&mut s, "E"),
            [Effect::Ticket {
                id: "INC-1".into(),
                kind: crate::domain::Kind::Enhancement
            }]
        );
    }

    #[test]
    fn n_reads_a_priority_then_a_title_and_refuses_a_bad_priority() {
        let mut s = board();
        press(&mut s, "n");
        // The prompt starts with "P3 ": clear it and type our own.
        for _ in 0..3 {
            code(&mut s, KeyCode::Backspace);
        }
        press(&mut s, "p2 Payments fail at step 3");
        assert_eq!(
            code(&mut s, KeyCode::Enter),
            [Effect::LogIncident {
                priority: Priority::P2,
                title: "Payments fail at step 3".into()
            }]
        );
        press(&mut s, "n");
        for _ in 0..3 {
            code(&mut s, KeyCode::Backspace);
        }
        press(&mut s, "P9 oops");
        assert!(code(&mut s, KeyCode::Enter).is_empty());
        assert!(
            refused(&s).contains("P1"),
            "a bad priority is refused with the words that would do"
        );
        assert_eq!(typed_text(&s), "P9 oops");
        code(&mut s, KeyCode::Esc);
        press(&mut s, "n");
        code(&mut s, KeyCode::Enter);
        assert!(refused(&s).contains("title"), "a priority alone is refused");
    }

    #[test]
    fn the_detail_pane_asks_once_for_the_selected_incidents_history() {
        let mut s = super::board(1);
        s.incidents = vec![incident(1, Priority::P1), incident(2, Priority::P3)];
        let load = |id: &str| Effect::LoadHistory {
            entity: "incident",
            id: id.into(),
        };
        assert!(press(&mut s, "6").contains(&load("INC-1")));
        assert!(!press(&mut s, "k").contains(&load("INC-1")), "asked once");
        assert!(press(&mut s, "j").contains(&load("INC-2")));
        update(&mut s, Msg::History("INC-2".into(), vec![]));
        update(
            &mut s,
            Msg::History(
                "INC-1".into(),
                vec![crate::domain::Event::new(
                    now(),
                    "sam",
                    "incident",
                    "INC-1",
                    "take",
                )],
            ),
        );
        assert!(
            s.history.is_empty(),
            "a late answer for another record is dropped"
        );
    }

    #[test]
    fn an_empty_list_does_nothing_on_the_step_keys() {
        let mut s = board();
        s.incidents.clear();
        for key in ["t", "R", "C", "T", "E", "z", "A"] {
            assert!(press(&mut s, key).is_empty(), "{key} on an empty list");
        }
        assert!(s.overlay.is_none());
    }
}

mod problem_keys {
    use super::*;
    use crate::domain::problem::{Problem, ProblemState, Step};

    fn board() -> AppState {
        let mut s = super::service_keys::board();
        s.problems = vec![Problem {
            id: "PRB-1".into(),
            title: "sessions expire".into(),
            state: ProblemState::Investigating,
            workaround: None,
            incidents: vec!["INC-1".into()],
            opened: now(),
            opened_by: "sam".into(),
            resolved: None,
            revision: 50,
        }];
        s
    }

    #[test]
    fn p_raises_a_problem_from_the_selected_incident() {
        let mut s = board();
        acting(&mut s, "omar", Role::ServiceManager);
        press(&mut s, "jp");
        press(&mut s, "quota reached");
        assert_eq!(
            code(&mut s, KeyCode::Enter),
            [Effect::RaiseProblem {
                title: "quota reached".into(),
                incidents: vec!["INC-2".into()]
            }]
        );
    }

    #[test]
    fn the_bracket_shows_the_problems_and_their_keys_work_on_the_selected_one() {
        let mut s = board();
        acting(&mut s, "omar", Role::ServiceManager);
        press(&mut s, "]");
        assert!(s.service.problems);
        assert_eq!(s.context(), Context::Problems);
        assert!(press(&mut s, "t").is_empty(), "t takes incidents only");
        let on = |step| Effect::ProblemStep {
            id: "PRB-1".into(),
            step,
            seen: Some(50),
        };
        assert_eq!(press(&mut s, "f"), [on(Step::Fix)]);
        assert_eq!(press(&mut s, "i"), [on(Step::Investigate)]);
        assert_eq!(press(&mut s, "R"), [on(Step::Resolve)]);
        assert_eq!(press(&mut s, "C"), [on(Step::Close)]);
        press(&mut s, "K");
        press(&mut s, "retry after two minutes");
        assert_eq!(
            code(&mut s, KeyCode::Enter),
            [on(Step::KnownError {
                workaround: "retry after two minutes".into()
            })]
        );
        assert_eq!(
            press(&mut s, "E"),
            [Effect::ProblemTicket {
                id: "PRB-1".into(),
                kind: crate::domain::Kind::Enhancement
            }]
        );
        press(&mut s, "n");
        press(&mut s, "a cause");
        assert_eq!(
            code(&mut s, KeyCode::Enter),
            [Effect::RaiseProblem {
                title: "a cause".into(),
                incidents: vec![]
            }]
        );
        press(&mut s, "[");
        assert!(!s.service.problems);
    }
}

mod hypercare_keys {
    use super::*;
    use crate::domain::hypercare::Hypercare;

    #[test]
    fn h_closes_and_d_extends_the_shown_hypercare() {
        let mut s = super::service_keys::board();
        acting(&mut s, "omar", Role::ServiceManager);
        press(&mut s, "H");
        assert!(
            s.flash
                .as_ref()
                .unwrap()
                .text
                .contains("No hypercare is open"),
            "without hypercare the keys say why nothing happens"
        );
        s.hypercare = vec![Hypercare::start("1.0.0", "permits", 14, now())];
        assert_eq!(
            press(&mut s, "H"),
            [Effect::CloseHypercare {
                version: "1.0.0".into(),
                seen: Some(0)
            }]
        );
        press(&mut s, "D");
        press(&mut s, "2027-01-10 renewals peak");
        assert_eq!(
            code(&mut s, KeyCode::Enter),
            [Effect::ExtendHypercare {
                version: "1.0.0".into(),
                until: chrono::NaiveDate::from_ymd_opt(2027, 1, 10).unwrap(),
                reason: "renewals peak".into(),
                seen: Some(0),
            }]
        );
        press(&mut s, "D");
        press(&mut s, "January");
        assert!(code(&mut s, KeyCode::Enter).is_empty());
        assert!(refused(&s).contains("is not a date"));
    }

    #[test]
    fn with_two_projects_in_hypercare_the_keys_act_on_the_selected_incidents() {
        let mut s = super::service_keys::board();
        s.hypercare = vec![
            Hypercare::start("3.0.0", "parking", 14, now()),
            Hypercare::start("1.0.0", "permits", 14, now()),
        ];
        // The incidents are of permits: its hypercare, though parking's is newer.
        assert_eq!(
            press(&mut s, "H"),
            [Effect::CloseHypercare {
                version: "1.0.0".into(),
                seen: Some(0)
            }]
        );
        s.incidents[0].project = "parking".into();
        press(&mut s, "k");
        assert_eq!(
            press(&mut s, "H"),
            [Effect::CloseHypercare {
                version: "3.0.0".into(),
                seen: Some(0)
            }]
        );
        // An incident of a project out of hypercare: the newest open one.
        s.incidents[0].project = "bau".into();
        assert_eq!(
            press(&mut s, "H"),
            [Effect::CloseHypercare {
                version: "3.0.0".into(),
                seen: Some(0)
            }]
        );
    }
}

mod rotation_keys {
    use super::*;

    #[test]
    fn o_asks_for_a_rotation_and_refuses_what_it_cannot_read() {
        let mut s = super::service_keys::board();
        press(&mut s, "O");
        press(&mut s, "tom ams 2026-03-02 2026-03-08");
        let day = |d| chrono::NaiveDate::from_ymd_opt(2026, 3, d).unwrap();
        assert_eq!(
            code(&mut s, KeyCode::Enter),
            [Effect::Rotate {
                name: "tom".into(),
                team: Team::Ams,
                from: day(2),
                to: day(8)
            }]
        );
        for bad in [
            "tom ams",
            "tom ops 2026-03-02 2026-03-08",
            "tom ams soon later",
        ] {
            press(&mut s, "O");
            press(&mut s, bad);
            assert!(code(&mut s, KeyCode::Enter).is_empty(), "{bad}");
            assert!(!refused(&s).is_empty(), "{bad} is refused with a message");
            assert_eq!(typed_text(&s), bad);
            code(&mut s, KeyCode::Esc);
        }
    }
}

#[test]
fn bang_changes_an_incidents_priority_asking_the_new_one_then_why() {
    let mut s = service_keys::board();
    press(&mut s, "!");
    assert!(s.overlay.is_none(), "only a service manager: told at once");
    acting(&mut s, "omar", Role::ServiceManager);
    press(&mut s, "!");
    press(&mut s, "P1 the outage spread");
    let fx = code(&mut s, KeyCode::Enter);
    assert!(
        matches!(
            &fx[..],
            [Effect::IncidentStep {
                step: crate::domain::incident::Step::Priority { .. },
                ..
            }]
        ),
        "{fx:?}"
    );
    press(&mut s, "!");
    press(&mut s, "P1");
    code(&mut s, KeyCode::Enter);
    assert!(refused(&s).contains("needs a reason"));
}
