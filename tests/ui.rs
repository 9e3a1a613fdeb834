//! Every screen of the board, drawn in memory at 80x24 and 120x40 with fixed data and clock.

use chrono::{DateTime, TimeZone, Utc};
use firebreak::app::{self, AppState, Msg};
use firebreak::domain::Identity;
use firebreak::store::Store;
use firebreak::tui;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 30, 0).unwrap()
}

/// A board driven through the shell's own loop (`tui::Shell`): keys go in as the terminal
/// would send them, effects are carried out by the shell (writes on its writer thread), and the
/// screen is drawn into a `TestBackend`. The clock is fixed.
struct Fixture {
    _dir: tempfile::TempDir,
    shell: tui::Shell,
}

/// How long a key's writes may take to land on a busy machine before the screen is read.
const SETTLE: std::time::Duration = std::time::Duration::from_secs(30);

impl Fixture {
    fn demo() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::create(&dir.path().join("demo.db")).unwrap();
        firebreak::demo::build(&mut store, now()).unwrap();
        Self::open(dir, store)
    }

    fn empty() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::create(&dir.path().join("board.db")).unwrap();
        let me = firebreak::domain::Person {
            name: "alex".into(),
            roles: vec![firebreak::domain::Role::ProductOwner],
            team: firebreak::domain::Team::Appdev,
        };
        store
            .init_board("Payments", Identity::Os, &me, now())
            .unwrap();
        Self::open(dir, store)
    }

    fn open(dir: tempfile::TempDir, store: Store) -> Fixture {
        let today = now().date_naive();
        let me = firebreak::session::resolve_actor(&store, None, "priya", today)
            .or_else(|_| firebreak::session::resolve_actor(&store, None, "alex", today))
            .unwrap();
        let mut snapshot = tui::snapshot(&store, me).unwrap();
        snapshot.at = now();
        let mut state = AppState::new("demo.db", false, false, now());
        app::update(&mut state, Msg::Loaded(Box::new(snapshot)));
        Fixture {
            _dir: dir,
            shell: tui::Shell::new(store, state, now).unwrap(),
        }
    }

    fn state(&self) -> &AppState {
        self.shell.state()
    }

    fn state_mut(&mut self) -> &mut AppState {
        self.shell.state_mut()
    }

    fn store(&mut self) -> &mut Store {
        self.shell.store_mut()
    }

    /// Presses keys, one turn of the loop each, and waits for the writes they made to land.
    fn keys(&mut self, keys: &[KeyCode]) -> &mut Self {
        use ratatui::crossterm::event::Event;
        for k in keys {
            let mods = match k {
                KeyCode::Char(c) if c.is_ascii_uppercase() => KeyModifiers::SHIFT,
                _ => KeyModifiers::NONE,
            };
            let on = self
                .shell
                .turn(Some(Event::Key(KeyEvent::new(*k, mods))))
                .unwrap();
            assert!(on, "the board closed at {k:?}");
            self.shell.settle(SETTLE).unwrap();
        }
        // The shell stamps the load with the clock; fixed here.
        self.state_mut().refreshed = now();
        self
    }

    /// Reloads the board from the store, as the loop does when another process writes.
    fn reload(&mut self) {
        self.shell.reload().unwrap();
        self.state_mut().refreshed = now();
    }

    fn actor(&self, name: &str) -> firebreak::domain::Actor {
        let person = self.state().people.iter().find(|p| p.name == name).unwrap();
        firebreak::domain::Actor::person(person)
    }

    fn act_as(&mut self, name: &str) {
        let person = self
            .state()
            .people
            .iter()
            .find(|p| p.name == name)
            .unwrap()
            .clone();
        self.state_mut().me = firebreak::domain::Actor::person(&person);
    }

    fn typed(&mut self, text: &str) -> &mut Self {
        let codes: Vec<KeyCode> = text.chars().map(KeyCode::Char).collect();
        self.keys(&codes)
    }

    /// The terminal resized to `w` x `h`, and the frame the loop draws.
    fn screen(&mut self, w: u16, h: u16) -> String {
        self.terminal(w, h).backend().to_string()
    }

    fn terminal(&mut self, w: u16, h: u16) -> Terminal<TestBackend> {
        use ratatui::crossterm::event::Event;
        self.shell.turn(Some(Event::Resize(w, h))).unwrap();
        let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
        self.shell.draw(&mut terminal).unwrap();
        terminal
    }

    /// A mouse event, as the terminal sends it with `--mouse`.
    fn mouse(&mut self, kind: ratatui::crossterm::event::MouseEventKind, x: u16, y: u16) {
        use ratatui::crossterm::event::{Event, MouseEvent};
        let event = Event::Mouse(MouseEvent {
            kind,
            column: x,
            row: y,
            modifiers: KeyModifiers::NONE,
        });
        self.shell.turn(Some(event)).unwrap();
        self.shell.settle(SETTLE).unwrap();
    }
}

#[test]
fn backlog_list() {
    let mut f = Fixture::demo();
    insta::assert_snapshot!("backlog_80x24", f.screen(80, 24));
    insta::assert_snapshot!("backlog_120x40", f.screen(120, 40));
}

#[test]
fn backlog_scrolled_to_the_end_in_the_ams_slice() {
    let mut f = Fixture::demo();
    f.keys(&[KeyCode::Char('s'), KeyCode::Char('s'), KeyCode::Char('G')]);
    insta::assert_snapshot!("backlog_ams_end_80x24", f.screen(80, 24));
}

