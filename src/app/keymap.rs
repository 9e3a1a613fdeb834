//! Keys are data: one table maps (context, key) to a command with its help text. Dispatch,
//! the footer hints and the `?` help overlay are all read from it, so they cannot drift.

use crate::domain::vocab::vocabulary;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::fmt;

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
        CompleteSprint = "complete-sprint", NewSprint = "new-sprint",
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
        People = "people",
    }
);

/// One key with its modifiers; shifted letters are their capitals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

impl Key {
    /// Normalises a key event: a shifted character is just the character.
    pub fn from_event(e: KeyEvent) -> Key {
        let mut mods =
            e.modifiers & (KeyModifiers::SHIFT | KeyModifiers::CONTROL | KeyModifiers::ALT);
        if let KeyCode::Char(_) = e.code {
            mods.remove(KeyModifiers::SHIFT);
        }
        let code = match e.code {
            KeyCode::BackTab => {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            c => c,
        };
        Key { code, mods }
    }

    /// Parses `j`, `J`, `shift-down`, `ctrl-c`, `enter`, `pgdn`, `?`, `space`...
    pub fn parse(s: &str) -> Option<Key> {
        let mut mods = KeyModifiers::NONE;
        let mut rest = s;
        loop {
            if let Some(r) = rest.strip_prefix("ctrl-") {
                mods |= KeyModifiers::CONTROL;
                rest = r;
            } else if let Some(r) = rest.strip_prefix("shift-") {
                mods |= KeyModifiers::SHIFT;
                rest = r;
            } else if let Some(r) = rest.strip_prefix("alt-") {
                mods |= KeyModifiers::ALT;
                rest = r;
            } else {
                break;
            }
        }
        let code = match rest {
            "enter" => KeyCode::Enter,
            "esc" => KeyCode::Esc,
            "tab" => KeyCode::Tab,
            "backtab" => KeyCode::BackTab,
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "pgup" => KeyCode::PageUp,
            "pgdn" => KeyCode::PageDown,
            "space" => KeyCode::Char(' '),
            "backspace" => KeyCode::Backspace,
            one if one.chars().count() == 1 => KeyCode::Char(one.chars().next()?),
            _ => return None,
        };
        Some(Key { code, mods })
    }
}

/// How a key is written in the footer and the help: `⇧↓`, `^d`, `PgUp`, `Enter`.
fn label(s: &str) -> String {
    if let Some(rest) = s.strip_prefix("ctrl-") {
        return format!("^{}", label(rest));
    }
    if let Some(rest) = s.strip_prefix("shift-") {
        return format!("⇧{}", label(rest));
    }
    if let Some(rest) = s.strip_prefix("alt-") {
        return format!("M-{}", label(rest));
    }
    match s {
        "down" => "↓",
        "up" => "↑",
        "left" => "←",
        "right" => "→",
        "pgup" => "PgUp",
        "pgdn" => "PgDn",
        "enter" => "Enter",
        "esc" => "Esc",
        "tab" => "Tab",
        "backtab" => "⇧Tab",
        "home" => "Home",
        "end" => "End",
        "space" => "Space",
        "backspace" => "Backspace",
        other => other,
    }
    .to_string()
}

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

/// The default bindings: (context, keys, command, help, footer label or "" for none).
#[rustfmt::skip]
const DEFAULTS: &[(Context, &str, Command, &str, &str)] = {
    use Command as C;
    use Context::*;
    &[
        (Global, "q ctrl-c", C::Quit, "quit", "quit"),
        (Global, "?", C::Help, "help: every key", "help"),
        (Global, "1", C::BacklogTab, "the Backlog tab", ""),
        (Global, "2", C::SprintTab, "the Sprint tab", ""),
        (Global, "3", C::KanbanTab, "the Kanban tab", ""),
        (Global, "4", C::PipelineTab, "the Pipeline tab", ""),
        (Global, "5", C::HandoverTab, "the Handover tab", ""),
        (Global, "6", C::ServiceTab, "the Service tab", ""),
        (Global, "7", C::InsightsTab, "the Insights tab", ""),
        (Global, "tab", C::NextTab, "next tab", ""),
        (Global, "backtab", C::PrevTab, "previous tab", ""),
        (Global, "r", C::Refresh, "reload the board now", ""),
        (Global, "u", C::Undo, "undo your own last change of this session (a rank move, an edit, block, submit or send back)", ""),
        (Global, ":", C::OpenPalette, "the command palette: find any action here by name, and run it", ""),
        (Global, "y", C::Copy, "copy the selected id, URL or log line to the clipboard (OSC 52, works over SSH)", ""),
        (Log, "y", C::Copy, "copy the top line shown", ""),
        (Global, "P", C::SwitchPerson, "act as another person (trust boards)", ""),
        (Backlog, "j down", C::Down, "select the next item", ""),
        (Backlog, "k up", C::Up, "select the previous item", ""),
        (Backlog, "g home", C::First, "select the first item", ""),
        (Backlog, "G end", C::Last, "select the last item", ""),
        (Backlog, "pgdn ctrl-d", C::PageDown, "a page down", ""),
        (Backlog, "pgup ctrl-u", C::PageUp, "a page up", ""),
        (Backlog, "J shift-down", C::RankDown, "rank the item one down", "rank ↓"),
        (Backlog, "K shift-up", C::RankUp, "rank the item one up", "rank ↑"),
        (Backlog, "t", C::RankTop, "rank the item to the top", "top"),
        (Backlog, "b", C::RankBottom, "rank the item to the bottom", ""),
        (Backlog, "m", C::MoveMode, "move mode: place the item with the arrows", ""),
        (Backlog, "/", C::Filter, "filter by title or id, as you type", "filter"),
        (Backlog, "s", C::Slice, "team slice: all, appdev, ams", "team"),
        (Backlog, "c", C::ToggleClosed, "show or hide done, released and cancelled items", ""),
        (Backlog, "enter", C::Open, "open or close the detail pane", "detail"),
        (Backlog, "esc", C::Back, "close the detail pane, then clear the filter", ""),
        (Backlog, "a", C::Add, "add an item", "add"),
        (Backlog, "e", C::Edit, "edit the item", ""),
        (Backlog, "A", C::Accept, "accept the item from triage", ""),
        (Backlog, "R", C::Refine, "refine the item to ready", ""),
        (Backlog, "Q", C::Queue, "queue the item for the Kanban board (team ams)", ""),
        (Backlog, "S", C::Plan, "plan the item into its project's open sprint (team appdev)", ""),
        (Sprint, "h left", C::Left, "select the column to the left", ""),
        (Sprint, "l right", C::Right, "select the column to the right", ""),
        (Sprint, "j down", C::Down, "select the next card", ""),
        (Sprint, "k up", C::Up, "select the previous card", ""),
        (Sprint, "H shift-left", C::CardLeft, "move the card back (review to in progress)", "move ←"),
        (Sprint, "L shift-right", C::CardRight, "move the card on (start, submit, approve)", "move →"),
        (Sprint, "J shift-down", C::RankDown, "reorder: the card one down in its column", ""),
        (Sprint, "K shift-up", C::RankUp, "reorder: the card one up in its column", ""),
        (Sprint, "]", C::NextSprint, "show the next sprint", "sprint"),
        (Sprint, "[", C::PrevSprint, "show the previous sprint", ""),
        (Sprint, "s", C::StartSprint, "start the shown sprint", "start"),
        (Sprint, "C", C::CompleteSprint, "complete the shown sprint (asks where unfinished items go)", ""),
        (Sprint, "n", C::NewSprint, "add a sprint", "new"),
        (Backlog, "w", C::Escape, "a defect found live: where it should have been caught (asks [VERSION] ENV KIND, or none)", ""),
        (Backlog, "x", C::Cancel, "cancel the item (asks why)", ""),
        (Backlog, "!", C::Block, "block the item (asks why), or unblock it", ""),
        (Kanban, "h left", C::Left, "select the column to the left", ""),
        (Kanban, "l right", C::Right, "select the column to the right", ""),
        (Kanban, "j down", C::Down, "select the next card", ""),
        (Kanban, "k up", C::Up, "select the previous card", ""),
        (Kanban, "H shift-left", C::CardLeft, "move the card back a column (review to in progress)", "move ←"),
        (Kanban, "L shift-right", C::CardRight, "move the card on a column (pull, submit, approve)", "move →"),
        (Kanban, "p", C::Pull, "pull the selected Ready card, or the next in the pull order", "pull"),
        (Kanban, "w", C::Wip, "set the selected column's WIP limit and mode", "limit"),
        (Kanban, "o", C::OpsQueue, "show the delivery stories waiting for an operations review", "ops reviews"),
        (Insights, "j down", C::Down, "scroll down", ""),
        (Insights, "k up", C::Up, "scroll up", ""),
        (Insights, "g home", C::First, "back to the top", ""),
        (Insights, "]", C::NextSprint, "look further back: 4, 12, 26 or 52 weeks", "period"),
        (Insights, "[", C::PrevSprint, "look less far back", ""),
        (OpsReviews, "j down", C::Down, "select the next story", ""),
        (OpsReviews, "k up", C::Up, "select the previous story", ""),
        (OpsReviews, "R enter", C::ReviewOps, "record its operations review (edit the criteria, Enter records)", "review"),
        (OpsReviews, "o esc", C::OpsQueue, "show the Kanban board again", "board"),
        (Kanban, "a", C::Ageing, "set after how many days a card counts as ageing", ""),
        (Pipeline, "j down", C::Down, "select the next release", ""),
        (Pipeline, "k up", C::Up, "select the previous release", ""),
        (Pipeline, "g home", C::First, "select the newest release", ""),
        (Pipeline, "G end", C::Last, "select the oldest release", ""),
        (Pipeline, "h left", C::Left, "the previous step on its path", ""),
        (Pipeline, "right", C::Right, "the next step on its path", ""),
        (Pipeline, "l enter", C::Log, "open the step's whole log", "log"),
        (Pipeline, "R", C::Run, "run the automation until it halts, pauses or reaches the shadow", "run"),
        (Pipeline, "a", C::Accept, "accept it at the firebreak, for your party", "accept"),
        (Pipeline, "X", C::Reject, "reject it at the firebreak (asks why)", ""),
        (Pipeline, "s", C::Restart, "restart the automation after the firebreak", ""),
        (Pipeline, "v", C::VoteGo, "vote go", "go"),
        (Pipeline, "V", C::VoteNoGo, "vote no-go (asks why)", ""),
        (Pipeline, "S", C::Switch, "switch it live (type its version, then why)", ""),
        (Pipeline, "d", C::Determine, "record problem determination on a halted release (asks cause, then findings)", ""),
        (Pipeline, "D", C::ConcludePd, "conclude its problem determination", ""),
        (Pipeline, "T", C::Ticket, "raise a ticket from its problem determination (asks the title)", ""),
        (Pipeline, "F", C::Rerun, "re-run the failed step once, when its PD blamed the environment", ""),
        (Pipeline, "B", C::Rollback, "roll it back (type its version, then why)", ""),
        (Handover, "j down", C::Down, "select the next item", ""),
        (Handover, "k up", C::Up, "select the previous item", ""),
        (Handover, "]", C::NextSprint, "the next delivery project", "project"),
        (Handover, "[", C::PrevSprint, "the previous delivery project", ""),
        (Handover, "s", C::StartSprint, "start the handover (a release reached pre-production)", "start"),
        (Handover, "u", C::Submit, "submit evidence for the item (delivery team)", "submit"),
        (Handover, "a", C::Accept, "accept the item (a service manager, not its submitter)", "accept"),
        (Handover, "X", C::Reject, "reject the item (asks why)", ""),
        (Handover, "w", C::Waive, "waive the item until a date (asks until when and why)", "waive"),
        (Service, "j down", C::Down, "select the next incident", ""),
        (Service, "k up", C::Up, "select the previous incident", ""),
        (Service, "] [", C::NextSprint, "show the problems", "problems"),
        (Service, "n", C::NewIncident, "log an incident (its priority, then its title)", "new"),
        (Service, "t", C::Take, "take the incident: it is yours, in progress", "take"),
        (Service, "A", C::Assign, "assign it to someone (a service manager; asks who)", ""),
        (Service, "z", C::Hold, "put it on hold (asks why)", ""),
        (Service, "R", C::Resolve, "resolve it", "resolve"),
        (Service, "C", C::CloseIncident, "close a resolved incident (a service manager)", ""),
        (Service, "H", C::CloseHypercare, "close the shown hypercare at its exit review (a service manager)", ""),
        (Service, "D", C::ExtendHypercare, "extend the shown hypercare (asks until when and why)", ""),
        (Service, "O", C::Rotate, "rotate a person into the other team (asks name, team, first and last day)", ""),
        (Service, "P", C::RaiseProblem, "raise a problem from the incident (asks its cause)", "problem"),
        (Service, "T", C::Ticket, "raise a defect on the backlog from it (a service manager)", "ticket"),
        (Service, "E", C::EnhancementTicket, "raise an enhancement on the backlog from it", ""),
        (Service, "w", C::Escape, "where this incident should have been caught (asks ENV KIND, or none)", ""),
        (Problems, "j down", C::Down, "select the next problem", ""),
        (Problems, "k up", C::Up, "select the previous problem", ""),
        (Problems, "] [", C::NextSprint, "show the incidents again", "incidents"),
        (Problems, "n", C::NewIncident, "raise a problem (asks its cause)", "new"),
        (Problems, "i", C::Investigate, "investigate it", "investigate"),
        (Problems, "K", C::KnownError, "make it a known error (asks the workaround)", "known error"),
        (Problems, "f", C::Fix, "its fix is in progress", "fix"),
        (Problems, "R", C::Resolve, "resolve it (every ticket released)", ""),
        (Problems, "C", C::CloseIncident, "close a resolved problem (a service manager)", ""),
        (Problems, "T", C::Ticket, "raise a defect on the backlog from it (a service manager)", "ticket"),
        (Problems, "E", C::EnhancementTicket, "raise an enhancement on the backlog from it", ""),
        (Log, "j down", C::Down, "scroll down", ""),
        (Log, "k up", C::Up, "scroll up", ""),
        (Log, "esc q l", C::Back, "close the log", "close"),
        (Move, "j down", C::Down, "move it down", "move it down"),
        (Move, "k up", C::Up, "move it up", "move it up"),
        (Move, "g home", C::First, "move it to the top", ""),
        (Move, "G end", C::Last, "move it to the bottom", ""),
        (Move, "enter", C::Keep, "keep it here", "keep it here"),
        (Move, "esc", C::PutBack, "put it back where it was", "put it back where it was"),
        (Filter, "enter", C::Keep, "keep the filter", "keep the filter"),
        (Filter, "esc", C::Back, "clear the filter", "clear the filter"),
        (Filter, "down", C::Down, "select the next match", "select the next match"),
        (Filter, "up", C::Up, "select the previous match", ""),
        (Confirm, "y", C::Yes, "yes", "yes"),
        (Confirm, "n esc enter", C::No, "no (the default)", "no (the default)"),
        (Prompt, "enter", C::Submit, "done", "done"),
        (Prompt, "esc", C::Back, "cancel", "cancel"),
        (Form, "enter", C::Submit, "save", "save"),
        (Form, "esc", C::Back, "cancel", "cancel"),
        (Form, "tab down", C::NextField, "next field", "next field"),
        (Form, "backtab up", C::PrevField, "previous field", ""),
        (Form, "right", C::ChoiceNext, "next choice", ""),
        (Form, "left", C::ChoicePrev, "previous choice", ""),
        (Help, "esc ? q", C::Back, "close the help", "close the help"),
        (Help, "j down", C::Down, "scroll down", ""),
        (Help, "k up", C::Up, "scroll up", ""),
        (Palette, "enter", C::Submit, "run the chosen action", "run"),
        (Palette, "esc", C::Back, "close the palette", "close"),
        (Palette, "down ctrl-n", C::Down, "the next action", ""),
        (Palette, "up ctrl-p", C::Up, "the previous action", ""),
        (People, "j down", C::Down, "next person", "next person"),
        (People, "k up", C::Up, "previous person", "previous person"),
        (People, "enter", C::Submit, "act as this person", "act as this person"),
        (People, "esc", C::Back, "close", "close"),
    ]
};

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

