//! `init`, `demo`, `whoami`, `export` and `import`: making, naming and moving whole boards.

use super::{Ctx, Failure, print_json};
use crate::domain::{Identity, Person, Role, Team, policy};
use crate::store::{Store, transfer};
use clap::Args;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, Args)]
pub struct JsonArg {
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// `os`: people are their login; `trust`: anyone may act as anyone with --as (demos, tests).
    #[arg(long, default_value = "os")]
    pub identity: String,
    /// The board's name, shown in the header.
    #[arg(long, default_value = "firebreak board")]
    pub title: String,
    /// Share the board with this group: it and its -wal and -shm files become readable and
    /// writable by the group and no one else (otherwise only you may open it).
    #[arg(long, value_name = "NAME")]
    pub group: Option<String>,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Throw the demo board away and build it anew.
    #[arg(long)]
    pub reset: bool,
    /// Build the demo board but do not open it.
    #[arg(long)]
    pub no_tui: bool,
    /// Add this many generated items, to feel the board's speed (e.g. 100000).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub items: usize,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Write to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// An export written by `firebreak export`.
    pub file: PathBuf,
}

pub fn init(ctx: &Ctx<'_>, a: &InitArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let identity: Identity = a
        .identity
        .parse()
        .map_err(|e| Failure::usage(format!("{e}")))?;
    let me = crate::config::os_user();
    policy::check_person_name(&me)
        .map_err(|e| Failure::usage(format!("your login cannot be a person's name here: {e}")))?;
    let path = ctx.db_path();
    let first = Person {
        name: me.clone(),
        roles: vec![Role::ProductOwner],
        team: Team::Appdev,
    };
    // Built beside and put in place whole: a kill leaves no board or a whole one. Shared with
    // the group before it is in place, so it is never open to the wrong people.
    let mut sharing = None;
    crate::store::create_whole(
        &path,
        |store| store.init_board(&a.title, identity, &first, ctx.now),
        |built| match &a.group {
            Some(group) => crate::store::share_with_group(built, group).map_err(|e| {
                sharing = Some(e);
                crate::store::StoreError::Command(String::new())
            }),
            None => Ok(()),
        },
    )
    .map_err(|e| match sharing.take() {
        Some(why) => Failure::usage(format!("{why}; no board was made")),
        None => e.into(),
    })?;
    if let Some(group) = &a.group {
        writeln!(
            out,
            "Shared with group '{group}': the board and its -wal and -shm files are read-write for the group, closed to others."
        )?;
        if let Some(dir) = path.parent() {
            use std::os::unix::fs::PermissionsExt;
            let setgid = std::fs::metadata(dir).is_ok_and(|m| m.permissions().mode() & 0o2000 != 0);
            if !setgid {
                writeln!(
                    out,
                    "Tip: `chgrp {group} {d} && chmod g+s {d}` keeps the files SQLite adds beside it in the group.",
                    d = dir.display()
                )?;
            }
        }
    }
    writeln!(
        out,
        "Created the board '{}' at {}.\nYou ({me}) are its first person, a product owner. Register the others with\n  firebreak person add NAME --role ROLE --team appdev|ams\nthen open the board with `firebreak`.",
        a.title,
        path.display()
    )?;
    Ok(())
}