#[test]
fn backlog_filter() {
    let mut f = Fixture::demo();
    f.keys(&[KeyCode::Char('/')]).typed("permit");
    insta::assert_snapshot!("filter_typing_80x24", f.screen(80, 24));
    f.keys(&[KeyCode::Enter, KeyCode::Char('j')]);
    insta::assert_snapshot!("filter_kept_120x40", f.screen(120, 40));
    f.keys(&[KeyCode::Char('/')]).typed("zzzz");
    insta::assert_snapshot!("filter_no_match_80x24", f.screen(80, 24));
}

#[test]
fn detail_pane() {
    let mut f = Fixture::demo();
    f.keys(&[
        KeyCode::Char('j'),
        KeyCode::Char('j'),
        KeyCode::Char('j'),
        KeyCode::Enter,
    ]);
    insta::assert_snapshot!("detail_120x40", f.screen(120, 40));
    insta::assert_snapshot!("detail_80x24", f.screen(80, 24));
}

#[test]
fn detail_of_a_blocked_item_in_ascii() {
    let mut f = Fixture::demo();
    f.state_mut().ascii = true;
    f.keys(&[KeyCode::Char('/')]).typed("sdk");
    f.keys(&[KeyCode::Enter, KeyCode::Enter]);
    insta::assert_snapshot!("detail_blocked_ascii_120x40", f.screen(120, 40));
}

#[test]
fn help_overlay() {
    let mut f = Fixture::demo();
    f.keys(&[KeyCode::Char('?')]);
    insta::assert_snapshot!("help_80x24", f.screen(80, 24));
    insta::assert_snapshot!("help_120x40", f.screen(120, 40));
}

#[test]
fn empty_board() {
    let mut f = Fixture::empty();
    insta::assert_snapshot!("empty_80x24", f.screen(80, 24));
    insta::assert_snapshot!("empty_120x40", f.screen(120, 40));
}

#[test]
fn an_empty_board_names_the_key_in_force() {
    let mut f = Fixture::empty();
    f.state_mut().keymap =
        firebreak::app::keymap::Keymap::with_overrides("[backlog]\nadd = \"+\"\n").unwrap();
    let screen = f.screen(80, 24);
    assert!(screen.contains("Press + to add the first item"), "{screen}");
}

#[test]
fn terminal_too_small() {
    let mut f = Fixture::demo();
    insta::assert_snapshot!("too_small_50x12", f.screen(50, 12));
}

#[test]
fn add_form_and_edit_form() {
    let mut f = Fixture::demo();
    f.keys(&[KeyCode::Char('a')])
        .typed("Residents pay by direct debit");
    f.keys(&[KeyCode::Tab, KeyCode::Right]);
    insta::assert_snapshot!("add_form_80x24", f.screen(80, 24));
    f.keys(&[KeyCode::Esc, KeyCode::Char('e')]);
    insta::assert_snapshot!("edit_form_120x40", f.screen(120, 40));
}

#[test]
fn cancel_confirm_and_reason() {
    let mut f = Fixture::demo();
    f.keys(&[KeyCode::Char('j'), KeyCode::Char('x')]);
    insta::assert_snapshot!("confirm_cancel_80x24", f.screen(80, 24));
    f.keys(&[KeyCode::Char('y')]).typed("duplicate of FB-12");
    insta::assert_snapshot!("cancel_reason_80x24", f.screen(80, 24));
}

#[test]
fn move_mode() {
    let mut f = Fixture::demo();
    f.keys(&[
        KeyCode::Char('j'),
        KeyCode::Char('m'),
        KeyCode::Char('j'),
        KeyCode::Char('j'),
    ]);
    insta::assert_snapshot!("move_mode_80x24", f.screen(80, 24));
}

#[test]
fn refusal_and_read_only_badge() {
    let mut f = Fixture::demo();
    let person = f.state().people[3].clone();
    f.state_mut().me = firebreak::domain::Actor::person(&person);
    f.keys(&[KeyCode::Char('t')]);
    insta::assert_snapshot!("refused_rank_80x24", f.screen(80, 24));
    f.state_mut().readonly = true;
    f.keys(&[KeyCode::Char('a')]);
    insta::assert_snapshot!("read_only_120x40", f.screen(120, 40));
}

#[test]
fn act_as_another_person() {
    let mut f = Fixture::demo();
    f.keys(&[KeyCode::Char('P'), KeyCode::Char('j'), KeyCode::Char('j')]);
    insta::assert_snapshot!("people_80x24", f.screen(80, 24));
}

#[test]
fn kanban_board() {
    let mut f = Fixture::demo();
    f.keys(&[KeyCode::Char('3')]);
    insta::assert_snapshot!(
        "kanban_not_an_ams_engineer_80x24",
        f.keys(&[KeyCode::Char('p')]).screen(80, 24)
    );
    insta::assert_snapshot!("kanban_80x24", f.screen(80, 24));
    insta::assert_snapshot!("kanban_120x40", f.screen(120, 40));
}

#[test]
fn kanban_operations_review_queue() {
    let mut f = Fixture::demo();
    f.act_as("lee");
    f.keys(&[KeyCode::Char('3'), KeyCode::Char('o')]);
    insta::assert_snapshot!("kanban_ops_reviews_80x24", f.screen(80, 24));
    insta::assert_snapshot!("kanban_ops_reviews_120x40", f.screen(120, 40));
    // FB-36 (flagged after FB-40) has no criteria yet: its reviewer writes them, and it
    // leaves the queue.
    f.keys(&[KeyCode::Char('j'), KeyCode::Char('R')]);
    insta::assert_snapshot!("kanban_ops_review_prompt_80x24", f.screen(80, 24));
    f.typed("The registration search degrades to exact match when the DVLA lookup is down.")
        .keys(&[KeyCode::Enter]);
    let screen = f.screen(120, 40);
    assert!(
        screen.contains("Operations review of FB-36 recorded"),
        "{screen}"
    );
    assert!(screen.contains("Operations reviews waiting 1"), "{screen}");
}

