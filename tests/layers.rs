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

/// The app's files as modules (`app::tabs::kanban`), each with the app modules it names:
/// through `crate::app::...`, `super::...` (resolved from where the file sits) or a `use`
/// group. The types every room shares (`app/mod.rs`, `app/msg.rs`) and the tests are left out:
/// naming `AppState` is no arrow between rooms.
fn app_modules() -> Vec<(String, String, Vec<String>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths = Vec::new();
    files(&root.join("src/app"), &mut paths);
    let module_of = |path: &Path| -> String {
        let rel = path.strip_prefix(root.join("src")).unwrap();
        let mut parts: Vec<String> = rel
            .with_extension("")
            .iter()
            .map(|p| p.to_string_lossy().to_string())
            .collect();
        if parts.last().is_some_and(|p| p == "mod") {
            parts.pop();
        }
        parts.join("::")
    };
    let names: Vec<String> = paths.iter().map(|p| module_of(p)).collect();
    let node = |path: &str| -> Option<String> {
        // The longest module that is a file of its own.
        let mut best: Option<&String> = None;
        for n in &names {
            if (path == n || path.starts_with(&format!("{n}::")))
                && best.is_none_or(|b| n.len() > b.len())
            {
                best = Some(n);
            }
        }
        best.filter(|b| *b != "app" && *b != "app::msg").cloned()
    };
    let mut out = Vec::new();
    for (path, name) in paths.iter().zip(&names) {
        let file = path.strip_prefix(root).unwrap().display().to_string();
        if file.contains("tests") || name == "app" || name == "app::msg" {
            continue;
        }
        let text = std::fs::read_to_string(path).unwrap();
        let code: String = text
            .lines()
            .take_while(|l| !l.starts_with("#[cfg(test)]"))
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        let parent = name
            .rsplit_once("::")
            .map_or(String::new(), |(p, _)| p.to_string());
        let mut named = Vec::new();
        for (prefix, base) in [("crate::app::", "app".to_string()), ("super::", parent)] {
            let mut rest = code.as_str();
            while let Some(i) = rest.find(prefix) {
                let before = rest[..i].chars().last();
                rest = &rest[i + prefix.len()..];
                if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                    continue;
                }
                let paths: Vec<String> = if let Some(group) = rest.strip_prefix('{') {
                    let end = group.find('}').unwrap_or(group.len());
                    group[..end]
                        .split(',')
                        .map(|x| x.trim().to_string())
                        .collect()
                } else {
                    let end = rest
                        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                        .unwrap_or(rest.len());
                    vec![rest[..end].trim_end_matches(':').to_string()]
                };
                for p in paths {
                    let full = format!("{base}::{p}");
                    if let Some(n) = node(&full)
                        && n != *name
                        && !named.contains(&n)
                    {
                        named.push(n);
                    }
                }
            }
        }
        out.push((file, name.clone(), named));
    }
    out
}

#[test]
fn no_circle_among_the_apps_files() {
    let modules = app_modules();
    let edges = |m: &str| -> Vec<String> {
        modules
            .iter()
            .find(|(_, n, _)| n == m)
            .map(|(_, _, e)| e.clone())
            .unwrap_or_default()
    };
    // A walk from every module; a module met again on the path is a circle.
    fn walk(
        at: &str,
        path: &mut Vec<String>,
        edges: &dyn Fn(&str) -> Vec<String>,
        done: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|p| p == at) {
            let mut circle = path[i..].to_vec();
            circle.push(at.to_string());
            return Some(circle);
        }
        if done.iter().any(|d| d == at) {
            return None;
        }
        path.push(at.to_string());
        for next in edges(at) {
            if let Some(c) = walk(&next, path, edges, done) {
                return Some(c);
            }
        }
        path.pop();
        done.push(at.to_string());
        None
    }
    let mut done = Vec::new();
    for (_, name, _) in &modules {
        if let Some(circle) = walk(name, &mut Vec::new(), &edges, &mut done) {
            panic!(
                "the app's files call each other in a circle: {}",
                circle.join(" -> ")
            );
        }
    }
    // The walk sees what it must: the dispatcher reaches the tabs, each tab says things.
    assert!(edges("app::update").contains(&"app::tabs".to_string()));
    assert!(edges("app::tabs::kanban").contains(&"app::say".to_string()));
}

#[test]
fn a_tab_calls_down_never_into_the_dispatcher_nor_into_another_tab() {
    let tabs = [
        "backlog", "sprint", "kanban", "pipeline", "handover", "service", "insights",
    ];
    for (file, name, named) in app_modules() {
        let Some(tab) = tabs.iter().find(|t| {
            name == format!("app::tabs::{t}") || name.starts_with(&format!("app::tabs::{t}::"))
        }) else {
            continue;
        };
        let wrong: Vec<&String> = named
            .iter()
            .filter(|n| {
                let other_tab =
                    n.starts_with("app::tabs") && !n.starts_with(&format!("app::tabs::{tab}"));
                other_tab || *n == "app::update" || *n == "app::global"
            })
            .collect();
        assert!(
            wrong.is_empty(),
            "{file}: a tab reaches the dispatcher, the global room or another tab: {wrong:?}"
        );
    }
}

#[test]
fn the_rooms_below_the_tabs_call_down_only() {
    let rooms = [
        "app::help",
        "app::prompt",
        "app::undo",
        "app::palette",
        "app::say",
        "app::form",
        "app::input",
        "app::row",
    ];
    for (file, name, named) in app_modules() {
        if !rooms.contains(&name.as_str()) {
            continue;
        }
        let wrong: Vec<&String> = named
            .iter()
            .filter(|n| n.starts_with("app::tabs") || *n == "app::update" || *n == "app::global")
            .collect();
        assert!(
            wrong.is_empty(),
            "{file}: a room below the tabs reaches up: {wrong:?}"
        );
    }
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
