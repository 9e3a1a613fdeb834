//! The Sprint tab's view: which sprint is shown, its items sorted into To do, In progress,
//! Review and Done from the board's items, and the selection on it.

use super::row::Row;
use crate::domain::State;
use crate::domain::sprint::{Sprint, SprintState};

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

/// Which sprint is shown and where the selection is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SprintView {
    pub shown: Option<String>,
    pub column: usize,
    pub row: usize,
}

/// The sprint to show first: an active one, else the next to come, else the latest closed.
pub fn default_sprint(sprints: &[Sprint]) -> Option<String> {
    let by = |state| sprints.iter().filter(move |s: &&Sprint| s.state == state);
    by(SprintState::Active)
        .next()
        .or_else(|| by(SprintState::Future).min_by_key(|s| s.start))
        .or_else(|| by(SprintState::Closed).max_by_key(|s| s.end))
        .map(|s| s.name.clone())
}

/// The sprint an item of `project` is planned into: its active sprint, else its next one.
pub fn open_sprint<'a>(sprints: &'a [Sprint], project: &str) -> Option<&'a Sprint> {
    let of = |state| {
        sprints
            .iter()
            .filter(move |s: &&Sprint| s.project == project && s.state == state)
    };
    of(SprintState::Active)
        .next()
        .or_else(|| of(SprintState::Future).min_by_key(|s| s.start))
}

/// The delivery projects, for the sprint form.
pub fn delivery_projects(projects: &[crate::domain::Project]) -> Vec<String> {
    projects
        .iter()
        .filter(|p| p.kind == crate::domain::ProjectKind::Delivery)
        .map(|p| p.name.clone())
        .collect()
}
