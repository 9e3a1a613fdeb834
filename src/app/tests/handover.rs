use super::*;

mod handover_keys {
    use super::*;
    use crate::domain::handover::{Act, Check, Handover, HandoverState, Template};

    fn board() -> AppState {
        let mut s = super::board(1);
        let checks: Vec<Check> = Template::standard()
            .items
            .iter()
            .map(Check::from_template)
            .collect();
        s.handovers = vec![Handover {
            project: "permits".into(),
            state: HandoverState::InProgress,
            started: Some(now()),
            checks,
        }];
        press(&mut s, "5");
        s
    }

    #[test]
    fn the_keys_submit_accept_reject_and_waive_the_selected_item() {
        let mut s = board();
        assert_eq!(s.context(), Context::Handover);
        press(&mut s, "e");
        press(&mut s, "wiki/runbooks");
        assert_eq!(
            code(&mut s, KeyCode::Enter),
            [Effect::HandoverAct {
                seen: Some(0),
                project: "permits".into(),
                key: "runbooks".into(),
                act: Act::Submit {
                    evidence: "wiki/runbooks".into()
                }
            }]
        );
        press(&mut s, "j");
        acting(&mut s, "omar", Role::ServiceManager);
        assert_eq!(
            press(&mut s, "a"),
            [Effect::HandoverAct {
                seen: Some(0),
                project: "permits".into(),
                key: "monitoring".into(),
                act: Act::Accept
            }]
        );
        press(&mut s, "w");
        press(&mut s, "2026-03-20 after the pen test");
        let until = chrono::NaiveDate::from_ymd_opt(2026, 3, 20).unwrap();
        assert_eq!(
            code(&mut s, KeyCode::Enter),
            [Effect::HandoverAct {
                seen: Some(0),
                project: "permits".into(),
                key: "monitoring".into(),
                act: Act::Waive {
                    reason: "after the pen test".into(),
                    until
                }
            }]
        );
        press(&mut s, "w");
        press(&mut s, "soon");
        assert!(code(&mut s, KeyCode::Enter).is_empty());
        assert!(refused(&s).contains("is not a date"));
        assert_eq!(typed_text(&s), "soon", "the text is kept");
        code(&mut s, KeyCode::Esc);
        assert_eq!(
            press(&mut s, "s"),
            [Effect::StartHandover("permits".into())]
        );
    }
}
