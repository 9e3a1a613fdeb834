//! The only code that touches the terminal: it opens the board, runs the event loop, carries
//! out the app's effects through the store, and restores the terminal on every path.

mod writer;

use crate::app::row::{Row, Rows};
use crate::app::{self, AppState, Effect, Msg, Snapshot};
use crate::domain::{Actor, DomainError, ItemCommand};
use crate::session::{Failure, resolve_actor};
use crate::store::{Store, StoreError};
use crate::ui;
use chrono::Utc;
use ratatui::Terminal;
use ratatui::backend::Backend;
use ratatui::crossterm::event::{self, Event, KeyEventKind};
use std::collections::VecDeque;
use std::path::Path;
use std::time::Duration;

/// How often the loop wakes without input: to tick the clock and look for other writers.
const POLL: Duration = Duration::from_millis(250);
/// A board larger than this paints its first screen first and loads the rest behind it.
const FIRST_SCREEN: usize = 200;

/// The whole board, loaded by a thread of its own while the first screen is shown.
type Loader = std::sync::mpsc::Receiver<Result<Snapshot, StoreError>>;

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
    let result = event_loop(&mut terminal, store, state, loader, &mut |timeout| {
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
    let os_user = crate::config::os_user();
    let (me, note) = match resolve_actor(&store, opts.as_person, &os_user) {
        Ok(me) => (me, None),
        Err(f) if opts.as_person.is_none() && f.code == 3 => (Actor::automation(), Some(f.message)),
        Err(f) => return Err(f),
    };
    let snapshot = first_screen(&store, me)?;
    app::update(&mut state, Msg::Loaded(Box::new(snapshot)));
    if let Some(problem) = keymap_problem {
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

/// The whole board.
pub fn snapshot(store: &Store, me: Actor) -> Result<Snapshot, StoreError> {
    // Each item becomes its compact row as it is read: the board never holds the items whole.
    let (count, _) = store.item_extent()?;
    let mut items = Vec::with_capacity(count.max(0) as usize);
    store.each_listed(|item| {
        items.push(Box::new(Row::of(&item)));
        Ok::<(), StoreError>(())
    })?;
    let total = items.len();
    snapshot_of(store, me, items, total)
}

/// The board with only its first screen of items when it is large: enough to draw at once.
pub fn first_screen(store: &Store, me: Actor) -> Result<Snapshot, StoreError> {
    let (head, total) = store.backlog_head(FIRST_SCREEN)?;
    if total <= FIRST_SCREEN {
        return snapshot(store, me);
    }
    let items = head.iter().map(|i| Box::new(Row::of(i))).collect();
    snapshot_of(store, me, items, total)
}

fn snapshot_of(
    store: &Store,
    me: Actor,
    items: Rows,
    total: usize,
) -> Result<Snapshot, StoreError> {
    let info = store.info()?;
    let projects = store.projects()?;
    let projects_full = projects.clone();
    let incidents = store.incidents()?;
    let problems = store.problems()?;
    Ok(Snapshot {
        title: info.title,
        identity: info.identity,
        me,
        // The people one may act as, hand work to or phone: automation accounts are none of them.
        people: store
            .people()?
            .into_iter()
            .filter(|p| !p.roles.contains(&crate::domain::Role::Automation))
            .collect(),
        delivery_projects: crate::app::sprint::delivery_projects(&projects),
        projects: projects.into_iter().map(|p| p.name).collect(),
        sprints: store.sprints()?,
        items,
        total,
        ageing_days: info.ageing_days,
        columns: store.column_limits()?,
        overrides: store.overrides()?,
        releases: releases(store, &projects_full)?,
        tickets: store
            .all_tickets("incident")?
            .into_iter()
            .map(|(id, t)| (id, t.into_iter().map(|(item, _)| item).collect()))
            .collect(),
        problem_tickets: store
            .all_tickets("problem")?
            .into_iter()
            .map(|(id, t)| {
                let t = t
                    .into_iter()
                    .map(|(item, released)| (item.to_string(), released))
                    .collect();
                (id, t)
            })
            .collect(),
        problems,
        incidents,
        hypercare: store.hypercares()?,
        revisions: store.revisions_of(&["sprint", "hypercare"])?,
        rotations: store.rotations()?,
        pds: store.pds()?,
        ops: store.ops_reviews()?,
        handovers: projects_full
            .iter()
            .filter(|p| p.kind == crate::domain::ProjectKind::Delivery)
            .map(|p| store.handover(&p.name))
            .collect::<Result<_, _>>()?,
        at: Utc::now(),
    })
}

/// The releases with their steps, each project's pipeline (read from its file), the slots.
fn releases(
    store: &Store,
    projects: &[crate::domain::Project],
) -> Result<app::pipeline::Releases, StoreError> {
    let list = store.release_views(false)?;
    let mut pipelines = Vec::new();
    let mut slots = Vec::new();
    for p in projects {
        if let Ok(pipeline) = crate::store::release::pipeline_of(p.pipeline.as_deref(), &p.name) {
            pipelines.push((p.name.clone(), pipeline));
        }
        for (slot, release, live) in store.slots(&p.name)? {
            slots.push(app::pipeline::Slot {
                project: p.name.clone(),
                slot,
                release,
                live,
            });
        }
    }
    let parties = projects
        .iter()
        .map(|p| (p.name.clone(), p.parties.clone()))
        .collect();
    Ok(app::pipeline::Releases {
        list,
        pipelines,
        slots,
        parties,
    })
}

/// Runs the automation on a thread of its own connection; its writes reach the board through
/// `PRAGMA data_version` like any other process's, and its lines through the channel.
fn run_behind(db: &Path, version: String) -> std::sync::mpsc::Receiver<Msg> {
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
fn load_behind(db: &Path, me: Actor) -> Loader {
    let (tx, rx) = std::sync::mpsc::channel();
    let db = db.to_path_buf();
    std::thread::spawn(move || {
        let loaded = Store::open(&db, true).and_then(|s| snapshot(&s, me));
        let _ = tx.send(loaded);
    });
    rx
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

/// The loop: draw, wait for one input or the poll interval, turn it into messages, drain
/// them through `update` and the effects, and draw once more.
pub fn event_loop<B: Backend>(
    terminal: &mut Terminal<B>,
    mut store: Store,
    mut state: AppState,
    mut loader: Option<Loader>,
    next_event: &mut dyn FnMut(Duration) -> std::io::Result<Option<Event>>,
) -> Result<(), Failure>
where
    B::Error: std::fmt::Display,
{
    let size = terminal.size().map_err(|e| Failure {
        code: 1,
        message: e.to_string(),
    })?;
    app::update(&mut state, Msg::Resize(size.width, size.height));
    let mut seen = store.data_version()?;
    let mut wrote = false;
    let mut run: Option<std::sync::mpsc::Receiver<Msg>> = None;
    let mut writer = writer::Writer::start(store.path(), store.is_readonly())?;
    loop {
        terminal
            .draw(|f| ui::render(&state, f))
            .map_err(|e| Failure {
                code: 1,
                message: e.to_string(),
            })?;
        let mut queue = VecDeque::new();
        let wait = if loader.is_some() || run.is_some() || writer.pending() {
            Duration::from_millis(15)
        } else {
            POLL
        };
        match next_event(wait)? {
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
        if writer.pending()
            && queue
                .iter()
                .any(|m| matches!(m, Msg::Key(_) | Msg::Mouse { .. }))
        {
            let done = writer.settle(Duration::from_millis(150));
            if !done.is_empty() {
                seen = store.data_version()?;
                for msg in done.into_iter().rev() {
                    queue.push_front(msg);
                }
            }
        }
        queue.push_back(Msg::Tick(Utc::now()));
        if let Some(rx) = &run {
            let msgs: Vec<Msg> = rx.try_iter().collect();
            if msgs.iter().any(|m| matches!(m, Msg::RunEnded { .. })) {
                run = None;
            }
            queue.extend(msgs);
        }
        if let Some(rx) = &loader {
            match rx.try_recv() {
                Ok(loaded) => {
                    loader = None;
                    queue.push_back(Msg::Loaded(Box::new(loaded?)));
                    // Writes made meanwhile may be missing from what the thread read.
                    if wrote {
                        queue.push_back(Msg::Loaded(Box::new(snapshot(&store, state.me.clone())?)));
                    }
                }
                Err(std::sync::mpsc::TryRecvError::Empty) => {}
                Err(std::sync::mpsc::TryRecvError::Disconnected) => loader = None,
            }
        }
        let done = writer.results();
        if !done.is_empty() {
            // The writer's own commits are in what it sent back (or it sent a reload): the
            // change of data_version they made is no other process's.
            seen = store.data_version()?;
            queue.extend(done);
        }
        let version = store.data_version()?;
        if version != seen {
            seen = version;
            queue.push_back(Msg::Loaded(Box::new(snapshot(&store, state.me.clone())?)));
        }
        while let Some(msg) = queue.pop_front() {
            for effect in app::update(&mut state, msg) {
                if let Effect::RunRelease(version) = &effect {
                    state.running = Some(version.clone());
                    run = Some(run_behind(store.path(), version.clone()));
                    continue;
                }
                wrote |= matches!(
                    effect,
                    Effect::Rank { .. } | Effect::Apply { .. } | Effect::Create(_)
                );
                if writer::writes(&effect) {
                    writer.send(effect, state.me.clone(), Utc::now());
                    continue;
                }
                match carry_out(&mut store, &state, effect, Utc::now()) {
                    Some(next) => queue.extend(next),
                    None => {
                        // The user's own writes still waiting land (or fail) before the board
                        // closes.
                        writer.finish();
                        return Ok(());
                    }
                }
            }
        }
    }
}

fn reload(store: &Store, me: &Actor) -> Result<Msg, StoreError> {
    Ok(Msg::Loaded(Box::new(snapshot(store, me.clone())?)))
}

fn columns(store: &Store, text: String) -> Result<Msg, StoreError> {
    Ok(Msg::Columns {
        columns: store.column_limits()?,
        overrides: store.overrides()?,
        text,
    })
}

/// A pull or a Kanban move: the card where it now is, and the columns when a limit was passed.
fn moved(store: &Store, m: &crate::store::Moved) -> Result<Vec<Msg>, StoreError> {
    let mut out = vec![moved_msg(m)];
    if m.over.is_some() {
        out.push(columns(store, String::new())?);
    }
    Ok(out)
}

/// What a pull or a Kanban move says in the status line.
fn moved_msg(m: &crate::store::Moved) -> Msg {
    let column =
        crate::domain::kanban::Column::of(m.item.state).map_or("its column", |c| c.title());
    let mut text = format!("{} is now in {column}", m.item.id);
    if let Some(reason) = &m.over {
        text.push_str(&format!(", over its limit: {reason}"));
    }
    text.push('.');
    if let Some(freed) = m.freed {
        text.push_str(&format!(
            " {} has room: pull the next item (p).",
            freed.title()
        ));
    }
    Msg::Saved(Box::new(m.item.clone()), text)
}

/// Does what the app asked, through the store, at `now`; `None` means quit.
pub fn carry_out(
    store: &mut Store,
    state: &AppState,
    effect: Effect,
    now: chrono::DateTime<Utc>,
) -> Option<Vec<Msg>> {
    carry_out_as(store, &state.me, effect, now)
}

/// `carry_out` for the person `me`: what the writer thread runs.
pub(crate) fn carry_out_as(
    store: &mut Store,
    me: &Actor,
    effect: Effect,
    now: chrono::DateTime<Utc>,
) -> Option<Vec<Msg>> {
    let result = match effect {
        Effect::Quit => return None,
        Effect::Reload => snapshot(store, me.clone()).map(|s| vec![Msg::Loaded(Box::new(s))]),
        Effect::LoadHistory { entity, id } => store
            .history(entity, &id)
            .map(|events| vec![Msg::History(id, events)]),
        Effect::LoadDetail(id) => store.item(id).and_then(|item| {
            let history = store.history("item", &id.to_string())?;
            Ok(vec![Msg::Detail(Box::new(item), history)])
        }),
        Effect::Rank { id, mv, version } => {
            store.rank_item(id, mv, me, now, Some(version)).map(|item| {
                vec![Msg::Saved(
                    Box::new(item),
                    format!("{id} moved {}.", mv.describe()),
                )]
            })
        }
        Effect::Apply { id, cmd, version } => store
            .apply_item(id, &cmd, me, now, Some(version))
            .map(|item| {
                let text = match &cmd {
                    ItemCommand::Edit(_) => format!("{id} saved."),
                    ItemCommand::Block { .. } => format!("{id} is blocked."),
                    ItemCommand::Unblock => format!("{id} is unblocked."),
                    _ => format!("{id} is now {}.", item.state),
                };
                vec![Msg::Saved(Box::new(item), text)]
            }),
        Effect::Pull { id, over } => store
            .pull(id, over.as_deref(), me, now)
            .and_then(|m| moved(store, &m)),
        Effect::KanbanMove {
            id,
            to,
            over,
            version,
        } => store
            .kanban_move(id, to, over.as_deref(), me, now, Some(version))
            .and_then(|m| moved(store, &m)),
        Effect::SetWip(limit) => store.set_column_limit(limit, me, now).and_then(|()| {
            let shown = limit
                .limit
                .map_or("no limit".to_string(), |l| format!("a limit of {l}"));
            columns(
                store,
                format!("{} now has {shown} ({}).", limit.column.title(), limit.mode),
            )
            .map(|m| vec![m])
        }),
        Effect::LoadBurndown(name) => store
            .burndown(&name, now.date_naive())
            .map(|b| vec![Msg::Burndown(name, Box::new(b))]),
        Effect::Plan { sprint, id, seen } => store
            .decide_seen("sprint", &sprint, seen, |db| {
                db.plan(&sprint, &[id], me, now)
            })
            .and_then(|_| {
                Ok(vec![
                    reload(store, me)?,
                    Msg::Said(format!("{id} is planned into {sprint}.")),
                ])
            }),
        Effect::AddSprint(new) => store
            .add_sprint(
                &new.name,
                &new.project,
                &new.goal,
                (new.start, new.end),
                me,
                now,
            )
            .and_then(|sp| {
                Ok(vec![
                    reload(store, me)?,
                    Msg::Said(format!("Added {} to {}.", sp.name, sp.project)),
                ])
            }),
        Effect::StartSprint { name, seen } => store
            .decide_seen("sprint", &name, seen, |db| db.start_sprint(&name, me, now))
            .and_then(|sp| {
                let (n, points) = sp
                    .commitment
                    .as_ref()
                    .map_or((0, 0), |c| (c.items.len(), c.points));
                let text = format!("Started {name}: {n} items, {points} points committed.");
                Ok(vec![reload(store, me)?, Msg::Said(text)])
            }),
        Effect::CompleteSprint { name, carry, seen } => store
            .decide_seen("sprint", &name, seen, |db| {
                db.complete_sprint(&name, carry, me, now)
            })
            .and_then(|(sp, moved)| {
                let text = format!(
                    "Completed {name}: {} points done, {} items carried.",
                    sp.completed.unwrap_or(0),
                    moved.len()
                );
                Ok(vec![reload(store, me)?, Msg::Said(text)])
            }),
        Effect::SetAgeing(days) => store.set_ageing(days, me, now).and_then(|()| {
            let text = format!("Kanban cards older than {days} days are marked ◷.");
            Ok(vec![reload(store, me)?, Msg::Said(text)])
        }),
        Effect::RunRelease(version) => {
            Ok(vec![Msg::Said(format!("{version} runs from the board."))])
        }
        Effect::Answer {
            version,
            accept,
            comment,
            seen,
        } => store
            .answer(&version, accept, &comment, me, now, seen)
            .and_then(|r| {
                let text = if accept {
                    format!("{} accepted {version}.", me.name)
                } else {
                    format!("{version} is halted: rejected by {}.", me.name)
                };
                Ok(vec![
                    reload(store, me)?,
                    Msg::Said(format!("{text} It is {}.", r.state)),
                ])
            }),
        Effect::Restart { version, seen } => {
            store.restart(&version, me, now, seen).and_then(|_| {
                Ok(vec![
                    reload(store, me)?,
                    Msg::Said(format!("{version} restarted: R runs it on.")),
                ])
            })
        }
        Effect::Vote {
            version,
            vote,
            comment,
            seen,
        } => store
            .vote(&version, vote, &comment, me, now, seen)
            .and_then(|r| {
                Ok(vec![
                    reload(store, me)?,
                    Msg::Said(format!(
                        "{} voted {vote} on {version}; it is {}.",
                        me.name, r.state
                    )),
                ])
            }),
        Effect::Production {
            version,
            change,
            reason,
            seen,
        } => crate::runner::change_production(store, &version, change, &reason, me, now, seen)
            .and_then(|done| {
                Ok(vec![
                    reload(store, me)?,
                    Msg::Said(format!(
                        "{version} is {}; production's {} slot serves {} now.",
                        done.release.state, done.routing.slot, done.routing.version
                    )),
                ])
            }),
        Effect::StartHandover(project) => {
            store.start_handover(&project, None, me, now).and_then(|h| {
                let text = format!(
                    "Started the handover of {project}: {} items.",
                    h.checks.len()
                );
                Ok(vec![reload(store, me)?, Msg::Said(text)])
            })
        }
        Effect::HandoverAct {
            project,
            key,
            act,
            seen,
        } => store
            .handover_act(&project, &key, &act, me, now, seen)
            .and_then(|c| {
                let state = store.handover(&project)?.state;
                let text = format!(
                    "{} is {}; the handover of {project} is {state}.",
                    c.title, c.state
                );
                Ok(vec![reload(store, me)?, Msg::Said(text)])
            }),
        Effect::LogIncident { priority, title } => store
            .log_incident(&title, priority, None, None, me, now)
            .and_then(|i| {
                Ok(vec![
                    reload(store, me)?,
                    Msg::Said(format!(
                        "{} logged ({}), for team {}.",
                        i.id, i.priority, i.team
                    )),
                ])
            }),
        Effect::IncidentStep { id, step, seen } => store
            .step_incident(&id, &step, me, now, seen)
            .and_then(|i| {
                Ok(vec![
                    reload(store, me)?,
                    Msg::Said(format!("{} is {}.", i.id, i.state)),
                ])
            }),
        Effect::Rotate {
            name,
            team,
            from,
            to,
        } => store.rotate(&name, team, from, to, me, now).and_then(|r| {
            Ok(vec![
                reload(store, me)?,
                Msg::Said(format!(
                    "{} is in {} from {} to {}.",
                    r.person, r.team, r.from, r.to
                )),
            ])
        }),
        Effect::RecordPd { version, entry } => {
            store.record_pd(&version, &entry, me, now).and_then(|pd| {
                let text = match (pd.concluded, pd.cause) {
                    (Some(_), Some(cause)) => {
                        format!("Problem determination of {version} concluded: cause {cause}.")
                    }
                    _ => format!("Problem determination of {version} recorded; D concludes it."),
                };
                Ok(vec![reload(store, me)?, Msg::Said(text)])
            })
        }
        Effect::PdTicket { version, title } => store
            .pd_ticket(&version, &title, crate::domain::Kind::Defect, me, now)
            .and_then(|item| {
                Ok(vec![
                    reload(store, me)?,
                    Msg::Said(format!(
                        "{} raised in triage from the problem determination of {version}.",
                        item.id
                    )),
                ])
            }),
        Effect::ReviewOps { id, criteria } => {
            let criteria = (!criteria.trim().is_empty()).then_some(criteria.as_str());
            store.review_ops(id, criteria, "", me, now).and_then(|r| {
                Ok(vec![
                    reload(store, me)?,
                    Msg::Said(format!(
                        "Operations review of {} recorded: it may be approved.",
                        r.item
                    )),
                ])
            })
        }
        Effect::RecordEscape {
            source,
            release,
            catch,
        } => store
            .record_escape(&source, release.as_deref(), &catch, "", me, now)
            .and_then(|e| Ok(vec![reload(store, me)?, Msg::Said(e.describe())])),
        Effect::Copy(text) => {
            use std::io::Write;
            let mut out = std::io::stdout();
            let _ = out.write_all(crate::format::osc52(&text).as_bytes());
            let _ = out.flush();
            Ok(vec![])
        }
        Effect::Rerun { version, seen } => {
            store
                .rerun(&version, me, now, seen)
                .and_then(|(env, step)| {
                    Ok(vec![
                        reload(store, me)?,
                        Msg::Said(format!(
                            "{env}/{step} of {version} will run once more: R runs it on."
                        )),
                    ])
                })
        }
        Effect::CloseHypercare { version, seen } => store
            .decide_seen("hypercare", &version, seen, |db| {
                db.close_hypercare(&version, me, now)
            })
            .and_then(|h| {
                Ok(vec![
                    reload(store, me)?,
                    Msg::Said(format!(
                        "Hypercare of {} is closed: the maintenance team runs {}.",
                        h.release, h.project
                    )),
                ])
            }),
        Effect::ExtendHypercare {
            version,
            until,
            reason,
            seen,
        } => store
            .decide_seen("hypercare", &version, seen, |db| {
                db.extend_hypercare(&version, until, &reason, me, now)
            })
            .and_then(|h| {
                Ok(vec![
                    reload(store, me)?,
                    Msg::Said(format!("Hypercare of {} runs until {}.", h.release, h.ends)),
                ])
            }),
        Effect::RaiseProblem { title, incidents } => store
            .raise_problem(&title, &incidents, me, now)
            .and_then(|p| {
                Ok(vec![
                    reload(store, me)?,
                    Msg::Said(format!("{} raised: {}.", p.id, p.title)),
                ])
            }),
        Effect::ProblemStep { id, step, seen } => {
            store.step_problem(&id, &step, me, now, seen).and_then(|p| {
                Ok(vec![
                    reload(store, me)?,
                    Msg::Said(format!("{} is {}.", p.id, p.state)),
                ])
            })
        }
        Effect::ProblemTicket { id, kind } => {
            store.problem_ticket(&id, kind, me, now).and_then(|item| {
                let text = format!(
                    "{} raised in triage from {id}: the product owner ranks it.",
                    item.id
                );
                Ok(vec![reload(store, me)?, Msg::Said(text)])
            })
        }
        Effect::Ticket { id, kind } => store.incident_ticket(&id, kind, me, now).and_then(|item| {
            let text = format!(
                "{} raised in triage from {id}: the product owner ranks it.",
                item.id
            );
            Ok(vec![reload(store, me)?, Msg::Said(text)])
        }),
        Effect::LoadInsights(weeks) => {
            let today = now.date_naive();
            let since = today - chrono::Duration::days(i64::from(weeks) * 7 - 1);
            store
                .insights(since, today)
                .map(|i| vec![Msg::Insights(Box::new(i))])
        }
        Effect::LoadFlow => store
            .kanban_flow(now.date_naive())
            .map(|f| vec![Msg::Flow(Box::new(f))]),
        Effect::Create(new) => store.create_item(new, me, now).map(|item| {
            let text = format!(
                "Added {} in {} at the bottom of the backlog.",
                item.id, item.state
            );
            vec![Msg::Saved(Box::new(item), text)]
        }),
    };
    Some(result.unwrap_or_else(|e| {
        tracing::warn!(error = %e, "refused");
        vec![Msg::Refused {
            stale: matches!(e, StoreError::Domain(DomainError::Stale { .. })),
            message: e.to_string(),
        }]
    }))
}
