//! Sprints in the store against a reference model: over any sequence of planning, starting,
//! completing and working, a closed sprint stays closed, at most one sprint is active, and
//! every unfinished item ends up in exactly one place: the backlog or one open sprint.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use firebreak::domain::item::NewItem;
use firebreak::domain::project::Project;
use firebreak::domain::sprint::{Carry, SprintState};
use firebreak::domain::{Actor, Identity, ItemCommand, ItemId, Person, Role, State, Team};
use firebreak::store::Store;
use proptest::prelude::*;

const ITEMS: u32 = 6;
const SPRINTS: usize = 3;

#[derive(Debug, Clone)]
enum Op {
    Plan { sprint: usize, item: u32 },
    Start { sprint: usize },
    Complete { sprint: usize, next: bool },
    Work { item: u32, step: u8, who: usize },
}

fn op() -> impl Strategy<Value = Op> {
    let sprint = 0..SPRINTS;
    let item = 1..=ITEMS;
    prop_oneof![
        3 => (sprint.clone(), item.clone()).prop_map(|(sprint, item)| Op::Plan { sprint, item }),
        1 => sprint.clone().prop_map(|sprint| Op::Start { sprint }),
        1 => (sprint, any::<bool>()).prop_map(|(sprint, next)| Op::Complete { sprint, next }),
        4 => (item, 0u8..3, 0..2usize).prop_map(|(item, step, who)| Op::Work { item, step, who }),
    ]
}

#[derive(Debug, Clone, PartialEq)]
struct Card {
    state: State,
    sprint: Option<usize>,
    assignee: Option<usize>,
}

struct Model {
    sprints: Vec<SprintState>,
    cards: Vec<Card>,
}

impl Model {
    fn plan(&mut self, k: usize, i: u32) -> bool {
        let c = &mut self.cards[i as usize - 1];
        let ok = self.sprints[k] != SprintState::Closed && c.state == State::Ready;
        if ok {
            c.state = State::Planned;
            c.sprint = Some(k);
        }
        ok
    }

    fn start(&mut self, k: usize) -> bool {
        let ok =
            self.sprints[k] == SprintState::Future && !self.sprints.contains(&SprintState::Active);
        if ok {
            self.sprints[k] = SprintState::Active;
        }
        ok
    }

    fn complete(&mut self, k: usize, next: bool) -> bool {
        if self.sprints[k] != SprintState::Active {
            return false;
        }
        let target = (0..SPRINTS).find(|&j| self.sprints[j] == SprintState::Future);
        if next && target.is_none() {
            return false;
        }
        self.sprints[k] = SprintState::Closed;
        for c in self.cards.iter_mut().filter(|c| c.sprint == Some(k)) {
            if matches!(c.state, State::Planned | State::InProgress | State::Review) {
                c.assignee = None;
                if next {
                    c.state = State::Planned;
                    c.sprint = target;
                } else {
                    c.state = State::Ready;
                    c.sprint = None;
                }
            }
        }
        true
    }

    fn work(&mut self, i: u32, step: u8, who: usize) -> bool {
        let active = |c: &Card, sprints: &[SprintState]| {
            c.sprint.is_some_and(|k| sprints[k] == SprintState::Active)
        };
        let sprints = self.sprints.clone();
        let c = &mut self.cards[i as usize - 1];
        let ok = match step {
            0 => c.state == State::Planned && active(c, &sprints),
            1 => c.state == State::InProgress && c.assignee == Some(who),
            _ => c.state == State::Review && c.assignee != Some(who),
        };
        if ok {
            match step {
                0 => {
                    c.state = State::InProgress;
                    c.assignee = Some(who);
                }
                1 => c.state = State::Review,
                _ => c.state = State::Done,
            }
        }
        ok
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn sprints_follow_their_rules(ops in prop::collection::vec(op(), 1..40)) {
        let now = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::create(&dir.path().join("s.db")).unwrap();
        let person = |name: &str, role| Person { name: name.into(), roles: vec![role], team: Team::Appdev };
        store.init_board("S", Identity::Trust, &person("priya", Role::ProductOwner), now).unwrap();
        let po = Actor::person(&person("priya", Role::ProductOwner));
        let devs = [Actor::person(&person("tom", Role::Developer)), Actor::person(&person("aisha", Role::Developer))];
        store.add_project(&Project::delivery("p", false, vec![], 14).unwrap(), &po, now).unwrap();
        let names: Vec<String> = (1..=SPRINTS).map(|k| format!("S{k}")).collect();
        let day = |n: i64| NaiveDate::from_ymd_opt(2026, 3, 2).unwrap() + Duration::days(n);
        for (k, name) in names.iter().enumerate() {
            store.add_sprint(name, "p", "", (day(k as i64 * 14), day(k as i64 * 14 + 13)), &po, now).unwrap();
        }
        for n in 1..=ITEMS {
            let mut new = NewItem::titled(&format!("Story {n}"));
            new.team = Some(Team::Appdev);
            new.project = "p".into();
            new.points = Some(n);
            new.acceptance = "works".into();
            store.create_item(new, &po, now).unwrap();
            store.apply_item(ItemId(n), &ItemCommand::Refine, &po, now, None).unwrap();
        }
        let mut model = Model {
            sprints: vec![SprintState::Future; SPRINTS],
            cards: vec![Card { state: State::Ready, sprint: None, assignee: None }; ITEMS as usize],
        };
        for op in ops {
            let (expected, got) = match &op {
                Op::Plan { sprint, item } => (model.plan(*sprint, *item), store.plan(&names[*sprint], &[ItemId(*item)], &po, now).is_ok()),
                Op::Start { sprint } => (model.start(*sprint), store.start_sprint(&names[*sprint], &po, now).is_ok()),
                Op::Complete { sprint, next } => {
                    let carry = if *next { Carry::Next } else { Carry::Backlog };
                    (model.complete(*sprint, *next), store.complete_sprint(&names[*sprint], carry, &po, now).is_ok())
                }
                Op::Work { item, step, who } => {
                    let cmd = match step { 0 => ItemCommand::Start, 1 => ItemCommand::Submit, _ => ItemCommand::Approve };
                    (model.work(*item, *step, *who), store.apply_item(ItemId(*item), &cmd, &devs[*who], now, None).is_ok())
                }
            };
            prop_assert_eq!(got, expected, "{:?}", op);
            let sprints = store.sprints().unwrap();
            prop_assert!(sprints.iter().filter(|s| s.state == SprintState::Active).count() <= 1);
            for (k, name) in names.iter().enumerate() {
                let s = sprints.iter().find(|s| &s.name == name).unwrap();
                prop_assert_eq!(s.state, model.sprints[k], "{}", name);
            }
            let items = store.backlog().unwrap();
            prop_assert_eq!(items.len(), ITEMS as usize);
            for item in &items {
                let card = &model.cards[item.id.0 as usize - 1];
                prop_assert_eq!(item.state, card.state, "{}", item.id);
                prop_assert_eq!(item.sprint.clone(), card.sprint.map(|k| names[k].clone()), "{}", item.id);
                // Unfinished work is never left in a closed sprint.
                if let Some(k) = card.sprint.filter(|&k| model.sprints[k] == SprintState::Closed) {
                    prop_assert!(matches!(item.state, State::Done | State::Released), "{} left in {}", item.id, names[k]);
                }
            }
        }
    }
}
