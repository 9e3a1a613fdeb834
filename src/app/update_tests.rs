use super::*;
use crate::app::row::Row;
use crate::app::{AppState, Effect, Msg, Overlay, Snapshot};
use crate::domain::item::{NewItem, create};
use crate::domain::{Actor, Identity, ItemId, Person, Role, State, Team};
use chrono::{DateTime, TimeZone, Utc};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 30, 0).unwrap()
}

fn people() -> Vec<Person> {
    vec![
        Person {
            name: "priya".into(),
            roles: vec![Role::ProductOwner],
            team: Team::Appdev,
        },
        Person {
            name: "sam".into(),
            roles: vec![Role::AmsEngineer],
            team: Team::Ams,
        },
    ]
}

/// Changes the board's row `i` as a reload would bring it.
fn change(s: &mut AppState, i: usize, f: impl FnOnce(&mut crate::domain::Item)) {
    let mut item = s.items[i].item();
    f(&mut item);
    *s.items[i] = Row::of(&item);
}

fn board(n: u32) -> AppState {
    let po = Actor::person(&people()[0]);
    let keys = crate::domain::rank::spaced(n as usize);
    let items: Vec<_> = keys
        .into_iter()
        .enumerate()
        .map(|(i, key)| {
            let mut new = NewItem::titled(&format!("Item number {}", i + 1));
            new.team = Some(if i % 2 == 0 { Team::Appdev } else { Team::Ams });
            Box::new(Row::of(
                &create(new, ItemId(i as u32 + 1), key, &po, now())
                    .unwrap()
                    .0,
            ))
        })
        .collect();
    let total = items.len();
    let mut s = AppState::new("test.db", false, false, now());
    update(
        &mut s,
        Msg::Loaded(Box::new(Snapshot {
            title: "Test board".into(),
            identity: Identity::Trust,
            me: po,
            people: people(),
            projects: vec!["bau".into()],
            items,
            total,
            delivery_projects: vec![],
            ageing_days: 5,
            sprints: vec![],
            columns: crate::domain::kanban::ColumnLimit::defaults(),
            overrides: vec![],
            releases: Default::default(),
            handovers: vec![],
            incidents: vec![],
            tickets: vec![],
            problems: vec![],
            problem_tickets: vec![],
            hypercare: vec![],
            rotations: vec![],
            pds: vec![],
            ops: vec![],
            revisions: Default::default(),
            at: now(),
        })),
    );
    s
}

fn press(s: &mut AppState, keys: &str) -> Vec<Effect> {
    let mut effects = vec![];
    for c in keys.chars() {
        effects = update(
            s,
            Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
        );
    }
    effects
}

