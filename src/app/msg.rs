//! What the shell tells the app (`Msg`) and what the app asks the shell to do (`Effect`).

use super::Snapshot;
use crate::domain::backlog::RankMove;
use crate::domain::burndown::Burndown;
use crate::domain::handover::Act;
use crate::domain::incident::{Priority, Step};
use crate::domain::kanban::{Column, ColumnLimit, Override};
use crate::domain::measures::Flow;
use crate::domain::release::{Change, Vote};
use crate::domain::sprint::Carry;
use crate::domain::{Event, Item, ItemCommand, ItemId, NewItem};
use chrono::{DateTime, Utc};
use ratatui::crossterm::event::KeyEvent;

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
    /// The test cases of a release's step, as the lines of its log.
    Cases(crate::app::tabs::pipeline::StepCases),
    /// A write went through: the item as it now is, and what to say.
    Saved(Box<Item>, String),
    /// A release was restarted after its firebreak: the automation runs on.
    Restarted(String),
    /// A Kanban column that was full has room now (after the move just saved).
    Freed(Column),
    /// The maintenance team's flow, measured from the audit trail.
    Flow(Box<Flow>),
    /// The insights, computed for the Insights tab.
    Insights(Box<crate::domain::insights::Insights>),
    /// A sprint's burndown.
    Burndown(String, Box<Burndown>),
    /// The incidents and problems an item was raised from, with their comment threads.
    Sources(
        crate::domain::ItemId,
        Vec<(String, Vec<crate::domain::comment::Comment>)>,
    ),
    /// The user's saved views, after one was saved, and what to say.
    Views(Vec<crate::domain::filter::View>, String),
    /// Something to say in the status line.
    Said(String),
    /// What an open form submitted was written: the form closes, and this is said.
    FormDone(String),
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
    /// The test cases of a release's step, for its log.
    LoadCases {
        version: String,
        env: String,
        step: String,
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
    AddSprint(super::form::NewSprint),
    /// An item given to someone.
    Assign {
        id: crate::domain::ItemId,
        to: String,
        version: i64,
    },
    /// A filter saved as a named view in the user's config.
    SaveView(crate::domain::filter::View),
    /// A link to a URL put on or taken off a record.
    WebLink {
        subject: crate::domain::comment::Subject,
        url: String,
        title: Option<String>,
        adding: bool,
    },
    /// A link between two items put on or taken off.
    Relate {
        subject: crate::domain::comment::Subject,
        relation: crate::domain::link::Relation,
        other: crate::domain::ItemId,
        adding: bool,
    },
    /// Labels put on or taken off an item or an incident.
    Relabel {
        subject: crate::domain::comment::Subject,
        add: Vec<String>,
        remove: Vec<String>,
    },
    /// A comment on an item, an incident, a problem or a release.
    Comment {
        subject: crate::domain::comment::Subject,
        text: String,
    },
    /// A project's policy changes (for releases cut afterwards).
    EditPolicy(super::form::PolicyChange),
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
    /// Cut a release of `project`'s done items, not yet carried by another.
    Cut {
        version: String,
        project: String,
    },
    /// A release manager abandons a halted release, with why.
    Abandon {
        version: String,
        reason: String,
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
                | Effect::LoadCases { .. }
                | Effect::LoadFlow
                | Effect::LoadInsights(_)
                | Effect::LoadBurndown(_)
                | Effect::Copy(_)
        )
    }
}
