//! Links: read from their record's events, written as events, one write each (an item link
//! writes one on each item).

use super::{Store, StoreError, append_event};
use crate::domain::comment::Subject;
use crate::domain::link::{self, Links, Relation, WebLink};
use crate::domain::{Actor, ItemId};
use chrono::{DateTime, Utc};
use rusqlite::Connection;

fn links_of(conn: &Connection, subject: &Subject) -> Result<Links, StoreError> {
    let events = super::comment::events_of(conn, subject, [link::LINK, link::UNLINK])?;
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
