//! The Backlog tab: the one ranked order, filtered and sliced by team, with the detail pane;
//! ranking (by a key or in move mode), adding and editing items, their transitions, planning one
//! into its sprint, and telling where an escaped defect should have been caught.

pub mod moving;
pub mod view;

pub use view::{BacklogView, Moving};

use crate::app::form::Form;
use crate::app::input::LineInput;
use crate::app::keymap::{Command, Context};
use crate::app::say::{flash, flash_error, writable};
use crate::app::{AppState, Effect, Hit, Overlay, Pending};
use crate::domain::backlog::{self, RankMove};
use crate::domain::sprint::open_sprint;
use crate::domain::{Event, Item, ItemCommand, ItemId, Kind};
use ratatui::crossterm::event::KeyEvent;

/// The Backlog tab's questions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ask {
    /// "Cancel it?", before its reason is asked.
    SureToCancel(ItemId, i64),
    /// Why it is cancelled.
    Cancel(ItemId, i64),
    /// Why it is blocked.
    Block(ItemId, i64),
    /// Where a defect should have been caught: "[VERSION] ENV KIND" or "[VERSION] none".
    Escape(String),
    /// The name to save the filter as.
    SaveView(String),
}

impl Ask {
    pub fn title(&self) -> &'static str {
        match self {
            Ask::SureToCancel(..) | Ask::Cancel(..) | Ask::Block(..) => " Why? ",
            Ask::Escape(_) => " Escaped defect ",
            Ask::SaveView(_) => " Save the view ",
        }
    }
}

