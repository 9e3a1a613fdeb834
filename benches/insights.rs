//! `report` and the Insights tab on boards with one and ten years of history (10,000 items a
//! year, a release a month, incidents against them): the last twelve weeks and the last year,
//! the store's reads and the computation together, then the computation alone. The Kanban's
//! flow on the same boards. Figures: docs/performance.md.

use chrono::{Duration, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use firebreak::domain::insights::{self, DEFAULT_DAYS};
use firebreak::store::Store;
use std::hint::black_box;

const PER_YEAR: u32 = 10_000;

fn years(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let now = Utc::now();
    let today = now.date_naive();
    for years in [1u32, 10] {
        let db = dir.path().join(format!("history-{years}.db"));
        let mut store = Store::create(&db).unwrap();
        firebreak::demo::build(&mut store, now).unwrap();
        firebreak::demo::history(&mut store, years, PER_YEAR, now - Duration::days(7)).unwrap();
        let mut g = c.benchmark_group(format!("insights_{years}y"));
        g.sample_size(10);
        for (name, days) in [("twelve_weeks", DEFAULT_DAYS), ("a_year", 365)] {
            let since = today - Duration::days(days);
            g.bench_function(format!("report_{name}"), |b| {
                b.iter(|| black_box(store.insights(since, today).unwrap()))
            });
            let facts = store.insight_facts(since, today).unwrap();
            g.bench_function(format!("compute_only_{name}"), |b| {
                b.iter(|| black_box(insights::compute(&facts, since, today)))
            });
        }
        g.bench_function("kanban_flow", |b| {
            b.iter(|| black_box(store.kanban_flow(today).unwrap()))
        });
        g.finish();
    }
}

criterion_group!(benches, years);
criterion_main!(benches);
