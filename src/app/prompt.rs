//! Questions the board asks (a reason, a limit, evidence, a yes or no): the keys while one is
//! open. The answer goes back to the dispatcher, which hands it to the tab that asked
//! (`tabs::submit`); nothing here knows what any answer means.

use super::keymap::{Command, Context};
use super::say::{flash, flash_error};
use super::{AppState, Overlay, Pending};
use ratatui::crossterm::event::KeyEvent;

/// The keys of a yes-or-no question: its question back when the answer is yes.
pub(super) fn confirm_key(s: &mut AppState, cmd: Option<Command>) -> Option<Pending> {
    let Some(Overlay::Confirm { then, .. }) = s.overlay.take() else {
        return None;
    };
    if cmd != Some(Command::Yes) {
        flash(s, "Nothing was changed.");
        return None;
    }
    Some(then)
}

/// The keys of a question answered in words: the question and the answer once it is given
/// (never empty).
pub(super) fn prompt_key(
    s: &mut AppState,
    cmd: Option<Command>,
    k: KeyEvent,
) -> Option<(Pending, String)> {
    let Some(Overlay::Prompt { input, then, .. }) = &mut s.overlay else {
        return None;
    };
    match cmd {
        Some(Command::Back) => {
            s.overlay = None;
            flash(s, "Nothing was changed.");
        }
        Some(Command::Submit) => {
            let answer = input.text.trim().to_string();
            if answer.is_empty() {
                let text = format!(
                    "A reason is needed: type why, then {} ({} to give up).",
                    s.key(Context::Prompt, Command::Submit),
                    s.key(Context::Prompt, Command::Back)
                );
                flash_error(s, text);
                return None;
            }
            let then = then.clone();
            s.overlay = None;
            return Some((then, answer));
        }
        _ => {
            input.key(k);
        }
    }
    None
}
