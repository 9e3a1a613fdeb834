//! The Kanban board in the store against a reference model of its rules: over any sequence of
//! pulls, moves, blocks and limit changes, no card is lost or duplicated, the store agrees
//! with the model on every refusal, and no card enters a full column without a recorded
//! override.

use chrono::{TimeZone, Utc};
use firebreak::domain::item::NewItem;
use firebreak::domain::kanban::{Column, ColumnLimit, WipMode};
use firebreak::domain::{Actor, Class, Identity, ItemCommand, ItemId, Person, Role, State, Team};
use firebreak::store::Store;
use proptest::prelude::*;

const CARDS: u32 = 6;

#[derive(Debug, Clone)]
enum Op {
    Pull {
        id: Option<u32>,
        over: bool,
        who: usize,
    },
    Move {
        id: u32,
        to: Column,
        over: bool,
        who: usize,
    },
    Block {
        id: u32,
    },
    Unblock {
        id: u32,
    },
    Limit {
        column: Column,
        limit: Option<u32>,
        mode: WipMode,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let id = 1..=CARDS;
    let column = prop_oneof![
        Just(Column::InProgress),
        Just(Column::Review),
        Just(Column::Done)
    ];
    let mode = prop_oneof![
        Just(WipMode::Strict),
        Just(WipMode::Reasoned),
        Just(WipMode::Off)
    ];
    prop_oneof![
        3 => (prop::option::of(id.clone()), any::<bool>(), 0..2usize).prop_map(|(id, over, who)| Op::Pull { id, over, who }),
        4 => (id.clone(), column.clone(), any::<bool>(), 0..2usize).prop_map(|(id, to, over, who)| Op::Move { id, to, over, who }),
        1 => id.clone().prop_map(|id| Op::Block { id }),
        1 => id.prop_map(|id| Op::Unblock { id }),
        1 => (column, prop::option::of(1u32..4), mode).prop_map(|(column, limit, mode)| Op::Limit { column, limit, mode }),
    ]
}

#[derive(Debug, Clone, PartialEq)]
struct Card {
    state: State,
    blocked: bool,
    assignee: Option<String>,
    expedite: bool,
    fixed: bool,
}

/// The rules, written again from domain.md 3.4 without the code under test.
struct Model {
    cards: Vec<Card>,
    limits: Vec<ColumnLimit>,
}

fn state_of(c: Column) -> State {
    match c {
        Column::Ready => State::Queued,
        Column::InProgress => State::InProgress,
        Column::Review => State::Review,
        Column::Done => State::Done,
    }
}

impl Model {
    fn limit(&self, c: Column) -> ColumnLimit {
        *self.limits.iter().find(|l| l.column == c).unwrap()
    }

    /// The next pull: expedite, then fixed date (due dates rise with the id), then rank (id);
    /// an expedite card waits while the lane holds another.
    fn next(&self) -> Option<u32> {
        let lane_busy = self
            .cards
            .iter()
            .any(|c| c.expedite && matches!(c.state, State::InProgress | State::Review));
        (0..CARDS as usize)
            .filter(|&i| self.cards[i].state == State::Queued && !self.cards[i].blocked)
            .filter(|&i| !(lane_busy && self.cards[i].expedite))
            .min_by_key(|&i| (!self.cards[i].expedite, !self.cards[i].fixed, i))
            .map(|i| i as u32 + 1)
    }

    /// Whether the move may happen, and whether it passes a limit by override.
    fn allows(&self, id: u32, to: Column, over: bool, who: &str) -> Option<bool> {
        let c = &self.cards[id as usize - 1];
        let legal = matches!(
            (c.state, to),
            (State::Queued, Column::InProgress)
                | (State::InProgress, Column::Review)
                | (State::Review, Column::InProgress)
                | (State::Review, Column::Done)
        );
        if !legal {
            return None;
        }
        match (c.state, to) {
            (State::Queued, _) if c.blocked => return None,
            (State::InProgress, Column::Review) if c.assignee.as_deref() != Some(who) => {
                return None;
            }
            (State::Review, _) if c.assignee.as_deref() == Some(who) => return None,
            _ => {}
        }
        let working = matches!(to, Column::InProgress | Column::Review);
        if c.expedite && working {
            let other = self.cards.iter().enumerate().any(|(i, o)| {
                i as u32 + 1 != id
                    && o.expedite
                    && matches!(o.state, State::InProgress | State::Review)
            });
            return if other { None } else { Some(false) };
        }
        let l = self.limit(to);
        let count = self
            .cards
            .iter()
            .filter(|o| o.state == state_of(to) && !o.expedite)
            .count();
        let full = l.mode != WipMode::Off && l.limit.is_some_and(|n| count >= n as usize);
        match (full, l.mode, over) {
            (false, ..) => Some(false),
            (true, WipMode::Reasoned, true) => Some(true),
            _ => None,
        }
    }

