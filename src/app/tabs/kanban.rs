//! The Kanban tab: the maintenance team's cards in their columns and the expedite lane (the
//! board itself is `domain::kanban::Board`, which the command line sorts the same way), the
//! operations review queue, the flow; pulling, moving cards along, and setting the limits.

use crate::app::keymap::{Command, Context};
use crate::app::row::Row;
use crate::app::say::{flash_error, writable};
use crate::app::{AppState, Effect, Hit, Overlay, Pending};
use crate::domain::kanban::{self, Board, Column, ColumnLimit, WipMode};
use crate::domain::measures::Flow;

/// Where the selection is on the board, and what the tab shows.
#[derive(Debug, Clone, Default, PartialEq)]
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
    /// The board sorted from the items, once per change.
    pub board: Board,
    /// The maintenance team's flow, once the tab has asked for it.
    pub flow: Option<Flow>,
}

/// The Kanban tab's questions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ask {
    /// A card into a full column: the reason becomes the effect's override.
    Override(Box<Effect>),
    /// A column's new limit and mode, typed as `3`, `none` or `2 strict`.
    Wip(Column),
    /// After how many days cards count as ageing.
    Ageing,
    /// A story's operational acceptance criteria, as its reviewer records them.
    ReviewOps(crate::domain::ItemId),
}

impl Ask {
    pub fn title(&self) -> &'static str {
        match self {
            Ask::Wip(_) => " WIP limit ",
            Ask::Override(_) => " Over the limit: why? ",
            Ask::Ageing => " Ageing cards ",
            Ask::ReviewOps(_) => " Operations review ",
        }
    }
}

fn asking(s: &mut AppState, question: String, start: &str, ask: Ask) {
    s.overlay = Some(Overlay::prompt(question, start, Pending::Kanban(ask)));
}

/// Sorts the board again from the items: after every load and every write.
pub(crate) fn refresh(s: &mut AppState) {
    s.kanban.board = Board::of::<Row, _>(&s.items, &s.columns);
    queue_reviews(s);
}

/// Follows a row that only moved in the order, without walking every row again.
pub(crate) fn moved(s: &mut AppState, from: usize, to: usize) {
    if kanban::in_lane(&*s.items[to]) {
        // Which of the lane's items shows first follows the rank: sort it all again.
        return refresh(s);
    }
    s.kanban.board.moved::<Row, _>(&s.items, from, to);
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
    let columns = s.kanban.board.columns.len().max(1);
    s.kanban.column = s.kanban.column.min(columns - 1);
    let cards = s
        .kanban
        .board
        .columns
        .get(s.kanban.column)
        .map_or(0, |c| c.cards.len());
    s.kanban.row = s.kanban.row.min(cards.saturating_sub(1));
}

/// What the footer says when In progress has room and something waits in Queued.
pub fn room_to_pull(s: &AppState) -> Option<String> {
    let ready = s.kanban.board.columns.get(Column::Ready.index())?;
    let doing = s.kanban.board.columns.get(Column::InProgress.index())?;
    let waiting = ready.cards.iter().any(|&i| s.items[i].blocked().is_none());
    (waiting && !doing.full())
        .then(|| format!("room to pull: {}", s.key(Context::Kanban, Command::Pull)))
}

/// A column that was full has room after a move: the message says what fills it, with the key
/// in force (a pull fills In progress; a card moved on from In progress fills Review).
pub(crate) fn freed(s: &mut AppState, column: Column) {
    let how = match column {
        Column::InProgress => format!(
            "pull the next card ({})",
            s.key(Context::Kanban, Command::Pull)
        ),
        Column::Review => format!(
            "move a card on from In progress ({})",
            s.key(Context::Kanban, Command::CardRight)
        ),
        _ => return,
    };
    let extra = format!("{} has room: {how}.", column.title());
    // Said with the move it follows, as one message.
    match (&mut s.flash, s.said.last_mut()) {
        (Some(f), Some(last)) if *last == *f => {
            f.text = format!("{} {extra}", f.text);
            last.text = f.text.clone();
        }
        _ => crate::app::say::flash(s, extra),
    }
}

/// Puts the selection on an item's card, wherever it now is.
pub(crate) fn select(s: &mut AppState, id: crate::domain::ItemId) {
    for (c, column) in s.kanban.board.columns.iter().enumerate() {
        if let Some(row) = column.cards.iter().position(|&i| s.items[i].id == id) {
            s.kanban.column = c;
            s.kanban.row = row;
        }
    }
}

