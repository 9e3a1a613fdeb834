//! Hostile text through every text command: titles with bidi overrides, descriptions, reasons,
//! comments and evidence with escape sequences (clear screen, retitle the window, write the
//! clipboard). Whatever is printed, to a terminal or a pipe, holds no byte a terminal would
//! obey; JSON keeps the text exactly.

use assert_cmd::Command;
use std::path::Path;

const ESC_CLEAR: &str = "\u{1b}[2J\u{1b}[H";
const OSC_TITLE: &str = "\u{1b}]0;owned\u{7}";
const OSC_CLIPBOARD: &str = "\u{1b}]52;c;ZWNobyBvd25lZA==\u{7}";
const RLO: &str = "\u{202e}";
const C1_CSI: &str = "\u{9b}31m";

fn fb(db: &Path, args: &[&str]) -> std::process::Output {
    Command::cargo_bin("firebreak")
        .unwrap()
        .env("USER", "nobody-here")
        .env("FIREBREAK_DB", db)
        .args(args)
        .output()
        .unwrap()
}

fn ok(db: &Path, args: &[&str]) -> String {
    let out = fb(db, args);
    assert!(
        out.status.success() || out.status.code() == Some(10),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// No ESC, no C1 control, no bidi override, no other control but newline and tab.
fn assert_inert(what: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let bad: Vec<char> = text
        .chars()
        .filter(|c| {
            (c.is_control() && *c != '\n' && *c != '\t')
                || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        })
        .collect();
    assert!(bad.is_empty(), "{what} printed {bad:?}:\n{text}");
}

#[test]
fn no_command_prints_a_byte_a_terminal_would_obey() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    ok(&db, &["demo", "--no-tui"]);
    let desc = format!("{ESC_CLEAR}{OSC_TITLE}{OSC_CLIPBOARD}{C1_CSI} the rest");
    let title = format!("Pay{RLO}tnemyap refunds");
    let out = ok(
        &db,
        &[
            "--as",
            "priya",
            "item",
            "add",
            &title,
            "--desc",
            &desc,
            "--team",
            "ams",
            "--acceptance",
            &desc,
        ],
    );
    let id = out
        .split_whitespace()
        .find(|w| w.starts_with("FB-"))
        .unwrap()
        .trim_end_matches(['.', ','])
        .to_string();
    ok(
        &db,
        &[
            "--as", "priya", "item", "move", &id, "block", "--reason", &desc,
        ],
    );
    ok(
        &db,
        &[
            "--as",
            "omar",
            "incident",
            "add",
            &format!("Search {RLO}nwod"),
            "--priority",
            "P2",
        ],
    );
    ok(
        &db,
        &[
            "--as",
            "omar",
            "release",
            "vote",
            "2.4.0",
            "no-go",
            "--comment",
            &desc,
        ],
    );
    ok(
        &db,
        &[
            "--as",
            "tom",
            "handover",
            "submit",
            "permits-online",
            "capacity",
            "--evidence",
            &desc,
        ],
    );
    let text_commands: Vec<Vec<&str>> = vec![
        vec!["item", "list"],
        vec!["item", "show", &id],
        vec!["audit"],
        vec!["sprint", "list"],
        vec!["sprint", "show", "Sprint 3"],
        vec!["handover", "show", "permits-online"],
        vec!["handover", "export", "permits-online"],
        vec!["incident", "list"],
        vec!["incident", "show", "INC-6"],
        vec!["problem", "list"],
        vec!["release", "show", "2.4.0"],
        vec!["release", "list"],
        vec!["status"],
        vec!["report"],
        vec!["escape", "list"],
        vec!["person", "list"],
        vec!["project", "list"],
        vec!["kanban", "show"],
        vec!["hypercare", "list"],
        vec!["whoami"],
    ];
    for args in &text_commands {
        let out = fb(&db, args);
        assert_inert(&format!("{args:?} (stdout)"), &out.stdout);
        assert_inert(&format!("{args:?} (stderr)"), &out.stderr);
    }
    // The hostile text did reach the output, as escapes a reader can see.
    let shown = ok(&db, &["item", "show", &id]);
    assert!(
        shown.contains("\\u001b[2J") && shown.contains("\\u202e"),
        "{shown}"
    );
    // A refusal that repeats what was typed is escaped too.
    let out = fb(&db, &["item", "show", &format!("FB-1{ESC_CLEAR}")]);
    assert!(!out.status.success());
    assert_inert("a refusal", &out.stderr);
    // JSON stays exact: the same text comes back.
    for args in [
        vec!["item", "show", id.as_str(), "--json"],
        vec!["audit", "--json"],
        vec!["export"],
    ] {
        let out = fb(&db, &args);
        assert_inert(&format!("{args:?}"), &out.stdout);
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let text = v.to_string();
        assert!(
            text.contains(&serde_json::to_string(&desc).unwrap()[1..20]),
            "{args:?}"
        );
    }
    let item =
        serde_json::from_str::<serde_json::Value>(&ok(&db, &["item", "show", &id, "--json"]))
            .unwrap();
    assert_eq!(item["item"]["title"], title.as_str());
    assert_eq!(item["item"]["description"], desc.as_str());
}
