//! The command line as scripts and CI jobs use it: output, `--json`, exit codes, bad input.

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

struct Board {
    _dir: tempfile::TempDir,
    db: PathBuf,
}

impl Board {
    /// An empty board created by the operating-system user `priya`.
    fn new() -> Board {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("board.db");
        let b = Board { _dir: dir, db };
        b.run(&["init"]).assert().success();
        b
    }

    fn demo() -> Board {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("demo.db");
        let b = Board { _dir: dir, db };
        b.run(&["demo", "--no-tui"]).assert().success();
        b
    }

    fn run(&self, args: &[&str]) -> Command {
        self.as_user("priya", args)
    }

    fn as_user(&self, user: &str, args: &[&str]) -> Command {
        let mut cmd = Command::cargo_bin("firebreak").unwrap();
        cmd.env("USER", user)
            .env("FIREBREAK_DB", &self.db)
            .env("NO_COLOR", "1")
            .args(args);
        cmd
    }

    fn json(&self, args: &[&str]) -> Value {
        let out = self.run(args).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }

    /// This board exported and imported into a new one: that board (its folder kept with it).
    fn copied(&self) -> Board {
        let dir = tempfile::tempdir().unwrap();
        let export = dir.path().join("board.json");
        self.run(&["export", "--out", export.to_str().unwrap()])
            .assert()
            .success();
        let db = dir.path().join("copy.db");
        let copy = Board { _dir: dir, db };
        copy.run(&["import", export.to_str().unwrap()])
            .assert()
            .success();
        copy
    }

    /// Everything a failed command must leave as it was.
    fn state(&self) -> String {
        let export = self.json(&["export"]);
        format!(
            "{}{}",
            export["items"],
            export["events"].as_array().unwrap().len()
        )
    }

    fn add(&self, args: &[&str]) -> String {
        let mut all = vec!["item", "add"];
        all.extend_from_slice(args);
        let out = self.run(&all).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    }
}

fn ids(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect()
}

mod basics;
mod comments;
mod epics;
mod kanban;
mod labels;
mod links;

mod sprints;

mod handover;

mod incidents;

mod problems;

mod hypercare;

mod rotations;

mod problem_determination;

mod operations_review;

mod report;

mod escapes;

mod many_users;

mod shared_host;

mod sla;
