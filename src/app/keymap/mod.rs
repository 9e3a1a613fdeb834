//! Keys are data: one table maps (context, key) to a command with its help text. Dispatch,
//! the footer hints and the `?` help overlay are all read from it, so they cannot drift.

mod defaults;
mod file;
mod key;
#[cfg(test)]
mod tests;

use crate::domain::vocab::vocabulary;
use defaults::DEFAULTS;
pub use key::Key;
use key::label;
use ratatui::crossterm::event::KeyEvent;

vocabulary!(
    /// What a key asks the board to do.
    Command ("action") {
        Quit = "quit", Help = "help", NextTab = "next-tab", PrevTab = "prev-tab",
        BacklogTab = "tab-backlog", KanbanTab = "tab-kanban", Refresh = "refresh",
        SwitchPerson = "switch-person", Left = "left", Right = "right",
        CardLeft = "card-left", CardRight = "card-right", Pull = "pull", Wip = "wip",
        Queue = "queue", Plan = "plan", Ageing = "ageing", PipelineTab = "tab-pipeline",
        Log = "log", Run = "run", Reject = "reject", Restart = "restart", VoteGo = "vote-go",
        VoteNoGo = "vote-no-go", Switch = "switch", Rollback = "rollback",
        HandoverTab = "tab-handover", Waive = "waive", ServiceTab = "tab-service",
        InsightsTab = "tab-insights",
        NewIncident = "new-incident", Take = "take", Hold = "hold", Resolve = "resolve",
        CloseIncident = "close-incident", Ticket = "ticket", RaiseProblem = "raise-problem",
        Investigate = "investigate", KnownError = "known-error", Fix = "fix",
        CloseHypercare = "close-hypercare", ExtendHypercare = "extend-hypercare",
        Rotate = "rotate", Assign = "assign", Determine = "determine",
        ConcludePd = "conclude-pd", Rerun = "rerun", OpsQueue = "ops-queue", Escape = "escape",
        Copy = "copy", OpenPalette = "palette", Undo = "undo",
        ReviewOps = "review-ops", EnhancementTicket = "ticket-enhancement", SprintTab = "tab-sprint", NextSprint = "next-sprint",
        PrevSprint = "prev-sprint", StartSprint = "start-sprint",
        CompleteSprint = "complete-sprint", NewSprint = "new-sprint", EditPolicy = "edit-policy",
        Down = "down", Up = "up", First = "first", Last = "last",
        PageDown = "page-down", PageUp = "page-up",
        RankDown = "rank-down", RankUp = "rank-up", RankTop = "rank-top",
        RankBottom = "rank-bottom", MoveMode = "move-mode",
        Filter = "filter", Slice = "slice", ToggleClosed = "toggle-closed",
        Open = "open", Back = "back", Add = "add", Edit = "edit",
        Accept = "accept", Refine = "refine", Cancel = "cancel", Block = "block",
        Keep = "keep", PutBack = "put-back", Yes = "yes", No = "no",
        Submit = "submit", NextField = "next-field", PrevField = "prev-field",
        ChoiceNext = "choice-next", ChoicePrev = "choice-prev",
        NextPeriod = "next-period", PrevPeriod = "prev-period",
        NextProject = "next-project", PrevProject = "prev-project",
        StartHandover = "start-handover", SubmitEvidence = "submit-evidence",
        ShowProblems = "show-problems", ShowIncidents = "show-incidents",
        NewProblem = "new-problem", CloseProblem = "close-problem",
        Messages = "messages", Abandon = "abandon", Reprioritise = "priority", Cut = "cut", Comment = "comment", AssignItem = "assign-item", Label = "label", Link = "link", Fold = "fold", View1 = "view-1", View2 = "view-2", View3 = "view-3",
        View4 = "view-4", SaveView = "save-view", DetailDown = "detail-down",
        DetailUp = "detail-up",
    }
);