#[test]
fn kanban_pull_at_the_limit_asks_for_an_override_and_shows_it() {
    let mut f = Fixture::demo();
    f.act_as("sam");
    f.keys(&[KeyCode::Char('3'), KeyCode::Char('p')]);
    insta::assert_snapshot!("kanban_override_prompt_80x24", f.screen(80, 24));
    insta::assert_snapshot!("kanban_override_prompt_120x40", f.screen(120, 40));
    f.typed("P1 on renewals").keys(&[KeyCode::Enter]);
    insta::assert_snapshot!("kanban_over_limit_120x40", f.screen(120, 40));
}

#[test]
fn kanban_strict_limit_refuses_and_the_wip_prompt() {
    let mut f = Fixture::demo();
    f.act_as("sam");
    f.keys(&[KeyCode::Char('3'), KeyCode::Char('l'), KeyCode::Char('w')]);
    insta::assert_snapshot!("kanban_wip_prompt_80x24", f.screen(80, 24));
    let clear: Vec<KeyCode> = std::iter::repeat_n(KeyCode::Backspace, 20).collect();
    f.keys(&clear).typed("3 strict").keys(&[
        KeyCode::Enter,
        KeyCode::Char('h'),
        KeyCode::Char('p'),
    ]);
    insta::assert_snapshot!("kanban_strict_refusal_80x24", f.screen(80, 24));
}

#[test]
fn sprint_board_with_its_burndown() {
    let mut f = Fixture::demo();
    f.keys(&[KeyCode::Char('2')]);
    insta::assert_snapshot!("sprint_80x24", f.screen(80, 24));
    insta::assert_snapshot!("sprint_120x40", f.screen(120, 40));
    f.keys(&[KeyCode::Char('[')]);
    insta::assert_snapshot!("sprint_closed_120x40", f.screen(120, 40));
}

#[test]
fn sprint_moves_a_card_and_refuses_self_approval() {
    let mut f = Fixture::demo();
    f.act_as("tom");
    // FB-40 in Review is tom's own: he may not approve it; aisha may.
    f.keys(&[
        KeyCode::Char('2'),
        KeyCode::Char('l'),
        KeyCode::Char('l'),
        KeyCode::Char('j'),
        KeyCode::Char('L'),
    ]);
    insta::assert_snapshot!("sprint_self_approval_80x24", f.screen(80, 24));
    f.act_as("aisha");
    f.keys(&[KeyCode::Char('L')]);
    // FB-40 touches operations: aisha's approval waits for an AMS engineer's review.
    insta::assert_snapshot!("sprint_ops_review_first_120x40", f.screen(120, 40));
    let sam = f.actor("sam");
    f.store()
        .review_ops(firebreak::domain::ItemId(40), None, "", &sam, now())
        .unwrap();
    f.reload();
    f.keys(&[KeyCode::Char('L')]);
    insta::assert_snapshot!("sprint_approved_120x40", f.screen(120, 40));
}

#[test]
fn sprint_form_and_complete_prompt() {
    let mut f = Fixture::demo();
    f.keys(&[KeyCode::Char('2'), KeyCode::Char('n')]);
    insta::assert_snapshot!("sprint_form_80x24", f.screen(80, 24));
    f.keys(&[KeyCode::Esc, KeyCode::Char('C')]);
    insta::assert_snapshot!("sprint_complete_prompt_80x24", f.screen(80, 24));
}

#[test]
fn sprint_tab_without_sprints() {
    let mut f = Fixture::empty();
    f.keys(&[KeyCode::Char('2')]);
    insta::assert_snapshot!("sprint_empty_80x24", f.screen(80, 24));
}

#[test]
fn kanban_says_when_there_is_room_to_pull() {
    let mut f = Fixture::demo();
    let (sam, lee) = (f.actor("sam"), f.actor("lee"));
    use firebreak::domain::ItemId;
    use firebreak::domain::kanban::Column;
    f.store()
        .kanban_move(ItemId(11), Column::Done, None, &lee, now(), None)
        .unwrap();
    f.store()
        .kanban_move(ItemId(25), Column::Review, None, &sam, now(), None)
        .unwrap();
    f.reload();
    f.act_as("sam");
    f.keys(&[KeyCode::Char('3')]);
    insta::assert_snapshot!("kanban_room_to_pull_80x24", f.screen(80, 24));
}

#[test]
fn pipeline_tab_in_every_state() {
    let mut f = Fixture::demo();
    f.keys(&[KeyCode::Char('4')]);
    insta::assert_snapshot!("pipeline_firebreak_80x24", f.screen(80, 24));
    insta::assert_snapshot!("pipeline_firebreak_120x40", f.screen(120, 40));
    f.keys(&[KeyCode::Char('j')]);
    insta::assert_snapshot!("pipeline_shadow_with_votes_80x24", f.screen(80, 24));
    insta::assert_snapshot!("pipeline_shadow_with_votes_120x40", f.screen(120, 40));
    f.keys(&[KeyCode::Char('j')]);
    insta::assert_snapshot!("pipeline_halted_80x24", f.screen(80, 24));
    insta::assert_snapshot!("pipeline_halted_120x40", f.screen(120, 40));
    f.keys(&[KeyCode::Char('l')]);
    insta::assert_snapshot!("pipeline_halted_log_80x24", f.screen(80, 24));
    f.keys(&[KeyCode::Esc, KeyCode::Char('j')]);
    insta::assert_snapshot!("pipeline_live_80x24", f.screen(80, 24));
    insta::assert_snapshot!("pipeline_live_120x40", f.screen(120, 40));
}