    fn apply(&mut self, id: u32, to: Column, who: &str) {
        let c = &mut self.cards[id as usize - 1];
        if c.state == State::Queued {
            c.assignee = Some(who.to_string());
        }
        c.state = state_of(to);
    }
}

fn people() -> Vec<Actor> {
    ["sam", "lee"]
        .iter()
        .map(|n| Actor {
            name: n.to_string(),
            roles: vec![Role::AmsEngineer],
            automation: false,
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn the_store_follows_the_kanban_rules(ops in prop::collection::vec(op(), 1..50)) {
        let now = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::create(&dir.path().join("k.db")).unwrap();
        let po = Person { name: "priya".into(), roles: vec![Role::ProductOwner], team: Team::Appdev };
        store.init_board("K", Identity::Trust, &po, now).unwrap();
        let po = Actor::person(&po);
        let mut model = Model { cards: Vec::new(), limits: ColumnLimit::defaults() };
        for n in 1..=CARDS {
            let mut new = NewItem::titled(&format!("Card {n}"));
            new.team = Some(Team::Ams);
            new.kind = firebreak::domain::Kind::Defect;
            new.acceptance = "fixed".into();
            new.class = match n { 2 => Class::Expedite, 3 | 5 => Class::FixedDate, _ => Class::Standard };
            if new.class == Class::FixedDate {
                new.due = chrono::NaiveDate::from_ymd_opt(2026, 4, n);
            }
            store.create_item(new.clone(), &po, now).unwrap();
            for cmd in [ItemCommand::Refine, ItemCommand::Queue] {
                store.apply_item(ItemId(n), &cmd, &po, now, None).unwrap();
            }
            model.cards.push(Card {
                state: State::Queued, blocked: false, assignee: None,
                expedite: new.class == Class::Expedite, fixed: new.class == Class::FixedDate,
            });
        }
        let people = people();
        for op in ops {
            match op {
                Op::Pull { id, over, who } => {
                    let actor = &people[who];
                    let reason = over.then_some("override");
                    let target = id.or_else(|| model.next());
                    let expected = target.and_then(|t| model.allows(t, Column::InProgress, over, &actor.name));
                    let got = store.pull(id.map(ItemId), reason, actor, now);
                    prop_assert_eq!(got.is_ok(), expected.is_some(), "{:?} -> {:?}", op, got);
                    if let (Ok(moved), Some(passed)) = (got, expected) {
                        prop_assert_eq!(moved.item.id, ItemId(target.unwrap()));
                        prop_assert_eq!(moved.over.is_some(), passed, "an override is recorded exactly when a limit is passed");
                        model.apply(target.unwrap(), Column::InProgress, &actor.name);
                    }
                }
                Op::Move { id, to, over, who } => {
                    let actor = &people[who];
                    let expected = model.allows(id, to, over, &actor.name);
                    let got = store.kanban_move(ItemId(id), to, over.then_some("override"), actor, now, None);
                    prop_assert_eq!(got.is_ok(), expected.is_some(), "{:?} -> {:?}", op, got);
                    if let (Ok(moved), Some(passed)) = (got, expected) {
                        prop_assert_eq!(moved.over.is_some(), passed);
                        model.apply(id, to, &actor.name);
                    }
                }
                Op::Block { id } => {
                    let cmd = ItemCommand::Block { reason: "waiting".into() };
                    let ok = store.apply_item(ItemId(id), &cmd, &people[0], now, None).is_ok();
                    let card = &mut model.cards[id as usize - 1];
                    prop_assert_eq!(ok, !card.blocked && card.state != State::Done);
                    card.blocked |= ok;
                }
                Op::Unblock { id } => {
                    let ok = store.apply_item(ItemId(id), &ItemCommand::Unblock, &people[0], now, None).is_ok();
                    let card = &mut model.cards[id as usize - 1];
                    prop_assert_eq!(ok, card.blocked);
                    card.blocked = false;
                }
                Op::Limit { column, limit, mode } => {
                    let l = ColumnLimit { column, limit, mode };
                    store.set_column_limit(l, &people[0], now).unwrap();
                    model.limits.retain(|x| x.column != column);
                    model.limits.push(l);
                }
            }
            // No card lost or duplicated: every card is in exactly the state the model says.
            let items = store.backlog().unwrap();
            prop_assert_eq!(items.len(), CARDS as usize);
            for item in &items {
                let card = &model.cards[item.id.0 as usize - 1];
                prop_assert_eq!(item.state, card.state, "{}", item.id);
                prop_assert_eq!(item.blocked.is_some(), card.blocked);
            }
        }
    }
}

#[test]
fn the_stores_pull_order_is_the_domains() {
    let now = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::create(&dir.path().join("demo.db")).unwrap();
    firebreak::demo::build(&mut store, now).unwrap();
    let sam = Actor {
        name: "sam".into(),
        roles: vec![Role::AmsEngineer],
        automation: false,
    };
    for c in [Column::InProgress, Column::Review] {
        store
            .set_column_limit(
                ColumnLimit {
                    column: c,
                    limit: None,
                    mode: WipMode::Off,
                },
                &sam,
                now,
            )
            .unwrap();
    }
    loop {
        let ready = store.kanban_items(Some(State::Queued)).unwrap();
        let expected = firebreak::domain::kanban::next_to_pull(&ready).map(|i| i.id);
        assert_eq!(store.next_to_pull().unwrap(), expected);
        let Some(id) = expected else { break };
        store.pull(None, None, &sam, now).unwrap();
        assert_eq!(store.item(id).unwrap().state, State::InProgress);
    }
}
