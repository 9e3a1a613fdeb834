//! The command line: the same domain functions as the board, for scripts, CI jobs and quick
//! looks over SSH. Each group of commands has its file; this one parses, finds the board and
//! the acting person, and turns every failure into one sentence and the contract's exit code.

mod board;
mod comment;
mod escape;
mod handover;
mod hypercare;
mod incident;
mod item;
mod kanban;
mod label;
mod link;
mod person;
mod problem;
mod release;
mod report;
mod safe;
mod sprint;
pub mod ssh;
mod status;
mod stream;
mod view;

pub use safe::SafeWriter;

use crate::domain::Actor;
pub use crate::session::{Failure, resolve_actor};
use crate::store::Store;
use clap::{Parser, Subcommand};
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "firebreak",
    version,
    about = "A terminal board for teams that build and run digital services",
    long_about = "A terminal board for teams that build and run digital services: one ranked backlog, \
                  in one SQLite file. With no command it opens the board."
)]
pub struct Cli {
    /// The board file (default: firebreak.db in the platform data directory).
    #[arg(long, global = true, env = "FIREBREAK_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Act as this person; only on a board created with `--identity trust`.
    #[arg(long = "as", global = true, value_name = "NAME")]
    pub as_person: Option<String>,
    /// Open the board read-only: every write is refused.
    #[arg(long, global = true)]
    pub readonly: bool,
    /// Draw with plain ASCII borders and glyphs.
    #[arg(long, global = true)]
    pub ascii: bool,
    /// Use the mouse: the wheel scrolls, a click selects what is drawn there or opens a tab
    /// (the terminal's own text selection then needs Shift).
    #[arg(long, global = true)]
    pub mouse: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create an empty board: you become its first person, a product owner.
    Init(board::InitArgs),
    /// Create and open a realistic demo board in its own file.
    Demo(board::DemoArgs),
    /// Who firebreak thinks you are on this board.
    Whoami(board::JsonArg),
    /// Register and list people.
    #[command(subcommand)]
    Person(person::PersonCmd),
    /// Add and list projects.
    #[command(subcommand)]
    Project(person::ProjectCmd),
    /// Add, list, show, rank, move and edit work items.
    #[command(subcommand)]
    Item(item::ItemCmd),
    /// Comment on an item, an incident, a problem or a release, and read the thread.
    #[command(subcommand)]
    Comment(comment::CommentCmd),
    /// Label items and incidents, and count the work each label carries.
    #[command(subcommand)]
    Label(label::LabelCmd),
    /// Link records to URLs, and items to items.
    #[command(subcommand)]
    Link(link::LinkCmd),
    /// Save filters under a name (F1..F4 on the Backlog, :view NAME, item list --view).
    #[command(subcommand)]
    View(view::ViewCmd),
    /// Plan, start and complete the delivery team's sprints.
    #[command(subcommand)]
    Sprint(sprint::SprintCmd),
    /// Pull, move and limit work on the maintenance team's Kanban board.
    #[command(subcommand)]
    Kanban(kanban::KanbanCmd),
    /// The checklist a delivery project hands to service management.
    #[command(subcommand)]
    Handover(handover::HandoverCmd),
    /// Log and work the live service's incidents; raise tickets from them.
    #[command(subcommand)]
    Incident(incident::IncidentCmd),
    /// The warranty period after a delivery release goes live: its countdown, close, extend.
    #[command(subcommand)]
    Hypercare(hypercare::HypercareCmd),
    /// Find the causes behind incidents: known errors, workarounds and the tickets that fix them.
    #[command(subcommand)]
    Problem(problem::ProblemCmd),
    /// The audit trail: every event, oldest first.
    Audit {
        /// Only events on or after this day (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        since: Option<String>,
        /// One JSON array, for scripts and auditors.
        #[arg(long)]
        json: bool,
        /// Check every event's seal instead: has anyone changed, removed or forged one? Exit 1
        /// naming the first, 0 with the last seal (keep it elsewhere) when the trail is whole.
        #[arg(long, conflicts_with = "since")]
        verify: bool,
        /// Keep going: print each event as it is written (with --json, one JSON object a line,
        /// with its id), until stopped.
        #[arg(long, conflicts_with = "verify")]
        follow: bool,
    },
    /// Tell the hooks of hooks.toml (beside the board, or in the config folder) the events they
    /// listen for, at least once and in order; run it as a service, or from cron with --once.
    Notify {
        /// Tell what is waiting, then stop (exit 1 when a hook failed).
        #[arg(long)]
        once: bool,
        /// The hooks file, instead of hooks.toml beside the board.
        #[arg(long, value_name = "FILE")]
        hooks: Option<PathBuf>,
    },
    /// Cut, run, gate and switch releases on the path to live.
    #[command(subcommand)]
    Release(release::ReleaseCmd),
    /// The forced command of a CI's SSH key (authorized_keys `command=`): runs the `release
    /// report` or `release show` that SSH_ORIGINAL_COMMAND asks for, and nothing else.
    SshCi,
    /// The on-call view: releases in flight and whom they wait on, slots, columns over limit.
    /// Exits 10 when something waits on a person.
    Status(board::JsonArg),
    /// Escaped defects: where an incident or defect that reached live should have been caught.
    #[command(subcommand)]
    Escape(escape::EscapeCmd),
    /// Delivery (DORA) with its trend and tier, both teams' flow, and the cost of the controls:
    /// where the lead time of the releases that went live was spent.
    Report {
        /// From this day (YYYY-MM-DD); the last twelve weeks when not given.
        #[arg(long, value_name = "DATE")]
        since: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// The keys in force: the defaults with your keymap.toml applied (exit 2 when the file
    /// has a mistake, with its line).
    Keys,
    /// Write the whole board as JSON.
    Export(board::ExportArgs),
    /// Make a new board from an export, all or nothing.
    Import(board::ImportArgs),
}

/// What every command needs: the parsed global flags and the clock.
pub struct Ctx<'a> {
    pub cli: &'a Cli,
    pub now: chrono::DateTime<chrono::Utc>,
}