fn code(s: &mut AppState, code: KeyCode) -> Vec<Effect> {
    update(s, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn selected(s: &AppState) -> u32 {
    s.selected().unwrap().id.0
}

fn order(s: &AppState) -> Vec<u32> {
    s.items.iter().map(|i| i.id.0).collect()
}

#[test]
fn j_k_g_and_shift_g_move_the_selection() {
    let mut s = board(5);
    press(&mut s, "jj");
    assert_eq!(selected(&s), 3);
    press(&mut s, "k");
    assert_eq!(selected(&s), 2);
    press(&mut s, "G");
    assert_eq!(selected(&s), 5);
    press(&mut s, "g");
    assert_eq!(selected(&s), 1);
}

#[test]
fn shift_j_and_shift_k_ask_for_one_move_relative_to_the_neighbour() {
    let mut s = board(5);
    press(&mut s, "j");
    let fx = press(&mut s, "J");
    assert_eq!(
        fx,
        [Effect::Rank {
            id: ItemId(2),
            mv: RankMove::After(ItemId(3)),
            version: 1
        }]
    );
    let fx = update(
        &mut s,
        Msg::Key(KeyEvent::new(KeyCode::Up, KeyModifiers::SHIFT)),
    );
    assert_eq!(
        fx,
        [Effect::Rank {
            id: ItemId(2),
            mv: RankMove::Before(ItemId(1)),
            version: 1
        }]
    );
    assert_eq!(
        press(&mut s, "t"),
        [Effect::Rank {
            id: ItemId(2),
            mv: RankMove::Top,
            version: 1
        }]
    );
    press(&mut s, "g");
    assert!(press(&mut s, "K").is_empty());
    assert!(
        s.flash
            .as_ref()
            .unwrap()
            .text
            .contains("already at the top")
    );
}

#[test]
fn in_a_team_slice_moves_are_relative_to_the_items_shown() {
    let mut s = board(6);
    press(&mut s, "s"); // appdev: items 1, 3, 5
    press(&mut s, "j");
    assert_eq!(selected(&s), 3);
    assert_eq!(
        press(&mut s, "t"),
        [Effect::Rank {
            id: ItemId(3),
            mv: RankMove::Before(ItemId(1)),
            version: 1
        }]
    );
    assert_eq!(
        press(&mut s, "b"),
        [Effect::Rank {
            id: ItemId(3),
            mv: RankMove::After(ItemId(5)),
            version: 1
        }]
    );
}

#[test]
fn only_a_product_owner_may_rank_and_the_message_says_so() {
    let mut s = board(3);
    s.me = Actor::person(&people()[1]);
    assert!(press(&mut s, "J").is_empty());
    let flash = s.flash.clone().unwrap();
    assert!(flash.error);
    assert!(
        flash
            .text
            .starts_with("Only a product-owner may rank the backlog"),
        "{}",
        flash.text
    );
    assert!(press(&mut s, "m").is_empty());
    assert!(s.backlog.moving.is_none());
}

#[test]
fn a_saved_move_repositions_the_item_and_keeps_it_selected() {
    let mut s = board(4);
    press(&mut s, "G");
    let mut item = s.selected().unwrap().item();
    item.rank = crate::domain::rank::between(None, Some(s.items[0].rank()));
    item.version = 2;
    update(
        &mut s,
        Msg::Saved(Box::new(item), "FB-4 moved to the top.".into()),
    );
    assert_eq!(order(&s), [4, 1, 2, 3]);
    assert_eq!(selected(&s), 4);
    assert_eq!(s.selected().unwrap().version, 2);
}

#[test]
fn move_mode_previews_locally_and_writes_once_on_enter() {
    let mut s = board(5);
    press(&mut s, "m");
    assert_eq!(s.context(), Context::Move);
    assert!(press(&mut s, "jj").is_empty());
    assert_eq!(order(&s), [2, 3, 1, 4, 5]);
    assert_eq!(selected(&s), 1);
    let fx = code(&mut s, KeyCode::Enter);
    assert_eq!(
        fx,
        [Effect::Rank {
            id: ItemId(1),
            mv: RankMove::After(ItemId(3)),
            version: 1
        }]
    );
    // The order is the store's until the write comes back.
    assert_eq!(order(&s), [1, 2, 3, 4, 5]);
    assert_eq!(s.context(), Context::Backlog);
}

#[test]
fn escape_in_move_mode_puts_the_item_back() {
    let mut s = board(5);
    press(&mut s, "jm");
    press(&mut s, "jjk");
    assert_eq!(order(&s), [1, 3, 2, 4, 5]);
    assert!(code(&mut s, KeyCode::Esc).is_empty());
    assert_eq!(order(&s), [1, 2, 3, 4, 5]);
    assert_eq!(selected(&s), 2);
    press(&mut s, "m");
    press(&mut s, "jk");
    assert!(
        code(&mut s, KeyCode::Enter).is_empty(),
        "a move back to the start writes nothing"
    );
}

#[test]
fn the_filter_narrows_as_you_type_and_escape_clears_it() {
    let mut s = board(30);
    press(&mut s, "/");
    assert_eq!(s.context(), Context::Filter);
    press(&mut s, "number 2");
    let shown: Vec<u32> = s.backlog.visible.iter().map(|&i| s.items[i].id.0).collect();
    assert_eq!(shown, [2, 12, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29]);
    press(&mut s, "q"); // typed, not quit
    assert_eq!(s.backlog.filter.text, "number 2q");
    code(&mut s, KeyCode::Backspace);
    code(&mut s, KeyCode::Enter);
    assert_eq!(s.context(), Context::Backlog);
    assert_eq!(s.backlog.filter.text, "number 2");
    code(&mut s, KeyCode::Esc);
    assert_eq!(s.backlog.visible.len(), 30);
}

#[test]
fn cancelling_asks_yes_or_no_defaulting_to_no_then_a_reason() {
    let mut s = board(3);
    press(&mut s, "x");
    assert!(matches!(s.overlay, Some(Overlay::Confirm { .. })));
    assert!(code(&mut s, KeyCode::Enter).is_empty());
    assert!(s.overlay.is_none());
    press(&mut s, "xy");
    assert_eq!(s.context(), Context::Prompt);
    assert!(
        code(&mut s, KeyCode::Enter).is_empty(),
        "an empty reason is refused"
    );
    assert!(s.flash.as_ref().unwrap().error);
    press(&mut s, "duplicate");
    let fx = code(&mut s, KeyCode::Enter);
    assert_eq!(
        fx,
        [Effect::Apply {
            id: ItemId(1),
            cmd: ItemCommand::Cancel {
                reason: "duplicate".into()
            },
            version: 1
        }]
    );
}

#[test]
fn block_asks_why_and_unblock_does_not() {
    let mut s = board(2);
    press(&mut s, "!");
    press(&mut s, "waiting for DVLA");
    let fx = code(&mut s, KeyCode::Enter);
    assert_eq!(
        fx,
        [Effect::Apply {
            id: ItemId(1),
            cmd: ItemCommand::Block {
                reason: "waiting for DVLA".into()
            },
            version: 1
        }]
    );
    change(&mut s, 0, |i| i.blocked = Some("waiting for DVLA".into()));
    assert_eq!(
        press(&mut s, "!"),
        [Effect::Apply {
            id: ItemId(1),
            cmd: ItemCommand::Unblock,
            version: 1
        }]
    );
    assert_eq!(
        press(&mut s, "A"),
        [Effect::Apply {
            id: ItemId(1),
            cmd: ItemCommand::Accept,
            version: 1
        }]
    );
    assert_eq!(
        press(&mut s, "R"),
        [Effect::Apply {
            id: ItemId(1),
            cmd: ItemCommand::Refine,
            version: 1
        }]
    );
}

#[test]
fn the_add_form_creates_an_item_and_stays_open_on_a_refusal() {
    let mut s = board(2);
    press(&mut s, "a");
    assert_eq!(s.context(), Context::Form);
    press(&mut s, "Refund a permit");
    code(&mut s, KeyCode::Tab);
    code(&mut s, KeyCode::Right); // kind: enhancement
    let fx = code(&mut s, KeyCode::Enter);
    let [Effect::Create(new)] = fx.as_slice() else {
        panic!("{fx:?}")
    };
    assert_eq!(new.title, "Refund a permit");
    assert_eq!(new.kind, crate::domain::Kind::Enhancement);
    assert_eq!(new.team, Some(Team::Appdev));
    update(
        &mut s,
        Msg::Refused {
            message: "the title is too long".into(),
            stale: false,
        },
    );
    let Some(Overlay::Form(f)) = &s.overlay else {
        panic!("the form closed")
    };
    assert_eq!(f.error.as_deref(), Some("the title is too long"));
}

#[test]
fn edit_opens_the_form_once_the_whole_item_is_loaded() {
    let mut s = board(2);
    assert_eq!(press(&mut s, "e"), [Effect::LoadDetail(ItemId(1))]);
    let mut whole = s.items[0].item();
    whole.description = "All of it".into();
    update(&mut s, Msg::Detail(Box::new(whole), vec![]));
    let Some(Overlay::Form(f)) = &s.overlay else {
        panic!("no form")
    };
    assert_eq!(f.fields[7].text(), "All of it");
    assert!(
        code(&mut s, KeyCode::Enter).is_empty(),
        "nothing changed, nothing written"
    );
    assert!(s.overlay.is_none());
}

#[test]
fn a_stale_write_is_reported_and_the_board_reloads() {
    let mut s = board(2);
    let fx = update(
        &mut s,
        Msg::Refused {
            message: "FB-1 was changed by sam".into(),
            stale: true,
        },
    );
    assert_eq!(fx, [Effect::Reload]);
    assert!(s.flash.as_ref().unwrap().error);
}

#[test]
fn the_detail_pane_follows_the_selection() {
    let mut s = board(3);
    assert_eq!(
        code(&mut s, KeyCode::Enter),
        [Effect::LoadDetail(ItemId(1))]
    );
    assert_eq!(press(&mut s, "j"), [Effect::LoadDetail(ItemId(2))]);
    code(&mut s, KeyCode::Esc);
    assert!(s.backlog.detail.is_none());
}

#[test]
fn a_read_only_board_refuses_every_write_key_with_a_message() {
    let mut s = board(3);
    s.readonly = true;
    for k in ["J", "t", "m", "a", "e", "A", "x", "!"] {
        assert!(press(&mut s, k).is_empty(), "{k}");
        assert!(s.flash.as_ref().unwrap().text.contains("read-only"), "{k}");
        assert!(s.overlay.is_none());
    }
}

#[test]
fn a_trust_board_lets_you_act_as_another_person() {
    let mut s = board(2);
    update(
        &mut s,
        Msg::Key(KeyEvent::new(KeyCode::Char('P'), KeyModifiers::SHIFT)),
    );
    assert_eq!(s.context(), Context::People);
    press(&mut s, "j");
    code(&mut s, KeyCode::Enter);
    assert_eq!(s.me.name, "sam");
    s.identity = Identity::Os;
    press(&mut s, "P");
    assert!(s.overlay.is_none());
    assert!(s.flash.as_ref().unwrap().error);
}

#[test]
fn q_quits_and_help_opens_over_everything() {
    let mut s = board(1);
    press(&mut s, "?");
    assert_eq!(s.context(), Context::Help);
    assert!(press(&mut s, "q").is_empty());
    assert_eq!(press(&mut s, "q"), [Effect::Quit]);
    let _ = State::Triage;
}

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
        crate::app::kanban_update::refresh(&mut s);
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
            crate::app::kanban_update::selected(&s).unwrap().id,
            ItemId(6)
        );
        press(&mut s, "h");
        assert_eq!(
            crate::app::kanban_update::selected(&s).unwrap().id,
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
        crate::app::kanban_update::refresh(&mut s);
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
        assert!(matches!(s.overlay, Some(Overlay::Prompt { .. })));
        code(&mut s, KeyCode::Esc);
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
        assert!(
            s.flash
                .as_ref()
                .unwrap()
                .text
                .contains("'lots' is not a limit")
        );
    }
}

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
        crate::app::sprint_update::refresh(&mut s);
        s
    }

    #[test]
    fn the_tab_opens_on_the_active_sprint_and_loads_its_burndown() {
        let mut s = board();
        assert_eq!(press(&mut s, "2"), [Effect::LoadBurndown("S2".into())]);
        assert_eq!(s.context(), Context::Sprint);
        assert_eq!(s.sprint_board.columns[0].len(), 2);
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

mod pipeline_keys {
    use super::*;
    use crate::domain::pipeline::Pipeline;
    use crate::domain::release::Change;
    use crate::domain::release::{Release, ReleaseState, ReleaseView, Vote};

    fn release(version: &str, state: ReleaseState) -> ReleaseView {
        ReleaseView {
            release: Release {
                version: version.into(),
                project: "bau".into(),
                originator: "sam".into(),
                team: Team::Ams,
                schema_change: false,
                items: vec![ItemId(1)],
                state,
                slot: None,
                created: now(),
            },
            steps: vec![],
            acceptances: vec![],
            votes: vec![],
            restarted: false,
            defect: None,
            revision: 7,
        }
    }

    fn board() -> AppState {
        let mut s = super::board(1);
        let pipeline = Pipeline::parse("[[environment]]\nname = \"dev\"\ndeploy = \"true\"\n[[environment]]\nname = \"production\"\ndeploy = \"true\"\nblue_green = true\n").unwrap();
        s.releases.list = vec![
            release("2.0.0", ReleaseState::Built),
            release("1.0.0", ReleaseState::Shadow),
        ];
        s.releases.pipelines = vec![("bau".into(), pipeline)];
        press(&mut s, "4");
        s
    }

    #[test]
    fn r_runs_a_release_that_has_steps_left_and_only_one_at_a_time() {
        let mut s = board();
        assert_eq!(s.context(), Context::Pipeline);
        let fx = update(
            &mut s,
            Msg::Key(KeyEvent::new(KeyCode::Char('R'), KeyModifiers::SHIFT)),
        );
        assert_eq!(fx, [Effect::RunRelease("2.0.0".into())]);
        assert_eq!(
            s.running.as_deref(),
            Some("2.0.0"),
            "the app marks it running"
        );
        update(
            &mut s,
            Msg::Key(KeyEvent::new(KeyCode::Char('R'), KeyModifiers::SHIFT)),
        );
        assert!(s.flash.as_ref().unwrap().text.contains("one run at a time"));
        s.running = None;
        press(&mut s, "j");
        assert!(
            update(
                &mut s,
                Msg::Key(KeyEvent::new(KeyCode::Char('R'), KeyModifiers::SHIFT))
            )
            .is_empty()
        );
        assert!(
            s.flash
                .as_ref()
                .unwrap()
                .text
                .contains("nothing for the automation to run")
        );
        update(
            &mut s,
            Msg::RunEnded {
                text: "2.0.0 is in the shadow".into(),
                failed: false,
            },
        );
        assert_eq!(s.running, None);
    }

    #[test]
    fn a_switch_is_typed_version_first_then_a_reason() {
        let mut s = board();
        press(&mut s, "j");
        update(
            &mut s,
            Msg::Key(KeyEvent::new(KeyCode::Char('S'), KeyModifiers::SHIFT)),
        );
        press(&mut s, "1.0.1");
        assert!(code(&mut s, KeyCode::Enter).is_empty());
        assert!(
            s.flash
                .as_ref()
                .unwrap()
                .text
                .contains("You typed 1.0.1, not 1.0.0")
        );
        assert!(s.overlay.is_none());
        update(
            &mut s,
            Msg::Key(KeyEvent::new(KeyCode::Char('B'), KeyModifiers::SHIFT)),
        );
        press(&mut s, "1.0.0");
        assert!(code(&mut s, KeyCode::Enter).is_empty());
        assert_eq!(s.context(), Context::Prompt);
        press(&mut s, "error rate");
        assert_eq!(
            code(&mut s, KeyCode::Enter),
            [Effect::Production {
                version: "1.0.0".into(),
                change: Change::Rollback,
                reason: "error rate".into(),
                seen: Some(7),
            }]
        );
        // A production action is never undone, and u says so.
        assert!(press(&mut s, "u").is_empty());
        assert!(s.flash.as_ref().unwrap().text.contains(
            "rolling it back (1.0.0) is a production action: firebreak does not undo it"
        ));
    }

    #[test]
    fn signing_keys_ask_why_where_the_rules_want_it() {
        let mut s = board();
        assert_eq!(
            press(&mut s, "a"),
            [Effect::Answer {
                version: "2.0.0".into(),
                accept: true,
                comment: String::new(),
                seen: Some(7),
            }]
        );
        assert_eq!(
            press(&mut s, "s"),
            [Effect::Restart {
                version: "2.0.0".into(),
                seen: Some(7)
            }]
        );
        assert_eq!(
            press(&mut s, "v"),
            [Effect::Vote {
                version: "2.0.0".into(),
                vote: Vote::Go,
                comment: String::new(),
                seen: Some(7),
            }]
        );
        update(
            &mut s,
            Msg::Key(KeyEvent::new(KeyCode::Char('X'), KeyModifiers::SHIFT)),
        );
        press(&mut s, "locks the table");
        assert_eq!(
            code(&mut s, KeyCode::Enter),
            [Effect::Answer {
                version: "2.0.0".into(),
                accept: false,
                comment: "locks the table".into(),
                seen: Some(7),
            }]
        );
        update(
            &mut s,
            Msg::Key(KeyEvent::new(KeyCode::Char('V'), KeyModifiers::SHIFT)),
        );
        press(&mut s, "bank holiday");
        assert_eq!(
            code(&mut s, KeyCode::Enter),
            [Effect::Vote {
                version: "2.0.0".into(),
                vote: Vote::NoGo,
                comment: "bank holiday".into(),
                seen: Some(7),
            }]
        );
    }

    #[test]
    fn l_opens_the_steps_log_and_the_cursor_walks_the_path() {
        let mut s = board();
        code(&mut s, KeyCode::Right);
        assert_eq!(
            crate::app::pipeline_update::step(&s),
            Some(("production".into(), "deploy".into()))
        );
        code(&mut s, KeyCode::Right);
        assert_eq!(
            crate::app::pipeline_update::step(&s),
            Some(("production".into(), "deploy".into())),
            "it stops at the end"
        );
        press(&mut s, "l");
        assert_eq!(s.context(), Context::Log);
        press(&mut s, "jjk");
        assert_eq!(s.overlay, Some(Overlay::Log { scroll: 1 }));
        press(&mut s, "q");
        assert!(s.overlay.is_none());
    }
}

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
        press(&mut s, "u");
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
        assert!(s.flash.as_ref().unwrap().text.contains("is not a date"));
        assert_eq!(
            press(&mut s, "s"),
            [Effect::StartHandover("permits".into())]
        );
    }
}

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
        assert_eq!(s.service, 1, "the selection stays on the list");
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
            s.flash.is_some(),
            "a bad priority is refused with a message"
        );
        press(&mut s, "n");
        code(&mut s, KeyCode::Enter);
        assert!(
            s.flash.as_ref().unwrap().text.contains("title"),
            "a priority alone is refused"
        );
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
        press(&mut s, "jP");
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
        press(&mut s, "]");
        assert!(s.problems_shown);
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
        assert!(!s.problems_shown);
    }
}