#[test]
fn pipeline_tab_while_a_release_runs() {
    let mut f = Fixture::demo();
    let sam = f.actor("sam");
    use firebreak::domain::ItemId;
    use firebreak::domain::release::Outcome;
    f.store()
        .cut_release(
            "2.5.0",
            "bau",
            Some(vec![ItemId(19), ItemId(21)]),
            false,
            &sam,
            now(),
        )
        .unwrap();
    f.store()
        .report(
            "2.5.0",
            "dev",
            "deploy",
            Outcome::Pass,
            1.0,
            "deployed\n",
            None,
            &[],
            now(),
            &firebreak::domain::Actor::automation(),
        )
        .unwrap();
    f.store().begin_step("2.5.0", "dev", "unit", now()).unwrap();
    f.reload();
    f.keys(&[KeyCode::Char('4')]);
    insta::assert_snapshot!("pipeline_running_80x24", f.screen(80, 24));
    insta::assert_snapshot!("pipeline_running_120x40", f.screen(120, 40));
}

#[test]
fn pipeline_switch_asks_for_the_version_then_why() {
    let mut f = Fixture::demo();
    f.act_as("rita");
    // With one vote of three, the switch is refused before anything is typed.
    f.keys(&[KeyCode::Char('4'), KeyCode::Char('j'), KeyCode::Char('S')]);
    assert!(f.state().overlay.is_none());
    let said = f.state().flash.clone().unwrap().text;
    assert!(said.contains("go"), "{said}");
    f.keys(&[KeyCode::Esc]);
    for name in ["omar", "rita"] {
        let voter = f.actor(name);
        f.store()
            .vote(
                "2.4.0",
                firebreak::domain::release::Vote::Go,
                "",
                &voter,
                now(),
                None,
            )
            .unwrap();
    }
    f.reload();
    f.keys(&[KeyCode::Char('S')]);
    insta::assert_snapshot!("pipeline_switch_type_version_80x24", f.screen(80, 24));
    f.typed("2.4.1").keys(&[KeyCode::Enter]);
    insta::assert_snapshot!("pipeline_switch_wrong_version_80x24", f.screen(80, 24));
}

#[test]
fn handover_tab() {
    let mut f = Fixture::demo();
    f.keys(&[KeyCode::Char('5')]);
    insta::assert_snapshot!("handover_80x24", f.screen(80, 24));
    insta::assert_snapshot!("handover_120x40", f.screen(120, 40));
    f.act_as("omar");
    f.keys(&[
        KeyCode::Char('j'),
        KeyCode::Char('j'),
        KeyCode::Char('j'),
        KeyCode::Char('j'),
        KeyCode::Char('j'),
        KeyCode::Char('j'),
        KeyCode::Char('j'),
        KeyCode::Char('j'),
        KeyCode::Char('w'),
    ]);
    insta::assert_snapshot!("handover_waive_prompt_80x24", f.screen(80, 24));
}

#[test]
fn service_tab() {
    let mut f = Fixture::demo();
    f.keys(&[KeyCode::Char('6')]);
    insta::assert_snapshot!("service_80x24", f.screen(80, 24));
    insta::assert_snapshot!("service_120x40", f.screen(120, 40));
    f.act_as("sam");
    f.keys(&[KeyCode::Char('j'), KeyCode::Char('z')]);
    insta::assert_snapshot!("service_hold_prompt_80x24", f.screen(80, 24));
}

#[test]
fn service_tab_at_hypercare_exit_review() {
    let mut f = Fixture::demo();
    // As if the hypercare days of 1.0.0 had run out.
    rusqlite::Connection::open(f._dir.path().join("demo.db"))
        .unwrap()
        .execute("UPDATE hypercare SET ends = '2026-01-01'", [])
        .unwrap();
    f.reload();
    f.keys(&[KeyCode::Char('6')]);
    insta::assert_snapshot!("service_exit_review_80x24", f.screen(80, 24));
}

#[test]
fn service_tab_without_incidents() {
    let mut f = Fixture::empty();
    f.keys(&[KeyCode::Char('6')]);
    insta::assert_snapshot!("service_empty_80x24", f.screen(80, 24));
}

#[test]
fn service_tab_problems() {
    let mut f = Fixture::demo();
    f.keys(&[KeyCode::Char('6'), KeyCode::Char(']')]);
    insta::assert_snapshot!("service_problems_80x24", f.screen(80, 24));
    insta::assert_snapshot!("service_problems_120x40", f.screen(120, 40));
    let mut f = Fixture::empty();
    f.keys(&[KeyCode::Char('6'), KeyCode::Char(']')]);
    insta::assert_snapshot!("service_problems_empty_80x24", f.screen(80, 24));
}

#[test]
fn pipeline_problem_determination_on_a_halted_release() {
    let mut f = Fixture::demo();
    f.act_as("tom");
    f.keys(&[
        KeyCode::Char('4'),
        KeyCode::Char('j'),
        KeyCode::Char('j'),
        KeyCode::Char('d'),
    ]);
    insta::assert_snapshot!("pipeline_pd_prompt_80x24", f.screen(80, 24));
    f.typed("environment the smoke test hit an expired certificate");
    f.keys(&[KeyCode::Enter]);
    insta::assert_snapshot!("pipeline_pd_recorded_120x40", f.screen(120, 40));
    f.keys(&[KeyCode::Char('D'), KeyCode::Char('T')]);
    f.typed("Test environments renew no certificates");
    f.keys(&[KeyCode::Enter]);
    insta::assert_snapshot!(
        "pipeline_pd_concluded_with_a_ticket_120x40",
        f.screen(120, 40)
    );
    // The one re-run is a release manager's, and the fix version 1.1.1 carries FB-50 now.
    f.keys(&[KeyCode::Char('F')]);
    assert!(
        f.screen(120, 40).contains("release-manager"),
        "{}",
        f.screen(120, 40)
    );
    f.act_as("rita");
    f.keys(&[KeyCode::Char('F')]);
    let screen = f.screen(120, 40);
    assert!(
        screen.contains("goes out with another release now"),
        "{screen}"
    );
}

