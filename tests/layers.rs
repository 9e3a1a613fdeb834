//! The house's floors, checked over its own sources: the domain imports nothing above it; the
//! pure floors (domain, app, ui, and the formatting both shells share) do no IO and read no
//! clock; app and ui reach no shell (store, runner, terminal, command line). A line that breaks
//! a rule is named with its file and line.

use std::path::{Path, PathBuf};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code lines of the sources under `paths` (comments left out), as `file:line: text`.
fn lines(paths: &[&str]) -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut all = Vec::new();
    for p in paths {
        let path = root.join(p);
        if path.is_dir() {
            files(&path, &mut all);
        } else {
            all.push(path);
        }
    }
    let mut out = Vec::new();
    for file in all {
        let text = std::fs::read_to_string(&file).unwrap();
        let name = file.strip_prefix(root).unwrap().display().to_string();
        for (n, line) in text.lines().enumerate() {
            let code = line.trim_start();
            if code.starts_with("//") {
                continue;
            }
            out.push((format!("{name}:{}", n + 1), code.to_string()));
        }
    }
    out
}

/// Every line of `paths` that mentions one of `forbidden`.
fn breaking(paths: &[&str], forbidden: &[&str]) -> Vec<String> {
    lines(paths)
        .into_iter()
        .filter(|(_, code)| forbidden.iter().any(|f| code.contains(f)))
        .map(|(at, code)| format!("{at}: {code}"))
        .collect()
}

const PURE: &[&str] = &["src/domain", "src/app", "src/ui", "src/format.rs"];

/// The floors that do IO: the store, the runner, the two shells and what only they share.
const SHELL: &[&str] = &[
    "crate::tui",
    "crate::cli",
    "crate::store",
    "crate::runner",
    "crate::demo",
    "crate::config",
    "crate::session",
];

#[test]
fn the_domain_imports_nothing_above_it() {
    let mut above = vec!["crate::app", "crate::ui", "crate::format"];
    above.extend_from_slice(SHELL);
    let found = breaking(&["src/domain"], &above);
    assert!(
        found.is_empty(),
        "the domain reaches up:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_pure_floors_do_no_io_and_read_no_clock() {
    let io = [
        "std::fs",
        "std::process",
        "std::thread",
        "std::net",
        "std::env",
        "Utc::now",
        "Local::now",
        "SystemTime",
        "Instant::now",
    ];
    let found = breaking(PURE, &io);
    assert!(
        found.is_empty(),
        "IO or a clock in a pure floor (the shell passes `now` and does the IO):\n{}",
        found.join("\n")
    );
}

#[test]
fn app_and_ui_reach_no_shell() {
    let found = breaking(&["src/app", "src/ui", "src/format.rs"], SHELL);
    assert!(
        found.is_empty(),
        "app or ui reaches a shell (what both shells share lives below them):\n{}",
        found.join("\n")
    );
    let found = breaking(&["src/app"], &["crate::ui"]);
    assert!(found.is_empty(), "app draws nothing:\n{}", found.join("\n"));
}

#[test]
fn the_shells_share_what_they_share_through_a_floor_below_them() {
    // The board's shell takes who acts and its failures from `session`, not from the command
    // line; the command line takes formatting and the Kanban's columns from below, not from
    // the board's app.
    let found = breaking(&["src/tui"], &["crate::cli"]);
    assert!(found.is_empty(), "{}", found.join("\n"));
    let found = breaking(&["src/cli"], &["crate::app::format", "crate::app::kanban"]);
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn the_store_the_runner_and_the_session_reach_no_board_and_no_shell() {
    let found = breaking(
        &["src/store", "src/runner", "src/runner.rs", "src/session.rs"],
        &["crate::app", "crate::ui", "crate::tui", "crate::cli"],
    );
    assert!(
        found.is_empty(),
        "below the shells, nothing knows the board or the command line:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_tabs_call_down_never_back_into_the_dispatcher_nor_into_each_other() {
    let tabs = [
        "kanban_update",
        "sprint_update",
        "pipeline_update",
        "handover_update",
        "service_update",
    ];
    for tab in tabs {
        let file = format!("src/app/{tab}.rs");
        let mut others: Vec<String> = tabs
            .iter()
            .filter(|t| **t != tab)
            .map(|t| format!("super::{t}"))
            .collect();
        others.push("super::update".to_string());
        let others: Vec<&str> = others.iter().map(String::as_str).collect();
        let found = breaking(&[file.as_str()], &others);
        assert!(
            found.is_empty(),
            "a tab reaches the dispatcher or another tab (they call down, to `say` and the domain):\n{}",
            found.join("\n")
        );
    }
}

#[test]
fn the_rooms_of_prompts_undo_the_palette_move_mode_and_messages_call_down_only() {
    let rooms = [
        "src/app/prompt.rs",
        "src/app/undo.rs",
        "src/app/palette.rs",
        "src/app/moving.rs",
        "src/app/say.rs",
    ];
    let found = breaking(&rooms, &["super::update", "crate::app::update"]);
    assert!(
        found.is_empty(),
        "a room calls back into the dispatcher:\n{}",
        found.join("\n")
    );
}

#[test]
fn render_writes_nothing_into_the_state() {
    // What render learns while it draws (where a click selects what) it returns; the state has
    // no cell for it to write through.
    let found = breaking(
        &["src/app", "src/ui"],
        &["RefCell", "Cell<", "borrow_mut()"],
    );
    assert!(found.is_empty(), "{}", found.join("\n"));
}
