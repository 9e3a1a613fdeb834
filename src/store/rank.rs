//! The one order: a rank move writes the moved item's row only (a key between its new
//! neighbours), and the whole order is spaced out again only when two keys leave no room.

use super::items::{load, not_found, update};
use super::{Store, StoreError, append_event};
use crate::domain::backlog::{self, RankMove};
use crate::domain::item::{self, Item};
use crate::domain::{Actor, DomainError, Event, ItemId, rank};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

impl Store {
    /// Moves an item in the one order, writing its row only (and an event). Returns the
    /// item as it now is; a move that changes nothing writes nothing.
    pub fn rank_item(
        &mut self,
        id: ItemId,
        mv: RankMove,
        actor: &Actor,
        now: DateTime<Utc>,
        expected: Option<i64>,
    ) -> Result<Item, StoreError> {
        self.decide(|db| {
            backlog::authorize(actor)?;
            db.write(|tx| {
                let current = load(tx, id)?;
                item::check_fresh(&current, expected)?;
                let Some((lo, hi)) = slot(tx, &current, mv)? else {
                    return Ok(current);
                };
                let mut key = backlog::key_between(lo.as_deref(), hi.as_deref());
                if key.len() > rank::RESPACE_AT {
                    respace(tx, actor, now)?;
                    let current = load(tx, id)?;
                    let (lo, hi) = slot(tx, &current, mv)?.unwrap_or((None, None));
                    key = backlog::key_between(lo.as_deref(), hi.as_deref());
                }
                let current = load(tx, id)?;
                let mut next = current.next_version(actor, now);
                next.rank = key;
                update(tx, &next, current.version)?;
                append_event(
                    tx,
                    &backlog::moved(id, &current.rank, &next.rank, mv, actor, now),
                )?;
                Ok(next)
            })
        })
    }
}

/// The keys of the neighbours `item` lands between, or `None` when it stays where it is.
type Slot = Option<(Option<String>, Option<String>)>;

fn slot(tx: &Connection, item: &Item, mv: RankMove) -> Result<Slot, StoreError> {
    let me = item.id.0;
    let nearest = |sql: &str, key: &str, n: u32| -> Result<Vec<(u32, String)>, StoreError> {
        let mut stmt = tx.prepare_cached(sql)?;
        let rows = stmt
            .query_map(params![key, n], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    };
    const ABOVE: &str = "SELECT id, rank FROM items WHERE rank < ?1 ORDER BY rank DESC LIMIT ?2";
    const BELOW: &str = "SELECT id, rank FROM items WHERE rank > ?1 ORDER BY rank LIMIT ?2";
    let key_of = |other: ItemId| -> Result<String, StoreError> {
        if other == item.id {
            return Err(DomainError::invalid(format!(
                "{other} cannot move relative to itself: name another item"
            ))
            .into());
        }
        tx.query_row("SELECT rank FROM items WHERE id = ?1", [other.0], |r| {
            r.get(0)
        })
        .optional()?
        .ok_or_else(|| not_found(other))
    };
    Ok(match mv {
        RankMove::Top => {
            let first = nearest(BELOW, "", 1)?;
            match first.first() {
                Some((id, _)) if *id == me => None,
                first => Some((None, first.map(|f| f.1.clone()))),
            }
        }
        RankMove::Bottom => {
            let last = nearest(ABOVE, "~", 1)?;
            match last.first() {
                Some((id, _)) if *id == me => None,
                last => Some((last.map(|l| l.1.clone()), None)),
            }
        }
        RankMove::Before(other) => {
            let key = key_of(other)?;
            match nearest(ABOVE, &key, 1)?.pop() {
                Some((id, _)) if id == me => None,
                prev => Some((prev.map(|p| p.1), Some(key))),
            }
        }
        RankMove::After(other) => {
            let key = key_of(other)?;
            match nearest(BELOW, &key, 1)?.pop() {
                Some((id, _)) if id == me => None,
                next => Some((Some(key), next.map(|n| n.1))),
            }
        }
        RankMove::Up(n) | RankMove::Down(n) if n == 0 => None,
        RankMove::Up(n) => {
            let above = nearest(ABOVE, &item.rank, n.saturating_add(1))?;
            if above.is_empty() {
                None
            } else {
                let hi = above[(n as usize).min(above.len()) - 1].1.clone();
                Some((above.get(n as usize).map(|a| a.1.clone()), Some(hi)))
            }
        }
        RankMove::Down(n) => {
            let below = nearest(BELOW, &item.rank, n.saturating_add(1))?;
            if below.is_empty() {
                None
            } else {
                let lo = below[(n as usize).min(below.len()) - 1].1.clone();
                Some((Some(lo), below.get(n as usize).map(|b| b.1.clone())))
            }
        }
    })
}

/// Gives every item a fresh short key in the same order. Rare: only when a key grew long.
pub(super) fn respace(
    tx: &Connection,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let ids: Vec<u32> = {
        let mut stmt = tx.prepare("SELECT id FROM items ORDER BY rank")?;
        stmt.query_map([], |r| r.get(0))?
            .collect::<Result<Vec<_>, _>>()?
    };
    // Park every key above the alphabet first, so no new key meets an old one.
    tx.execute("UPDATE items SET rank = '~' || id", [])?;
    let mut stmt = tx.prepare("UPDATE items SET rank = ?1 WHERE id = ?2")?;
    for (id, key) in ids.iter().zip(rank::spaced(ids.len())) {
        stmt.execute(params![key, id])?;
    }
    append_event(
        tx,
        &Event::new(now, &actor.name, "board", "backlog", "respace")
            .details(serde_json::json!({ "items": ids.len() })),
    )
}
