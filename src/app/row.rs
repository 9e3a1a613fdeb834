//! The board's rows: an item as the lists and cards need it, kept small so that a board of a
//! million items fits in memory a laptop can spare. The long texts (description, acceptance
//! criteria) are not held at all (the detail pane loads the item whole); the rank, the title
//! and a blocked reason share one allocation; the few values a column can take (a project, a
//! person, a sprint) are shared words, four bytes a row; times are whole seconds.

use crate::domain::kanban::Card;
use crate::domain::{Class, Item, ItemId, Kind, Origin, State, Team};
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::{Mutex, OnceLock};

/// One of the few values a column takes, shared by every row that holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Word(NonZeroU32);

/// The words met so far. Reading one is a few atomic loads, never a lock: every row's
/// project and sprint are read on each sort of the boards. Word `n` lives in segment
/// `log2(n)`, which holds `2^segment` words, so the table grows without ever moving a word.
struct Words {
    segments: [OnceLock<Box<[OnceLock<&'static str>]>>; 32],
    index: Mutex<HashMap<&'static str, Word>>,
}

fn words() -> &'static Words {
    static WORDS: OnceLock<Words> = OnceLock::new();
    WORDS.get_or_init(|| Words {
        segments: std::array::from_fn(|_| OnceLock::new()),
        index: Mutex::new(HashMap::new()),
    })
}

/// The segment of word `n` and its place there.
fn place(n: u32) -> (usize, usize) {
    let segment = 31 - n.leading_zeros() as usize;
    (segment, (n - (1 << segment)) as usize)
}

impl Word {
    /// The word for `text`, shared with every other row that holds it. The table only grows,
    /// by the distinct names of projects, people and sprints the process has seen.
    pub fn of(text: &str) -> Word {
        let table = words();
        let mut index = table.index.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(w) = index.get(text) {
            return *w;
        }
        let n = index.len() as u32 + 1;
        let kept: &'static str = Box::leak(text.to_string().into_boxed_str());
        let (segment, at) = place(n);
        let slots = table.segments[segment]
            .get_or_init(|| (0..1usize << segment).map(|_| OnceLock::new()).collect());
        let _ = slots[at].set(kept);
        let w = Word(NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN));
        index.insert(kept, w);
        w
    }

    pub fn as_str(self) -> &'static str {
        let (segment, at) = place(self.0.get());
        words().segments[segment]
            .get()
            .and_then(|slots| slots.get(at))
            .and_then(|slot| slot.get())
            .copied()
            .unwrap_or("")
    }
}

impl std::fmt::Display for Word {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The board's rows in rank order. Boxed, so that a move in the order shifts pointers, not
/// rows: moving the last of a million rows to the top shifts 8 MB instead of 96.
#[allow(clippy::vec_box)]
pub type Rows = Vec<Box<Row>>;

/// A row's points when it has none: points are at most `MAX_POINTS`, far below.
const NO_POINTS: u16 = u16::MAX;

/// An item on the board, without its long texts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub id: ItemId,
    pub version: i64,
    /// The rank key, the title, the blocked reason and the labels (each after a space), one
    /// after the other.
    text: Box<str>,
    rank_len: u16,
    title_len: u16,
    /// The bytes of the labels at the end of `text` (few rows carry any; a row keeps the
    /// first 255 bytes of them, a dozen words).
    labels_len: u8,
    /// The number of the epic it is in; 0 for none.
    epic: u32,
    pub kind: Kind,
    pub origin: Origin,
    pub team: Option<Team>,
    pub class: Class,
    pub state: State,
    pub due: Option<NaiveDate>,
    /// Points are at most `MAX_POINTS`, far below what sixteen bits hold.
    points: u16,
    project: Word,
    assignee: Option<Word>,
    sprint: Option<Word>,
    updated_by: Word,
    created: i64,
    entered: i64,
    updated: i64,
}

fn time(seconds: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(seconds, 0).unwrap_or_default()
}

