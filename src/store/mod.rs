//! The board's one SQLite file: opening it safely, its migrations, and one IMMEDIATE
//! transaction per write holding the rows and their audit events.

mod board;
mod error;
mod escape;
pub mod handover;
mod hypercare;
mod incident;
mod insights;
mod items;
mod kanban;
mod migrations;
mod ops;
mod pd;
mod problem;
pub mod release;
mod rotation;
mod sprint;
pub mod transfer;

pub use board::BoardInfo;
pub use error::StoreError;
pub use kanban::Moved;
pub use transfer::Export;

use crate::domain::Event;
use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};
use std::io::Read;
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
}

impl Store {
    /// Opens an existing board. A missing file, a file that is not a firebreak database and a
    /// database newer than this program are refused, and the file is left as it was.
    pub fn open(path: &Path, readonly: bool) -> Result<Store, StoreError> {
        if !path.exists() {
            return Err(StoreError::Missing(path.to_path_buf()));
        }
        check_header(path)?;
        let flags = if readonly {
            OpenFlags::SQLITE_OPEN_READ_ONLY
        } else {
            OpenFlags::SQLITE_OPEN_READ_WRITE
        } | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI;
        let conn =
            Connection::open_with_flags(path, flags).map_err(|e| StoreError::open(path, e))?;
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
        let conn = Connection::open(path).map_err(|e| StoreError::open(path, e))?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        conn.pragma_update(None, "application_id", APPLICATION_ID)?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
            readonly: false,
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

    /// Runs `f` in one IMMEDIATE transaction: all of it is written, or none of it.
    pub(crate) fn write<T>(
        &mut self,
        f: impl FnOnce(&Transaction<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        if self.readonly {
            return Err(StoreError::ReadOnly);
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }
}

/// Refuses a file whose first bytes are not SQLite's, without opening it as a database.
fn check_header(path: &Path) -> Result<(), StoreError> {
    let mut head = [0u8; 16];
    let mut file = std::fs::File::open(path).map_err(|e| StoreError::io(path, e))?;
    let n = file.read(&mut head).map_err(|e| StoreError::io(path, e))?;
    if n < 16 || &head != b"SQLite format 3\0" {
        return Err(StoreError::NotABoard(path.to_path_buf()));
    }
    Ok(())
}

/// Appends an event to the audit trail.
pub(crate) fn append_event(tx: &Transaction<'_>, e: &Event) -> Result<(), StoreError> {
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
