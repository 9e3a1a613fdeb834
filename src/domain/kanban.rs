//! The maintenance team's Kanban board (domain.md 3.4): its columns, their WIP limits and
//! modes, the expedite lane, the pull order, and which move a card makes between columns.

use super::error::DomainError;
use super::event::Event;
use super::item::{Item, ItemCommand};
use super::policy::Actor;
use super::vocab::{Class, State, Team, vocabulary};
use chrono::{DateTime, Utc};
use std::borrow::Borrow;
use std::cmp::Ordering;

vocabulary!(
    /// A column of the board, left to right.
    Column ("column") { Ready = "ready", InProgress = "in-progress", Review = "review", Done = "done" }
);

vocabulary!(
    /// What a column does at its limit.
    WipMode ("mode") { Strict = "strict", Reasoned = "reasoned", Off = "off" }
);

impl Column {
    /// The column an item in `state` stands in, if it is on the board at all.
    pub fn of(state: State) -> Option<Column> {
        match state {
            State::Queued => Some(Column::Ready),
            State::InProgress => Some(Column::InProgress),
            State::Review => Some(Column::Review),
            State::Done => Some(Column::Done),
            _ => None,
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Column::Ready => "Queued",
            Column::InProgress => "In progress",
            Column::Review => "Review",
            Column::Done => "Done",
        }
    }

    pub fn index(self) -> usize {
        Column::ALL.iter().position(|c| *c == self).unwrap_or(0)
    }
}

/// The latest override of a column's limit: shown on the column while it is over.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Override {
    pub column: Column,
    pub item: String,
    pub reason: String,
    pub by: String,
    pub at: DateTime<Utc>,
}

/// A column's limit and what happens at it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ColumnLimit {
    pub column: Column,
    pub limit: Option<u32>,
    pub mode: WipMode,
}

impl ColumnLimit {
    /// The defaults: limits on the columns where work happens, none where it waits.
    pub fn defaults() -> Vec<ColumnLimit> {
        let c = |column, limit| ColumnLimit {
            column,
            limit,
            mode: WipMode::Reasoned,
        };
        vec![
            c(Column::Ready, None),
            c(Column::InProgress, Some(3)),
            c(Column::Review, Some(2)),
            c(Column::Done, None),
        ]
    }

    /// Whether `count` items are at or over the limit.
    pub fn is_full(&self, count: usize) -> bool {
        self.mode != WipMode::Off && self.limit.is_some_and(|l| count >= l as usize)
    }
}

/// What the lane and the pull order read of an item: the item itself, or the board's compact
/// row of it.
pub trait Card {
    fn team(&self) -> Option<super::Team>;
    fn class(&self) -> Class;
    fn state(&self) -> State;
    fn due(&self) -> Option<chrono::NaiveDate>;
    fn rank(&self) -> &str;
}

impl Card for Item {
    fn team(&self) -> Option<super::Team> {
        self.team
    }
    fn class(&self) -> Class {
        self.class
    }
    fn state(&self) -> State {
        self.state
    }
    fn due(&self) -> Option<chrono::NaiveDate> {
        self.due
    }
    fn rank(&self) -> &str {
        &self.rank
    }
}

/// Whether the expedite lane holds this item: an expedite item being worked.
pub fn in_lane(item: &impl Card) -> bool {
    item.class() == Class::Expedite && matches!(item.state(), State::InProgress | State::Review)
}

