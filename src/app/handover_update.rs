//! What keys do on the Handover tab: pick a project and an item, start the checklist, submit
//! evidence, accept, reject or waive.

use super::input::LineInput;
use super::keymap::Command;
use super::{AppState, Effect, Overlay, Pending};
use crate::domain::handover::{Act, Check, Handover};

/// Where the selection is on the Handover tab.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HandoverView {
    pub project: usize,
    pub item: usize,
}

pub fn shown(s: &AppState) -> Option<&Handover> {
    s.handovers.get(s.handover.project)
}

pub fn selected(s: &AppState) -> Option<&Check> {
    shown(s).and_then(|h| h.checks.get(s.handover.item))
}

/// The revision of handover item `key` of `project` the board shows.
pub fn check_seen(s: &AppState, project: &str, key: &str) -> Option<i64> {
    s.handovers
        .iter()
        .find(|h| h.project == project)
        .and_then(|h| h.checks.iter().find(|c| c.key == key))
        .map(|c| c.revision)
}

pub(super) fn clamp(s: &mut AppState) {
    s.handover.project = s.handover.project.min(s.handovers.len().saturating_sub(1));
    let n = shown(s).map_or(0, |h| h.checks.len());
    s.handover.item = s.handover.item.min(n.saturating_sub(1));
}

pub(super) fn key(s: &mut AppState, cmd: Option<Command>) -> Vec<Effect> {
    match cmd {
        Some(Command::Down) => s.handover.item += 1,
        Some(Command::Up) => s.handover.item = s.handover.item.saturating_sub(1),
        Some(Command::NextSprint) => {
            s.handover.project += 1;
            s.handover.item = 0;
        }
        Some(Command::PrevSprint) => {
            s.handover.project = s.handover.project.saturating_sub(1);
            s.handover.item = 0;
        }
        Some(Command::StartSprint) => {
            if let Some(h) = shown(s).map(|h| h.project.clone())
                && super::say::writable(s)
            {
                return vec![Effect::StartHandover(h)];
            }
        }
        Some(Command::Submit) => ask(s, "Evidence (text or a link):", Pending::Evidence, true),
        Some(Command::Accept) => return act(s, Act::Accept),
        Some(Command::Reject) => ask(s, "Why reject it?", Pending::RejectItem, false),
        Some(Command::Waive) => ask(
            s,
            "Waive until YYYY-MM-DD, then why:",
            Pending::Waive,
            false,
        ),
        // Not this tab's: the keys that mean the same everywhere are answered before.
        Some(_) => {}
        None => {}
    }
    clamp(s);
    vec![]
}

fn target(s: &AppState) -> Option<(String, String)> {
    Some((shown(s)?.project.clone(), selected(s)?.key.clone()))
}

/// Asks for the text of an act on the selected item; evidence starts from the operations
/// reviews that speak to it, when there are any and nothing was submitted yet.
fn ask(
    s: &mut AppState,
    question: &str,
    pending: fn(String, String) -> Pending,
    from_reviews: bool,
) {
    let Some((project, key)) = target(s) else {
        return;
    };
    if !super::say::writable(s) {
        return;
    }
    let title = selected(s).map_or(String::new(), |c| c.title.clone());
    // Evidence starts from the operations reviews that speak to the item, when there are any.
    let start = match (selected(s), from_reviews) {
        (Some(c), true) if c.evidence.is_none() && !c.reviews.is_empty() => {
            let ids: Vec<&str> = c
                .reviews
                .iter()
                .filter_map(|r| r.split(' ').next())
                .collect();
            format!(
                "operations reviews of {} (see each story); ",
                ids.join(", ")
            )
        }
        _ => String::new(),
    };
    s.overlay = Some(Overlay::Prompt {
        question: format!("{title} ({project}): {question}"),
        input: LineInput::with(&start),
        then: pending(project, key),
    });
}

fn act(s: &mut AppState, act: Act) -> Vec<Effect> {
    let Some((project, key)) = target(s) else {
        return vec![];
    };
    if !super::say::writable(s) {
        return vec![];
    }
    let seen = check_seen(s, &project, &key);
    vec![Effect::HandoverAct {
        project,
        key,
        act,
        seen,
    }]
}

/// Reads "2026-03-20 the test is booked" into a waiver.
pub(super) fn waiver(text: &str) -> Result<Act, String> {
    let (date, reason) = text.trim().split_once(' ').unwrap_or((text.trim(), ""));
    let until = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .map_err(|_| format!("'{date}' is not a date: start with YYYY-MM-DD, then the reason"))?;
    Ok(Act::Waive {
        reason: reason.trim().to_string(),
        until,
    })
}
