//! What every room of the app uses to speak and to check that it may write: the status line's
//! messages, the read-only refusal, copying, and the question about an escaped defect or
//! incident that more than one tab asks.

use super::{AppState, Effect, Flash, Overlay, Pending};

/// How many messages the session keeps for `M`.
const KEPT: usize = 500;

fn say(s: &mut AppState, text: String, error: bool) {
    let said = Flash {
        text,
        error,
        at: s.now,
    };
    if s.said.len() >= KEPT {
        s.said.remove(0);
    }
    s.said.push(said.clone());
    s.flash = Some(said);
}

pub(crate) fn flash(s: &mut AppState, text: impl Into<String>) {
    say(s, text.into(), false);
}

pub(crate) fn flash_error(s: &mut AppState, text: impl Into<String>) {
    say(s, text.into(), true);
}

/// Refuses every write on a read-only board, with a message.
pub(crate) fn writable(s: &mut AppState) -> bool {
    if s.readonly {
        flash_error(
            s,
            "This board is open read-only (--readonly): nothing can be changed here.",
        );
    }
    !s.readonly
}

/// Whether this person may do what a question is about to be asked for (and the board may be
/// written): if not, says why before anything is typed.
pub(crate) fn may(s: &mut AppState, duty: &crate::domain::policy::Duty) -> bool {
    if !writable(s) {
        return false;
    }
    match s.me.may(duty) {
        Ok(()) => true,
        Err(e) => {
            flash_error(s, e.to_string());
            false
        }
    }
}

/// Whether the domain would take `cmd` on `item` from this person now (with a placeholder for
/// the words still to be asked): if not, says why before anything is typed.
pub(crate) fn would(
    s: &mut AppState,
    item: &crate::domain::Item,
    cmd: &crate::domain::ItemCommand,
) -> bool {
    if !writable(s) {
        return false;
    }
    match crate::domain::item::apply(item, cmd, &s.me, s.now) {
        Ok(_) => true,
        Err(e) => {
            flash_error(s, e.to_string());
            false
        }
    }
}

/// Puts `text` (what a room chose to copy) on the clipboard, saying so, or says there is
/// nothing to copy.
pub(crate) fn copy(s: &mut AppState, text: Option<String>) -> Vec<Effect> {
    match text {
        Some(text) if !text.is_empty() => {
            let shown: String = text.chars().take(60).collect();
            flash(s, format!("Copied to the clipboard: {shown}"));
            vec![Effect::Copy(text)]
        }
        _ => {
            flash_error(
                s,
                "Nothing here to copy: select an item, a release or an incident first.",
            );
            vec![]
        }
    }
}

/// Asks where an escaped incident or defect should have been caught; `then` is the asking
/// tab's question, which hands the answer to `escape`.
pub(crate) fn ask_escape(s: &mut AppState, source: &str, shape: &str, then: Pending) {
    s.overlay = Some(Overlay::prompt(
        format!(
            "{source} reached live: which environment and kind of test (functional, non-functional) should have caught it? {shape}"
        ),
        "",
        then,
    ));
}

/// The answer to `ask_escape`: the escape to record, or why the answer does not read.
pub(crate) fn escape(source: String, answer: &str) -> Result<Vec<Effect>, String> {
    let (release, catch) =
        crate::domain::escape::parse_answer(answer).map_err(|e| e.to_string())?;
    Ok(vec![Effect::RecordEscape {
        source,
        release,
        catch,
    }])
}
