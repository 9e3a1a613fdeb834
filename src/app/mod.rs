//! The pure application: the board's state, the messages the shell sends it (keys, loaded
//! data, write results, the clock), and `update`, which changes the state and returns the
//! effects for the shell to carry out. No IO and no clock here, so every key sequence can be
//! tested without a terminal.

pub mod detail;
pub mod form;
mod global;
pub mod help;
pub mod input;
pub mod keymap;
mod msg;
mod palette;
mod prompt;
pub mod row;
mod say;
pub mod tabs;
mod undo;
mod update;

#[cfg(test)]
mod tests;

pub use msg::{Effect, Hit, MouseKind, Msg};
pub use palette::palette_choices;
pub use tabs::Pending;
pub use update::update;

use crate::domain::backlog::RankMove;
use crate::domain::handover::Handover;
use crate::domain::incident::Incident;
use crate::domain::kanban::{ColumnLimit, Override};
use crate::domain::sprint::Sprint;
use crate::domain::{Actor, Event, Identity, ItemCommand, ItemId, Person};
use chrono::{DateTime, Utc};
use form::Form;
use input::LineInput;
use keymap::{Context, Keymap};
use row::{Row, Rows};
use tabs::backlog::BacklogView;
use tabs::handover::HandoverView;
use tabs::insights::InsightsView;
use tabs::kanban::KanbanView;
use tabs::pipeline::{PipelineView, Releases};
use tabs::service::ServiceView;
use tabs::sprint::SprintView;

/// The tabs that exist, in order; each keeps its number as later tabs arrive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Backlog,
    Sprint,
    Kanban,
    Pipeline,
    Handover,
    Service,
    Insights,
}

impl Tab {
    pub const ALL: &'static [Tab] = &[
        Tab::Backlog,
        Tab::Sprint,
        Tab::Kanban,
        Tab::Pipeline,
        Tab::Handover,
        Tab::Service,
        Tab::Insights,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Tab::Backlog => "Backlog",
            Tab::Sprint => "Sprint",
            Tab::Kanban => "Kanban",
            Tab::Pipeline => "Pipeline",
            Tab::Handover => "Handover",
            Tab::Service => "Service",
            Tab::Insights => "Insights",
        }
    }

    /// The key that opens it, as in the architecture: 1 Backlog ... 7 Insights.
    pub fn number(self) -> u8 {
        match self {
            Tab::Backlog => 1,
            Tab::Sprint => 2,
            Tab::Kanban => 3,
            Tab::Pipeline => 4,
            Tab::Handover => 5,
            Tab::Service => 6,
            Tab::Insights => 7,
        }
    }

    /// The spaces between tab labels at this width: three when they fit, fewer when narrow.
    pub fn gap(width: u16) -> usize {
        let labels: usize = Tab::ALL.iter().map(|t| t.title().len() + 2).sum();
        (1..=3)
            .rev()
            .find(|g| 1 + labels + g * Tab::ALL.len() <= width as usize)
            .unwrap_or(1)
    }

    /// The tab whose label is at column `x` of the tab bar.
    pub fn at(width: u16, x: u16) -> Option<Tab> {
        let gap = Tab::gap(width);
        let mut col = 1;
        for tab in Tab::ALL {
            let w = tab.title().len() + 2;
            if (col..col + w).contains(&(x as usize)) {
                return Some(*tab);
            }
            col += w + gap;
        }
        None
    }

    /// The next (or previous) tab, wrapping around.
    pub fn step(self, forward: bool) -> Tab {
        let n = Tab::ALL.len();
        let i = Tab::ALL.iter().position(|t| *t == self).unwrap_or(0);
        Tab::ALL[if forward {
            (i + 1) % n
        } else {
            (i + n - 1) % n
        }]
    }
}

