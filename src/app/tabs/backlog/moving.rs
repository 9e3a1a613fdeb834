//! Move mode (`m`): an item placed with the arrows, previewed on the board only, written once
//! where it is kept, or put back.

use super::view::Moving;
use crate::app::keymap::{Command, Context};
use crate::app::say::{flash, flash_error, writable};
use crate::app::{AppState, Effect};
use crate::domain::backlog::{self, RankMove};

pub(super) fn start(s: &mut AppState) {
    if !writable(s) {
        return;
    }
    let Some(from) = s.backlog.selected_index() else {
        return;
    };
    if let Err(e) = backlog::authorize(&s.me) {
        flash_error(s, e.to_string());
        return;
    }
    let id = s.items[from].id;
    s.backlog.moving = Some(Moving { id, from });
    let text = format!(
        "Moving {id}: {}/{} place it, {} keeps it, {} puts it back.",
        s.key(Context::Move, Command::Down),
        s.key(Context::Move, Command::Up),
        s.key(Context::Move, Command::Keep),
        s.key(Context::Move, Command::PutBack)
    );
    flash(s, text);
}

/// Moves the item being placed to `target`, a position in the shown list (no write yet).
fn place(s: &mut AppState, target: usize) {
    let b = &s.backlog;
    let (Some(from), Some(&to)) = (b.selected_index(), b.visible.get(target)) else {
        return;
    };
    if from == to {
        return;
    }
    let item = s.items.remove(from);
    s.items.insert(to, item);
    s.backlog.moved(from, to);
    s.backlog.select_index(to);
}

fn put_back(s: &mut AppState) -> Option<Moving> {
    let moving = s.backlog.moving.take()?;
    if let Some(now) = s.items.iter().position(|i| i.id == moving.id) {
        let item = s.items.remove(now);
        s.items.insert(moving.from, item);
        s.backlog.moved(now, moving.from);
    }
    s.backlog.select_index(moving.from);
    Some(moving)
}

/// The keys of move mode.
pub(crate) fn key(s: &mut AppState, cmd: Option<Command>) -> Vec<Effect> {
    let pos = s.backlog.selected;
    let last = s.backlog.visible.len().saturating_sub(1);
    match cmd {
        Some(Command::Down) => place(s, (pos + 1).min(last)),
        Some(Command::Up) => place(s, pos.saturating_sub(1)),
        Some(Command::First) => place(s, 0),
        Some(Command::Last) => place(s, last),
        Some(Command::PutBack) => {
            if let Some(m) = put_back(s) {
                flash(s, format!("{} is back where it was.", m.id));
            }
        }
        Some(Command::Keep) => return keep(s),
        Some(Command::Quit) => {
            put_back(s);
            return vec![Effect::Quit];
        }
        Some(Command::Help) => crate::app::help::open(s),
        _ => {}
    }
    vec![]
}

/// Ends move mode with one write: after the item now above it, or before the one below.
fn keep(s: &mut AppState) -> Vec<Effect> {
    let pos = s.backlog.selected;
    let v = &s.backlog.visible;
    let above = pos.checked_sub(1).map(|p| s.items[v[p]].id);
    let below = v.get(pos + 1).map(|&i| s.items[i].id);
    let Some(moving) = put_back(s) else {
        return vec![];
    };
    let version = s.items[moving.from].version;
    let mv = match (above, below) {
        (Some(a), _) => RankMove::After(a),
        (None, Some(b)) => RankMove::Before(b),
        (None, None) => return vec![],
    };
    let unchanged = s.items.get(moving.from.wrapping_sub(1)).map(|i| i.id) == above
        && (above.is_some() || s.items.get(moving.from + 1).map(|i| i.id) == below);
    if unchanged {
        flash(s, format!("{} stays where it was.", moving.id));
        return vec![];
    }
    vec![Effect::Rank {
        id: moving.id,
        mv,
        version,
    }]
}
