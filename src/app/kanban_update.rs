//! What keys do on the Kanban tab: select cards, pull, move them along, set limits.

use super::input::LineInput;
use super::kanban::Board;
use super::keymap::Command;
use super::row::Row;
use super::{AppState, Effect, Overlay, Pending};
use crate::domain::kanban::{self, Column, ColumnLimit, WipMode};

/// Sorts the board again from the items: after every load and every write.
pub(super) fn refresh(s: &mut AppState) {
    s.board = Board::of::<Row, _>(&s.items, &s.columns);
    queue_reviews(s);
}

/// Follows a row that only moved in the order, without walking every row again.
pub(super) fn moved(s: &mut AppState, from: usize, to: usize) {
    if kanban::in_lane(&*s.items[to]) {
        // Which of the lane's items shows first follows the rank: sort it all again.
        return refresh(s);
    }
    s.board.moved::<Row, _>(&s.items, from, to);
    for (_, k) in &mut s.kanban.queue {
        if let Some(k) = k {
            *k = crate::domain::backlog::follow(*k, from, to);
        }
    }
    clamp(s);
}

/// The operations reviews waiting, each with its row.
fn queue_reviews(s: &mut AppState) {
    let waiting: Vec<&crate::domain::ops::OpsReview> = crate::domain::ops::queue(&s.ops);
    let mut queue: Vec<(crate::domain::ops::OpsReview, Option<usize>)> =
        waiting.into_iter().map(|r| (r.clone(), None)).collect();
    if !queue.is_empty() {
        for (i, item) in s.items.iter().enumerate() {
            if let Some(entry) = queue.iter_mut().find(|(r, _)| r.item == item.id) {
                entry.1 = Some(i);
            }
        }
    }
    s.kanban.queue = queue;
    clamp(s);
}

fn clamp(s: &mut AppState) {
    let columns = s.board.columns.len().max(1);
    s.kanban.column = s.kanban.column.min(columns - 1);
    let cards = s
        .board
        .columns
        .get(s.kanban.column)
        .map_or(0, |c| c.cards.len());
    s.kanban.row = s.kanban.row.min(cards.saturating_sub(1));
}

/// What the footer says when In progress has room and something waits in Ready.
pub fn room_to_pull(s: &AppState) -> Option<String> {
    let ready = s.board.columns.get(Column::Ready.index())?;
    let doing = s.board.columns.get(Column::InProgress.index())?;
    let waiting = ready.cards.iter().any(|&i| s.items[i].blocked().is_none());
    (waiting && !doing.full()).then(|| {
        format!(
            "room to pull: {}",
            s.key(super::keymap::Context::Kanban, Command::Pull)
        )
    })
}

/// Puts the selection on an item's card, wherever it now is.
pub(super) fn select(s: &mut AppState, id: crate::domain::ItemId) {
    for (c, column) in s.board.columns.iter().enumerate() {
        if let Some(row) = column.cards.iter().position(|&i| s.items[i].id == id) {
            s.kanban.column = c;
            s.kanban.row = row;
        }
    }
}

/// The card under the selection.
pub fn selected(s: &AppState) -> Option<&Row> {
    let column = s.board.columns.get(s.kanban.column)?;
    column.cards.get(s.kanban.row).map(|&i| &*s.items[i])
}

fn reviews_key(s: &mut AppState, cmd: Option<Command>) -> Vec<Effect> {
    let n = s.kanban.queue.len();
    match cmd {
        Some(Command::Down) => s.kanban.review_row += 1,
        Some(Command::Up) => s.kanban.review_row = s.kanban.review_row.saturating_sub(1),
        Some(Command::OpsQueue | Command::Back) => s.kanban.reviews = false,
        Some(Command::ReviewOps) => {
            let chosen = s
                .kanban
                .queue
                .get(s.kanban.review_row)
                .map(|(r, _)| (r.item, r.criteria.clone()));
            if let Some((id, criteria)) = chosen
                && super::say::writable(s)
            {
                if let Err(e) =
                    s.me.may(&crate::domain::policy::RECORD_AN_OPERATIONS_REVIEW)
                {
                    super::say::flash_error(s, e.to_string());
                } else {
                    s.overlay = Some(Overlay::Prompt {
                        question: format!(
                            "{id}: its operational acceptance criteria (write them, or Enter to record them as they are)"
                        ),
                        input: LineInput::with(&criteria),
                        then: Pending::ReviewOps(id),
                    });
                }
            }
        }
        // Not this tab's: the keys that mean the same everywhere are answered before.
        Some(_) => {}
        None => {}
    }
    s.kanban.review_row = s.kanban.review_row.min(n.saturating_sub(1));
    vec![]
}

