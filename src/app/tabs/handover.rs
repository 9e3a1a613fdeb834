//! What keys do on the Handover tab: pick a project and an item, start the checklist, submit
//! evidence, accept, reject or waive.

use crate::app::keymap::Command;
use crate::app::say::writable;
use crate::app::{AppState, Effect, Hit, Overlay, Pending};
use crate::domain::handover::{Act, Check, Handover};

/// The Handover tab's questions, each about an item (project, key) of a checklist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ask {
    /// Its evidence.
    Evidence(String, String),
    /// Why it is rejected.
    RejectItem(String, String),
    /// Until when, and why, it is waived.
    Waive(String, String),
}

impl Ask {
    pub fn title(&self) -> &'static str {
        match self {
            Ask::Evidence(..) => " Handover evidence ",
            Ask::RejectItem(..) => " Reject the item ",
            Ask::Waive(..) => " Waive the item ",
        }
    }
}

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

pub(crate) fn clamp(s: &mut AppState) {
    s.handover.project = s.handover.project.min(s.handovers.len().saturating_sub(1));
    let n = shown(s).map_or(0, |h| h.checks.len());
    s.handover.item = s.handover.item.min(n.saturating_sub(1));
}

/// The tab's answer to a key, or `None` when the key is not the tab's.
pub(crate) fn key(s: &mut AppState, cmd: Command) -> Option<Vec<Effect>> {
    match cmd {
        Command::Down => s.handover.item += 1,
        Command::Up => s.handover.item = s.handover.item.saturating_sub(1),
        Command::NextProject => {
            s.handover.project += 1;
            s.handover.item = 0;
        }
        Command::PrevProject => {
            s.handover.project = s.handover.project.saturating_sub(1);
            s.handover.item = 0;
        }
        Command::StartHandover => {
            if let Some(h) = shown(s).map(|h| h.project.clone())
                && writable(s)
            {
                return Some(vec![Effect::StartHandover(h)]);
            }
        }
        Command::SubmitEvidence => ask(s, "Evidence (text or a link):", Ask::Evidence, true),
        Command::Accept => return Some(act(s, Act::Accept)),
        Command::Reject => ask(s, "Why reject it?", Ask::RejectItem, false),
        Command::Waive => ask(s, "Waive until YYYY-MM-DD, then why:", Ask::Waive, false),
        _ => return None,
    }
    clamp(s);
    Some(vec![])
}

fn target(s: &AppState) -> Option<(String, String)> {
    Some((shown(s)?.project.clone(), selected(s)?.key.clone()))
}

/// Asks for the text of an act on the selected item; evidence starts from the operations
/// reviews that speak to it, when there are any and nothing was submitted yet.
fn ask(s: &mut AppState, question: &str, ask: fn(String, String) -> Ask, from_reviews: bool) {
    let Some((project, key)) = target(s) else {
        return;
    };
    let duty = if from_reviews {
        &crate::domain::policy::SUBMIT_HANDOVER_EVIDENCE
    } else {
        &crate::domain::policy::ACCEPT_REJECT_OR_WAIVE_HANDOVER_ITEMS
    };
    if !crate::app::say::may(s, duty) {
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
    s.overlay = Some(Overlay::prompt(
        format!("{title} ({project}): {question}"),
        &start,
        Pending::Handover(ask(project, key)),
    ));
}

fn act(s: &mut AppState, act: Act) -> Vec<Effect> {
    let Some((project, key)) = target(s) else {
        return vec![];
    };
    if !writable(s) {
        return vec![];
    }
    handover_act(s, project, key, act)
}

/// An act on item `key` of `project`, with the revision of the item the screen showed.
fn handover_act(s: &AppState, project: String, key: String, act: Act) -> Vec<Effect> {
    let seen = check_seen(s, &project, &key);
    vec![Effect::HandoverAct {
        project,
        key,
        act,
        seen,
    }]
}

/// What an answer to one of the tab's questions submits, with the revision of the item the
/// screen showed.
pub(crate) fn submit(s: &mut AppState, ask: Ask, text: String) -> Result<Vec<Effect>, String> {
    let (project, key, act) = match ask {
        Ask::Evidence(project, key) => (project, key, Act::Submit { evidence: text }),
        Ask::RejectItem(project, key) => (project, key, Act::Reject { reason: text }),
        Ask::Waive(project, key) => {
            let (until, reason) = crate::app::input::day_and_reason(&text)?;
            (project, key, Act::Waive { reason, until })
        }
    };
    Ok(handover_act(s, project, key, act))
}

/// What `y` copies: the selected checklist item's key.
pub(crate) fn copy(s: &AppState) -> Option<String> {
    selected(s).map(|c| c.key.clone())
}

/// A click on a checklist item selects it.
pub(crate) fn click(s: &mut AppState, h: Hit) {
    s.handover.item = h.row;
}
