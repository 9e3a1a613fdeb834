use super::*;

mod sprint_keys {
    use super::*;
    use crate::domain::sprint::{Carry, Sprint, SprintState};
    use chrono::NaiveDate;

    fn sprint(name: &str, state: SprintState) -> Sprint {
        Sprint {
            name: name.into(),
            project: "permits".into(),
            goal: String::new(),
            start: NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
            end: NaiveDate::from_ymd_opt(2026, 3, 13).unwrap(),
            state,
            commitment: None,
            completed: None,
        }
    }

    /// Items 1-2 planned in S2 (active), 3 in progress (tom's), 4 ready in the backlog.
    fn board() -> AppState {
        let mut s = super::board(4);
        for i in 0..s.items.len() {
            change(&mut s, i, |it| {
                it.team = Some(Team::Appdev);
                it.project = "permits".into();
                it.state = [
                    State::Planned,
                    State::Planned,
                    State::InProgress,
                    State::Ready,
                ][i];
                it.sprint = (i < 3).then(|| "S2".to_string());
                it.assignee = (i == 2).then(|| "tom".to_string());
            });
        }
        s.sprints = vec![
            sprint("S1", SprintState::Closed),
            sprint("S2", SprintState::Active),
            sprint("S3", SprintState::Future),
        ];
        s.delivery_projects = vec!["permits".into()];
        crate::app::tabs::sprint::refresh(&mut s);
        s
    }

    #[test]
    fn the_tab_opens_on_the_active_sprint_and_loads_its_burndown() {
        let mut s = board();
        assert_eq!(press(&mut s, "2"), [Effect::LoadBurndown("S2".into())]);
        assert_eq!(s.context(), Context::Sprint);
        assert_eq!(s.sprint.board.columns[0].len(), 2);
        assert_eq!(press(&mut s, "]"), [Effect::LoadBurndown("S3".into())]);
        assert_eq!(press(&mut s, "["), [Effect::LoadBurndown("S2".into())]);
    }

    #[test]
    fn shift_l_starts_submits_and_approves_and_shift_j_reorders() {
        let mut s = board();
        press(&mut s, "2");
        let right = || Msg::Key(KeyEvent::new(KeyCode::Char('L'), KeyModifiers::SHIFT));
        assert_eq!(
            update(&mut s, right()),
            [Effect::Apply {
                id: ItemId(1),
                cmd: ItemCommand::Start,
                version: 1
            }]
        );
        assert_eq!(
            update(
                &mut s,
                Msg::Key(KeyEvent::new(KeyCode::Char('J'), KeyModifiers::SHIFT))
            ),
            [Effect::Rank {
                id: ItemId(1),
                mv: RankMove::After(ItemId(2)),
                version: 1
            }]
        );
        press(&mut s, "l");
        assert_eq!(
            update(&mut s, right()),
            [Effect::Apply {
                id: ItemId(3),
                cmd: ItemCommand::Submit,
                version: 1
            }]
        );
        let left = Msg::Key(KeyEvent::new(KeyCode::Char('H'), KeyModifiers::SHIFT));
        assert!(update(&mut s, left).is_empty());
        assert!(
            s.flash
                .as_ref()
                .unwrap()
                .text
                .contains("moves back only from review")
        );
    }

    #[test]
    fn completing_asks_where_unfinished_items_go() {
        let mut s = board();
        press(&mut s, "2");
        update(
            &mut s,
            Msg::Key(KeyEvent::new(KeyCode::Char('C'), KeyModifiers::SHIFT)),
        );
        assert_eq!(s.context(), Context::Prompt);
        for _ in 0..7 {
            code(&mut s, KeyCode::Backspace);
        }
        press(&mut s, "next");
        assert_eq!(
            code(&mut s, KeyCode::Enter),
            [Effect::CompleteSprint {
                name: "S2".into(),
                carry: Carry::Next,
                seen: Some(0),
            }]
        );
        press(&mut s, "]");
        update(
            &mut s,
            Msg::Key(KeyEvent::new(KeyCode::Char('C'), KeyModifiers::SHIFT)),
        );
        assert!(
            s.flash
                .as_ref()
                .unwrap()
                .text
                .contains("only the active sprint is completed")
        );
    }

    #[test]
    fn s_plans_the_selected_backlog_item_into_its_projects_open_sprint() {
        let mut s = board();
        press(&mut s, "G");
        let fx = update(
            &mut s,
            Msg::Key(KeyEvent::new(KeyCode::Char('S'), KeyModifiers::SHIFT)),
        );
        assert_eq!(
            fx,
            [Effect::Plan {
                sprint: "S2".into(),
                id: ItemId(4),
                seen: Some(0),
            }]
        );
        s.sprints.retain(|x| x.state == SprintState::Closed);
        let fx = update(
            &mut s,
            Msg::Key(KeyEvent::new(KeyCode::Char('S'), KeyModifiers::SHIFT)),
        );
        assert!(fx.is_empty());
        assert!(
            s.flash
                .as_ref()
                .unwrap()
                .text
                .contains("has no open sprint")
        );
    }

    #[test]
    fn n_opens_the_sprint_form_and_enter_adds_the_sprint() {
        let mut s = board();
        press(&mut s, "2n");
        assert_eq!(s.context(), Context::Form);
        let Effect::AddSprint(new) = code(&mut s, KeyCode::Enter).remove(0) else {
            panic!("no sprint added")
        };
        assert_eq!(
            (new.name.as_str(), new.project.as_str()),
            ("Sprint 4", "permits")
        );
        assert_eq!(new.end - new.start, chrono::Duration::days(13));
    }
}