/// The tab's answer to a key, or `None` when the key is not the tab's.
pub(crate) fn key(s: &mut AppState, cmd: Command) -> Option<Vec<Effect>> {
    let before = s.selected().map(|i| i.id);
    let page = s.list_height().max(1);
    let last = s.backlog.visible.len().saturating_sub(1);
    let b = &mut s.backlog;
    match cmd {
        Command::Down => b.selected = (b.selected + 1).min(last),
        Command::Up => b.selected = b.selected.saturating_sub(1),
        Command::First => b.selected = 0,
        Command::Last => b.selected = last,
        Command::PageDown => b.selected = (b.selected + page).min(last),
        Command::PageUp => b.selected = b.selected.saturating_sub(page),
        Command::RankDown | Command::RankUp | Command::RankTop | Command::RankBottom => {
            return Some(rank(s, cmd));
        }
        Command::MoveMode => moving::start(s),
        Command::Filter => b.filtering = true,
        Command::Slice => {
            b.slice = match b.slice {
                None => Some(crate::domain::Team::Appdev),
                Some(crate::domain::Team::Appdev) => Some(crate::domain::Team::Ams),
                Some(crate::domain::Team::Ams) => None,
            };
            b.refilter(&s.items, false);
        }
        Command::View1 | Command::View2 | Command::View3 | Command::View4 => {
            let n = match cmd {
                Command::View1 => 0,
                Command::View2 => 1,
                Command::View3 => 2,
                _ => 3,
            };
            match s.views.get(n).cloned() {
                Some(view) => apply_view(s, &view),
                None => crate::app::say::flash_error(
                    s,
                    format!(
                        "No view {} yet: filter with {}, then {} saves it.",
                        n + 1,
                        s.key(crate::app::keymap::Context::Backlog, Command::Filter),
                        s.key(crate::app::keymap::Context::Backlog, Command::SaveView)
                    ),
                ),
            }
        }
        Command::SaveView => {
            let filter = s.backlog.filter.text.trim().to_string();
            if filter.is_empty() || s.backlog.filter_error.is_some() {
                crate::app::say::flash_error(
                    s,
                    format!(
                        "Filter first ({}), then save the filter as a view.",
                        s.key(crate::app::keymap::Context::Backlog, Command::Filter)
                    ),
                );
            } else {
                s.overlay = Some(Overlay::prompt(
                    format!("Save “{filter}” as the view named:"),
                    "",
                    Pending::Backlog(Ask::SaveView(filter)),
                ));
            }
        }
        Command::Fold => {
            // The selected epic, or the epic of the selected item (the selection goes to it).
            let Some(row) = s.selected() else {
                return Some(vec![]);
            };
            let epic = if row.kind == crate::domain::Kind::Epic {
                Some(row.id)
            } else {
                row.epic()
            };
            let Some(epic) = epic else {
                crate::app::say::flash_error(
                    s,
                    "This item is in no epic: select an epic (or one of its items) to fold it.",
                );
                return Some(vec![]);
            };
            let b = &mut s.backlog;
            let folding = b.folded.insert(epic);
            if !folding {
                b.folded.remove(&epic);
            }
            if let Some(at) = s.items.iter().position(|r| r.id == epic) {
                b.select_index(at);
            }
            b.refilter(&s.items, false);
            if let Some(at) = s.items.iter().position(|r| r.id == epic) {
                s.backlog.select_index(at);
            }
            let said = if folding {
                format!("{epic}'s items are folded into it.")
            } else {
                format!("{epic}'s items show again.")
            };
            crate::app::say::flash(s, said);
        }
        Command::ToggleClosed => {
            b.show_closed = !b.show_closed;
            b.refilter(&s.items, false);
            let what = if s.backlog.show_closed {
                "Showing"
            } else {
                "Hiding"
            };
            flash(s, format!("{what} done, released and cancelled items."));
        }
        Command::DetailDown | Command::DetailUp => {
            let by = if cmd == Command::DetailDown { 1 } else { -1 };
            if !crate::app::detail::scroll(s, by) {
                crate::app::say::flash_error(s, "No detail is open to scroll: Enter opens it.");
            }
        }
        Command::Open => {
            let id = s.selected().map(|i| i.id);
            return Some(crate::app::detail::toggle(s, id));
        }
        Command::Back => {
            if !crate::app::detail::close(s) && !s.backlog.filter.text.is_empty() {
                let b = &mut s.backlog;
                b.filter = LineInput::default();
                b.refilter(&s.items, false);
            }
        }
        Command::Add => {
            if writable(s) {
                let team = my_team(s);
                s.overlay = Some(Overlay::Form(Box::new(Form::new(
                    None,
                    &s.projects,
                    &s.delivery_projects,
                    team,
                ))));
            }
        }
        Command::Edit => {
            if let Some(id) = s.selected().map(|i| i.id)
                && writable(s)
            {
                s.backlog.edit_when_loaded = Some(id);
                return Some(vec![Effect::LoadDetail(id)]);
            }
        }
        Command::Accept | Command::Refine | Command::Cancel | Command::Block | Command::Queue => {
            return Some(transition(s, cmd));
        }
        Command::Plan => return Some(plan(s)),
        Command::Escape => escape(s),
        _ => return None,
    }
    let after = s.selected().map(|i| i.id);
    Some(if after != before {
        crate::app::detail::follow(s, after)
    } else {
        vec![]
    })
}

/// The keys while the filter takes keystrokes.
pub(crate) fn filter_key(s: &mut AppState, cmd: Option<Command>, k: KeyEvent) -> Vec<Effect> {
    let b = &mut s.backlog;
    match cmd {
        Some(Command::Keep) => b.filtering = false,
        Some(Command::Back) => {
            b.filtering = false;
            b.filter = LineInput::default();
            b.refilter(&s.items, false);
        }
        Some(Command::Down) => b.selected = (b.selected + 1).min(b.visible.len().saturating_sub(1)),
        Some(Command::Up) => b.selected = b.selected.saturating_sub(1),
        _ => {
            let old = b.filter.text.clone();
            if b.filter.key(k) {
                let narrowing = b.filter.text.starts_with(&old)
                    && b.filter.cursor == b.filter.text.chars().count();
                b.refilter(&s.items, narrowing);
            }
        }
    }
    vec![]
}

