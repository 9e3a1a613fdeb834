//! The Backlog tab: the one order as a table of the rows on screen, and the detail pane.

use crate::app::AppState;
use crate::app::Hit;
use crate::app::keymap::{Command, Context};
use crate::app::row::Row as ItemRow;
use crate::format;
use crate::ui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState, Wrap};

pub fn draw(s: &AppState, t: &Theme, frame: &mut Frame<'_>, area: Rect, hits: &mut Vec<Hit>) {
    match crate::ui::detail::beside(s, area) {
        Some((list, detail)) => {
            draw_list(s, t, frame, list, hits);
            crate::ui::detail::draw(s, t, frame, detail);
        }
        None if crate::ui::detail::open(s) => crate::ui::detail::draw(s, t, frame, area),
        None => draw_list(s, t, frame, area, hits),
    }
}

fn slice_name(s: &AppState) -> String {
    match s.backlog.slice {
        None => "all teams".into(),
        Some(team) => format!("team {team}"),
    }
}

fn draw_list(s: &AppState, t: &Theme, frame: &mut Frame<'_>, area: Rect, hits: &mut Vec<Hit>) {
    let [title, table] = Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(area);
    let b = &s.backlog;
    let dot = t.dot();
    let mut spans = vec![
        Span::styled(" Backlog ", t.title()),
        Span::raw(format!(
            "{dot} {} {dot} {} of {} items ",
            slice_name(s),
            b.visible.len(),
            s.items.len()
        )),
    ];
    if let Some(total) = s.loading {
        spans.push(Span::styled(
            format!("{dot} loading all {total} items… "),
            t.key(),
        ));
    }
    if !b.show_closed {
        spans.push(Span::raw(format!("{dot} closed hidden ")));
    }
    if b.filtering || !b.filter.text.is_empty() {
        spans.push(Span::raw(format!("{dot} filter: ")));
        let used: usize = spans.iter().map(|s| s.width()).sum();
        let room = (title.width as usize).saturating_sub(used).max(8) as u16;
        let shown = if b.filtering {
            crate::ui::overlays::typed(&b.filter, room)
        } else {
            crate::domain::text::safe_line(&b.filter.text).into_owned()
        };
        spans.push(Span::styled(shown, t.key()));
    }
    frame.render_widget(Line::from(spans), title);
    // A filter that does not read yet says why above the list it left as it was.
    let table = match &b.filter_error {
        Some(why) if table.height > 2 => {
            let [line, rest] =
                Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(table);
            frame.render_widget(
                Line::from(Span::styled(format!(" ✖ {why}"), t.error())),
                line,
            );
            rest
        }
        _ => table,
    };

    if !s.loaded {
        frame.render_widget(Paragraph::new(" Loading the board…"), table);
        return;
    }
    if s.items.is_empty() {
        frame.render_widget(
            Paragraph::new(empty_state(s)).wrap(Wrap { trim: false }),
            table,
        );
        return;
    }
    if b.visible.is_empty() {
        let why = if b.filter.text.is_empty() {
            format!(
                " No item in this view ({}). Press {} for another team, {} to show closed items.",
                slice_name(s),
                s.key(Context::Backlog, Command::Slice),
                s.key(Context::Backlog, Command::ToggleClosed)
            )
        } else {
            format!(
                " No item matches “{}”. {} clears the filter.",
                b.filter.text,
                s.key(Context::Backlog, Command::Back)
            )
        };
        frame.render_widget(Paragraph::new(why), table);
        return;
    }
    draw_table(s, t, frame, table, hits);
}

fn empty_state(s: &AppState) -> Text<'static> {
    let mut lines = vec![
        Line::raw(""),
        Line::raw(" The backlog is empty."),
        Line::raw(""),
        Line::raw(format!(
            " Press {} to add the first item, or from a shell:",
            s.key(Context::Backlog, Command::Add)
        )),
        Line::raw(
            "   firebreak item add \"Residents renew a permit online\" --team appdev --points 5",
        ),
    ];
    if s.people.len() <= 1 {
        lines.extend([
            Line::raw(""),
            Line::raw(format!(
                " You ({}) are the board's first person, a product owner.",
                s.me.name
            )),
            Line::raw(" Register the others with"),
            Line::raw("   firebreak person add NAME --role ROLE --team appdev|ams"),
        ]);
    }
    lines.extend([
        Line::raw(""),
        Line::raw(" To look around a full board first: firebreak demo"),
    ]);
    Text::from(lines)
}

