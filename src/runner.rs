//! The automation: runs a release's steps as real child processes, one after another, in the
//! pipeline file's folder, each with a timeout that kills its whole process group, and records
//! each outcome through the store. Commands come from the pipeline file only; what varies per
//! run reaches them as environment variables, never spliced into a command line.

mod procs;

use crate::domain::ItemId;
use crate::domain::pipeline::{Environment, Pipeline};
pub use crate::domain::release::Change;
use crate::domain::release::{Next, Outcome, Release, ReleaseState, Routing};
use crate::store::{Changed, RunClaim};
use crate::store::{Store, StoreError};
use chrono::Utc;
use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How much of a step's output is kept: the end of it.
const KEEP: usize = 1 << 20;

/// What one command did.
#[derive(Debug, Clone, PartialEq)]
pub struct Ran {
    pub outcome: Outcome,
    pub seconds: f64,
    pub log: String,
    /// The test cases of its JUnit reports, for a step that names them.
    pub cases: Vec<crate::domain::junit::Case>,
}

/// A token no other run shares: this process, its start, and a counter.
fn new_token() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let me = std::process::id() as i32;
    format!(
        "{me}-{}-{}",
        procs::start_time(me).unwrap_or(0),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// Runs `command` with `sh -c` in `dir`, with `vars` added to its environment. The step lasts
/// until its command has exited and nothing it started runs any more; at `timeout` everything
/// it started is killed (its process group, what left the group, what its parents left
/// behind: see `procs`) and it fails. Processes it leaves behind are ended before it returns.
/// `vars` may hold the run's `FIREBREAK_RUN` token; without one the command gets its own.
pub fn run_command(command: &str, dir: &Path, vars: &[(&str, String)], timeout: Duration) -> Ran {
    procs::become_subreaper();
    let started = Instant::now();
    let token = vars
        .iter()
        .find(|(k, _)| *k == "FIREBREAK_RUN")
        .map(|(_, v)| v.clone())
        .unwrap_or_else(new_token);
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(command)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env("FIREBREAK_RUN", &token);
    cmd.process_group(0);
    for (k, v) in vars {
        cmd.env(k, v);
    }
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => {
            return Ran {
                outcome: Outcome::Fail,
                seconds: 0.0,
                log: format!("could not start `{command}`: {e}\n"),
                cases: Vec::new(),
            };
        }
    };
    let log = Arc::new(Mutex::new(Vec::<u8>::new()));
    let (done, finished) = std::sync::mpsc::channel::<()>();
    let readers = [
        child
            .stdout
            .take()
            .map(|s| Box::new(s) as Box<dyn Read + Send>),
        child
            .stderr
            .take()
            .map(|s| Box::new(s) as Box<dyn Read + Send>),
    ]
    .into_iter()
    .flatten()
    .map(|mut pipe| {
        let log = Arc::clone(&log);
        let done = done.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = pipe.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let mut l = log.lock().unwrap_or_else(|p| p.into_inner());
                l.extend_from_slice(&buf[..n]);
                if l.len() > 2 * KEEP {
                    let cut = l.len() - KEEP;
                    l.drain(..cut);
                }
            }
            let _ = done.send(());
        })
    })
    .count();
    drop(done);
    let shell = child.id() as i32;
    let mut status = None;
    let mut still = String::new();
    // The step's processes as last seen, to name them in the log.
    let mut seen: Vec<i32> = Vec::new();
    let mut timed_out = false;
    // Quick commands are seen to end quickly; long ones are polled less often.
    let mut nap = Duration::from_millis(1);
    loop {
        if status.is_none() {
            match child.try_wait() {
                Ok(Some(s)) => status = Some(s),
                Ok(None) => {}
                Err(_) => break,
            }
        }
        if status.is_some() {
            // The shell is done (and reaped): is anything it started still running? A process
            // in the middle of an exec may hide its environment for a moment: look twice.
            let left = procs::of_step(None, &token);
            if left.is_empty() {
                std::thread::sleep(Duration::from_millis(1));
                if procs::of_step(None, &token).is_empty() {
                    break;
                }
            } else {
                seen = left;
            }
        }
        if started.elapsed() >= timeout {
            timed_out = true;
            let left = procs::of_step(status.is_none().then_some(shell), &token);
            let known = if left.is_empty() { &seen } else { &left };
            still = procs::describe(known);
            // Marked before the kill: a process killed with the group lets go of its
            // environment (and so of its token) before it is dead, and is waited for by pid.
            let marked = procs::marked(known);
            // The whole group first, then whatever left it. SAFETY: killpg only signals the
            // process group this child leads (process_group(0) above).
            unsafe { libc::killpg(shell, libc::SIGKILL) };
            procs::end(marked, || procs::of_step(None, &token));
            if status.is_none() {
                status = child.wait().ok();
            }
            break;
        }
        std::thread::sleep(nap);
        nap = (nap * 2).min(Duration::from_millis(25));
    }
    // Nothing of the step outlives it.
    procs::end(Vec::new(), || procs::of_step(None, &token));
    // The pipes close once every holder is gone; a holder that escaped both marks cannot keep
    // the step waiting past this grace.
    for _ in 0..readers {
        if finished.recv_timeout(Duration::from_secs(2)).is_err() {
            break;
        }
    }
    let mut text =
        String::from_utf8_lossy(&log.lock().unwrap_or_else(|p| p.into_inner())).to_string();
    let ok = status.is_some_and(|s| s.success()) && !timed_out;
    if timed_out {
        text.push_str(&format!(
            "\nfirebreak: killed after {} s, its timeout{}\n",
            timeout.as_secs(),
            if still.is_empty() {
                String::new()
            } else {
                format!("; still running then: {still}")
            }
        ));
    } else if let Some(s) = status.filter(|s| !s.success()) {
        text.push_str(&format!("\nfirebreak: exited with {s}\n"));
    }
    Ran {
        outcome: if ok { Outcome::Pass } else { Outcome::Fail },
        seconds: started.elapsed().as_secs_f64(),
        log: crate::store::release::tail(&text, KEEP),
        cases: Vec::new(),
    }
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq)]
pub enum End {
    /// A step failed: the release is halted and a defect is on the backlog.
    Halted {
        env: String,
        step: String,
        defect: Option<ItemId>,
    },
    /// It waits at the firebreak.
    Firebreak,
    /// It is in the shadow slot, waiting for go/no-go.
    Shadow {
        slot: Option<String>,
        url: Option<String>,
    },
    /// The next step has no command: an external CI reports it.
    Waits { env: String, step: String },
    /// Nothing to run: it is past the automation (live, abandoned...).
    Done(ReleaseState),
}

