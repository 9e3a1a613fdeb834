//! The item detail pane, the same on the Backlog and the Kanban board: beside the list when
//! the screen is wide, the whole body when it is not.

use crate::app::AppState;
use crate::app::keymap::{Command, Context};
use crate::domain::State;
use crate::format;
use crate::ui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

/// Below this width the detail pane takes the whole body instead of sitting beside the list.
const SIDE_BY_SIDE: u16 = 120;

/// Whether the tab on screen has the pane open.
pub fn open(s: &AppState) -> bool {
    s.detail.as_ref().is_some_and(|d| d.tab == s.tab)
}

/// The list's area and the pane's, when the pane is open and there is room for both.
pub fn beside(s: &AppState, area: Rect) -> Option<(Rect, Rect)> {
    if !open(s) || area.width < SIDE_BY_SIDE {
        return None;
    }
    let [list, detail] =
        Layout::horizontal([Constraint::Percentage(58), Constraint::Percentage(42)]).areas(area);
    Some((list, detail))
}

/// The pane of the item `s.detail` is on.
pub fn draw(s: &AppState, t: &Theme, frame: &mut Frame<'_>, area: Rect) {
    let Some(d) = &s.detail else {
        return;
    };
    let summary = s.items.iter().find(|i| i.id == d.id).map(|i| i.item());
    let block = Block::default()
        .borders(Borders::ALL)
        .border_set(t.border())
        .title(Span::styled(format!(" {} ", d.id), t.title()))
        .title_bottom(
            Line::from(format!(
                " {} or {} closes ",
                s.key(s.context(), Command::Back),
                s.key(s.context(), Command::Open)
            ))
            .right_aligned(),
        );
    let Some(item) = d.item.clone().or(summary) else {
        frame.render_widget(Paragraph::new("This item is gone.").block(block), area);
        return;
    };
    let dot = t.dot();
    let mut lines = vec![
        Line::from(Span::styled(item.title.clone(), t.title())),
        Line::raw(format!(
            "{} {dot} {} {dot} team {} {dot} project {}",
            item.kind,
            item.state,
            item.team.map_or("-", |t| t.as_str()),
            item.project
        )),
        Line::raw(format!(
            "{} {dot} {} {dot} origin {}{}",
            item.class,
            item.points
                .map_or("no points".to_string(), |p| format!("{p} points")),
            item.origin,
            item.due
                .map_or(String::new(), |d| format!(" {dot} due {d}")),
        )),
    ];
    if let Some(reason) = &item.blocked {
        lines.push(Line::from(Span::styled(
            format!("{} BLOCKED: {reason}", t.blocked_glyph()),
            t.blocked(),
        )));
    }
    lines.push(Line::from(Span::styled(
        format!(
            "version {} {dot} changed by {} {} ago",
            item.version,
            item.updated_by,
            format::age(item.updated, s.now)
        ),
        t.dim(),
    )));
    if d.item.is_none() {
        lines.push(Line::raw(""));
        lines.push(Line::raw("Loading…"));
    } else {
        let edit = s.key(Context::Backlog, Command::Edit);
        section(
            &mut lines,
            t,
            "Description",
            &item.description,
            &format!("No description yet: {edit} to write one."),
        );
        let none = if item.state == State::Backlog {
            format!(
                "None yet: {edit} to write them; refine ({}) needs them.",
                s.key(Context::Backlog, Command::Refine)
            )
        } else {
            format!("None yet: {edit} to write them.")
        };
        section(
            &mut lines,
            t,
            "Acceptance criteria",
            &item.acceptance,
            &none,
        );
        lines.push(Line::raw(""));
        lines.extend(comment_lines(s, t, &d.history, usize::MAX));
        lines.extend(links_and_sources(s, t, d));
        lines.push(Line::raw(""));
        lines.push(Line::from(Span::styled(
            "History, newest first",
            t.column_header(),
        )));
        for e in d.history.iter().rev().filter(|e| !is_comment(e)) {
            lines.push(Line::raw(format!(
                "{}  {:<8} {}",
                format::when(e.at),
                e.actor,
                format::event_line(e)
            )));
        }
    }
    let last = lines.len().saturating_sub(1) as u16;
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false })
            // Scrolled (Ctrl-E, Ctrl-Y), never past its last line.
            .scroll((d.scroll.min(last), 0)),
        area,
    );
}

/// Whether an event is a comment (shown in the thread, not in the history).
pub(crate) fn is_comment(e: &crate::domain::Event) -> bool {
    e.action == crate::domain::comment::ADD || e.action == crate::domain::comment::EDIT
}