#[test]
fn insights_tab() {
    let mut f = Fixture::demo();
    f.keys(&[KeyCode::Char('7')]);
    insta::assert_snapshot!("insights_80x24", f.screen(80, 24));
    insta::assert_snapshot!("insights_120x40", f.screen(120, 40));
    f.keys(&[KeyCode::Char('j'), KeyCode::Char('j'), KeyCode::Char('j')]);
    insta::assert_snapshot!("insights_scrolled_80x24", f.screen(80, 24));
    let mut f = Fixture::empty();
    f.keys(&[KeyCode::Char('7')]);
    insta::assert_snapshot!("insights_empty_80x24", f.screen(80, 24));
}

#[test]
fn an_escape_is_recorded_from_the_service_tab_and_the_backlog() {
    let mut f = Fixture::demo();
    f.act_as("grace");
    // INC-6 is the newest incident and links no release; INC-2 is 1.0.0's.
    f.keys(&[KeyCode::Char('6'), KeyCode::Char('w')]);
    insta::assert_snapshot!("service_escape_prompt_80x24", f.screen(80, 24));
    f.typed("test functional").keys(&[KeyCode::Enter]);
    let screen = f.screen(120, 40);
    assert!(screen.contains("not linked to a release"), "{screen}");
    // A story (FB-1, fourth in rank) is not an escape.
    f.keys(&[
        KeyCode::Char('1'),
        KeyCode::Char('j'),
        KeyCode::Char('j'),
        KeyCode::Char('j'),
        KeyCode::Char('w'),
    ]);
    let screen = f.screen(120, 40);
    assert!(
        screen.contains("escapes are defects and incidents"),
        "{screen}"
    );
    // FB-71, the pipeline's defect of 1.1.0, never reached live.
    f.keys(&[KeyCode::Char('/')])
        .typed("fb-71")
        .keys(&[KeyCode::Enter, KeyCode::Char('w')]);
    f.typed("1.1.0 none").keys(&[KeyCode::Enter]);
    let screen = f.screen(120, 40);
    assert!(screen.contains("1.1.0 never went live"), "{screen}");
    f.keys(&[KeyCode::Char('7')]);
    for _ in 0..40 {
        f.keys(&[KeyCode::Char('j')]);
    }
    insta::assert_snapshot!("insights_escapes_80x24", f.screen(80, 24));
}

/// Every tab in plain ASCII, and with no colour: each cell is ASCII, and no cell's meaning
/// rests on a colour (NO_COLOR styles use bold, underline and reverse only).
#[test]
fn every_tab_in_ascii_and_without_colour() {
    let mut f = Fixture::demo();
    f.state_mut().ascii = true;
    f.state_mut().color = false;
    for (key, name) in [
        ('1', "backlog"),
        ('2', "sprint"),
        ('3', "kanban"),
        ('4', "pipeline"),
        ('5', "handover"),
        ('6', "service"),
        ('7', "insights"),
    ] {
        f.keys(&[KeyCode::Char(key)]);
        let screen = f.screen(80, 24);
        let odd: String = screen.chars().filter(|c| !c.is_ascii()).collect();
        assert!(odd.is_empty(), "{name} has non-ASCII {odd:?}:\n{screen}");
        insta::assert_snapshot!(format!("ascii_{name}_80x24"), screen);
        let terminal = f.terminal(80, 24);
        for cell in terminal.backend().buffer().content() {
            use ratatui::style::Color;
            assert!(
                matches!(cell.fg, Color::Reset) && matches!(cell.bg, Color::Reset),
                "{name}: a coloured cell {cell:?} under NO_COLOR"
            );
        }
    }
}

#[test]
fn y_copies_the_shadow_url_of_a_release_and_a_log_line() {
    let mut f = Fixture::demo();
    f.keys(&[KeyCode::Char('4'), KeyCode::Char('j'), KeyCode::Char('y')]);
    let screen = f.screen(120, 40);
    assert!(
        screen.contains("Copied to the clipboard: https://"),
        "2.4.0 is in the shadow: its URL\n{screen}"
    );
    // In the log (which covers the status line), the top line shown: the step's test cases
    // come first, each beside its result in 2.3.0, then the log itself.
    let said = |f: &Fixture| {
        f.state()
            .flash
            .as_ref()
            .map(|m| m.text.clone())
            .unwrap_or_default()
    };
    f.keys(&[KeyCode::Char('l'), KeyCode::Char('j'), KeyCode::Char('y')]);
    assert_eq!(
        said(&f),
        "Copied to the clipboard: ✔    1.05s        ✔|✔ production.journeys::emails_once"
    );
    f.keys(&[KeyCode::Char('j'); 7]).keys(&[KeyCode::Char('y')]);
    assert_eq!(said(&f), "Copied to the clipboard: all smoke checks passed");
}

#[test]
fn a_steps_log_lists_its_test_cases_with_their_history() {
    let mut f = Fixture::demo();
    f.keys(&[KeyCode::Char('4'), KeyCode::Char('j'), KeyCode::Char('l')]);
    insta::assert_snapshot!("pipeline_step_cases_80x24", f.screen(80, 24));
}

