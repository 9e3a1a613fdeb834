//! What can go wrong with the board file, in sentences that say what to do.

use crate::domain::DomainError;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Domain(#[from] DomainError),
    #[error("there is no board at {}: create one with `firebreak init`, or try `firebreak demo`", .0.display())]
    Missing(PathBuf),
    #[error("{} already exists: choose another --db, or remove the file first", .0.display())]
    Exists(PathBuf),
    #[error("{} is a folder: give the board's file, e.g. --db {}", .0.display(), .0.join("board.db").display())]
    Folder(PathBuf),
    #[error("{} is not a firebreak database; it was left untouched. Check --db or $FIREBREAK_DB", .0.display())]
    NotABoard(PathBuf),
    #[error("{} was written by a newer firebreak (schema {found}, this one knows {known}); it was left untouched. Upgrade firebreak to open it", .path.display())]
    TooNew {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    #[error("the board is open read-only: nothing was changed")]
    ReadOnly,
    #[error("the board's schema could not be brought up to date: {0}")]
    Migration(String),
    #[error("cannot open {}: {source}", .path.display())]
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("{}: {source}", .path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "the board is busy: {} held its write lock for {} s; try again",
        .holder.as_deref().unwrap_or("another process"),
        .waited
    )]
    Busy { holder: Option<String>, waited: u64 },
    /// An outside command the change depends on failed; nothing was written.
    #[error("{0}")]
    Command(String),
    #[error("database error: {0}")]
    Sql(rusqlite::Error),
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
                StoreError::Busy {
                    holder: None,
                    waited: 0,
                }
            }
            Some(rusqlite::ErrorCode::ReadOnly) => StoreError::ReadOnly,
            Some(rusqlite::ErrorCode::NotADatabase) => StoreError::NotABoard(PathBuf::new()),
            _ => StoreError::Sql(e),
        }
    }
}

impl StoreError {
    pub(crate) fn io(path: &std::path::Path, source: std::io::Error) -> Self {
        StoreError::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    pub(crate) fn open(path: &std::path::Path, e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::NotADatabase) => StoreError::NotABoard(path.to_path_buf()),
            _ => StoreError::Open {
                path: path.to_path_buf(),
                source: e,
            },
        }
    }

    /// The CLI's exit code for this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            StoreError::Domain(d) => d.exit_code(),
            StoreError::Missing(_)
            | StoreError::Exists(_)
            | StoreError::Folder(_)
            | StoreError::NotABoard(_)
            | StoreError::TooNew { .. } => 2,
            StoreError::ReadOnly => 3,
            _ => 1,
        }
    }
}