    /// The defaults with a user's `keymap.toml` applied: sections are contexts, each line
    /// `action = "keys"` rebinds an action of that context (space-separated keys; `""`
    /// unbinds it). The file is read by the `toml` crate, whose spans give the line of each
    /// mistake: a file that is not TOML is refused at its first error; in a file that is, every
    /// mistake (an unknown context, action or key, keys not in a string, a key bound twice in a
    /// context) is reported with its line. Either way none of the file applies: the defaults
    /// stay in force.
    pub fn with_overrides(text: &str) -> Result<Keymap, Vec<String>> {
        use toml::Spanned;
        let line_of = |at: usize| text[..at.min(text.len())].matches('\n').count() + 1;
        let doc: std::collections::BTreeMap<Spanned<String>, Spanned<toml::Value>> =
            toml::from_str(text).map_err(|e| {
                let line = e.span().map_or(1, |s| line_of(s.start));
                vec![format!(
                    "line {line}: this is not TOML: {}",
                    e.message().trim_end()
                )]
            })?;
        let mut map = Keymap::default();
        let mut errors: Vec<(usize, String)> = Vec::new();
        // Which line set each binding, for the duplicate check's message.
        let mut set_at: Vec<Option<usize>> = vec![None; map.bindings.len()];
        for (name, section) in &doc {
            let line_no = line_of(name.span().start);
            let toml::Value::Table(actions) = section.get_ref() else {
                errors.push((
                    line_no,
                    format!(
                        "line {line_no}: '{}' is outside a context: start with a section such as [backlog]",
                        name.get_ref()
                    ),
                ));
                continue;
            };
            let Ok(ctx) = name.get_ref().parse::<Context>() else {
                let names: Vec<&str> = Context::ALL.iter().map(|c| c.as_str()).collect();
                errors.push((
                    line_no,
                    format!(
                        "line {line_no}: there is no context '{}': one of {}",
                        name.get_ref(),
                        names.join(", ")
                    ),
                ));
                continue;
            };
            // The section's own spans are not kept by `toml::Value`: each action is found on
            // the first line after the section's header that starts with its name.
            let after = name.span().end;
            for (action, value) in actions {
                let line_no = text[after..]
                    .lines()
                    .position(|l| {
                        let l = l.trim_start();
                        l.strip_prefix(action.as_str())
                            .is_some_and(|rest| rest.trim_start().starts_with('='))
                            || l.strip_prefix(&format!("\"{action}\""))
                                .is_some_and(|rest| rest.trim_start().starts_with('='))
                    })
                    .map_or(line_no, |n| line_of(after) + n);
                let Some(keys) = value.as_str() else {
                    errors.push((
                        line_no,
                        format!(
                            "line {line_no}: the keys of '{action}' go in double quotes, e.g. {action} = \"x\""
                        ),
                    ));
                    continue;
                };
                let found = action.parse::<Command>().ok().and_then(|cmd| {
                    map.bindings
                        .iter()
                        .position(|b| b.context == ctx && b.command == cmd)
                });
                let Some(i) = found else {
                    let here: Vec<&str> = map
                        .bindings
                        .iter()
                        .filter(|b| b.context == ctx)
                        .map(|b| b.command.as_str())
                        .collect();
                    errors.push((
                        line_no,
                        format!(
                            "line {line_no}: no action '{action}' in [{ctx}]: one of {}",
                            here.join(", ")
                        ),
                    ));
                    continue;
                };
                let mut parsed = Vec::new();
                let mut whole = true;
                for k in keys.split_whitespace() {
                    match Key::parse(k) {
                        Some(key) => parsed.push((k.to_string(), key)),
                        None => {
                            whole = false;
                            errors.push((line_no, format!(
                                "line {line_no}: '{k}' is not a key: a character, or enter, esc, tab, up, down, left, right, home, end, pgup, pgdn, space, backspace, with ctrl-, shift- or alt- before it"
                            )));
                        }
                    }
                }
                // A line with a mistake binds nothing, so that it is the one mistake told.
                if whole {
                    map.bindings[i].keys = parsed;
                    set_at[i] = Some(line_no);
                }
            }
        }
        // A key may mean one thing per context.
        for (i, a) in map.bindings.iter().enumerate() {
            for (j, b) in map.bindings.iter().enumerate().skip(i + 1) {
                if a.context != b.context || (set_at[i].is_none() && set_at[j].is_none()) {
                    continue;
                }
                if let Some((name, _)) = a
                    .keys
                    .iter()
                    .find(|(_, k)| b.keys.iter().any(|(_, o)| o == k))
                {
                    let line = set_at[j].or(set_at[i]).unwrap_or(0);
                    errors.push((
                        line,
                        format!(
                            "line {line}: '{name}' is bound to both {} and {} in [{}]",
                            a.command, b.command, a.context
                        ),
                    ));
                }
            }
        }
        // Something must always close the board.
        for (i, b) in map.bindings.iter().enumerate() {
            if b.command == Command::Quit && b.context == Context::Global && b.keys.is_empty() {
                let line = set_at[i].unwrap_or(0);
                errors.push((
                    line,
                    format!("line {line}: quit must keep a key, or nothing could close the board"),
                ));
            }
        }
        if errors.is_empty() {
            Ok(map)
        } else {
            // In the order of the file, as a reader goes through it.
            errors.sort_by_key(|(line, _)| *line);
            Err(errors.into_iter().map(|(_, e)| e).collect())
        }
    }

