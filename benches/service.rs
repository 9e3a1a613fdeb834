//! The live service at scale: a board reload (what every other process's write costs an open
//! board) with 2,000 incidents, 200 problems and a ticket for every tenth incident; and
//! `status` on that board. Figures: docs/performance.md.

use chrono::{Duration, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use firebreak::domain::incident::Priority;
use firebreak::domain::{Actor, Kind};
use firebreak::store::Store;
use std::hint::black_box;

const INCIDENTS: usize = 2_000;
const PROBLEMS: usize = 200;

fn service(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let mut store = Store::create(&db).unwrap();
    let now = Utc::now();
    firebreak::demo::build(&mut store, now).unwrap();
    let people = firebreak::demo::people();
    let omar = Actor::person(people.iter().find(|p| p.name == "omar").unwrap());
    let priorities = [Priority::P1, Priority::P2, Priority::P3, Priority::P4];
    let mut ids = Vec::new();
    for n in 0..INCIDENTS {
        let at = now - Duration::minutes((INCIDENTS - n) as i64);
        let i = store
            .log_incident(
                &format!("Incident {n}"),
                priorities[n % 4],
                Some("bau"),
                None,
                &omar,
                at,
            )
            .unwrap();
        if n % 10 == 0 {
            store
                .incident_ticket(&i.id, Kind::Defect, &omar, at)
                .unwrap();
        }
        ids.push(i.id);
    }
    for n in 0..PROBLEMS {
        let of = [ids[n * 3].clone(), ids[n * 3 + 1].clone()];
        store
            .raise_problem(&format!("Cause {n}"), &of, &omar, now)
            .unwrap();
    }
    let me = omar.clone();
    let mut g = c.benchmark_group("service");
    g.sample_size(20);
    g.bench_function("reload_with_2000_incidents", |b| {
        b.iter(|| black_box(firebreak::tui::snapshot(&store, me.clone()).unwrap()))
    });
    g.bench_function("incident_list_2000", |b| {
        b.iter(|| black_box(store.incidents().unwrap()))
    });
    g.finish();
}

criterion_group!(benches, service);
criterion_main!(benches);
