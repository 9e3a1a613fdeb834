//! The command palette (`:`): every action of where the keyboard is, found by name and run as
//! itself (not by pressing its key, which a context's own binding could mean otherwise).

use super::keymap::Command;
use super::say::flash_error;
use super::{AppState, Overlay};
use ratatui::crossterm::event::KeyEvent;

/// What a key in the palette comes to.
pub(super) enum Answer {
    Done,
    /// Run the chosen action, of the context it belongs to.
    Run(super::keymap::Context, Command),
    /// Show the Backlog through the saved view of this name (`:view NAME`).
    View(String),
}

/// The palette's choices: the actions of the context it was opened from whose help, name or
/// key matches what is typed, best first.
pub fn palette_choices(s: &AppState) -> Vec<&super::keymap::Binding> {
    use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
    use nucleo_matcher::{Config, Matcher, Utf32Str};
    let Some(Overlay::Palette { from, input, .. }) = &s.overlay else {
        return vec![];
    };
    let mut actions = s.keymap.actions(*from);
    if s.readonly {
        actions.retain(|b| !b.command.writes());
    }
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
        .map(|b| (b.context, b.command));
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
            let typed = input.text.trim().to_string();
            s.overlay = None;
            if let Some(name) = typed.strip_prefix("view ") {
                return Answer::View(name.trim().to_string());
            }
            // The dispatcher runs the action itself, in its own context.
            return match chosen {
                Some((context, command)) => Answer::Run(context, command),
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
