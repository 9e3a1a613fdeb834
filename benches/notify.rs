//! Notifications: how many events a second `notify` tells a hook that does nothing (`true`,
//! a process each), and what a write costs while it runs beside it. Figures:
//! docs/performance.md.

use chrono::Utc;
use criterion::{Criterion, criterion_group, criterion_main};
use firebreak::domain::Actor;
use firebreak::domain::incident::Priority;
use firebreak::store::Store;
use std::time::{Duration, Instant};

const EVENTS: usize = 100;

fn hooks() -> Vec<firebreak::domain::notify::Hook> {
    firebreak::domain::notify::parse_hooks(
        "[[hook]]\nname = \"nothing\"\non = [\"all\"]\ncommand = \"true\"\n",
    )
    .unwrap()
}

fn board(dir: &std::path::Path) -> (Store, Actor) {
    let mut store = Store::create(&dir.join("demo.db")).unwrap();
    firebreak::demo::build(&mut store, Utc::now()).unwrap();
    let omar = Actor::person(
        firebreak::demo::people()
            .iter()
            .find(|p| p.name == "omar")
            .unwrap(),
    );
    (store, omar)
}

fn throughput(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, omar) = board(dir.path());
    let hooks = hooks();
    firebreak::notify::round(&mut store, &hooks, &mut |_| {}).unwrap();
    let mut g = c.benchmark_group("notify");
    g.sample_size(10);
    g.bench_function("tell_100_events_to_true", |b| {
        b.iter_custom(|iters| {
            let mut spent = Duration::ZERO;
            for _ in 0..iters {
                for n in 0..EVENTS {
                    store
                        .log_incident(
                            &format!("P1 {n}"),
                            Priority::P1,
                            Some("bau"),
                            None,
                            &omar,
                            Utc::now(),
                        )
                        .unwrap();
                }
                let start = Instant::now();
                let r = firebreak::notify::round(&mut store, &hooks, &mut |_| {}).unwrap();
                spent += start.elapsed();
                assert_eq!(r.delivered, EVENTS);
            }
            spent
        })
    });
    g.finish();
}

/// A write (an item's rank move) with and without `notify` telling a hook beside it, from
/// another process's point of view: the writer and notify share only the file.
fn write_beside(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, omar) = board(dir.path());
    let po = Actor::person(
        firebreak::demo::people()
            .iter()
            .find(|p| p.name == "priya")
            .unwrap(),
    );
    let mut g = c.benchmark_group("notify");
    g.sample_size(30);
    let write = |store: &mut Store| {
        let first = store.backlog_head(2).unwrap().0;
        store
            .rank_item(
                first[1].id,
                firebreak::domain::backlog::RankMove::Top,
                &po,
                Utc::now(),
                None,
            )
            .unwrap();
    };
    g.bench_function("a_write_alone", |b| b.iter(|| write(&mut store)));
    // notify runs in a thread of its own, with its own connection, telling `true` of a
    // steady stream of P1s written by a third connection.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let path = dir.path().join("demo.db");
    let telling = {
        let stop = stop.clone();
        let path = path.clone();
        std::thread::spawn(move || {
            let mut s = Store::open(&path, false).unwrap();
            let hooks = hooks();
            firebreak::notify::run(
                &mut s,
                &hooks,
                false,
                &|| stop.load(std::sync::atomic::Ordering::Relaxed),
                &mut |_| {},
            )
            .unwrap();
        })
    };
    let logging = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut s = Store::open(&path, false).unwrap();
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                s.log_incident("P1", Priority::P1, Some("bau"), None, &omar, Utc::now())
                    .unwrap();
                std::thread::sleep(Duration::from_millis(5));
            }
        })
    };
    g.bench_function("a_write_while_notify_tells", |b| {
        b.iter(|| write(&mut store))
    });
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    telling.join().unwrap();
    logging.join().unwrap();
    g.finish();
}

criterion_group!(benches, throughput, write_beside);
criterion_main!(benches);
