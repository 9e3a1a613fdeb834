//! The pure application: the board's state, the messages the shell sends it (keys, loaded
//! data, write results, the clock), and `update`, which changes the state and returns the
//! effects for the shell to carry out. No IO and no clock here, so every key sequence can be
//! tested without a terminal.

pub mod backlog;
pub mod form;
pub mod handover_update;
pub mod input;
pub mod kanban;
pub mod kanban_update;
pub mod keymap;
mod moving;
mod palette;
pub mod pipeline;
pub mod pipeline_update;
mod prompt;
pub mod row;
mod say;
pub mod service_update;
pub mod sprint;
mod sprint_update;
mod undo;
mod update;

pub use palette::palette_choices;
pub use update::update;

use crate::domain::backlog::RankMove;
use crate::domain::burndown::Burndown;
use crate::domain::handover::{Act, Handover};
use crate::domain::incident::{Incident, Priority, Step};
use crate::domain::kanban::{Column, ColumnLimit, Override};
use crate::domain::measures::Flow;
use crate::domain::release::Change;
use crate::domain::release::Vote;
use crate::domain::sprint::{Carry, Sprint};
use crate::domain::{Actor, Event, Identity, Item, ItemCommand, ItemId, NewItem, Person};
use backlog::BacklogView;
use chrono::{DateTime, Utc};
use form::Form;
use form::NewSprint;
use handover_update::HandoverView;
use input::LineInput;
use kanban::{Board, KanbanView};
use keymap::{Context, Keymap};
use pipeline::{PipelineView, Releases};
use ratatui::crossterm::event::KeyEvent;
use row::{Row, Rows};
use sprint::{SprintBoard, SprintView};

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

/// A place on screen a click selects: a row of the tab's list (or a card of a column), as the
/// last frame drew it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub area: ratatui::layout::Rect,
    pub column: usize,
    pub row: usize,
}

/// What the mouse did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MouseKind {
    ScrollUp,
    ScrollDown,
    Click,
}

/// A write waiting for a yes or a reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pending {
    Cancel(ItemId, i64),
    Block(ItemId, i64),
    /// A card into a full column: the reason becomes the effect's override.
    Override(Box<Effect>),
    /// A column's new limit and mode, typed as `3`, `none` or `2 strict`.
    Wip(Column),
    /// Completing a sprint: where its unfinished items go.
    Complete(String),
    /// After how many days Kanban cards count as ageing.
    Ageing,
    /// A rejection at the firebreak: its comment.
    Reject(String),
    /// A no-go vote: its comment.
    NoGo(String),
    /// A production change: the version typed to confirm it.
    TypeVersion {
        version: String,
        change: Change,
    },
    /// A production change: its reason.
    ProductionReason {
        version: String,
        change: Change,
    },
    /// Handover evidence for (project, item).
    Evidence(String, String),
    /// Why a handover item is rejected.
    RejectItem(String, String),
    /// Until when, and why, a handover item is waived.
    Waive(String, String),
    /// A new incident: "P2 its title".
    NewIncident,
    /// Why an incident is on hold.
    Hold(String),
    /// Who an incident is assigned to.
    Assign(String),
    /// A halted release's problem determination: "CAUSE findings".
    Determine(String),
    /// The title of a ticket raised from this release's problem determination.
    PdTicket(String),
    /// A story's operational acceptance criteria, as its reviewer records them.
    ReviewOps(ItemId),
    /// Where an incident or defect should have been caught: "[VERSION] ENV KIND" or "none".
    Escape(String),
    /// A new problem's title, raised from these incidents.
    NewProblem(Vec<String>),
    /// A rotation: "NAME TEAM FROM TO".
    Rotate,
    /// Until when and why this release's hypercare is extended.
    Extend(String),
    /// A known error's workaround, for this problem.
    Workaround(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Overlay {
    Help {
        scroll: usize,
    },
    Confirm {
        question: String,
        then: Pending,
    },
    Prompt {
        question: String,
        input: LineInput,
        then: Pending,
    },
    Form(Box<Form>),
    /// The whole log of the step under the Pipeline tab's cursor.
    Log {
        scroll: usize,
    },
    People {
        selected: usize,
    },
    /// The command palette: actions of `from` matching what is typed.
    Palette {
        from: Context,
        input: LineInput,
        selected: usize,
    },
}

/// A message in the status line; errors stay until the next key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flash {
    pub text: String,
    pub error: bool,
    pub at: DateTime<Utc>,
}