/// Everything the board loads from the store at once.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub title: String,
    pub identity: Identity,
    pub me: Actor,
    pub people: Vec<Person>,
    pub projects: Vec<String>,
    pub delivery_projects: Vec<String>,
    pub sprints: Vec<Sprint>,
    /// In rank order, as compact rows (no descriptions nor acceptance criteria). Boxed, so
    /// that moving one in the order moves a pointer, not the row.
    pub items: Rows,
    /// How many items the board holds: more than `items` while the rest is still loading.
    pub total: usize,
    pub ageing_days: u32,
    /// The Kanban board's column limits and the latest override of each.
    pub columns: Vec<ColumnLimit>,
    pub overrides: Vec<Override>,
    /// Releases with their steps and signatures, pipelines, production's slots.
    pub releases: Releases,
    /// The delivery projects' handovers.
    pub handovers: Vec<Handover>,
    /// The incidents, newest first, with the tickets raised from each.
    pub incidents: Vec<Incident>,
    pub tickets: Vec<(String, Vec<ItemId>)>,
    /// Hypercare periods, newest first.
    pub hypercare: Vec<crate::domain::hypercare::Hypercare>,
    /// Rotations between the teams, in the order they start.
    pub rotations: Vec<crate::domain::rotation::Rotation>,
    /// Each incident's labels (those that carry any).
    pub incident_labels: std::collections::HashMap<String, Vec<String>>,
    /// Each incident's transitions, which its SLA clock reads.
    pub incident_transitions:
        std::collections::HashMap<String, Vec<crate::domain::sla::Transition>>,
    /// Each label with the work that carries it, the most used first.
    pub label_counts: Vec<crate::domain::label::LabelCount>,
    /// Problem determination of halted releases.
    pub pds: Vec<crate::domain::pd::Pd>,
    /// Delivery stories flagged as touching operations, with their reviews.
    pub ops: Vec<crate::domain::ops::OpsReview>,
    /// The problems, newest first, with their tickets and whether each is released.
    pub problems: Vec<crate::domain::problem::Problem>,
    pub problem_tickets: Vec<(String, Vec<(String, bool)>)>,
    /// The last event of each sprint and hypercare period (`sprint/NAME`, `hypercare/VERSION`):
    /// the revision a decision on it says it saw.
    pub revisions: std::collections::HashMap<String, i64>,
    pub at: DateTime<Utc>,
}

