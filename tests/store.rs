//! The board file: what it refuses, what it keeps, and two writers at once.

use chrono::{TimeZone, Utc};
use firebreak::domain::backlog::RankMove;
use firebreak::domain::item::NewItem;
use firebreak::domain::{Actor, DomainError, Identity, ItemCommand, ItemId, Person, Role, Team};
use firebreak::store::{Store, StoreError};
use std::path::{Path, PathBuf};

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 30, 0).unwrap()
}

fn priya() -> Person {
    Person {
        name: "priya".into(),
        roles: vec![Role::ProductOwner],
        team: Team::Appdev,
    }
}

fn board(dir: &Path, items: usize) -> (PathBuf, Store) {
    let path = dir.join("board.db");
    let mut store = Store::create(&path).unwrap();
    store
        .init_board("Test", Identity::Trust, &priya(), now())
        .unwrap();
    let po = Actor::person(&priya());
    for n in 0..items {
        let mut new = NewItem::titled(&format!("Item {n}"));
        new.team = Some(Team::Appdev);
        store.create_item(new, &po, now()).unwrap();
    }
    (path, store)
}

fn ids(store: &Store) -> Vec<u32> {
    store.backlog().unwrap().iter().map(|i| i.id.0).collect()
}

#[test]
fn a_file_that_is_not_a_board_is_refused_and_left_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("notes.db");
    std::fs::write(&text, "these are my notes, not a database\n").unwrap();
    let err = Store::open(&text, false).err().unwrap();
    assert!(matches!(err, StoreError::NotABoard(_)), "{err}");
    assert_eq!(err.exit_code(), 2);
    assert_eq!(
        std::fs::read(&text).unwrap(),
        b"these are my notes, not a database\n"
    );

    // Another program's SQLite database: refused before anything is written to it.
    let other = dir.path().join("other.sqlite");
    let conn = rusqlite::Connection::open(&other).unwrap();
    conn.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
        .unwrap();
    drop(conn);
    let before = std::fs::read(&other).unwrap();
    let err = Store::open(&other, false).err().unwrap();
    assert!(
        err.to_string().contains("is not a firebreak database"),
        "{err}"
    );
    assert_eq!(std::fs::read(&other).unwrap(), before);
    assert!(!dir.path().join("other.sqlite-wal").exists());
}

#[test]
fn a_board_from_a_newer_firebreak_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let (path, store) = board(dir.path(), 1);
    drop(store);
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", 999).unwrap();
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
        .unwrap();
    drop(conn);
    let before = std::fs::read(&path).unwrap();
    let err = Store::open(&path, false).err().unwrap();
    assert!(
        matches!(err, StoreError::TooNew { found: 999, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("Upgrade firebreak"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn a_missing_board_says_how_to_make_one() {
    let dir = tempfile::tempdir().unwrap();
    let err = Store::open(&dir.path().join("nope.db"), false)
        .err()
        .unwrap();
    assert!(err.to_string().contains("firebreak init"), "{err}");
    assert!(!dir.path().join("nope.db").exists());
}

#[test]
fn two_connections_writing_the_same_item_never_overwrite_each_other() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut a) = board(dir.path(), 2);
    let mut b = Store::open(&path, false).unwrap();
    let po = Actor::person(&priya());
    let seen = a.item(ItemId(1)).unwrap();
    // B edits first.
    let edit = |t: &str| {
        ItemCommand::Edit(firebreak::domain::ItemEdit {
            title: Some(t.into()),
            ..Default::default()
        })
    };
    b.apply_item(
        ItemId(1),
        &edit("B's title"),
        &po,
        now(),
        Some(seen.version),
    )
    .unwrap();
    // A still holds the old version: refused, and B's change stands.
    let err = a
        .apply_item(
            ItemId(1),
            &edit("A's title"),
            &po,
            now(),
            Some(seen.version),
        )
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Domain(DomainError::Stale { .. })),
        "{err}"
    );
    assert!(err.to_string().contains("changed by priya"), "{err}");
    assert_eq!(a.item(ItemId(1)).unwrap().title, "B's title");
    // A rank move on a stale version is refused too.
    let err = a
        .rank_item(ItemId(1), RankMove::Bottom, &po, now(), Some(seen.version))
        .unwrap_err();
    assert_eq!(err.exit_code(), 3);
    // The other connection sees a new data version; its own writes do not count.
    let va = a.data_version().unwrap();
    b.rank_item(ItemId(2), RankMove::Top, &po, now(), None)
        .unwrap();
    assert_ne!(a.data_version().unwrap(), va);
}

