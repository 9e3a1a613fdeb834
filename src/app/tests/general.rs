use super::*;

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
    assert_eq!(s.insights.scroll, 3);
    press(&mut s, "k");
    assert_eq!(s.insights.scroll, 2);
    press(&mut s, "g");
    assert_eq!(s.insights.scroll, 0);
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
        crate::app::tabs::kanban::refresh(&mut s);
        crate::app::tabs::sprint::refresh(&mut s);
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
                crate::app::tabs::kanban::refresh(&mut again);
                crate::app::tabs::sprint::refresh(&mut again);
                prop_assert_eq!(&s.kanban.board, &again.kanban.board);
                prop_assert_eq!(&s.sprint.board, &again.sprint.board);
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
    // Move mode and a prompt tell their keys as the user's keymap has them.
    let mut s = board(3);
    s.keymap = crate::app::keymap::Keymap::with_overrides(
        "[move]\nkeep = \"ctrl-s\"\nput-back = \"x\"\n[prompt]\nsubmit = \"ctrl-d\"\n",
    )
    .unwrap();
    press(&mut s, "m");
    let said = s.flash.clone().unwrap().text;
    assert!(said.contains("^s keeps it, x puts it back"), "{said}");
    press(&mut s, "x");
    press(&mut s, "!");
    update(
        &mut s,
        Msg::Key(KeyEvent::new(KeyCode::Char('d'), KeyModifiers::CONTROL)),
    );
    let said = refused(&s);
    assert!(said.contains("then ^d (Esc to give up)"), "{said}");
    // Unbound, a message says so rather than naming a key that does nothing.
    s.keymap = crate::app::keymap::Keymap::with_overrides("[global]\nundo = \"\"\n").unwrap();
    assert_eq!(s.key(Context::Global, Command::Undo), "no key");
}

#[test]
fn keys_that_mean_the_same_everywhere_are_answered_on_every_tab_but_not_in_move_mode() {
    let mut s = board(4);
    for (tab, key) in [("3", "1"), ("4", "1"), ("6", "1"), ("2", "1"), ("5", "1")] {
        press(&mut s, tab);
        assert_ne!(s.tab, Tab::Backlog, "{tab} opens its tab");
        press(&mut s, key);
        assert_eq!(s.tab, Tab::Backlog, "1 from tab {tab}");
    }
    press(&mut s, "3?");
    assert!(
        matches!(s.overlay, Some(Overlay::Help(_))),
        "help from the Kanban tab"
    );
    s.overlay = None;
    press(&mut s, "1m3");
    assert_eq!(s.tab, Tab::Backlog, "move mode keeps the tab");
    assert_eq!(s.context(), Context::Move);
}

#[test]
fn help_opens_where_you_are_pages_searches_and_offers_only_what_works() {
    use crate::app::help::{HelpLine, lines, widths};
    let mut s = board(3);
    update(&mut s, Msg::Resize(80, 24));
    press(&mut s, "4?");
    let Some(Overlay::Help(view)) = s.overlay.clone() else {
        panic!("no help")
    };
    let (_, inner) = widths(80);
    let all = lines(&s, &view, inner);
    assert_eq!(all[0], HelpLine::Heading("Here: Pipeline".into()));
    // Descriptions wrap to the box: no line wider than it.
    for l in &all {
        let text = match l {
            HelpLine::Key(k, h) => format!("  {k:<16}{h}"),
            HelpLine::More(m) => format!("{:18}{m}", ""),
            HelpLine::Heading(h) => h.clone(),
            HelpLine::Blank => String::new(),
        };
        assert!(text.chars().count() <= inner, "{text}");
    }
    assert!(
        all.iter().any(|l| matches!(l, HelpLine::More(_))),
        "a long one wrapped"
    );
    // A page down, then the end, then the top.
    code(&mut s, KeyCode::PageDown);
    let scroll = |s: &AppState| match &s.overlay {
        Some(Overlay::Help(v)) => v.scroll,
        _ => panic!("closed"),
    };
    assert_eq!(scroll(&s), crate::app::help::page(&s));
    press(&mut s, "G");
    assert_eq!(scroll(&s), all.len() - crate::app::help::page(&s));
    press(&mut s, "g");
    assert_eq!(scroll(&s), 0);
    // A search narrows it to what matches; Esc clears it, then closes the help.
    press(&mut s, "/rollback");
    code(&mut s, KeyCode::Enter);
    let Some(Overlay::Help(view)) = s.overlay.clone() else {
        panic!("no help")
    };
    let found = lines(&s, &view, inner);
    assert!(
        found
            .iter()
            .all(|l| !matches!(l, HelpLine::Key(_, h) if !h.contains("roll"))),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|l| matches!(l, HelpLine::Key(k, _) if k == "B"))
    );
    code(&mut s, KeyCode::Esc);
    assert!(matches!(&s.overlay, Some(Overlay::Help(v)) if v.search.text.is_empty()));
    code(&mut s, KeyCode::Esc);
    assert!(s.overlay.is_none());
    // A read-only board's help and footer offer no write.
    s.readonly = true;
    press(&mut s, "?");
    let Some(Overlay::Help(view)) = s.overlay.clone() else {
        panic!("no help")
    };
    let offered = lines(&s, &view, inner);
    assert!(
        !offered
            .iter()
            .any(|l| matches!(l, HelpLine::Key(_, h) if h.contains("roll it back")))
    );
    assert!(
        s.keymap
            .hints(Context::Pipeline, false)
            .iter()
            .all(|(_, hint)| !["run", "accept", "go"].contains(hint))
    );
}

