//! The board's writes, on a thread of their own with a connection of their own: while another
//! process holds the board's write lock, the screen still draws and answers every key, and the
//! write waits its turn there. Writes are carried out one after another, in the order asked.

use super::carry_out_as;
use crate::app::{Effect, Msg};
use crate::domain::Actor;
use crate::store::{Store, StoreError};
use chrono::{DateTime, Utc};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::{Duration, Instant};

/// How long a write of the board waits for another process's lock before it is reported.
const PATIENCE: Duration = Duration::from_secs(60);

/// After this long, a write still waiting says whom it waits for.
const SAY_AFTER: Duration = Duration::from_millis(300);

pub struct Writer {
    db: PathBuf,
    tx: Option<Sender<(Effect, Actor, DateTime<Utc>)>>,
    rx: Receiver<Vec<Msg>>,
    pending: usize,
    since: Option<Instant>,
    said: bool,
    handle: Option<std::thread::JoinHandle<()>>,
}

/// Whether an effect changes the board (and so goes to the writer) rather than reads it.
pub fn writes(effect: &Effect) -> bool {
    // A release's run has a thread of its own.
    !effect.is_read() && !matches!(effect, Effect::RunRelease(_))
}

impl Writer {
    pub fn start(db: &Path, readonly: bool) -> Result<Writer, StoreError> {
        let mut store = Store::open(db, readonly)?;
        store.set_patience(PATIENCE)?;
        let (tx, work) = channel::<(Effect, Actor, DateTime<Utc>)>();
        let (done, rx) = channel();
        let handle = std::thread::spawn(move || {
            for (effect, me, now) in work {
                let msgs = carry_out_as(&mut store, &me, effect, now).unwrap_or_default();
                if done.send(msgs).is_err() {
                    break;
                }
            }
        });
        Ok(Writer {
            db: db.to_path_buf(),
            tx: Some(tx),
            rx,
            pending: 0,
            since: None,
            said: false,
            handle: Some(handle),
        })
    }

    /// Hands a write to the thread; its messages come back through `results`.
    pub fn send(&mut self, effect: Effect, me: Actor, now: DateTime<Utc>) {
        if let Some(tx) = &self.tx
            && tx.send((effect, me, now)).is_ok()
        {
            self.pending += 1;
            self.since.get_or_insert_with(Instant::now);
        }
    }

    pub fn pending(&self) -> bool {
        self.pending > 0
    }

    /// What the writes done since the last call said; and, once a write has waited a while,
    /// a line saying who holds the lock it waits for.
    pub fn results(&mut self) -> Vec<Msg> {
        let mut out = Vec::new();
        for msgs in self.rx.try_iter() {
            self.pending = self.pending.saturating_sub(1);
            out.extend(msgs);
        }
        if self.pending == 0 {
            self.since = None;
            self.said = false;
        } else if !self.said && self.since.is_some_and(|s| s.elapsed() >= SAY_AFTER) {
            self.said = true;
            let holder = crate::store::lock_holder(&self.db)
                .unwrap_or_else(|| "another process".to_string());
            out.push(Msg::Said(format!(
                "Saving… your change waits for the board's write lock, held by {holder}."
            )));
        }
        out
    }

    /// Waits for the writes pending to finish, until `max` after the oldest was asked: a key
    /// pressed right after a change then acts on the board as that change left it (J J J moves
    /// an item three places), while a write held up by another process's lock holds up only the
    /// keys of its first `max`; every key after that is answered at once.
    pub fn settle(&mut self, max: Duration) -> Vec<Msg> {
        let deadline = self.since.map_or_else(Instant::now, |s| s + max);
        let mut out = Vec::new();
        while self.pending > 0 {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(msgs) => {
                    self.pending -= 1;
                    out.extend(msgs);
                }
                Err(_) => break,
            }
        }
        if self.pending == 0 {
            self.since = None;
            self.said = false;
        }
        out
    }

    /// Waits for the writes still pending, then ends the thread.
    pub fn finish(&mut self) {
        self.tx = None;
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}
