use super::*;

mod kanban_keys {
    use super::*;
    use crate::domain::kanban::{Column, ColumnLimit, WipMode};

    /// Items 1-3 queued, 4-5 in progress (limit 2, so full), 6 in review, for team ams.
    fn board() -> AppState {
        let mut s = super::board(6);
        for i in 0..s.items.len() {
            change(&mut s, i, |it| {
                it.team = Some(Team::Ams);
                it.state = match i {
                    0..=2 => State::Queued,
                    3 | 4 => State::InProgress,
                    _ => State::Review,
                };
                it.assignee = (i >= 3).then(|| "sam".to_string());
            });
        }
        s.columns = ColumnLimit::defaults();
        s.columns[1].limit = Some(2);
        s.me = Actor::person(&people()[1]);
        crate::app::tabs::kanban::refresh(&mut s);
        press(&mut s, "3");
        s
    }

    #[test]
    fn u_after_a_change_it_cannot_take_back_says_so() {
        let mut s = board();
        press(&mut s, "lw");
        for _ in 0..12 {
            code(&mut s, KeyCode::Backspace);
        }
        press(&mut s, "4");
        assert!(matches!(
            code(&mut s, KeyCode::Enter)[..],
            [Effect::SetWip(_)]
        ));
        assert!(press(&mut s, "u").is_empty());
        let flash = s.flash.clone().unwrap();
        assert!(flash.error);
        assert!(
            flash
                .text
                .contains("Your last change (a Kanban setting) has no undo"),
            "{}",
            flash.text
        );
    }

