use super::*;

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
    // t and b mean the ends of the whole backlog, whatever the slice shows.
    assert_eq!(
        press(&mut s, "t"),
        [Effect::Rank {
            id: ItemId(3),
            mv: RankMove::Top,
            version: 1
        }]
    );
    assert_eq!(
        press(&mut s, "b"),
        [Effect::Rank {
            id: ItemId(3),
            mv: RankMove::Bottom,
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
    // Those that contain the words first ("Item number 2", "... 20" to "... 29"), in rank
    // order, then those that match only fuzzily ("Item number 12").
    assert_eq!(shown, [2, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 12]);
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
    assert!(refused(&s).contains("An answer is needed"));
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
    assert!(s.detail.is_none());
}

#[test]
fn the_filter_speaks_fields_and_a_field_that_does_not_read_keeps_the_list() {
    let mut s = board(6);
    press(&mut s, "/");
    press(&mut s, "team:ams");
    assert_eq!(
        s.backlog.visible.len(),
        3,
        "the odd rows are the maintenance team's"
    );
    assert!(s.backlog.filter_error.is_none());
    // Typing on: `team:ams num` narrows by the words too; a field half typed leaves the list.
    press(&mut s, " -number 5");
    assert_eq!(
        s.backlog.visible.len(),
        0,
        "every title has the word 'number'"
    );
    for _ in 0.." -number 5".len() {
        code(&mut s, KeyCode::Backspace);
    }
    assert_eq!(s.backlog.visible.len(), 3);
    press(&mut s, " owner");
    let before = s.backlog.visible.clone();
    press(&mut s, ":");
    let why = s
        .backlog
        .filter_error
        .clone()
        .expect("an unknown field says why");
    assert!(why.contains("use assignee, label"), "{why}");
    assert_eq!(
        s.backlog.visible, before,
        "the last filter that read still shows"
    );
    for _ in 0.." owner:".len() {
        code(&mut s, KeyCode::Backspace);
    }
    press(&mut s, " is:unassigned -state:triage");
    assert!(s.backlog.filter_error.is_none());
    assert!(
        s.backlog
            .visible
            .iter()
            .all(|&i| s.items[i].team == Some(Team::Ams) && s.items[i].assignee().is_none())
    );
}

#[test]
fn z_folds_an_epics_items_into_its_row_and_shows_its_progress() {
    let mut s = board(4);
    // FB-3 is an epic holding FB-1 and FB-2; FB-1 is done.
    change(&mut s, 2, |i| i.kind = crate::domain::Kind::Epic);
    change(&mut s, 0, |i| {
        i.state = State::Done;
        i.points = Some(5)
    });
    change(&mut s, 1, |i| i.points = Some(3));
    for i in [0, 1] {
        let row = crate::app::row::Row::clone(&s.items[i]).in_epic(Some(ItemId(3)));
        *s.items[i] = row;
    }
    s.backlog.show_closed = true;
    s.backlog.refilter(&s.items, false);
    let epic = &s.backlog.epics[&ItemId(3)];
    assert_eq!(epic.progress(), "1 of 2 done · 5 of 8 points");
    press(&mut s, "j");
    assert_eq!(selected(&s), 2);
    press(&mut s, "z");
    assert_eq!(selected(&s), 3, "the selection goes to the epic");
    let shown: Vec<u32> = s.backlog.visible.iter().map(|&i| s.items[i].id.0).collect();
    assert_eq!(shown, [3, 4], "its items are folded into it");
    assert!(s.flash.as_ref().unwrap().text.contains("folded into it"));
    press(&mut s, "z");
    assert_eq!(s.backlog.visible.len(), 4);
    // An item in no epic has nothing to fold.
    press(&mut s, "G");
    press(&mut s, "z");
    assert!(s.flash.as_ref().unwrap().text.contains("in no epic"));
}

#[test]
fn saved_views_come_back_on_f_keys_and_by_name_and_a_filter_is_saved_as_one() {
    let mut s = board(6);
    s.views = vec![crate::domain::filter::View::new("ams", "team:ams").unwrap()];
    code(&mut s, KeyCode::F(1));
    assert_eq!(s.backlog.filter.text, "team:ams");
    assert_eq!(s.backlog.visible.len(), 3);
    assert!(
        s.flash
            .as_ref()
            .unwrap()
            .text
            .starts_with("View ams: team:ams (3 shown)")
    );
    code(&mut s, KeyCode::F(2));
    assert!(s.flash.as_ref().unwrap().text.contains("No view 2 yet"));
    // :view NAME, from anywhere.
    code(&mut s, KeyCode::Esc);
    press(&mut s, "3:");
    press(&mut s, "view ams");
    code(&mut s, KeyCode::Enter);
    assert_eq!(s.tab, crate::app::Tab::Backlog);
    assert_eq!(s.backlog.visible.len(), 3);
    press(&mut s, ":");
    press(&mut s, "view nope");
    code(&mut s, KeyCode::Enter);
    assert!(s.flash.as_ref().unwrap().text.contains("the views are ams"));
    // V saves the filter in force under a name; a bad name keeps the question.
    press(&mut s, "V");
    press(&mut s, "two words");
    assert!(code(&mut s, KeyCode::Enter).is_empty());
    assert!(refused(&s).contains("not a view's name"), "{}", refused(&s));
    code(&mut s, KeyCode::Esc);
    press(&mut s, "V");
    press(&mut s, "maint");
    let fx = code(&mut s, KeyCode::Enter);
    assert_eq!(
        fx,
        [Effect::SaveView(
            crate::domain::filter::View::new("maint", "team:ams").unwrap()
        )]
    );
}

#[test]
fn y_copies_the_newest_link_of_the_item_whose_detail_is_open() {
    let mut s = board(2);
    assert_eq!(press(&mut s, "y"), [Effect::Copy("FB-1".into())]);
    code(&mut s, KeyCode::Enter);
    let whole = s.items[0].item();
    let link = |url: &str| {
        crate::domain::Event::new(now(), "tom", "item", "FB-1", crate::domain::link::LINK)
            .details(serde_json::json!({ "url": url, "title": null }))
    };
    update(
        &mut s,
        Msg::Detail(
            Box::new(whole),
            vec![
                link("https://gitlab.example/mr/41"),
                link("https://gitlab.example/mr/42"),
            ],
        ),
    );
    assert_eq!(
        press(&mut s, "y"),
        [Effect::Copy("https://gitlab.example/mr/42".into())]
    );
}

#[test]
fn ctrl_e_and_ctrl_y_scroll_the_open_detail_and_say_so_when_none_is() {
    let mut s = board(2);
    let ctrl = |c: char| Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
    update(&mut s, ctrl('e'));
    assert!(s.flash.as_ref().unwrap().text.contains("No detail is open"));
    code(&mut s, KeyCode::Enter);
    update(&mut s, ctrl('e'));
    update(&mut s, ctrl('e'));
    update(&mut s, ctrl('y'));
    assert_eq!(s.detail.as_ref().unwrap().scroll, 1);
    update(&mut s, ctrl('y'));
    update(&mut s, ctrl('y'));
    assert_eq!(s.detail.as_ref().unwrap().scroll, 0, "never above the top");
    // Another item's pane opens at its top.
    update(&mut s, ctrl('e'));
    press(&mut s, "j");
    assert_eq!(s.detail.as_ref().unwrap().scroll, 0);
}