/// The variables a step's command sees.
fn vars(release: &Release, env: &Environment, slot: Option<&str>) -> Vec<(&'static str, String)> {
    let mut v = vec![
        ("FIREBREAK_VERSION", release.version.clone()),
        ("FIREBREAK_ENV", env.name.clone()),
    ];
    if let Some(slot) = slot {
        v.push(("FIREBREAK_SLOT", slot.to_string()));
        if let Some(url) = env.shadow_url_of(slot) {
            v.push(("FIREBREAK_URL", url));
        }
    } else if let Some(url) = &env.live_url {
        v.push(("FIREBREAK_URL", url.clone()));
    }
    v
}

/// Runs a release's steps until it halts, pauses, waits on an external CI or reaches the
/// shadow; `say` gets one line per step. One process runs a release at a time: a second run is
/// refused while the first lives. A run left by a process that died is taken over: whatever
/// it started is ended, and the step it was in runs again.
pub fn run_release(
    store: &mut Store,
    version: &str,
    say: &mut dyn FnMut(&str),
) -> Result<End, StoreError> {
    procs::become_subreaper();
    let me = std::process::id() as i32;
    let claim = RunClaim {
        pid: me,
        started: procs::start_time(me).unwrap_or(0),
        token: new_token(),
        since: Utc::now(),
    };
    if let Some(dead) = store.claim_run(version, &claim, procs::alive)? {
        let ended = procs::end(Vec::new(), || procs::anywhere(&dead.token));
        if ended > 0 {
            say(&format!(
                "ended {ended} process(es) left by the run in pid {} that died",
                dead.pid
            ));
        }
    }
    let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        run_steps(store, version, &claim.token, say)
    }));
    let _ = store.release_run(version, &claim.token);
    match out {
        Ok(end) => end,
        Err(panic) => std::panic::resume_unwind(panic),
    }
}

