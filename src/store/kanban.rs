//! The Kanban board in the file: column limits, pulls and moves checked against them in the
//! same transaction as the write, and the overrides that passed a limit.

use super::items::{load, update};
use super::{Store, StoreError, append_event};
use crate::domain::kanban::{self, Column, ColumnLimit, Override, WipMode};
use crate::domain::measures::{self, Flow, Transition};
use crate::domain::{Actor, DomainError, Event, Item, ItemId, State, item};
use chrono::{DateTime, Datelike, Utc};
use rusqlite::{Connection, OptionalExtension, params};

/// What a pull or move did: the item as it now is, a column it left room in, an override.
#[derive(Debug, Clone, PartialEq)]
pub struct Moved {
    pub item: Item,
    /// A column that was full before the move and has room now.
    pub freed: Option<Column>,
    pub over: Option<String>,
}

fn limits(tx: &rusqlite::Connection) -> Result<Vec<ColumnLimit>, StoreError> {
    let mut stmt = tx.prepare_cached("SELECT name, wip_limit, mode FROM columns")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, Option<u32>>(1)?,
            r.get::<_, String>(2)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (name, limit, mode) = row?;
        if let (Ok(column), Ok(mode)) = (name.parse(), mode.parse()) {
            out.push(ColumnLimit {
                column,
                limit,
                mode,
            });
        }
    }
    out.sort_by_key(|l| l.column.index());
    Ok(out)
}

/// Items of the maintenance team in `state` that count against a limit (not the lane's).
fn counted(tx: &Connection, state: State) -> Result<usize, StoreError> {
    let n: i64 = tx.query_row(
        "SELECT count(*) FROM items WHERE team = 'ams' AND state = ?1 AND class != 'expedite'",
        [state.as_str()],
        |r| r.get(0),
    )?;
    Ok(n as usize)
}

fn lane(tx: &Connection) -> Result<Option<Item>, StoreError> {
    let id: Option<u32> = tx
        .query_row(
            "SELECT id FROM items WHERE team = 'ams' AND class = 'expedite'
             AND state IN ('in-progress', 'review') LIMIT 1",
            [],
            |r| r.get(0),
        )
        .optional()?;
    id.map(|id| load(tx, ItemId(id))).transpose()
}

/// Work under way that joins the Kanban board from the delivery team takes a place in its
/// column as a pull would: within the column's limit (with no override, since nobody pulled
/// it), or in the expedite lane when that is free.
pub(super) fn admit_moved(tx: &Connection, item: &Item) -> Result<(), StoreError> {
    let Some(column) = Column::of(item.state) else {
        return Ok(());
    };
    if item.class == crate::domain::Class::Expedite {
        kanban::admit_to_lane(lane(tx)?.as_ref(), item)?;
        return Ok(());
    }
    let Some(limit) = limits(tx)?.into_iter().find(|l| l.column == column) else {
        return Ok(());
    };
    let count = counted(tx, item.state)?;
    if limit.is_full(count) {
        return Err(DomainError::not_allowed(
            "wip-limit",
            format!(
                "The Kanban board's {} is at its limit ({count} of {}): {} joins it once a card there is finished",
                column.title(),
                limit.limit.unwrap_or(0),
                item.id
            ),
        )
        .into());
    }
    Ok(())
}

fn state_of(column: Column) -> State {
    match column {
        Column::Ready => State::Queued,
        Column::InProgress => State::InProgress,
        Column::Review => State::Review,
        Column::Done => State::Done,
    }
}

impl Store {
    pub fn column_limits(&self) -> Result<Vec<ColumnLimit>, StoreError> {
        limits(self.conn())
    }

    pub fn set_column_limit(
        &mut self,
        limit: ColumnLimit,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.decide(|db| {
            let event = kanban::set_limit(actor, &limit, now)?;
            db.write(|tx| {
                tx.execute(
                    "UPDATE columns SET wip_limit = ?2, mode = ?3 WHERE name = ?1",
                    params![limit.column.as_str(), limit.limit, limit.mode.as_str()],
                )?;
                append_event(tx, &event)
            })
        })
    }