#[test]
fn a_rank_move_writes_the_moved_row_only_and_records_it() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut store) = board(dir.path(), 20);
    let before = store.backlog().unwrap();
    let po = Actor::person(&priya());
    store
        .rank_item(ItemId(15), RankMove::Top, &po, now(), None)
        .unwrap();
    let after = store.backlog().unwrap();
    assert_eq!(after[0].id, ItemId(15));
    for old in &before {
        let new = after.iter().find(|i| i.id == old.id).unwrap();
        if old.id != ItemId(15) {
            assert_eq!(
                (new.version, &new.rank),
                (old.version, &old.rank),
                "{} was rewritten",
                old.id
            );
        }
    }
    let history = store.history("item", "FB-15").unwrap();
    assert_eq!(history.last().unwrap().action, "rank");
    drop(store);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let changes: i64 = conn
        .query_row(
            "SELECT count(*) FROM events WHERE action = 'rank'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(changes, 1);
}

#[test]
fn every_kind_of_move_lands_where_it_says() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut s) = board(dir.path(), 6);
    let po = Actor::person(&priya());
    let mut mv = |id: u32, m: RankMove| s.rank_item(ItemId(id), m, &po, now(), None).map(|_| ());
    mv(6, RankMove::Top).unwrap();
    mv(1, RankMove::Bottom).unwrap();
    mv(3, RankMove::Up(2)).unwrap();
    mv(4, RankMove::Down(1)).unwrap();
    mv(2, RankMove::After(ItemId(5))).unwrap();
    mv(1, RankMove::Before(ItemId(6))).unwrap();
    assert!(mv(1, RankMove::Before(ItemId(1))).is_err());
    assert!(mv(1, RankMove::After(ItemId(99))).is_err());
    assert_eq!(ids(&s), [3, 1, 6, 5, 2, 4]);
}

#[test]
fn keys_that_grow_too_long_are_respaced_without_changing_the_order() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut s) = board(dir.path(), 3);
    let po = Actor::person(&priya());
    // Squeezing between the same two neighbours again and again grows the key fastest.
    for n in 0..200 {
        let id = if n % 2 == 0 { 3 } else { 2 };
        s.rank_item(ItemId(id), RankMove::After(ItemId(1)), &po, now(), None)
            .unwrap();
    }
    let items = s.backlog().unwrap();
    assert!(
        items
            .iter()
            .all(|i| i.rank.len() <= firebreak::domain::rank::RESPACE_AT),
        "{items:?}"
    );
    assert_eq!(ids(&s), [1, 2, 3]);
}

#[test]
fn the_audit_trail_cannot_be_changed_or_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let (path, store) = board(dir.path(), 1);
    drop(store);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let update = conn.execute("UPDATE events SET actor = 'mallory'", []);
    assert!(update.unwrap_err().to_string().contains("append-only"));
    let delete = conn.execute("DELETE FROM events", []);
    assert!(delete.unwrap_err().to_string().contains("append-only"));
}

#[test]
fn a_read_only_board_refuses_writes_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (path, store) = board(dir.path(), 1);
    drop(store);
    let mut ro = Store::open(&path, true).unwrap();
    let po = Actor::person(&priya());
    let err = ro
        .rank_item(ItemId(1), RankMove::Top, &po, now(), None)
        .unwrap_err();
    assert!(matches!(err, StoreError::ReadOnly));
    assert_eq!(ro.backlog().unwrap().len(), 1);
}

#[test]
fn an_export_makes_the_same_board_again_and_a_bad_one_makes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut s) = board(dir.path(), 5);
    let po = Actor::person(&priya());
    s.rank_item(ItemId(5), RankMove::Top, &po, now(), None)
        .unwrap();
    let export = s.export().unwrap();
    let text = serde_json::to_string(&export).unwrap();
    let copy = dir.path().join("copy.db");
    firebreak::store::transfer::import(
        &copy,
        &firebreak::store::transfer::parse(&text).unwrap(),
        now(),
    )
    .unwrap();
    let c = Store::open(&copy, false).unwrap();
    assert_eq!(ids(&c), ids(&s));
    assert_eq!(
        c.history("item", "FB-5").unwrap(),
        s.history("item", "FB-5").unwrap()
    );

    // Two items with one rank: refused as a whole, and no file is left behind.
    let mut broken = export;
    broken.items[1].rank = broken.items[0].rank.clone();
    let text = serde_json::to_string(&broken).unwrap();
    let err = firebreak::store::transfer::parse(&text).unwrap_err();
    assert!(err.to_string().contains("nothing was imported"), "{err}");
    let bad = dir.path().join("bad.db");
    let err = firebreak::store::transfer::import(&bad, &broken, now()).unwrap_err();
    assert!(err.to_string().contains("UNIQUE") || err.exit_code() != 0);
    assert!(!bad.exists());
    assert!(!dir.path().join("bad.importing").exists());
}