impl Ctx<'_> {
    /// How wide a line of text output may be: the terminal's width, or 80 columns when the
    /// output is not a terminal.
    pub fn width(&self) -> usize {
        use std::io::IsTerminal;
        if std::io::stdout().is_terminal()
            && let Ok((w, _)) = ratatui::crossterm::terminal::size()
        {
            return (w as usize).max(40);
        }
        80
    }

    pub fn db_path(&self) -> PathBuf {
        self.cli
            .db
            .clone()
            .unwrap_or_else(crate::config::default_db)
    }

    /// Opens the board; `--as` is refused on a board that does not allow it, reads included.
    pub fn open(&self) -> Result<Store, Failure> {
        let store = Store::open(&self.db_path(), self.cli.readonly)?;
        if let Some(w) = crate::store::exposure_warning(&self.db_path()) {
            eprintln!("firebreak: warning: {w}");
        }
        if self.cli.as_person.is_some() {
            self.actor(&store)?;
        }
        Ok(store)
    }

    /// The acting person, per the board's identity mode (cli.md, Global).
    pub fn actor(&self, store: &Store) -> Result<Actor, Failure> {
        resolve_actor(
            store,
            self.cli.as_person.as_deref(),
            &crate::config::os_user(),
            self.now.date_naive(),
        )
    }
}

/// `notify`: the hooks told, until stopped (SIGTERM, SIGINT) or, with --once, until nothing
/// is left that can be told now.
fn notify(
    ctx: &Ctx<'_>,
    once: bool,
    hooks: Option<&std::path::Path>,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    let path = crate::notify::hooks_path(hooks, &ctx.db_path()).map_err(Failure::usage)?;
    let hooks = crate::notify::read_hooks(&path).map_err(Failure::usage)?;
    let mut store = ctx.open()?;
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGINT] {
        let _ = signal_hook::flag::register(signal, Arc::clone(&stop));
    }
    if !once {
        writeln!(
            out,
            "Telling {} hook{} from {}; stop with Ctrl-C or SIGTERM.",
            hooks.len(),
            if hooks.len() == 1 { "" } else { "s" },
            path.display()
        )?;
        out.flush()?;
    }
    let mut said = Vec::new();
    let done = crate::notify::run(
        &mut store,
        &hooks,
        once,
        &|| stop.load(Ordering::Relaxed),
        &mut |line| {
            // A service's journal gets each line as it happens.
            eprintln!("firebreak notify: {}", crate::domain::text::safe(line));
            said.push(line.to_string());
        },
    )?;
    writeln!(
        out,
        "Told {} event{}{}.",
        done.delivered,
        if done.delivered == 1 { "" } else { "s" },
        if done.failed > 0 {
            format!(
                "; {} hook command{} failed and will be tried again",
                done.failed,
                if done.failed == 1 { "" } else { "s" }
            )
        } else {
            String::new()
        }
    )?;
    if done.failed > 0 {
        return Err(Failure {
            code: 1,
            message: said
                .last()
                .cloned()
                .unwrap_or_else(|| "a hook failed".into()),
        });
    }
    Ok(())
}

