//! The two boards: a pull and a Kanban move on a board of 10,000 items, and the cumulative
//! flow and a sprint's burndown over a year of events. Figures: docs/performance.md.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use firebreak::domain::burndown::{self, Change, ItemChange};
use firebreak::domain::kanban::{Column, ColumnLimit, WipMode};
use firebreak::domain::measures::{self, Transition};
use firebreak::domain::sprint::{Commitment, Sprint, SprintState};
use firebreak::domain::{Actor, ItemCommand, ItemId, State, Team};
use firebreak::store::Store;
use std::collections::HashMap;
use std::hint::black_box;
use std::time::Duration as Wait;

const ITEMS: usize = 10_000;
/// Of which this many maintenance items wait in Ready.
const QUEUED: usize = 3_000;

fn kanban(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::create(&dir.path().join("k.db")).unwrap();
    let now = Utc::now();
    firebreak::demo::build(&mut store, now).unwrap();
    let people = firebreak::demo::people();
    let who = |n: &str| Actor::person(people.iter().find(|p| p.name == n).unwrap());
    let (po, sam, lee) = (who("priya"), who("sam"), who("lee"));
    store
        .create_items(firebreak::demo::generated(ITEMS - 70), &po, now)
        .unwrap();
    let ams: Vec<ItemId> = store
        .backlog()
        .unwrap()
        .into_iter()
        .filter(|i| i.id.0 > 70 && i.team == Some(Team::Ams) && i.state == State::Backlog)
        .map(|i| i.id)
        .take(QUEUED)
        .collect();
    for id in &ams {
        store
            .apply_item(*id, &ItemCommand::Refine, &po, now, None)
            .unwrap();
        store
            .apply_item(*id, &ItemCommand::Queue, &po, now, None)
            .unwrap();
    }
    for column in [Column::InProgress, Column::Review] {
        let open = ColumnLimit {
            column,
            limit: None,
            mode: WipMode::Off,
        };
        store.set_column_limit(open, &sam, now).unwrap();
    }
    let mut g = c.benchmark_group("kanban_10k");
    g.sample_size(20)
        .measurement_time(Wait::from_secs(5))
        .warm_up_time(Wait::from_secs(1));
    // Each pull takes the next card in the pull order. Before each batch, as many more cards
    // as it will pull are queued, outside the clock: Ready never runs dry however many
    // iterations the measurement asks for.
    let mut fresh = 0;
    g.bench_function("pull_next", |b| {
        b.iter_custom(|iters| {
            let more = firebreak::demo::generated_from(ITEMS + fresh, iters as usize)
                .into_iter()
                .map(|mut n| {
                    n.team = Some(Team::Ams);
                    n
                })
                .collect();
            let first = store.item_extent().unwrap().1 as u32 + 1;
            store.create_items(more, &po, now).unwrap();
            fresh += iters as usize;
            for id in first..first + iters as u32 {
                for cmd in [ItemCommand::Refine, ItemCommand::Queue] {
                    store.apply_item(ItemId(id), &cmd, &po, now, None).unwrap();
                }
            }
            let start = std::time::Instant::now();
            for _ in 0..iters {
                black_box(store.pull(None, None, &sam, now).unwrap());
            }
            start.elapsed()
        })
    });
    let card = store.pull(None, None, &sam, now).unwrap().item.id;
    g.bench_function("move_there_and_back", |b| {
        b.iter(|| {
            store
                .kanban_move(card, Column::Review, None, &sam, now, None)
                .unwrap();
            store
                .kanban_move(card, Column::InProgress, None, &lee, now, None)
                .unwrap();
        })
    });
    g.finish();
}

/// A year of a busy team: 3,000 items, each queued, pulled, reviewed and done.
fn year_of_transitions() -> Vec<Transition> {
    let start = Utc.with_ymd_and_hms(2025, 3, 1, 9, 0, 0).unwrap();
    let mut out = Vec::new();
    for item in 0..3_000u32 {
        let born = start + Duration::hours(i64::from(item) * 3);
        for (step, to) in [State::Queued, State::InProgress, State::Review, State::Done]
            .iter()
            .enumerate()
        {
            let at = born + Duration::hours(step as i64 * (20 + i64::from(item % 50)));
            out.push(Transition { item, at, to: *to });
        }
    }
    out.sort_by_key(|t| t.at);
    out
}

fn measures(c: &mut Criterion) {
    let transitions = year_of_transitions();
    let today = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    let mut g = c.benchmark_group("year_of_events");
    g.sample_size(30);
    g.bench_function("cfd_cycle_throughput_30_days", |b| {
        b.iter(|| black_box(measures::flow(&transitions, today, 30, 8)))
    });
    g.bench_function("cfd_365_days", |b| {
        b.iter(|| black_box(measures::cfd(&transitions, today, 365)))
    });

    let sprint = Sprint {
        name: "S".into(),
        project: "p".into(),
        goal: String::new(),
        start: NaiveDate::from_ymd_opt(2026, 2, 16).unwrap(),
        end: NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
        state: SprintState::Active,
        commitment: Some(Commitment {
            items: vec![],
            points: 300,
            at: Utc.with_ymd_and_hms(2026, 2, 16, 9, 0, 0).unwrap(),
        }),
        completed: None,
    };
    let mut changes: Vec<ItemChange> = transitions
        .iter()
        .map(|t| ItemChange {
            item: t.item,
            at: t.at,
            change: Change::Entered(t.to),
        })
        .collect();
    changes.extend((0..3_000u32).map(|item| ItemChange {
        item,
        at: Utc.with_ymd_and_hms(2025, 3, 1, 9, 0, 0).unwrap()
            + Duration::hours(i64::from(item) * 3),
        change: Change::Joined {
            sprint: if item % 10 == 0 {
                "S".into()
            } else {
                "other".into()
            },
        },
    }));
    changes.sort_by_key(|c| c.at);
    let points: HashMap<u32, u32> = (0..3_000).map(|i| (i, 1 + i % 8)).collect();
    g.bench_function("burndown_over_a_year_of_changes", |b| {
        b.iter(|| {
            black_box(burndown::burndown(
                &sprint,
                &changes,
                &points,
                NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
            ))
        })
    });
    g.finish();
}

criterion_group!(benches, kanban, measures);
criterion_main!(benches);
