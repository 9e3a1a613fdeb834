//! The Sprint tab: which sprint is shown, its items sorted into To do, In progress, Review and
//! Done from the board's items, its burndown; moving and reordering cards, switching sprints,
//! starting, completing and adding one.

use crate::app::form::Form;
use crate::app::keymap::Command;
use crate::app::row::Row;
use crate::app::say::{flash_error, writable};
use crate::app::{AppState, Effect, Hit, Overlay, Pending};
use crate::domain::backlog::{self, RankMove};
use crate::domain::burndown::Burndown;
use crate::domain::sprint::{SprintState, default_sprint};
use crate::domain::{ItemCommand, State};

/// The four columns of a sprint board, left to right.
pub const COLUMNS: [&str; 4] = ["To do", "In progress", "Review", "Done"];

fn column_of(state: State) -> Option<usize> {
    match state {
        State::Planned => Some(0),
        State::InProgress => Some(1),
        State::Review => Some(2),
        State::Done | State::Released => Some(3),
        _ => None,
    }
}

/// The shown sprint's cards, as indices into the items, per column in rank order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SprintBoard {
    pub columns: [Vec<usize>; 4],
}

impl SprintBoard {
    pub fn of<T: std::ops::Deref<Target = Row>>(items: &[T], sprint: Option<&str>) -> SprintBoard {
        let mut board = SprintBoard::default();
        let Some(name) = sprint else {
            return board;
        };
        for (i, item) in items.iter().enumerate() {
            if item.sprint() == Some(name)
                && let Some(c) = column_of(item.state)
            {
                board.columns[c].push(i);
            }
        }
        board
    }
}

impl SprintBoard {
    /// Follows a row that moved from `from` to `to` in the order and changed nothing else:
    /// each column keeps rank order.
    pub fn moved(&mut self, from: usize, to: usize) {
        for c in &mut self.columns {
            for k in c.iter_mut() {
                *k = crate::domain::backlog::follow(*k, from, to);
            }
            c.sort_unstable();
        }
    }
}

/// Which sprint is shown, its board and burndown, and where the selection is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SprintView {
    pub shown: Option<String>,
    pub column: usize,
    pub row: usize,
    /// The shown sprint's cards, sorted from the items once per change.
    pub board: SprintBoard,
    /// The shown sprint's burndown, once loaded.
    pub burndown: Option<(String, Burndown)>,
}

/// Sorts the shown sprint's cards again: after every load and every write.
pub(crate) fn refresh(s: &mut AppState) {
    let known = |name: &String| s.sprints.iter().any(|x| &x.name == name);
    if !s.sprint.shown.as_ref().is_some_and(known) {
        s.sprint.shown = default_sprint(&s.sprints);
    }
    s.sprint.board = SprintBoard::of(&s.items, s.sprint.shown.as_deref());
    clamp(s);
}

/// Follows a row that only moved in the order, without walking every row again.
pub(crate) fn moved(s: &mut AppState, from: usize, to: usize) {
    s.sprint.board.moved(from, to);
    clamp(s);
}

fn clamp(s: &mut AppState) {
    s.sprint.column = s.sprint.column.min(3);
    let cards = s.sprint.board.columns[s.sprint.column].len();
    s.sprint.row = s.sprint.row.min(cards.saturating_sub(1));
}

pub fn selected(s: &AppState) -> Option<&Row> {
    let column = &s.sprint.board.columns[s.sprint.column];
    column.get(s.sprint.row).map(|&i| &*s.items[i])
}

/// The burndown to load for the shown sprint, if it changed.
pub(crate) fn burndown_effect(s: &AppState) -> Vec<Effect> {
    match &s.sprint.shown {
        Some(name) => vec![Effect::LoadBurndown(name.clone())],
        None => vec![],
    }
}

/// The tab's answer to a key, or `None` when the key is not the tab's.
pub(crate) fn key(s: &mut AppState, cmd: Command) -> Option<Vec<Effect>> {
    match cmd {
        Command::Left => s.sprint.column = s.sprint.column.saturating_sub(1),
        Command::Right => s.sprint.column += 1,
        Command::Down => s.sprint.row += 1,
        Command::Up => s.sprint.row = s.sprint.row.saturating_sub(1),
        Command::CardLeft => return Some(step(s, false)),
        Command::CardRight => return Some(step(s, true)),
        Command::RankDown => return Some(reorder(s, true)),
        Command::RankUp => return Some(reorder(s, false)),
        Command::NextSprint => return Some(switch(s, true)),
        Command::PrevSprint => return Some(switch(s, false)),
        Command::StartSprint => return Some(start(s)),
        Command::CompleteSprint => complete(s),
        Command::NewSprint => new_sprint(s),
        _ => return None,
    }
    clamp(s);
    Some(vec![])
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
            flash_error(s, format!("{} stays {state}: {why}.", item.id));
            return vec![];
        }
    };
    if !writable(s) {
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
    if !writable(s) {
        return vec![];
    }
    if let Err(e) = backlog::authorize(&s.me) {
        flash_error(s, e.to_string());
        return vec![];
    }
    let column = &s.sprint.board.columns[s.sprint.column];
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
    if !writable(s) {
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
    if !crate::app::say::may(s, &crate::domain::policy::RUN_A_SPRINT) {
        return;
    }
    if sprint.state != SprintState::Active {
        flash_error(
            s,
            format!(
                "{} is {}: only the active sprint is completed.",
                sprint.name, sprint.state
            ),
        );
        return;
    }
    s.overlay = Some(Overlay::prompt(
        format!(
            "Complete {}? Unfinished items go to: backlog (its top) or next (the next sprint)",
            sprint.name
        ),
        "backlog",
        Pending::Sprint(Ask::Complete(sprint.name)),
    ));
}

fn new_sprint(s: &mut AppState) {
    if !writable(s) {
        return;
    }
    let projects: Vec<String> = s.delivery_projects.clone();
    if projects.is_empty() {
        flash_error(
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

/// Reads the answer to "complete": backlog or next.
pub(crate) fn carry(text: &str) -> Result<crate::domain::sprint::Carry, String> {
    match text.trim() {
        "backlog" => Ok(crate::domain::sprint::Carry::Backlog),
        "next" => Ok(crate::domain::sprint::Carry::Next),
        other => Err(format!("'{other}' is neither backlog nor next")),
    }
}

/// The Sprint tab's questions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ask {
    /// Completing a sprint: where its unfinished items go.
    Complete(String),
}

impl Ask {
    pub fn title(&self) -> &'static str {
        match self {
            Ask::Complete(_) => " Complete the sprint ",
        }
    }
}

/// What an answer to one of the tab's questions submits, or what would be right instead.
pub(crate) fn submit(s: &mut AppState, ask: Ask, text: String) -> Result<Vec<Effect>, String> {
    match ask {
        Ask::Complete(name) => {
            let seen = s.seen("sprint", &name);
            let carry = carry(&text)?;
            Ok(vec![Effect::CompleteSprint { name, carry, seen }])
        }
    }
}

/// What `y` copies: the selected card's id.
pub(crate) fn copy(s: &AppState) -> Option<String> {
    selected(s).map(|i| i.id.to_string())
}

/// A click on a card selects it.
pub(crate) fn click(s: &mut AppState, h: Hit) {
    s.sprint.column = h.column;
    s.sprint.row = h.row;
}

/// What the tab loads when it comes on screen: the shown sprint's burndown.
pub(crate) fn wanted(s: &AppState) -> Vec<Effect> {
    burndown_effect(s)
}
