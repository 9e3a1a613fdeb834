//! The board's one SQLite file: opening it safely, its migrations, and one IMMEDIATE
//! transaction per write holding the rows and their audit events.

mod audit;
mod board;
mod error;
mod escape;
mod gates;
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
mod runs;
mod sprint;
pub mod transfer;
mod validate;
mod whole;

pub use audit::{Break, Verdict};
pub use board::BoardInfo;
pub use error::StoreError;
pub use gates::{Changed, ProductionCommand};
pub use items::ItemFilter;
pub use kanban::Moved;
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

/// Refuses, from the file's own bytes and before SQLite opens anything, a file that is not a
/// SQLite database, one that is not a firebreak board (`application_id` at offset 68) and one
/// written by a newer firebreak (`user_version` at offset 60). SQLite never touches such a file:
/// no checkpoint, no deleted `-wal` or `-shm`. A newer schema still only in the `-wal` is caught
/// next, through a read-only look that cannot checkpoint.
fn check_header(path: &Path) -> Result<(), StoreError> {
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

/// Which process holds the board's write lock, as "pid N (its command line)": asked of the
/// kernel through the lock SQLite takes in the `-shm` file (WAL's write lock, one byte at
/// offset 120). None when nobody else holds it or the platform cannot say.
pub fn lock_holder(db: &Path) -> Option<String> {
    #[cfg(target_os = "linux")]
    {
        // Read from /proc/locks, never by opening the -shm: closing a descriptor of a file
        // drops every POSIX lock this process holds on it, its SQLite connections' included.
        use std::os::unix::fs::MetadataExt;
        let ino = std::fs::metadata(companion(db, "-shm"))
            .ok()?
            .ino()
            .to_string();
        let me = std::process::id().to_string();
        let locks = std::fs::read_to_string("/proc/locks").ok()?;
        let pid = locks.lines().find_map(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            let held = f.len() >= 8
                && !line.contains("->")
                && f[1] == "POSIX"
                && f[3] == "WRITE"
                && f[6] == "120"
                && f[7] == "120"
                && f[5].rsplit(':').next() == Some(ino.as_str())
                && f[4] != me;
            held.then(|| f[4].to_string())
        })?;

        let command = std::fs::read(format!("/proc/{pid}/cmdline"))
            .ok()
            .map(|raw| {
                raw.split(|b| *b == 0)
                    .filter(|a| !a.is_empty())
                    .map(|a| String::from_utf8_lossy(a).to_string())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .filter(|c| !c.is_empty());
        Some(match command {
            Some(c) => format!("pid {pid} ({c})"),
            None => format!("pid {pid}"),
        })
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = db;
        None
    }
}

/// The board file and its `-wal` and `-shm` companions, those that exist.
fn board_files(db: &Path) -> Vec<PathBuf> {
    ["", "-wal", "-shm"]
        .iter()
        .map(|suffix| {
            let mut p = db.as_os_str().to_owned();
            p.push(suffix);
            PathBuf::from(p)
        })
        .filter(|p| p.exists())
        .collect()
}

/// Makes the board and its companions readable and writable by `group` and no one else.
#[cfg(unix)]
pub fn share_with_group(db: &Path, group: &str) -> Result<(), String> {
    use std::os::unix::ffi::OsStrExt;
    let name =
        std::ffi::CString::new(group).map_err(|_| format!("'{group}' is not a group name"))?;
    // SAFETY: a valid C string; getgrnam returns null or a pointer to static storage, read at
    // once.
    let entry = unsafe { libc::getgrnam(name.as_ptr()) };
    if entry.is_null() {
        return Err(format!(
            "there is no group '{group}' on this machine: ask an administrator to add it (groupadd {group})"
        ));
    }
    // SAFETY: non-null, just returned by getgrnam.
    let gid = unsafe { (*entry).gr_gid };
    for file in board_files(db) {
        let c = std::ffi::CString::new(file.as_os_str().as_bytes())
            .map_err(|_| format!("{} has a NUL in its name", file.display()))?;
        // SAFETY: a valid path; uid -1 leaves the owner as it is.
        if unsafe { libc::chown(c.as_ptr(), u32::MAX, gid) } != 0 {
            return Err(format!(
                "cannot give {} to group '{group}': {} (are you in the group? `id` says)",
                file.display(),
                std::io::Error::last_os_error()
            ));
        }
        std::fs::set_permissions(&file, std::os::unix::fs::PermissionsExt::from_mode(0o660))
            .map_err(|e| format!("cannot set {}'s permissions: {e}", file.display()))?;
    }
    Ok(())
}

#[cfg(not(unix))]
pub fn share_with_group(_db: &Path, group: &str) -> Result<(), String> {
    Err(format!(
        "sharing a board with group '{group}' needs a Unix machine"
    ))
}

/// A warning when the board file is readable by users outside its owner and group.
pub fn exposure_warning(db: &Path) -> Option<String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(db).ok()?.permissions().mode();
        (mode & 0o007 != 0).then(|| {
            format!(
                "{} is readable by every user of this machine: `chmod o-rwx` it, or share it with a group (`firebreak init --group NAME` on a new board)",
                db.display()
            )
        })
    }
    #[cfg(not(unix))]
    {
        let _ = db;
        None
    }
}

/// Whether this user may write the board: the file, and the folder its -wal and -shm files
/// go in.
fn may_write(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let ok = |p: &Path| {
            std::ffi::CString::new(p.as_os_str().as_bytes())
                // SAFETY: a valid C string; access only reads the path.
                .is_ok_and(|c| unsafe { libc::access(c.as_ptr(), libc::W_OK) } == 0)
        };
        ok(path) && may_write_dir(path)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        true
    }
}

/// Whether this user may add files beside the board.
fn may_write_dir(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let dir = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::ffi::CString::new(dir.as_os_str().as_bytes())
            // SAFETY: a valid C string; access only reads the path.
            .is_ok_and(|c| unsafe { libc::access(c.as_ptr(), libc::W_OK) } == 0)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        true
    }
}

/// The board's `-wal` or `-shm` file.
fn companion(db: &Path, suffix: &str) -> PathBuf {
    let mut p = db.as_os_str().to_owned();
    p.push(suffix);
    PathBuf::from(p)
}

/// A path as the path of a `file:` URI: the characters a URI gives meaning to are escaped.
fn uri_path(path: &Path) -> String {
    let mut out = String::new();
    for c in path.to_string_lossy().chars() {
        match c {
            '%' | '?' | '#' | ' ' => out.push_str(&format!("%{:02X}", c as u32)),
            c => out.push(c),
        }
    }
    out
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