/// Whether one more item may enter a column holding `count` (lane items not counted). Returns
/// the override reason to record when the limit is passed with one.
pub fn admit(
    limit: &ColumnLimit,
    count: usize,
    over: Option<&str>,
) -> Result<Option<String>, DomainError> {
    if !limit.is_full(count) {
        return Ok(None);
    }
    let head = format!(
        "{} is at its limit ({count} of {})",
        limit.column.title(),
        limit.limit.unwrap_or(0)
    );
    match (limit.mode, over.map(str::trim).filter(|r| !r.is_empty())) {
        (WipMode::Strict, _) => Err(DomainError::not_allowed(
            "wip-limit",
            format!("{head}. Finish an item first: the limit is strict, so it takes no override."),
        )),
        (_, None) => Err(DomainError::not_allowed(
            "wip-limit",
            format!("{head}. Finish an item first, or pull with an override reason."),
        )),
        (_, Some(reason)) => Ok(Some(reason.to_string())),
    }
}

/// The lane holds one item at a time.
pub fn admit_to_lane(lane: Option<&Item>, item: &Item) -> Result<(), DomainError> {
    match lane {
        Some(other) if other.id != item.id => Err(DomainError::not_allowed(
            "expedite-lane",
            format!(
                "The expedite lane holds one item and {} is in it: finish it before {}",
                other.id, item.id
            ),
        )),
        _ => Ok(()),
    }
}

/// The pull order: expedite, then fixed-date by due date, then the rest by backlog rank.
pub fn pull_order<C: Card>(a: &C, b: &C) -> Ordering {
    let class = |i: &C| match i.class() {
        Class::Expedite => 0,
        Class::FixedDate => 1,
        Class::Standard => 2,
    };
    class(a)
        .cmp(&class(b))
        .then_with(|| match (a.class(), b.class()) {
            (Class::FixedDate, Class::FixedDate) => a.due().cmp(&b.due()),
            _ => Ordering::Equal,
        })
        .then_with(|| a.rank().cmp(b.rank()))
}

/// The next item to pull from the Ready column of `items` (the maintenance team's board):
/// blocked items are skipped, and so are expedite items while the lane holds one, so that a
/// second expedite item waits at the top of Ready without stopping every other pull.
pub fn next_to_pull(items: &[Item]) -> Option<&Item> {
    let lane_busy = items.iter().any(in_lane);
    items
        .iter()
        .filter(|i| i.state == State::Queued && i.blocked.is_none())
        .filter(|i| !(lane_busy && i.class == Class::Expedite))
        .min_by(|a, b| pull_order(*a, *b))
}

/// The transition a card makes from one column to another, or why it cannot.
pub fn transition(
    item: &Item,
    to: Column,
    over: Option<String>,
) -> Result<ItemCommand, DomainError> {
    let from = Column::of(item.state).ok_or_else(|| {
        DomainError::illegal(format!(
            "{} is {}, not on the Kanban board: queue it from the backlog first",
            item.id, item.state
        ))
    })?;
    Ok(match (from, to) {
        (Column::Ready, Column::InProgress) => ItemCommand::Pull { over },
        (Column::InProgress, Column::Review) => ItemCommand::Submit,
        (Column::Review, Column::InProgress) => ItemCommand::SendBack,
        (Column::Review, Column::Done) => ItemCommand::Approve,
        _ => {
            let can: &[&str] = match from {
                Column::Ready => &["in-progress"],
                Column::InProgress => &["review"],
                Column::Review => &["in-progress", "done"],
                Column::Done => &[],
            };
            let hint = if can.is_empty() {
                "done items wait for their release".to_string()
            } else {
                format!("from {from} it can go to {}", can.join(" or "))
            };
            return Err(DomainError::illegal(format!(
                "{} cannot move from {from} to {to}: {hint}",
                item.id
            )));
        }
    })
}

/// Cards older than this in their column are marked, until the team sets its own.
pub const DEFAULT_AGEING_DAYS: u32 = 5;

/// How old a card may get in its column before it is marked: the maintenance team's call.
pub fn set_ageing(actor: &Actor, days: u32, now: DateTime<Utc>) -> Result<Event, DomainError> {
    actor.may(&crate::domain::policy::SET_WHEN_KANBAN_CARDS_COUNT_AS_AGEING)?;
    if !(1..=365).contains(&days) {
        return Err(DomainError::invalid(format!(
            "{days} days: give a number of days from 1 to 365"
        )));
    }
    Ok(Event::new(now, &actor.name, "board", "kanban", "ageing")
        .details(serde_json::json!({ "days": days })))
}

