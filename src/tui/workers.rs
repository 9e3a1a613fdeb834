//! The board's threads besides the writer: the one that runs a release's automation, and the
//! one that loads the whole board behind the first screen. Each has a connection of its own.

use super::snapshot;
use crate::app::{Msg, Snapshot};
use crate::domain::Actor;
use crate::store::{Store, StoreError};
use std::path::Path;

/// The whole board, loaded by a thread of its own while the first screen is shown.
pub(super) type Loader = std::sync::mpsc::Receiver<Result<Snapshot, StoreError>>;

/// Runs the automation on a thread of its own connection; its writes reach the board through
/// `PRAGMA data_version` like any other process's, and its lines through the channel.
pub(super) fn run_behind(db: &Path, version: String) -> std::sync::mpsc::Receiver<Msg> {
    let (tx, rx) = std::sync::mpsc::channel();
    let db = db.to_path_buf();
    std::thread::spawn(move || {
        let said = tx.clone();
        let end = Store::open(&db, false).and_then(|mut store| {
            crate::runner::run_release(&mut store, &version, &mut |line| {
                let _ = said.send(Msg::RunLine(format!("{version}: {line}")));
            })
        });
        let (text, failed) = match end {
            Ok(crate::runner::End::Halted { env, step, defect }) => (
                format!(
                    "{version} halted at {env}/{step}{}",
                    defect.map_or(String::new(), |d| format!("; {d} is on the backlog"))
                ),
                true,
            ),
            Ok(crate::runner::End::Firebreak) => {
                (format!("{version} waits at the firebreak."), false)
            }
            Ok(crate::runner::End::Shadow { slot, .. }) => (
                format!(
                    "{version} is in the shadow ({} slot): it waits for go/no-go.",
                    slot.unwrap_or_default()
                ),
                false,
            ),
            Ok(crate::runner::End::Waits { env, step }) => (
                format!("{version} waits for {env}/{step} from an external CI."),
                false,
            ),
            Ok(crate::runner::End::Done(state)) => (format!("{version} is {state}."), false),
            Err(e) => (e.to_string(), true),
        };
        let _ = tx.send(Msg::RunEnded { text, failed });
    });
    rx
}

/// Loads the whole board on a thread of its own, with its own connection.
pub(super) fn load_behind(db: &Path, me: Actor) -> Loader {
    let (tx, rx) = std::sync::mpsc::channel();
    let db = db.to_path_buf();
    std::thread::spawn(move || {
        let loaded = Store::open(&db, true).and_then(|s| snapshot(&s, me));
        let _ = tx.send(loaded);
    });
    rx
}
