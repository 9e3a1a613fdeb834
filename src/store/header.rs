//! What the file says before SQLite opens it: a foreign file, another program's database or a
//! newer firebreak's board is refused from its own bytes, and a newer schema still in the
//! `-wal` through a look that cannot checkpoint.

use super::files::{companion, uri_path};
use super::{APPLICATION_ID, BUSY_TIMEOUT, StoreError, migrations};
use rusqlite::{Connection, OpenFlags};
use std::path::Path;

/// Refuses, from the file's own bytes and before SQLite opens anything, a file that is not a
/// SQLite database, one that is not a firebreak board (`application_id` at offset 68) and one
/// written by a newer firebreak (`user_version` at offset 60). SQLite never touches such a file:
/// no checkpoint, no deleted `-wal` or `-shm`. A newer schema still only in the `-wal` is caught
/// next, through a read-only look that cannot checkpoint.
pub(super) fn check_header(path: &Path) -> Result<(), StoreError> {
    if path.is_dir() {
        return Err(StoreError::Folder(path.to_path_buf()));
    }
    // The header is read through SQLite itself, opened `immutable`: it reads the main file's
    // first page and nothing else (no -wal, no -shm, no lock, no write). Not with a file of our
    // own: closing any descriptor of a file drops every POSIX lock this process holds on it,
    // the board's own connections' locks included.
    // That look takes no lock: while another process checkpoints the board, it can catch a
    // page half written. A file is called foreign only when three looks, a moment apart, agree;
    // a look that cannot read at all leaves the verdict to the locked open that follows, which
    // checks the same header through the board's locks.
    let mut seen = header(path);
    for _ in 0..2 {
        match &seen {
            Ok(Some((app_id, _))) if *app_id == APPLICATION_ID => break,
            Err(_) => break,
            _ => {
                std::thread::sleep(std::time::Duration::from_millis(20));
                seen = header(path);
            }
        }
    }
    let Some((app_id, found)) = seen? else {
        return Ok(());
    };
    if app_id != APPLICATION_ID {
        return Err(StoreError::NotABoard(path.to_path_buf()));
    }
    let known = migrations::latest();
    if found > known {
        return Err(StoreError::TooNew {
            path: path.to_path_buf(),
            found,
            known,
        });
    }
    if companion(path, "-wal").exists() {
        check_wal_schema(path, known)?;
    }
    Ok(())
}

/// `application_id` and `user_version` as the main file's header holds them: `Err` when the
/// file is not an SQLite database at all, `None` when it could not be read just now.
fn header(path: &Path) -> Result<Option<(i32, i64)>, StoreError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
        | OpenFlags::SQLITE_OPEN_NO_MUTEX
        | OpenFlags::SQLITE_OPEN_URI;
    let verdict = |e: rusqlite::Error| match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase) | None => {
            Err(StoreError::NotABoard(path.to_path_buf()))
        }
        Some(_) => Ok(None),
    };
    let conn =
        match Connection::open_with_flags(format!("file:{}?immutable=1", uri_path(path)), flags) {
            Ok(c) => c,
            Err(e) => return verdict(e),
        };
    let read = |pragma: &str| -> rusqlite::Result<i64> {
        conn.query_row(&format!("PRAGMA {pragma}"), [], |r| r.get(0))
    };
    match (
        read("application_id").map(|a| a as i32),
        read("user_version"),
    ) {
        (Ok(app_id), Ok(version)) => Ok(Some((app_id, version))),
        (Err(e), _) | (_, Err(e)) => verdict(e),
    }
}

/// Reads the schema version as the `-wal` has it, through a read-only connection (which never
/// checkpoints nor deletes the `-wal` when it closes).
fn check_wal_schema(path: &Path, known: i64) -> Result<(), StoreError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let Ok(conn) = Connection::open_with_flags(path, flags) else {
        return Ok(());
    };
    let _ = conn.busy_timeout(BUSY_TIMEOUT);
    let read = |pragma: &str| -> Option<i64> {
        conn.query_row(&format!("PRAGMA {pragma}"), [], |r| r.get(0))
            .ok()
    };
    // As with the header: foreign only if three looks, a moment apart, agree (a writer closing
    // meanwhile checkpoints and resets the -wal under this reader).
    let foreign = || read("application_id").is_some_and(|id| id != i64::from(APPLICATION_ID));
    if (0..3).all(|n| {
        if n > 0 {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        foreign()
    }) {
        return Err(StoreError::NotABoard(path.to_path_buf()));
    }
    match read("user_version") {
        Some(found) if found > known => Err(StoreError::TooNew {
            path: path.to_path_buf(),
            found,
            known,
        }),
        _ => Ok(()),
    }
}
