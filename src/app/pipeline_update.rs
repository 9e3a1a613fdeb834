//! What keys do on the Pipeline tab: pick a release and a step, run it, sign at its gates,
//! switch it live or roll it back (typing its version and a reason first).

use super::input::LineInput;
use super::keymap::Command;
use super::pipeline::path;
use super::{AppState, Effect, Overlay, Pending};
use crate::domain::release::Change;
use crate::domain::release::{ReleaseState, ReleaseView, Vote};

pub fn selected(s: &AppState) -> Option<&ReleaseView> {
    s.releases.list.get(s.pipeline.selected)
}

/// The (environment, step) under the cursor.
pub fn step(s: &AppState) -> Option<(String, String)> {
    let r = selected(s)?;
    let p = s.releases.pipeline(&r.release.project)?;
    path(p).get(s.pipeline.step).cloned()
}

pub(super) fn clamp(s: &mut AppState) {
    let n = s.releases.list.len();
    s.pipeline.selected = s.pipeline.selected.min(n.saturating_sub(1));
    let steps = selected(s)
        .and_then(|r| s.releases.pipeline(&r.release.project))
        .map_or(0, |p| path(p).len());
    s.pipeline.step = s.pipeline.step.min(steps.saturating_sub(1));
}

/// Puts the cursor on the last step the selected release ran.
pub(super) fn follow(s: &mut AppState) {
    let Some(r) = selected(s) else { return };
    let Some(p) = s.releases.pipeline(&r.release.project) else {
        return;
    };
    let last = r.steps.last().map(|x| (x.env.clone(), x.step.clone()));
    s.pipeline.step = last
        .and_then(|l| path(p).iter().position(|x| *x == l))
        .unwrap_or(0);
}

pub(super) fn key(s: &mut AppState, cmd: Option<Command>) -> Vec<Effect> {
    let before = s.pipeline.selected;
    match cmd {
        Some(Command::Down) => s.pipeline.selected += 1,
        Some(Command::Up) => s.pipeline.selected = s.pipeline.selected.saturating_sub(1),
        Some(Command::First) => s.pipeline.selected = 0,
        Some(Command::Last) => s.pipeline.selected = usize::MAX,
        Some(Command::Left) => s.pipeline.step = s.pipeline.step.saturating_sub(1),
        Some(Command::Right) => s.pipeline.step += 1,
        Some(Command::Log) if step(s).is_some() => {
            s.overlay = Some(Overlay::Log { scroll: 0 });
        }
        Some(Command::Run) => return run(s),
        Some(Command::Accept) => return sign(s, true),
        Some(Command::Reject) => return sign(s, false),
        Some(Command::Restart) => {
            let seen = selected(s).map(|r| r.revision);
            return with(s, |version| vec![Effect::Restart { version, seen }]);
        }
        Some(Command::Determine) => ask(
            s,
            Pending::Determine,
            "its cause (code, test, environment, data or dependency), then what you found",
        ),
        Some(Command::ConcludePd) => {
            return with(s, |version| {
                vec![Effect::RecordPd {
                    version,
                    entry: crate::domain::pd::PdEntry {
                        conclude: true,
                        ..Default::default()
                    },
                }]
            });
        }
        Some(Command::Ticket) => ask(
            s,
            Pending::PdTicket,
            "a ticket from its problem determination; its title",
        ),
        Some(Command::Rerun) => {
            let seen = selected(s).map(|r| r.revision);
            return with(s, |version| vec![Effect::Rerun { version, seen }]);
        }
        Some(Command::VoteGo) => {
            let seen = selected(s).map(|r| r.revision);
            return with(s, |v| {
                vec![Effect::Vote {
                    version: v,
                    vote: Vote::Go,
                    comment: String::new(),
                    seen,
                }]
            });
        }
        Some(Command::VoteNoGo) => ask(
            s,
            Pending::NoGo,
            "Why no-go? One no-go abandons the release.",
        ),
        Some(Command::Switch) => production(s, Change::Switch),
        Some(Command::Rollback) => production(s, Change::Rollback),
        // Not this tab's: the keys that mean the same everywhere are answered before.
        Some(_) => {}
        None => {}
    }
    clamp(s);
    if s.pipeline.selected != before {
        follow(s);
    }
    vec![]
}