mod hypercare_keys {
    use super::*;
    use crate::domain::hypercare::Hypercare;

    #[test]
    fn h_closes_and_d_extends_the_shown_hypercare() {
        let mut s = super::service_keys::board();
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
        assert!(s.flash.as_ref().unwrap().text.contains("is not a date"));
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
            assert!(s.flash.is_some(), "{bad} is refused with a message");
        }
    }
}

mod pd_keys {
    use crate::domain::pd::Cause;

    #[test]
    fn determination_reads_a_cause_then_findings() {
        assert_eq!(
            crate::app::pipeline_update::determination("data a null postcode"),
            Ok((Cause::Data, "a null postcode".to_string()))
        );
        assert!(crate::app::pipeline_update::determination("weather storms").is_err());
        assert!(crate::app::pipeline_update::determination("code").is_err());
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
    crate::app::kanban_update::refresh(&mut s);
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
fn seven_opens_the_insights_which_scroll_with_j_and_k() {
    let mut s = board(3);
    assert_eq!(press(&mut s, "7"), [Effect::LoadInsights(12)]);
    // ] and [ choose how far back it looks.
    assert_eq!(press(&mut s, "]"), [Effect::LoadInsights(26)]);
    assert_eq!(press(&mut s, "]"), [Effect::LoadInsights(52)]);
    assert_eq!(press(&mut s, "]"), [Effect::LoadInsights(52)]);
    assert_eq!(press(&mut s, "[[["), [Effect::LoadInsights(4)]);
    press(&mut s, "]");
    assert_eq!(s.context(), Context::Insights);
    press(&mut s, "jjj");
    assert_eq!(s.insights_scroll, 3);
    press(&mut s, "k");
    assert_eq!(s.insights_scroll, 2);
    press(&mut s, "g");
    assert_eq!(s.insights_scroll, 0);
    // Tab wraps from Insights back to the Backlog.
    code(&mut s, KeyCode::Tab);
    assert_eq!(s.tab, crate::app::Tab::Backlog);
}

#[test]
fn y_copies_the_selected_id_and_says_so() {
    let mut s = board(3);
    press(&mut s, "j");
    assert_eq!(press(&mut s, "y"), [Effect::Copy("FB-2".into())]);
    assert!(
        s.flash
            .as_ref()
            .unwrap()
            .text
            .contains("Copied to the clipboard: FB-2")
    );
    // Nothing to copy on the Insights tab: a message, no effect.
    press(&mut s, "7");
    assert!(press(&mut s, "y").is_empty());
    assert!(s.flash.as_ref().unwrap().error);
}

#[test]
fn the_mouse_scrolls_selects_a_row_and_opens_a_tab() {
    use crate::app::MouseKind;
    let mut s = board(30);
    update(&mut s, Msg::Resize(120, 40));
    let mouse = |s: &mut AppState, kind, x, y| update(s, Msg::Mouse { kind, x, y });
    mouse(&mut s, MouseKind::ScrollDown, 10, 10);
    mouse(&mut s, MouseKind::ScrollDown, 10, 10);
    assert_eq!(selected(&s), 3);
    mouse(&mut s, MouseKind::ScrollUp, 10, 10);
    assert_eq!(selected(&s), 2);
    // What the last frame drew: rows from line 4, one item each.
    for n in 0..30u16 {
        let area = ratatui::layout::Rect::new(0, 4 + n, 120, 1);
        s.hits.push(crate::app::Hit {
            area,
            column: 0,
            row: n as usize,
        });
    }
    // Line 9 is the sixth item.
    mouse(&mut s, MouseKind::Click, 10, 9);
    assert_eq!(selected(&s), 6);
    mouse(&mut s, MouseKind::Click, 10, 5);
    assert_eq!(selected(&s), 2);
    // The tab bar: " 1 Backlog   2 Sprint   3 Kanban ..."; column 25 is in "3 Kanban".
    mouse(&mut s, MouseKind::Click, 25, 1);
    assert_eq!(s.tab, crate::app::Tab::Kanban);
    assert_eq!(crate::app::Tab::at(120, 1), Some(crate::app::Tab::Backlog));
    assert_eq!(crate::app::Tab::at(120, 0), None);
    // A click where nothing was drawn selects nothing new.
    press(&mut s, "1");
    s.hits.truncate(30);
    mouse(&mut s, MouseKind::Click, 10, 36);
    assert_eq!(selected(&s), 2);
}

#[test]
fn the_palette_finds_an_action_of_the_context_by_name_and_runs_it_by_its_key() {
    let mut s = board(5);
    press(&mut s, "j");
    press(&mut s, ":");
    assert_eq!(s.context(), Context::Palette);
    // Everything of the Backlog and the global keys, before anything is typed.
    let all = crate::app::palette_choices(&s).len();
    assert!(all > 20, "{all}");
    press(&mut s, "rank top");
    let first = crate::app::palette_choices(&s)[0].command;
    assert_eq!(first, Command::RankTop);
    // Enter runs it as if its key were pressed.
    let fx = code(&mut s, KeyCode::Enter);
    assert_eq!(
        fx,
        [Effect::Rank {
            id: ItemId(2),
            mv: RankMove::Top,
            version: 1
        }]
    );
    assert!(s.overlay.is_none());
    // Nothing matches: a message, nothing runs.
    press(&mut s, ":");
    press(&mut s, "zzqqxx");
    assert!(crate::app::palette_choices(&s).is_empty());
    assert!(code(&mut s, KeyCode::Enter).is_empty());
    assert!(s.flash.as_ref().unwrap().error);
    // Esc closes it.
    press(&mut s, ":");
    code(&mut s, KeyCode::Esc);
    assert!(s.overlay.is_none());
}

mod moves_followed {
    use super::*;
    use crate::domain::kanban::ColumnLimit;
    use crate::domain::{Class, ItemId};
    use proptest::prelude::*;

    /// A board of every kind of card: both teams, every Kanban column, the expedite lane, two
    /// sprints, and two operations reviews waiting.
    fn board() -> AppState {
        let mut s = super::board(12);
        for i in 0..s.items.len() {
            change(&mut s, i, |it| {
                it.team = Some(if i % 3 == 0 { Team::Appdev } else { Team::Ams });
                it.state = [
                    State::Queued,
                    State::InProgress,
                    State::Review,
                    State::Done,
                    State::Planned,
                ][i % 5];
                it.class = if i == 4 {
                    Class::Expedite
                } else {
                    Class::Standard
                };
                it.sprint = (i % 3 == 0).then(|| format!("S{}", i % 2));
            });
        }
        s.columns = ColumnLimit::defaults();
        s.sprint.shown = Some("S0".into());
        s.ops = [2u32, 7]
            .iter()
            .map(|&n| crate::domain::ops::OpsReview {
                item: ItemId(n),
                concerns: vec![],
                criteria: String::new(),
                flagged_by: "priya".into(),
                flagged: now(),
                reviewer: None,
                reviewed: None,
                note: String::new(),
            })
            .collect();
        crate::app::kanban_update::refresh(&mut s);
        crate::app::sprint_update::refresh(&mut s);
        s
    }

    proptest! {
        /// After any rank moves, the Kanban and Sprint boards and the review queue that
        /// followed each move are what sorting every row again gives.
        #[test]
        fn views_that_follow_a_move_match_views_sorted_again(
            moves in prop::collection::vec((0usize..12, 0usize..12), 1..12)
        ) {
            let mut s = board();
            for (from, to) in moves {
                let mut item = s.items[from].item();
                let (before, after) = if to <= from {
                    (to.checked_sub(1).map(|k| s.items[k].rank().to_string()), Some(s.items[to].rank().to_string()))
                } else {
                    (Some(s.items[to].rank().to_string()), s.items.get(to + 1).map(|r| r.rank().to_string()))
                };
                if from == to {
                    continue;
                }
                item.rank = crate::domain::rank::between(before.as_deref(), after.as_deref());
                item.version += 1;
                update(&mut s, Msg::Saved(Box::new(item), String::new()));
                let mut again = s.clone();
                crate::app::kanban_update::refresh(&mut again);
                crate::app::sprint_update::refresh(&mut again);
                prop_assert_eq!(&s.board, &again.board);
                prop_assert_eq!(&s.sprint_board, &again.sprint_board);
                prop_assert_eq!(&s.kanban.queue, &again.kanban.queue);
            }
        }
    }
}

#[test]
fn messages_name_the_key_in_force_not_the_default_letter() {
    let mut s = board(0);
    s.keymap = crate::app::keymap::Keymap::with_overrides(
        "[global]\nundo = \"U\"\n[backlog]\nadd = \"+\"\n",
    )
    .unwrap();
    press(&mut s, "U");
    let said = s.flash.clone().unwrap().text;
    assert!(said.contains("U takes back"), "{said}");
    assert_eq!(s.key(Context::Backlog, Command::Add), "+");
    // Unbound, a message says so rather than naming a key that does nothing.
    s.keymap = crate::app::keymap::Keymap::with_overrides("[global]\nundo = \"\"\n").unwrap();
    assert_eq!(s.key(Context::Global, Command::Undo), "no key");
}

#[test]
fn keys_that_mean_the_same_everywhere_are_answered_on_every_tab_but_not_in_move_mode() {
    let mut s = board(4);
    for (tab, key) in [("3", "1"), ("4", "1"), ("6", "1"), ("2", "1"), ("5", "1")] {
        press(&mut s, tab);
        assert_ne!(s.tab, super::Tab::Backlog, "{tab} opens its tab");
        press(&mut s, key);
        assert_eq!(s.tab, super::Tab::Backlog, "1 from tab {tab}");
    }
    press(&mut s, "3?");
    assert!(
        matches!(s.overlay, Some(Overlay::Help { .. })),
        "help from the Kanban tab"
    );
    s.overlay = None;
    press(&mut s, "1m3");
    assert_eq!(s.tab, super::Tab::Backlog, "move mode keeps the tab");
    assert_eq!(s.context(), Context::Move);
}