/// Setting a column's limit is the maintenance team's call.
pub fn set_limit(
    actor: &Actor,
    limit: &ColumnLimit,
    now: DateTime<Utc>,
) -> Result<Event, DomainError> {
    actor.may(&crate::domain::policy::SET_THE_KANBAN_BOARDS_WIP_LIMITS)?;
    if limit.limit == Some(0) {
        return Err(DomainError::invalid(
            "a limit of 0 would stop all work: give at least 1, or `none`",
        ));
    }
    Ok(
        Event::new(now, &actor.name, "column", limit.column.as_str(), "wip")
            .details(serde_json::json!({ "limit": limit.limit, "mode": limit.mode })),
    )
}

/// One column: its limit, its cards (indices into the items) and how many count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnView {
    pub limit: ColumnLimit,
    pub cards: Vec<usize>,
    /// The cards that count against the limit (the expedite lane's do not).
    pub count: usize,
}

impl ColumnView {
    pub fn full(&self) -> bool {
        self.limit.is_full(self.count)
    }

    /// Over the limit: only an override gets a column there.
    pub fn over(&self) -> bool {
        self.limit.mode != WipMode::Off && self.limit.limit.is_some_and(|l| self.count > l as usize)
    }
}

/// The board: the lane above four columns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Board {
    pub lane: Option<usize>,
    pub columns: Vec<ColumnView>,
}

impl Board {
    /// Sorts the maintenance team's items into the lane and the columns. Ready is in pull
    /// order, so its first card is the next to pull; the rest keep backlog rank.
    pub fn of<C: Card, T: Borrow<C>>(items: &[T], limits: &[ColumnLimit]) -> Board {
        let mut columns: Vec<ColumnView> = Column::ALL
            .iter()
            .map(|c| ColumnView {
                limit: limits
                    .iter()
                    .find(|l| l.column == *c)
                    .copied()
                    .unwrap_or(ColumnLimit {
                        column: *c,
                        limit: None,
                        mode: WipMode::Off,
                    }),
                cards: Vec::new(),
                count: 0,
            })
            .collect();
        let mut lane = None;
        for (i, item) in items.iter().enumerate() {
            let item: &C = item.borrow();
            if item.team() != Some(Team::Ams) {
                continue;
            }
            let Some(column) = Column::of(item.state()) else {
                continue;
            };
            if in_lane(item) {
                lane = lane.or(Some(i));
                continue;
            }
            let c = &mut columns[column.index()];
            c.cards.push(i);
            if item.class() != Class::Expedite {
                c.count += 1;
            }
        }
        let mut board = Board { lane, columns };
        board.sort_ready(items);
        board
    }

    /// Ready in pull order, so that its first card is the next to pull.
    fn sort_ready<C: Card, T: Borrow<C>>(&mut self, items: &[T]) {
        self.columns[Column::Ready.index()]
            .cards
            .sort_by(|a, b| pull_order::<C>(items[*a].borrow(), items[*b].borrow()));
    }

    /// Follows a row that moved from `from` to `to` in the order and changed nothing else:
    /// each card keeps its column, and each column its order (rank, or Ready's pull order).
    pub fn moved<C: Card, T: Borrow<C>>(&mut self, items: &[T], from: usize, to: usize) {
        let follow = |k: &mut usize| *k = super::backlog::follow(*k, from, to);
        if let Some(k) = &mut self.lane {
            follow(k);
        }
        for c in &mut self.columns {
            c.cards.iter_mut().for_each(follow);
            c.cards.sort_unstable();
        }
        self.sort_ready(items);
    }
}

#[cfg(test)]
#[path = "kanban_tests.rs"]
mod tests;
