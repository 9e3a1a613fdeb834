//! The board's one SQLite file: opening it safely, its migrations, and one IMMEDIATE
//! transaction per write holding the rows and their audit events.

mod audit;
mod board;
mod cases;
mod comment;
mod epic;
mod error;
mod escape;
mod files;
mod gates;
pub mod handover;
mod header;
mod hypercare;
mod incident;
mod insights;
mod items;
mod kanban;
mod label;
mod link;
mod migrations;
mod notify;
mod ops;
mod pd;
mod problem;
mod rank;
pub mod release;
mod rotation;
mod runs;
mod sprint;
pub mod transfer;
mod validate;
mod whole;

pub use audit::{Break, Verdict};
pub use board::BoardInfo;
pub use cases::HISTORY as CASE_HISTORY;
pub use error::StoreError;
use files::{companion, may_write, may_write_dir, uri_path};
pub use files::{exposure_warning, lock_holder, share_with_group};
pub use gates::{Changed, ProductionCommand};
use header::check_header;
pub use items::ItemFilter;
pub use kanban::Moved;
pub use label::LabelCount;
pub use notify::HookState;
pub use runs::RunClaim;
pub use transfer::Export;
pub use whole::create_whole;

use crate::domain::Event;
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// `PRAGMA application_id` of a firebreak database: "FBRK".
pub const APPLICATION_ID: i32 = 0x4642_524B;

/// How long a write waits for another process's write before it gives up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// An open board.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    readonly: bool,
    /// How long a write waits for another process's.
    patience: Duration,
    /// Inside a `decide`: its transaction is open.
    deciding: bool,
}