    /// The command a key means in a context. Text contexts do not fall back to the global
    /// keys, so typing `q` in the filter types a `q`.
    pub fn lookup(&self, context: Context, event: KeyEvent) -> Option<Command> {
        let key = Key::from_event(event);
        let find = |ctx: Context| {
            self.bindings
                .iter()
                .find(|b| b.context == ctx && b.keys.iter().any(|(_, k)| *k == key))
                .map(|b| b.command)
        };
        find(context).or_else(|| {
            if falls_through(context) {
                find(Context::Global)
            } else {
                None
            }
        })
    }

    /// The footer: the first key and short label of the hinted bindings of a context,
    /// then the global ones.
    pub fn hints(&self, context: Context) -> Vec<(String, &'static str)> {
        let first_key = |b: &Binding| b.keys.first().map(|(s, _)| label(s)).unwrap_or_default();
        let of = |ctx: Context| {
            self.bindings
                .iter()
                .filter(move |b| !b.hint.is_empty() && b.context == ctx)
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

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}+{:?}", self.mods, self.code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    #[test]
    fn a_keymap_file_rebinds_and_unbinds_and_shows_in_the_help() {
        let km = Keymap::with_overrides(
            "# mine\n[backlog]\nrank-top = \"T ctrl-t\"   # to the top\nfilter = \"f /\"\n\n[global]\nrefresh = \"\"\n",
        )
        .unwrap();
        let key = |c: char| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
        assert_eq!(
            km.lookup(Context::Backlog, key('T')),
            Some(Command::RankTop)
        );
        assert_eq!(km.lookup(Context::Backlog, key('t')), None);
        assert_eq!(km.lookup(Context::Backlog, key('f')), Some(Command::Filter));
        assert_eq!(km.lookup(Context::Backlog, key('r')), None, "unbound");
        assert!(
            km.markdown()
                .contains("| backlog | `T` `^t` | rank the item to the top |")
        );
    }

    #[test]
    fn quit_cannot_be_unbound() {
        let errors = Keymap::with_overrides("[global]\n\nquit = \"\"\n").unwrap_err();
        assert_eq!(
            errors,
            ["line 3: quit must keep a key, or nothing could close the board"]
        );
        assert!(Keymap::with_overrides("[global]\nquit = \"ctrl-q\"\n").is_ok());
    }

    #[test]
    fn a_keymap_file_with_a_mistake_says_where_and_changes_nothing() {
        let errors = Keymap::with_overrides(
            "[backlog]\nrank-top = \"j\"\nfly = \"x\"\n[nowhere]\nquit = \"q\"\n[global]\nquit = \"hyper-q\"\nhelp = 3\n",
        )
        .unwrap_err();
        let text = errors.join("\n");
        for expected in [
            "line 2: 'j' is bound to both down and rank-top in [backlog]",
            "line 3: no action 'fly' in [backlog]",
            "line 4: there is no context 'nowhere'",
            "line 7: 'hyper-q' is not a key",
            "line 8: the keys of 'help' go in double quotes",
        ] {
            assert!(text.contains(expected), "{expected} missing from:\n{text}");
        }
        let lines: Vec<&str> = errors
            .iter()
            .map(|e| e.split(':').next().unwrap())
            .collect();
        assert_eq!(
            lines,
            ["line 2", "line 3", "line 4", "line 7", "line 8"],
            "in the file's order"
        );
    }

    #[test]
    fn a_keymap_file_that_is_not_toml_is_refused_at_its_first_error() {
        for (text, line) in [
            ("[global]\nquit = \"q\"\nhelp = unquoted\n", 3),
            ("[backlog]\nfilter = \"f\"\n[backlog]\nfilter = \"g\"\n", 3),
            ("[global]\nquit = \"q\"\nquit = \"x\"\n", 3),
        ] {
            let errors = Keymap::with_overrides(text).unwrap_err();
            assert_eq!(errors.len(), 1, "{errors:?}");
            assert!(
                errors[0].starts_with(&format!("line {line}: this is not TOML")),
                "{errors:?}"
            );
        }
    }

    #[test]
    fn shifted_letters_and_shifted_arrows_both_rank() {
        let km = Keymap::default();
        assert_eq!(
            km.lookup(
                Context::Backlog,
                ev(KeyCode::Char('J'), KeyModifiers::SHIFT)
            ),
            Some(Command::RankDown)
        );
        assert_eq!(
            km.lookup(Context::Backlog, ev(KeyCode::Up, KeyModifiers::SHIFT)),
            Some(Command::RankUp)
        );
        assert_eq!(
            km.lookup(Context::Backlog, ev(KeyCode::Up, KeyModifiers::NONE)),
            Some(Command::Up)
        );
    }

    #[test]
    fn text_contexts_do_not_fall_back_to_global_keys() {
        let km = Keymap::default();
        let q = ev(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(km.lookup(Context::Backlog, q), Some(Command::Quit));
        assert_eq!(km.lookup(Context::Filter, q), None);
        assert_eq!(km.lookup(Context::Form, q), None);
    }

    #[test]
    fn every_default_key_parses_and_no_key_is_bound_twice_in_a_context() {
        let km = Keymap::default();
        for (b, raw) in km.bindings.iter().zip(DEFAULTS) {
            assert_eq!(b.keys.len(), raw.1.split(' ').count(), "{:?}", raw.1);
        }
        for (i, a) in km.bindings.iter().enumerate() {
            for b in &km.bindings[i + 1..] {
                if a.context == b.context {
                    for (_, k) in &a.keys {
                        assert!(
                            !b.keys.iter().any(|(_, j)| j == k),
                            "{k} twice in {}",
                            a.context
                        );
                    }
                }
            }
        }
    }
}