/// The card under the selection.
pub fn selected(s: &AppState) -> Option<&Row> {
    let column = s.kanban.board.columns.get(s.kanban.column)?;
    column.cards.get(s.kanban.row).map(|&i| &*s.items[i])
}

fn reviews_key(s: &mut AppState, cmd: Command) -> Option<Vec<Effect>> {
    let n = s.kanban.queue.len();
    match cmd {
        Command::Down => s.kanban.review_row += 1,
        Command::Up => s.kanban.review_row = s.kanban.review_row.saturating_sub(1),
        Command::OpsQueue | Command::Back => s.kanban.reviews = false,
        Command::ReviewOps => {
            let chosen = s
                .kanban
                .queue
                .get(s.kanban.review_row)
                .map(|(r, _)| (r.item, r.criteria.clone()));
            if let Some((id, criteria)) = chosen
                && writable(s)
            {
                if let Err(e) =
                    s.me.may(&crate::domain::policy::RECORD_AN_OPERATIONS_REVIEW)
                {
                    flash_error(s, e.to_string());
                } else {
                    let enter = s.key(Context::Prompt, Command::Submit);
                    asking(
                        s,
                        format!(
                            "{id}: its operational acceptance criteria (write them, or {enter} to record them as they are)"
                        ),
                        &criteria,
                        Ask::ReviewOps(id),
                    );
                }
            }
        }
        _ => return None,
    }
    s.kanban.review_row = s.kanban.review_row.min(n.saturating_sub(1));
    Some(vec![])
}

/// The tab's answer to a key, or `None` when the key is not the tab's.
pub(crate) fn key(s: &mut AppState, cmd: Command) -> Option<Vec<Effect>> {
    if s.kanban.reviews {
        return reviews_key(s, cmd);
    }
    let before = selected(s).map(|i| i.id);
    match cmd {
        Command::DetailDown | Command::DetailUp => {
            let by = if cmd == Command::DetailDown { 1 } else { -1 };
            if !crate::app::detail::scroll(s, by) {
                crate::app::say::flash_error(s, "No detail is open to scroll: Enter opens it.");
            }
        }
        Command::Open => {
            let id = before;
            return Some(crate::app::detail::toggle(s, id));
        }
        Command::Back => {
            crate::app::detail::close(s);
        }
        Command::OpsQueue => s.kanban.reviews = true,
        Command::Left => s.kanban.column = s.kanban.column.saturating_sub(1),
        Command::Right => s.kanban.column += 1,
        Command::Down => s.kanban.row += 1,
        Command::Up => s.kanban.row = s.kanban.row.saturating_sub(1),
        Command::First => s.kanban.row = 0,
        Command::Last => s.kanban.row = usize::MAX,
        Command::Pull => return Some(pull(s)),
        Command::CardLeft => return Some(step(s, false)),
        Command::CardRight => return Some(step(s, true)),
        Command::Wip => wip(s),
        Command::Ageing => ageing(s),
        _ => return None,
    }
    clamp(s);
    // The open detail follows the selection.
    let after = selected(s).map(|i| i.id);
    Some(if after != before {
        crate::app::detail::follow(s, after)
    } else {
        vec![]
    })
}

