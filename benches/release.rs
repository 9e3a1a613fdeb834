//! The path to live: the runner's overhead for one step (a `true` command), and `status` on a
//! board with 1,000 releases. Figures: docs/performance.md.

use chrono::Utc;
use clap::Parser;
use criterion::{Criterion, criterion_group, criterion_main};
use firebreak::cli::{Cli, run};
use firebreak::domain::release::Outcome;
use firebreak::domain::{Actor, ItemId};
use firebreak::runner::run_command;
use firebreak::store::Store;
use std::hint::black_box;
use std::time::Duration;

const RELEASES: usize = 1_000;

fn runner(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let vars = vec![
        ("FIREBREAK_VERSION", "1.0.0".to_string()),
        ("FIREBREAK_ENV", "dev".to_string()),
    ];
    let mut g = c.benchmark_group("runner");
    g.sample_size(50);
    g.bench_function("one_step_of_true", |b| {
        b.iter(|| {
            black_box(run_command(
                "true",
                dir.path(),
                &vars,
                Duration::from_secs(10),
            ))
        })
    });
    g.finish();
}

/// The demo board at `db`, and sam (who runs the maintenance team's releases).
fn demo(db: &std::path::Path) -> (Store, Actor, chrono::DateTime<Utc>) {
    let mut store = Store::create(db).unwrap();
    let now = Utc::now();
    firebreak::demo::build(&mut store, now).unwrap();
    let sam = Actor::person(
        firebreak::demo::people()
            .iter()
            .find(|p| p.name == "sam")
            .unwrap(),
    );
    (store, sam, now)
}

fn status(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let (mut store, sam, now) = demo(&db);
    // A thousand versions of one fix, each halted at its first step: every one is in the
    // on-call view, the worst case for `status`.
    for n in 0..RELEASES {
        let version = format!("3.0.{n}");
        store
            .cut_release(&version, "bau", Some(vec![ItemId(70)]), false, &sam, now)
            .unwrap();
        store
            .report(
                &version,
                "dev",
                "deploy",
                Outcome::Fail,
                0.1,
                "failed\n",
                None,
                &[],
                now,
                &firebreak::domain::Actor::automation(),
            )
            .unwrap();
    }
    drop(store);
    let cli = Cli::parse_from([
        "firebreak",
        "--db",
        db.to_str().unwrap(),
        "--as",
        "sam",
        "status",
        "--json",
    ]);
    let command = cli.command.as_ref().unwrap();
    let mut g = c.benchmark_group("status_1000_releases");
    g.sample_size(20);
    g.bench_function("status_json", |b| {
        b.iter(|| {
            let mut out = Vec::new();
            black_box(run(&cli, command, &mut out).unwrap());
            out
        })
    });
    g.finish();
}

/// A JUnit report of 10,000 cases (one in a hundred failing) read and summed up, as
/// `release report --junit` does before it records the step. Target: under a second.
fn junit(c: &mut Criterion) {
    let mut xml = String::from("<testsuites><testsuite name=\"permits\">");
    for n in 0..10_000 {
        if n % 100 == 0 {
            xml.push_str(&format!(
                "<testcase classname=\"permits.Renewal\" name=\"case {n}\" time=\"0.01\"><failure message=\"expected 200, got 502\">trace of case {n}</failure></testcase>"
            ));
        } else {
            xml.push_str(&format!(
                "<testcase classname=\"permits.Renewal\" name=\"case {n}\" time=\"0.01\"/>"
            ));
        }
    }
    xml.push_str("</testsuite></testsuites>");
    let mut g = c.benchmark_group("junit");
    g.sample_size(20);
    g.bench_function("read_10000_cases", |b| {
        b.iter(|| {
            let cases =
                firebreak::domain::junit::parse(std::hint::black_box(&xml), "r.xml").unwrap();
            firebreak::domain::junit::summary(&cases)
        })
    });
    // The whole of `release report --junit` on the demo board: read, merged, summed up and
    // recorded with every case in one write (each iteration a new version of a bau fix, which
    // its one failing case in a hundred halts, giving its item back to the next).
    let dir = tempfile::tempdir().unwrap();
    let (store, sam, now) = demo(&dir.path().join("demo.db"));
    let store = std::cell::RefCell::new(store);
    let mut n = 0;
    let mut last = String::new();
    g.bench_function("ingest_10000_cases", |b| {
        b.iter_batched(
            || {
                n += 1;
                let version = format!("4.0.{n}");
                store
                    .borrow_mut()
                    .cut_release(&version, "bau", Some(vec![ItemId(70)]), false, &sam, now)
                    .unwrap();
                version
            },
            |version| {
                let cases = firebreak::domain::junit::merged(
                    firebreak::domain::junit::parse(black_box(&xml), "r.xml").unwrap(),
                );
                let (passed, log) = firebreak::domain::junit::summary(&cases);
                assert!(!passed);
                store
                    .borrow_mut()
                    .report(
                        &version,
                        "dev",
                        "deploy",
                        Outcome::Fail,
                        100.0,
                        &log,
                        None,
                        &cases,
                        now,
                        &Actor::automation(),
                    )
                    .unwrap();
                last = version;
            },
            criterion::BatchSize::PerIteration,
        )
    });
    // What opening that step's log reads: its 10,000 cases, each beside its last 8 releases.
    g.bench_function("step_cases_10000_with_history", |b| {
        b.iter(|| {
            black_box(
                store
                    .borrow()
                    .step_cases(&last, "dev", "deploy")
                    .unwrap()
                    .len(),
            )
        })
    });
    g.finish();
}

criterion_group!(benches, runner, status, junit);
criterion_main!(benches);
