//! The runner: a step never outlives its timeout, whatever its processes do; nothing a step
//! started survives it; one process runs a release at a time; a run killed mid-step leaves
//! nothing running into the next.

mod common;

use common::Board;
use firebreak::domain::release::Outcome;
use firebreak::runner::run_command;
use predicates::prelude::*;
use std::path::Path;
use std::time::{Duration, Instant};

/// Whether the process in `file` (a pid) still runs: it is in `/proc` and neither a zombie
/// (`Z`) nor dead (`X`, what the kernel shows while it takes a dead process away).
fn runs(file: &Path) -> bool {
    state(file).is_some_and(|st| st != 'Z' && st != 'X')
}

/// The state letter of the process in `file`, while it is in `/proc`.
fn state(file: &Path) -> Option<char> {
    let pid = std::fs::read_to_string(file).unwrap();
    let stat = std::fs::read_to_string(format!("/proc/{}/stat", pid.trim())).ok()?;
    stat.rsplit(')').next()?.trim_start().chars().next()
}

/// Runs `script` as a step with a 2 s timeout in a fresh folder.
fn step(script: &str) -> (firebreak::runner::Ran, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let ran = run_command(script, dir.path(), &[], Duration::from_secs(2));
    (ran, dir)
}

#[test]
fn a_background_process_that_keeps_the_output_open_is_killed_at_the_timeout() {
    let (ran, dir) = step("sleep 20 & echo $! > bg.pid; echo bg");
    // Had the runner waited for the output to close, sleep would have ended and it passed.
    assert_eq!(ran.outcome, Outcome::Fail, "{}", ran.log);
    assert!(
        ran.log.contains("killed after 2 s, its timeout"),
        "{}",
        ran.log
    );
    assert!(ran.log.contains("still running then: sleep"), "{}", ran.log);
    let bg = dir.path().join("bg.pid");
    assert!(!runs(&bg), "sleep is {:?} after the step", state(&bg));
}

#[test]
fn a_process_that_leaves_the_group_is_killed_at_the_timeout() {
    let (ran, dir) = step("setsid sleep 15 & echo $! > bg.pid; echo left");
    assert_eq!(ran.outcome, Outcome::Fail, "{}", ran.log);
    assert!(ran.log.contains("still running then: sleep"), "{}", ran.log);
    let bg = dir.path().join("bg.pid");
    assert!(!runs(&bg), "sleep is {:?} after the step", state(&bg));
}

#[test]
fn an_orphan_of_a_double_fork_is_killed_at_the_timeout() {
    let (ran, dir) = step("(setsid sleep 15 & echo $! > bg.pid) ; echo forked");
    assert_eq!(ran.outcome, Outcome::Fail, "{}", ran.log);
    assert!(!runs(&dir.path().join("bg.pid")));
}

#[test]
fn a_step_that_hangs_in_the_foreground_is_killed_with_its_children() {
    let (ran, dir) = step("sleep 30 & echo $! > bg.pid; sleep 30");
    assert_eq!(ran.outcome, Outcome::Fail);
    assert!(ran.log.contains("killed after 2 s"), "{}", ran.log);
    assert!(!runs(&dir.path().join("bg.pid")));
}

#[test]
fn background_work_that_ends_in_time_is_waited_for_and_passes() {
    let dir = tempfile::tempdir().unwrap();
    let ran = run_command(
        "(sleep 0.3; echo late > late.txt) & echo early",
        dir.path(),
        &[],
        Duration::from_secs(60),
    );
    assert_eq!(ran.outcome, Outcome::Pass, "{}", ran.log);
    // The step lasted until its background work was done.
    assert!(dir.path().join("late.txt").exists());
}

#[test]
fn a_quick_step_passes_and_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let ran = run_command("echo hi", dir.path(), &[], Duration::from_secs(60));
    assert_eq!((ran.outcome, ran.log.as_str()), (Outcome::Pass, "hi\n"));
}

fn spawn_run(b: &Board) -> std::process::Child {
    std::process::Command::new(assert_cmd::cargo::cargo_bin("firebreak"))
        .env("USER", "ci")
        .env("FIREBREAK_DB", &b.db)
        .args(["--as", "rita", "release", "run", "1.0.0"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap()
}

/// Waits (polling, with a deadline a busy machine meets) until `file` exists.
fn wait_for(file: &Path, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !file.exists() {
        assert!(Instant::now() < deadline, "waited 30 s for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_second_run_of_a_release_is_refused_while_the_first_lives() {
    let b = Board::with("crash.toml");
    b.as_(
        "tom",
        &["release", "add", "1.0.0", "--project", "permits-online"],
    )
    .assert()
    .success();
    let mut first = spawn_run(&b);
    wait_for(
        &b.pipeline_dir().join("crash.started"),
        "the first run's step",
    );
    b.as_("rita", &["release", "run", "1.0.0"])
        .assert()
        .code(3)
        .stderr(
            predicate::str::contains(format!("running in pid {}", first.id()))
                .and(predicate::str::contains("rule: one-run")),
        );
    first.kill().unwrap();
    first.wait().unwrap();
}

/// Puts back the board as it was saved in `from`, its -wal and -shm gone with the processes.
fn restore(b: &Board, from: &Path) {
    for suffix in ["-wal", "-shm"] {
        let mut p = b.db.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(p);
    }
    std::fs::copy(from, &b.db).unwrap();
}

#[test]
fn runs_killed_mid_step_never_overlap_and_leave_nothing_behind() {
    let b = Board::with("crash.toml");
    b.as_(
        "tom",
        &["release", "add", "1.0.0", "--project", "permits-online"],
    )
    .assert()
    .success();
    let cut = b.dir.path().join("cut.db");
    std::fs::copy(&b.db, &cut).unwrap();
    let dir = b.pipeline_dir();
    // Four rounds in the suite; FIREBREAK_CRASH_ROUNDS for the long probe of docs/reliability.md.
    let rounds: usize = std::env::var("FIREBREAK_CRASH_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(4);
    for round in 0..rounds {
        restore(&b, &cut);
        // Odd runs of the step hang with a process outside their group: kill -9 the runner.
        let _ = std::fs::remove_file(dir.join("crash.started"));
        let mut run = spawn_run(&b);
        wait_for(&dir.join("crash.started"), "the step to start");
        run.kill().unwrap();
        run.wait().unwrap();
        // The dead run's step keeps running on its own, outside its group.
        assert!(runs(&dir.join("crash.bg")), "round {round}");
        // The next run ends it before it runs the step again, which then passes (even run).
        b.as_("rita", &["release", "run", "1.0.0"])
            .assert()
            .success()
            .stdout(
                predicate::str::contains("left by the run in pid")
                    .and(predicate::str::contains("dev/smoke was interrupted")),
            );
        assert!(!runs(&dir.join("crash.bg")), "round {round}");
        let ledger = std::fs::read_to_string(dir.join("crash.ledger")).unwrap();
        assert!(!ledger.contains("overlap"), "{ledger}");
        assert_eq!(ledger.lines().count(), 2 * (round + 1), "{ledger}");
    }
    eprintln!(
        "crash: {rounds} runs killed mid-step; every next run ended what they left, no step overlapped"
    );
}
