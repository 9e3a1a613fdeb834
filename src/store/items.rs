//! Work items: the backlog as the board shows it, one item with its history, and the writes
//! that change them, each in one transaction with its event.

use super::rank::respace;
use super::{Store, StoreError, append_event};
use crate::domain::item::{self, Item, ItemCommand, NewItem};
use crate::domain::{Actor, DomainError, Event, ItemId, rank};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, ToSql, params_from_iter};

/// Every column, in the order `item_from_row` reads them.
const FULL: &str = "id, title, description, acceptance, kind, origin, team, project, class, due, \
                    points, rank, state, blocked, assignee, sprint, created, entered, updated, \
                    updated_by, version";
/// The same without the long texts: what the board's list needs.
const LIST: &str = "id, title, '', '', kind, origin, team, project, class, due, \
                    points, rank, state, blocked, assignee, sprint, created, entered, updated, \
                    updated_by, version";

fn parsed<T: std::str::FromStr>(r: &Row<'_>, i: usize) -> rusqlite::Result<T>
where
    T::Err: std::error::Error + Send + Sync + 'static,
{
    let s: String = r.get(i)?;
    s.parse::<T>().map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
    })
}

fn item_from_row(r: &Row<'_>) -> rusqlite::Result<Item> {
    let team: Option<String> = r.get(6)?;
    Ok(Item {
        id: ItemId(r.get(0)?),
        title: r.get(1)?,
        description: r.get(2)?,
        acceptance: r.get(3)?,
        kind: parsed(r, 4)?,
        origin: parsed(r, 5)?,
        team: team.and_then(|t| t.parse().ok()),
        project: r.get(7)?,
        class: parsed(r, 8)?,
        due: r.get(9)?,
        points: r.get(10)?,
        rank: r.get(11)?,
        state: parsed(r, 12)?,
        blocked: r.get(13)?,
        assignee: r.get(14)?,
        sprint: r.get(15)?,
        created: r.get(16)?,
        entered: r.get(17)?,
        updated: r.get(18)?,
        updated_by: r.get(19)?,
        version: r.get(20)?,
    })
}

pub(super) fn event_from_row(r: &Row<'_>) -> rusqlite::Result<Event> {
    let details: Option<String> = r.get(8)?;
    Ok(Event {
        at: r.get(0)?,
        actor: r.get(1)?,
        entity: r.get(2)?,
        entity_id: r.get(3)?,
        action: r.get(4)?,
        from: r.get(5)?,
        to: r.get(6)?,
        reason: r.get(7)?,
        details: details
            .and_then(|d| serde_json::from_str(&d).ok())
            .unwrap_or_default(),
    })
}

pub(super) fn not_found(id: ItemId) -> StoreError {
    DomainError::not_found(format!(
        "there is no item {id}: see `firebreak item list` for the ids"
    ))
    .into()
}

/// Whole items matching a `WHERE` clause (and its `ORDER BY`).
pub(super) fn select(
    conn: &rusqlite::Connection,
    clause: &str,
    params: impl rusqlite::Params,
) -> Result<Vec<Item>, StoreError> {
    let mut stmt = conn.prepare(&format!("SELECT {FULL} FROM items WHERE {clause}"))?;
    let items = stmt
        .query_map(params, item_from_row)?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(items)
}

/// Which items a listing shows: each field, when given, must match.
#[derive(Debug, Clone, Default)]
pub struct ItemFilter {
    pub team: Option<crate::domain::Team>,
    pub state: Option<crate::domain::State>,
    pub kind: Option<crate::domain::Kind>,
    pub project: Option<String>,
    pub assignee: Option<String>,
}

impl ItemFilter {
    const WHERE: &'static str = "(?1 IS NULL OR team = ?1) AND (?2 IS NULL OR state = ?2)
         AND (?3 IS NULL OR kind = ?3) AND (?4 IS NULL OR project = ?4)
         AND (?5 IS NULL OR assignee IS ?5)";

    fn params(&self) -> [Option<String>; 5] {
        [
            self.team.map(|t| t.as_str().to_string()),
            self.state.map(|s| s.as_str().to_string()),
            self.kind.map(|k| k.as_str().to_string()),
            self.project.clone(),
            self.assignee.clone(),
        ]
    }
}

