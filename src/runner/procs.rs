//! The processes a step started, and ending them all. Two marks find them: every process a
//! step starts inherits `FIREBREAK_RUN=<token>` in its environment, and, since the runner is a
//! child subreaper, whatever they leave behind when their parent exits (a `cmd &`, a
//! `setsid cmd &`, a double fork) is reparented to the runner instead of to init. So a step's
//! processes are the descendants of its shell and every process that carries the token, with
//! theirs. After a crash, nothing is reparented to a runner any more: the next run
//! scans every process of the machine for the dead run's token.
//!
//! What this cannot catch: a process that clears its environment *and* leaves the runner's
//! tree (its subreaper is then another process, e.g. one started by `systemd-run` or a
//! container runtime), a process of another user, and one that forks between the last scan and
//! the kill of its parent for longer than the retries below (each pass kills what it finds and
//! looks again).

use std::path::Path;

/// Makes this process the reaper of its orphaned descendants (Linux); elsewhere a no-op.
pub fn become_subreaper() {
    #[cfg(target_os = "linux")]
    // SAFETY: prctl with PR_SET_CHILD_SUBREAPER only sets a flag of this process.
    unsafe {
        libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    }
}

/// A process's state letter and start time (clock ticks after boot), from `/proc/PID/stat`.
fn stat(pid: i32) -> Option<(char, u64)> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name may hold spaces and parentheses: the fields start after the last ')'.
    let rest = &text[text.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split(' ').collect();
    let state = fields.first()?.chars().next()?;
    let started = fields.get(19)?.parse().ok()?;
    Some((state, started))
}

/// When this process started, as the kernel counts it: with the pid, what names a process
/// for good (a pid alone is reused).
pub fn start_time(pid: i32) -> Option<u64> {
    stat(pid).map(|(_, t)| t)
}

/// Whether the process `pid` that started at `started` still runs.
pub fn alive(pid: i32, started: u64) -> bool {
    stat(pid).is_some_and(|(state, t)| t == started && state != 'Z' && state != 'X')
}

fn running(pid: i32) -> bool {
    stat(pid).is_some_and(|(state, _)| state != 'Z' && state != 'X')
}

/// Whether `pid`'s environment holds `FIREBREAK_RUN=token`.
fn carries(pid: i32, token: &str) -> bool {
    let Ok(env) = std::fs::read(format!("/proc/{pid}/environ")) else {
        return false;
    };
    let want = format!("FIREBREAK_RUN={token}");
    env.split(|b| *b == 0).any(|v| v == want.as_bytes())
}

/// The children of `pid`, from every thread's `children` list.
fn children(pid: i32) -> Vec<i32> {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for task in tasks.flatten() {
        if let Ok(text) = std::fs::read_to_string(task.path().join("children")) {
            out.extend(
                text.split_whitespace()
                    .filter_map(|p| p.parse::<i32>().ok()),
            );
        }
    }
    out
}

fn with_descendants(roots: Vec<i32>) -> Vec<i32> {
    let mut all = Vec::new();
    let mut todo = roots;
    while let Some(pid) = todo.pop() {
        if all.contains(&pid) {
            continue;
        }
        all.push(pid);
        todo.extend(children(pid));
    }
    all
}

/// The step's processes still running: the descendants of its shell `root` (while it lives),
/// and every process that carries `token`, with their descendants. Every process is looked at
/// (the kernel's `children` lists may miss a process that forks or exits meanwhile, and the
/// token is what names the step's processes wherever they were reparented).
pub fn of_step(root: Option<i32>, token: &str) -> Vec<i32> {
    let me = std::process::id() as i32;
    let mut roots = anywhere(token);
    roots.extend(root);
    with_descendants(roots)
        .into_iter()
        .filter(|pid| *pid != me && running(*pid))
        .collect()
}

/// Every process of this machine that carries `token`: what a run that died left behind.
pub fn anywhere(token: &str) -> Vec<i32> {
    let me = std::process::id() as i32;
    let Ok(dir) = std::fs::read_dir(Path::new("/proc")) else {
        return Vec::new();
    };
    dir.flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<i32>().ok())
        .filter(|pid| *pid != me && running(*pid) && carries(*pid, token))
        .collect()
}

/// Kills `find()`'s processes until it finds none (a process may fork while its parent is
/// being killed, and a killed process takes a moment to die: on a busy machine, longer than
/// a hundred milliseconds), and reaps those that were this process's children. Gives up only
/// after `DYING` of looking, for a process stuck in the kernel. Returns how many.
/// Processes to wait for until they are dead, each with its start time (read now, before
/// anything is killed: an exiting process can no longer be found by its token).
pub fn marked(pids: &[i32]) -> Vec<(i32, Option<u64>)> {
    pids.iter().map(|p| (*p, start_time(*p))).collect()
}

pub fn end(known: Vec<(i32, Option<u64>)>, mut find: impl FnMut() -> Vec<i32>) -> usize {
    const DYING: std::time::Duration = std::time::Duration::from_secs(10);
    let began = std::time::Instant::now();
    // Each process killed, with its start time: a process that is exiting has let go of its
    // environment (so `find` no longer names it) before it is dead, and is waited for here
    // until it is (a pid reused meanwhile has another start time).
    let mut ended: Vec<(i32, Option<u64>)> = known;
    loop {
        let mut left = find();
        for (pid, started) in &ended {
            if started.is_some_and(|t| alive(*pid, t)) && !left.contains(pid) {
                left.push(*pid);
            }
        }
        if left.is_empty() || began.elapsed() > DYING {
            break;
        }
        for pid in &left {
            // SAFETY: plain signals to processes this step started.
            unsafe { libc::kill(*pid, libc::SIGKILL) };
        }
        for pid in &left {
            reap(*pid);
            if !ended.iter().any(|(p, _)| p == pid) {
                ended.push((*pid, start_time(*pid)));
            }
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    for (pid, _) in &ended {
        reap(*pid);
    }
    ended.len()
}

/// Collects the exit of `pid` if it is a dead child of this process, so no zombie stays.
pub fn reap(pid: i32) {
    let mut status = 0;
    // SAFETY: waitpid with WNOHANG on one pid; harmless (ECHILD) when it is not our child.
    unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) };
}

/// A short description of the processes, for the step's log: `sleep (pid 123)`.
pub fn describe(pids: &[i32]) -> String {
    pids.iter()
        .map(|pid| {
            let name = std::fs::read_to_string(format!("/proc/{pid}/comm"))
                .map(|c| c.trim().to_string())
                .unwrap_or_else(|_| "?".into());
            format!("{name} (pid {pid})")
        })
        .collect::<Vec<_>>()
        .join(", ")
}
