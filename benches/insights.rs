//! `report` and the Insights tab over a year of events for 10,000 items: the store's reads and
//! the computation together, then the computation alone. Figures: docs/performance.md.

use chrono::{Duration, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use firebreak::domain::insights;
use firebreak::domain::{Actor, Kind};
use firebreak::store::Store;
use rusqlite::params;
use std::hint::black_box;

const ITEMS: u32 = 10_000;
const RELEASES: u32 = 100;

fn year(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let mut store = Store::create(&db).unwrap();
    let now = Utc::now();
    firebreak::demo::build(&mut store, now).unwrap();
    let people = firebreak::demo::people();
    let po = Actor::person(&people[0]);
    let first = store.items_full().unwrap().len() as u32 + 1;
    store
        .create_items(
            firebreak::demo::generated((ITEMS - first + 1) as usize),
            &po,
            now - Duration::days(366),
        )
        .unwrap();
    // A year of work, written straight into the file: each item started, reviewed and done on
    // its own days, a third of them released; a hundred releases on the path to live.
    let mut conn = rusqlite::Connection::open(&db).unwrap();
    let tx = conn.transaction().unwrap();
    {
        let mut event = tx
            .prepare(
                "INSERT INTO events (at, actor, entity, entity_id, action, from_state, to_state, details)
                 VALUES (?1, 'tom', ?2, ?3, ?4, ?5, ?6, ?7)",
            )
            .unwrap();
        for id in first..=ITEMS {
            let start = now - Duration::days(i64::from(id * 37 % 360) + 5);
            let steps = [
                ("start", "planned", "in-progress", 0),
                ("submit", "in-progress", "review", 2),
                ("approve", "review", "done", 4),
            ];
            for (action, from, to, day) in steps {
                let at = start + Duration::days(day);
                event
                    .execute(params![
                        at,
                        "item",
                        format!("FB-{id}"),
                        action,
                        from,
                        to,
                        "{}"
                    ])
                    .unwrap();
            }
            let state = if id % 3 == 0 { "released" } else { "done" };
            if id % 3 == 0 {
                let at = start + Duration::days(6);
                event
                    .execute(params![
                        at,
                        "item",
                        format!("FB-{id}"),
                        "release",
                        "done",
                        "released",
                        "{}"
                    ])
                    .unwrap();
            }
            tx.execute(
                "UPDATE items SET state = ?2 WHERE id = ?1",
                params![id, state],
            )
            .unwrap();
        }
        for n in 0..RELEASES {
            let version = format!("9.{n}.0");
            let cut = now - Duration::days(i64::from(360 - n * 3));
            let items: Vec<String> = (0..20)
                .map(|k| format!("\"FB-{}\"", first + n * 20 + k))
                .collect();
            tx.execute(
                "INSERT INTO releases (version, project, originator, team, schema_change, items, state, slot, created, updated)
                 VALUES (?1, 'bau', 'sam', 'ams', 0, ?2, 'live', 'blue', ?3, ?3)",
                params![version, format!("[{}]", items.join(",")), cut],
            )
            .unwrap();
            let mut at = cut;
            let mut put = |action: &str, env: &str, hours: i64| {
                at += Duration::hours(hours);
                let details =
                    format!("{{\"env\": \"{env}\", \"step\": \"deploy\", \"result\": \"pass\"}}");
                event
                    .execute(params![at, "release", version, action, "", "", details])
                    .unwrap();
            };
            put("cut", "", 0);
            for env in ["dev", "test", "preprod"] {
                put("step", env, 1);
                put("step", env, 2);
            }
            put("restart", "", 20);
            put("step", "production", 1);
            for _ in 0..3 {
                put("vote", "", 3);
            }
            put("switch", "", 1);
        }
    }
    tx.commit().unwrap();
    drop(conn);
    let omar = Actor::person(people.iter().find(|p| p.name == "omar").unwrap());
    for n in 0..300 {
        let at = now - Duration::hours(i64::from(n) * 29);
        let version = format!("9.{}.0", n % RELEASES);
        let i = store
            .log_incident(
                &format!("Incident {n}"),
                firebreak::domain::incident::Priority::P3,
                Some("bau"),
                Some(&version),
                &omar,
                at,
            )
            .unwrap();
        if n % 10 == 0 {
            store
                .incident_ticket(&i.id, Kind::Defect, &omar, at)
                .unwrap();
        }
    }
    let today = now.date_naive();
    let since = today - Duration::days(365);
    let facts = store.insight_facts().unwrap();
    let mut g = c.benchmark_group("insights");
    g.sample_size(20);
    g.bench_function("report_over_a_year_of_10000_items", |b| {
        b.iter(|| black_box(store.insights(since, today).unwrap()))
    });
    g.bench_function("compute_only_over_a_year_of_10000_items", |b| {
        b.iter(|| black_box(insights::compute(&facts, since, today)))
    });
    g.finish();
}

criterion_group!(benches, year);
criterion_main!(benches);