mod order_matches_the_domain_model {
    use super::*;
    use firebreak::domain::backlog::{self, RankMove};
    use proptest::prelude::*;

    fn a_move() -> impl Strategy<Value = (u32, RankMove)> {
        let id = 1u32..=8;
        (
            id.clone(),
            prop_oneof![
                Just(RankMove::Top),
                Just(RankMove::Bottom),
                (1u32..4).prop_map(RankMove::Up),
                (1u32..4).prop_map(RankMove::Down),
                id.clone().prop_map(|x| RankMove::Before(ItemId(x))),
                id.prop_map(|x| RankMove::After(ItemId(x))),
            ],
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        /// The store's SQL finds the same neighbours as the domain's model of the order, and
        /// after any sequence of moves the order is strict and total with no item lost.
        #[test]
        fn after_any_moves_the_store_agrees_with_the_model(moves in prop::collection::vec(a_move(), 1..40)) {
            let dir = tempfile::tempdir().unwrap();
            let (_, mut store) = board(dir.path(), 8);
            let po = Actor::person(&priya());
            let mut model: Vec<(ItemId, String)> =
                store.backlog().unwrap().into_iter().map(|i| (i.id, i.rank)).collect();
            for (id, mv) in moves {
                let id = ItemId(id);
                let result = store.rank_item(id, mv, &po, now(), None);
                if matches!(mv, RankMove::Before(x) | RankMove::After(x) if x == id) {
                    prop_assert!(result.is_err());
                    continue;
                }
                result.unwrap();
                let view: Vec<(ItemId, &str)> = model.iter().map(|(i, k)| (*i, k.as_str())).collect();
                if let Some((lo, hi)) = backlog::neighbours(&view, id, mv).unwrap() {
                    let key = backlog::key_between(lo, hi);
                    model.iter_mut().find(|(i, _)| *i == id).unwrap().1 = key;
                    model.sort_by(|a, b| a.1.cmp(&b.1));
                }
                let items = store.backlog().unwrap();
                prop_assert!(items.windows(2).all(|w| w[0].rank < w[1].rank));
                let got: Vec<ItemId> = items.iter().map(|i| i.id).collect();
                let want: Vec<ItemId> = model.iter().map(|(i, _)| *i).collect();
                prop_assert_eq!(got, want);
            }
        }
    }
}

#[test]
fn thousands_of_items_added_one_by_one_keep_short_keys() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut s) = board(dir.path(), 0);
    let po = Actor::person(&priya());
    for n in 0..2000 {
        s.create_item(NewItem::titled(&format!("Ticket {n}")), &po, now())
            .unwrap();
    }
    let items = s.backlog().unwrap();
    assert!(
        items
            .iter()
            .all(|i| i.rank.len() <= firebreak::domain::rank::RESPACE_AT)
    );
    let ids: Vec<u32> = items.iter().map(|i| i.id.0).collect();
    assert_eq!(ids, (1..=2000).collect::<Vec<_>>());
}

#[test]
fn sharing_with_a_group_covers_the_wal_and_shm_while_the_board_is_open() {
    use std::os::unix::fs::PermissionsExt;
    let group = std::process::Command::new("id")
        .arg("-gn")
        .output()
        .unwrap();
    let group = String::from_utf8(group.stdout).unwrap().trim().to_string();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shared.db");
    let mut store = firebreak::store::Store::create(&db).unwrap();
    firebreak::demo::build(&mut store, chrono::Utc::now()).unwrap();
    firebreak::store::share_with_group(&db, &group).unwrap();
    for suffix in ["", "-wal", "-shm"] {
        let p = std::path::PathBuf::from(format!("{}{suffix}", db.display()));
        let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o660, "{suffix}");
    }
    assert!(firebreak::store::exposure_warning(&db).is_none());
}