fn run_steps(
    store: &mut Store,
    version: &str,
    token: &str,
    say: &mut dyn FnMut(&str),
) -> Result<End, StoreError> {
    for (env, step) in store.interrupted(version)? {
        say(&format!("{env}/{step} was interrupted: running it again"));
    }
    loop {
        let (view, pipeline, next) = store.next_step(version)?;
        let (env_name, step_name) = match next {
            Next::Step { env, step } => (env, step),
            Next::Firebreak => return Ok(End::Firebreak),
            Next::Shadow => {
                let slot = view.release.slot.clone();
                let url = slot
                    .as_deref()
                    .and_then(|s| pipeline.production().shadow_url_of(s));
                return Ok(End::Shadow { slot, url });
            }
            Next::Halted { env, step } => {
                return Ok(End::Halted {
                    env,
                    step,
                    defect: None,
                });
            }
        };
        if !matches!(
            view.release.state,
            ReleaseState::Built | ReleaseState::Running
        ) {
            return Ok(End::Done(view.release.state));
        }
        let env = pipeline
            .environment(&env_name)
            .cloned()
            .unwrap_or_else(|| pipeline.production().clone());
        let step = env
            .steps()
            .into_iter()
            .find(|s| s.name == step_name)
            .map(|s| {
                (
                    s.command.map(str::to_string),
                    s.timeout,
                    s.junit.map(str::to_string),
                )
            });
        let (Some(command), timeout, junit) = step.unwrap_or((None, 0, None)) else {
            return Ok(End::Waits {
                env: env_name,
                step: step_name,
            });
        };
        let slot = if env.blue_green {
            Some(store_slot(store, &view.release)?)
        } else {
            None
        };
        store.begin_step(version, &env_name, &step_name, Utc::now())?;
        let dir = pipeline_dir(store, &view.release)?;
        say(&format!("{env_name}/{step_name} …"));
        let mut env_vars = vars(&view.release, &env, slot.as_deref());
        env_vars.push(("FIREBREAK_RUN", token.to_string()));
        let mut ran = run_command(&command, &dir, &env_vars, Duration::from_secs(timeout));
        if let Some(pattern) = &junit {
            ran = with_junit(ran, &dir, pattern);
        }
        let url = slot.as_deref().and_then(|s| env.shadow_url_of(s));
        let done = store.report(
            version,
            &env_name,
            &step_name,
            ran.outcome,
            ran.seconds,
            &ran.log,
            url.as_deref(),
            &ran.cases,
            Utc::now(),
            &crate::domain::Actor::automation(),
        )?;
        say(&format!(
            "{env_name}/{step_name} {} ({:.1} s)",
            ran.outcome, ran.seconds
        ));
        for old in &done.superseded {
            say(&format!(
                "{old} is superseded: {version} passed {env_name}/{step_name}, where it halted"
            ));
        }
        if ran.outcome == Outcome::Fail {
            return Ok(End::Halted {
                env: env_name,
                step: step_name,
                defect: done.defect,
            });
        }
    }
}

