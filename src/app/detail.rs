//! The item detail pane: the whole item and its history, loaded by the shell when asked for.
//! The Backlog and the Kanban board open the same pane, each on its own selection.

use super::{AppState, Effect, Tab};
use crate::domain::{Event, Item, ItemId};

/// The detail pane: the whole item and its history, once the shell has loaded them.
#[derive(Debug, Clone, PartialEq)]
pub struct Detail {
    /// The tab that opened it: each tab shows only its own.
    pub tab: Tab,
    pub id: ItemId,
    pub item: Option<Item>,
    pub history: Vec<Event>,
    /// The incidents and problems it was raised from, with their comment threads: what the
    /// people on the service said about it.
    pub sources: Vec<(String, Vec<crate::domain::comment::Comment>)>,
    /// How many lines the pane is scrolled down.
    pub scroll: u16,
}

impl Detail {
    fn of(tab: Tab, id: ItemId) -> Detail {
        Detail {
            tab,
            id,
            item: None,
            history: vec![],
            sources: vec![],
            scroll: 0,
        }
    }
}

/// Scrolls the open pane of the tab on screen by `by` lines (down when positive); whether a
/// pane was open to scroll.
pub(crate) fn scroll(s: &mut AppState, by: i32) -> bool {
    match s.detail.as_mut().filter(|d| d.tab == s.tab) {
        Some(d) => {
            d.scroll = (i32::from(d.scroll) + by).clamp(0, i32::from(u16::MAX)) as u16;
            true
        }
        None => false,
    }
}

/// The newest link to the outside of the item the pane of the tab on screen shows, when it
/// is open and has one: what `y` copies there.
pub(crate) fn newest_link(s: &AppState) -> Option<String> {
    let d = s.detail.as_ref().filter(|d| d.tab == s.tab)?;
    crate::domain::link::fold(&d.history)
        .web
        .last()
        .map(|w| w.url.clone())
}

/// The links to the outside the open pane of the tab on screen shows (what may be clickable).
pub(crate) fn shown_links(s: &AppState) -> Vec<String> {
    s.detail
        .as_ref()
        .filter(|d| d.tab == s.tab)
        .map(|d| {
            crate::domain::link::fold(&d.history)
                .web
                .into_iter()
                .map(|w| w.url)
                .filter(|u| crate::domain::link::check_url(u).is_ok())
                .collect()
        })
        .unwrap_or_default()
}

/// The threads of the records the item was raised from, when the pane is still on it.
pub(crate) fn sources_loaded(
    s: &mut AppState,
    id: ItemId,
    sources: Vec<(String, Vec<crate::domain::comment::Comment>)>,
) {
    if let Some(d) = s.detail.as_mut().filter(|d| d.id == id) {
        d.sources = sources;
    }
}

/// Opens the pane on `id` for the tab on screen, or closes it when that tab has it open: what
/// to load.
pub(crate) fn toggle(s: &mut AppState, id: Option<ItemId>) -> Vec<Effect> {
    if s.detail.take().is_some_and(|d| d.tab == s.tab) {
        return vec![];
    }
    match id {
        Some(id) => {
            s.detail = Some(Detail::of(s.tab, id));
            vec![Effect::LoadDetail(id)]
        }
        None => vec![],
    }
}

/// Closes the pane of the tab on screen: whether it was open.
pub(crate) fn close(s: &mut AppState) -> bool {
    if s.detail.as_ref().is_some_and(|d| d.tab == s.tab) {
        s.detail = None;
        return true;
    }
    false
}

/// The open pane follows the selection to `id`: what to load.
pub(crate) fn follow(s: &mut AppState, id: Option<ItemId>) -> Vec<Effect> {
    match (&mut s.detail, id) {
        (Some(d), Some(id)) if d.id != id && d.tab == s.tab => {
            *d = Detail::of(s.tab, id);
            vec![Effect::LoadDetail(id)]
        }
        _ => vec![],
    }
}

/// The whole item and its history arrived: the pane shows them if it is still on it.
pub(crate) fn loaded(s: &mut AppState, item: Item, history: Vec<Event>) {
    if let Some(d) = &mut s.detail
        && d.id == item.id
    {
        d.item = Some(item);
        d.history = history;
    }
}
