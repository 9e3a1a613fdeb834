//! The Kanban tab's view: the maintenance team's cards sorted into columns and the expedite
//! lane, derived from the board's items once per change, and the selection on it.

use crate::domain::Team;
use crate::domain::kanban::Card;
use crate::domain::kanban::{self, Column, ColumnLimit, WipMode};
use std::borrow::Borrow;

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
            if kanban::in_lane(item) {
                lane = lane.or(Some(i));
                continue;
            }
            let c = &mut columns[column.index()];
            c.cards.push(i);
            if item.class() != crate::domain::Class::Expedite {
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
            .sort_by(|a, b| kanban::pull_order::<C>(items[*a].borrow(), items[*b].borrow()));
    }

    /// Follows a row that moved from `from` to `to` in the order and changed nothing else:
    /// each card keeps its column, and each column its order (rank, or Ready's pull order).
    pub fn moved<C: Card, T: Borrow<C>>(&mut self, items: &[T], from: usize, to: usize) {
        let follow = |k: &mut usize| *k = super::row::follow(*k, from, to);
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

/// Where the selection is on the board.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KanbanView {
    pub column: usize,
    pub row: usize,
    /// The operations review queue is shown instead of the columns.
    pub reviews: bool,
    /// The selected story in the review queue.
    pub review_row: usize,
    /// The stories waiting for an operations review, oldest flag first: each review with the
    /// index of its item, sorted once per change like the board.
    pub queue: Vec<(crate::domain::ops::OpsReview, Option<usize>)>,
}