pub(super) fn key(s: &mut AppState, cmd: Option<Command>) -> Vec<Effect> {
    if s.kanban.reviews {
        return reviews_key(s, cmd);
    }
    match cmd {
        Some(Command::OpsQueue) => s.kanban.reviews = true,
        Some(Command::Left) => s.kanban.column = s.kanban.column.saturating_sub(1),
        Some(Command::Right) => s.kanban.column += 1,
        Some(Command::Down) => s.kanban.row += 1,
        Some(Command::Up) => s.kanban.row = s.kanban.row.saturating_sub(1),
        Some(Command::First) => s.kanban.row = 0,
        Some(Command::Last) => s.kanban.row = usize::MAX,
        Some(Command::Pull) => return pull(s),
        Some(Command::CardLeft) => return step(s, false),
        Some(Command::CardRight) => return step(s, true),
        Some(Command::Wip) => wip(s),
        Some(Command::Ageing) => ageing(s),
        // Not this tab's: the keys that mean the same everywhere are answered before.
        Some(_) => {}
        None => {}
    }
    clamp(s);
    vec![]
}

/// Asks the store to move a card into `to`; a full reasoned column asks why first.
fn enter(s: &mut AppState, item: Option<&Row>, to: Column, effect: Effect) -> Vec<Effect> {
    if !super::say::writable(s) {
        return vec![];
    }
    let column = &s.board.columns[to.index()];
    let counts = item.is_none_or(|i| i.class != crate::domain::Class::Expedite);
    if counts && column.full() && matches!(to, Column::InProgress | Column::Review) {
        let count = column.count;
        match kanban::admit(&column.limit, count, None) {
            Err(e) if column.limit.mode == WipMode::Strict => {
                super::say::flash_error(s, e.to_string());
                return vec![];
            }
            Err(e) => {
                s.overlay = Some(Overlay::Prompt {
                    question: format!("{e} Why take it anyway? (Esc: don't)"),
                    input: LineInput::default(),
                    then: Pending::Override(Box::new(effect)),
                });
                return vec![];
            }
            Ok(_) => {}
        }
    }
    vec![effect]
}

fn pull(s: &mut AppState) -> Vec<Effect> {
    if let Err(e) =
        s.me.may(&crate::domain::policy::PULL_WORK_ON_THE_KANBAN_BOARD)
    {
        super::say::flash_error(s, e.to_string());
        return vec![];
    }
    let chosen = selected(s)
        .filter(|i| Column::of(i.state) == Some(Column::Ready))
        .cloned();
    let effect = Effect::Pull {
        id: chosen.as_ref().map(|i| i.id),
        over: None,
    };
    let next = chosen.or_else(|| {
        let ready = &s.board.columns[Column::Ready.index()];
        ready
            .cards
            .iter()
            .map(|&i| &*s.items[i])
            .find(|i| i.blocked().is_none())
            .cloned()
    });
    enter(s, next.as_ref(), Column::InProgress, effect)
}

fn step(s: &mut AppState, forward: bool) -> Vec<Effect> {
    let Some(item) = selected(s).cloned() else {
        return vec![];
    };
    let to = match (Column::of(item.state), forward) {
        (Some(Column::Ready), true) => Column::InProgress,
        (Some(Column::InProgress), true) => Column::Review,
        (Some(Column::Review), true) => Column::Done,
        (Some(Column::Review), false) => Column::InProgress,
        (Some(from), _) => {
            let why = if forward {
                "done items wait for their release"
            } else {
                "work moves back only from review"
            };
            super::say::flash_error(s, format!("{} stays in {}: {why}.", item.id, from.title()));
            return vec![];
        }
        (None, _) => return vec![],
    };
    let effect = Effect::KanbanMove {
        id: item.id,
        to,
        over: None,
        version: item.version,
    };
    enter(s, Some(&item), to, effect)
}

fn ageing(s: &mut AppState) {
    if !super::say::writable(s) {
        return;
    }
    s.overlay = Some(Overlay::Prompt {
        question: format!(
            "Mark cards older than how many days in their column? (now {})",
            s.ageing_days
        ),
        input: LineInput::with(&s.ageing_days.to_string()),
        then: Pending::Ageing,
    });
}

fn wip(s: &mut AppState) {
    if !super::say::writable(s) {
        return;
    }
    let column = s.board.columns[s.kanban.column].limit;
    let now = column.limit.map_or("none".to_string(), |l| l.to_string());
    s.overlay = Some(Overlay::Prompt {
        question: format!(
            "WIP limit for {} (now {now}, {}): a number or none, then strict, reasoned or off if it changes",
            column.column.title(),
            column.mode
        ),
        input: LineInput::with(&format!("{now} {}", column.mode)),
        then: Pending::Wip(column.column),
    });
}

/// Reads `3`, `none`, `2 strict` into a limit for `column`.
pub(super) fn parse_wip(
    column: Column,
    current: WipMode,
    text: &str,
) -> Result<ColumnLimit, String> {
    let mut words = text.split_whitespace();
    let limit = match words.next() {
        Some("none") => None,
        Some(n) => Some(
            n.parse::<u32>()
                .map_err(|_| format!("'{n}' is not a limit: type a whole number, or none"))?,
        ),
        None => return Err("type a limit: a whole number, or none".into()),
    };
    let mode = match words.next() {
        Some(m) => m.parse::<WipMode>().map_err(|e| e.to_string())?,
        None => current,
    };
    Ok(ColumnLimit {
        column,
        limit,
        mode,
    })
}