#[test]
fn all_releases_read_at_once_are_the_releases_read_one_by_one() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::create(&dir.path().join("demo.db")).unwrap();
    firebreak::demo::build(&mut store, Utc::now()).unwrap();
    let one_by_one: Vec<_> = store
        .releases()
        .unwrap()
        .iter()
        .map(|r| store.release(&r.version).unwrap())
        .collect();
    assert!(
        one_by_one.iter().any(|v| v.defect.is_some()),
        "the demo has a halted release"
    );
    assert_eq!(store.release_views(false).unwrap(), one_by_one);
    let in_flight: Vec<_> = one_by_one
        .into_iter()
        .filter(|v| {
            use firebreak::domain::release::ReleaseState::*;
            matches!(
                v.release.state,
                Built | Running | Firebreak | Shadow | Halted
            )
        })
        .collect();
    assert_eq!(store.release_views(true).unwrap(), in_flight);
}

/// The bytes of a file and of its `-wal`, to compare before and after.
fn bytes_of(path: &Path) -> (Vec<u8>, Option<Vec<u8>>) {
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    (std::fs::read(path).unwrap(), std::fs::read(wal).ok())
}

#[test]
fn another_programs_database_in_wal_mode_keeps_its_file_and_its_wal() {
    let dir = tempfile::tempdir().unwrap();
    let other = dir.path().join("app.sqlite");
    // Another program, still running, with rows in its -wal that no checkpoint moved yet.
    let conn = rusqlite::Connection::open(&other).unwrap();
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0;
         CREATE TABLE t (x); INSERT INTO t VALUES (1), (2), (3);",
    )
    .unwrap();
    let before = bytes_of(&other);
    assert!(before.1.is_some(), "the test needs a -wal");
    let err = Store::open(&other, false).err().unwrap();
    assert!(matches!(err, StoreError::NotABoard(_)), "{err}");
    let err = Store::open(&other, true).err().unwrap();
    assert!(matches!(err, StoreError::NotABoard(_)), "{err}");
    assert_eq!(bytes_of(&other), before, "file and -wal byte for byte");
    drop(conn);
}

#[test]
fn a_newer_schema_still_in_the_wal_is_refused_and_nothing_is_checkpointed() {
    let dir = tempfile::tempdir().unwrap();
    let (path, store) = board(dir.path(), 1);
    drop(store);
    // A newer firebreak, still running, migrated the board: the new version is in the -wal.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch("PRAGMA wal_autocheckpoint = 0;")
        .unwrap();
    conn.pragma_update(None, "user_version", 999).unwrap();
    let before = bytes_of(&path);
    assert!(before.1.is_some(), "the test needs a -wal");
    let err = Store::open(&path, false).err().unwrap();
    assert!(
        matches!(err, StoreError::TooNew { found: 999, .. }),
        "{err}"
    );
    assert_eq!(bytes_of(&path), before, "file and -wal byte for byte");
    drop(conn);
}

#[test]
fn a_folder_given_as_the_board_is_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let err = Store::open(dir.path(), false).err().unwrap();
    assert_eq!(err.exit_code(), 2, "{err}");
    assert!(
        err.to_string()
            .contains("is a folder: give the board's file"),
        "{err}"
    );
}

