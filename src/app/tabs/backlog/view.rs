//! The Backlog tab's view of the one order: the team slice, the fuzzy filter, the selection,
//! the scroll position, move mode and the detail pane.

use crate::app::input::LineInput;
use crate::app::row::Row;
use crate::domain::{Event, Item, ItemId, Team};
use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};
use std::ops::Deref;

/// An item being placed with the arrows: where it was, to put it back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moving {
    pub id: ItemId,
    pub from: usize,
}

/// The detail pane: the whole item and its history, once the shell has loaded them.
#[derive(Debug, Clone, PartialEq)]
pub struct Detail {
    pub id: ItemId,
    pub item: Option<Item>,
    pub history: Vec<Event>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct BacklogView {
    /// `None` shows both teams.
    pub slice: Option<Team>,
    pub show_closed: bool,
    pub filter: LineInput,
    /// The filter is taking keystrokes.
    pub filtering: bool,
    /// Indices into the board's items, in rank order: what the list shows.
    pub visible: Vec<usize>,
    /// Index into `visible`.
    pub selected: usize,
    /// First row on screen.
    pub offset: usize,
    pub moving: Option<Moving>,
    pub detail: Option<Detail>,
    /// The item whose edit form opens when its whole text arrives.
    pub edit_when_loaded: Option<ItemId>,
}

impl BacklogView {
    pub fn selected_index(&self) -> Option<usize> {
        self.visible.get(self.selected).copied()
    }

