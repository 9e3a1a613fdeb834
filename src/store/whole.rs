//! A new board is made whole or not at all: built under a name nobody else uses beside where
//! it goes, then put in place with a hard link that fails if anything appeared there meanwhile
//! (never a rename over another file). A kill at any moment leaves no board at the target, or a
//! whole one; only the builder's own files are ever removed.

use super::{Store, StoreError};
use std::path::{Path, PathBuf};

/// A name beside `path` that no other process uses: a dot file with this process's id and a
/// counter.
fn building_name(path: &Path) -> PathBuf {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let file = path
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_else(|| "board".into());
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    path.with_file_name(format!(
        ".{file}.building-{}-{}-{nanos}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ))
}

fn remove_with_companions(db: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut p = db.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
}

/// Makes a new board at `path` with `build`, then `finish` on the finished file (e.g. to share
/// it with a group) before it is put in place. Refused if anything is at `path` already, before
/// or after the build.
pub fn create_whole(
    path: &Path,
    build: impl FnOnce(&mut Store) -> Result<(), StoreError>,
    finish: impl FnOnce(&Path) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    if path.is_dir() {
        return Err(StoreError::Folder(path.to_path_buf()));
    }
    if path.exists() {
        return Err(StoreError::Exists(path.to_path_buf()));
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| StoreError::io(dir, e))?;
    }
    let building = building_name(path);
    let made = (|| {
        let mut store = Store::create(&building)?;
        build(&mut store)?;
        // One file, whole: the write-ahead log folded in (and removed as the last connection
        // closes) before it is put in place; the file stays in WAL mode, as every board is.
        store
            .conn()
            .execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
        drop(store);
        finish(&building)?;
        std::fs::hard_link(&building, path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                StoreError::Exists(path.to_path_buf())
            } else {
                StoreError::io(path, e)
            }
        })
    })();
    remove_with_companions(&building);
    made
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_board_that_appeared_meanwhile_is_never_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("board.db");
        let err = create_whole(
            &path,
            |_| {
                std::fs::write(&path, b"someone else's").unwrap();
                Ok(())
            },
            |_| Ok(()),
        )
        .unwrap_err();
        assert!(matches!(err, StoreError::Exists(_)), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), b"someone else's");
        // Nothing of the build is left beside it.
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1);
    }

    #[test]
    fn a_failed_build_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("board.db");
        let err = create_whole(
            &path,
            |_| Err(crate::domain::DomainError::invalid("no").into()),
            |_| Ok(()),
        )
        .unwrap_err();
        assert_eq!(err.to_string(), "no");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