impl Store {
    /// Opens an existing board. A missing file, a file that is not a firebreak database and a
    /// database newer than this program are refused, and the file is left as it was.
    pub fn open(path: &Path, readonly: bool) -> Result<Store, StoreError> {
        if !path.exists() {
            return Err(StoreError::Missing(path.to_path_buf()));
        }
        check_header(path)?;
        // A file this user may only read opens read-only, as if --readonly were given.
        let readonly = readonly || !may_write(path);
        let flags = if readonly {
            OpenFlags::SQLITE_OPEN_READ_ONLY
        } else {
            OpenFlags::SQLITE_OPEN_READ_WRITE
        } | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI;
        // Reading a WAL board needs its -shm file; where this user can neither find nor make
        // one, the file is read as it stands (SQLite's `immutable`): a look, not a watch.
        let frozen = readonly && !companion(path, "-shm").exists() && !may_write_dir(path);
        let conn = if frozen {
            Connection::open_with_flags(format!("file:{}?immutable=1", uri_path(path)), flags)
        } else {
            Connection::open_with_flags(path, flags)
        }
        .map_err(|e| StoreError::open(path, e))?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        let app_id: i32 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if app_id != APPLICATION_ID {
            return Err(StoreError::NotABoard(path.to_path_buf()));
        }
        let known = migrations::latest();
        if version > known {
            return Err(StoreError::TooNew {
                path: path.to_path_buf(),
                found: version,
                known,
            });
        }
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
            readonly,
            patience: BUSY_TIMEOUT,
            deciding: false,
        };
        store.configure()?;
        if !readonly && version < known {
            migrations::to_latest(&mut store.conn)?;
        }
        Ok(store)
    }

    /// Creates a new, empty board file; refuses if anything is at `path` already.
    pub fn create(path: &Path) -> Result<Store, StoreError> {
        if path.exists() && std::fs::metadata(path).map(|m| m.len() > 0).unwrap_or(true) {
            return Err(StoreError::Exists(path.to_path_buf()));
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| StoreError::io(dir, e))?;
        }
        // Owner-only from the first byte; SQLite gives its -wal and -shm files the same mode.
        // `init --group` opens it to a group.
        let mut file = std::fs::OpenOptions::new();
        file.write(true).create(true).truncate(false);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut file, 0o600);
        file.open(path).map_err(|e| StoreError::io(path, e))?;
        let conn = Connection::open(path).map_err(|e| StoreError::open(path, e))?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        conn.pragma_update(None, "application_id", APPLICATION_ID)?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
            readonly: false,
            patience: BUSY_TIMEOUT,
            deciding: false,
        };
        store.configure()?;
        migrations::to_latest(&mut store.conn)?;
        Ok(store)
    }

    fn configure(&mut self) -> Result<(), StoreError> {
        if !self.readonly {
            self.conn.pragma_update(None, "journal_mode", "WAL")?;
        }
        self.conn.pragma_update(None, "foreign_keys", "ON")?;
        self.conn.pragma_update(None, "synchronous", "NORMAL")?;
        Ok(())
    }

    /// Sets how long a write waits for another process's before it gives up: the board waits
    /// less than a script, so that its screen never stands still for long.
    pub fn set_patience(&mut self, wait: Duration) -> Result<(), StoreError> {
        self.conn.busy_timeout(wait)?;
        self.patience = wait;
        Ok(())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn is_readonly(&self) -> bool {
        self.readonly
    }

    /// Changes whenever another connection commits: the TUI polls it to reload.
    pub fn data_version(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))?)
    }

    /// Runs `f` in one IMMEDIATE transaction: all of it is written, or none of it. Inside a
    /// `decide`, it joins that decision's transaction.
    pub(crate) fn write<T>(
        &mut self,
        f: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.decide(|store| f(&store.conn))
    }

    /// Runs `f` in one IMMEDIATE transaction, reads and writes alike: from its first read to
    /// its commit no other process can write, so what it decides on is what it writes over.
    /// Every write of the store goes through here (two people acting at once end as if one
    /// came first); a refusal or an error rolls everything back.
    pub(crate) fn decide<T>(
        &mut self,
        f: impl FnOnce(&mut Store) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        if self.readonly {
            return Err(StoreError::ReadOnly);
        }
        if self.deciding {
            return f(self);
        }
        let path = self.path.clone();
        let waited = self.patience.as_secs().max(1);
        let named = |e: StoreError| match e {
            StoreError::Busy { holder: None, .. } => StoreError::Busy {
                holder: lock_holder(&path),
                waited,
            },
            other => other,
        };
        self.conn
            .execute_batch("BEGIN IMMEDIATE")
            .map_err(|e| named(e.into()))?;
        self.deciding = true;
        // A panic in `f` unwinds past here: the connection's drop rolls the transaction back.
        let out = f(self);
        self.deciding = false;
        match out {
            Ok(v) => match self.conn.execute_batch("COMMIT") {
                Ok(()) => Ok(v),
                Err(e) => {
                    let _ = self.conn.execute_batch("ROLLBACK");
                    Err(named(e.into()))
                }
            },
            Err(e) => {
                let _ = self.conn.execute_batch("ROLLBACK");
                Err(named(e))
            }
        }
    }

    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }
}

/// Appends an event to the audit trail.
pub(crate) fn append_event(tx: &Connection, e: &Event) -> Result<(), StoreError> {
    insert_event(tx, e)?;
    audit::seal(tx, tx.last_insert_rowid())
}

pub(crate) fn insert_event(tx: &Connection, e: &Event) -> Result<(), StoreError> {
    let details = if e.details.is_null() {
        None
    } else {
        Some(e.details.to_string())
    };
    tx.execute(
        "INSERT INTO events (at, actor, entity, entity_id, action, from_state, to_state, reason, details)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        rusqlite::params![
            e.at, e.actor, e.entity, e.entity_id, e.action, e.from, e.to, e.reason, details
        ],
    )?;
    Ok(())
}