    pub fn selected_item<'a, T: Deref<Target = Row>>(&self, items: &'a [T]) -> Option<&'a Row> {
        self.selected_index()
            .and_then(|i| items.get(i))
            .map(|i| &**i)
    }

    /// Whether the list shows the whole order, so a move can name the ends of the backlog.
    pub fn is_whole(&self) -> bool {
        self.slice.is_none() && self.show_closed && self.filter.text.is_empty()
    }

    /// Recomputes what is shown. `narrowing` means the filter only grew, so only the rows
    /// shown now can still match. The selection stays on its item when it is still shown,
    /// else moves to the nearest shown item after it.
    pub fn refilter<T: Deref<Target = Row>>(&mut self, items: &[T], narrowing: bool) {
        let keep = self.selected_index();
        let query = self.filter.text.trim();
        let pattern = Pattern::parse(query, CaseMatching::Ignore, Normalization::Smart);
        let mut matcher = Matcher::new(Config::DEFAULT);
        let mut buf = Vec::new();
        let id_query = query.to_ascii_uppercase();
        let looks_like_id = !query.is_empty()
            && (id_query.starts_with("FB-") || id_query.chars().all(|c| c.is_ascii_digit()));
        let shown = |item: &Row, matcher: &mut Matcher, buf: &mut Vec<char>| {
            if self.slice.is_some_and(|t| item.team != Some(t)) {
                return false;
            }
            if !self.show_closed && !item.state.is_open() {
                return false;
            }
            if query.is_empty() {
                return true;
            }
            let id_matches = looks_like_id && {
                let id = item.id.to_string();
                id.starts_with(&id_query) || id[3..].starts_with(&id_query)
            };
            id_matches
                || pattern
                    .score(Utf32Str::new(item.title(), buf), matcher)
                    .is_some()
        };
        // An id query can match rows the text typed so far did not: match them all again.
        let candidates: Vec<usize> = if narrowing && !looks_like_id {
            std::mem::take(&mut self.visible)
        } else {
            (0..items.len()).collect()
        };
        self.visible = candidates
            .into_iter()
            .filter(|&i| shown(&items[i], &mut matcher, &mut buf))
            .collect();
        self.selected = match keep {
            Some(k) => self.visible.partition_point(|&i| i < k),
            None => 0,
        };
        self.clamp();
    }

    /// Follows an item that moved from `from` to `to` in the items (removed, then inserted),
    /// without matching anything again: every other shown row keeps its place.
    pub fn moved(&mut self, from: usize, to: usize) {
        let was_shown = self.visible.binary_search(&from).is_ok();
        self.visible.retain(|&k| k != from);
        for k in &mut self.visible {
            *k = crate::domain::backlog::follow(*k, from, to);
        }
        if was_shown {
            let at = self.visible.partition_point(|&k| k < to);
            self.visible.insert(at, to);
        }
        self.clamp();
    }

    /// Keeps the selection inside the list.
    pub fn clamp(&mut self) {
        if self.selected >= self.visible.len() {
            self.selected = self.visible.len().saturating_sub(1);
        }
    }

    /// Selects the row showing `index` (an index into the items), if shown.
    pub fn select_index(&mut self, index: usize) {
        if let Ok(pos) = self.visible.binary_search(&index) {
            self.selected = pos;
        }
    }

    /// Scrolls so that the selection is on screen, in a list `height` rows tall.
    pub fn scroll(&mut self, height: usize) {
        let height = height.max(1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + height {
            self.offset = self.selected + 1 - height;
        }
        let last_page = self.visible.len().saturating_sub(height);
        self.offset = self.offset.min(last_page);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::item::{NewItem, create};
    use crate::domain::{Actor, Role, State};
    use chrono::{TimeZone, Utc};

    fn items(titles: &[(&str, Team, State)]) -> crate::app::row::Rows {
        let po = Actor {
            name: "priya".into(),
            roles: vec![Role::ProductOwner],
            automation: false,
        };
        let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let keys = crate::domain::rank::spaced(titles.len());
        titles
            .iter()
            .zip(keys)
            .enumerate()
            .map(|(n, ((t, team, state), key))| {
                let mut new = NewItem::titled(t);
                new.team = Some(*team);
                let (mut item, _) = create(new, ItemId(n as u32 + 1), key, &po, now).unwrap();
                item.state = *state;
                Box::new(Row::of(&item))
            })
            .collect()
    }

    fn board() -> crate::app::row::Rows {
        items(&[
            ("Renew a permit", Team::Appdev, State::Backlog),
            ("Payment timeout", Team::Ams, State::Backlog),
            ("Permit zone map", Team::Appdev, State::Done),
            ("Refund a permit", Team::Ams, State::Triage),
        ])
    }

    #[test]
    fn the_filter_narrows_fuzzily_and_keeps_rank_order() {
        let items = board();
        let mut v = BacklogView {
            show_closed: true,
            ..Default::default()
        };
        v.refilter(&items, false);
        assert_eq!(v.visible, [0, 1, 2, 3]);
        v.filter = LineInput::with("prmt");
        v.refilter(&items, true);
        assert_eq!(v.visible, [0, 2, 3]);
        v.filter = LineInput::with("fb-2");
        v.refilter(&items, false);
        assert_eq!(v.visible, [1]);
    }

    #[test]
    fn an_id_typed_key_by_key_is_found() {
        let items = board();
        let mut v = BacklogView {
            show_closed: true,
            ..Default::default()
        };
        v.refilter(&items, false);
        for typed in ["f", "fb", "fb-", "fb-2"] {
            v.filter = LineInput::with(typed);
            v.refilter(&items, true);
        }
        assert_eq!(v.visible, [1]);
    }

    #[test]
    fn the_selection_stays_on_its_item_or_the_next_one_shown() {
        let items = board();
        let mut v = BacklogView {
            show_closed: true,
            ..Default::default()
        };
        v.refilter(&items, false);
        v.selected = 2; // "Permit zone map"
        v.filter = LineInput::with("permit");
        v.refilter(&items, true);
        assert_eq!(v.selected_item(&items).unwrap().title(), "Permit zone map");
        v.selected = 0;
        v.slice = Some(Team::Ams);
        v.refilter(&items, false);
        assert_eq!(v.selected_item(&items).unwrap().title(), "Refund a permit");
    }

    #[test]
    fn closed_items_can_be_hidden() {
        let items = board();
        let mut v = BacklogView::default();
        v.refilter(&items, false);
        assert_eq!(v.visible, [0, 1, 3]);
    }

    #[test]
    fn a_moved_item_is_followed_without_filtering_again() {
        let items = board();
        let mut v = BacklogView {
            show_closed: true,
            ..Default::default()
        };
        v.filter = LineInput::with("permit");
        v.refilter(&items, false);
        assert_eq!(v.visible, [0, 2, 3]);
        // Item 3 ("Refund a permit") moves to the top: everything shifts down by one.
        let mut moved = items.clone();
        let item = moved.remove(3);
        moved.insert(0, item);
        v.moved(3, 0);
        let mut again = v.clone();
        again.refilter(&moved, false);
        assert_eq!(v.visible, again.visible);
        assert_eq!(v.visible, [0, 1, 3]);
        // And back down below the others.
        let item = moved.remove(0);
        moved.insert(2, item);
        v.moved(0, 2);
        again.refilter(&moved, false);
        assert_eq!(v.visible, again.visible);
    }

    #[test]
    fn scrolling_keeps_the_selection_on_screen() {
        let mut v = BacklogView {
            visible: (0..100).collect(),
            selected: 50,
            ..Default::default()
        };
        v.scroll(10);
        assert_eq!(v.offset, 41);
        v.selected = 3;
        v.scroll(10);
        assert_eq!(v.offset, 3);
        v.visible.truncate(5);
        v.scroll(10);
        assert_eq!(v.offset, 0);
    }
}
