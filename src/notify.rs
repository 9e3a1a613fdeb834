//! `firebreak notify`: tells each hook of `hooks.toml` the events it listens for, at least
//! once and in the trail's order. The events table is the outbox; each hook's cursor is kept in
//! the board and moves on only after its command succeeded, so a crash repeats at most the
//! event in flight. A failed command is tried again with a growing wait; one that hangs is
//! killed at its timeout. It runs apart from the board and the CLI, and never holds a write
//! longer than moving a cursor.

use crate::domain::notify::{self, Hook, Kind};
use crate::store::{Store, StoreError};
use chrono::Utc;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How many events are read at a time.
const BATCH: usize = 500;

/// Where the hooks file is: `--hooks FILE`, else `hooks.toml` beside the board, else in the
/// config folder.
pub fn hooks_path(given: Option<&Path>, db: &Path) -> Result<PathBuf, String> {
    if let Some(p) = given {
        return Ok(p.to_path_buf());
    }
    let beside = db.with_file_name("hooks.toml");
    if beside.exists() {
        return Ok(beside);
    }
    let config = crate::config::config_dir().map(|d| d.join("hooks.toml"));
    if let Some(c) = config.as_ref().filter(|c| c.exists()) {
        return Ok(c.clone());
    }
    Err(format!(
        "no hooks.toml beside the board ({}){}: write one (the README shows how) or give --hooks FILE",
        beside.display(),
        config
            .map(|c| format!(" or at {}", c.display()))
            .unwrap_or_default()
    ))
}

/// Reads the hooks file, refusing one that others than its owner may change (its commands
/// would run as whoever runs `notify`).
pub fn read_hooks(path: &Path) -> Result<Vec<Hook>, String> {
    use std::os::unix::fs::MetadataExt;
    let meta =
        std::fs::metadata(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if meta.mode() & 0o022 != 0 {
        return Err(format!(
            "{} may be changed by others than its owner, and its commands run as you: `chmod go-w {}`",
            path.display(),
            path.display()
        ));
    }
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    notify::parse_hooks(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// How one command ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Told {
    Ok,
    Failed(String),
}

/// Runs `command` with `input` on its standard input, killed (with everything it started) at
/// `timeout`; it dies with this process too.
pub fn tell(command: &str, input: &[u8], timeout: Duration) -> Told {
    use std::os::unix::process::CommandExt;
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(command)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .process_group(0);
    // It dies with notify, so that no orphan tells an old event after a restart has moved on.
    #[cfg(target_os = "linux")]
    // SAFETY: prctl is async-signal-safe; the closure touches nothing else.
    unsafe {
        cmd.pre_exec(|| {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
            Ok(())
        });
    }
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => return Told::Failed(format!("could not start sh: {e}")),
    };
    let pid = child.id() as i32;
    if let Some(mut stdin) = child.stdin.take() {
        let input = input.to_vec();
        std::thread::spawn(move || {
            let _ = stdin.write_all(&input);
        });
    }
    let stderr = child.stderr.take();
    let said = std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(mut s) = stderr {
            use std::io::Read;
            let _ = s.by_ref().take(4000).read_to_string(&mut text);
        }
        text
    });
    let started = Instant::now();
    let mut nap = Duration::from_millis(1);
    loop {
        match child.try_wait() {
            Ok(Some(status)) => {
                let said = said.join().unwrap_or_default();
                return if status.success() {
                    Told::Ok
                } else {
                    let first = said.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
                    let how = match status.code() {
                        Some(code) => format!("exited with code {code}"),
                        None => "was killed by a signal".to_string(),
                    };
                    Told::Failed(format!(
                        "{how}{}{first}",
                        if first.is_empty() { "" } else { ": " }
                    ))
                };
            }
            Ok(None) if started.elapsed() >= timeout => {
                // SAFETY: kill on our own child's process group.
                unsafe {
                    libc::kill(-pid, libc::SIGKILL);
                }
                let _ = child.wait();
                return Told::Failed(format!(
                    "killed after its timeout of {} s",
                    timeout.as_secs()
                ));
            }
            Ok(None) => {
                std::thread::sleep(nap);
                nap = (nap * 2).min(Duration::from_millis(25));
            }
            Err(e) => return Told::Failed(format!("could not wait for it: {e}")),
        }
    }
}

