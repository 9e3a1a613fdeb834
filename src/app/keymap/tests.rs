use super::*;
use ratatui::crossterm::event::{KeyCode, KeyModifiers};

fn ev(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
    KeyEvent::new(code, mods)
}

#[test]
fn a_keymap_file_rebinds_and_unbinds_and_shows_in_the_help() {
    let km = Keymap::with_overrides(
        "# mine\n[backlog]\nrank-top = \"T ctrl-t\"   # to the top\nfilter = \"f /\"\n\n[global]\nrefresh = \"\"\n",
    )
    .unwrap();
    let key = |c: char| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
    assert_eq!(
        km.lookup(Context::Backlog, key('T')),
        Some(Command::RankTop)
    );
    assert_eq!(km.lookup(Context::Backlog, key('t')), None);
    assert_eq!(km.lookup(Context::Backlog, key('f')), Some(Command::Filter));
    assert_eq!(km.lookup(Context::Backlog, key('r')), None, "unbound");
    assert!(
        km.markdown()
            .contains("| backlog | `T` `^t` | rank the item to the top |")
    );
}

#[test]
fn quit_cannot_be_unbound() {
    let errors = Keymap::with_overrides("[global]\n\nquit = \"\"\n").unwrap_err();
    assert_eq!(
        errors,
        ["line 3: quit must keep a key, or nothing could close the board"]
    );
    assert!(Keymap::with_overrides("[global]\nquit = \"ctrl-q\"\n").is_ok());
}

#[test]
fn a_keymap_file_with_a_mistake_says_where_and_changes_nothing() {
    let errors = Keymap::with_overrides(
        "[backlog]\nrank-top = \"j\"\nfly = \"x\"\n[nowhere]\nquit = \"q\"\n[global]\nquit = \"hyper-q\"\nhelp = 3\n",
    )
    .unwrap_err();
    let text = errors.join("\n");
    for expected in [
        "line 2: 'j' is bound to both down and rank-top in [backlog]",
        "line 3: no action 'fly' in [backlog]",
        "line 4: there is no context 'nowhere'",
        "line 7: 'hyper-q' is not a key",
        "line 8: the keys of 'help' go in double quotes",
    ] {
        assert!(text.contains(expected), "{expected} missing from:\n{text}");
    }
    let lines: Vec<&str> = errors
        .iter()
        .map(|e| e.split(':').next().unwrap())
        .collect();
    assert_eq!(
        lines,
        ["line 2", "line 3", "line 4", "line 7", "line 8"],
        "in the file's order"
    );
}

#[test]
fn a_keymap_file_that_is_not_toml_is_refused_at_its_first_error() {
    for (text, line) in [
        ("[global]\nquit = \"q\"\nhelp = unquoted\n", 3),
        ("[backlog]\nfilter = \"f\"\n[backlog]\nfilter = \"g\"\n", 3),
        ("[global]\nquit = \"q\"\nquit = \"x\"\n", 3),
    ] {
        let errors = Keymap::with_overrides(text).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0].starts_with(&format!("line {line}: this is not TOML")),
            "{errors:?}"
        );
    }
}

#[test]
fn shifted_letters_and_shifted_arrows_both_rank() {
    let km = Keymap::default();
    assert_eq!(
        km.lookup(
            Context::Backlog,
            ev(KeyCode::Char('J'), KeyModifiers::SHIFT)
        ),
        Some(Command::RankDown)
    );
    assert_eq!(
        km.lookup(Context::Backlog, ev(KeyCode::Up, KeyModifiers::SHIFT)),
        Some(Command::RankUp)
    );
    assert_eq!(
        km.lookup(Context::Backlog, ev(KeyCode::Up, KeyModifiers::NONE)),
        Some(Command::Up)
    );
}

#[test]
fn text_contexts_do_not_fall_back_to_global_keys() {
    let km = Keymap::default();
    let q = ev(KeyCode::Char('q'), KeyModifiers::NONE);
    assert_eq!(km.lookup(Context::Backlog, q), Some(Command::Quit));
    assert_eq!(km.lookup(Context::Filter, q), None);
    assert_eq!(km.lookup(Context::Form, q), None);
}

#[test]
fn every_default_key_parses_and_no_key_is_bound_twice_in_a_context() {
    let km = Keymap::default();
    for (b, raw) in km.bindings.iter().zip(DEFAULTS) {
        assert_eq!(b.keys.len(), raw.1.split(' ').count(), "{:?}", raw.1);
    }
    for (i, a) in km.bindings.iter().enumerate() {
        for b in &km.bindings[i + 1..] {
            if a.context == b.context {
                for (_, k) in &a.keys {
                    assert!(
                        !b.keys.iter().any(|(_, j)| j == k),
                        "{k} twice in {}",
                        a.context
                    );
                }
            }
        }
    }
}

/// Where a tab's own key means something else than the same key everywhere, on purpose (none
/// today). Overlays and text input keep every key to themselves and are not asked.
const SHADOWS_ON_PURPOSE: &[(Context, &str)] = &[];

#[test]
fn no_key_of_a_tab_hides_a_key_that_means_the_same_everywhere_unless_on_purpose() {
    let km = Keymap::default();
    let global: Vec<(&Key, Command)> = km
        .bindings
        .iter()
        .filter(|b| b.context == Context::Global)
        .flat_map(|b| b.keys.iter().map(move |(_, k)| (k, b.command)))
        .collect();
    let mut hidden = Vec::new();
    for b in km
        .bindings
        .iter()
        .filter(|b| b.context != Context::Global && super::falls_through(b.context))
    {
        for (name, key) in &b.keys {
            for (g, command) in &global {
                if *g == key
                    && *command != b.command
                    && !SHADOWS_ON_PURPOSE.contains(&(b.context, name.as_str()))
                {
                    hidden.push(format!(
                        "{} `{name}` ({}) hides the global {}",
                        b.context, b.command, command
                    ));
                }
            }
        }
    }
    assert!(hidden.is_empty(), "{}", hidden.join("\n"));
}

#[test]
fn every_action_is_named_for_what_it_does_in_its_context() {
    // A command shared by contexts must mean the same kind of thing in each: the sprint's
    // commands stay on the Sprint tab, an incident's on the incidents.
    let km = Keymap::default();
    let only = |command: Command, contexts: &[Context]| {
        for b in km.bindings.iter().filter(|b| b.command == command) {
            assert!(
                contexts.contains(&b.context),
                "{command} is bound in {}, where it does something else",
                b.context
            );
        }
    };
    only(Command::NextSprint, &[Context::Sprint]);
    only(Command::PrevSprint, &[Context::Sprint]);
    only(Command::StartSprint, &[Context::Sprint]);
    only(Command::NewIncident, &[Context::Service]);
    only(Command::CloseIncident, &[Context::Service]);
    only(
        Command::Submit,
        &[
            Context::Prompt,
            Context::Form,
            Context::Palette,
            Context::People,
        ],
    );
}