/// A record's comments from its history, oldest first: the heading with the key that writes
/// one, then each comment's author, age and words. With less `room` than the thread takes,
/// its newest comments that fit (at least the heading and one line).
pub(crate) fn comment_lines(
    s: &AppState,
    t: &Theme,
    history: &[crate::domain::Event],
    room: usize,
) -> Vec<Line<'static>> {
    let thread = crate::domain::comment::thread(history);
    let key = s.key(Context::Global, Command::Comment);
    let body = thread_body(s, t, &thread);
    let heading = if thread.is_empty() {
        Line::from(vec![
            Span::styled("Comments ", t.column_header()),
            Span::styled(format!("none yet: {key} writes one"), t.dim()),
        ])
    } else {
        Line::from(vec![
            Span::styled(format!("Comments ({})", thread.len()), t.column_header()),
            Span::styled(format!("  {key} writes one"), t.dim()),
        ])
    };
    let keep = room.saturating_sub(1).max(1);
    let skip = body.len().saturating_sub(keep);
    let mut lines = vec![heading];
    lines.extend(body.into_iter().skip(skip));
    lines
}

/// A thread's comments: each one's author, age and words.
fn thread_body(
    s: &AppState,
    t: &Theme,
    thread: &[crate::domain::comment::Comment],
) -> Vec<Line<'static>> {
    let mut body: Vec<Line<'static>> = Vec::new();
    for c in thread {
        let edited = if c.edited.is_some() { " · edited" } else { "" };
        body.push(Line::from(Span::styled(
            format!(
                "#{} {} · {} ago{edited}",
                c.n,
                c.author,
                format::age(c.at, s.now)
            ),
            t.dim(),
        )));
        body.extend(
            c.text
                .lines()
                .map(|l| Line::raw(format!("  {}", crate::domain::text::safe_line(l)))),
        );
    }
    body
}

/// What the pane says below an item's details: its links (from both sides), then what was said
/// on the incidents and problems it was raised from.
fn links_and_sources(
    s: &AppState,
    t: &Theme,
    d: &crate::app::detail::Detail,
) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let links = crate::domain::link::fold(&d.history);
    if !links.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::from(Span::styled("Links", t.column_header())));
        for l in &links.items {
            let title = s
                .items
                .iter()
                .find(|r| r.id == l.other)
                .map_or(String::new(), |r| format!("  {}", r.title()));
            lines.push(Line::raw(format!("  {}{title}", l.phrase())));
        }
        for w in &links.web {
            let title = w
                .title
                .as_deref()
                .map_or(String::new(), |t| format!("{t}  "));
            lines.push(Line::from(vec![
                Span::raw(format!("  {title}")),
                Span::styled(w.url.clone(), t.key()),
            ]));
        }
    }
    for (source, thread) in d.sources.iter().filter(|(_, th)| !th.is_empty()) {
        lines.push(Line::raw(""));
        lines.push(Line::from(Span::styled(
            format!("On {source}, which it was raised from"),
            t.column_header(),
        )));
        lines.extend(thread_body(s, t, thread));
    }
    lines
}

/// A record's pane below its details, in `room` lines: its thread first, if it has one (up to
/// half the room), then its newest other events (`heading` above them, `indent` before each).
pub(crate) fn thread_then_history(
    s: &AppState,
    t: &Theme,
    room: usize,
    heading: Option<&str>,
    indent: &str,
) -> Vec<Line<'static>> {
    // Its links to the outside first, a line each (a third of the room, one at the least).
    let mut lines: Vec<Line<'static>> = crate::domain::link::fold(&s.history)
        .web
        .iter()
        .rev()
        .take((room / 3).max(usize::from(room >= 2)))
        .map(|w| {
            let title = w
                .title
                .as_deref()
                .map_or(String::new(), |t| format!("{t}  "));
            Line::from(vec![
                Span::styled(format!("{indent}Link "), t.dim()),
                Span::raw(title),
                Span::styled(w.url.clone(), t.key()),
            ])
        })
        .collect();
    let room = room.saturating_sub(lines.len());
    let comments = if s.history.iter().any(is_comment) {
        comment_lines(s, t, &s.history, room / 2)
    } else {
        Vec::new()
    };
    let mut room = room.saturating_sub(comments.len());
    lines.extend(comments);
    if let Some(h) = heading {
        if room < 2 {
            return lines;
        }
        lines.push(Line::from(Span::styled(h.to_string(), t.dim())));
        room -= 1;
    }
    let history: Vec<_> = s.history.iter().filter(|e| !is_comment(e)).collect();
    let skip = history.len().saturating_sub(room);
    lines.extend(history[skip..].iter().map(|e| {
        Line::raw(format!(
            "{indent}{}  {:<10} {}",
            format::when(e.at),
            e.actor,
            format::event_line(e)
        ))
    }));
    lines
}

fn section(lines: &mut Vec<Line<'static>>, t: &Theme, title: &str, text: &str, none: &str) {
    lines.push(Line::raw(""));
    lines.push(Line::from(Span::styled(
        title.to_string(),
        t.column_header(),
    )));
    if text.trim().is_empty() {
        lines.push(Line::from(Span::styled(none.to_string(), t.dim())));
    } else {
        lines.extend(text.lines().map(|l| Line::raw(l.to_string())));
    }
}