impl Store {
    /// Calls `f` with each row of `sql` made into a `T`, read one at a time.
    pub(crate) fn each_row<T, E: From<StoreError>>(
        &self,
        sql: &str,
        from_row: impl Fn(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
        f: impl FnMut(T) -> Result<(), E>,
    ) -> Result<(), E> {
        self.each_row_with(sql, [], from_row, f)
    }

    /// `each_row` with parameters bound to `sql`.
    pub(crate) fn each_row_with<T, E: From<StoreError>>(
        &self,
        sql: &str,
        params: impl rusqlite::Params,
        from_row: impl Fn(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
        mut f: impl FnMut(T) -> Result<(), E>,
    ) -> Result<(), E> {
        let mut stmt = self.conn.prepare(sql).map_err(StoreError::from)?;
        let mut rows = stmt.query(params).map_err(StoreError::from)?;
        while let Some(row) = rows.next().map_err(StoreError::from)? {
            f(from_row(row).map_err(StoreError::from)?)?;
        }
        Ok(())
    }

    /// Runs `f` as one decision after checking that `entity` `id` is still at the revision
    /// `seen` (what a screen showed); refused as stale otherwise.
    pub(crate) fn decide_seen<T>(
        &mut self,
        entity: &str,
        id: &str,
        seen: Option<i64>,
        f: impl FnOnce(&mut Store) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.decide(|db| {
            check_seen(db.conn(), entity, id, seen)?;
            f(db)
        })
    }

    /// The last event of every record of these kinds of entity, as `kind/id`.
    pub fn revisions_of(
        &self,
        entities: &[&str],
    ) -> Result<std::collections::HashMap<String, i64>, StoreError> {
        let mut out = std::collections::HashMap::new();
        let mut stmt = self.conn.prepare(
            "SELECT entity_id, max(id) FROM events WHERE entity = ?1 GROUP BY entity_id",
        )?;
        for entity in entities {
            let rows = stmt.query_map([entity], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
            })?;
            for row in rows {
                let (id, revision) = row?;
                out.insert(format!("{entity}/{id}"), revision);
            }
        }
        Ok(out)
    }

    /// The day of the board's first event.
    pub fn first_day(&self) -> Result<Option<chrono::NaiveDate>, StoreError> {
        let first: Option<chrono::DateTime<chrono::Utc>> =
            self.conn
                .query_row("SELECT min(at) FROM events", [], |r| r.get(0))?;
        Ok(first.map(|f| f.date_naive()))
    }

    /// Walks the audit trail's seals and names the first event changed, removed or forged.
    pub fn verify_audit(&self) -> Result<Verdict, StoreError> {
        audit::verify(self.conn())
    }
}

/// The last event on a record: the revision of it that a screen or a script saw (every change
/// of every record appends one, so this moves whenever the record does).
pub(crate) fn revision(conn: &Connection, entity: &str, id: &str) -> Result<i64, StoreError> {
    Ok(conn.query_row(
        "SELECT coalesce(max(id), 0) FROM events WHERE entity = ?1 AND entity_id = ?2",
        [entity, id],
        |r| r.get(0),
    )?)
}

/// Refuses a decision taken on a revision of the record that is no longer its latest, saying
/// who changed it and when. `None`: the caller decides on the record as it is now.
pub(crate) fn check_seen(
    conn: &Connection,
    entity: &str,
    id: &str,
    seen: Option<i64>,
) -> Result<(), StoreError> {
    let Some(seen) = seen else { return Ok(()) };
    let last: Option<(i64, String, chrono::DateTime<chrono::Utc>)> = conn
        .query_row(
            "SELECT id, actor, at FROM events WHERE entity = ?1 AND entity_id = ?2 ORDER BY id DESC LIMIT 1",
            [entity, id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    match last {
        Some((now, by, at)) if now != seen => Err(crate::domain::DomainError::Stale {
            id: format!("{entity} {id}"),
            by,
            at,
        }
        .into()),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_decision_on_a_sprint_or_a_hypercare_period_that_moved_on_is_refused_as_stale() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::create(&dir.path().join("demo.db")).unwrap();
        crate::demo::build(&mut store, chrono::Utc::now()).unwrap();
        let revisions = store.revisions_of(&["sprint", "hypercare"]).unwrap();
        let sprint = revisions["sprint/Sprint 3"];
        let hypercare = revisions["hypercare/1.0.0"];
        for (entity, id, seen) in [
            ("sprint", "Sprint 3", sprint),
            ("hypercare", "1.0.0", hypercare),
        ] {
            let err = store
                .decide_seen(entity, id, Some(seen - 1), |_| Ok(()))
                .unwrap_err();
            assert!(
                matches!(
                    err,
                    StoreError::Domain(crate::domain::DomainError::Stale { .. })
                ),
                "{err}"
            );
            assert!(
                err.to_string()
                    .contains(&format!("{entity} {id} was changed by")),
                "{err}"
            );
            store
                .decide_seen(entity, id, Some(seen), |_| Ok(()))
                .unwrap();
        }
    }
}
