//! What keys do on the Sprint tab: select and move cards, reorder them, switch sprints,
//! start and complete a sprint, add one.

use super::form::Form;
use super::input::LineInput;
use super::keymap::Command;
use super::sprint::{SprintBoard, default_sprint, open_sprint};
use super::{AppState, Effect, Overlay, Pending};
use crate::domain::backlog::{self, RankMove};
use crate::domain::sprint::SprintState;
use crate::domain::{ItemCommand, State};

/// Sorts the shown sprint's cards again: after every load and every write.
pub(super) fn refresh(s: &mut AppState) {
    let known = |name: &String| s.sprints.iter().any(|x| &x.name == name);
    if !s.sprint.shown.as_ref().is_some_and(known) {
        s.sprint.shown = default_sprint(&s.sprints);
    }
    s.sprint_board = SprintBoard::of(&s.items, s.sprint.shown.as_deref());
    clamp(s);
}

/// Follows a row that only moved in the order, without walking every row again.
pub(super) fn moved(s: &mut AppState, from: usize, to: usize) {
    s.sprint_board.moved(from, to);
    clamp(s);
}

fn clamp(s: &mut AppState) {
    s.sprint.column = s.sprint.column.min(3);
    let cards = s.sprint_board.columns[s.sprint.column].len();
    s.sprint.row = s.sprint.row.min(cards.saturating_sub(1));
}

pub fn selected(s: &AppState) -> Option<&super::row::Row> {
    let column = &s.sprint_board.columns[s.sprint.column];
    column.get(s.sprint.row).map(|&i| &*s.items[i])
}

/// The burndown to load for the shown sprint, if it changed.
pub(super) fn burndown_effect(s: &AppState) -> Vec<Effect> {
    match &s.sprint.shown {
        Some(name) => vec![Effect::LoadBurndown(name.clone())],
        None => vec![],
    }
}

pub(super) fn key(s: &mut AppState, cmd: Option<Command>) -> Vec<Effect> {
    match cmd {
        Some(Command::Left) => s.sprint.column = s.sprint.column.saturating_sub(1),
        Some(Command::Right) => s.sprint.column += 1,
        Some(Command::Down) => s.sprint.row += 1,
        Some(Command::Up) => s.sprint.row = s.sprint.row.saturating_sub(1),
        Some(Command::CardLeft) => return step(s, false),
        Some(Command::CardRight) => return step(s, true),
        Some(Command::RankDown) => return reorder(s, true),
        Some(Command::RankUp) => return reorder(s, false),
        Some(Command::NextSprint) => return switch(s, true),
        Some(Command::PrevSprint) => return switch(s, false),
        Some(Command::StartSprint) => return start(s),
        Some(Command::CompleteSprint) => complete(s),
        Some(Command::NewSprint) => new_sprint(s),
        // Not this tab's: the keys that mean the same everywhere are answered before.
        Some(_) => {}
        None => {}
    }
    clamp(s);
    vec![]
}

fn step(s: &mut AppState, forward: bool) -> Vec<Effect> {
    let Some(item) = selected(s).cloned() else {
        return vec![];
    };
    let cmd = match (item.state, forward) {
        (State::Planned, true) => ItemCommand::Start,
        (State::InProgress, true) => ItemCommand::Submit,
        (State::Review, true) => ItemCommand::Approve,
        (State::Review, false) => ItemCommand::SendBack,
        (state, _) => {
            let why = if forward {
                "done work waits for its release"
            } else {
                "work moves back only from review"
            };
            super::say::flash_error(s, format!("{} stays {state}: {why}.", item.id));
            return vec![];
        }
    };
    if !super::say::writable(s) {
        return vec![];
    }
    vec![Effect::Apply {
        id: item.id,
        cmd,
        version: item.version,
    }]
}

