//! The only code that touches the terminal: it opens the board, runs the event loop, carries
//! out the app's effects through the store, and restores the terminal on every path.

mod effects;
mod shell;
mod snapshot;
mod workers;
mod writer;

use effects::carry_out;
pub(crate) use effects::carry_out_as;
pub use shell::{Shell, event_loop};
pub use snapshot::{first_screen, snapshot};
use workers::load_behind;

use crate::app::{self, AppState, Msg};
use crate::domain::Actor;
use crate::session::{Failure, resolve_actor};
use crate::store::Store;
use chrono::Utc;
use ratatui::crossterm::event;
use std::path::Path;
use std::time::Duration;

/// What to open and how.
pub struct Options<'a> {
    pub db: &'a Path,
    pub as_person: Option<&'a str>,
    pub readonly: bool,
    pub ascii: bool,
    pub color: bool,
    pub mouse: bool,
}

/// Opens the board in the terminal. Everything that can fail before drawing fails here,
/// with the terminal untouched.
pub fn run(opts: &Options<'_>) -> Result<(), Failure> {
    use std::io::IsTerminal;
    let mut store = Store::open(opts.db, opts.readonly)?;
    if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        return Err(Failure {
            code: 2,
            message: "firebreak needs a terminal to open the board; the commands work without one, see `firebreak --help`".into(),
        });
    }
    // The board waits a second for another process's write, then says who holds it: its
    // screen never stands still for long.
    store.set_patience(Duration::from_secs(1))?;
    let (state, store) = prepare(store, opts)?;
    let _log = start_log(opts.db);
    tracing::info!(db = %opts.db.display(), user = %state.me.name, "board opened");
    let loader = state
        .loading
        .map(|_| load_behind(opts.db, state.me.clone()));
    let _ = color_eyre::install();
    let stopped = stop_signals();
    let mut terminal = ratatui::try_init().map_err(|e| Failure {
        code: 2,
        message: format!(
            "cannot take the terminal: {e}; the commands work without one, see `firebreak --help`"
        ),
    })?;
    if opts.mouse {
        mouse_on();
    }
    let mut shell = Shell::new(store, state, Utc::now)?;
    shell.load_behind(loader);
    let result = event_loop(&mut terminal, shell, &mut |timeout| {
        if stopped.load(std::sync::atomic::Ordering::Relaxed) != 0 {
            return Err(std::io::Error::other("stopped by a signal"));
        }
        if event::poll(timeout)? {
            Ok(Some(event::read()?))
        } else {
            Ok(None)
        }
    });
    if opts.mouse {
        mouse_off();
    }
    ratatui::restore();
    match stopped.load(std::sync::atomic::Ordering::Relaxed) {
        0 => result,
        signal => Err(Failure {
            code: 128 + signal as i32,
            message: format!(
                "stopped by {}: the terminal is restored, and every change made was already saved",
                signal_name(signal as i32)
            ),
        }),
    }
}

/// SIGTERM, SIGHUP and SIGINT end the board through its own loop, so that the terminal is
/// restored (raw mode off, the main screen back, the mouse released). A watch thread makes
/// sure it ends: a second signal, or a loop that has not ended within two seconds (a terminal
/// that hung up can keep the event reader from ever returning), and it restores what it can and
/// ends the process itself. The number caught, or 0.
fn stop_signals() -> std::sync::Arc<std::sync::atomic::AtomicUsize> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    use std::sync::atomic::Ordering;
    let caught = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGINT]) else {
        return caught;
    };
    let seen = caught.clone();
    std::thread::spawn(move || {
        let Some(first) = signals.forever().next() else {
            return;
        };
        seen.store(first as usize, Ordering::SeqCst);
        for _ in 0..20 {
            std::thread::sleep(Duration::from_millis(100));
            if signals.pending().next().is_some() {
                break;
            }
        }
        ratatui::restore();
        mouse_off();
        std::process::exit(128 + first);
    });
    caught
}

fn signal_name(signal: i32) -> &'static str {
    match signal {
        signal_hook::consts::SIGTERM => "SIGTERM",
        signal_hook::consts::SIGHUP => "SIGHUP",
        signal_hook::consts::SIGINT => "SIGINT",
        _ => "a signal",
    }
}

/// Turns mouse reporting on, and makes sure a panic turns it off again with the rest of the
/// terminal's state.
fn mouse_on() {
    use ratatui::crossterm::{event::EnableMouseCapture, execute};
    let _ = execute!(std::io::stdout(), EnableMouseCapture);
    let before = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        mouse_off();
        before(info);
    }));
}

fn mouse_off() {
    use ratatui::crossterm::{event::DisableMouseCapture, execute};
    let _ = execute!(std::io::stdout(), DisableMouseCapture);
}

/// The state before the first frame: who is acting, and the board loaded.
pub fn prepare(store: Store, opts: &Options<'_>) -> Result<(AppState, Store), Failure> {
    let db_label = opts.db.file_name().map_or_else(
        || opts.db.display().to_string(),
        |f| f.to_string_lossy().to_string(),
    );
    let mut state = AppState::new(
        &db_label,
        opts.readonly || store.is_readonly(),
        opts.ascii,
        Utc::now(),
    );
    state.color = opts.color;
    let (keymap, keymap_problem) = crate::config::keymap();
    state.keymap = keymap;
    let views_problem = match crate::config::views() {
        Ok(views) => {
            state.views = views;
            None
        }
        Err(e) => Some(format!("{e}; no saved views are in force")),
    };
    let os_user = crate::config::os_user();
    let today = Utc::now().date_naive();
    let (me, note) = match resolve_actor(&store, opts.as_person, &os_user, today) {
        Ok(me) => (me, None),
        Err(f) if opts.as_person.is_none() && f.code == 3 => (Actor::automation(), Some(f.message)),
        Err(f) => return Err(f),
    };
    let snapshot = first_screen(&store, me)?;
    app::update(&mut state, Msg::Loaded(Box::new(snapshot)));
    if let Some(problem) = keymap_problem.or(views_problem) {
        state.flash = Some(app::Flash {
            text: problem,
            error: true,
            at: state.now,
        });
    }
    if let Some(w) = crate::store::exposure_warning(opts.db) {
        state.flash = Some(app::Flash {
            text: format!("Warning: {w}"),
            error: true,
            at: state.now,
        });
    }
    if let Some(note) = note {
        state.readonly = true;
        state.me.name = os_user;
        state.flash = Some(app::Flash {
            text: format!("{note}. Until then the board is read-only."),
            error: true,
            at: state.now,
        });
    }
    Ok((state, store))
}

fn start_log(db: &Path) -> Option<tracing_appender::non_blocking::WorkerGuard> {
    let dir = crate::config::log_dir(db);
    std::fs::create_dir_all(&dir).ok()?;
    let appender = tracing_appender::rolling::never(dir, "firebreak.log");
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter = tracing_subscriber::EnvFilter::try_from_env("FIREBREAK_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_env_filter(filter)
        .try_init()
        .ok()?;
    Some(guard)
}