#[test]
fn every_message_of_the_session_can_be_read_whole() {
    let mut s = board(3);
    s.me = Actor::person(&people()[1]);
    press(&mut s, "J");
    press(&mut s, "t");
    assert_eq!(s.said.len(), 2, "{:?}", s.said);
    assert!(s.said.iter().all(|m| m.error));
    press(&mut s, "M");
    assert_eq!(s.context(), Context::Messages);
    press(&mut s, "k");
    assert!(matches!(s.overlay, Some(Overlay::Messages { scroll: 1 })));
    press(&mut s, "q");
    assert!(
        s.overlay.is_none(),
        "q closes the messages, it does not quit"
    );
}

#[test]
fn on_a_screen_too_small_q_quits_even_with_a_form_open() {
    let mut s = board(3);
    press(&mut s, "a");
    assert!(matches!(s.overlay, Some(Overlay::Form(_))));
    update(&mut s, Msg::Resize(40, 10));
    assert_eq!(press(&mut s, "q"), [Effect::Quit]);
}

#[test]
fn at_gives_the_selected_item_to_someone_who_may_hold_it() {
    let mut s = board(3);
    // FB-2 is the maintenance team's: sam may hold it, priya may not.
    press(&mut s, "j");
    assert_eq!(selected(&s), 2);
    press(&mut s, "@");
    let Some(Overlay::Prompt { question, .. }) = &s.overlay else {
        panic!("no question: {:?}", s.overlay)
    };
    assert_eq!(question, "Give FB-2 to whom? It may go to sam.");
    press(&mut s, "priya");
    assert!(code(&mut s, KeyCode::Enter).is_empty());
    assert!(
        refused(&s).contains("priya may not hold FB-2"),
        "{}",
        refused(&s)
    );
    code(&mut s, KeyCode::Esc);
    press(&mut s, "@");
    press(&mut s, "nobody");
    assert!(code(&mut s, KeyCode::Enter).is_empty());
    assert!(refused(&s).contains("it may go to sam"), "{}", refused(&s));
    code(&mut s, KeyCode::Esc);
    press(&mut s, "@");
    press(&mut s, "sam");
    let fx = code(&mut s, KeyCode::Enter);
    assert_eq!(
        fx,
        [Effect::Assign {
            id: ItemId(2),
            to: "sam".into(),
            version: s.items[1].version,
        }]
    );
}

#[test]
fn hash_labels_the_selected_item_with_words_to_add_and_take_off() {
    let mut s = board(3);
    press(&mut s, "#");
    let Some(Overlay::Prompt { question, .. }) = &s.overlay else {
        panic!("no question: {:?}", s.overlay)
    };
    assert!(
        question.starts_with("Labels of FB-1 (no labels yet)"),
        "{question}"
    );
    press(&mut s, "two:words");
    assert!(code(&mut s, KeyCode::Enter).is_empty());
    assert!(refused(&s).contains("is not a label"), "{}", refused(&s));
    code(&mut s, KeyCode::Esc);
    press(&mut s, "#");
    press(&mut s, "Payments, -old a11y");
    let fx = code(&mut s, KeyCode::Enter);
    assert_eq!(
        fx,
        [Effect::Relabel {
            subject: crate::domain::comment::Subject::Item(ItemId(1)),
            add: vec!["payments".into(), "a11y".into()],
            remove: vec!["old".into()],
        }]
    );
}

#[test]
fn ampersand_links_the_selection_to_a_url_or_another_item_and_minus_takes_it_off() {
    use crate::domain::comment::Subject;
    use crate::domain::link::Relation;
    let mut s = board(3);
    let ask = |s: &mut AppState, text: &str| {
        press(s, "&");
        press(s, text);
        code(s, KeyCode::Enter)
    };
    assert_eq!(
        ask(&mut s, "https://gitlab.example/mr/42 MR !42 renewals"),
        [Effect::WebLink {
            subject: Subject::Item(ItemId(1)),
            url: "https://gitlab.example/mr/42".into(),
            title: Some("MR !42 renewals".into()),
            adding: true,
        }]
    );
    assert_eq!(
        ask(&mut s, "-blocks FB-3"),
        [Effect::Relate {
            subject: Subject::Item(ItemId(1)),
            relation: Relation::Blocks,
            other: ItemId(3),
            adding: false,
        }]
    );
    assert!(ask(&mut s, "ftp://old.example").is_empty());
    assert!(
        refused(&s).contains("not a link to follow"),
        "{}",
        refused(&s)
    );
    code(&mut s, KeyCode::Esc);
    assert!(ask(&mut s, "blocks nothing").is_empty());
    assert!(refused(&s).contains("not an item id"), "{}", refused(&s));
}
