//! The Backlog tab's view of the one order: the team slice, the fuzzy filter, the selection,
//! the scroll position, move mode and the detail pane.

use crate::app::input::LineInput;
use crate::app::row::Row;
use crate::domain::{ItemId, Team};
use std::ops::Deref;

/// An item being placed with the arrows: where it was, to put it back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moving {
    pub id: ItemId,
    pub from: usize,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct BacklogView {
    /// `None` shows both teams.
    pub slice: Option<Team>,
    pub show_closed: bool,
    pub filter: LineInput,
    /// The filter is taking keystrokes.
    pub filtering: bool,
    /// Indices into the board's items: what the list shows. With a filter, the exact matches
    /// come first, then those that start with it, then those that contain it, then the fuzzy
    /// ones; each group in rank order (`groups` says where each ends).
    pub visible: Vec<usize>,
    /// Where each group of `visible` ends; without a filter, all are in the last.
    pub groups: [usize; 4],
    /// Index into `visible`.
    pub selected: usize,
    /// First row on screen.
    pub offset: usize,
    pub moving: Option<Moving>,
    /// The item whose edit form opens when its whole text arrives.
    pub edit_when_loaded: Option<ItemId>,
    /// Why the filter as typed does not read (an unknown field, a value still missing); the
    /// list stays as the last filter that read left it.
    pub filter_error: Option<String>,
    /// The board's clock, for `age:` in the filter.
    pub now: chrono::DateTime<chrono::Utc>,
    /// Each epic's title and progress, from the rows: what an epic's row and its members show.
    pub epics: std::collections::HashMap<ItemId, Epic>,
    /// The epics whose members are folded into their row.
    pub folded: std::collections::HashSet<ItemId>,
}

/// An epic as the Backlog shows it: its title, and how far its members are.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Epic {
    pub title: String,
    pub done: usize,
    pub total: usize,
    pub points_done: u32,
    pub points: u32,
}

impl Epic {
    /// "2 of 5 done · 8 of 21 points".
    pub fn progress(&self) -> String {
        format!(
            "{} of {} done · {} of {} points",
            self.done, self.total, self.points_done, self.points
        )
    }
}

