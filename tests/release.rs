//! The path to live through the command line, with real scripts: the runner, the gates, the
//! slots, the defects raised on failure, a crash in the middle, and `status`.

use predicates::prelude::*;
use serde_json::Value;
use std::path::Path;

mod common;
use common::{Board, hand_over, to_firebreak};

/// A step of a `release show --json`, by its name.
fn step_of(show: &Value, name: &str) -> Value {
    show["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["step"] == name)
        .unwrap()
        .clone()
}

#[test]
fn a_release_goes_from_cut_to_live_through_every_gate() {
    let b = Board::with("ok.toml");
    to_firebreak(&b);
    // The firebreak: the originator may not accept; each party accepts once; then a restart.
    b.as_("tom", &["release", "accept", "1.0.0"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "nobody approves their own release",
        ));
    b.as_("rita", &["release", "restart", "1.0.0", "--no-run"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "still waits on tester and service-manager",
        ));
    b.as_(
        "grace",
        &[
            "release",
            "accept",
            "1.0.0",
            "--comment",
            "manual tests passed",
        ],
    )
    .assert()
    .success()
    .stdout(predicate::str::contains("still waits on service-manager"));
    b.as_("grace", &["release", "accept", "1.0.0"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("one person counts once"));
    b.as_("omar", &["release", "accept", "1.0.0"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Every party accepted"));
    b.as_("grace", &["release", "restart", "1.0.0", "--no-run"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "Only a release-manager may restart",
        ));
    b.as_("rita", &["release", "restart", "1.0.0", "--no-run"])
        .assert()
        .success();
    b.as_("rita", &["release", "run", "1.0.0"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("production/smoke pass").and(predicate::str::contains(
                "in the shadow (blue slot, https://blue.permits.example)",
            )),
        );
    let deployed = std::fs::read_to_string(b.pipeline_dir().join("deployed.log")).unwrap();
    assert_eq!(
        deployed,
        "1.0.0 dev \n1.0.0 preprod \n1.0.0 production blue\n"
    );
    // Go/no-go: three different people, none the originator, once the handover is accepted.
    b.as_("priya", &["release", "vote", "1.0.0", "go"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "the handover of permits-online is not accepted",
        ));
    hand_over(&b);
    b.as_("rita", &["release", "switch", "1.0.0", "--reason", "go"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("has no go from"));
    for who in ["priya", "omar", "rita"] {
        b.as_(who, &["release", "vote", "1.0.0", "go"])
            .assert()
            .success();
    }
    b.as_("omar", &["release", "switch", "1.0.0", "--reason", "go"])
        .assert()
        .code(3);
    b.as_(
        "rita",
        &["release", "switch", "1.0.0", "--reason", "all votes go"],
    )
    .assert()
    .success()
    .stdout(
        "traffic now goes to blue for 1.0.0\n1.0.0 is live; production's blue slot serves 1.0.0 now.\n",
    );
    assert_eq!(
        std::fs::read_to_string(b.pipeline_dir().join("switched.log")).unwrap(),
        "1.0.0 live on blue\n"
    );
    let item = b.json(&["item", "show", "FB-1", "--json"]);
    assert_eq!(item["item"]["state"], "released");
    assert_eq!(
        item["history"].as_array().unwrap().last().unwrap()["actor"],
        "automation"
    );
    let show = b.json(&["release", "show", "1.0.0", "--json"]);
    assert_eq!(show["release"]["state"], "live");
    assert_eq!(show["slots"][0], serde_json::json!(["blue", "1.0.0", true]));
}

#[test]
fn a_failed_step_halts_the_release_and_raises_one_defect_however_often_it_fails() {
    let b = Board::with("fail.toml");
    b.as_(
        "tom",
        &[
            "release",
            "add",
            "1.0.0",
            "--project",
            "permits-online",
            "--item",
            "FB-1",
        ],
    )
    .assert()
    .success();
    b.as_("rita", &["release", "run", "1.0.0"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("dev/smoke fail"))
        .stderr(predicate::str::contains(
            "1.0.0 halted at dev/smoke; FB-4 is on the backlog for it",
        ));
    let defect = b.json(&["item", "show", "FB-4", "--json"]);
    assert_eq!(defect["item"]["origin"], "pipeline");
    assert_eq!(defect["item"]["kind"], "defect");
    assert_eq!(defect["item"]["team"], "appdev");
    assert!(
        defect["item"]["description"]
            .as_str()
            .unwrap()
            .contains("expected 200, got 502")
    );
    // Halted for good: no step runs again; a new version is the fix, and fails the same way.
    b.as_("rita", &["release", "run", "1.0.0"]).assert().code(1);
    b.as_(
        "tom",
        &[
            "release",
            "add",
            "1.0.1",
            "--project",
            "permits-online",
            "--item",
            "FB-2",
        ],
    )
    .assert()
    .success();
    b.as_("rita", &["release", "run", "1.0.1"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("FB-4 is on the backlog"));
    assert_eq!(b.events("occurrence"), 1);
    let list = b.json(&["item", "list", "--kind", "defect", "--json"]);
    assert_eq!(
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["origin"] == "pipeline")
            .count(),
        1,
        "one defect, raised once"
    );
}

#[test]
fn a_step_past_its_timeout_is_killed_with_its_children() {
    let b = Board::with("hang.toml");
    b.as_(
        "tom",
        &["release", "add", "1.0.0", "--project", "permits-online"],
    )
    .assert()
    .success();
    b.as_("rita", &["release", "run", "1.0.0"]).assert().code(1);
    let show = b.json(&["release", "show", "1.0.0", "--json"]);
    let smoke = step_of(&show, "smoke");
    assert!(
        smoke["log"].as_str().unwrap().contains("killed after 1 s"),
        "{smoke}"
    );
    let child: i32 = std::fs::read_to_string(b.pipeline_dir().join("hang.child"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    // The background child was in the group: gone (or a zombie reaped by init) soon after.
    let alive = Path::new(&format!("/proc/{child}")).exists()
        && !std::fs::read_to_string(format!("/proc/{child}/stat"))
            .unwrap_or_default()
            .contains(") Z ");
    assert!(!alive, "the hung step's child {child} survived the timeout");
}

#[test]
fn a_chatty_step_keeps_the_end_of_its_log() {
    let b = Board::with("loud.toml");
    b.cut_and_run("1.0.0").success();
    let show = b.json(&["release", "show", "1.0.0", "--json"]);
    let smoke = step_of(&show, "smoke");
    let log = smoke["log"].as_str().unwrap();
    assert!(
        log.ends_with("the last line\n"),
        "{}",
        &log[log.len() - 80..]
    );
    assert!(log.len() <= 200_010);
}

#[test]
fn titles_and_versions_never_reach_a_shell() {
    let b = Board::with("ok.toml");
    b.as_(
        "tom",
        &[
            "item",
            "edit",
            "FB-1",
            "--title",
            "$(touch pwned); `touch pwned2`",
        ],
    )
    .assert()
    .success();
    b.as_(
        "tom",
        &[
            "release",
            "add",
            "1.0.0;touch pwned3",
            "--project",
            "permits-online",
        ],
    )
    .assert()
    .code(2)
    .stderr(predicate::str::contains("is not a version"));
    b.cut_and_run("1.0.0").success();
    for f in ["pwned", "pwned2", "pwned3"] {
        assert!(!b.pipeline_dir().join(f).exists(), "{f} was created");
    }
}

#[test]
fn an_environment_without_commands_waits_for_an_external_ci_to_report() {
    let b = Board::with("external.toml");
    b.cut_and_run("1.0.0")
        .success()
        .stdout(predicate::str::contains(
            "waits for preprod/deploy to be reported",
        ));
    b.as_(
        "ci",
        &[
            "release", "report", "1.0.0", "--env", "preprod", "--step", "load", "--result", "pass",
        ],
    )
    .assert()
    .code(3)
    .stderr(predicate::str::contains(
        "the next step of 1.0.0 is preprod/deploy, not preprod/load",
    ));
    b.as_(
        "ci",
        &[
            "release", "report", "1.0.0", "--env", "preprod", "--step", "deploy", "--result",
            "maybe",
        ],
    )
    .assert()
    .code(2);
    b.as_(
        "ci",
        &[
            "release", "report", "1.0.0", "--env", "preprod", "--step", "deploy", "--result",
            "pass",
        ],
    )
    .assert()
    .success();
    let log = b.dir.path().join("ci.log");
    std::fs::write(&log, "k6: p95 2.3 s over the 2 s budget\n").unwrap();
    b.as_(
        "ci",
        &[
            "release",
            "report",
            "1.0.0",
            "--env",
            "preprod",
            "--step",
            "load",
            "--result",
            "fail",
            "--log",
            log.to_str().unwrap(),
        ],
    )
    .assert()
    .success()
    .stdout(
        predicate::str::contains("it is halted")
            .and(predicate::str::contains("FB-4 is on the backlog")),
    );
}

#[test]
fn one_release_in_an_environment_at_a_time() {
    let b = Board::with("ok.toml");
    to_firebreak(&b);
    b.as_(
        "tom",
        &[
            "release",
            "add",
            "1.1.0",
            "--project",
            "permits-online",
            "--item",
            "FB-2",
        ],
    )
    .assert()
    .code(3)
    .stderr(predicate::str::contains("FB-2"));
    // 1.0.0 took every done item; make one more, release it and run it up to preprod.
    b.as_("aisha", &["item", "move", "FB-3", "approve"])
        .assert()
        .success();
    b.as_(
        "tom",
        &["release", "add", "1.1.0", "--project", "permits-online"],
    )
    .assert()
    .success();
    b.as_("rita", &["release", "run", "1.1.0"])
        .assert()
        .code(3)
        .stdout(predicate::str::contains("dev/smoke pass"))
        .stderr(predicate::str::contains(
            "preprod is held by 1.0.0 (firebreak)",
        ));
}

#[test]
fn a_run_killed_in_the_middle_of_a_step_resumes_without_recording_anything_twice() {
    let b = Board::with("slow.toml");
    b.as_(
        "tom",
        &["release", "add", "1.0.0", "--project", "permits-online"],
    )
    .assert()
    .success();
    let bin = assert_cmd::cargo::cargo_bin("firebreak");
    let mut child = std::process::Command::new(&bin)
        .env("USER", "ci")
        .env("FIREBREAK_DB", &b.db)
        .args(["--as", "rita", "release", "run", "1.0.0"])
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait (polling, never a fixed sleep) until the slow step is running, then kill -9.
    let started = b.pipeline_dir().join("slow.started");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !started.exists() {
        assert!(
            std::time::Instant::now() < deadline,
            "the slow step never started"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let show = b.json(&["release", "show", "1.0.0", "--json"]);
    let smoke = step_of(&show, "smoke");
    assert!(
        smoke["outcome"].is_null(),
        "the killed step shows as running: {smoke}"
    );
    b.as_("rita", &["release", "run", "1.0.0"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("dev/smoke was interrupted: running it again")
                .and(predicate::str::contains("dev/deploy").not()),
        );
    assert_eq!(b.events("interrupted"), 1);
    // dev/deploy and dev/smoke once each, then preprod's two: four step events.
    assert_eq!(b.events("step"), 4);
}

#[test]
fn status_says_what_waits_on_a_person() {
    let b = Board::with("ok.toml");
    // The demo's Kanban columns are full, not over: nothing waits yet.
    b.run(&["status"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("Nothing waits on a person."));
    to_firebreak(&b);
    b.run(&["status"])
        .assert()
        .code(10)
        .stdout(predicate::str::contains(
            "1.0.0 waits on grace (tester); omar (service-manager)",
        ));
    let out = b.run(&["status", "--json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(10));
    let status: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(status["releases"][0]["state"], "firebreak");
    assert_eq!(
        status["releases"][0]["waiting_on"],
        serde_json::json!(["tester", "service-manager"])
    );
    assert_eq!(
        status["releases"][0]["waiting_on_people"],
        serde_json::json!(["grace (tester)", "omar (service-manager)"])
    );
    // Not a terminal: every line fits 80 columns.
    let text = String::from_utf8(b.run(&["status"]).output().unwrap().stdout).unwrap();
    for line in text.lines() {
        assert!(line.chars().count() <= 80, "{line}");
    }
}

#[test]
fn a_rollback_puts_the_standby_back_live() {
    let b = Board::with("ok.toml");
    let live = |b: &Board, version: &str| {
        b.as_("rita", &["release", "run", version])
            .assert()
            .success();
        for who in ["grace", "omar"] {
            b.as_(who, &["release", "accept", version])
                .assert()
                .success();
        }
        b.as_("rita", &["release", "restart", version, "--no-run"])
            .assert()
            .success();
        b.as_("rita", &["release", "run", version])
            .assert()
            .success();
        if b.json(&["handover", "show", "permits-online", "--json"])["handover"]["state"]
            == "not-started"
        {
            hand_over(b);
        }
        for who in ["priya", "omar", "rita"] {
            b.as_(who, &["release", "vote", version, "go"])
                .assert()
                .success();
        }
        b.as_("rita", &["release", "switch", version, "--reason", "go"])
            .assert()
            .success();
    };
    b.as_(
        "tom",
        &[
            "release",
            "add",
            "1.0.0",
            "--project",
            "permits-online",
            "--item",
            "FB-1",
        ],
    )
    .assert()
    .success();
    b.as_("rita", &["release", "rollback", "1.0.0", "--reason", "x"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("only the live release"));
    live(&b, "1.0.0");
    b.as_(
        "rita",
        &["release", "rollback", "1.0.0", "--reason", "errors"],
    )
    .assert()
    .code(3)
    .stderr(predicate::str::contains("no standby"));
    b.as_(
        "tom",
        &[
            "release",
            "add",
            "1.1.0",
            "--project",
            "permits-online",
            "--item",
            "FB-2",
        ],
    )
    .assert()
    .success();
    live(&b, "1.1.0");
    let slots = b.json(&["release", "show", "1.1.0", "--json"])["slots"].clone();
    assert_eq!(
        slots,
        serde_json::json!([["blue", "1.0.0", false], ["green", "1.1.0", true]])
    );
    b.as_(
        "omar",
        &["release", "rollback", "1.1.0", "--reason", "errors"],
    )
    .assert()
    .code(3);
    b.as_("rita", &["release", "rollback", "1.1.0"])
        .assert()
        .code(2);
    b.as_(
        "rita",
        &["release", "rollback", "1.1.0", "--reason", "error rate 12%"],
    )
    .assert()
    .success()
    .stdout("rolling back from 1.1.0 to 1.0.0 on blue\n1.1.0 is rolled back; production's blue slot serves 1.0.0 now.\n");
    // Its work is not live: FB-2 is done again, and the fix version carries it.
    assert_eq!(
        b.json(&["item", "show", "FB-2", "--json"])["item"]["state"],
        "done"
    );
    b.as_(
        "tom",
        &[
            "release",
            "add",
            "1.1.1",
            "--project",
            "permits-online",
            "--item",
            "FB-2",
        ],
    )
    .assert()
    .success();
    let slots = b.json(&["release", "show", "1.1.0", "--json"])["slots"].clone();
    assert_eq!(
        slots,
        serde_json::json!([["blue", "1.0.0", true], ["green", "1.1.0", false]])
    );
    assert_eq!(
        b.json(&["release", "show", "1.0.0", "--json"])["release"]["state"],
        "live"
    );
    // A rollback is a failed change: it opened a P1 incident on the release, for the team in
    // hypercare.
    let incidents = b.json(&["incident", "list", "--json"]);
    let inc = &incidents["incidents"][0];
    assert_eq!(inc["title"], "Release 1.1.0 rolled back: error rate 12%");
    assert_eq!(
        (
            inc["priority"].as_str(),
            inc["team"].as_str(),
            inc["opened_by"].as_str()
        ),
        (Some("P1"), Some("appdev"), Some("automation"))
    );
}

#[test]
fn a_no_go_abandons_the_release_and_frees_its_items() {
    let b = Board::with("ok.toml");
    to_firebreak(&b);
    for who in ["grace", "omar"] {
        b.as_(who, &["release", "accept", "1.0.0"])
            .assert()
            .success();
    }
    b.as_("rita", &["release", "restart", "1.0.0", "--no-run"])
        .assert()
        .success();
    b.as_("rita", &["release", "run", "1.0.0"])
        .assert()
        .success();
    b.as_("tom", &["release", "vote", "1.0.0", "go"])
        .assert()
        .code(3);
    b.as_(
        "omar",
        &[
            "release",
            "vote",
            "1.0.0",
            "no-go",
            "--comment",
            "not before the bank holiday",
        ],
    )
    .assert()
    .success()
    .stdout(predicate::str::contains("abandoned"));
    b.as_("rita", &["release", "switch", "1.0.0", "--reason", "go"])
        .assert()
        .code(3);
    b.as_(
        "tom",
        &["release", "add", "1.0.1", "--project", "permits-online"],
    )
    .assert()
    .success()
    .stdout(predicate::str::contains("FB-1, FB-2"));
}

#[test]
fn a_malformed_pipeline_file_is_refused_with_its_line_and_changes_nothing() {
    let b = Board::with("ok.toml");
    let bad = b.dir.path().join("bad.toml");
    std::fs::write(&bad, "[[environment]]\nname = \"dev\"\ndeploy = 3\n").unwrap();
    b.as_(
        "rita",
        &[
            "project",
            "pipeline",
            "permits-online",
            bad.to_str().unwrap(),
        ],
    )
    .assert()
    .code(2)
    .stderr(predicate::str::contains("malformed at line 3"));
    b.as_(
        "priya",
        &[
            "project",
            "add",
            "parking-app",
            "--pipeline",
            bad.to_str().unwrap(),
        ],
    )
    .assert()
    .code(2)
    .stderr(predicate::str::contains("malformed at line 3"));
    let projects = b.json(&["project", "list", "--json"]);
    assert_eq!(
        projects["projects"].as_array().unwrap().len(),
        2,
        "no project was added"
    );
    assert!(
        projects["projects"][1]["pipeline"]
            .as_str()
            .unwrap()
            .ends_with("ok.toml")
    );
    let good = b.pipeline_dir().join("ok.toml");
    b.as_(
        "priya",
        &[
            "project",
            "add",
            "parking-app",
            "--pipeline",
            good.to_str().unwrap(),
        ],
    )
    .assert()
    .success();
    b.as_(
        "tom",
        &["release", "add", "0.1.0", "--project", "parking-app"],
    )
    .assert()
    .code(3)
    .stderr(predicate::str::contains(
        "parking-app has no done items to release",
    ));
}

#[test]
fn problem_determination_raises_linked_tickets_and_an_environment_cause_earns_one_re_run() {
    let b = Board::with("fail.toml");
    let add = ["release", "add", "1.0.0", "--project", "permits-online"];
    b.as_("tom", &[&add[..], &["--item", "FB-1"]].concat())
        .assert()
        .success();
    b.as_("rita", &["release", "run", "1.0.0"]).assert().code(1);
    // A re-run needs a concluded PD that blames the environment.
    b.as_("rita", &["release", "rerun", "1.0.0"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("concludes it first"));
    // The originating team (appdev) raises a wider ticket, linked to the release and its defect.
    b.as_(
        "sam",
        &["release", "ticket", "1.0.0", "Expired certificates"],
    )
    .assert()
    .code(3)
    .stderr(predicate::str::contains("is not in it"));
    b.as_(
        "tom",
        &["release", "ticket", "1.0.0", "Expired certificates"],
    )
    .assert()
    .code(3)
    .stderr(predicate::str::contains("record what you found first"));
    let pd = |args: &[&str]| {
        b.as_("tom", &[&["release", "pd", "1.0.0"][..], args].concat())
            .assert()
            .success();
    };
    pd(&[
        "--findings",
        "the dev gateway's certificate expired",
        "--cause",
        "code",
    ]);
    b.as_(
        "tom",
        &[
            "release",
            "ticket",
            "1.0.0",
            "Test environments renew no certificates",
            "--kind",
            "task",
        ],
    )
    .assert()
    .success()
    .stdout(predicate::str::contains(
        "FB-5 raised in triage from the problem determination of 1.0.0",
    ));
    let ticket = b.json(&["item", "show", "FB-5", "--json"]);
    assert_eq!(ticket["item"]["state"], "triage");
    assert_eq!(ticket["item"]["origin"], "problem");
    let export = b.json(&["export"]);
    let links: Vec<(String, String)> = export["records"]["links"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["item"] == 5)
        .map(|l| {
            (
                l["kind"].as_str().unwrap().to_string(),
                l["target"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        links,
        vec![
            ("release".to_string(), "1.0.0".to_string()),
            ("defect".to_string(), "FB-4".to_string())
        ]
    );
    pd(&["--conclude"]);
    let show = b.json(&["release", "show", "1.0.0", "--json"]);
    assert_eq!(show["pd"]["tickets"], serde_json::json!(["FB-5"]));
    b.as_("rita", &["release", "rerun", "1.0.0"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "only when the environment was at fault",
        ));
    // A code cause is final; on a fresh release the environment earns the one re-run.
    b.as_(
        "tom",
        &[
            "release",
            "add",
            "1.0.1",
            "--project",
            "permits-online",
            "--item",
            "FB-2",
        ],
    )
    .assert()
    .success();
    b.as_("rita", &["release", "run", "1.0.1"]).assert().code(1);
    b.as_(
        "tom",
        &[
            "release",
            "pd",
            "1.0.1",
            "--findings",
            "the dev gateway's certificate expired",
            "--cause",
            "environment",
            "--conclude",
        ],
    )
    .assert()
    .success();
    b.as_("tom", &["release", "rerun", "1.0.1"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("release-manager"));
    // The environment is mended: the step passes on its re-run and the release runs on.
    std::fs::copy(
        b.pipeline_dir().join("pass.sh"),
        b.pipeline_dir().join("fail.sh"),
    )
    .unwrap();
    b.as_("rita", &["release", "rerun", "1.0.1"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "dev/smoke of 1.0.1 will run once more",
        ));
    b.as_("rita", &["release", "rerun", "1.0.1"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("only a halted release"));
    b.as_("rita", &["release", "run", "1.0.1"])
        .assert()
        .success()
        .stdout(predicate::str::contains("dev/smoke pass"));
    let show = b.json(&["release", "show", "1.0.1", "--json"]);
    assert_eq!(show["release"]["state"], "firebreak");
    assert!(show["pd"]["rerun"].is_string());
    assert_eq!(b.events("rerun"), 1);
}

/// Brings 1.0.0 into the shadow with every vote go, the handover done.
fn to_the_shadow_with_every_vote(b: &Board) {
    to_firebreak(b);
    for who in ["grace", "omar"] {
        b.as_(who, &["release", "accept", "1.0.0"])
            .assert()
            .success();
    }
    b.as_("rita", &["release", "restart", "1.0.0", "--no-run"])
        .assert()
        .success();
    b.as_("rita", &["release", "run", "1.0.0"])
        .assert()
        .success();
    hand_over(b);
    for who in ["priya", "omar", "rita"] {
        b.as_(who, &["release", "vote", "1.0.0", "go"])
            .assert()
            .success();
    }
}

#[test]
fn a_failed_production_command_exits_1_and_changes_nothing() {
    let b = Board::with("ok.toml");
    to_the_shadow_with_every_vote(&b);
    std::fs::write(
        b.pipeline_dir().join("switch.sh"),
        "echo 'the load balancer said no' >&2\nexit 7\n",
    )
    .unwrap();
    b.as_("rita", &["release", "switch", "1.0.0", "--reason", "go"])
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("the switch command failed")
                .and(predicate::str::contains("the load balancer said no")),
        );
    let show = b.json(&["release", "show", "1.0.0", "--json"]);
    assert_eq!(show["release"]["state"], "shadow", "nothing changed");
}

/// Every exit code the README lists, each from a command that ends that way.
#[test]
fn every_exit_code_the_readme_lists_is_what_the_commands_return() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let at = readme
        .find("Exit codes:")
        .expect("the README lists its exit codes");
    let paragraph = &readme[at..at + readme[at..].find("\n\n").unwrap()];
    let mut listed: Vec<i32> = paragraph
        .split('`')
        .skip(1)
        .step_by(2)
        .filter_map(|w| w.parse().ok())
        .collect();
    assert!(readme.contains("exit 10 when something waits on a person"));
    listed.push(10);
    assert_eq!(listed, [0, 1, 2, 3, 10], "{paragraph}");
    let b = Board::with("ok.toml");
    for code in listed {
        match code {
            0 => b.run(&["item", "list"]).assert().code(0),
            2 => b.run(&["item", "show", "FB-99999"]).assert().code(2),
            3 => b
                .as_("grace", &["project", "add", "tickets"])
                .assert()
                .code(3),
            10 => {
                to_firebreak(&b);
                b.run(&["status"]).assert().code(10)
            }
            1 => {
                let other = Board::with("fail.toml");
                other
                    .as_(
                        "tom",
                        &["release", "add", "1.0.0", "--project", "permits-online"],
                    )
                    .assert()
                    .success();
                other
                    .as_("rita", &["release", "run", "1.0.0"])
                    .assert()
                    .code(1)
            }
            other => panic!("the README lists exit code {other}, which no test here checks"),
        };
    }
}

#[test]
fn release_show_tells_the_gates_the_slots_what_production_printed_and_what_is_next() {
    let b = Board::with("ok.toml");
    to_the_shadow_with_every_vote(&b);
    let shadow = String::from_utf8(
        b.run(&["release", "show", "1.0.0"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert!(shadow.contains("accepted by grace (tester)"), "{shadow}");
    assert!(
        shadow.contains("go from omar (service-manager)"),
        "{shadow}"
    );
    assert!(
        shadow.contains("blue   1.0.0      shadow (go/no-go)"),
        "{shadow}"
    );
    assert!(
        shadow.contains("Waits on: rita (release-manager, to switch)"),
        "{shadow}"
    );
    b.as_("rita", &["release", "switch", "1.0.0", "--reason", "go"])
        .assert()
        .success();
    let live = String::from_utf8(
        b.run(&["release", "show", "1.0.0"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert!(live.contains("Switched live by rita"), "{live}");
    assert!(
        live.contains("  traffic now goes to blue for 1.0.0"),
        "{live}"
    );
    assert!(live.contains("Next: nothing: it is live"), "{live}");
    assert!(live.contains("blue   1.0.0      LIVE"), "{live}");
}

#[test]
fn a_restart_restarts_the_automation_and_a_run_nobody_runs_waits_on_a_release_manager() {
    let b = Board::with("ok.toml");
    to_firebreak(&b);
    for who in ["grace", "omar"] {
        b.as_(who, &["release", "accept", "1.0.0"])
            .assert()
            .success();
    }
    // Recorded only: the release is running, and nothing runs it.
    b.as_("rita", &["release", "restart", "1.0.0", "--no-run"])
        .assert()
        .success();
    b.run(&["status"])
        .assert()
        .code(10)
        .stdout(predicate::str::contains(
            "1.0.0 waits on rita (release-manager, to run it on)",
        ));
    let b = Board::with("ok.toml");
    to_firebreak(&b);
    for who in ["grace", "omar"] {
        b.as_(who, &["release", "accept", "1.0.0"])
            .assert()
            .success();
    }
    // A restart runs on from the firebreak, here and now, to the shadow.
    b.as_("rita", &["release", "restart", "1.0.0"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("1.0.0 restarted: the automation runs on.")
                .and(predicate::str::contains("production/smoke pass"))
                .and(predicate::str::contains("in the shadow")),
        );
    let show = b.json(&["release", "show", "1.0.0", "--json"]);
    assert_eq!(show["release"]["state"], "shadow");
}

#[test]
fn a_project_policy_change_holds_for_releases_cut_afterwards_and_is_audited() {
    let b = Board::with("ok.toml");
    to_firebreak(&b);
    // Who may: a developer may not; a service manager may.
    b.as_(
        "tom",
        &["project", "edit", "permits-online", "--no-firebreak"],
    )
    .assert()
    .code(3)
    .stderr(predicate::str::contains("product-owner or service-manager"));
    b.as_("omar", &["project", "edit", "permits-online"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nothing to change"));
    b.as_(
        "omar",
        &[
            "project",
            "edit",
            "permits-online",
            "--no-firebreak",
            "--party",
            "tester",
            "--hypercare-days",
            "3",
        ],
    )
    .assert()
    .success()
    .stdout(
        "permits-online: firebreak armed → not armed; parties tester, service-manager → tester; \
         hypercare 14 → 3 days. Releases cut from now on follow it; 1.0.0 on its way keeps the \
         policy it was cut with.\n",
    );
    let project = &b.json(&["project", "list", "--json"])["projects"][1];
    assert_eq!(project["firebreak"], false);
    assert_eq!(project["hypercare_days"], 3);
    // 1.0.0 keeps what it was cut with: the firebreak still holds it for both parties.
    let show = b.json(&["release", "show", "1.0.0", "--json"]);
    assert_eq!(show["release"]["state"], "firebreak");
    assert_eq!(show["release"]["policy"]["firebreak"], true);
    assert_eq!(show["release"]["policy"]["hypercare_days"], 14);
    b.as_("grace", &["release", "accept", "1.0.0"])
        .assert()
        .success();
    b.as_("rita", &["release", "restart", "1.0.0", "--no-run"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("still waits on service-manager"));
    b.as_("omar", &["release", "accept", "1.0.0"])
        .assert()
        .success();
    b.as_("rita", &["release", "restart", "1.0.0"])
        .assert()
        .success();
    hand_over(&b);
    for who in ["priya", "omar", "rita"] {
        b.as_(who, &["release", "vote", "1.0.0", "go"])
            .assert()
            .success();
    }
    b.as_("rita", &["release", "switch", "1.0.0", "--reason", "go"])
        .assert()
        .success();
    let care = b.json(&["hypercare", "show", "1.0.0", "--json"]);
    let (start, end) = (
        care["hypercare"]["started"].as_str().unwrap()[..10].to_string(),
        care["hypercare"]["ends"].as_str().unwrap().to_string(),
    );
    let days = chrono::NaiveDate::parse_from_str(&end, "%Y-%m-%d").unwrap()
        - chrono::NaiveDate::parse_from_str(&start, "%Y-%m-%d").unwrap();
    assert_eq!(
        days.num_days(),
        13,
        "14 days of hypercare, the last on {end}"
    );
    // A release cut afterwards follows the new policy: no firebreak on its way to the shadow.
    b.as_("aisha", &["item", "move", "FB-3", "approve"])
        .assert()
        .success();
    b.as_(
        "tom",
        &["release", "add", "1.0.1", "--project", "permits-online"],
    )
    .assert()
    .success();
    let show = b.json(&["release", "show", "1.0.1", "--json"]);
    assert_eq!(show["release"]["policy"]["firebreak"], false);
    assert_eq!(
        show["release"]["policy"]["parties"],
        serde_json::json!(["tester"])
    );
    assert_eq!(show["release"]["policy"]["hypercare_days"], 3);
    b.as_("rita", &["release", "run", "1.0.1"])
        .assert()
        .success()
        .stdout(predicate::str::contains("1.0.1 is in the shadow"));
    // Audited: the change with its old and new values.
    let audit = b.json(&["audit", "--json"]);
    let edit = audit["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["entity"] == "project" && e["action"] == "edit")
        .expect("the policy change is in the audit trail");
    assert_eq!(edit["actor"], "omar");
    assert_eq!(
        edit["details"]["changes"]["hypercare_days"],
        serde_json::json!([14, 3])
    );
}

#[test]
fn a_board_from_before_releases_kept_their_policy_gives_each_its_projects_on_upgrade() {
    let b = Board::with("ok.toml");
    to_firebreak(&b);
    // The board as a firebreak from before this kept it: schema 11, no policy of its own.
    let conn = rusqlite::Connection::open(&b.db).unwrap();
    conn.execute_batch(
        "ALTER TABLE releases DROP COLUMN policy; DROP INDEX releases_by_project_state;
         DROP TABLE labels; DROP TABLE epic_members; DROP TABLE cases;
         ALTER TABLE escapes DROP COLUMN test_case; ALTER TABLE projects DROP COLUMN sla;
         ALTER TABLE incidents DROP COLUMN sla; DROP TABLE hook_cursors; PRAGMA user_version = 11;",
    )
    .unwrap();
    drop(conn);
    // Opening it upgrades it: 1.0.0 takes the policy its project has, and keeps it after.
    b.as_(
        "omar",
        &["project", "edit", "permits-online", "--no-firebreak"],
    )
    .assert()
    .success()
    .stdout(predicate::str::contains("1.0.0 on its way keeps"));
    let show = b.json(&["release", "show", "1.0.0", "--json"]);
    assert_eq!(show["release"]["state"], "firebreak");
    assert_eq!(show["release"]["policy"]["firebreak"], true);
    assert_eq!(
        show["release"]["policy"]["parties"],
        serde_json::json!(["tester", "service-manager"])
    );
    assert!(
        show["release"]["policy"]["pipeline"]
            .as_str()
            .unwrap()
            .ends_with("ok.toml")
    );
}

#[test]
fn a_ci_reports_a_step_with_junit_and_the_failing_cases_are_named_in_its_defect() {
    let b = Board::with("external.toml");
    b.cut_and_run("1.0.0").success();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/junit");
    let file = |name: &str| fixtures.join(name).to_str().unwrap().to_string();
    // What the CI sends for a step of 1.0.0 in preprod, then its own words.
    let report = |step: &str, rest: &[&str]| {
        let mut args = vec![
            "release", "report", "1.0.0", "--env", "preprod", "--step", step,
        ];
        args.extend_from_slice(rest);
        b.as_("ci", &args)
    };
    // Malformed XML: refused with its file and line, nothing recorded.
    let broken = b.dir.path().join("broken.xml");
    std::fs::write(
        &broken,
        "<testsuites>\n<testsuite name=\"a\">\n<testcase name=\"x\">\n</testsuite>\n",
    )
    .unwrap();
    let before = b.events("step");
    report(
        "deploy",
        &["--junit", &file("jenkins.xml"), broken.to_str().unwrap()],
    )
    .assert()
    .code(2)
    .stderr(predicate::str::contains(
        "broken.xml is not JUnit XML that reads: line 4",
    ));
    assert_eq!(b.events("step"), before, "nothing recorded");
    // --junit and --result are one or the other.
    report(
        "deploy",
        &["--result", "pass", "--junit", &file("jenkins.xml")],
    )
    .assert()
    .code(2);
    // All cases pass: the step passes.
    report(
        "deploy",
        &["--junit", &file("jenkins.xml"), &file("gitlab-rspec.xml")],
    )
    .assert()
    .success()
    .stdout(predicate::str::contains("preprod/deploy pass"));
    // One case failed: the step fails, and the defect names the case and its message.
    report("load", &["--junit", &file("pytest.xml")])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("preprod/load fail")
                .and(predicate::str::contains("FB-4 is on the backlog")),
        );
    let defect = b.json(&["item", "show", "FB-4", "--json"]);
    let description = defect["item"]["description"].as_str().unwrap();
    assert!(
        description.contains(
            "FAILED tests.test_renew::test_renew_expired_permit: AssertionError: assert 502 == 200"
        ),
        "{description}"
    );
    let show = b.json(&["release", "show", "1.0.0", "--json"]);
    let load = step_of(&show, "load");
    assert!(
        load["log"]
            .as_str()
            .unwrap()
            .starts_with("JUnit: 4 cases, 2 passed, 1 failed"),
        "{load}"
    );
    assert!(
        (load["seconds"].as_f64().unwrap() - 0.41).abs() < 1e-6,
        "{load}"
    );
    // Every case is recorded with its result and time; --broken keeps what failed or errored.
    let cases = |step: &str, rest: &[&str]| {
        let mut args = vec![
            "release", "cases", "1.0.0", "--env", "preprod", "--step", step, "--json",
        ];
        args.extend_from_slice(rest);
        b.json(&args)["cases"].as_array().unwrap().clone()
    };
    let all = cases("load", &[]);
    assert_eq!(all.len(), 4, "{all:?}");
    assert!(
        all.iter()
            .all(|c| c["seconds"].is_number() && c["before"] == serde_json::json!([]))
    );
    let broken = cases("load", &["--broken"]);
    assert_eq!(broken.len(), 1, "{broken:?}");
    assert_eq!(broken[0]["name"], "test_renew_expired_permit");
    assert_eq!(broken[0]["result"], "failed");
    assert_eq!(broken[0]["message"], "AssertionError: assert 502 == 200");
    // The deploy's two reports: every case of both, each once.
    assert_eq!(
        cases("deploy", &[]).len(),
        4,
        "jenkins and gitlab-rspec cases"
    );
    b.run(&[
        "release", "cases", "1.0.0", "--env", "preprod", "--step", "load",
    ])
    .assert()
    .success()
    .stdout(
        predicate::str::contains("failed   0.").and(predicate::str::contains(
            "tests.test_renew::test_renew_expired_permit",
        )),
    );
    b.run(&[
        "release", "cases", "1.0.0", "--env", "preprod", "--step", "nope",
    ])
    .assert()
    .code(2)
    .stderr(predicate::str::contains("has no step preprod/nope"));
}

#[test]
fn a_step_the_board_runs_is_decided_by_the_junit_reports_its_command_writes() {
    let b = Board::with("junit.toml");
    b.cut_and_run("1.0.0")
        .code(1)
        .stdout(predicate::str::contains("dev/smoke fail"))
        .stderr(predicate::str::contains("1.0.0 halted at dev/smoke"));
    let show = b.json(&["release", "show", "1.0.0", "--json"]);
    let smoke = step_of(&show, "smoke");
    let log = smoke["log"].as_str().unwrap();
    assert!(
        log.starts_with("JUnit: 2 cases, 1 passed, 1 failed"),
        "{log}"
    );
    assert!(
        log.contains("FAILED smoke.Renewal::completes: step 3 returned 502"),
        "{log}"
    );
    assert!(
        log.contains("2 suites written"),
        "the command's own output follows: {log}"
    );
    let defect = b.json(&["item", "show", "FB-4", "--json"]);
    assert!(
        defect["item"]["description"]
            .as_str()
            .unwrap()
            .contains("smoke.Renewal::completes"),
        "the defect names the case"
    );
    // The fix passes the renewal case; its record shows each case beside its result in 1.0.0.
    b.cut_and_run("1.0.1")
        .success()
        .stdout(predicate::str::contains("dev/smoke pass"));
    let cases = b.json(&[
        "release", "cases", "1.0.1", "--env", "dev", "--step", "smoke", "--json",
    ]);
    let history: Vec<(String, String, serde_json::Value)> = cases["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                format!(
                    "{}::{}",
                    c["suite"].as_str().unwrap(),
                    c["name"].as_str().unwrap()
                ),
                c["result"].as_str().unwrap().to_string(),
                c["before"].clone(),
            )
        })
        .collect();
    assert_eq!(
        history,
        [
            (
                "smoke.Login::opens".to_string(),
                "passed".to_string(),
                serde_json::json!(["passed"])
            ),
            (
                "smoke.Renewal::completes".to_string(),
                "passed".to_string(),
                serde_json::json!(["failed"])
            ),
        ]
    );
    b.run(&[
        "release", "cases", "1.0.1", "--env", "dev", "--step", "smoke",
    ])
    .assert()
    .success()
    .stdout(predicate::str::contains(
        "✖         smoke.Renewal::completes",
    ));
}

#[test]
fn a_ci_on_another_machine_reports_through_its_ssh_key_and_nothing_else() {
    let b = Board::with("external.toml");
    b.cut_and_run("1.0.0").success();
    // What sshd runs for the CI's key: `firebreak ssh-ci`, as the account the key logs in as
    // (here the login `ci`), with what the CI asked for in SSH_ORIGINAL_COMMAND.
    let ssh = |command: &str| {
        let mut cmd = b.run(&["ssh-ci"]);
        cmd.env("SSH_ORIGINAL_COMMAND", command);
        cmd
    };
    let pytest = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/junit/pytest.xml"),
    )
    .unwrap();
    let before = b.json(&["export"])["events"].as_array().unwrap().len();
    // Hostile commands: refused with a reason, and nothing is written.
    for (command, code, says) in [
        (
            "release show 1.0.0; firebreak item add pwned",
            3,
            "outside quotes",
        ),
        ("release show $(touch /tmp/pwned)", 3, "outside quotes"),
        (
            "item add pwned",
            3,
            "release report` and `release show` only",
        ),
        (
            "release abandon 1.0.0 --reason x",
            3,
            "only, not `release abandon`",
        ),
        ("release show 1.0.0 --db /tmp/other.db", 2, "--db"),
        (
            "release report 1.0.0 --env preprod --step deploy --result pass --log /etc/passwd",
            3,
            "on standard input",
        ),
        ("release show 1.0.0\nitem add x", 2, "control character"),
        ("", 2, "is empty"),
        (
            "release report 1.0.0 --env preprod --step deploy --log - --junit -",
            2,
            "standard input (-) is one file",
        ),
    ] {
        ssh(command)
            .assert()
            .code(code)
            .stderr(predicate::str::contains(says));
    }
    b.run(&["ssh-ci"])
        .env_remove("SSH_ORIGINAL_COMMAND")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("SSH_ORIGINAL_COMMAND is not set"));
    assert_eq!(
        b.json(&["export"])["events"].as_array().unwrap().len(),
        before,
        "nothing was written"
    );
    assert!(!Path::new("/tmp/pwned").exists());
    // The CI's report, its JUnit on standard input; then it reads where the release stands.
    ssh("release report 1.0.0 --env preprod --step deploy --junit - --url 'https://ci.example/jobs/42?attempt=1&x=2'")
        .write_stdin(pytest)
        .assert()
        .success()
        .stdout(predicate::str::contains("1.0.0: preprod/deploy fail"));
    let show = b.json(&["release", "show", "1.0.0", "--json"]);
    let deploy = show["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["env"] == "preprod" && s["step"] == "deploy")
        .unwrap()
        .clone();
    assert_eq!(deploy["reporter"], "ci");
    assert_eq!(deploy["url"], "https://ci.example/jobs/42?attempt=1&x=2");
    ssh("firebreak release show 1.0.0")
        .assert()
        .success()
        .stdout(predicate::str::contains("halted"));
    ssh("release cases 1.0.0 --env preprod --step deploy")
        .assert()
        .code(3);
}
