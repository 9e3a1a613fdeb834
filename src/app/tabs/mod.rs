//! The tabs, one room each (`tabs/<tab>.rs`): its view state, its keys, the questions it asks
//! and what their answers submit, what `y` copies, what a click selects and what it loads.
//! The dispatcher (`update.rs`) reaches a tab through the functions here, which pick the tab
//! on screen. A tab calls down only (to `say`, `input`, `form`, the domain), never into the
//! dispatcher nor into another tab (`tests/layers.rs`).

pub mod backlog;
pub mod handover;
pub mod insights;
pub mod kanban;
pub mod pipeline;
pub mod service;
pub mod sprint;

use super::keymap::Command;
use super::{AppState, Effect, Hit, Tab};
use crate::domain::ItemId;

/// A question a tab asked, waiting for its answer; the tab that asked submits it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pending {
    Backlog(backlog::Ask),
    Sprint(sprint::Ask),
    Kanban(kanban::Ask),
    Pipeline(pipeline::Ask),
    Handover(handover::Ask),
    Service(service::Ask),
    /// The words of a comment on the record the tab had selected.
    Comment(crate::domain::comment::Subject),
    /// Whom to give the item to.
    Assign(ItemId),
    /// Labels to put on (or, with `-`, take off) an item or an incident.
    Label(crate::domain::comment::Subject),
    /// A link to put on (or, with `-`, take off) what is selected.
    Link(crate::domain::comment::Subject),
}

impl Pending {
    /// The title of the box that asks it.
    pub fn title(&self) -> &'static str {
        match self {
            Pending::Backlog(a) => a.title(),
            Pending::Sprint(a) => a.title(),
            Pending::Kanban(a) => a.title(),
            Pending::Pipeline(a) => a.title(),
            Pending::Handover(a) => a.title(),
            Pending::Service(a) => a.title(),
            Pending::Comment(_) => " Comment ",
            Pending::Assign(_) => " Assign ",
            Pending::Label(_) => " Labels ",
            Pending::Link(_) => " Link ",
        }
    }
}

/// The answer of the tab on screen to a key, or `None` when the key is not the tab's (the
/// dispatcher then offers it to the global room).
pub(super) fn key(s: &mut AppState, cmd: Command) -> Option<Vec<Effect>> {
    match s.tab {
        Tab::Backlog => backlog::key(s, cmd),
        Tab::Sprint => sprint::key(s, cmd),
        Tab::Kanban => kanban::key(s, cmd),
        Tab::Pipeline => pipeline::key(s, cmd),
        Tab::Handover => handover::key(s, cmd),
        Tab::Service => service::key(s, cmd),
        Tab::Insights => insights::key(s, cmd),
    }
}

/// The answer to a question, submitted by the tab that asked it: its effects, or what would
/// be right instead (the question stays open with the text as typed).
pub(super) fn submit(s: &mut AppState, then: Pending, text: String) -> Result<Vec<Effect>, String> {
    match then {
        Pending::Backlog(a) => backlog::submit(s, a, text),
        Pending::Sprint(a) => sprint::submit(s, a, text),
        Pending::Kanban(a) => kanban::submit(s, a, text),
        Pending::Pipeline(a) => pipeline::submit(s, a, text),
        Pending::Handover(a) => handover::submit(s, a, text),
        Pending::Service(a) => service::submit(s, a, text),
        Pending::Assign(id) => assign(s, id, text.trim()),
        Pending::Link(subject) => link(subject, &text),
        Pending::Label(subject) => {
            let (mut add, mut remove) = (Vec::new(), Vec::new());
            for word in text.split([' ', ',']).filter(|w| !w.is_empty()) {
                let (list, w) = match word.strip_prefix('-') {
                    Some(w) => (&mut remove, w),
                    None => (&mut add, word),
                };
                list.push(crate::domain::label::check(w).map_err(|e| e.to_string())?);
            }
            if add.is_empty() && remove.is_empty() {
                return Err("Give a word to add, or -word to take one off.".into());
            }
            Ok(vec![Effect::Relabel {
                subject,
                add,
                remove,
            }])
        }
        Pending::Comment(subject) => {
            if text.trim().is_empty() {
                return Err("A comment needs some words.".into());
            }
            Ok(vec![Effect::Comment { subject, text }])
        }
    }
}

/// Reads "https://… its title", "blocks FB-9", or either after a `-` to take it off.
fn link(subject: crate::domain::comment::Subject, text: &str) -> Result<Vec<Effect>, String> {
    use crate::domain::comment::Subject;
    use crate::domain::link::Relation;
    let text = text.trim();
    let (adding, text) = match text.strip_prefix('-') {
        Some(rest) => (false, rest.trim_start()),
        None => (true, text),
    };
    let (first, rest) = text.split_once(' ').unwrap_or((text, ""));
    if let Ok(relation) = first.parse::<Relation>() {
        let Subject::Item(_) = subject else {
            return Err(format!(
                "{subject} is no item: only items link to items; give it a URL."
            ));
        };
        let other = rest.trim().parse::<ItemId>().map_err(|e| e.to_string())?;
        return Ok(vec![Effect::Relate {
            subject,
            relation,
            other,
            adding,
        }]);
    }
    let url = crate::domain::link::check_url(first).map_err(|e| e.to_string())?;
    let title = rest.trim();
    Ok(vec![Effect::WebLink {
        subject,
        url,
        title: (!title.is_empty()).then(|| title.to_string()),
        adding,
    }])
}

