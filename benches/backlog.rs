//! The Backlog at 100,000 items: open and draw the first frame, draw a frame, move an item
//! to the top, and one filter keystroke. Figures and the machine: docs/performance.md.

use chrono::Utc;
use criterion::{Criterion, criterion_group, criterion_main};
use firebreak::app::{self, AppState, Msg};
use firebreak::domain::backlog::RankMove;
use firebreak::session::resolve_actor;
use firebreak::store::Store;
use firebreak::{tui, ui};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

const ITEMS: usize = 100_000;

fn board(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("big.db");
    let mut store = Store::create(&path).unwrap();
    let now = Utc::now();
    firebreak::demo::build(&mut store, now).unwrap();
    let po = firebreak::domain::Actor::person(&firebreak::demo::people()[0]);
    store
        .create_items(firebreak::demo::generated(ITEMS - 64), &po, now)
        .unwrap();
    path
}

/// Opens the board as the terminal does: the first screen only, or the whole of it.
fn open(path: &Path, whole: bool) -> (Store, AppState) {
    let store = Store::open(path, false).unwrap();
    let me = resolve_actor(&store, None, "priya", chrono::Utc::now().date_naive()).unwrap();
    let snapshot = if whole {
        tui::snapshot(&store, me).unwrap()
    } else {
        tui::first_screen(&store, me).unwrap()
    };
    let mut state = AppState::new("big.db", false, false, Utc::now());
    app::update(&mut state, Msg::Loaded(Box::new(snapshot)));
    app::update(&mut state, Msg::Resize(120, 40));
    (store, state)
}

fn draw(state: &AppState, terminal: &mut Terminal<TestBackend>) {
    terminal
        .draw(|f| {
            black_box(ui::render(state, f));
        })
        .unwrap();
}

fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

fn backlog(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let path = board(dir.path());
    let mut g = c.benchmark_group("backlog_100k");
    g.sample_size(20).measurement_time(Duration::from_secs(8));

    g.bench_function("open_and_first_frame", |b| {
        let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
        b.iter(|| {
            let (_store, state) = open(&path, false);
            draw(&state, &mut terminal);
        })
    });

    g.bench_function("load_whole_board", |b| {
        b.iter(|| black_box(open(&path, true)))
    });

    let (mut store, mut state) = open(&path, true);
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    g.bench_function("frame", |b| {
        b.iter(|| draw(black_box(&state), &mut terminal))
    });

    let po = state.me.clone();
    g.bench_function("move_to_top", |b| {
        // As a product owner does it: select the last item (G), send it to the top (t), so
        // every move is a real one; the write, then the board following it.
        b.iter(|| {
            app::update(&mut state, key('G'));
            let last = state.selected().unwrap();
            let (id, version) = (last.id, last.version);
            let item = store
                .rank_item(id, RankMove::Top, &po, Utc::now(), Some(version))
                .unwrap();
            app::update(&mut state, Msg::Saved(Box::new(item), String::new()));
        })
    });

    g.bench_function("filter_keystroke", |b| {
        b.iter_batched(
            || {
                let mut s = state.clone();
                app::update(&mut s, key('/'));
                s
            },
            |mut s| {
                app::update(&mut s, key('p'));
                // Handed back, so that criterion drops the copied board outside the timing.
                s
            },
            criterion::BatchSize::LargeInput,
        )
    });

    g.bench_function("filter_narrowing_keystroke", |b| {
        b.iter_batched(
            || {
                let mut s = state.clone();
                for c in "/perm".chars() {
                    app::update(&mut s, key(c));
                }
                s
            },
            |mut s| {
                app::update(&mut s, key('i'));
                s
            },
            criterion::BatchSize::LargeInput,
        )
    });
    g.bench_function("filter_fields_keystroke", |b| {
        // The filter that speaks fields at its heaviest: every row read for several fields
        // and a negated word, then the words matched fuzzily, on the last keystroke.
        b.iter_batched(
            || {
                let mut s = state.clone();
                for c in "/team:ams -is:blocked age:>1d -state:triage renew perm".chars() {
                    app::update(&mut s, key(c));
                }
                s
            },
            |mut s| {
                app::update(&mut s, key('i'));
                s
            },
            criterion::BatchSize::LargeInput,
        )
    });
    g.finish();
}

criterion_group!(benches, backlog);
criterion_main!(benches);