/// What a command leaves to do.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Done,
    /// Open the board at this path (the demo does).
    OpenBoard(PathBuf),
    /// Done, with this exit code (status: 10 when something waits on a person).
    Exit(i32),
}

/// Runs a command (not the board itself), writing its output to `out`.
pub fn run(cli: &Cli, command: &Command, out: &mut dyn Write) -> Result<Outcome, Failure> {
    let ctx = Ctx {
        cli,
        now: chrono::Utc::now(),
    };
    match command {
        Command::Init(a) => board::init(&ctx, a, out),
        Command::Demo(a) => {
            let path = board::demo(&ctx, a, out)?;
            return Ok(if a.no_tui {
                Outcome::Done
            } else {
                Outcome::OpenBoard(path)
            });
        }
        Command::Whoami(a) => board::whoami(&ctx, a, out),
        Command::Person(c) => person::run_person(&ctx, c, out),
        Command::Project(c) => person::run_project(&ctx, c, out),
        Command::Item(c) => item::run(&ctx, c, out),
        Command::Comment(c) => comment::run(&ctx, c, out),
        Command::Label(c) => label::run(&ctx, c, out),
        Command::Link(c) => link::run(&ctx, c, out),
        Command::View(c) => view::run(c, out),
        Command::Kanban(c) => kanban::run(&ctx, c, out),
        Command::Sprint(c) => sprint::run(&ctx, c, out),
        Command::Release(c) => release::run(&ctx, c, out),
        Command::SshCi => ssh::run(&ctx, out),
        Command::Handover(c) => handover::run(&ctx, c, out),
        Command::Incident(c) => incident::run(&ctx, c, out),
        Command::Problem(c) => problem::run(&ctx, c, out),
        Command::Hypercare(c) => hypercare::run(&ctx, c, out),
        Command::Audit {
            verify: true, json, ..
        } => incident::verify(&ctx, *json, out),
        Command::Audit {
            since,
            json,
            follow: true,
            ..
        } => incident::follow(&ctx, since.as_deref(), *json, out),
        Command::Audit { since, json, .. } => incident::audit(&ctx, since.as_deref(), *json, out),
        Command::Notify { once, hooks } => notify(&ctx, *once, hooks.as_deref(), out),
        Command::Status(a) => {
            let code = status::run(&ctx, a.json, out)?;
            return Ok(if code == 0 {
                Outcome::Done
            } else {
                Outcome::Exit(code)
            });
        }
        Command::Escape(c) => escape::run(&ctx, c, out),
        Command::Keys => {
            let path = crate::config::keymap_path();
            match crate::config::user_keymap() {
                None => {
                    writeln!(
                        out,
                        "No {} yet: the default keys are in force.\n",
                        path.display()
                    )?;
                    write!(out, "{}", crate::app::keymap::Keymap::default().markdown())?;
                }
                Some(Ok(k)) => {
                    writeln!(out, "The keys in force, with {} applied:\n", path.display())?;
                    write!(out, "{}", k.markdown())?;
                }
                Some(Err(errors)) => {
                    return Err(Failure::usage(format!(
                        "{}: {}; the default keys stay in force",
                        path.display(),
                        errors.join("; ")
                    )));
                }
            }
            Ok(())
        }
        Command::Report { since, json } => report::run(&ctx, since.as_deref(), *json, out),
        Command::Export(a) => board::export(&ctx, a, out),
        Command::Import(a) => board::import(&ctx, a, out),
    }?;
    Ok(Outcome::Done)
}

/// Prints `{"schema": 1, key: value, ...}`.
pub(crate) fn print_json(
    out: &mut dyn Write,
    fields: Vec<(&str, serde_json::Value)>,
) -> Result<(), Failure> {
    let mut map = serde_json::Map::new();
    map.insert("schema".into(), 1.into());
    for (k, v) in fields {
        map.insert(k.into(), v);
    }
    serde_json::to_writer_pretty(&mut *out, &serde_json::Value::Object(map))
        .map_err(|e| Failure::usage(e.to_string()))?;
    writeln!(out)?;
    Ok(())
}

/// Writes rows as aligned plain-text columns; the last column is not padded.
pub(crate) fn print_table(out: &mut dyn Write, rows: &[Vec<String>]) -> Result<(), Failure> {
    use unicode_width::UnicodeWidthStr;
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..cols)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.width())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for row in rows {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            line.push_str(cell);
            if c + 1 < row.len() {
                line.push_str(&" ".repeat(widths[c] - cell.width() + 2));
            }
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

pub(crate) fn to_json<T: serde::Serialize>(v: &T) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or(serde_json::Value::Null)
}
