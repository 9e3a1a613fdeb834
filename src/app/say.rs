//! What every room of the app uses to speak and to check that it may write: the status line's
//! messages, the read-only refusal, and the question about an escaped defect that more than one
//! tab asks.

use super::input::LineInput;
use super::{AppState, Flash, Overlay, Pending};

pub(super) fn flash(s: &mut AppState, text: impl Into<String>) {
    s.flash = Some(Flash {
        text: text.into(),
        error: false,
        at: s.now,
    });
}

pub(super) fn flash_error(s: &mut AppState, text: impl Into<String>) {
    s.flash = Some(Flash {
        text: text.into(),
        error: true,
        at: s.now,
    });
}

/// Refuses every write on a read-only board, with a message.
pub(super) fn writable(s: &mut AppState) -> bool {
    if s.readonly {
        flash_error(
            s,
            "This board is open read-only (--readonly): nothing can be changed here.",
        );
    }
    !s.readonly
}

/// Asks where an escaped incident or defect should have been caught.
pub(super) fn ask_escape(s: &mut AppState, source: String, shape: &str) {
    s.overlay = Some(Overlay::Prompt {
        question: format!(
            "{source} reached live: which environment and kind of test (functional, non-functional) should have caught it? {shape}"
        ),
        input: LineInput::default(),
        then: Pending::Escape(source),
    });
}