    #[test]
    fn number_keys_and_tab_switch_tabs() {
        let mut s = board();
        assert_eq!(s.tab, crate::app::Tab::Kanban);
        assert_eq!(s.context(), Context::Kanban);
        code(&mut s, KeyCode::Tab);
        assert_eq!(s.tab, crate::app::Tab::Pipeline);
        code(&mut s, KeyCode::Tab);
        assert_eq!(s.tab, crate::app::Tab::Handover);
        code(&mut s, KeyCode::Tab);
        assert_eq!(s.tab, crate::app::Tab::Service);
        code(&mut s, KeyCode::Tab);
        assert_eq!(s.tab, crate::app::Tab::Insights);
        code(&mut s, KeyCode::Tab);
        assert_eq!(s.tab, crate::app::Tab::Backlog, "Tab wraps around");
        update(
            &mut s,
            Msg::Key(KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT)),
        );
        assert_eq!(s.tab, crate::app::Tab::Insights);
        press(&mut s, "6");
        assert_eq!(s.context(), Context::Service);
        press(&mut s, "1");
        assert_eq!(s.tab, crate::app::Tab::Backlog);
    }

    #[test]
    fn the_selection_stays_on_the_board() {
        let mut s = board();
        press(&mut s, "jjjjj");
        assert_eq!((s.kanban.column, s.kanban.row), (0, 2));
        press(&mut s, "llll");
        assert_eq!((s.kanban.column, s.kanban.row), (3, 0));
        press(&mut s, "h");
        assert_eq!(
            crate::app::tabs::kanban::selected(&s).unwrap().id,
            ItemId(6)
        );
        press(&mut s, "h");
        assert_eq!(
            crate::app::tabs::kanban::selected(&s).unwrap().id,
            ItemId(4)
        );
    }

    #[test]
    fn a_pull_into_a_full_reasoned_column_asks_why_then_overrides() {
        let mut s = board();
        assert!(press(&mut s, "p").is_empty());
        let Some(Overlay::Prompt { question, .. }) = &s.overlay else {
            panic!("no prompt")
        };
        assert!(
            question.starts_with("In progress is at its limit (2 of 2)"),
            "{question}"
        );
        press(&mut s, "P1");
        let fx = code(&mut s, KeyCode::Enter);
        assert_eq!(
            fx,
            [Effect::Pull {
                id: Some(ItemId(1)),
                over: Some("P1".into())
            }]
        );
    }

    #[test]
    fn a_strict_column_refuses_at_once_and_people_other_than_ams_engineers_cannot_pull() {
        let mut s = board();
        s.columns[1].mode = WipMode::Strict;
        crate::app::tabs::kanban::refresh(&mut s);
        assert!(press(&mut s, "p").is_empty());
        assert!(s.overlay.is_none());
        assert!(s.flash.as_ref().unwrap().text.contains("strict"));
        s.me = Actor::person(&people()[0]);
        press(&mut s, "p");
        assert!(
            s.flash
                .as_ref()
                .unwrap()
                .text
                .starts_with("Only an ams-engineer may pull")
        );
    }

    #[test]
    fn shift_l_and_shift_h_move_cards_along_their_transitions() {
        let mut s = board();
        // FB-6 in review is another's work: sam may send it back.
        change(&mut s, 5, |it| it.assignee = Some("tom".into()));
        crate::app::tabs::kanban::refresh(&mut s);
        press(&mut s, "l");
        let right = KeyEvent::new(KeyCode::Char('L'), KeyModifiers::SHIFT);
        assert_eq!(
            update(&mut s, Msg::Key(right)),
            [Effect::KanbanMove {
                id: ItemId(4),
                to: Column::Review,
                over: None,
                version: 1
            }]
        );
        press(&mut s, "l");
        let left = KeyEvent::new(KeyCode::Left, KeyModifiers::SHIFT);
        assert!(
            update(&mut s, Msg::Key(left)).is_empty(),
            "In progress is full: it asks why"
        );
        assert!(
            matches!(s.overlay, Some(Overlay::Prompt { .. })),
            "{:?}",
            s.flash
        );
        code(&mut s, KeyCode::Esc);
        // Its own work in review, sam is told at once that another must send it back.
        press(&mut s, "h");
        change(&mut s, 5, |it| it.assignee = Some("sam".into()));
        crate::app::tabs::kanban::refresh(&mut s);
        press(&mut s, "l");
        update(&mut s, Msg::Key(left));
        assert!(
            s.overlay.is_none(),
            "no reason is asked for a move the rules refuse"
        );
        assert!(
            s.flash
                .as_ref()
                .unwrap()
                .text
                .contains("nobody reviews their own work")
        );
        press(&mut s, "l");
        assert!(press(&mut s, "L").is_empty(), "nothing in Done");
    }

    #[test]
    fn w_sets_a_columns_limit_and_mode() {
        let mut s = board();
        press(&mut s, "lw");
        for _ in 0..12 {
            code(&mut s, KeyCode::Backspace);
        }
        press(&mut s, "4 strict");
        let fx = code(&mut s, KeyCode::Enter);
        assert_eq!(
            fx,
            [Effect::SetWip(ColumnLimit {
                column: Column::InProgress,
                limit: Some(4),
                mode: WipMode::Strict
            })]
        );
        press(&mut s, "w");
        for _ in 0..12 {
            code(&mut s, KeyCode::Backspace);
        }
        press(&mut s, "lots");
        assert!(code(&mut s, KeyCode::Enter).is_empty());
        assert!(refused(&s).contains("'lots' is not a limit"));
        assert_eq!(typed_text(&s), "lots");
    }

    #[test]
    fn a_question_is_asked_only_of_what_the_rules_would_take_and_keeps_a_bad_answer() {
        let mut s = board();
        // A blocked card at a full column: the block is said, no reason for the limit asked.
        change(&mut s, 0, |it| it.blocked = Some("vendor".into()));
        crate::app::tabs::kanban::refresh(&mut s);
        update(
            &mut s,
            Msg::Key(KeyEvent::new(KeyCode::Char('L'), KeyModifiers::SHIFT)),
        );
        assert!(s.overlay.is_none(), "{:?}", s.overlay);
        assert!(
            s.flash
                .as_ref()
                .unwrap()
                .text
                .contains("is blocked (vendor)")
        );
        // A limit is set by the maintenance team: others are told before typing one.
        acting(&mut s, "priya", Role::ProductOwner);
        press(&mut s, "w");
        assert!(s.overlay.is_none());
        assert!(s.flash.as_ref().unwrap().text.contains("ams-engineer"));
        // A mode that does not read keeps the prompt, the text and says what would.
        acting(&mut s, "sam", Role::AmsEngineer);
        press(&mut s, "w");
        for _ in 0..20 {
            code(&mut s, KeyCode::Backspace);
        }
        press(&mut s, "2 reasonedp");
        assert!(code(&mut s, KeyCode::Enter).is_empty());
        let why = refused(&s);
        assert!(why.contains("strict") && why.contains("reasoned"), "{why}");
        assert_eq!(typed_text(&s), "2 reasonedp");
        code(&mut s, KeyCode::Backspace);
        assert!(
            matches!(&s.overlay, Some(Overlay::Prompt { error: None, .. })),
            "typing clears the message"
        );
        assert!(matches!(
            code(&mut s, KeyCode::Enter)[..],
            [Effect::SetWip(_)]
        ));
    }

    #[test]
    fn enter_opens_the_cards_detail_which_follows_the_selection() {
        let mut s = board();
        press(&mut s, "l");
        assert_eq!(
            code(&mut s, KeyCode::Enter),
            [Effect::LoadDetail(ItemId(4))]
        );
        assert!(matches!(&s.detail, Some(d) if d.tab == Tab::Kanban && d.id == ItemId(4)));
        assert_eq!(press(&mut s, "j"), [Effect::LoadDetail(ItemId(5))]);
        // The Backlog does not show the Kanban's pane, nor close it.
        press(&mut s, "1");
        code(&mut s, KeyCode::Esc);
        assert!(s.detail.is_some());
        press(&mut s, "3");
        code(&mut s, KeyCode::Esc);
        assert!(s.detail.is_none());
    }
}