/// What the shell tells the app.
#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    Key(KeyEvent),
    /// A mouse event (with `--mouse`): where, in cells.
    Mouse {
        kind: MouseKind,
        x: u16,
        y: u16,
    },
    Resize(u16, u16),
    /// Where the frame just drawn put the rows a click can select.
    Laid(Vec<Hit>),
    Tick(DateTime<Utc>),
    Loaded(Box<Snapshot>),
    Detail(Box<Item>, Vec<Event>),
    /// The history of an incident or problem.
    History(String, Vec<Event>),
    /// A write went through: the item as it now is, and what to say.
    Saved(Box<Item>, String),
    /// The maintenance team's flow, measured from the audit trail.
    Flow(Box<Flow>),
    /// The insights, computed for the Insights tab.
    Insights(Box<crate::domain::insights::Insights>),
    /// A sprint's burndown.
    Burndown(String, Box<Burndown>),
    /// Something to say in the status line.
    Said(String),
    /// A line from the automation running on its thread.
    RunLine(String),
    /// The automation's run ended: what to say, and whether it failed.
    RunEnded {
        text: String,
        failed: bool,
    },
    /// The Kanban board's limits and overrides changed, and what to say.
    Columns {
        columns: Vec<ColumnLimit>,
        overrides: Vec<Override>,
        text: String,
    },
    /// A write was refused; `stale` when someone else changed the item first.
    Refused {
        message: String,
        stale: bool,
    },
}

/// What the app asks the shell to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    Quit,
    Reload,
    LoadDetail(ItemId),
    /// The history of an incident or a problem, for the Service tab's detail pane.
    LoadHistory {
        entity: &'static str,
        id: String,
    },
    Rank {
        id: ItemId,
        mv: RankMove,
        version: i64,
    },
    Apply {
        id: ItemId,
        cmd: ItemCommand,
        version: i64,
    },
    Create(NewItem),
    /// Pull `id`, or the next in the pull order, into In progress.
    Pull {
        id: Option<ItemId>,
        over: Option<String>,
    },
    KanbanMove {
        id: ItemId,
        to: Column,
        over: Option<String>,
        version: i64,
    },
    SetWip(ColumnLimit),
    /// Measure the maintenance team's flow (for the Kanban tab).
    LoadFlow,
    /// Compute the insights (for the Insights tab) over this many weeks up to today.
    LoadInsights(u16),
    LoadBurndown(String),
    /// Sprint and hypercare decisions carry the revision of the sprint or period the board
    /// showed (`seen`).
    Plan {
        sprint: String,
        id: ItemId,
        seen: Option<i64>,
    },
    AddSprint(NewSprint),
    StartSprint {
        name: String,
        seen: Option<i64>,
    },
    CompleteSprint {
        name: String,
        carry: Carry,
        seen: Option<i64>,
    },
    SetAgeing(u32),
    /// Run the automation on a thread of its own, reporting back line by line.
    RunRelease(String),
    /// A firebreak answer, a restart, a vote and a production change carry the revision of
    /// the release the board showed (`seen`): the store refuses them if it moved on since.
    Answer {
        version: String,
        accept: bool,
        comment: String,
        seen: Option<i64>,
    },
    Restart {
        version: String,
        seen: Option<i64>,
    },
    Vote {
        version: String,
        vote: Vote,
        comment: String,
        seen: Option<i64>,
    },
    Production {
        version: String,
        change: Change,
        reason: String,
        seen: Option<i64>,
    },
    StartHandover(String),
    LogIncident {
        priority: Priority,
        title: String,
    },
    /// An incident's or a problem's step carries the revision the board showed (`seen`).
    IncidentStep {
        id: String,
        step: Step,
        seen: Option<i64>,
    },
    CloseHypercare {
        version: String,
        seen: Option<i64>,
    },
    RecordPd {
        version: String,
        entry: crate::domain::pd::PdEntry,
    },
    PdTicket {
        version: String,
        title: String,
    },
    /// A release manager re-runs the failed step, from the release the board showed.
    Rerun {
        version: String,
        seen: Option<i64>,
    },
    /// Put text on the terminal's clipboard (OSC 52).
    Copy(String),
    ReviewOps {
        id: ItemId,
        criteria: String,
    },
    RecordEscape {
        source: String,
        release: Option<String>,
        catch: crate::domain::escape::Catch,
    },
    Rotate {
        name: String,
        team: crate::domain::Team,
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
    },
    ExtendHypercare {
        version: String,
        until: chrono::NaiveDate,
        reason: String,
        seen: Option<i64>,
    },
    RaiseProblem {
        title: String,
        incidents: Vec<String>,
    },
    ProblemStep {
        id: String,
        step: crate::domain::problem::Step,
        seen: Option<i64>,
    },
    ProblemTicket {
        id: String,
        kind: crate::domain::Kind,
    },
    Ticket {
        id: String,
        kind: crate::domain::Kind,
    },
    /// A handover item's submission, acceptance, rejection or waiver, with the revision of the
    /// item the board showed.
    HandoverAct {
        project: String,
        key: String,
        act: Act,
        seen: Option<i64>,
    },
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