/// Every epic of the board with its members' progress, read from the rows (a pass for the
/// epics, one for their members).
pub fn epics<T: Deref<Target = Row>>(items: &[T]) -> std::collections::HashMap<ItemId, Epic> {
    let mut out: std::collections::HashMap<ItemId, Epic> = std::collections::HashMap::new();
    for row in items {
        if row.kind == crate::domain::Kind::Epic {
            out.entry(row.id).or_default().title = row.title().to_string();
        }
    }
    for row in items {
        let Some(e) = row.epic() else { continue };
        let Some(epic) = out.get_mut(&e) else {
            continue;
        };
        if row.state == crate::domain::State::Cancelled {
            continue;
        }
        let finished = matches!(
            row.state,
            crate::domain::State::Done | crate::domain::State::Released
        );
        epic.total += 1;
        epic.done += usize::from(finished);
        let p = row.points().unwrap_or(0);
        epic.points += p;
        if finished {
            epic.points_done += p;
        }
    }
    out
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

    /// Recomputes what is shown. `narrowing` means the filter only grew, so only the rows
    /// shown now can still match. The selection stays on its item when it is still shown,
    /// else moves to the nearest shown item after it.
    pub fn refilter<T: Deref<Target = Row>>(&mut self, items: &[T], narrowing: bool) {
        let keep = self.selected_index();
        if !narrowing {
            self.epics = epics(items);
        }
        // The fields are the domain's to read; a filter that does not read yet (a field
        // still being typed) says why and leaves the list as it was.
        let parsed = match crate::domain::filter::Query::parse(&self.filter.text) {
            Ok(q) => q,
            Err(e) => {
                self.filter_error = Some(e.to_string());
                return;
            }
        };
        self.filter_error = None;
        let narrowing = narrowing
            && parsed
                .terms
                .iter()
                .all(|t| matches!(t, crate::domain::filter::Term::Word { not: false, .. }));
        let (words, _) = parsed.words();
        let fields = !parsed.is_empty();
        let now = self.now;
        let query = words.trim();
        let mut found = crate::search::Words::new(query);
        let id_query = query.to_ascii_uppercase();
        let looks_like_id = !query.is_empty()
            && (id_query.starts_with("FB-") || id_query.chars().all(|c| c.is_ascii_digit()));
        let lower = query.to_lowercase();
        // Which group a row falls in (0 exact .. 3 fuzzy), or None when it is not shown.
        let group = |item: &Row, found: &mut crate::search::Words| -> Option<usize> {
            if self.slice.is_some_and(|t| item.team != Some(t)) {
                return None;
            }
            if !self.show_closed && !item.state.is_open() {
                return None;
            }
            if fields && !parsed.passes(item, now) {
                return None;
            }
            if item.epic().is_some_and(|e| self.folded.contains(&e)) {
                return None;
            }
            if query.is_empty() {
                return Some(3);
            }
            if looks_like_id {
                let id = item.id.to_string();
                if id == id_query || id[3..] == id_query {
                    return Some(0);
                }
                if id.starts_with(&id_query) || id[3..].starts_with(&id_query) {
                    return Some(1);
                }
            }
            found
                .found_in(item.title())
                .then(|| closeness(item.title(), &lower))
        };
        // An id query can match rows the text typed so far did not: match them all again.
        let mut candidates: Vec<usize> = if narrowing && !looks_like_id {
            std::mem::take(&mut self.visible)
        } else {
            (0..items.len()).collect()
        };
        if narrowing {
            candidates.sort_unstable();
        }
        let mut groups: [Vec<usize>; 4] = Default::default();
        for i in candidates {
            if let Some(g) = group(&items[i], &mut found) {
                groups[g].push(i);
            }
        }
        let mut ends = [0; 4];
        let mut visible = Vec::with_capacity(groups.iter().map(Vec::len).sum());
        for (g, rows) in groups.iter().enumerate() {
            visible.extend_from_slice(rows);
            ends[g] = visible.len();
        }
        self.visible = visible;
        self.groups = ends;
        self.selected = match keep {
            Some(k) => self.position(k).unwrap_or_else(|| {
                // The nearest shown item after it in the order, else the last.
                self.visible
                    .iter()
                    .enumerate()
                    .filter(|(_, i)| **i > k)
                    .min_by_key(|(_, i)| **i)
                    .map_or(self.visible.len().saturating_sub(1), |(p, _)| p)
            }),
            None => 0,
        };
        self.clamp();
    }

    /// The group of `visible` that holds position `p`.
    fn group_of(&self, p: usize) -> usize {
        self.groups.iter().position(|&end| p < end).unwrap_or(3)
    }

    /// Where the row of item `index` is in the list, if shown: each group is in rank order.
    pub fn position(&self, index: usize) -> Option<usize> {
        let mut start = 0;
        for &end in &self.groups {
            if let Ok(p) = self.visible[start..end].binary_search(&index) {
                return Some(start + p);
            }
            start = end;
        }
        None
    }

    /// Follows an item that moved from `from` to `to` in the items (removed, then inserted),
    /// without matching anything again: every other shown row keeps its place, the moved one
    /// stays in its group.
    pub fn moved(&mut self, from: usize, to: usize) {
        let was = self.position(from).map(|p| self.group_of(p));
        if let Some(p) = self.position(from) {
            self.visible.remove(p);
            for end in self.groups.iter_mut().skip(was.unwrap_or(0)) {
                *end -= 1;
            }
        }
        for k in &mut self.visible {
            *k = crate::domain::backlog::follow(*k, from, to);
        }
        if let Some(g) = was {
            let start = if g == 0 { 0 } else { self.groups[g - 1] };
            let at = start + self.visible[start..self.groups[g]].partition_point(|&k| k < to);
            self.visible.insert(at, to);
            for end in self.groups.iter_mut().skip(g) {
                *end += 1;
            }
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
        if let Some(pos) = self.position(index) {
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

/// How closely a title matches the typed (lower-case) text: 0 the whole title, 1 its start,
/// 2 somewhere inside, 3 only fuzzily.
fn closeness(title: &str, lower: &str) -> usize {
    let same = |a: &str| {
        if a.is_ascii() && lower.is_ascii() {
            a.eq_ignore_ascii_case(lower)
        } else {
            a.to_lowercase() == lower
        }
    };
    let n = lower.len();
    if title.len() == n && same(title) {
        return 0;
    }
    if title.is_ascii() && lower.is_ascii() {
        let t = title.as_bytes();
        if t.len() >= n && t[..n].eq_ignore_ascii_case(lower.as_bytes()) {
            return 1;
        }
        if t.windows(n.max(1))
            .any(|w| w.eq_ignore_ascii_case(lower.as_bytes()))
        {
            return 2;
        }
        return 3;
    }
    let t = title.to_lowercase();
    if t.starts_with(lower) {
        1
    } else if t.contains(lower) {
        2
    } else {
        3
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
        // "Permit zone map" starts with it: first; the two that contain it after, in rank order.
        assert_eq!(v.visible, [2, 0, 3]);
        // Item 3 ("Refund a permit") moves to the top: everything shifts down by one.
        let mut moved = items.clone();
        let item = moved.remove(3);
        moved.insert(0, item);
        v.moved(3, 0);
        let mut again = v.clone();
        again.refilter(&moved, false);
        assert_eq!(v.visible, again.visible);
        assert_eq!(v.visible, [3, 0, 1]);
        // And back down below the others.
        let item = moved.remove(0);
        moved.insert(2, item);
        v.moved(0, 2);
        again.refilter(&moved, false);
        assert_eq!(v.visible, again.visible);
    }

    #[test]
    fn exact_and_prefix_matches_come_before_fuzzy_ones() {
        let items = items(&[
            ("Open the data catalogue", Team::Appdev, State::Backlog),
            ("Operator dashboard tiles", Team::Appdev, State::Backlog),
            ("Publish open data", Team::Appdev, State::Backlog),
            ("Open data", Team::Appdev, State::Backlog),
        ]);
        let mut v = BacklogView {
            filter: LineInput::with("open data"),
            ..Default::default()
        };
        v.refilter(&items, false);
        let titles: Vec<&str> = v.visible.iter().map(|&i| items[i].title()).collect();
        assert_eq!(
            titles,
            [
                "Open data",
                "Publish open data",
                "Open the data catalogue",
                "Operator dashboard tiles"
            ][..titles.len()]
        );
        assert_eq!(v.selected_item(&items).unwrap().title(), "Open data");
        assert_eq!(v.position(3), Some(0));
        v.select_index(2);
        assert_eq!(v.selected, 1);
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