/// The files of `dir` that `pattern` names (`reports/*.xml`: `*` stands for any run of
/// characters in the file's name), in order.
fn junit_files(dir: &std::path::Path, pattern: &str) -> Vec<std::path::PathBuf> {
    let path = dir.join(pattern);
    let (Some(parent), Some(name)) = (path.parent(), path.file_name()) else {
        return Vec::new();
    };
    let name = name.to_string_lossy().to_string();
    let parts: Vec<&str> = name.split('*').collect();
    let matches = |file: &str| {
        let (first, last) = (parts[0], parts[parts.len() - 1]);
        if parts.len() == 1 {
            return file == first;
        }
        if !file.starts_with(first)
            || !file.ends_with(last)
            || file.len() < first.len() + last.len()
        {
            return false;
        }
        let mut at = first.len();
        let end = file.len() - last.len();
        for part in &parts[1..parts.len() - 1] {
            match file[at..end].find(part) {
                Some(i) => at += i + part.len(),
                None => return false,
            }
        }
        true
    };
    let mut out: Vec<std::path::PathBuf> = std::fs::read_dir(parent)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.is_file())
                .filter(|p| p.file_name().is_some_and(|n| matches(&n.to_string_lossy())))
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// A step that writes JUnit reports: they decide with its command. It fails when its command
/// failed, when no report is found, when one does not read, or when a case failed or errored;
/// its log starts with the reports' summary, which names the cases that broke.
fn with_junit(ran: Ran, dir: &std::path::Path, pattern: &str) -> Ran {
    let files = junit_files(dir, pattern);
    let mut read_cases = Vec::new();
    let mut problem = None;
    if files.is_empty() {
        problem = Some(format!("no JUnit report matched {pattern}\n"));
    }
    for f in &files {
        let read = std::fs::read_to_string(f)
            .map_err(|e| format!("cannot read {}: {e}\n", f.display()))
            .and_then(|text| {
                crate::domain::junit::parse(&text, &f.display().to_string())
                    .map_err(|e| format!("{e}\n"))
            });
        match read {
            Ok(c) => read_cases.extend(c),
            Err(why) => {
                problem = Some(why);
                break;
            }
        }
    }
    let mut cases = crate::domain::junit::merged(read_cases);
    let (passed, summary) = crate::domain::junit::summary(&cases);
    let read = problem.is_none();
    if !read {
        // A report that does not read records no case: the step fails on it alone.
        cases.clear();
    }
    let head = problem.unwrap_or(summary);
    let outcome = if ran.outcome == Outcome::Pass && read && passed {
        Outcome::Pass
    } else {
        Outcome::Fail
    };
    Ran {
        outcome,
        seconds: ran.seconds,
        log: format!("{head}{}", ran.log),
        cases,
    }
}

fn store_slot(store: &Store, release: &Release) -> Result<String, StoreError> {
    if let Some(slot) = &release.slot {
        return Ok(slot.clone());
    }
    let live = store
        .slots(&release.project)?
        .into_iter()
        .find(|s| s.2)
        .map(|s| s.0);
    Ok(if live.as_deref() == Some("blue") {
        "green"
    } else {
        "blue"
    }
    .to_string())
}

fn pipeline_dir(store: &Store, release: &Release) -> Result<std::path::PathBuf, StoreError> {
    let (_, path) = store.release_pipeline(release)?;
    Ok(crate::store::release::pipeline_dir(path.as_deref()))
}

/// The variables production's command sees for a change: the slot and the version the
/// traffic goes *to*, the change, and the version it leaves.
fn production_vars(routing: &Routing, prod: &Environment) -> Vec<(&'static str, String)> {
    let mut v = vec![
        ("FIREBREAK_CHANGE", routing.change.as_str().to_string()),
        ("FIREBREAK_VERSION", routing.version.clone()),
        ("FIREBREAK_ENV", prod.name.clone()),
        ("FIREBREAK_SLOT", routing.slot.clone()),
    ];
    if let Some(from) = &routing.from {
        v.push(("FIREBREAK_FROM_VERSION", from.clone()));
    }
    if let Some(url) = prod.shadow_url_of(&routing.slot) {
        v.push(("FIREBREAK_URL", url));
    }
    v
}

