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
            .map(|s| (s.command.map(str::to_string), s.timeout));
        let (Some(command), timeout) = step.unwrap_or((None, 0)) else {
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
        let ran = run_command(&command, &dir, &env_vars, Duration::from_secs(timeout));
        let url = slot.as_deref().and_then(|s| env.shadow_url_of(s));
        let done = store.report(
            version,
            &env_name,
            &step_name,
            ran.outcome,
            ran.seconds,
            &ran.log,
            url.as_deref(),
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