#[test]
fn command_palette() {
    let mut f = Fixture::demo();
    f.keys(&[KeyCode::Char('4'), KeyCode::Char(':')]);
    f.typed("vote");
    insta::assert_snapshot!("palette_pipeline_vote_80x24", f.screen(80, 24));
}

#[test]
fn u_takes_back_your_own_last_change_as_a_new_change() {
    let mut f = Fixture::demo();
    let order = |f: &Fixture| -> Vec<String> {
        f.state()
            .items
            .iter()
            .take(3)
            .map(|i| i.id.to_string())
            .collect()
    };
    let before = order(&f);
    let events = |f: &Fixture| f.shell.store().history("item", &before[1]).unwrap().len();
    let history = events(&f);
    // The second item to the top, then undone: back between the first and the third.
    f.keys(&[KeyCode::Char('j'), KeyCode::Char('t')]);
    assert_eq!(order(&f)[0], before[1]);
    f.keys(&[KeyCode::Char('u')]);
    assert_eq!(order(&f), before);
    assert!(f.screen(120, 40).contains("is back where it was"));
    assert_eq!(
        events(&f),
        history + 2,
        "the undo is a change of its own in the trail"
    );
    // Block, then undo: unblocked again.
    f.keys(&[KeyCode::Char('!')])
        .typed("waiting on the council")
        .keys(&[KeyCode::Enter]);
    let id = f.state().selected().unwrap().id;
    assert!(f.state().selected().unwrap().blocked().is_some());
    f.keys(&[KeyCode::Char('u')]);
    let now = f.state().items.iter().find(|i| i.id == id).unwrap().clone();
    assert!(now.blocked().is_none(), "{now:?}");
    // Someone else's change since yours: u says so and changes nothing.
    f.keys(&[KeyCode::Char('t')]);
    let tom = f.actor("tom");
    let edit = firebreak::domain::ItemEdit {
        title: Some("Renamed by tom".into()),
        ..Default::default()
    };
    f.store()
        .apply_item(
            id,
            &firebreak::domain::ItemCommand::Edit(edit),
            &tom,
            now_utc(),
            None,
        )
        .unwrap();
    f.reload();
    f.keys(&[KeyCode::Char('u')]);
    let screen = f.screen(120, 40);
    assert!(screen.contains("was changed since, by tom"), "{screen}");
    // Nothing left: it says what u does.
    f.keys(&[KeyCode::Char('u'), KeyCode::Char('u'), KeyCode::Char('u')]);
    assert!(
        f.screen(120, 40)
            .contains("Nothing of yours to undo in this session")
    );
}

fn now_utc() -> chrono::DateTime<chrono::Utc> {
    now()
}

#[test]
fn a_click_selects_what_the_frame_drew_there() {
    use ratatui::crossterm::event::{MouseButton, MouseEventKind};
    let mut f = Fixture::demo();
    let click = |f: &mut Fixture, x: u16, y: u16| {
        f.screen(120, 40);
        f.mouse(MouseEventKind::Down(MouseButton::Left), x, y);
    };
    // The tab bar, then the fourth release of the list (line 3 is the first).
    click(&mut f, 42, 1);
    assert_eq!(f.state().tab, firebreak::app::Tab::Pipeline);
    click(&mut f, 5, 6);
    let screen = f.screen(120, 40);
    assert!(screen.contains("1.0.0 of permits-online"), "{screen}");
    // A Kanban card: the second card of Review (the third column), its cards three lines tall
    // (two for the title) where the column has room.
    click(&mut f, 26, 1);
    click(&mut f, 65, 10);
    let (column, row) = (f.state().kanban.column, f.state().kanban.row);
    assert_eq!((column, row), (2, 1));
    // An incident on the Service tab.
    click(&mut f, 64, 1);
    let before = f.state().service;
    let screen = f.screen(120, 40);
    let line = screen.lines().position(|l| l.contains("INC-3")).unwrap() as u16;
    click(&mut f, 10, line);
    assert_ne!(f.state().service, before);
    assert!(
        firebreak::app::tabs::service::selected(f.state())
            .unwrap()
            .id
            == "INC-3"
    );
}

#[test]
fn a_long_message_ends_with_the_key_that_shows_it_whole() {
    let mut f = Fixture::demo();
    let long = "FB-10 is blocked (waiting on the payment provider's new SDK and its security review), so it cannot be pulled; unblock it first";
    f.shell.state_mut().flash = None;
    app::update(f.state_mut(), Msg::Said(long.into()));
    let screen = f.screen(80, 24);
    let status = screen.lines().nth(22).unwrap();
    assert!(status.contains("… (M all of it)"), "{status}");
    f.keys(&[KeyCode::Char('M')]);
    insta::assert_snapshot!("messages_80x24", f.screen(80, 24));
}

#[test]
fn a_kanban_cards_detail_opens_with_enter() {
    let mut f = Fixture::demo();
    f.act_as("sam");
    f.keys(&[KeyCode::Char('3'), KeyCode::Char('l'), KeyCode::Enter]);
    insta::assert_snapshot!("kanban_detail_120x40", f.screen(120, 40));
    insta::assert_snapshot!("kanban_detail_80x24", f.screen(80, 24));
}

#[test]
fn n_on_the_pipeline_cuts_a_release_through_the_shell() {
    let mut f = Fixture::demo();
    f.act_as("sam");
    f.keys(&[KeyCode::Char('4'), KeyCode::Char('j'), KeyCode::Char('n')]);
    f.typed("2.5.0");
    f.keys(&[KeyCode::Enter]);
    let said = f.state().flash.clone().unwrap().text;
    assert!(said.starts_with("Cut 2.5.0 of bau with FB-"), "{said}");
    let show = f.store().release("2.5.0").unwrap();
    assert_eq!(show.release.originator, "sam");
}