/// A switch or a rollback: the rules first, then production's command (told where the traffic
/// goes), then the slots, all inside one transaction of the board. A refusal or a failed
/// command changes nothing.
pub fn change_production(
    store: &mut Store,
    version: &str,
    change: Change,
    reason: &str,
    actor: &crate::domain::Actor,
    now: chrono::DateTime<Utc>,
    seen: Option<i64>,
) -> Result<Changed, StoreError> {
    store.change_production(
        version,
        change,
        reason,
        actor,
        now,
        seen,
        Box::new(|routing: &Routing, pipeline: &Pipeline, dir: &Path| {
            let prod = pipeline.production();
            let command = match routing.change {
                Change::Switch => prod.switch.as_deref(),
                Change::Rollback => prod.rollback.as_deref(),
            };
            let Some(command) = command else {
                return Ok(None);
            };
            let ran = run_command(
                command,
                dir,
                &production_vars(routing, prod),
                Duration::from_secs(prod.timeout),
            );
            let log = crate::store::release::tail(&ran.log, 2_000);
            match ran.outcome {
                Outcome::Pass => Ok(Some(log)),
                Outcome::Fail => Err(log),
            }
        }),
    )
}

#[cfg(test)]
mod junit_tests {
    use super::*;

    fn ran(outcome: Outcome) -> Ran {
        Ran {
            outcome,
            seconds: 1.0,
            log: "the command's words\n".into(),
            cases: Vec::new(),
        }
    }

    #[test]
    fn reports_are_found_by_their_pattern_and_decide_with_the_command() {
        let dir = tempfile::tempdir().unwrap();
        let reports = dir.path().join("reports");
        std::fs::create_dir(&reports).unwrap();
        let pass =
            |case: &str| format!("<testsuite name=\"s\"><testcase name=\"{case}\"/></testsuite>");
        std::fs::write(reports.join("unit-1.xml"), pass("a")).unwrap();
        std::fs::write(reports.join("unit-2.xml"), pass("b")).unwrap();
        std::fs::write(reports.join("other.xml"), "<nonsense").unwrap();
        std::fs::write(reports.join("unit-3.txt"), "not a report").unwrap();
        let found = junit_files(dir.path(), "reports/unit-*.xml");
        let names: Vec<String> = found
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().to_string())
            .collect();
        assert_eq!(names, ["unit-1.xml", "unit-2.xml"]);
        assert_eq!(junit_files(dir.path(), "reports/*-2.xml").len(), 1);
        assert!(junit_files(dir.path(), "missing/*.xml").is_empty());
        // Every case passed and the command passed: the step passes, the summary first.
        let r = with_junit(ran(Outcome::Pass), dir.path(), "reports/unit-*.xml");
        assert_eq!(r.outcome, Outcome::Pass);
        assert!(r.log.starts_with("JUnit: 2 cases, 2 passed"), "{}", r.log);
        assert!(r.log.ends_with("the command's words\n"));
        // Every case is kept for the step's record.
        let names: Vec<String> = r.cases.iter().map(|c| c.full_name()).collect();
        assert_eq!(names, ["s::a", "s::b"]);
        // The command failed: so did the step, whatever the reports say.
        assert_eq!(
            with_junit(ran(Outcome::Fail), dir.path(), "reports/unit-*.xml").outcome,
            Outcome::Fail
        );
        // No report, or one that does not read: the step fails and says why.
        let none = with_junit(ran(Outcome::Pass), dir.path(), "reports/e2e-*.xml");
        assert_eq!(none.outcome, Outcome::Fail);
        assert!(
            none.log
                .starts_with("no JUnit report matched reports/e2e-*.xml")
        );
        let bad = with_junit(ran(Outcome::Pass), dir.path(), "reports/other.xml");
        assert_eq!(bad.outcome, Outcome::Fail);
        assert!(
            bad.cases.is_empty(),
            "a report that does not read records no case"
        );
        assert!(
            bad.log.contains("is not JUnit XML that reads"),
            "{}",
            bad.log
        );
    }
}
