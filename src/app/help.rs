//! The help overlay (`?`): the keys of where you are first, then those that work everywhere,
//! then the rest; descriptions wrapped to the box, paged like a pager and searched with `/`.
//! On a read-only board it offers only what works there.

use super::input::LineInput;
use super::keymap::{Command, Context};
use super::{AppState, Effect, Overlay};
use ratatui::crossterm::event::{KeyCode, KeyEvent};

/// The help as it stands: where it was opened, how far down it is, what is searched.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HelpView {
    pub from: Option<Context>,
    pub scroll: usize,
    pub search: LineInput,
    /// The search is taking keystrokes.
    pub searching: bool,
}

/// One line of the help as drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HelpLine {
    Heading(String),
    /// A binding: its keys and the first line of its description.
    Key(String, String),
    /// The rest of a description too long for one line.
    More(String),
    Blank,
}

/// The width of the keys' column.
pub const KEYS: usize = 18;

/// The box's width on a terminal `width` columns wide, and its inner width.
pub fn widths(width: u16) -> (u16, usize) {
    let w = 76.min(width.saturating_sub(2));
    (w, w.saturating_sub(2) as usize)
}

/// How many lines of help show at once on this terminal.
pub fn page(s: &AppState) -> usize {
    (s.size.1.saturating_sub(6) as usize).max(1)
}

/// Opens the help at the keys of where the keyboard is.
pub(super) fn open(s: &mut AppState) {
    s.overlay = Some(Overlay::Help(Box::new(HelpView {
        from: Some(s.context()),
        ..HelpView::default()
    })));
}

/// The groups in the order shown: where it was opened first, then everywhere, then the rest;
/// each titled, naming the key that opens it as the user's keymap has it.
fn groups(s: &AppState, from: Option<Context>) -> Vec<(Context, String)> {
    use Command as C;
    let key = |ctx: Context, cmd: C| s.key(ctx, cmd);
    let all = [
        (Context::Global, "Everywhere".to_string()),
        (Context::Backlog, "Backlog".to_string()),
        (Context::Sprint, "Sprint".to_string()),
        (Context::Kanban, "Kanban".to_string()),
        (Context::Pipeline, "Pipeline".to_string()),
        (Context::Handover, "Handover".to_string()),
        (Context::Service, "Service: incidents".to_string()),
        (
            Context::Problems,
            format!(
                "Service: problems ({})",
                key(Context::Service, C::ShowProblems)
            ),
        ),
        (
            Context::OpsReviews,
            format!(
                "Kanban: operations reviews ({})",
                key(Context::Kanban, C::OpsQueue)
            ),
        ),
        (
            Context::Palette,
            format!("Command palette ({})", key(Context::Global, C::OpenPalette)),
        ),
        (Context::Insights, "Insights".to_string()),
        (
            Context::Log,
            format!("A step's log ({})", key(Context::Pipeline, C::Log)),
        ),
        (
            Context::Move,
            format!("Move mode ({})", key(Context::Backlog, C::MoveMode)),
        ),
        (
            Context::Filter,
            format!("Filter ({})", key(Context::Backlog, C::Filter)),
        ),
        (
            Context::Form,
            format!(
                "Item form ({}, {})",
                key(Context::Backlog, C::Add),
                key(Context::Backlog, C::Edit)
            ),
        ),
        (Context::Confirm, "Yes or no".to_string()),
        (Context::Prompt, "Reason".to_string()),
        (
            Context::People,
            format!("Act as ({})", key(Context::Global, C::SwitchPerson)),
        ),
        (
            Context::Messages,
            format!("Messages ({})", key(Context::Global, C::Messages)),
        ),
        (Context::Help, "This help".to_string()),
    ];
    let mut out: Vec<(Context, String)> = Vec::new();
    if let Some(here) = from
        && let Some((ctx, title)) = all.iter().find(|(c, _)| *c == here)
    {
        out.push((*ctx, format!("Here: {title}")));
    }
    out.extend(all.into_iter().filter(|(c, _)| Some(*c) != from));
    out
}

/// The help's lines for a box `inner` columns wide: matching the search, if any.
pub fn lines(s: &AppState, view: &HelpView, inner: usize) -> Vec<HelpLine> {
    let query = view.search.text.trim().to_lowercase();
    let room = inner.saturating_sub(KEYS).max(12);
    let mut out = Vec::new();
    for (ctx, title) in groups(s, view.from) {
        let mut group = Vec::new();
        for b in s.keymap.bindings.iter().filter(|b| b.context == ctx) {
            if s.readonly && b.command.writes() {
                continue;
            }
            let keys = b.keys_label();
            let shown = if keys.is_empty() { "-".into() } else { keys };
            if !query.is_empty() {
                let text = format!("{shown} {} {}", b.command.as_str(), b.help).to_lowercase();
                if !text.contains(&query) {
                    continue;
                }
            }
            let mut help = crate::format::wrap(b.help, room, "").into_iter();
            group.push(HelpLine::Key(shown, help.next().unwrap_or_default()));
            group.extend(help.map(HelpLine::More));
        }
        if !group.is_empty() {
            out.push(HelpLine::Heading(title));
            out.extend(group);
            out.push(HelpLine::Blank);
        }
    }
    if out.is_empty() {
        out.push(HelpLine::Heading(format!(
            "No key matches “{}”.",
            view.search.text.trim()
        )));
    }
    out
}

/// The keys of the help: scroll, page, the ends, search (`/`, typed, Enter keeps it, Esc clears
/// it), close.
pub(super) fn key(s: &mut AppState, cmd: Option<Command>, k: KeyEvent) -> Vec<Effect> {
    let page = page(s);
    let (_, inner) = widths(s.size.0);
    let Some(Overlay::Help(view)) = &s.overlay else {
        return vec![];
    };
    let count = lines(s, view, inner).len();
    let last = count.saturating_sub(page);
    let Some(Overlay::Help(view)) = &mut s.overlay else {
        return vec![];
    };
    if view.searching {
        match k.code {
            KeyCode::Enter => view.searching = false,
            KeyCode::Esc => {
                view.searching = false;
                view.search = LineInput::default();
            }
            _ => {
                if view.search.key(k) {
                    view.scroll = 0;
                }
            }
        }
        return vec![];
    }
    match cmd {
        Some(Command::Back) if !view.search.text.is_empty() && k.code == KeyCode::Esc => {
            view.search = LineInput::default();
            view.scroll = 0;
        }
        Some(Command::Back) => s.overlay = None,
        Some(Command::Down) => view.scroll = (view.scroll + 1).min(last),
        Some(Command::Up) => view.scroll = view.scroll.saturating_sub(1),
        Some(Command::PageDown) => view.scroll = (view.scroll + page).min(last),
        Some(Command::PageUp) => view.scroll = view.scroll.saturating_sub(page),
        Some(Command::First) => view.scroll = 0,
        Some(Command::Last) => view.scroll = last,
        Some(Command::Filter) => view.searching = true,
        _ => {}
    }
    vec![]
}