#[test]
fn the_kanban_tab_shows_the_operations_review_queue_and_records_a_review() {
    use crate::domain::ops::{Concern, OpsReview};
    let mut s = board(4);
    let flagged = |n: u32, at: i64| OpsReview {
        item: ItemId(n),
        concerns: vec![Concern::Schema],
        criteria: if n == 3 {
            "backfill in batches".into()
        } else {
            String::new()
        },
        flagged_by: "priya".into(),
        flagged: now() - chrono::Duration::days(at),
        reviewer: None,
        reviewed: None,
        note: String::new(),
    };
    s.ops = vec![flagged(1, 1), flagged(3, 2)];
    crate::app::tabs::kanban::refresh(&mut s);
    press(&mut s, "3");
    assert_eq!(s.context(), Context::Kanban);
    press(&mut s, "o");
    assert_eq!(s.context(), Context::OpsReviews);
    // Oldest flag first: FB-3, then FB-1.
    let queue: Vec<u32> = s.kanban.queue.iter().map(|(r, _)| r.item.0).collect();
    assert_eq!(queue, vec![3, 1]);
    // A product owner may not review: the message says who may.
    assert!(press(&mut s, "R").is_empty());
    assert!(s.flash.as_ref().unwrap().text.contains("ams-engineer"));
    s.me = Actor::person(&people()[1]);
    press(&mut s, "R");
    match &s.overlay {
        Some(Overlay::Prompt { input, .. }) => assert_eq!(input.text, "backfill in batches"),
        other => panic!("expected the criteria prompt, got {other:?}"),
    }
    press(&mut s, " and a rollback script");
    let fx = code(&mut s, KeyCode::Enter);
    assert_eq!(
        fx,
        [Effect::ReviewOps {
            id: ItemId(3),
            criteria: "backfill in batches and a rollback script".into()
        }]
    );
    press(&mut s, "j");
    assert_eq!(s.kanban.review_row, 1);
    press(&mut s, "j");
    assert_eq!(s.kanban.review_row, 1, "the selection stays on the queue");
    code(&mut s, KeyCode::Esc);
    assert_eq!(s.context(), Context::Kanban);
}

#[test]
fn a_freed_column_says_what_fills_it() {
    let mut s = board(1);
    update(&mut s, Msg::Said("FB-6 is now in Done.".into()));
    update(&mut s, Msg::Freed(crate::domain::kanban::Column::Review));
    let said = s.flash.clone().unwrap().text;
    assert_eq!(
        said,
        "FB-6 is now in Done. Review has room: move a card on from In progress (L)."
    );
    assert_eq!(s.said.last().unwrap().text, said, "one message, not two");
    update(
        &mut s,
        Msg::Freed(crate::domain::kanban::Column::InProgress),
    );
    assert!(
        s.flash
            .clone()
            .unwrap()
            .text
            .ends_with("In progress has room: pull the next card (p).")
    );
}