/// Who may hold the item (its team's work, as each acts today), by name.
pub(super) fn may_hold(s: &AppState, id: ItemId) -> Vec<String> {
    let Some(team) = s.items.iter().find(|r| r.id == id).and_then(|r| r.team) else {
        return Vec::new();
    };
    let duty = crate::domain::item::holding_duty(team);
    s.people
        .iter()
        .filter(|p| {
            crate::domain::rotation::on_duty(p, &s.rotations, s.now.date_naive())
                .may(duty)
                .is_ok()
        })
        .map(|p| p.name.clone())
        .collect()
}

/// The answer to "give it to whom": the domain's verdict before anything is written.
fn assign(s: &AppState, id: ItemId, name: &str) -> Result<Vec<Effect>, String> {
    let Some(row) = s.items.iter().find(|r| r.id == id) else {
        return Err(format!("{id} is no longer on the board."));
    };
    let Some(person) = s.people.iter().find(|p| p.name == name) else {
        return Err(format!(
            "There is no {name} on this board; it may go to {}.",
            may_hold(s, id).join(", ")
        ));
    };
    let to = crate::domain::rotation::on_duty(person, &s.rotations, s.now.date_naive());
    crate::domain::item::assign(&row.item(), &to, &s.me, s.now).map_err(|e| e.to_string())?;
    Ok(vec![Effect::Assign {
        id,
        to: name.to_string(),
        version: row.version,
    }])
}

/// The labels the record carries, as the board loaded them.
pub(super) fn labels_of(s: &AppState, subject: &crate::domain::comment::Subject) -> Vec<String> {
    use crate::domain::comment::Subject;
    match subject {
        Subject::Item(id) => s
            .items
            .iter()
            .find(|r| r.id == *id)
            .map(|r| r.labels().map(str::to_string).collect())
            .unwrap_or_default(),
        Subject::Incident(id) => s.incident_labels.get(id).cloned().unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// What the tab on screen has selected that takes comments.
pub(super) fn subject(s: &AppState) -> Option<crate::domain::comment::Subject> {
    use crate::domain::comment::Subject;
    match s.tab {
        Tab::Backlog => s.selected().map(|r| Subject::Item(r.id)),
        Tab::Sprint => sprint::selected(s).map(|r| Subject::Item(r.id)),
        Tab::Kanban => kanban::selected(s).map(|r| Subject::Item(r.id)),
        Tab::Pipeline => pipeline::selected(s).map(|v| Subject::Release(v.release.version.clone())),
        Tab::Service => match service::history(s)? {
            ("problem", id) => Some(Subject::Problem(id)),
            (_, id) => Some(Subject::Incident(id)),
        },
        Tab::Handover | Tab::Insights => None,
    }
}

/// What `y` copies on the tab on screen.
pub(super) fn copy(s: &AppState) -> Option<String> {
    match s.tab {
        Tab::Backlog => backlog::copy(s),
        Tab::Sprint => sprint::copy(s),
        Tab::Kanban => kanban::copy(s),
        Tab::Pipeline => pipeline::copy(s),
        Tab::Handover => handover::copy(s),
        Tab::Service => service::copy(s),
        Tab::Insights => None,
    }
}

/// Selects what a click landed on, in the tab's own terms.
pub(super) fn click(s: &mut AppState, h: Hit) -> Vec<Effect> {
    match s.tab {
        Tab::Backlog => return backlog::click(s, h),
        Tab::Sprint => sprint::click(s, h),
        Tab::Kanban => kanban::click(s, h),
        Tab::Pipeline => pipeline::click(s, h),
        Tab::Handover => handover::click(s, h),
        Tab::Service => service::click(s, h),
        Tab::Insights => {}
    }
    vec![]
}

/// What the tab on screen loads when it comes on screen (`fresh`: after a reload).
pub(super) fn wanted(s: &AppState, fresh: bool) -> Vec<Effect> {
    match s.tab {
        Tab::Kanban => kanban::wanted(s, fresh),
        Tab::Insights => insights::wanted(s),
        Tab::Sprint => sprint::wanted(s),
        _ => vec![],
    }
}

/// The record whose history the tab on screen shows beside it (entity, id).
pub(super) fn history(s: &AppState) -> Option<(&'static str, String)> {
    match s.tab {
        Tab::Pipeline => pipeline::history(s),
        Tab::Service => service::history(s),
        _ => None,
    }
}

/// Every tab sorts and clamps its view again from the board as it now is.
pub(super) fn refresh(s: &mut AppState) {
    kanban::refresh(s);
    sprint::refresh(s);
    service::clamp(s);
    handover::clamp(s);
}

/// Every tab follows a row that only moved in the order (from `from` to `to`).
pub(super) fn moved(s: &mut AppState, from: usize, to: usize) {
    s.backlog.moved(from, to);
    kanban::moved(s, from, to);
    sprint::moved(s, from, to);
}

/// An item was saved: the tab on screen puts its selection on it, and says what to load.
pub(super) fn saved(s: &mut AppState, id: ItemId) -> Vec<Effect> {
    match s.tab {
        Tab::Kanban => kanban::select(s, id),
        Tab::Sprint => return sprint::burndown_effect(s),
        _ => {}
    }
    match &s.detail {
        Some(d) if d.id == id => vec![Effect::LoadDetail(id)],
        _ => vec![],
    }
}