fn my_team(s: &AppState) -> Option<crate::domain::Team> {
    s.people
        .iter()
        .find(|p| p.name == s.me.name)
        .map(|p| p.team)
}

fn rank(s: &mut AppState, cmd: Command) -> Vec<Effect> {
    if !writable(s) {
        return vec![];
    }
    let Some(item) = s.selected() else {
        return vec![];
    };
    let (id, version) = (item.id, item.version);
    if let Err(e) = backlog::authorize(&s.me) {
        flash_error(s, e.to_string());
        return vec![];
    }
    let v = &s.backlog.visible;
    let pos = s.backlog.selected;
    let id_at = |p: usize| s.items[v[p]].id;
    // `t` and `b` always mean the ends of the whole backlog, whatever the list shows.
    let first = s.items.first().map(|i| i.id) == Some(id);
    let last = s.items.last().map(|i| i.id) == Some(id);
    let mv = match cmd {
        Command::RankUp if pos > 0 => Some(RankMove::Before(id_at(pos - 1))),
        Command::RankDown if pos + 1 < v.len() => Some(RankMove::After(id_at(pos + 1))),
        Command::RankTop if !first => Some(RankMove::Top),
        Command::RankBottom if !last => Some(RankMove::Bottom),
        _ => None,
    };
    match mv {
        Some(mv) => vec![Effect::Rank { id, mv, version }],
        None => {
            let text = match cmd {
                Command::RankUp => format!("{id} is already at the top of this list."),
                Command::RankDown => format!("{id} is already at the bottom of this list."),
                Command::RankTop => format!("{id} is already at the top of the backlog."),
                _ => format!("{id} is already at the bottom of the backlog."),
            };
            flash(s, text);
            vec![]
        }
    }
}

fn transition(s: &mut AppState, cmd: Command) -> Vec<Effect> {
    let Some(item) = s.selected() else {
        return vec![];
    };
    let (id, version, title, blocked, whole) = (
        item.id,
        item.version,
        item.title().to_string(),
        item.blocked().is_some(),
        item.item(),
    );
    if !writable(s) {
        return vec![];
    }
    let apply = |cmd| vec![Effect::Apply { id, cmd, version }];
    match cmd {
        Command::Accept => apply(ItemCommand::Accept),
        Command::Refine => apply(ItemCommand::Refine),
        Command::Queue => apply(ItemCommand::Queue),
        Command::Block if blocked => apply(ItemCommand::Unblock),
        Command::Block => {
            let block = ItemCommand::Block { reason: "-".into() };
            if crate::app::say::would(s, &whole, &block) {
                s.overlay = Some(Overlay::prompt(
                    format!("Why is {id} blocked?"),
                    "",
                    Pending::Backlog(Ask::Block(id, version)),
                ));
            }
            vec![]
        }
        Command::Cancel => {
            let cancel = ItemCommand::Cancel { reason: "-".into() };
            if !crate::app::say::would(s, &whole, &cancel) {
                return vec![];
            }
            s.overlay = Some(Overlay::Confirm {
                question: format!("Cancel {id} “{title}”? It leaves the backlog for good."),
                then: Pending::Backlog(Ask::SureToCancel(id, version)),
            });
            vec![]
        }
        _ => vec![],
    }
}

/// The selected ready item into its project's open sprint.
fn plan(s: &mut AppState) -> Vec<Effect> {
    let Some(item) = s.selected().cloned() else {
        return vec![];
    };
    if !writable(s) {
        return vec![];
    }
    match open_sprint(&s.sprints, item.project()) {
        Some(sprint) => vec![Effect::Plan {
            sprint: sprint.name.clone(),
            id: item.id,
            seen: s.seen("sprint", &sprint.name),
        }],
        None => {
            flash_error(
                s,
                format!(
                    "{} has no open sprint: add one on the Sprint tab ({}) or with `firebreak sprint add`.",
                    item.project(),
                    s.key(Context::Sprint, Command::NewSprint)
                ),
            );
            vec![]
        }
    }
}

