//! The command line's reads at 10,000 and 100,000 items: `item list --json`, the table,
//! `audit --json` and `export`, each written through the same escaping, buffered writer as the
//! real binary into a sink. Rows and bytes per second. Figures, the machine and SQLite's own
//! shell beside them: docs/performance.md.

use chrono::Utc;
use clap::Parser;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use firebreak::cli::{Cli, SafeWriter, run};
use firebreak::store::Store;
use std::path::{Path, PathBuf};
use std::time::Duration;

fn board(dir: &Path, items: usize) -> PathBuf {
    let path = dir.join(format!("board-{items}.db"));
    let mut store = Store::create(&path).unwrap();
    let now = Utc::now();
    firebreak::demo::build(&mut store, now).unwrap();
    let po = firebreak::domain::Actor::person(&firebreak::demo::people()[0]);
    store
        .create_items(firebreak::demo::generated(items - 72), &po, now)
        .unwrap();
    path
}

/// Runs one command as the binary does, into a sink; the bytes it wrote.
fn command(db: &Path, args: &[&str]) -> u64 {
    let mut all = vec!["firebreak", "--db", db.to_str().unwrap()];
    all.extend_from_slice(args);
    let cli = Cli::parse_from(all);
    let mut counted = Counter(0);
    {
        let mut out = SafeWriter::new(&mut counted);
        run(&cli, cli.command.as_ref().unwrap(), &mut out).unwrap();
    }
    counted.0
}

struct Counter(u64);

impl std::io::Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len() as u64;
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn reads(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    for items in [10_000usize, 100_000] {
        let db = board(dir.path(), items);
        let mut g = c.benchmark_group(format!("reads_{}k", items / 1000));
        g.sample_size(10).measurement_time(Duration::from_secs(10));
        for (name, args) in [
            ("item_list_json", vec!["item", "list", "--json"]),
            ("item_list_table", vec!["item", "list"]),
            ("audit_json", vec!["audit", "--json"]),
            ("export", vec!["export"]),
        ] {
            let bytes = command(&db, &args);
            g.throughput(Throughput::Bytes(bytes));
            g.bench_function(name, |b| b.iter(|| command(&db, &args)));
        }
        g.throughput(Throughput::Elements(items as u64));
        g.bench_function("item_list_json_rows", |b| {
            b.iter(|| command(&db, &["item", "list", "--json"]))
        });
        g.finish();
    }
}

criterion_group!(benches, reads);
criterion_main!(benches);
