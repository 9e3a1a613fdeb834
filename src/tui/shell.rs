//! The board's loop, a turn at a time: draw, wait for one input, turn it and whatever came in
//! meanwhile (the writer's answers, the automation's lines, the loader, another process's
//! writes, the clock) into messages, drain them through `update` and the effects. The
//! terminal's loop and the tests drive the same `Shell`: the tests with a `TestBackend`, their
//! own keys and a fixed clock.

use super::workers::{Loader, run_behind};
use super::{carry_out, snapshot, writer};
use crate::app::{self, AppState, Effect, Msg};
use crate::session::Failure;
use crate::store::Store;
use crate::ui;
use chrono::{DateTime, Utc};
use ratatui::Terminal;
use ratatui::backend::Backend;
use ratatui::crossterm::event::{Event, KeyEventKind};
use std::collections::VecDeque;
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

/// How often the loop wakes without input: to tick the clock and look for other writers.
const POLL: Duration = Duration::from_millis(250);

/// What the loop holds between turns.
pub struct Shell {
    store: Store,
    state: AppState,
    /// The rest of a large board, loading behind its first screen.
    loader: Option<Loader>,
    /// The automation's lines while it runs for this board.
    run: Option<Receiver<Msg>>,
    writer: writer::Writer,
    /// The file's `data_version` when the board last read it: another value is another
    /// process's write.
    seen: i64,
    /// The user wrote while the loader was reading.
    wrote: bool,
    clock: fn() -> DateTime<Utc>,
}

impl Shell {
    /// The loop for a board already loaded into `state`, with the clock it reads.
    pub fn new(
        store: Store,
        state: AppState,
        clock: fn() -> DateTime<Utc>,
    ) -> Result<Shell, Failure> {
        let writer = writer::Writer::start(store.path(), store.is_readonly())?;
        Ok(Shell {
            seen: store.data_version()?,
            store,
            state,
            loader: None,
            run: None,
            writer,
            wrote: false,
            clock,
        })
    }

    pub(super) fn load_behind(&mut self, loader: Option<Loader>) {
        self.loader = loader;
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// The state, to set what a user would have set before the board opened (a keymap,
    /// `--ascii`, who acts).
    pub fn state_mut(&mut self) -> &mut AppState {
        &mut self.state
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The board's connection, as another process would write through its own.
    pub fn store_mut(&mut self) -> &mut Store {
        &mut self.store
    }

    /// Draws a frame, and tells the app where it put what a click selects.
    /// Draws a frame; returns where links stand whole on it (column, row, URL), for a real
    /// terminal to make clickable.
    pub fn draw<B: Backend>(
        &mut self,
        terminal: &mut Terminal<B>,
    ) -> Result<Vec<(u16, u16, String)>, Failure>
    where
        B::Error: std::fmt::Display,
    {
        let mut hits = Vec::new();
        let mut links = Vec::new();
        terminal
            .draw(|f| {
                hits = ui::render(&self.state, f);
                links = ui::link_spans(&self.state, f.buffer_mut());
            })
            .map_err(|e| Failure {
                code: 1,
                message: e.to_string(),
            })?;
        app::update(&mut self.state, Msg::Laid(hits));
        Ok(links)
    }

    /// How long to wait for input: briefly while something works in the background.
    pub fn wait(&self) -> Duration {
        if self.loader.is_some() || self.run.is_some() || self.writer.pending() {
            Duration::from_millis(15)
        } else {
            POLL
        }
    }

    /// One turn with this input (or none): false once the board is to close, its own writes
    /// still waiting landed first.
    pub fn turn(&mut self, input: Option<Event>) -> Result<bool, Failure> {
        let mut queue = VecDeque::new();
        match input {
            Some(Event::Key(k)) if k.kind == KeyEventKind::Press => queue.push_back(Msg::Key(k)),
            Some(Event::Resize(w, h)) => queue.push_back(Msg::Resize(w, h)),
            Some(Event::Mouse(m)) => {
                use ratatui::crossterm::event::{MouseButton, MouseEventKind};
                let kind = match m.kind {
                    MouseEventKind::ScrollDown => Some(app::MouseKind::ScrollDown),
                    MouseEventKind::ScrollUp => Some(app::MouseKind::ScrollUp),
                    MouseEventKind::Down(MouseButton::Left) => Some(app::MouseKind::Click),
                    _ => None,
                };
                if let Some(kind) = kind {
                    queue.push_back(Msg::Mouse {
                        kind,
                        x: m.column,
                        y: m.row,
                    });
                }
            }
            _ => {}
        }
        // A key right after a write waits for it (up to 150 ms), so that keys typed in a row
        // act on the board as each left it.
        if self.writer.pending()
            && queue
                .iter()
                .any(|m| matches!(m, Msg::Key(_) | Msg::Mouse { .. }))
        {
            let done = self.writer.settle(Duration::from_millis(150));
            if !done.is_empty() {
                self.seen = self.store.data_version()?;
                for msg in done.into_iter().rev() {
                    queue.push_front(msg);
                }
            }
        }
        queue.push_back(Msg::Tick((self.clock)()));
        self.gather(&mut queue)?;
        self.drain(queue)
    }

    /// What came in from the threads and the file since the last turn.
    fn gather(&mut self, queue: &mut VecDeque<Msg>) -> Result<(), Failure> {
        if let Some(rx) = &self.run {
            let msgs: Vec<Msg> = rx.try_iter().collect();
            if msgs.iter().any(|m| matches!(m, Msg::RunEnded { .. })) {
                self.run = None;
            }
            queue.extend(msgs);
        }
        if let Some(rx) = &self.loader {
            match rx.try_recv() {
                Ok(loaded) => {
                    self.loader = None;
                    queue.push_back(Msg::Loaded(Box::new(loaded?)));
                    // Writes made meanwhile may be missing from what the thread read.
                    if self.wrote {
                        queue.push_back(self.reloaded()?);
                    }
                }
                Err(std::sync::mpsc::TryRecvError::Empty) => {}
                Err(std::sync::mpsc::TryRecvError::Disconnected) => self.loader = None,
            }
        }
        let done = self.writer.results();
        if !done.is_empty() {
            // The writer's own commits are in what it sent back (or it sent a reload): the
            // change of data_version they made is no other process's.
            self.seen = self.store.data_version()?;
            queue.extend(done);
        }
        // While a write of ours is on its way, the change it made is not yet answered: a reload
        // now could show the change before its answer arrives (and undo would then see no
        // change to take back). Its answer, when it comes, brings the board up to date.
        if self.writer.pending() {
            return Ok(());
        }
        let version = self.store.data_version()?;
        if version != self.seen {
            self.seen = version;
            queue.push_back(self.reloaded()?);
        }
        Ok(())
    }

    /// Every message through `update`, and every effect carried out: writes to the writer's
    /// thread, a run to its own, the rest here.
    fn drain(&mut self, mut queue: VecDeque<Msg>) -> Result<bool, Failure> {
        while let Some(msg) = queue.pop_front() {
            for effect in app::update(&mut self.state, msg) {
                if let Effect::RunRelease(version) = &effect {
                    self.run = Some(run_behind(self.store.path(), version.clone()));
                    continue;
                }
                self.wrote |= matches!(
                    effect,
                    Effect::Rank { .. } | Effect::Apply { .. } | Effect::Create(_)
                );
                if writer::writes(&effect) {
                    self.writer
                        .send(effect, self.state.me.clone(), (self.clock)());
                    continue;
                }
                match carry_out(&mut self.store, &self.state, effect, (self.clock)()) {
                    Some(next) => queue.extend(next),
                    None => {
                        // The user's own writes still waiting land (or fail) before the board
                        // closes.
                        self.writer.finish();
                        return Ok(false);
                    }
                }
            }
        }
        Ok(true)
    }

    /// The board as the file now holds it.
    fn reloaded(&self) -> Result<Msg, Failure> {
        Ok(Msg::Loaded(Box::new(snapshot(
            &self.store,
            self.state.me.clone(),
        )?)))
    }

    /// Reads the board again, as the loop does when another process writes (a write through
    /// `store_mut` is this connection's own, which the loop does not see as another's).
    pub fn reload(&mut self) -> Result<(), Failure> {
        let msg = self.reloaded()?;
        self.seen = self.store.data_version()?;
        self.drain(VecDeque::from([msg])).map(|_| ())
    }

    /// Turns until the writes sent are answered and the loader is done, or `deadline` passes:
    /// what a script (or a test) waits for before it looks at the screen.
    pub fn settle(&mut self, deadline: Duration) -> Result<(), Failure> {
        let until = Instant::now() + deadline;
        while (self.writer.pending() || self.loader.is_some()) && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(2));
            let mut queue = VecDeque::new();
            self.gather(&mut queue)?;
            if !self.drain(queue)? {
                break;
            }
        }
        Ok(())
    }
}