/// One of this session's changes, as `u` would take it back: the command that undoes it,
/// recorded as a new change (the audit trail only grows), or why it cannot be undone.
#[derive(Debug, Clone, PartialEq)]
pub enum Undo {
    Item {
        id: ItemId,
        /// The item's version right after the change: anything since, and undo refuses.
        after: i64,
        action: UndoAction,
        what: String,
    },
    Never(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum UndoAction {
    Rank(RankMove),
    Apply(ItemCommand),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Overlay {
    Help(Box<help::HelpView>),
    Confirm {
        question: String,
        then: Pending,
    },
    Prompt {
        question: String,
        input: LineInput,
        then: Pending,
        /// Why the last answer was refused: the question stays open with the text as typed.
        error: Option<String>,
    },
    Form(Box<Form>),
    /// The whole log of the step under the Pipeline tab's cursor.
    Log {
        scroll: usize,
    },
    People {
        selected: usize,
    },
    /// Every message of this session, whole: how far up from the newest it is scrolled.
    Messages {
        scroll: usize,
    },
    /// The command palette: actions of `from` matching what is typed.
    Palette {
        from: Context,
        input: LineInput,
        selected: usize,
    },
}

impl Overlay {
    /// A question answered in words, its answer starting as `start`.
    pub fn prompt(question: impl Into<String>, start: &str, then: Pending) -> Overlay {
        Overlay::Prompt {
            question: question.into(),
            input: LineInput::with(start),
            then,
            error: None,
        }
    }
}

/// A message in the status line; errors stay until the next key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flash {
    pub text: String,
    pub error: bool,
    pub at: DateTime<Utc>,
}

impl AppState {
    /// The revision of `entity` `id` the board shows (`sprint` or `hypercare`).
    pub fn seen(&self, entity: &str, id: &str) -> Option<i64> {
        Some(
            self.revisions
                .get(&format!("{entity}/{id}"))
                .copied()
                .unwrap_or(0),
        )
    }
}

/// The whole state of the board on screen.
#[derive(Debug, Clone)]
pub struct AppState {
    pub keymap: Keymap,
    pub title: String,
    pub db: String,
    pub identity: Identity,
    pub me: Actor,
    pub people: Vec<Person>,
    pub projects: Vec<String>,
    pub delivery_projects: Vec<String>,
    pub sprints: Vec<Sprint>,
    pub sprint: SprintView,
    pub readonly: bool,
    pub ascii: bool,
    /// False under NO_COLOR: styles fall back to bold, underline and reverse.
    pub color: bool,
    /// The board's rows in rank order (see `Snapshot::items`).
    pub items: Rows,
    pub backlog: BacklogView,
    /// The item detail pane, on the Backlog's or the Kanban board's selection.
    pub detail: Option<detail::Detail>,
    pub columns: Vec<ColumnLimit>,
    pub overrides: Vec<Override>,
    pub kanban: KanbanView,
    /// Kanban cards older than this many days in their column are marked.
    pub ageing_days: u32,
    pub insights: InsightsView,
    /// This session's own changes, newest last, for `u`.
    pub undo: Vec<Undo>,
    /// Where the last frame drew the rows a click can select: `render` returns them and the
    /// shell hands them back with `Msg::Laid`.
    pub hits: Vec<Hit>,
    /// The next save is an undo, and what to say when it is done; it is not itself recorded
    /// for undoing.
    pub undoing: Option<String>,
    pub releases: Releases,
    pub pipeline: PipelineView,
    /// The release the automation runs for this board right now.
    pub running: Option<String>,
    pub handovers: Vec<Handover>,
    pub handover: HandoverView,
    pub incidents: Vec<Incident>,
    pub tickets: Vec<(String, Vec<ItemId>)>,
    pub service: ServiceView,
    pub problems: Vec<crate::domain::problem::Problem>,
    /// Each problem's tickets, each with whether it is released.
    pub problem_tickets: Vec<(String, Vec<(String, bool)>)>,
    pub hypercare: Vec<crate::domain::hypercare::Hypercare>,
    pub rotations: Vec<crate::domain::rotation::Rotation>,
    pub incident_labels: std::collections::HashMap<String, Vec<String>>,
    pub incident_transitions:
        std::collections::HashMap<String, Vec<crate::domain::sla::Transition>>,
    /// The user's saved views, in the order F1..F4 take them.
    pub views: Vec<crate::domain::filter::View>,
    pub label_counts: Vec<crate::domain::label::LabelCount>,
    pub ops: Vec<crate::domain::ops::OpsReview>,
    pub pds: Vec<crate::domain::pd::Pd>,
    /// The release, incident or problem whose history was asked for, and that history once
    /// loaded.
    pub history_of: Option<String>,
    pub history: Vec<Event>,
    pub tab: Tab,
    pub overlay: Option<Overlay>,
    pub flash: Option<Flash>,
    /// This session's messages, oldest first (the last few hundred): what `M` shows whole.
    pub said: Vec<Flash>,
    pub now: DateTime<Utc>,
    pub refreshed: DateTime<Utc>,
    pub size: (u16, u16),
    pub loaded: bool,
    /// The board's item count while only its first screen is loaded.
    pub loading: Option<usize>,
    /// The last event of each sprint and hypercare period, as loaded with the board.
    pub revisions: std::collections::HashMap<String, i64>,
}

/// The smallest terminal the board draws in.
pub const MIN_SIZE: (u16, u16) = (60, 16);

impl AppState {
    pub fn new(db: &str, readonly: bool, ascii: bool, now: DateTime<Utc>) -> Self {
        AppState {
            keymap: Keymap::default(),
            title: String::new(),
            db: db.to_string(),
            identity: Identity::Os,
            me: Actor::automation(),
            people: Vec::new(),
            projects: Vec::new(),
            delivery_projects: Vec::new(),
            sprints: Vec::new(),
            sprint: SprintView::default(),
            readonly,
            ascii,
            color: true,
            items: Vec::new(),
            // Finished work (done, released, cancelled) is out of the way until asked for.
            backlog: BacklogView {
                now,
                ..BacklogView::default()
            },
            detail: None,
            columns: ColumnLimit::defaults(),
            overrides: Vec::new(),
            kanban: KanbanView::default(),
            ageing_days: crate::domain::kanban::DEFAULT_AGEING_DAYS,
            insights: InsightsView::default(),
            undo: Vec::new(),
            hits: Vec::new(),
            undoing: None,
            releases: Releases::default(),
            revisions: std::collections::HashMap::new(),
            pipeline: PipelineView::default(),
            running: None,
            handovers: Vec::new(),
            handover: HandoverView::default(),
            incidents: Vec::new(),
            tickets: Vec::new(),
            service: ServiceView::default(),
            problems: Vec::new(),
            problem_tickets: Vec::new(),
            hypercare: Vec::new(),
            rotations: Vec::new(),
            incident_labels: Default::default(),
            incident_transitions: Default::default(),
            label_counts: Vec::new(),
            views: Vec::new(),
            ops: Vec::new(),
            pds: Vec::new(),
            history_of: None,
            history: Vec::new(),
            tab: Tab::Backlog,
            overlay: None,
            flash: None,
            said: Vec::new(),
            now,
            refreshed: now,
            size: (80, 24),
            loaded: false,
            loading: None,
        }
    }

    /// Where the keyboard is, by priority: an overlay, then the filter, move mode, the tab.
    pub fn context(&self) -> Context {
        match &self.overlay {
            Some(Overlay::Help { .. }) => Context::Help,
            Some(Overlay::Confirm { .. }) => Context::Confirm,
            Some(Overlay::Prompt { .. }) => Context::Prompt,
            Some(Overlay::Form(_)) => Context::Form,
            Some(Overlay::People { .. }) => Context::People,
            Some(Overlay::Messages { .. }) => Context::Messages,
            Some(Overlay::Palette { .. }) => Context::Palette,
            Some(Overlay::Log { .. }) => Context::Log,
            None if self.tab == Tab::Kanban && self.kanban.reviews => Context::OpsReviews,
            None if self.tab == Tab::Kanban => Context::Kanban,
            None if self.tab == Tab::Sprint => Context::Sprint,
            None if self.tab == Tab::Pipeline => Context::Pipeline,
            None if self.tab == Tab::Handover => Context::Handover,
            None if self.tab == Tab::Insights => Context::Insights,
            None if self.tab == Tab::Service && self.service.problems => Context::Problems,
            None if self.tab == Tab::Service => Context::Service,
            None if self.backlog.filtering => Context::Filter,
            None if self.backlog.moving.is_some() => Context::Move,
            None => Context::Backlog,
        }
    }

    /// The key in force for `command` in `context`, for a message to name.
    pub fn key(&self, context: Context, command: keymap::Command) -> String {
        self.keymap.key_for(context, command)
    }

    pub fn selected(&self) -> Option<&Row> {
        self.backlog.selected_item(&self.items)
    }

    /// How many list rows fit: the screen less the header, tab bar, list title, table
    /// header, status line and footer.
    pub fn list_height(&self) -> usize {
        self.size.1.saturating_sub(6) as usize
    }

    pub fn too_small(&self) -> bool {
        self.size.0 < MIN_SIZE.0 || self.size.1 < MIN_SIZE.1
    }
}
