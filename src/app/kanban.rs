//! The Kanban tab's view: the selection on the board (the board itself, the maintenance
//! team's cards sorted into columns and the expedite lane, is `domain::kanban::Board`, which
//! the command line sorts the same way).

pub use crate::domain::kanban::{Board, ColumnView};

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
