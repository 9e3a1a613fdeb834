//! What the path-to-live tests share: a board of their own with the demo's people, a delivery
//! project and done stories, a copy of the test pipelines, and the binary to drive.
#![allow(dead_code)]

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// A board of its own: the demo's people, the delivery project `permits-online` with its
/// firebreak armed, two done stories (FB-1, 5 points; FB-2, 3 points) and a third in review.
fn board(db: &Path) {
    use chrono::Utc;
    use firebreak::domain::item::NewItem;
    use firebreak::domain::project::Project;
    use firebreak::domain::{Actor, Identity, ItemCommand, ItemId, Team};
    let now = Utc::now();
    let people = firebreak::demo::people();
    let who = |n: &str| Actor::person(people.iter().find(|p| p.name == n).unwrap());
    let mut s = firebreak::store::Store::create(db).unwrap();
    s.init_board("Releases", Identity::Trust, &people[0], now)
        .unwrap();
    for p in &people[1..] {
        s.add_person(p, &who("priya"), now).unwrap();
    }
    s.add_project(
        &Project::delivery("permits-online", true, vec![], 14).unwrap(),
        &who("priya"),
        now,
    )
    .unwrap();
    s.add_sprint(
        "Sprint 1",
        "permits-online",
        "",
        (
            now.date_naive(),
            now.date_naive() + chrono::Duration::days(13),
        ),
        &who("priya"),
        now,
    )
    .unwrap();
    for (title, points) in [
        ("Renew a permit", 5),
        ("Refund a permit", 3),
        ("Visitor permits", 2),
    ] {
        let mut new = NewItem::titled(title);
        new.team = Some(Team::Appdev);
        new.project = "permits-online".into();
        new.points = Some(points);
        new.acceptance = "works".into();
        let item = s.create_item(new, &who("priya"), now).unwrap();
        s.apply_item(item.id, &ItemCommand::Refine, &who("priya"), now, None)
            .unwrap();
    }
    s.plan(
        "Sprint 1",
        &[ItemId(1), ItemId(2), ItemId(3)],
        &who("priya"),
        now,
    )
    .unwrap();
    s.start_sprint("Sprint 1", &who("priya"), now).unwrap();
    for n in 1..=3 {
        s.apply_item(ItemId(n), &ItemCommand::Start, &who("tom"), now, None)
            .unwrap();
        s.apply_item(ItemId(n), &ItemCommand::Submit, &who("tom"), now, None)
            .unwrap();
        if n < 3 {
            s.apply_item(ItemId(n), &ItemCommand::Approve, &who("aisha"), now, None)
                .unwrap();
        }
    }
}

pub struct Board {
    pub dir: tempfile::TempDir,
    pub db: PathBuf,
}

impl Board {
    /// The demo board with the test pipeline `name` (a copy, so runs write only there).
    pub fn with(pipeline: &str) -> Board {
        let dir = tempfile::tempdir().unwrap();
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pipeline");
        let copy = dir.path().join("pipeline");
        std::fs::create_dir(&copy).unwrap();
        for f in std::fs::read_dir(&fixtures).unwrap() {
            let f = f.unwrap().path();
            std::fs::copy(&f, copy.join(f.file_name().unwrap())).unwrap();
        }
        let db = dir.path().join("board.db");
        board(&db);
        let b = Board { dir, db };
        let file = copy.join(pipeline);
        b.run(&[
            "--as",
            "rita",
            "project",
            "pipeline",
            "permits-online",
            file.to_str().unwrap(),
        ])
        .assert()
        .success();
        b
    }

    pub fn pipeline_dir(&self) -> PathBuf {
        self.dir.path().join("pipeline")
    }

    pub fn run(&self, args: &[&str]) -> Command {
        let mut cmd = Command::cargo_bin("firebreak").unwrap();
        cmd.env("USER", "ci")
            .env("FIREBREAK_DB", &self.db)
            .env("NO_COLOR", "1")
            .args(args);
        cmd
    }

    pub fn as_(&self, who: &str, args: &[&str]) -> Command {
        let mut all = vec!["--as", who];
        all.extend_from_slice(args);
        self.run(&all)
    }

    /// Tom cuts `version` of permits-online and rita runs it: what its run did.
    pub fn cut_and_run(&self, version: &str) -> assert_cmd::assert::Assert {
        self.as_(
            "tom",
            &["release", "add", version, "--project", "permits-online"],
        )
        .assert()
        .success();
        self.as_("rita", &["release", "run", version]).assert()
    }

    pub fn json(&self, args: &[&str]) -> Value {
        let out = self.run(args).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }

    pub fn events(&self, action: &str) -> usize {
        let export = self.json(&["export"]);
        export["events"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == action)
            .count()
    }
}

/// Hands permits-online over: started, then every item waived until tomorrow.
pub fn hand_over(b: &Board) {
    b.as_("tom", &["handover", "start", "permits-online"])
        .assert()
        .success();
    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(1))
        .format("%Y-%m-%d")
        .to_string();
    for key in [
        "runbooks",
        "monitoring",
        "contacts",
        "known-errors",
        "documentation",
        "access",
        "service-levels",
        "backup-restore",
        "security",
        "hypercare",
    ] {
        b.as_(
            "omar",
            &[
                "handover",
                "waive",
                "permits-online",
                key,
                "--reason",
                "after go-live",
                "--until",
                &tomorrow,
            ],
        )
        .assert()
        .success();
    }
}

pub fn to_firebreak(b: &Board) {
    b.as_(
        "tom",
        &["release", "add", "1.0.0", "--project", "permits-online"],
    )
    .assert()
    .success()
    .stdout("Cut 1.0.0 of permits-online with FB-1, FB-2.\n");
    b.as_("rita", &["release", "run", "1.0.0"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("dev/deploy pass")
                .and(predicate::str::contains("preprod/load pass"))
                .and(predicate::str::contains("waits at the firebreak")),
        );
}