impl Row {
    pub fn of(item: &Item) -> Row {
        // A rank key is a few characters (keys are re-spaced long before 64 KiB), a title at
        // most `MAX_TITLE` characters: sixteen bits hold either.
        let fit = |s: &str| {
            s.floor_char_boundary(s.len().min(u16::MAX as usize))
                .min(s.len())
        };
        let rank = &item.rank[..fit(&item.rank)];
        let title = &item.title[..fit(&item.title)];
        // A block always has its reason: an empty one still shows as blocked.
        let blocked = item
            .blocked
            .as_deref()
            .map(|b| if b.is_empty() { "-" } else { b });
        let mut text =
            String::with_capacity(rank.len() + title.len() + blocked.map_or(0, str::len));
        text.push_str(rank);
        text.push_str(title);
        text.push_str(blocked.unwrap_or(""));
        Row {
            id: item.id,
            version: item.version,
            text: text.into_boxed_str(),
            rank_len: rank.len() as u16,
            title_len: title.len() as u16,
            labels_len: 0,
            epic: 0,
            kind: item.kind,
            origin: item.origin,
            team: item.team,
            class: item.class,
            state: item.state,
            due: item.due,
            points: item
                .points
                .map_or(NO_POINTS, |p| u16::try_from(p).unwrap_or(NO_POINTS - 1)),
            project: Word::of(&item.project),
            assignee: item.assignee.as_deref().map(Word::of),
            sprint: item.sprint.as_deref().map(Word::of),
            updated_by: Word::of(&item.updated_by),
            created: item.created.timestamp(),
            entered: item.entered.timestamp(),
            updated: item.updated.timestamp(),
        }
    }

    /// The row carrying these labels.
    pub fn with_labels(self, labels: Option<&Vec<String>>) -> Row {
        let joined: String = labels
            .into_iter()
            .flatten()
            .map(|w| format!(" {w}"))
            .collect();
        self.with_label_text(&joined)
    }

    fn with_label_text(mut self, joined: &str) -> Row {
        // A row keeps the labels that fit in 255 bytes, whole words only.
        let mut cut = joined.floor_char_boundary(joined.len().min(u8::MAX as usize));
        if cut < joined.len() {
            cut = joined[..cut].rfind(' ').unwrap_or(0);
        }
        let joined = &joined[..cut];
        let keep = self.text.len() - self.labels_len as usize;
        let mut text = String::with_capacity(keep + joined.len());
        text.push_str(&self.text[..keep]);
        text.push_str(joined);
        self.text = text.into_boxed_str();
        self.labels_len = joined.len() as u8;
        self
    }

    /// The row carrying the labels `other` carries and in its epic (an item saved keeps
    /// both).
    pub fn labelled_as(self, other: &Row) -> Row {
        let theirs = other.text[other.text.len() - other.labels_len as usize..].to_string();
        let mut row = self.with_label_text(&theirs);
        row.epic = other.epic;
        row
    }

    /// The row in the epic `epic`.
    pub fn in_epic(mut self, epic: Option<ItemId>) -> Row {
        self.epic = epic.map_or(0, |e| e.0);
        self
    }

    /// The epic it is in.
    pub fn epic(&self) -> Option<ItemId> {
        (self.epic != 0).then_some(ItemId(self.epic))
    }

    /// Its labels, in order.
    pub fn labels(&self) -> impl Iterator<Item = &str> + '_ {
        self.text[self.text.len() - self.labels_len as usize..].split_whitespace()
    }

    /// The item again, its long texts empty and its times to the second.
    pub fn item(&self) -> Item {
        Item {
            id: self.id,
            title: self.title().to_string(),
            description: String::new(),
            acceptance: String::new(),
            kind: self.kind,
            origin: self.origin,
            team: self.team,
            project: self.project().to_string(),
            class: self.class,
            due: self.due,
            points: self.points(),
            rank: self.rank().to_string(),
            state: self.state,
            blocked: self.blocked().map(str::to_string),
            assignee: self.assignee().map(str::to_string),
            sprint: self.sprint().map(str::to_string),
            created: self.created(),
            entered: self.entered(),
            updated: self.updated(),
            updated_by: self.updated_by().to_string(),
            version: self.version,
        }
    }

    /// Whether `other` is this row after a move in the order and nothing else.
    pub fn same_but_rank(&self, other: &Row) -> bool {
        let mut moved = Row::clone(other);
        moved.text =
            format!("{}{}", self.rank(), &other.text[other.rank_len as usize..]).into_boxed_str();
        moved.rank_len = self.rank_len;
        moved.version = self.version;
        moved.updated = self.updated;
        moved.updated_by = self.updated_by;
        moved == *self
    }

    pub fn points(&self) -> Option<u32> {
        (self.points != NO_POINTS).then_some(u32::from(self.points))
    }

    pub fn rank(&self) -> &str {
        &self.text[..self.rank_len as usize]
    }

    pub fn title(&self) -> &str {
        let from = self.rank_len as usize;
        &self.text[from..from + self.title_len as usize]
    }

    pub fn blocked(&self) -> Option<&str> {
        let end = self.text.len() - self.labels_len as usize;
        let reason = &self.text[self.rank_len as usize + self.title_len as usize..end];
        (!reason.is_empty()).then_some(reason)
    }

    pub fn project(&self) -> &'static str {
        self.project.as_str()
    }

    pub fn assignee(&self) -> Option<&'static str> {
        self.assignee.map(Word::as_str)
    }

    pub fn sprint(&self) -> Option<&'static str> {
        self.sprint.map(Word::as_str)
    }

    pub fn updated_by(&self) -> &'static str {
        self.updated_by.as_str()
    }

    pub fn created(&self) -> DateTime<Utc> {
        time(self.created)
    }

    pub fn entered(&self) -> DateTime<Utc> {
        time(self.entered)
    }

    pub fn updated(&self) -> DateTime<Utc> {
        time(self.updated)
    }
}

