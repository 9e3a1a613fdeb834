//! The command palette (`:`): every action of where the keyboard is, found by name and run by
//! its own key.

use super::keymap::Command;
use super::say::flash_error;
use super::{AppState, Overlay};
use ratatui::crossterm::event::KeyEvent;

/// What a key in the palette comes to.
pub(super) enum Answer {
    Done,
    /// Run the chosen action: press its key.
    Press(KeyEvent),
}

/// The palette's choices: the actions of the context it was opened from whose help, name or
/// key matches what is typed, best first.
pub fn palette_choices(s: &AppState) -> Vec<&super::keymap::Binding> {
    use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
    use nucleo_matcher::{Config, Matcher, Utf32Str};
    let Some(Overlay::Palette { from, input, .. }) = &s.overlay else {
        return vec![];
    };
    let actions = s.keymap.actions(*from);
    let query = input.text.trim();
    if query.is_empty() {
        return actions;
    }
    let pattern = Pattern::parse(query, CaseMatching::Ignore, Normalization::Smart);
    let mut matcher = Matcher::new(Config::DEFAULT);
    let mut buf = Vec::new();
    let mut scored: Vec<(u32, usize, &super::keymap::Binding)> = actions
        .into_iter()
        .enumerate()
        .filter_map(|(i, b)| {
            let text = format!("{} {} {}", b.help, b.command.as_str(), b.keys_label());
            pattern
                .score(Utf32Str::new(&text, &mut buf), &mut matcher)
                .map(|score| (score, i, b))
        })
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().map(|(_, _, b)| b).collect()
}

pub(super) fn key(s: &mut AppState, cmd: Option<Command>, k: KeyEvent) -> Answer {
    let n = palette_choices(s).len();
    let chosen = palette_choices(s)
        .get(match &s.overlay {
            Some(Overlay::Palette { selected, .. }) => *selected,
            _ => 0,
        })
        .and_then(|b| b.keys.first().map(|(_, key)| *key));
    let Some(Overlay::Palette {
        input, selected, ..
    }) = &mut s.overlay
    else {
        return Answer::Done;
    };
    match cmd {
        Some(Command::Back) => s.overlay = None,
        Some(Command::Down) => *selected = (*selected + 1).min(n.saturating_sub(1)),
        Some(Command::Up) => *selected = selected.saturating_sub(1),
        Some(Command::Submit) => {
            s.overlay = None;
            // Runs the action by its own key, exactly as if it had been pressed: the dispatcher
            // presses it.
            return match chosen {
                Some(key) => Answer::Press(KeyEvent::new(key.code, key.mods)),
                None => {
                    let back = s.key(super::keymap::Context::Palette, Command::Back);
                    flash_error(s, format!("No action matches: type less, or {back}."));
                    Answer::Done
                }
            };
        }
        _ => {
            if input.key(k) {
                *selected = 0;
            }
        }
    }
    Answer::Done
}
