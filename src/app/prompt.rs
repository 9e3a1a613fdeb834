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
/// (never empty). The question stays open until `answered` says how the answer went.
pub(super) fn prompt_key(
    s: &mut AppState,
    cmd: Option<Command>,
    k: KeyEvent,
) -> Option<(Pending, String)> {
    let (submit, back) = (
        s.key(Context::Prompt, Command::Submit),
        s.key(Context::Prompt, Command::Back),
    );
    let Some(Overlay::Prompt {
        input, then, error, ..
    }) = &mut s.overlay
    else {
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
                *error = Some(format!(
                    "An answer is needed: type it, then {submit} ({back} to give up)."
                ));
                return None;
            }
            return Some((then.clone(), answer));
        }
        _ => {
            if input.key(k) {
                *error = None;
            }
        }
    }
    None
}

/// How an answer went: accepted (the question closes, unless the answer asked another), or
/// refused (the question stays open with the text as typed and why, in its box).
pub(super) fn answered<T: Default>(
    s: &mut AppState,
    asked: Option<Overlay>,
    outcome: Result<T, String>,
) -> T {
    match outcome {
        Ok(effects) => effects,
        Err(why) => {
            match asked {
                Some(Overlay::Prompt {
                    question,
                    input,
                    then,
                    ..
                }) => {
                    s.overlay = Some(Overlay::Prompt {
                        question,
                        input,
                        then,
                        error: Some(why),
                    })
                }
                _ => flash_error(s, why),
            }
            T::default()
        }
    }
}