impl Card for Row {
    fn team(&self) -> Option<Team> {
        self.team
    }
    fn class(&self) -> Class {
        self.class
    }
    fn state(&self) -> State {
        self.state
    }
    fn due(&self) -> Option<NaiveDate> {
        self.due
    }
    fn rank(&self) -> &str {
        Row::rank(self)
    }
}

impl crate::domain::filter::Fields for Row {
    fn id(&self) -> ItemId {
        self.id
    }
    fn title(&self) -> &str {
        Row::title(self)
    }
    fn assignee(&self) -> Option<&str> {
        Row::assignee(self)
    }
    fn has_label(&self, label: &str) -> bool {
        self.labels().any(|l| l == label)
    }
    fn state(&self) -> State {
        self.state
    }
    fn kind(&self) -> Kind {
        self.kind
    }
    fn team(&self) -> Option<Team> {
        self.team
    }
    fn origin(&self) -> Origin {
        self.origin
    }
    fn class(&self) -> Class {
        self.class
    }
    fn project(&self) -> &str {
        Row::project(self)
    }
    fn created(&self) -> DateTime<Utc> {
        Row::created(self)
    }
    fn blocked(&self) -> bool {
        Row::blocked(self).is_some()
    }
    fn epic(&self) -> Option<ItemId> {
        Row::epic(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item() -> Item {
        let at = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        Item {
            id: ItemId(7),
            title: "Renew a permit ⚡ with a long title".into(),
            description: String::new(),
            acceptance: String::new(),
            kind: Kind::Story,
            origin: Origin::Planned,
            team: Some(Team::Ams),
            project: "bau".into(),
            class: Class::FixedDate,
            due: NaiveDate::from_ymd_opt(2026, 12, 1),
            points: Some(3),
            rank: "a0".into(),
            state: State::Queued,
            blocked: Some("waiting on the DVLA".into()),
            assignee: Some("sam".into()),
            sprint: Some("Sprint 3".into()),
            created: at,
            entered: at + chrono::Duration::days(1),
            updated: at + chrono::Duration::days(2),
            updated_by: "priya".into(),
            version: 4,
        }
    }

    #[test]
    fn a_row_gives_back_the_item_without_its_long_texts() {
        let mut whole = item();
        let row = Row::of(&whole);
        assert_eq!(row.title(), "Renew a permit ⚡ with a long title");
        assert_eq!(row.rank(), "a0");
        assert_eq!(row.blocked(), Some("waiting on the DVLA"));
        assert_eq!(row.assignee(), Some("sam"));
        assert_eq!(row.sprint(), Some("Sprint 3"));
        whole.description = "long".into();
        let mut back = row.item();
        back.description = "long".into();
        assert_eq!(back, whole);
        whole.blocked = None;
        assert_eq!(Row::of(&whole).blocked(), None);
        // Labels ride at the end of the text, after the blocked reason.
        whole.blocked = Some("waiting for DVLA".into());
        let labels = vec!["a11y".to_string(), "payments".to_string()];
        let row = Row::of(&whole).with_labels(Some(&labels));
        assert_eq!(row.labels().collect::<Vec<_>>(), ["a11y", "payments"]);
        assert_eq!(row.blocked(), Some("waiting for DVLA"));
        assert_eq!(row.title(), whole.title);
        let saved = Row::of(&whole).labelled_as(&row);
        assert_eq!(saved, row, "a saved item keeps its labels");
        assert_eq!(Row::of(&whole).labels().count(), 0);
    }

    #[test]
    fn a_row_is_small_and_its_words_are_shared() {
        // 88 bytes: with the allocator's 8, one 96-byte chunk a row.
        assert!(
            std::mem::size_of::<Row>() <= 88,
            "{}",
            std::mem::size_of::<Row>()
        );
        assert_eq!(Word::of("permits-online"), Word::of("permits-online"));
        assert_ne!(Word::of("permits-online"), Word::of("bau"));
        assert_eq!(Word::of("bau").as_str(), "bau");
        // Past the first segments, each word is still itself.
        let many: Vec<(String, Word)> = (0..300)
            .map(|n| (format!("person-{n}"), Word::of(&format!("person-{n}"))))
            .collect();
        for (text, w) in &many {
            assert_eq!(w.as_str(), text);
        }
    }
}