#[test]
fn a_message_carrying_a_steps_output_reaches_the_screen_escaped() {
    let mut f = Fixture::demo();
    app::update(
        f.state_mut(),
        Msg::RunLine("2.5.0: \u{1b}[2Jcleared \u{202e}evil".into()),
    );
    let screen = f.screen(80, 24);
    let status = screen.lines().nth(22).unwrap();
    assert!(
        !status.contains('\u{1b}') && !status.contains('\u{202e}'),
        "{status:?}"
    );
    assert!(status.contains("cleared"), "{status}");
}

#[test]
fn e_on_the_pipeline_edits_the_project_policy_through_the_shell_and_closes_the_form() {
    let mut f = Fixture::demo();
    f.act_as("omar");
    // The demo's pipeline lives in a temporary folder: shown here as a fixed path.
    for p in &mut f.state_mut().releases.projects {
        p.pipeline = Some("/srv/permits/pipeline.toml".into());
    }
    f.keys(&[KeyCode::Char('4'), KeyCode::Char('e')]);
    insta::assert_snapshot!("pipeline_policy_form_80x24", f.screen(80, 24));
    // Firebreak off, then hypercare 7 days.
    f.keys(&[KeyCode::Char(' '), KeyCode::Tab, KeyCode::Tab]);
    f.keys(&[KeyCode::Backspace, KeyCode::Backspace]);
    f.typed("7");
    f.keys(&[KeyCode::Enter]);
    assert!(f.state().overlay.is_none(), "the form closes once written");
    let said = f.state().flash.clone().unwrap().text;
    assert_eq!(
        said,
        "permits-online: firebreak armed → not armed; hypercare 14 → 7 days. Releases cut from now on follow it."
    );
    let p = f.store().project("permits-online").unwrap();
    assert!(!p.firebreak);
    assert_eq!(p.hypercare_days, 7);
    // The release on its way keeps the policy it was cut with.
    let r = f.store().release("1.1.1").unwrap().release;
    assert!(r.policy.firebreak);
    assert_eq!(r.policy.hypercare_days, 14);
}

#[test]
fn a_sprint_form_closes_once_its_sprint_is_added() {
    let mut f = Fixture::demo();
    f.keys(&[KeyCode::Char('2'), KeyCode::Char('n')]);
    f.keys(&[KeyCode::Enter]);
    assert!(f.state().overlay.is_none(), "the form closes once written");
    let said = f.state().flash.clone().unwrap().text;
    assert!(said.starts_with("Added Sprint"), "{said}");
}

#[test]
fn no_user_text_reaches_the_screen_as_something_a_terminal_would_obey() {
    let mut f = Fixture::demo();
    let priya = f.actor("priya");
    let mut new = firebreak::domain::item::NewItem::titled("Renew \u{202e}lave\u{202c} a permit");
    new.description = "line one \u{2066}isolated\u{2069}\nline two \u{9b}31m \u{1b}[2J".into();
    let item = f.store().create_item(new, &priya, now()).unwrap();
    f.reload();
    // To the new item (at the bottom of the open work), its detail open.
    f.typed("/");
    f.typed(&item.id.to_string());
    f.keys(&[KeyCode::Enter, KeyCode::Enter]);
    for (w, h) in [(80, 24), (120, 40)] {
        let screen = f.screen(w, h);
        assert!(screen.contains("lave"), "the item is on screen:\n{screen}");
        assert!(screen.contains("isolated"), "its detail is open:\n{screen}");
        let obeyed: Vec<char> = screen
            .chars()
            .filter(|c| {
                (c.is_control() && *c != '\n')
                    || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
            })
            .collect();
        assert!(obeyed.is_empty(), "{obeyed:?} reached the screen");
    }
}

#[test]
fn c_comments_on_the_selected_incident_and_the_thread_shows_in_its_pane() {
    let mut f = Fixture::demo();
    f.act_as("sam");
    f.keys(&[
        KeyCode::Char('6'),
        KeyCode::Char('j'),
        KeyCode::Char('j'),
        KeyCode::Char('c'),
    ]);
    f.typed("tried the fix on preprod,");
    let ctrl_j = KeyEvent::new(KeyCode::Char('j'), KeyModifiers::CONTROL);
    app::update(f.state_mut(), Msg::Key(ctrl_j));
    f.typed("still slow");
    insta::assert_snapshot!("comment_prompt_80x24", f.screen(80, 24));
    f.keys(&[KeyCode::Enter]);
    let said = f.state().flash.clone().unwrap().text;
    assert_eq!(said, "Comment 3 on INC-3.", "after the demo's two");
    let thread = f
        .store()
        .comments(&firebreak::domain::comment::Subject::Incident(
            "INC-3".into(),
        ))
        .unwrap();
    let last = thread.last().unwrap();
    assert_eq!(last.text, "tried the fix on preprod,\nstill slow");
    assert_eq!(last.author, "sam");
    // The history is loaded as the loop does, then drawn under the incident.
    f.reload();
    f.keys(&[KeyCode::Char('k'), KeyCode::Char('j')]);
    insta::assert_snapshot!("service_comment_thread_120x40", f.screen(120, 40));
}