    /// Pulls `id`, or the next item in the pull order, into In progress.
    pub fn pull(
        &mut self,
        id: Option<ItemId>,
        over: Option<&str>,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Moved, StoreError> {
        // Which card is next is read inside the pull's own transaction: two pulls at once
        // never reach for the same card.
        self.decide(|db| {
            let id = match id {
                Some(id) => id,
                None => db.next_to_pull()?.ok_or_else(|| {
                    DomainError::illegal(
                        "Nothing to pull: the Queued column is empty or every item in it is blocked. Queue items from the backlog (Q), or unblock one.",
                    )
                })?,
            };
            db.kanban_move(id, Column::InProgress, over, actor, now, None)
        })
    }

    /// The next card in the pull order (`kanban::next_to_pull`, read through the indexes):
    /// expedite, then fixed-date by due date, then backlog rank; blocked cards skipped, and
    /// expedite cards while the lane holds one.
    pub fn next_to_pull(&self) -> Result<Option<ItemId>, StoreError> {
        Ok(self
            .conn()
            .query_row(
                "SELECT id FROM items
                 WHERE team = 'ams' AND state = 'queued' AND blocked IS NULL
                   AND NOT (class = 'expedite' AND EXISTS (
                       SELECT 1 FROM items WHERE team = 'ams' AND class = 'expedite'
                         AND state IN ('in-progress', 'review')))
                 ORDER BY CASE class WHEN 'expedite' THEN 0 WHEN 'fixed-date' THEN 1 ELSE 2 END,
                          CASE WHEN class = 'fixed-date' THEN due END,
                          rank
                 LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()?
            .map(ItemId))
    }

    /// Moves a card to another column along its legal transition, within the WIP rules.
    pub fn kanban_move(
        &mut self,
        id: ItemId,
        to: Column,
        over: Option<&str>,
        actor: &Actor,
        now: DateTime<Utc>,
        expected: Option<i64>,
    ) -> Result<Moved, StoreError> {
        self.decide(|db| {
            db.write(|tx| {
                let current = load(tx, id)?;
                item::check_fresh(&current, expected)?;
                if current.team != Some(crate::domain::Team::Ams) {
                    return Err(DomainError::illegal(format!(
                        "{id} belongs to team {}: its work is on the Sprint board, not the Kanban board",
                        current.team.map_or("-", |t| t.as_str())
                    ))
                    .into());
                }
                let cmd = kanban::transition(&current, to, over.map(str::to_string))?;
                let limits = limits(tx)?;
                let limit_of = |c: Column| {
                    limits.iter().find(|l| l.column == c).copied().unwrap_or(ColumnLimit {
                        column: c,
                        limit: None,
                        mode: WipMode::Off,
                    })
                };
                let from = Column::of(current.state).unwrap_or(Column::Ready);
                let expedite = current.class == crate::domain::Class::Expedite;
                let mut recorded = None;
                if expedite && matches!(to, Column::InProgress | Column::Review) {
                    kanban::admit_to_lane(lane(tx)?.as_ref(), &current)?;
                } else {
                    let target = limit_of(to);
                    let count = counted(tx, state_of(to))?;
                    recorded = kanban::admit(&target, count, over)?;
                    if let Some(reason) = &recorded {
                        append_event(
                            tx,
                            &Event::new(now, &actor.name, "column", to.as_str(), "wip-override")
                                .reason(Some(reason))
                                .details(serde_json::json!({
                                    "item": id.to_string(), "count": count + 1, "limit": target.limit,
                                })),
                        )?;
                    }
                }
                // Only an over-limit move records its reason on the item.
                let cmd = match cmd {
                    crate::domain::ItemCommand::Pull { .. } => {
                        crate::domain::ItemCommand::Pull { over: recorded.clone() }
                    }
                    other => other,
                };
                let freed = if expedite {
                    None
                } else {
                    let before = counted(tx, current.state)?;
                    let source = limit_of(from);
                    (source.is_full(before) && !source.is_full(before - 1)).then_some(from)
                };
                let (next, mut event) = item::apply(&current, &cmd, actor, now)?;
                if recorded.is_some() && event.reason.is_none() {
                    event = event.reason(recorded.as_deref());
                }
                update(tx, &next, current.version)?;
                append_event(tx, &event)?;
                Ok(Moved { item: next, freed, over: recorded })
            })
        })
    }

    /// The maintenance team's items on the board, or in one state, in rank order.
    pub fn kanban_items(&self, state: Option<State>) -> Result<Vec<Item>, StoreError> {
        match state {
            Some(s) => super::items::select(
                self.conn(),
                "team = 'ams' AND state = ?1 ORDER BY rank",
                [s.as_str()],
            ),
            None => super::items::select(
                self.conn(),
                "team = 'ams' AND state IN ('queued', 'in-progress', 'review', 'done') ORDER BY rank",
                [],
            ),
        }
    }

    /// The maintenance team's flow: 30 days of cumulative flow, cycle times, 8 weeks of
    /// throughput. Read in two parts so that time and memory follow the weeks shown, not the
    /// history: the items that stood still since before the window are counted by SQLite from
    /// the items table, and only those that moved in it are read with their transitions.
    pub fn kanban_flow(&self, today: chrono::NaiveDate) -> Result<Flow, StoreError> {
        const DAYS: usize = 30;
        const WEEKS: usize = 8;
        let week = today - chrono::Duration::days(today.weekday().num_days_from_monday().into());
        let first_day = (week - chrono::Duration::weeks(WEEKS as i64 - 1))
            .min(today - chrono::Duration::days(DAYS as i64 - 1));
        let from = first_day.and_time(chrono::NaiveTime::MIN).and_utc();
        let mut standing = Vec::new();
        // An item that has not moved since the window began stands where it is now (every
        // item's first event, its creation, names the state it entered).
        let mut stmt = self.conn().prepare(
            "SELECT state, count(*) FROM items
             WHERE team = 'ams'
               AND id NOT IN (SELECT CAST(substr(entity_id, 4) AS INTEGER) FROM events
                              WHERE at >= ?1 AND +entity = 'item'
                                AND to_state IS NOT NULL AND to_state != '')
             GROUP BY state",
        )?;
        for row in stmt.query_map([from], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as usize))
        })? {
            let (state, n) = row?;
            if let Ok(state) = state.parse::<crate::domain::State>() {
                standing.push((state, n));
            }
        }
        let mut stmt = self.conn().prepare(
            "SELECT i.id, e.at, e.to_state FROM items i
             JOIN events e ON e.entity = 'item' AND e.entity_id = 'FB-' || i.id
             WHERE i.team = 'ams' AND e.to_state IS NOT NULL AND e.to_state != ''
               AND i.id IN (SELECT CAST(substr(entity_id, 4) AS INTEGER) FROM events
                            WHERE at >= ?1 AND +entity = 'item'
                              AND to_state IS NOT NULL AND to_state != '')
             ORDER BY e.at, e.id",
        )?;
        let mut moved = Vec::new();
        for row in stmt.query_map([from], |r| {
            Ok((
                r.get::<_, u32>(0)?,
                r.get::<_, DateTime<Utc>>(1)?,
                r.get::<_, String>(2)?,
            ))
        })? {
            let (item, at, to) = row?;
            if let Ok(to) = to.parse() {
                moved.push(Transition { item, at, to });
            }
        }
        Ok(measures::flow_from(&standing, &moved, today, DAYS, WEEKS))
    }

    /// The latest override of each column's limit.
    pub fn overrides(&self) -> Result<Vec<Override>, StoreError> {
        let mut out = Vec::new();
        for column in Column::ALL {
            let found = self
                .conn()
                .query_row(
                    "SELECT reason, actor, at, details FROM events
                     WHERE entity = 'column' AND entity_id = ?1 AND action = 'wip-override'
                     ORDER BY id DESC LIMIT 1",
                    [column.as_str()],
                    |r| {
                        Ok((
                            r.get::<_, Option<String>>(0)?,
                            r.get::<_, String>(1)?,
                            r.get::<_, DateTime<Utc>>(2)?,
                            r.get::<_, Option<String>>(3)?,
                        ))
                    },
                )
                .optional()?;
            if let Some((reason, by, at, details)) = found {
                let item = details
                    .and_then(|d| serde_json::from_str::<serde_json::Value>(&d).ok())
                    .and_then(|d| d["item"].as_str().map(str::to_string))
                    .unwrap_or_default();
                out.push(Override {
                    column: *column,
                    item,
                    reason: reason.unwrap_or_default(),
                    by,
                    at,
                });
            }
        }
        Ok(out)
    }
}
