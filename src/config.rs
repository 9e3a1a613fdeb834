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

/// The platform config directory (`~/.config/firebreak/` on Linux), where a `hooks.toml` may
/// live when none is beside the board.
pub fn config_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "firebreak").map(|d| d.config_dir().to_path_buf())
}

/// The user's saved views: `$FIREBREAK_VIEWS`, else `views.toml` beside the keymap.
pub fn views_path() -> PathBuf {
    if let Some(p) = std::env::var_os("FIREBREAK_VIEWS").filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    keymap_path().with_file_name("views.toml")
}

/// The saved views: none without a file, else its views or what is wrong with it.
pub fn views() -> Result<Vec<crate::domain::filter::View>, String> {
    let path = views_path();
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            crate::domain::filter::views_from(&text).map_err(|e| format!("{}: {e}", path.display()))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(format!("cannot read {}: {e}", path.display())),
    }
}

/// Writes the saved views whole (to a new file, then renamed over the old one).
pub fn save_views(views: &[crate::domain::filter::View]) -> Result<(), String> {
    let path = views_path();
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("cannot make {}: {e}", dir.display()))?;
    }
    let tmp = path.with_extension("toml.new");
    std::fs::write(&tmp, crate::domain::filter::views_text(views))
        .and_then(|()| std::fs::rename(&tmp, &path))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Saves a view under its name (replacing one of that name): the views after.
pub fn save_view(
    view: crate::domain::filter::View,
) -> Result<Vec<crate::domain::filter::View>, String> {
    let mut all = views()?;
    match all.iter_mut().find(|v| v.name == view.name) {
        Some(v) => *v = view,
        None => all.push(view),
    }
    save_views(&all)?;
    Ok(all)
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