vocabulary!(
    /// Where the keyboard is: derived from the state by `app::context`.
    Context ("context") {
        Global = "global", Backlog = "backlog", Sprint = "sprint", Kanban = "kanban",
        Pipeline = "pipeline", Handover = "handover", Service = "service",
        Problems = "problems", OpsReviews = "ops-reviews", Insights = "insights", Move = "move",
        Palette = "palette",
        Filter = "filter", Log = "log",
        Confirm = "confirm", Prompt = "prompt", Form = "form", Help = "help",
        People = "people", Messages = "messages",
    }
);

/// One row of the table.
#[derive(Debug, Clone)]
pub struct Binding {
    pub context: Context,
    pub keys: Vec<(String, Key)>,
    pub command: Command,
    pub help: &'static str,
    /// Its short label in the footer; empty when it is only in the help.
    pub hint: &'static str,
}

impl Binding {
    /// `j/↓`: the keys as the user reads them.
    pub fn keys_label(&self) -> String {
        let labels: Vec<String> = self.keys.iter().map(|(s, _)| label(s)).collect();
        labels.join("/")
    }
}

impl Command {
    /// Whether it changes the board: what a read-only board neither offers nor does.
    pub fn writes(self) -> bool {
        use Command as C;
        matches!(
            self,
            C::RankDown
                | C::RankUp
                | C::RankTop
                | C::RankBottom
                | C::MoveMode
                | C::Add
                | C::Edit
                | C::Accept
                | C::Refine
                | C::Cancel
                | C::Block
                | C::Queue
                | C::Plan
                | C::Escape
                | C::CardLeft
                | C::CardRight
                | C::StartSprint
                | C::CompleteSprint
                | C::NewSprint
                | C::Pull
                | C::Wip
                | C::Ageing
                | C::ReviewOps
                | C::Run
                | C::Reject
                | C::Restart
                | C::VoteGo
                | C::VoteNoGo
                | C::Switch
                | C::Rollback
                | C::Determine
                | C::ConcludePd
                | C::Ticket
                | C::Rerun
                | C::Abandon
                | C::Reprioritise
                | C::Comment
                | C::AssignItem
                | C::Label
                | C::Link
                | C::Cut
                | C::StartHandover
                | C::SubmitEvidence
                | C::Waive
                | C::NewIncident
                | C::Take
                | C::Assign
                | C::Hold
                | C::Resolve
                | C::CloseIncident
                | C::CloseHypercare
                | C::ExtendHypercare
                | C::Rotate
                | C::RaiseProblem
                | C::EnhancementTicket
                | C::NewProblem
                | C::Investigate
                | C::KnownError
                | C::Fix
                | C::CloseProblem
                | C::Undo
        )
    }
}

/// Whether a context falls back to the global keys: the tabs and move mode do; text input,
/// prompts and overlays keep every key to themselves.
fn falls_through(context: Context) -> bool {
    matches!(
        context,
        Context::Backlog
            | Context::Sprint
            | Context::Kanban
            | Context::Pipeline
            | Context::Handover
            | Context::Service
            | Context::Problems
            | Context::OpsReviews
            | Context::Insights
            | Context::Move
    )
}

/// The bindings in force.
#[derive(Debug, Clone)]
pub struct Keymap {
    pub bindings: Vec<Binding>,
}

impl Default for Keymap {
    fn default() -> Self {
        let bindings = DEFAULTS
            .iter()
            .map(|(context, keys, command, help, hint)| Binding {
                context: *context,
                keys: keys
                    .split(' ')
                    .filter_map(|k| Key::parse(k).map(|p| (k.to_string(), p)))
                    .collect(),
                command: *command,
                help,
                hint,
            })
            .collect();
        Keymap { bindings }
    }
}