/// Asks where the selected defect, which reached live, should have been caught.
fn escape(s: &mut AppState) {
    let chosen = s.selected().map(|i| (i.id, i.kind));
    if let Some((id, kind)) = chosen
        && crate::app::say::may(s, &crate::domain::policy::RECORD_AN_ESCAPED_DEFECT)
    {
        if kind != Kind::Defect {
            flash_error(
                s,
                format!("{id} is a {kind}: escapes are defects and incidents"),
            );
        } else {
            crate::app::say::ask_escape(
                s,
                &id.to_string(),
                "[VERSION] ENV KIND [CASE], or [VERSION] none (the version when no incident links it)",
                Pending::Backlog(Ask::Escape(id.to_string())),
            );
        }
    }
}

/// What an answer to one of the tab's questions submits, or what would be right instead.
pub(crate) fn submit(s: &mut AppState, ask: Ask, text: String) -> Result<Vec<Effect>, String> {
    let (id, version, cmd) = match ask {
        Ask::SureToCancel(id, version) => {
            s.overlay = Some(Overlay::prompt(
                format!("Why cancel {id}?"),
                "",
                Pending::Backlog(Ask::Cancel(id, version)),
            ));
            return Ok(vec![]);
        }
        Ask::Cancel(id, v) => (id, v, ItemCommand::Cancel { reason: text }),
        Ask::Block(id, v) => (id, v, ItemCommand::Block { reason: text }),
        Ask::Escape(source) => return crate::app::say::escape(source, &text),
        Ask::SaveView(filter) => {
            let view = crate::domain::filter::View::new(text.trim(), &filter)
                .map_err(|e| e.to_string())?;
            return Ok(vec![Effect::SaveView(view)]);
        }
    };
    Ok(vec![Effect::Apply { id, cmd, version }])
}

/// Shows the Backlog through a saved view: its filter, as if typed.
pub(crate) fn apply_view(s: &mut AppState, view: &crate::domain::filter::View) {
    s.tab = crate::app::Tab::Backlog;
    let b = &mut s.backlog;
    b.filter = crate::app::input::LineInput::with(&view.filter);
    b.filtering = false;
    b.refilter(&s.items, false);
    let shown = s.backlog.visible.len();
    crate::app::say::flash(
        s,
        format!("View {}: {} ({shown} shown)", view.name, view.filter),
    );
}

/// The whole item and its history arrived: the detail pane shows them, or the edit form
/// asked for opens.
pub(crate) fn detail_loaded(s: &mut AppState, item: Item, history: Vec<Event>) {
    if s.backlog.edit_when_loaded == Some(item.id) {
        s.backlog.edit_when_loaded = None;
        let team = my_team(s);
        s.overlay = Some(Overlay::Form(Box::new(Form::new(
            Some(item.clone()),
            &s.projects,
            &s.delivery_projects,
            team,
        ))));
    }
    crate::app::detail::loaded(s, item, history);
}

/// What `y` copies: the newest link of the item whose detail is open, else the selected id.
pub(crate) fn copy(s: &AppState) -> Option<String> {
    crate::app::detail::newest_link(s).or_else(|| s.selected().map(|i| i.id.to_string()))
}

/// A click on a row selects it, as the arrows would (the detail pane follows).
pub(crate) fn click(s: &mut AppState, h: Hit) -> Vec<Effect> {
    if s.backlog.moving.is_some() {
        return vec![];
    }
    let (n, cmd) = if h.row >= s.backlog.selected {
        (h.row - s.backlog.selected, Command::Down)
    } else {
        (s.backlog.selected - h.row, Command::Up)
    };
    let mut effects = vec![];
    for _ in 0..n {
        effects = key(s, cmd).unwrap_or_default();
    }
    effects
}

/// Puts the selection on an item, wherever it now is in the list.
pub(crate) fn select_id(s: &mut AppState, id: ItemId) {
    if let Some(i) = s.items.iter().position(|x| x.id == id) {
        s.backlog.select_index(i);
    }
}