pub(super) fn load(tx: &Connection, id: ItemId) -> Result<Item, StoreError> {
    tx.query_row(
        &format!("SELECT {FULL} FROM items WHERE id = ?1"),
        [id.0],
        item_from_row,
    )
    .optional()?
    .ok_or_else(|| not_found(id))
}

impl Store {
    /// Every item in rank order, without descriptions and acceptance criteria.
    pub fn backlog(&self) -> Result<Vec<Item>, StoreError> {
        // A table scan sorted here is faster than walking the rank index.
        let mut stmt = self.conn().prepare(&format!("SELECT {LIST} FROM items"))?;
        let mut items = stmt
            .query_map([], item_from_row)?
            .collect::<Result<Vec<_>, _>>()?;
        items.sort_unstable_by(|a, b| a.rank.cmp(&b.rank));
        Ok(items)
    }

    /// Calls `f` with every item without its long texts, in rank order: the board makes each
    /// into its compact row as it comes. Read through the rank index rather than sorted
    /// afterwards, so that the rows are made, and lie in memory, in the order the boards walk
    /// them.
    pub fn each_listed<E: From<StoreError>>(
        &self,
        f: impl FnMut(Item) -> Result<(), E>,
    ) -> Result<(), E> {
        self.each_row(
            &format!("SELECT {LIST} FROM items ORDER BY rank"),
            item_from_row,
            f,
        )
    }

    /// The first `n` items in rank order and the count of all: enough to paint a screen.
    pub fn backlog_head(&self, n: usize) -> Result<(Vec<Item>, usize), StoreError> {
        let mut stmt = self
            .conn()
            .prepare(&format!("SELECT {LIST} FROM items ORDER BY rank LIMIT ?1"))?;
        let items = stmt
            .query_map([n as i64], item_from_row)?
            .collect::<Result<Vec<_>, _>>()?;
        let total: i64 = self
            .conn()
            .query_row("SELECT count(*) FROM items", [], |r| r.get(0))?;
        Ok((items, total as usize))
    }

    /// Calls `f` with each item that `filter` lets through, in rank order, with its place in the
    /// whole backlog: read from the statement one row at a time, never collected. `whole` reads
    /// the descriptions and acceptance criteria too.
    pub fn each_item<E: From<StoreError>>(
        &self,
        filter: &ItemFilter,
        whole: bool,
        mut f: impl FnMut(i64, Item) -> Result<(), E>,
    ) -> Result<(), E> {
        // One walk of the rank index: every row is counted for its place, and only those the
        // filter keeps are read whole (no window function: it would sort a copy of the table).
        let cols = if whole { FULL } else { LIST };
        let sql = format!(
            "SELECT {cols}, {} FROM items ORDER BY rank",
            ItemFilter::WHERE
        );
        let mut stmt = self.conn().prepare(&sql).map_err(StoreError::from)?;
        let mut rows = stmt
            .query(params_from_iter(filter.params()))
            .map_err(StoreError::from)?;
        let mut pos = 0;
        while let Some(row) = rows.next().map_err(StoreError::from)? {
            pos += 1;
            if row.get::<_, bool>(21).map_err(StoreError::from)? {
                f(pos, item_from_row(row).map_err(StoreError::from)?)?;
            }
        }
        Ok(())
    }

