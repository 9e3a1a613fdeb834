//! Links: read from their record's events, written as events, one write each (an item link
//! writes one on each item).

use super::items::event_from_row;
use super::{Store, StoreError, append_event};
use crate::domain::comment::Subject;
use crate::domain::link::{self, Links, Relation, WebLink};
use crate::domain::{Actor, ItemId};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};

fn links_of(conn: &Connection, subject: &Subject) -> Result<Links, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT at, actor, entity, entity_id, action, from_state, to_state, reason, details
         FROM events WHERE entity = ?1 AND entity_id = ?2 AND action IN (?3, ?4) ORDER BY id",
    )?;
    let events = stmt
        .query_map(
            params![subject.entity(), subject.id(), link::LINK, link::UNLINK],
            event_from_row,
        )?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(link::fold(&events))
}

impl Store {
    /// A record's links.
    pub fn links(&self, subject: &Subject) -> Result<Links, StoreError> {
        super::comment::exists(self.conn(), subject)?;
        links_of(self.conn(), subject)
    }

    /// Links a record to the outside.
    pub fn add_link(
        &mut self,
        subject: &Subject,
        url: &str,
        title: Option<&str>,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<WebLink, StoreError> {
        self.write(|tx| {
            super::comment::exists(tx, subject)?;
            let current = links_of(tx, subject)?;
            let (l, e) = link::add_web(subject, &current, url, title, actor, now)?;
            append_event(tx, &e)?;
            Ok(l)
        })
    }

    /// Takes a link to the outside off a record.
    pub fn remove_link(
        &mut self,
        subject: &Subject,
        url: &str,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            super::comment::exists(tx, subject)?;
            let current = links_of(tx, subject)?;
            let e = link::remove_web(subject, &current, url, actor, now)?;
            append_event(tx, &e)
        })
    }

    /// Links item `a` to item `b` (or takes the link off): an event on each.
    pub fn relate(
        &mut self,
        a: ItemId,
        relation: Relation,
        b: ItemId,
        adding: bool,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            let (sa, sb) = (Subject::Item(a), Subject::Item(b));
            super::comment::exists(tx, &sa)?;
            super::comment::exists(tx, &sb)?;
            let current = links_of(tx, &sa)?;
            let (on_a, on_b) = link::relate(a, relation, b, &current, actor, now, adding)?;
            append_event(tx, &on_a)?;
            append_event(tx, &on_b)
        })
    }
}