/// Asks the store to move a card into `to`; a full reasoned column asks why first.
fn enter(s: &mut AppState, item: Option<&Row>, to: Column, effect: Effect) -> Vec<Effect> {
    if !writable(s) {
        return vec![];
    }
    // What the card's own rules refuse (blocked, the wrong team) is said before any reason
    // for the limit is asked.
    if let Some(row) = item {
        let whole = row.item();
        match kanban::transition(&whole, to, Some("-".into())) {
            Ok(cmd) if !crate::app::say::would(s, &whole, &cmd) => return vec![],
            Ok(_) => {}
            Err(e) => {
                flash_error(s, e.to_string());
                return vec![];
            }
        }
    }
    let column = &s.kanban.board.columns[to.index()];
    let counts = item.is_none_or(|i| i.class != crate::domain::Class::Expedite);
    if counts && column.full() && matches!(to, Column::InProgress | Column::Review) {
        let count = column.count;
        match kanban::admit(&column.limit, count, None) {
            Err(e) if column.limit.mode == WipMode::Strict => {
                flash_error(s, e.to_string());
                return vec![];
            }
            Err(e) => {
                let esc = s.key(Context::Prompt, Command::Back);
                asking(
                    s,
                    format!("{e} Why take it anyway? ({esc}: don't)"),
                    "",
                    Ask::Override(Box::new(effect)),
                );
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
        flash_error(s, e.to_string());
        return vec![];
    }
    let chosen = selected(s)
        .filter(|i| Column::of(i.state) == Some(Column::Ready))
        .cloned();
    let effect = Effect::Pull {
        id: chosen.as_ref().map(|i| i.id),
        over: None,
    };
    let lane_busy = s.kanban.board.lane.is_some();
    let next = chosen.or_else(|| {
        let ready = &s.kanban.board.columns[Column::Ready.index()];
        ready
            .cards
            .iter()
            .map(|&i| &*s.items[i])
            .find(|i| {
                i.blocked().is_none() && !(lane_busy && i.class == crate::domain::Class::Expedite)
            })
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
            flash_error(s, format!("{} stays in {}: {why}.", item.id, from.title()));
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
    if !crate::app::say::may(
        s,
        &crate::domain::policy::SET_WHEN_KANBAN_CARDS_COUNT_AS_AGEING,
    ) {
        return;
    }
    let now = s.ageing_days.to_string();
    asking(
        s,
        format!("Mark cards older than how many days in their column? (now {now})"),
        &now,
        Ask::Ageing,
    );
}

fn wip(s: &mut AppState) {
    if !crate::app::say::may(s, &crate::domain::policy::SET_THE_KANBAN_BOARDS_WIP_LIMITS) {
        return;
    }
    let column = s.kanban.board.columns[s.kanban.column].limit;
    let now = column.limit.map_or("none".to_string(), |l| l.to_string());
    asking(
        s,
        format!(
            "WIP limit for {} (now {now}, {}): a number or none, then strict, reasoned or off if it changes",
            column.column.title(),
            column.mode
        ),
        &format!("{now} {}", column.mode),
        Ask::Wip(column.column),
    );
}

/// Reads `3`, `none`, `2 strict` into a limit for `column`.
pub(crate) fn parse_wip(
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

/// What an answer to one of the tab's questions submits, or what would be right instead.
pub(crate) fn submit(s: &mut AppState, ask: Ask, text: String) -> Result<Vec<Effect>, String> {
    Ok(match ask {
        Ask::Override(effect) => {
            let over = Some(text);
            vec![match *effect {
                Effect::Pull { id, .. } => Effect::Pull { id, over },
                Effect::KanbanMove {
                    id, to, version, ..
                } => Effect::KanbanMove {
                    id,
                    to,
                    over,
                    version,
                },
                other => other,
            }]
        }
        Ask::ReviewOps(id) => vec![Effect::ReviewOps { id, criteria: text }],
        Ask::Ageing => match text.trim().parse::<u32>() {
            Ok(days) => vec![Effect::SetAgeing(days)],
            Err(_) => {
                return Err(format!(
                    "'{text}' is not a number of days: type a whole number"
                ));
            }
        },
        Ask::Wip(column) => {
            let current = s
                .columns
                .iter()
                .find(|l| l.column == column)
                .map_or(WipMode::Reasoned, |l| l.mode);
            vec![Effect::SetWip(parse_wip(column, current, &text)?)]
        }
    })
}

/// What `y` copies: the selected card's (or queued story's) id.
pub(crate) fn copy(s: &AppState) -> Option<String> {
    if s.kanban.reviews {
        return s
            .kanban
            .queue
            .get(s.kanban.review_row)
            .map(|(r, _)| r.item.to_string());
    }
    crate::app::detail::newest_link(s).or_else(|| selected(s).map(|i| i.id.to_string()))
}

/// A click on a card (or a story of the review queue) selects it.
pub(crate) fn click(s: &mut AppState, h: Hit) {
    if s.kanban.reviews {
        s.kanban.review_row = h.row;
    } else {
        s.kanban.column = h.column;
        s.kanban.row = h.row;
    }
}

/// What the tab loads when it comes on screen (`fresh`: after a reload, when what it has is
/// out of date).
pub(crate) fn wanted(s: &AppState, fresh: bool) -> Vec<Effect> {
    if fresh || s.kanban.flow.is_none() {
        vec![Effect::LoadFlow]
    } else {
        vec![]
    }
}