impl Effect {
    /// Whether it only reads the board (or the terminal): what is neither a write to wait for
    /// nor a change to undo.
    pub fn is_read(&self) -> bool {
        matches!(
            self,
            Effect::Quit
                | Effect::Reload
                | Effect::LoadDetail(_)
                | Effect::LoadHistory { .. }
                | Effect::LoadFlow
                | Effect::LoadInsights(_)
                | Effect::LoadBurndown(_)
                | Effect::Copy(_)
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
    pub sprint_board: SprintBoard,
    pub burndown: Option<(String, Burndown)>,
    pub readonly: bool,
    pub ascii: bool,
    /// False under NO_COLOR: styles fall back to bold, underline and reverse.
    pub color: bool,
    /// The board's rows in rank order (see `Snapshot::items`).
    pub items: Rows,
    pub backlog: BacklogView,
    pub columns: Vec<ColumnLimit>,
    pub overrides: Vec<Override>,
    /// The Kanban board sorted from `items`, once per change.
    pub board: Board,
    pub kanban: KanbanView,
    /// Kanban cards older than this many days in their column are marked.
    pub ageing_days: u32,
    /// The maintenance team's flow, once the Kanban tab has asked for it.
    pub flow: Option<Flow>,
    /// The insights, once the Insights tab has asked for them.
    pub insights: Option<Box<crate::domain::insights::Insights>>,
    /// How far the Insights tab is scrolled down.
    pub insights_scroll: u16,
    /// How many weeks the Insights tab looks back: 4, 12, 26 or 52.
    pub insights_weeks: u16,
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
    /// The incident selected on the Service tab.
    pub service: usize,
    pub problems: Vec<crate::domain::problem::Problem>,
    /// Each problem's tickets, each with whether it is released.
    pub problem_tickets: Vec<(String, Vec<(String, bool)>)>,
    pub hypercare: Vec<crate::domain::hypercare::Hypercare>,
    pub rotations: Vec<crate::domain::rotation::Rotation>,
    pub ops: Vec<crate::domain::ops::OpsReview>,
    pub pds: Vec<crate::domain::pd::Pd>,
    /// The problem selected on the Service tab.
    pub problem: usize,
    /// The Service tab shows the problems rather than the incidents.
    pub problems_shown: bool,
    /// The release, incident or problem whose history was asked for, and that history once
    /// loaded.
    pub history_of: Option<String>,
    pub history: Vec<Event>,
    pub tab: Tab,
    pub overlay: Option<Overlay>,
    pub flash: Option<Flash>,
    /// The item whose edit form opens when its whole text arrives.
    pub edit_when_loaded: Option<ItemId>,
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
            sprint_board: SprintBoard::default(),
            burndown: None,
            readonly,
            ascii,
            color: true,
            items: Vec::new(),
            backlog: BacklogView {
                show_closed: true,
                ..BacklogView::default()
            },
            columns: ColumnLimit::defaults(),
            overrides: Vec::new(),
            board: Board::default(),
            kanban: KanbanView::default(),
            ageing_days: crate::domain::kanban::DEFAULT_AGEING_DAYS,
            flow: None,
            insights: None,
            insights_scroll: 0,
            insights_weeks: 12,
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
            service: 0,
            problems: Vec::new(),
            problem_tickets: Vec::new(),
            problem: 0,
            hypercare: Vec::new(),
            rotations: Vec::new(),
            ops: Vec::new(),
            pds: Vec::new(),
            problems_shown: false,
            history_of: None,
            history: Vec::new(),
            tab: Tab::Backlog,
            overlay: None,
            flash: None,
            edit_when_loaded: None,
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
            Some(Overlay::Palette { .. }) => Context::Palette,
            Some(Overlay::Log { .. }) => Context::Log,
            None if self.tab == Tab::Kanban && self.kanban.reviews => Context::OpsReviews,
            None if self.tab == Tab::Kanban => Context::Kanban,
            None if self.tab == Tab::Sprint => Context::Sprint,
            None if self.tab == Tab::Pipeline => Context::Pipeline,
            None if self.tab == Tab::Handover => Context::Handover,
            None if self.tab == Tab::Insights => Context::Insights,
            None if self.tab == Tab::Service && self.problems_shown => Context::Problems,
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
