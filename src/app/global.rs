//! The keys that mean the same everywhere: quit, help, the tabs, copy, undo, the palette,
//! reload and acting as another person; and the keys of the help and people overlays.

use super::input::LineInput;
use super::keymap::Command;
use super::say::{flash, flash_error};
use super::{AppState, Effect, Overlay, Tab, tabs};
use crate::domain::Identity;

/// Asks what to link what is selected to.
fn link(s: &mut AppState) {
    if !super::say::writable(s) {
        return;
    }
    let Some(subject) = tabs::subject(s) else {
        flash_error(
            s,
            "Select an item or a card, an incident, a problem or a release to link.",
        );
        return;
    };
    let question = match subject {
        crate::domain::comment::Subject::Item(_) => format!(
            "Link {subject} to a URL and its title, or to an item: blocks, relates or duplicates FB-n. A leading - takes one off."
        ),
        _ => format!("Link {subject} to a URL and its title. A leading - takes one off."),
    };
    s.overlay = Some(Overlay::prompt(question, "", tabs::Pending::Link(subject)));
}

/// Asks which labels to put on (or take off) the selected item or incident.
fn label(s: &mut AppState) {
    use crate::domain::comment::Subject;
    if !super::say::writable(s) {
        return;
    }
    let subject = match tabs::subject(s) {
        Some(sub @ (Subject::Item(_) | Subject::Incident(_))) => sub,
        _ => {
            flash_error(s, "Select an item, a card or an incident to label.");
            return;
        }
    };
    let now = tabs::labels_of(s, &subject);
    let carries = if now.is_empty() {
        "no labels yet".to_string()
    } else {
        now.join(", ")
    };
    let question = format!("Labels of {subject} ({carries}): words to add, -word to take one off.");
    s.overlay = Some(Overlay::prompt(question, "", tabs::Pending::Label(subject)));
}

/// Asks whom to give the selected item to, naming who may hold it.
fn assign(s: &mut AppState) {
    if !super::say::writable(s) {
        return;
    }
    let Some(crate::domain::comment::Subject::Item(id)) = tabs::subject(s) else {
        flash_error(s, "Select an item or a card to assign.");
        return;
    };
    let who = tabs::may_hold(s, id);
    let question = if who.is_empty() {
        format!("Give {id} to whom? Nobody on the board may hold it now.")
    } else {
        format!("Give {id} to whom? It may go to {}.", who.join(", "))
    };
    s.overlay = Some(Overlay::prompt(question, "", tabs::Pending::Assign(id)));
}

/// Asks the words of a comment on what the tab has selected.
fn comment(s: &mut AppState) {
    if !super::say::writable(s) {
        return;
    }
    let Some(subject) = tabs::subject(s) else {
        flash_error(
            s,
            "Nothing here takes comments: select an item or a card, an incident, a problem or a release.",
        );
        return;
    };
    let question = format!(
        "A comment on {subject}, as {}: Markdown is kept as written; Ctrl-J starts a new line.",
        s.me.name
    );
    let mut overlay = Overlay::prompt(question, "", tabs::Pending::Comment(subject));
    if let Overlay::Prompt { input, .. } = &mut overlay {
        input.multiline = true;
    }
    s.overlay = Some(overlay);
}

/// A key that means the same everywhere; nothing for any other.
pub(super) fn command(s: &mut AppState, cmd: Command) -> Vec<Effect> {
    match cmd {
        Command::Quit => return vec![Effect::Quit],
        Command::Help => super::help::open(s),
        Command::NextTab => return open(s, s.tab.step(true)),
        Command::PrevTab => return open(s, s.tab.step(false)),
        Command::BacklogTab => return open(s, Tab::Backlog),
        Command::SprintTab => return open(s, Tab::Sprint),
        Command::KanbanTab => return open(s, Tab::Kanban),
        Command::PipelineTab => return open(s, Tab::Pipeline),
        Command::HandoverTab => return open(s, Tab::Handover),
        Command::ServiceTab => return open(s, Tab::Service),
        Command::InsightsTab => return open(s, Tab::Insights),
        Command::Copy => {
            let text = tabs::copy(s);
            return super::say::copy(s, text);
        }
        Command::Undo => return super::undo::undo(s),
        Command::OpenPalette => {
            s.overlay = Some(Overlay::Palette {
                from: s.context(),
                input: LineInput::default(),
                selected: 0,
            });
        }
        Command::Refresh => {
            flash(s, "Reloaded.");
            return vec![Effect::Reload];
        }
        Command::SwitchPerson => switch_person(s),
        Command::Messages => s.overlay = Some(Overlay::Messages { scroll: 0 }),
        Command::Comment => comment(s),
        Command::AssignItem => assign(s),
        Command::Label => label(s),
        Command::Link => link(s),
        _ => {}
    }
    vec![]
}

/// Opens a tab, with what it loads.
pub(super) fn open(s: &mut AppState, tab: Tab) -> Vec<Effect> {
    s.tab = tab;
    tabs::wanted(s, false)
}

fn switch_person(s: &mut AppState) {
    if s.identity != Identity::Trust {
        flash_error(
            s,
            format!(
                "Only a trust board (a demo) lets you act as another person; here you are {}.",
                s.me.name
            ),
        );
        return;
    }
    let selected = s
        .people
        .iter()
        .position(|p| p.name == s.me.name)
        .unwrap_or(0);
    s.overlay = Some(Overlay::People { selected });
}

/// The keys of the list of people one may act as.
pub(super) fn people_key(s: &mut AppState, cmd: Option<Command>) -> Vec<Effect> {
    let Some(Overlay::People { selected }) = &mut s.overlay else {
        return vec![];
    };
    match cmd {
        Some(Command::Down) => *selected = (*selected + 1).min(s.people.len().saturating_sub(1)),
        Some(Command::Up) => *selected = selected.saturating_sub(1),
        Some(Command::Back) => s.overlay = None,
        Some(Command::Submit) => {
            if let Some(p) = s.people.get(*selected) {
                s.me = crate::domain::rotation::on_duty(p, &s.rotations, s.now.date_naive());
                s.overlay = None;
                flash(
                    s,
                    format!("You now act as {} ({}).", s.me.name, s.me.roles_text()),
                );
            }
        }
        _ => {}
    }
    vec![]
}

/// The keys of the messages: scrolled up from the newest.
pub(super) fn messages_key(s: &mut AppState, cmd: Option<Command>) -> Vec<Effect> {
    let n = s.said.len();
    if let Some(Overlay::Messages { scroll }) = &mut s.overlay {
        match cmd {
            Some(Command::Back) => s.overlay = None,
            Some(Command::Up) => *scroll = (*scroll + 1).min(n.saturating_sub(1)),
            Some(Command::Down) => *scroll = scroll.saturating_sub(1),
            Some(Command::First) => *scroll = n.saturating_sub(1),
            Some(Command::Last) => *scroll = 0,
            _ => {}
        }
    }
    vec![]
}
