//! Where things live: the default board, the demo board and the log, and who is at the
//! keyboard. Environment overrides are read here and nowhere else.

use std::path::PathBuf;

fn data_dir() -> PathBuf {
    directories::ProjectDirs::from("", "", "firebreak")
        .map(|d| d.data_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from("."))
}

/// The user's key bindings: `$FIREBREAK_KEYMAP`, else `keymap.toml` in the platform config
/// directory (`~/.config/firebreak/` on Linux).
pub fn keymap_path() -> PathBuf {
    if let Some(p) = std::env::var_os("FIREBREAK_KEYMAP").filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    directories::ProjectDirs::from("", "", "firebreak")
        .map(|d| d.config_dir().join("keymap.toml"))
        .unwrap_or_else(|| PathBuf::from("keymap.toml"))
}

/// What the user's keymap file says, read in this one place: `None` when there is no file,
/// else the defaults with it applied, or each of its mistakes with its line.
pub fn user_keymap() -> Option<Result<crate::app::keymap::Keymap, Vec<String>>> {
    let text = std::fs::read_to_string(keymap_path()).ok()?;
    Some(crate::app::keymap::Keymap::with_overrides(&text))
}

/// The keymap in force: the defaults with the user's file applied. A file with mistakes
/// leaves the defaults, and says what is wrong.
pub fn keymap() -> (crate::app::keymap::Keymap, Option<String>) {
    use crate::app::keymap::Keymap;
    match user_keymap() {
        None => (Keymap::default(), None),
        Some(Ok(k)) => (k, None),
        Some(Err(errors)) => (
            Keymap::default(),
            Some(format!(
                "{}: {}; the default keys are in force",
                keymap_path().display(),
                errors.join("; ")
            )),
        ),
    }
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