    /// How many items there are, and the highest id.
    pub fn item_extent(&self) -> Result<(i64, i64), StoreError> {
        Ok(self.conn().query_row(
            "SELECT count(*), coalesce(max(id), 0) FROM items",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?)
    }

    /// The widest title among the items `filter` lets through, in characters.
    pub fn widest_title(&self, filter: &ItemFilter) -> Result<usize, StoreError> {
        let n: Option<i64> = self.conn().query_row(
            &format!(
                "SELECT max(length(title)) FROM items WHERE {}",
                ItemFilter::WHERE
            ),
            params_from_iter(filter.params()),
            |r| r.get(0),
        )?;
        Ok(n.unwrap_or(0).max(0) as usize)
    }

    /// Every item in rank order, whole.
    pub fn items_full(&self) -> Result<Vec<Item>, StoreError> {
        let mut stmt = self
            .conn()
            .prepare(&format!("SELECT {FULL} FROM items ORDER BY rank"))?;
        let items = stmt
            .query_map([], item_from_row)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(items)
    }

    pub fn item(&self, id: ItemId) -> Result<Item, StoreError> {
        self.conn()
            .query_row(
                &format!("SELECT {FULL} FROM items WHERE id = ?1"),
                [id.0],
                item_from_row,
            )
            .optional()?
            .ok_or_else(|| not_found(id))
    }

    /// The events of one entity, oldest first.
    /// Where an item stands in the one backlog: (its place from 1, how many items there are).
    pub fn backlog_place(&self, id: ItemId) -> Result<(i64, i64), StoreError> {
        Ok(self.conn().query_row(
            "SELECT (SELECT count(*) FROM items WHERE rank <= i.rank), (SELECT count(*) FROM items)
             FROM items i WHERE i.id = ?1",
            [id.0],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?)
    }

    /// Calls `f` with each event on or after `since`, oldest first (by time, then in the order
    /// written), read from the statement one row at a time.
    pub fn each_event<E: From<StoreError>>(
        &self,
        since: Option<chrono::NaiveDate>,
        mut f: impl FnMut(Event) -> Result<(), E>,
    ) -> Result<(), E> {
        let mut stmt = self
            .conn()
            .prepare(
                "SELECT at, actor, entity, entity_id, action, from_state, to_state, reason, details
                 FROM events WHERE ?1 IS NULL OR at >= ?1 ORDER BY at, id",
            )
            .map_err(StoreError::from)?;
        let since = since.map(|d| d.format("%Y-%m-%d").to_string());
        let mut rows = stmt.query([since]).map_err(StoreError::from)?;
        while let Some(row) = rows.next().map_err(StoreError::from)? {
            f(event_from_row(row).map_err(StoreError::from)?)?;
        }
        Ok(())
    }

    pub fn history(&self, entity: &str, id: &str) -> Result<Vec<Event>, StoreError> {
        let mut stmt = self.conn().prepare(
            "SELECT at, actor, entity, entity_id, action, from_state, to_state, reason, details
             FROM events WHERE entity = ?1 AND entity_id = ?2 ORDER BY id",
        )?;
        let events = stmt
            .query_map([entity, id], event_from_row)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(events)
    }

    /// Adds an item at the bottom of the backlog.
    pub fn create_item(
        &mut self,
        new: NewItem,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Item, StoreError> {
        self.decide(|db| {
            db.write(|tx| {
                let known: bool = tx.query_row(
                    "SELECT EXISTS (SELECT 1 FROM projects WHERE name = ?1)",
                    [&new.project],
                    |r| r.get(0),
                )?;
                if !known {
                    return Err(DomainError::invalid(format!(
                        "there is no project '{}': see `firebreak project list`",
                        new.project
                    ))
                    .into());
                }
                let next: u32 =
                    tx.query_row("SELECT coalesce(max(id), 0) + 1 FROM items", [], |r| {
                        r.get(0)
                    })?;
                let place = |tx: &Connection| -> Result<String, StoreError> {
                    let (above, below) = bottom_of_open_work(tx)?;
                    Ok(rank::between(above.as_deref(), below.as_deref()))
                };
                let mut key = place(tx)?;
                if key.len() > rank::RESPACE_AT {
                    respace(tx, actor, now)?;
                    key = place(tx)?;
                }
                let (item, event) = item::create(new, ItemId(next), key, actor, now)?;
                insert(tx, &item)?;
                append_event(tx, &event)?;
                Ok(item)
            })
        })
    }

    /// Adds many items at the bottom of the backlog in one transaction, each through the
    /// domain's `create` and with its event. Returns how many were added.
    pub fn create_items(
        &mut self,
        news: Vec<NewItem>,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<usize, StoreError> {
        self.decide(|db| {
            db.write(|tx| {
                let first: u32 =
                    tx.query_row("SELECT coalesce(max(id), 0) + 1 FROM items", [], |r| {
                        r.get(0)
                    })?;
                let last: Option<String> = tx
                    .query_row("SELECT max(rank) FROM items", [], |r| r.get(0))
                    .optional()?
                    .flatten();
                let keys = rank::spaced_after(last.as_deref(), news.len());
                let n = news.len();
                for ((offset, new), key) in news.into_iter().enumerate().zip(keys) {
                    let (item, event) =
                        item::create(new, ItemId(first + offset as u32), key, actor, now)?;
                    insert(tx, &item)?;
                    append_event(tx, &event)?;
                }
                Ok(n)
            })
        })
    }

    /// Gives an item to the person named `to`, as they act that day (rotations counted), by the
    /// domain's rules on who may hold what; `expected` is the version the caller saw.
    pub fn assign_item(
        &mut self,
        id: ItemId,
        to: &str,
        actor: &Actor,
        now: DateTime<Utc>,
        expected: Option<i64>,
    ) -> Result<Item, StoreError> {
        self.decide(|db| {
            let person = db.person(to)?.ok_or_else(|| {
                DomainError::invalid(format!(
                    "there is no {to} on this board: see `firebreak person list`"
                ))
            })?;
            let rotations = db.rotations()?;
            let to = crate::domain::rotation::on_duty(&person, &rotations, now.date_naive());
            db.write(|tx| {
                let current = load(tx, id)?;
                item::check_fresh(&current, expected)?;
                let (next, event) = item::assign(&current, &to, actor, now)?;
                update(tx, &next, current.version)?;
                append_event(tx, &event)?;
                Ok(next)
            })
        })
    }

    /// Applies a command; `expected` is the version the caller saw, if it saw one.
    pub fn apply_item(
        &mut self,
        id: ItemId,
        cmd: &ItemCommand,
        actor: &Actor,
        now: DateTime<Utc>,
        expected: Option<i64>,
    ) -> Result<Item, StoreError> {
        self.decide(|db| {
            use crate::domain::kanban::Column;
            // The maintenance team's work moves on its board, within the WIP limits.
            let column = match cmd {
                ItemCommand::Submit => Some(Column::Review),
                ItemCommand::SendBack => Some(Column::InProgress),
                ItemCommand::Approve => Some(Column::Done),
                _ => None,
            };
            if let Some(to) = column
                && db.item(id)?.team == Some(crate::domain::Team::Ams)
            {
                return db
                    .kanban_move(id, to, None, actor, now, expected)
                    .map(|m| m.item);
            }
            db.write(|tx| {
                let current = load(tx, id)?;
                item::check_fresh(&current, expected)?;
                match cmd {
                    ItemCommand::Start => {
                        // Sprint work starts in its sprint: an item planned into none is told
                        // what comes first, not that a sprint with no name is missing.
                        let Some(name) = current.sprint.as_deref() else {
                            return Err(DomainError::illegal(format!(
                                "{} is {} and in no sprint: plan it into its project's sprint first (`firebreak sprint plan SPRINT {}`)",
                                current.id,
                                current.state.phrase(),
                                current.id
                            ))
                            .into());
                        };
                        crate::domain::sprint::check_active(&super::sprint::load_sprint(tx, name)?)?;
                    }
                    ItemCommand::Plan { .. } | ItemCommand::Pull { .. } | ItemCommand::Carry { .. } => {
                        return Err(DomainError::invalid(format!(
                            "{} has a command of its own: sprint plan, kanban pull or sprint complete",
                            cmd.name()
                        ))
                        .into());
                    }
                    _ => {}
                }
                let (mut next, mut event) = item::apply(&current, cmd, actor, now)?;
                // An epic stays one while it holds items; an item in an epic is not one.
                if let ItemCommand::Edit(edit) = cmd
                    && let Some(kind) = edit.kind.filter(|k| *k != current.kind)
                {
                    let holds: i64 = tx.query_row(
                        "SELECT count(*) FROM epic_members WHERE epic = ?1",
                        [id.0],
                        |r| r.get(0),
                    )?;
                    let within: i64 = tx.query_row(
                        "SELECT count(*) FROM epic_members WHERE item = ?1",
                        [id.0],
                        |r| r.get(0),
                    )?;
                    if holds > 0 {
                        return Err(DomainError::illegal(format!(
                            "{id} is an epic holding {holds} items: take them out first (item edit ID --epic none)"
                        ))
                        .into());
                    }
                    if kind == crate::domain::Kind::Epic && within > 0 {
                        return Err(DomainError::illegal(format!(
                            "{id} is in an epic: take it out first (item edit {id} --epic none), since an epic holds no epic"
                        ))
                        .into());
                    }
                }
                // Work under way changing team moves whole onto the other team's board.
                if let ItemCommand::Edit(edit) = cmd
                    && let Some(to) = edit.team.filter(|t| current.team != Some(*t))
                {
                    if item::needs_a_sprint(&current, to) {
                        let active = super::sprint::active_sprint(tx, &current.project)?;
                        let sprint = item::join_sprint(&current, active.as_ref())?;
                        event.details["sprint"] = serde_json::json!(sprint);
                        next.sprint = Some(sprint);
                    } else if to == crate::domain::Team::Ams
                        && matches!(current.state, crate::domain::State::InProgress | crate::domain::State::Review)
                    {
                        super::kanban::admit_moved(tx, &current)?;
                    }
                }
                if matches!(cmd, ItemCommand::Approve) {
                    let review = super::ops::load_review(tx, id)?;
                    crate::domain::ops::may_approve(&current, review.as_ref())?;
                }
                update(tx, &next, current.version)?;
                append_event(tx, &event)?;
                Ok(next)
            })
        })
    }
}

/// Where a new item lands: below the last open item, above the finished work (done,
/// released, cancelled) that follows it. The keys of its neighbours.
fn bottom_of_open_work(tx: &Connection) -> Result<(Option<String>, Option<String>), StoreError> {
    let above: Option<String> = tx
        .query_row(
            "SELECT rank FROM items WHERE state NOT IN ('done', 'released', 'cancelled') \
             ORDER BY rank DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .optional()?;
    let below: Option<String> = match &above {
        Some(a) => tx
            .query_row(
                "SELECT rank FROM items WHERE rank > ?1 ORDER BY rank LIMIT 1",
                [a],
                |r| r.get(0),
            )
            .optional()?,
        None => tx
            .query_row("SELECT min(rank) FROM items", [], |r| r.get(0))
            .optional()?
            .flatten(),
    };
    Ok((above, below))
}

/// The item's values in the order of `FULL`.
fn row(i: &Item) -> [Box<dyn ToSql + '_>; 21] {
    [
        Box::new(i.id.0),
        Box::new(i.title.as_str()),
        Box::new(i.description.as_str()),
        Box::new(i.acceptance.as_str()),
        Box::new(i.kind.as_str()),
        Box::new(i.origin.as_str()),
        Box::new(i.team.map(|t| t.as_str())),
        Box::new(i.project.as_str()),
        Box::new(i.class.as_str()),
        Box::new(i.due),
        Box::new(i.points),
        Box::new(i.rank.as_str()),
        Box::new(i.state.as_str()),
        Box::new(i.blocked.as_deref()),
        Box::new(i.assignee.as_deref()),
        Box::new(i.sprint.as_deref()),
        Box::new(i.created),
        Box::new(i.entered),
        Box::new(i.updated),
        Box::new(i.updated_by.as_str()),
        Box::new(i.version),
    ]
}

const PLACES: &str = "?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, \
                      ?17, ?18, ?19, ?20, ?21";

pub(super) fn insert(tx: &Connection, i: &Item) -> Result<(), StoreError> {
    tx.prepare_cached(&format!("INSERT INTO items ({FULL}) VALUES ({PLACES})"))?
        .execute(params_from_iter(row(i)))?;
    Ok(())
}

/// Writes the item's row if it is still at `seen`; otherwise refuses as stale.
pub(super) fn update(tx: &Connection, i: &Item, seen: i64) -> Result<(), StoreError> {
    let values = row(i);
    let n = tx
        .prepare_cached(&format!(
            "UPDATE items SET ({FULL}) = ({PLACES}) WHERE id = ?1 AND version = ?22"
        ))?
        .execute(params_from_iter(
            values
                .iter()
                .map(|v| v.as_ref())
                .chain([&seen as &dyn ToSql]),
        ))?;
    if n == 1 {
        Ok(())
    } else {
        let now = load(tx, i.id)?;
        Err(DomainError::Stale {
            id: i.id.to_string(),
            by: now.updated_by,
            at: now.updated,
        }
        .into())
    }
}
