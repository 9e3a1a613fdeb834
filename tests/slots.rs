//! The release machine against any sequence of cuts, deploys, votes, switches and rollbacks,
//! made by two writers on one file in any interleaving: at most one slot is live, exactly one
//! once anything went live, and it holds the one live release; votes are one per role and per
//! person, never the originator's; a release with a no-go never goes live, and a live one had
//! three go votes.

use chrono::{TimeZone, Utc};
use firebreak::domain::item::NewItem;
use firebreak::domain::kanban::Column;
use firebreak::domain::release::{Outcome, ReleaseState, Vote};
use firebreak::domain::{Actor, Identity, ItemCommand, ItemId, Team};
use firebreak::runner::{Change, change_production};
use firebreak::store::Store;
use proptest::prelude::*;

const ITEMS: u32 = 6;

#[derive(Debug, Clone)]
enum Op {
    Cut(u32),
    Deploy,
    Go,
    /// One person's vote: priya, omar, rita or sam (the originator), go or no-go.
    Vote(usize, bool),
    NoGo,
    Switch,
    Rollback,
}

const VOTERS: [&str; 4] = ["priya", "omar", "rita", "sam"];

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        2 => (1..=ITEMS).prop_map(Op::Cut),
        2 => Just(Op::Deploy),
        2 => Just(Op::Go),
        3 => (0..VOTERS.len(), prop::bool::weighted(0.8)).prop_map(|(p, go)| Op::Vote(p, go)),
        1 => Just(Op::NoGo),
        2 => Just(Op::Switch),
        1 => Just(Op::Rollback),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    #[test]
    fn two_writers_in_any_interleaving_keep_the_release_rules(
        ops in prop::collection::vec((op(), prop::bool::ANY), 1..40)
    ) {
        let now = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let pipeline = dir.path().join("pipeline.toml");
        std::fs::write(&pipeline, "[[environment]]\nname = \"production\"\nblue_green = true\nswitch = \"true\"\nrollback = \"true\"\n").unwrap();
        let db = dir.path().join("s.db");
        let mut s = Store::create(&db).unwrap();
        let people = firebreak::demo::people();
        let who = |n: &str| Actor::person(people.iter().find(|p| p.name == n).unwrap());
        s.init_board("S", Identity::Trust, &people[0], now).unwrap();
        for p in &people[1..] {
            s.add_person(p, &who("priya"), now).unwrap();
        }
        s.set_pipeline("bau", &pipeline, &who("rita"), now).unwrap();
        for n in 1..=ITEMS {
            let mut new = NewItem::titled(&format!("Fix {n}"));
            new.team = Some(Team::Ams);
            new.kind = firebreak::domain::Kind::Defect;
            new.acceptance = "fixed".into();
            s.create_item(new, &who("priya"), now).unwrap();
            for cmd in [ItemCommand::Refine, ItemCommand::Queue] {
                s.apply_item(ItemId(n), &cmd, &who("priya"), now, None).unwrap();
            }
            for (col, w) in [(Column::InProgress, "sam"), (Column::Review, "sam"), (Column::Done, "lee")] {
                s.kanban_move(ItemId(n), col, Some("test"), &who(w), now, None).unwrap();
            }
        }
        let mut latest: Option<String> = None;
        let mut n = 0;
        let mut went_live = false;
        let mut other = Store::open(&db, false).unwrap();
        for (op, second) in ops {
            let s = if second { &mut other } else { &mut s };
            let v = latest.clone();
            let _ = match (&op, v.as_deref()) {
                (Op::Cut(k), _) => {
                    n += 1;
                    let version = format!("1.0.{n}");
                    let ok = s.cut_release(&version, "bau", Some(vec![ItemId(*k)]), false, &who("sam"), now).is_ok();
                    if ok { latest = Some(version); }
                    ok
                }
                (Op::Deploy, Some(v)) => s.report(v, "production", "deploy", Outcome::Pass, 0.1, "", None, &[], now, &firebreak::domain::Actor::automation()).is_ok(),
                (Op::Go, Some(v)) => ["priya", "omar", "rita"].iter().all(|p| s.vote(v, Vote::Go, "", &who(p), now, None).is_ok()),
                (Op::Vote(p, go), Some(v)) => {
                    let vote = if *go { Vote::Go } else { Vote::NoGo };
                    s.vote(v, vote, "because", &who(VOTERS[*p]), now, None).is_ok()
                }
                (Op::NoGo, Some(v)) => s.vote(v, Vote::NoGo, "no", &who("omar"), now, None).is_ok(),
                (Op::Switch, Some(v)) => {
                    let ok = change_production(s, v, Change::Switch, "go", &who("rita"), now, None).is_ok();
                    went_live |= ok;
                    ok
                }
                (Op::Rollback, Some(v)) => change_production(s, v, Change::Rollback, "bad", &who("rita"), now, None).is_ok(),
                _ => false,
            };
            let slots = s.slots("bau").unwrap();
            let live: Vec<_> = slots.iter().filter(|x| x.2).collect();
            prop_assert!(live.len() <= 1, "two live slots: {:?}", slots);
            if went_live {
                prop_assert_eq!(live.len(), 1, "nothing live after a switch: {:?}", slots);
                let version = live[0].1.clone().unwrap();
                prop_assert_eq!(s.release(&version).unwrap().release.state, ReleaseState::Live);
            }
            let live_releases = s.releases().unwrap().into_iter().filter(|r| r.state == ReleaseState::Live).count();
            prop_assert!(live_releases <= 1, "{} live releases", live_releases);
            for view in s.release_views(false).unwrap() {
                let votes = &view.votes;
                let mut roles: Vec<_> = votes.iter().map(|v| v.role).collect();
                let mut people: Vec<_> = votes.iter().map(|v| v.person.clone()).collect();
                roles.sort();
                roles.dedup();
                people.sort();
                people.dedup();
                prop_assert_eq!((roles.len(), people.len()), (votes.len(), votes.len()), "{:?}", votes);
                prop_assert!(votes.iter().all(|v| v.person != view.release.originator), "{:?}", votes);
                let state = view.release.state;
                if votes.iter().any(|v| !v.yes) {
                    prop_assert_eq!(state, ReleaseState::Abandoned, "a no-go release is {}", state);
                }
                if matches!(state, ReleaseState::Live | ReleaseState::Standby | ReleaseState::RolledBack) {
                    prop_assert_eq!(votes.iter().filter(|v| v.yes).count(), 3);
                }
            }
        }
    }
}
