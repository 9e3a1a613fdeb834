//! Where things live: the default board, the demo board and the log, and who is at the
//! keyboard. Environment overrides are read here and nowhere else.

use std::path::PathBuf;

fn data_dir() -> PathBuf {
    directories::ProjectDirs::from("", "", "firebreak")
        .map(|d| d.data_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from("."))
}

/// `firebreak.db` in the platform data directory.
pub fn default_db() -> PathBuf {
    data_dir().join("firebreak.db")
}

/// The demo board lives beside the default one, never in it.
pub fn demo_db() -> PathBuf {
    data_dir().join("demo.db")
}

/// The folder for the log file: beside the board.
pub fn log_dir(db: &std::path::Path) -> PathBuf {
    db.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map(|p| p.to_path_buf())
        .unwrap_or_else(data_dir)
}

/// The operating-system user: `$USER`, `$LOGNAME`, else what `id -un` says.
pub fn os_user() -> String {
    for var in ["USER", "LOGNAME"] {
        if let Ok(v) = std::env::var(var)
            && !v.trim().is_empty()
        {
            return v.trim().to_string();
        }
    }
    std::process::Command::new("id")
        .arg("-un")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "unknown".to_string())
}
