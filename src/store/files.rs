//! The board's files on disk: who holds the write lock, sharing them with a group, warning when
//! others may write them, and the names SQLite gives its companions.

use std::path::{Path, PathBuf};

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
pub(super) fn board_files(db: &Path) -> Vec<PathBuf> {
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
pub(super) fn may_write(path: &Path) -> bool {
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
pub(super) fn may_write_dir(path: &Path) -> bool {
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
pub(super) fn companion(db: &Path, suffix: &str) -> PathBuf {
    let mut p = db.as_os_str().to_owned();
    p.push(suffix);
    PathBuf::from(p)
}

/// A path as the path of a `file:` URI: the characters a URI gives meaning to are escaped.
pub(super) fn uri_path(path: &Path) -> String {
    let mut out = String::new();
    for c in path.to_string_lossy().chars() {
        match c {
            '%' | '?' | '#' | ' ' => out.push_str(&format!("%{:02X}", c as u32)),
            c => out.push(c),
        }
    }
    out
}