/// `J`/`K`: the card swaps places with its neighbour in the column, in the one backlog order.
fn reorder(s: &mut AppState, down: bool) -> Vec<Effect> {
    let Some(item) = selected(s).cloned() else {
        return vec![];
    };
    if !super::say::writable(s) {
        return vec![];
    }
    if let Err(e) = backlog::authorize(&s.me) {
        super::say::flash_error(s, e.to_string());
        return vec![];
    }
    let column = &s.sprint_board.columns[s.sprint.column];
    let row = s.sprint.row;
    let neighbour = if down {
        column.get(row + 1)
    } else {
        row.checked_sub(1).and_then(|r| column.get(r))
    };
    let Some(&n) = neighbour else {
        return vec![];
    };
    let other = s.items[n].id;
    let mv = if down {
        RankMove::After(other)
    } else {
        RankMove::Before(other)
    };
    vec![Effect::Rank {
        id: item.id,
        mv,
        version: item.version,
    }]
}

fn switch(s: &mut AppState, forward: bool) -> Vec<Effect> {
    let n = s.sprints.len();
    if n == 0 {
        return vec![];
    }
    let at = s
        .sprints
        .iter()
        .position(|x| Some(&x.name) == s.sprint.shown.as_ref())
        .unwrap_or(0);
    let next = if forward {
        (at + 1) % n
    } else {
        (at + n - 1) % n
    };
    s.sprint.shown = Some(s.sprints[next].name.clone());
    s.sprint.row = 0;
    refresh(s);
    burndown_effect(s)
}

fn shown(s: &AppState) -> Option<crate::domain::sprint::Sprint> {
    let name = s.sprint.shown.as_ref()?;
    s.sprints.iter().find(|x| &x.name == name).cloned()
}

fn start(s: &mut AppState) -> Vec<Effect> {
    let Some(sprint) = shown(s) else {
        return vec![];
    };
    if !super::say::writable(s) {
        return vec![];
    }
    let seen = s.seen("sprint", &sprint.name);
    vec![Effect::StartSprint {
        name: sprint.name,
        seen,
    }]
}

fn complete(s: &mut AppState) {
    let Some(sprint) = shown(s) else {
        return;
    };
    if !super::say::writable(s) {
        return;
    }
    if sprint.state != SprintState::Active {
        super::say::flash_error(
            s,
            format!(
                "{} is {}: only the active sprint is completed.",
                sprint.name, sprint.state
            ),
        );
        return;
    }
    s.overlay = Some(Overlay::Prompt {
        question: format!(
            "Complete {}? Unfinished items go to: backlog (its top) or next (the next sprint)",
            sprint.name
        ),
        input: LineInput::with("backlog"),
        then: Pending::Complete(sprint.name),
    });
}

fn new_sprint(s: &mut AppState) {
    if !super::say::writable(s) {
        return;
    }
    let projects: Vec<String> = s.delivery_projects.clone();
    if projects.is_empty() {
        super::say::flash_error(
            s,
            "No delivery project: add one with `firebreak project add NAME` first.",
        );
        return;
    }
    let project = shown(s).map(|x| x.project);
    let name = format!("Sprint {}", s.sprints.len() + 1);
    s.overlay = Some(Overlay::Form(Box::new(Form::sprint(
        &name,
        &projects,
        project.as_deref(),
        s.now.date_naive(),
    ))));
}

/// `S` on the Backlog: the selected ready item into its project's open sprint.
pub(super) fn plan_selected(s: &mut AppState) -> Vec<Effect> {
    let Some(item) = s.selected().cloned() else {
        return vec![];
    };
    if !super::say::writable(s) {
        return vec![];
    }
    match open_sprint(&s.sprints, item.project()) {
        Some(sprint) => vec![Effect::Plan {
            sprint: sprint.name.clone(),
            id: item.id,
            seen: s.seen("sprint", &sprint.name),
        }],
        None => {
            super::say::flash_error(
                s,
                format!(
                    "{} has no open sprint: add one on the Sprint tab ({}) or with `firebreak sprint add`.",
                    item.project(),
                    s.key(
                        super::keymap::Context::Sprint,
                        super::keymap::Command::NewSprint
                    )
                ),
            );
            vec![]
        }
    }
}

/// Reads the answer to "complete": backlog or next.
pub(super) fn carry(text: &str) -> Result<crate::domain::sprint::Carry, String> {
    match text.trim() {
        "backlog" => Ok(crate::domain::sprint::Carry::Backlog),
        "next" => Ok(crate::domain::sprint::Carry::Next),
        other => Err(format!("'{other}' is neither backlog nor next")),
    }
}