fn draw_table(s: &AppState, t: &Theme, frame: &mut Frame<'_>, area: Rect, hits: &mut Vec<Hit>) {
    let b = &s.backlog;
    let height = area.height.saturating_sub(1) as usize;
    let window =
        &b.visible[b.offset.min(b.visible.len())..(b.offset + height).min(b.visible.len())];
    let pos_width = s.items.len().to_string().len().max(1) as u16;
    let id_width = (s.items.len().to_string().len() + 3) as u16;
    let moving = b.moving.as_ref().map(|m| m.id);
    let rows_area = Rect {
        y: area.y + 1,
        height: area.height.saturating_sub(1),
        ..area
    };
    for n in 0..window.len() {
        if let Some(r) = crate::ui::line_rect(rows_area, n, 1) {
            hits.push(Hit {
                area: r,
                column: 0,
                row: b.offset + n,
            });
        }
    }
    let rows = window.iter().map(|&i| {
        let item = &s.items[i];
        let mut row = row(item, i + 1, s, t);
        if Some(item.id) == moving {
            row = row.style(t.moving());
        } else if !item.state.is_open() {
            row = row.style(t.closed());
        }
        row
    });
    let header = Row::new([
        "#", "ID", "", "", "Title", "Team", "State", "Pts", "Origin", "Age",
    ])
    .style(t.column_header());
    let widths = [
        Constraint::Length(pos_width),
        Constraint::Length(id_width),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(6),
        Constraint::Length(11),
        Constraint::Length(3),
        Constraint::Length(11),
        Constraint::Length(3),
    ];
    let highlight = if moving.is_some() {
        t.moving()
    } else {
        t.selected()
    };
    let table = Table::new(rows, widths)
        .header(header)
        .column_spacing(1)
        .row_highlight_style(highlight)
        .highlight_symbol(if s.ascii { "> " } else { "▶ " })
        .highlight_spacing(ratatui::widgets::HighlightSpacing::Always);
    let mut state = TableState::default().with_selected(Some(b.selected.saturating_sub(b.offset)));
    frame.render_stateful_widget(table, area, &mut state);
}

/// A title followed by its labels and its epic, dimmed: `Renew in one step #payments ◈ Online
/// renewals`; an epic's by its members' progress (`▸` when they are folded into it).
pub(crate) fn titled<'a>(item: &'a ItemRow, s: &AppState, t: &Theme) -> Line<'a> {
    let mut spans = Vec::new();
    if item.kind == crate::domain::Kind::Epic && s.backlog.folded.contains(&item.id) {
        spans.push(Span::styled(if s.ascii { "+ " } else { "▸ " }, t.key()));
    }
    spans.push(Span::raw(item.title()));
    for label in item.labels() {
        spans.push(Span::styled(format!(" #{label}"), t.dim()));
    }
    if let Some(epic) = item.epic().and_then(|e| s.backlog.epics.get(&e)) {
        let short: String = epic.title.chars().take(24).collect();
        spans.push(Span::styled(format!(" ◈ {short}"), t.dim()));
    }
    if item.kind == crate::domain::Kind::Epic
        && let Some(epic) = s.backlog.epics.get(&item.id)
    {
        spans.push(Span::styled(format!("  {}", epic.progress()), t.dim()));
    }
    Line::from(spans)
}

fn row<'a>(item: &'a ItemRow, position: usize, s: &AppState, t: &Theme) -> Row<'a> {
    let blocked = if item.blocked().is_some() {
        Cell::from(Span::styled(t.blocked_glyph(), t.blocked()))
    } else {
        Cell::from("")
    };
    Row::new([
        Cell::from(position.to_string()),
        Cell::from(item.id.to_string()),
        Cell::from(item.kind.glyph(s.ascii)),
        blocked,
        Cell::from(titled(item, s, t)),
        Cell::from(item.team.map_or("-", |t| t.as_str())),
        Cell::from(item.state.as_str()),
        Cell::from(item.points().map_or(String::new(), |p| p.to_string())),
        Cell::from(item.origin.as_str()),
        Cell::from(format::age(item.created(), s.now)),
    ])
}