/// Writes each link shown again over itself, wrapped in an OSC 8 hyperlink: the same text, so a
/// terminal that does not follow OSC 8 shows what it showed. The URLs were checked (http or
/// https, no control character), so nothing in them can end the sequence early.
fn clickable<W: std::io::Write>(out: &mut W, links: &[(u16, u16, String)]) {
    use ratatui::crossterm::{cursor::MoveTo, queue, style::Print};
    for (x, y, url) in links {
        let _ = queue!(
            out,
            MoveTo(*x, *y),
            Print(format!("\u{1b}]8;;{url}\u{1b}\\{url}\u{1b}]8;;\u{1b}\\"))
        );
    }
    let _ = out.flush();
}

/// The terminal's loop: a frame, one input (or the poll interval), a turn, until the board
/// closes.
pub fn event_loop<B: Backend + std::io::Write>(
    terminal: &mut Terminal<B>,
    mut shell: Shell,
    next_event: &mut dyn FnMut(Duration) -> std::io::Result<Option<Event>>,
) -> Result<(), Failure>
where
    B::Error: std::fmt::Display,
{
    let size = terminal.size().map_err(|e| Failure {
        code: 1,
        message: e.to_string(),
    })?;
    app::update(&mut shell.state, Msg::Resize(size.width, size.height));
    loop {
        let links = shell.draw(terminal)?;
        if !links.is_empty() {
            clickable(terminal.backend_mut(), &links);
        }
        let input = next_event(shell.wait())?;
        if !shell.turn(input)? {
            return Ok(());
        }
    }
}

#[cfg(test)]
mod link_tests {
    #[test]
    fn a_link_is_written_again_over_itself_wrapped_in_osc_8() {
        let mut out = Vec::new();
        let url = "https://gitlab.example/mr/42";
        super::clickable(&mut out, &[(3, 4, url.to_string())]);
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            format!("\u{1b}[5;4H\u{1b}]8;;{url}\u{1b}\\{url}\u{1b}]8;;\u{1b}\\"),
            "moved to the link's first cell (1-based), then the same text inside the link"
        );
    }
}
