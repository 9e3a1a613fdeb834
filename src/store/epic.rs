//! Epic membership: an item and the epic it is in, a row each, changed with its event.

use super::{Store, StoreError, append_event};
use crate::domain::{Actor, ItemId};
use chrono::{DateTime, Utc};
use rusqlite::params;
use std::collections::HashMap;

impl Store {
    /// The epic each item is in (the items in one).
    pub fn epic_members(&self) -> Result<HashMap<ItemId, ItemId>, StoreError> {
        let mut stmt = self.conn().prepare("SELECT item, epic FROM epic_members")?;
        let rows = stmt.query_map([], |r| Ok((ItemId(r.get(0)?), ItemId(r.get(1)?))))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Puts an item into an epic, or with `None` takes it out of the one it is in.
    pub fn set_epic(
        &mut self,
        id: ItemId,
        epic: Option<ItemId>,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        use rusqlite::OptionalExtension;
        self.write(|tx| {
            let item = super::items::load(tx, id)?;
            let current: Option<ItemId> = tx
                .query_row(
                    "SELECT epic FROM epic_members WHERE item = ?1",
                    [id.0],
                    |r| r.get(0).map(ItemId),
                )
                .optional()?;
            let target = epic.map(|e| super::items::load(tx, e)).transpose()?;
            let event = crate::domain::item::set_epic(&item, current, target.as_ref(), actor, now)?;
            match epic {
                Some(e) => tx.execute(
                    "INSERT INTO epic_members (item, epic) VALUES (?1, ?2)
                     ON CONFLICT (item) DO UPDATE SET epic = ?2",
                    params![id.0, e.0],
                )?,
                None => tx.execute("DELETE FROM epic_members WHERE item = ?1", [id.0])?,
            };
            append_event(tx, &event)
        })
    }
}