/// The selected release's version, when the board may be written.
fn version(s: &mut AppState) -> Option<String> {
    let v = selected(s).map(|r| r.release.version.clone())?;
    super::say::writable(s).then_some(v)
}

fn with(s: &mut AppState, effect: impl FnOnce(String) -> Vec<Effect>) -> Vec<Effect> {
    version(s).map(effect).unwrap_or_default()
}

fn ask(s: &mut AppState, pending: impl FnOnce(String) -> Pending, question: &str) {
    if let Some(v) = version(s) {
        s.overlay = Some(Overlay::Prompt {
            question: format!("{v}: {question}"),
            input: LineInput::default(),
            then: pending(v),
        });
    }
}

fn run(s: &mut AppState) -> Vec<Effect> {
    if let Some(v) = &s.running {
        super::say::flash_error(
            s,
            format!("{v} is running: one run at a time from this board."),
        );
        return vec![];
    }
    let Some(r) = selected(s) else { return vec![] };
    if !matches!(r.release.state, ReleaseState::Built | ReleaseState::Running) {
        let text = format!(
            "{} is {}: there is nothing for the automation to run.",
            r.release.version, r.release.state
        );
        super::say::flash_error(s, text);
        return vec![];
    }
    // The board runs one release at a time: it is running from the moment it is asked for.
    let Some(v) = version(s) else { return vec![] };
    s.running = Some(v.clone());
    vec![Effect::RunRelease(v)]
}

fn sign(s: &mut AppState, accept: bool) -> Vec<Effect> {
    if accept {
        let seen = selected(s).map(|r| r.revision);
        return with(s, |v| {
            vec![Effect::Answer {
                version: v,
                accept: true,
                comment: String::new(),
                seen,
            }]
        });
    }
    ask(
        s,
        Pending::Reject,
        "Why reject it at the firebreak? It halts the release.",
    );
    vec![]
}

/// Production changes are typed: the version first, then a reason.
fn production(s: &mut AppState, change: Change) {
    let what = if change == Change::Switch {
        "switch live"
    } else {
        "roll back"
    };
    if let Some(v) = version(s) {
        s.overlay = Some(Overlay::Prompt {
            question: format!("Type the version to {what} ({v}) to confirm"),
            input: LineInput::default(),
            then: Pending::TypeVersion { version: v, change },
        });
    }
}

/// Reads "environment the smoke test hit an expired certificate".
pub(super) fn determination(text: &str) -> Result<(crate::domain::pd::Cause, String), String> {
    let (cause, findings) = text.trim().split_once(' ').unwrap_or((text.trim(), ""));
    let cause = cause
        .parse::<crate::domain::pd::Cause>()
        .map_err(|e| e.to_string())?;
    if findings.trim().is_empty() {
        return Err("say what you found after the cause".into());
    }
    Ok((cause, findings.trim().to_string()))
}

/// The selected step's log with its title: what the log overlay shows and `y` copies from.
pub fn step_log(s: &AppState) -> (String, String) {
    let Some(v) = selected(s) else {
        return (" Log ".into(), String::new());
    };
    let Some((env, name)) = step(s) else {
        return (" Log ".into(), String::new());
    };
    let rec = v.steps.iter().find(|x| x.env == env && x.step == name);
    let title = format!(" {} {env}/{name} ", v.release.version);
    let text = match rec {
        Some(x) if x.log.is_empty() && x.outcome.is_none() => "running…".into(),
        Some(x) if x.log.is_empty() => "(no output)".into(),
        Some(x) => x.log.clone(),
        None => "not run yet".into(),
    };
    (title, text)
}