#[test]
fn a_link_shown_whole_is_found_for_the_terminal_to_make_clickable_unless_plain() {
    let mut f = Fixture::demo();
    let tom = f.actor("tom");
    // Short enough to stand whole on one line of the pane.
    let url = "https://gitlab.example/mr/42";
    let subject = firebreak::domain::comment::Subject::Item(firebreak::domain::ItemId(2));
    f.store()
        .add_link(&subject, url, Some("MR !42"), &tom, now())
        .unwrap();
    f.state_mut().color = true;
    f.keys(&[KeyCode::Enter]);
    let spans = |f: &mut Fixture| {
        let terminal = f.terminal(120, 40);
        firebreak::ui::link_spans(f.state(), terminal.backend().buffer())
    };
    // In the pane's links, and in its history line that added it.
    let found = spans(&mut f);
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found.iter().all(|(_, _, u)| u == url));
    let (x, y, _) = &found[0];
    let terminal = f.terminal(120, 40);
    let row: String = (*x..*x + url.len() as u16)
        .map(|c| terminal.backend().buffer()[(c, *y)].symbol().to_string())
        .collect();
    assert_eq!(row, url, "the URL stands there whole");
    assert!(
        !terminal.backend().to_string().contains('\u{1b}'),
        "the frame itself stays plain text"
    );
    f.state_mut().color = false;
    assert!(spans(&mut f).is_empty(), "without colour, plain text only");
    f.state_mut().color = true;
    f.state_mut().ascii = true;
    assert!(spans(&mut f).is_empty(), "with --ascii, plain text only");
}

#[test]
fn the_detail_pane_with_comments_links_and_what_was_said_where_it_came_from() {
    use firebreak::domain::ItemId;
    use firebreak::domain::comment::Subject;
    let mut f = Fixture::demo();
    let (sam, priya, rita) = (f.actor("sam"), f.actor("priya"), f.actor("rita"));
    let store = f.store();
    store
        .comment(
            &Subject::Incident("INC-2".into()),
            "Second email quotes the old price.\nSeen by three residents.",
            &sam,
            now(),
        )
        .unwrap();
    store
        .comment(
            &Subject::Item(ItemId(72)),
            "Ranked first: it is costing us calls.",
            &priya,
            now(),
        )
        .unwrap();
    store
        .add_link(
            &Subject::Item(ItemId(72)),
            "https://mail.example/t/9",
            Some("Thread"),
            &priya,
            now(),
        )
        .unwrap();
    store
        .relate(
            ItemId(72),
            firebreak::domain::link::Relation::Relates,
            ItemId(19),
            true,
            &priya,
            now(),
        )
        .unwrap();
    store
        .comment(
            &Subject::Release("1.1.1".into()),
            "Grace's checks are in the wiki.",
            &rita,
            now(),
        )
        .unwrap();
    f.reload();
    f.typed("/FB-72");
    f.keys(&[KeyCode::Enter, KeyCode::Enter]);
    insta::assert_snapshot!("detail_talk_80x24", f.screen(80, 24));
    insta::assert_snapshot!("detail_talk_120x40", f.screen(120, 40));
    // At 80x24 what was said on INC-2 is below the fold: Ctrl-E scrolls the pane to it.
    f.screen(80, 24);
    let ctrl_e = KeyEvent::new(KeyCode::Char('e'), KeyModifiers::CONTROL);
    for _ in 0..12 {
        app::update(f.state_mut(), Msg::Key(ctrl_e));
    }
    let screen = f.screen(80, 24);
    assert!(
        screen.contains("On INC-2, which it was raised from"),
        "{screen}"
    );
    assert!(screen.contains("Seen by three residents."), "{screen}");
    // The Pipeline at 80x24 has no room for a release's history: its newest comment shows.
    f.keys(&[KeyCode::Esc, KeyCode::Esc, KeyCode::Char('4')]);
    insta::assert_snapshot!("pipeline_comment_80x24", f.screen(80, 24));
}

#[test]
fn an_incidents_links_show_in_its_pane_on_the_service_tab() {
    let mut f = Fixture::demo();
    let sam = f.actor("sam");
    let inc = firebreak::domain::comment::Subject::Incident("INC-3".into());
    f.store()
        .add_link(
            &inc,
            "https://grafana.example/d/pay",
            Some("Dashboard"),
            &sam,
            now(),
        )
        .unwrap();
    f.reload();
    f.keys(&[KeyCode::Char('6'), KeyCode::Char('j'), KeyCode::Char('j')]);
    f.reload();
    f.keys(&[KeyCode::Char('k'), KeyCode::Char('j')]);
    for (w, h) in [(80, 24), (120, 40)] {
        let screen = f.screen(w, h);
        assert!(
            screen.contains("Link Dashboard  https://grafana.example/d/pay"),
            "{w}x{h}:\n{screen}"
        );
    }
}

#[test]
fn an_ended_version_says_on_the_pipeline_how_it_ended() {
    use firebreak::domain::release::Outcome;
    let mut f = Fixture::demo();
    let (omar, rita) = (f.actor("omar"), f.actor("rita"));
    let automation = firebreak::domain::Actor::automation();
    let store = f.store();
    store.answer("1.1.1", true, "", &omar, now(), None).unwrap();
    store.restart("1.1.1", &rita, now(), None).unwrap();
    for step in ["deploy", "smoke"] {
        store
            .report(
                "1.1.1",
                "production",
                step,
                Outcome::Pass,
                1.0,
                "",
                None,
                &[],
                now(),
                &automation,
            )
            .unwrap();
    }
    f.reload();
    f.keys(&[KeyCode::Char('4')]);
    // To 1.1.0, which 1.1.1 superseded when it passed production/smoke.
    for _ in 0..4 {
        if f.screen(120, 40).lines().any(|l| l.contains("▶ 1.1.0")) {
            break;
        }
        f.keys(&[KeyCode::Char('j')]);
    }
    let screen = f.screen(120, 40);
    assert!(screen.contains("↷ superseded"), "{screen}");
    assert!(
        screen.contains("Superseded on 2026-03-02 09:30: 1.1.1 passed production/smoke"),
        "{screen}"
    );
}