#[test]
fn asking_who_holds_the_lock_or_opening_again_keeps_this_process_s_own_locks() {
    // Closing any descriptor of a file drops every POSIX lock the process holds on it: a
    // board that opened the file or its -shm to look would lose its connections' locks, and
    // another process closing its connection would then take itself for the last one and
    // delete the -wal under the board's feet, with the board's next writes in it.
    let dir = tempfile::tempdir().unwrap();
    let (path, mut board) = board(dir.path(), 1);
    let po = Actor::person(&priya());
    board
        .create_item(NewItem::titled("Before"), &po, now())
        .unwrap();
    let _ = firebreak::store::lock_holder(&path);
    drop(Store::open(&path, false).unwrap());
    // Another process reads the board and goes away.
    let out = assert_cmd::Command::cargo_bin("firebreak")
        .unwrap()
        .env("USER", "priya")
        .args(["--db", path.to_str().unwrap(), "item", "list"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    assert!(
        Path::new(&wal).exists(),
        "the -wal of an open board was deleted"
    );
    board
        .create_item(NewItem::titled("After"), &po, now())
        .unwrap();
    // What the board wrote since is there for everyone.
    let out = assert_cmd::Command::cargo_bin("firebreak")
        .unwrap()
        .env("USER", "priya")
        .args(["--db", path.to_str().unwrap(), "item", "list"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("After"));
}

#[test]
fn accepting_handover_evidence_the_screen_did_not_show_is_refused_as_stale() {
    use firebreak::domain::handover::Act;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.db");
    let mut store = Store::create(&path).unwrap();
    firebreak::demo::build(&mut store, Utc::now()).unwrap();
    let people = firebreak::demo::people();
    let who = |n: &str| Actor::person(people.iter().find(|p| p.name == n).unwrap());
    let revision = |store: &Store| {
        store
            .handover("permits-online")
            .unwrap()
            .checks
            .iter()
            .find(|c| c.key == "capacity")
            .unwrap()
            .revision
    };
    // Omar's screen shows the rejected item; meanwhile tom submits new evidence.
    let shown = revision(&store);
    let evidence = Act::Submit {
        evidence: "load test at the April peak: p95 1.2 s".into(),
    };
    store
        .handover_act(
            "permits-online",
            "capacity",
            &evidence,
            &who("tom"),
            Utc::now(),
            None,
        )
        .unwrap();
    let err = store
        .handover_act(
            "permits-online",
            "capacity",
            &Act::Accept,
            &who("omar"),
            Utc::now(),
            Some(shown),
        )
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("handover item permits-online/capacity was changed by tom"),
        "{err}"
    );
    // Once he has seen it, he accepts it.
    let now_shown = revision(&store);
    store
        .handover_act(
            "permits-online",
            "capacity",
            &Act::Accept,
            &who("omar"),
            Utc::now(),
            Some(now_shown),
        )
        .unwrap();
}

/// Another process writing the board and checkpointing it as it closes, again and again, while
/// this one opens the board: every open finds a board (the first look at the header takes no
/// lock and can catch a page half written; it is never the last word).
#[test]
fn a_board_another_process_is_checkpointing_is_never_taken_for_a_foreign_file() {
    let dir = tempfile::tempdir().unwrap();
    let (path, store) = board(dir.path(), 3);
    drop(store);
    let writer = {
        let path = path.clone();
        std::thread::spawn(move || {
            for n in 0..40 {
                let out = std::process::Command::new(env!("CARGO_BIN_EXE_firebreak"))
                    .args([
                        "--db",
                        path.to_str().unwrap(),
                        "--as",
                        "priya",
                        "item",
                        "add",
                    ])
                    .arg(format!("Written while another opens {n}"))
                    .args(["--team", "appdev"])
                    .output()
                    .unwrap();
                assert!(
                    out.status.success(),
                    "{}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
        })
    };
    let mut opens = 0;
    while !writer.is_finished() {
        match Store::open(&path, true) {
            Ok(_) => opens += 1,
            Err(e @ StoreError::NotABoard(_)) => panic!("open {opens}: {e}"),
            Err(_) => {}
        }
    }
    writer.join().unwrap();
    assert!(opens > 0, "the board was opened while it was written");
}

#[test]
fn a_new_item_lands_below_the_open_work_and_above_the_finished() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::create(&dir.path().join("demo.db")).unwrap();
    firebreak::demo::build(&mut store, now()).unwrap();
    let po = Actor::person(&priya());
    // The finished work ranked to the bottom, as a product owner tidies it.
    let finished: Vec<ItemId> = store
        .backlog()
        .unwrap()
        .into_iter()
        .filter(|i| !i.state.is_open())
        .map(|i| i.id)
        .collect();
    for id in finished {
        store
            .rank_item(id, RankMove::Bottom, &po, now(), None)
            .unwrap();
    }
    let new = store
        .create_item(NewItem::titled("Residents pay by direct debit"), &po, now())
        .unwrap();
    let order = store.backlog().unwrap();
    let at = order.iter().position(|i| i.id == new.id).unwrap();
    assert!(
        order[..at].iter().any(|i| i.state.is_open()),
        "open work above it"
    );
    assert!(
        order[at + 1..].iter().all(|i| !i.state.is_open()),
        "only finished work below it: {:?}",
        order[at + 1..]
            .iter()
            .map(|i| (i.id, i.state))
            .collect::<Vec<_>>()
    );
    assert!(
        at + 1 < order.len(),
        "the demo has finished work at the bottom"
    );
}