/// What one round did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Round {
    pub delivered: usize,
    pub failed: usize,
    /// Whether a hook has events left to tell (it failed, or there were more than a batch).
    pub pending: bool,
}

/// One round: breaches recorded (when a hook listens for them), then each hook told what is new
/// after its cursor, in order, until its command fails.
pub fn round(
    store: &mut Store,
    hooks: &[Hook],
    say: &mut dyn FnMut(&str),
) -> Result<Round, StoreError> {
    let mut out = Round::default();
    if hooks.iter().any(|h| h.wants(Kind::SlaBreach)) {
        for id in store.record_breaches(Utc::now())? {
            say(&format!("{id} missed a target: recorded"));
        }
    }
    let board = store.info()?.title;
    for hook in hooks {
        let state = store.hook_state(&hook.name)?;
        if state.retry_at.is_some_and(|at| at > Utc::now()) {
            out.pending = true;
            continue;
        }
        let events = store.events_after(state.event, BATCH)?;
        out.pending |= events.len() == BATCH;
        let mut passed = state.event;
        let mut failed_here = false;
        for (id, e) in &events {
            let Some(kind) = notify::kind_of(e).filter(|k| hook.wants(*k)) else {
                passed = *id;
                continue;
            };
            // One JSON object and a newline: a line for `cat >> file`, a body for `curl`.
            let mut body =
                serde_json::to_vec(&notify::payload(&board, *id, kind, e)).unwrap_or_default();
            body.push(b'\n');
            match tell(&hook.command, &body, Duration::from_secs(hook.timeout)) {
                Told::Ok => {
                    store.advance_hook(&hook.name, *id)?;
                    passed = *id;
                    out.delivered += 1;
                }
                Told::Failed(why) => {
                    if passed > state.event {
                        store.advance_hook(&hook.name, passed)?;
                    }
                    let attempts = state.attempts + 1;
                    let wait = notify::backoff(attempts);
                    let retry = Utc::now() + chrono::Duration::from_std(wait).unwrap_or_default();
                    store.hook_failed(&hook.name, attempts, retry, &why)?;
                    say(&format!(
                        "{}: event {id} ({kind}) not told: {why}; try {attempts} failed, next in {} s",
                        hook.name,
                        wait.as_secs()
                    ));
                    out.failed += 1;
                    out.pending = true;
                    failed_here = true;
                    break;
                }
            }
        }
        if !failed_here && passed > state.event {
            store.advance_hook(&hook.name, passed)?;
        }
    }
    Ok(out)
}

/// Delivers until stopped (or, with `once`, until nothing is left that can be told now).
pub fn run(
    store: &mut Store,
    hooks: &[Hook],
    once: bool,
    stop: &dyn Fn() -> bool,
    say: &mut dyn FnMut(&str),
) -> Result<Round, StoreError> {
    let mut total = Round::default();
    let mut seen = None;
    loop {
        let r = round(store, hooks, say)?;
        total.delivered += r.delivered;
        total.failed += r.failed;
        total.pending = r.pending;
        if once && (!r.pending || r.failed > 0 || r.delivered == 0) {
            return Ok(total);
        }
        if stop() {
            return Ok(total);
        }
        if r.pending && r.failed == 0 {
            continue;
        }
        // Wait for a write (or a second, for breaches and retries).
        let until = Instant::now() + Duration::from_secs(1);
        while Instant::now() < until && !stop() {
            let v = store.data_version()?;
            if seen.is_some_and(|s| s != v) {
                seen = Some(v);
                break;
            }
            seen = Some(v);
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}