/// Builds the demo board if needed and says where it is; the caller opens it.
pub fn demo(ctx: &Ctx<'_>, a: &DemoArgs, out: &mut dyn Write) -> Result<PathBuf, Failure> {
    let path = ctx.cli.db.clone().unwrap_or_else(crate::config::demo_db);
    if path == crate::config::default_db() {
        return Err(Failure::usage(
            "the demo never goes into your default board: give another file with --db",
        ));
    }
    if path.exists() && a.reset {
        let store = Store::open(&path, true)?;
        if store.info()?.identity != Identity::Trust {
            return Err(Failure {
                code: 3,
                message: format!(
                    "{} is a real board, not a demo: --reset only throws away demo boards",
                    path.display()
                ),
            });
        }
        drop(store);
        remove_board(&path)?;
    }
    if path.exists() {
        Store::open(&path, true)?;
        writeln!(
            out,
            "The demo board is at {} (--reset builds it anew).",
            path.display()
        )?;
    } else {
        // Built beside and put in place whole: a kill leaves no demo board or a whole one.
        crate::store::create_whole(
            &path,
            |store| {
                crate::demo::build_for(store, &path, ctx.now)?;
                // A batch at a time, so that memory stays flat however many are asked for; a
                // terminal is told how far it got.
                let po = crate::domain::Actor::person(&crate::demo::people()[0]);
                let tell = std::io::IsTerminal::is_terminal(&std::io::stderr()) && a.items > BATCH;
                for first in (0..a.items).step_by(BATCH) {
                    let n = BATCH.min(a.items - first);
                    store.create_items(crate::demo::generated_from(first, n), &po, ctx.now)?;
                    if tell {
                        eprint!("\radding items: {} of {}", first + n, a.items);
                    }
                }
                if tell {
                    eprintln!();
                }
                Ok(())
            },
            |_| Ok(()),
        )?;
        writeln!(
            out,
            "Built the demo board at {}. Try every role with --as NAME: firebreak --db {} person list",
            path.display(),
            path.display()
        )?;
    }
    Ok(path)
}

/// How many generated items the demo adds in one transaction.
const BATCH: usize = 10_000;

fn remove_board(path: &Path) -> Result<(), Failure> {
    for suffix in ["", "-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        match std::fs::remove_file(PathBuf::from(p)) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

pub fn whoami(ctx: &Ctx<'_>, a: &JsonArg, out: &mut dyn Write) -> Result<(), Failure> {
    let store = ctx.open()?;
    let info = store.info()?;
    let actor = ctx.actor(&store)?;
    let person = store.person(&actor.name)?;
    let team = person.map(|p| p.team);
    if a.json {
        return print_json(
            out,
            vec![(
                "person",
                serde_json::json!({
                    "name": actor.name, "roles": actor.roles, "team": team,
                    "board": info.title, "identity": info.identity,
                    "db": store.path().display().to_string(),
                }),
            )],
        );
    }
    writeln!(
        out,
        "{} ({}), team {}, on the board '{}' at {} [identity {}]",
        actor.name,
        actor.roles_text(),
        team.map(|t| t.as_str()).unwrap_or("-"),
        info.title,
        store.path().display(),
        info.identity
    )?;
    Ok(())
}

/// The whole board as JSON, written as it is read: to standard output, or to a file that
/// appears whole (written beside it under a name of its own, then renamed over it).
pub fn export(ctx: &Ctx<'_>, a: &ExportArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let store = ctx.open()?;
    match &a.out {
        None => {
            store.export_to(out)?;
        }
        Some(file) => {
            let name = file
                .file_name()
                .map_or_else(|| "export".into(), |f| f.to_string_lossy().into_owned());
            let tmp = file.with_file_name(format!(".{name}.writing-{}", std::process::id()));
            let written = (|| -> Result<crate::store::transfer::Exported, Failure> {
                let mut w = std::io::BufWriter::new(std::fs::File::create_new(&tmp)?);
                let counts = store.export_to(&mut w)?;
                w.flush()?;
                std::fs::rename(&tmp, file)?;
                Ok(counts)
            })();
            let counts = written.inspect_err(|_| {
                let _ = std::fs::remove_file(&tmp);
            })?;
            writeln!(
                out,
                "Exported {} items, {} people and {} events to {}",
                counts.items,
                counts.people,
                counts.events,
                file.display()
            )?;
        }
    }
    Ok(())
}

pub fn import(ctx: &Ctx<'_>, a: &ImportArgs, out: &mut dyn Write) -> Result<(), Failure> {
    if a.file.is_dir() {
        return Err(Failure::usage(format!(
            "{} is a folder: give the export's file",
            a.file.display()
        )));
    }
    let file = std::fs::File::open(&a.file)
        .map_err(|e| Failure::usage(format!("cannot read {}: {e}", a.file.display())))?;
    let path = ctx.db_path();
    let made = transfer::import_from(&path, file, ctx.now)?;
    writeln!(
        out,
        "Imported {} items, {} people and {} events into {}",
        made.items,
        made.people,
        made.events,
        path.display()
    )?;
    Ok(())
}