impl Keymap {
    /// What can be done where the keyboard is, for the command palette: the context's bound
    /// actions, then the global ones it falls back to.
    pub fn actions(&self, context: Context) -> Vec<&Binding> {
        let mut out: Vec<&Binding> = self
            .bindings
            .iter()
            .filter(|b| b.context == context && !b.keys.is_empty())
            .collect();
        if falls_through(context) {
            let global: Vec<&Binding> = self
                .bindings
                .iter()
                .filter(|b| {
                    b.context == Context::Global
                        && !b.keys.is_empty()
                        && b.command != Command::OpenPalette
                        && !out.iter().any(|o| o.command == b.command)
                })
                .collect();
            out.extend(global);
        }
        out
    }

    /// The command a key means in a context. Text contexts do not fall back to the global
    /// keys, so typing `q` in the filter types a `q`.
    pub fn lookup(&self, context: Context, event: KeyEvent) -> Option<Command> {
        self.lookup_where(context, event).map(|(_, c)| c)
    }

    /// `lookup`, with the context whose binding matched: `context` itself, or `Global` when the
    /// key fell through to the keys that mean the same everywhere.
    pub fn lookup_where(&self, context: Context, event: KeyEvent) -> Option<(Context, Command)> {
        let key = Key::from_event(event);
        let find = |ctx: Context| {
            self.bindings
                .iter()
                .find(|b| b.context == ctx && b.keys.iter().any(|(_, k)| *k == key))
                .map(|b| (ctx, b.command))
        };
        find(context).or_else(|| {
            if falls_through(context) {
                find(Context::Global)
            } else {
                None
            }
        })
    }

    /// The key in force for `command` in `context` (or, for a context that falls back to them,
    /// among the global keys), as help writes it: what a message names instead of a letter
    /// the user's keymap may have changed. "no key" when it is unbound.
    pub fn key_for(&self, context: Context, command: Command) -> String {
        let of = |ctx: Context| {
            self.bindings
                .iter()
                .find(|b| b.context == ctx && b.command == command)
                .and_then(|b| b.keys.first())
                .map(|(s, _)| label(s))
        };
        of(context)
            .or_else(|| {
                falls_through(context)
                    .then(|| of(Context::Global))
                    .flatten()
            })
            .unwrap_or_else(|| "no key".to_string())
    }

    /// Every key in force for `command` in `context`, as the user reads them (`n/Esc/Enter`).
    pub fn keys_for(&self, context: Context, command: Command) -> String {
        self.bindings
            .iter()
            .find(|b| b.context == context && b.command == command)
            .map_or_else(|| self.key_for(context, command), Binding::keys_label)
    }

    /// The footer: the first key and short label of the hinted bindings of a context,
    /// then the global ones.
    /// On a read-only board (`writable` false), only what works there.
    pub fn hints(&self, context: Context, writable: bool) -> Vec<(String, &'static str)> {
        let first_key = |b: &Binding| b.keys.first().map(|(s, _)| label(s)).unwrap_or_default();
        let of = |ctx: Context| {
            self.bindings
                .iter()
                .filter(move |b| !b.hint.is_empty() && b.context == ctx)
                .filter(move |b| writable || !b.command.writes())
                .map(move |b| (first_key(b), b.hint))
        };
        let mut out: Vec<(String, &'static str)> = of(context).collect();
        if falls_through(context) {
            out.extend(of(Context::Global));
        }
        out
    }
}

impl Keymap {
    /// The bindings as a Markdown table, grouped by context: the README's key list.
    pub fn markdown(&self) -> String {
        let mut out = String::from("| where | keys | what |\n|---|---|---|\n");
        for ctx in Context::ALL {
            for b in self.bindings.iter().filter(|b| b.context == *ctx) {
                let keys: Vec<String> = b
                    .keys
                    .iter()
                    .map(|(s, _)| format!("`{}`", label(s)))
                    .collect();
                out.push_str(&format!("| {} | {} | {} |\n", ctx, keys.join(" "), b.help));
            }
        }
        out
    }
}
