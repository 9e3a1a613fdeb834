//! `update` driven by keys, a room at a time: each file the keys of one tab, `general` those
//! that mean the same everywhere, the mouse, the palette and the messages.

use super::*;
use crate::app::Tab;
use crate::app::keymap::Command;
use crate::app::row::Row;
use crate::app::{AppState, Effect, Msg, Overlay, Snapshot};
use crate::domain::ItemCommand;
use crate::domain::backlog::RankMove;
use crate::domain::item::{NewItem, create};
use crate::domain::{Actor, Identity, ItemId, Person, Role, State, Team};
use chrono::{DateTime, TimeZone, Utc};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 30, 0).unwrap()
}

fn people() -> Vec<Person> {
    vec![
        Person {
            name: "priya".into(),
            roles: vec![Role::ProductOwner],
            team: Team::Appdev,
        },
        Person {
            name: "sam".into(),
            roles: vec![Role::AmsEngineer],
            team: Team::Ams,
        },
    ]
}

/// Changes the board's row `i` as a reload would bring it.
fn change(s: &mut AppState, i: usize, f: impl FnOnce(&mut crate::domain::Item)) {
    let mut item = s.items[i].item();
    f(&mut item);
    *s.items[i] = Row::of(&item);
}

fn board(n: u32) -> AppState {
    let po = Actor::person(&people()[0]);
    let keys = crate::domain::rank::spaced(n as usize);
    let items: Vec<_> = keys
        .into_iter()
        .enumerate()
        .map(|(i, key)| {
            let mut new = NewItem::titled(&format!("Item number {}", i + 1));
            new.team = Some(if i % 2 == 0 { Team::Appdev } else { Team::Ams });
            Box::new(Row::of(
                &create(new, ItemId(i as u32 + 1), key, &po, now())
                    .unwrap()
                    .0,
            ))
        })
        .collect();
    let total = items.len();
    let mut s = AppState::new("test.db", false, false, now());
    update(
        &mut s,
        Msg::Loaded(Box::new(Snapshot {
            title: "Test board".into(),
            identity: Identity::Trust,
            me: po,
            people: people(),
            projects: vec!["bau".into()],
            items,
            total,
            delivery_projects: vec![],
            ageing_days: 5,
            sprints: vec![],
            columns: crate::domain::kanban::ColumnLimit::defaults(),
            overrides: vec![],
            releases: Default::default(),
            handovers: vec![],
            incidents: vec![],
            tickets: vec![],
            problems: vec![],
            problem_tickets: vec![],
            hypercare: vec![],
            rotations: vec![],
            incident_labels: Default::default(),
            incident_transitions: Default::default(),
            label_counts: vec![],
            pds: vec![],
            ops: vec![],
            revisions: Default::default(),
            at: now(),
        })),
    );
    s
}

fn press(s: &mut AppState, keys: &str) -> Vec<Effect> {
    let mut effects = vec![];
    for c in keys.chars() {
        effects = update(
            s,
            Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
        );
    }
    effects
}

fn code(s: &mut AppState, code: KeyCode) -> Vec<Effect> {
    update(s, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

/// Why the open question refused its answer; the question is still open, with the text as
/// typed.
fn refused(s: &AppState) -> String {
    match &s.overlay {
        Some(Overlay::Prompt {
            error: Some(why), ..
        }) => why.clone(),
        other => panic!("no refused question open: {other:?}"),
    }
}

fn typed_text(s: &AppState) -> String {
    match &s.overlay {
        Some(Overlay::Prompt { input, .. }) => input.text.clone(),
        other => panic!("no question open: {other:?}"),
    }
}

/// Acts as `name`, who holds `role`.
fn acting(s: &mut AppState, name: &str, role: Role) {
    s.me = Actor::person(&Person {
        name: name.into(),
        roles: vec![role],
        team: Team::Appdev,
    });
}

fn selected(s: &AppState) -> u32 {
    s.selected().unwrap().id.0
}

fn order(s: &AppState) -> Vec<u32> {
    s.items.iter().map(|i| i.id.0).collect()
}

mod backlog;
mod general;
mod handover;
mod kanban;
mod pipeline;
mod service;
mod sprint;
