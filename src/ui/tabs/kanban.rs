//! The Kanban tab: the expedite lane above the four columns, each with its count, its limit
//! and a word when full or over, and cards with their age in the column.

use crate::app::AppState;
use crate::app::Hit;
use crate::app::keymap::{Command, Context};
use crate::app::row::Row;
use crate::domain::kanban::Column;
use crate::format;
use crate::ui::theme::Theme;
use chrono::Duration;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

/// Below this height the flow is one line; at or above it, a chart.
const CHART_FROM: u16 = 30;

pub fn draw(s: &AppState, t: &Theme, frame: &mut Frame<'_>, area: Rect, hits: &mut Vec<Hit>) {
    if s.kanban.reviews {
        return draw_board(s, t, frame, area, hits);
    }
    match crate::ui::detail::beside(s, area) {
        Some((board, detail)) => {
            draw_board(s, t, frame, board, hits);
            crate::ui::detail::draw(s, t, frame, detail);
        }
        None if crate::ui::detail::open(s) => crate::ui::detail::draw(s, t, frame, area),
        None => draw_board(s, t, frame, area, hits),
    }
}

fn draw_board(s: &AppState, t: &Theme, frame: &mut Frame<'_>, area: Rect, hits: &mut Vec<Hit>) {
    let flow_rows = if area.height >= CHART_FROM { 11 } else { 1 };
    let [title, lane, columns, flow] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(3),
        Constraint::Fill(1),
        Constraint::Length(flow_rows),
    ])
    .areas(area);
    super::flow::draw(s, t, frame, flow);
    let dot = t.dot();
    let waiting = s.kanban.queue.len();
    let mut heading = vec![Span::styled(" Kanban ", t.title())];
    if waiting > 0 {
        heading.push(Span::styled(
            format!(
                "{dot} {waiting} ops review{} waiting ({}) ",
                if waiting == 1 { "" } else { "s" },
                s.key(Context::Kanban, Command::OpsQueue)
            ),
            t.key(),
        ));
    }
    heading.push(Span::raw(format!(
        "{dot} maintenance team {dot} pulled in order: expedite, fixed date, rank {dot} ◷ older than {}d",
        s.ageing_days
    )));
    frame.render_widget(Line::from(heading), title);
    draw_lane(s, t, frame, lane);
    if s.kanban.reviews {
        draw_reviews(s, t, frame, columns, hits);
        return;
    }
    let areas = Layout::horizontal([Constraint::Ratio(1, 4); 4]).split(columns);
    for (n, column) in s.kanban.board.columns.iter().enumerate() {
        let selected = n == s.kanban.column;
        let limit = column
            .limit
            .limit
            .map_or("-".to_string(), |l| l.to_string());
        let flag = if column.over() {
            " ▲ OVER"
        } else if column.full() {
            " ● FULL"
        } else {
            ""
        };
        let style = if column.over() || column.full() {
            t.blocked()
        } else {
            t.title()
        };
        // Narrow columns keep the count and the word, and shorten the name.
        let name = match column.limit.column {
            Column::InProgress if areas[n].width < 26 => "Doing",
            c => c.title(),
        };
        let mut block = Block::default()
            .borders(Borders::ALL)
            .border_set(t.border())
            .title(Span::styled(
                format!(" {name} {}/{limit}{flag} ", column.count),
                style,
            ));
        if selected {
            block = block.border_style(t.key());
        }
        let inner = block.inner(areas[n]);
        frame.render_widget(block, areas[n]);
        let mut lines = Vec::new();
        if column.over()
            && let Some(o) = s.overrides.iter().find(|o| o.column == column.limit.column)
        {
            lines.push(Line::from(Span::styled(
                format!("override: {} ({})", o.reason, o.by),
                t.blocked(),
            )));
        }
        if column.cards.is_empty() {
            let hint = match column.limit.column {
                Column::Ready => format!(
                    "Nothing queued: {} on a ready ams item in the Backlog.",
                    s.key(Context::Backlog, Command::Queue)
                ),
                Column::InProgress => format!(
                    "Nothing in progress: {} pulls the next card.",
                    s.key(Context::Kanban, Command::Pull)
                ),
                _ => "Empty.".to_string(),
            };
            lines.push(Line::from(Span::styled(hint, t.dim())));
        }
        // Where the column has room, a card's title runs on two lines, to read whole.
        let cards_room = (inner.height as usize).saturating_sub(lines.len());
        let rows_per_card = if cards_room >= column.cards.len() * 3 {
            3
        } else {
            2
        };
        let room = (inner.height as usize).saturating_sub(lines.len()) / rows_per_card;
        let row = if selected { s.kanban.row } else { 0 };
        let first = row.saturating_sub(room.saturating_sub(1));
        let above = lines.len();
        for (k, &i) in column.cards.iter().enumerate().skip(first).take(room) {
            let at = Rect {
                y: inner.y + above as u16,
                height: inner.height.saturating_sub(above as u16),
                ..inner
            };
            if let Some(r) = crate::ui::line_rect(at, k - first, rows_per_card as u16) {
                hits.push(Hit {
                    area: r,
                    column: n,
                    row: k,
                });
            }
            let chosen = selected && k == s.kanban.row;
            card(
                &mut lines,
                &s.items[i],
                s,
                t,
                (chosen, rows_per_card - 1, inner.width),
            );
        }
        frame.render_widget(Paragraph::new(lines), inner);
    }
}

/// A card: (selected, lines its title may take, the column's width).
fn card(
    lines: &mut Vec<Line<'static>>,
    item: &Row,
    s: &AppState,
    t: &Theme,
    (selected, title_lines, width): (bool, usize, u16),
) {
    let facts = [
        item.assignee().unwrap_or("-").to_string(),
        format::age(item.entered(), s.now),
    ];
    let ageing = s.now - item.entered() > Duration::days(i64::from(s.ageing_days));
    let look = crate::ui::card::Look {
        selected,
        facts: &facts,
        ageing,
        title_lines,
        width,
    };
    crate::ui::card::card(lines, item, s, t, look);
}

/// The delivery stories waiting for an operations review, then the latest reviewed: work the
/// maintenance team can see and take.
fn draw_reviews(s: &AppState, t: &Theme, frame: &mut Frame<'_>, area: Rect, hits: &mut Vec<Hit>) {
    let queue = &s.kanban.queue;
    let block = Block::default()
        .borders(Borders::ALL)
        .border_set(t.border())
        .border_style(t.key())
        .title(Span::styled(
            format!(" Operations reviews waiting {} · o board ", queue.len()),
            t.title(),
        ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let dot = t.dot();
    let mut lines = Vec::new();
    if queue.is_empty() {
        lines.push(Line::from(Span::styled(
            "No delivery story waits for an operations review. Stories are flagged with `firebreak item flag-ops ID --concern alerts|schema|dependency|runbook`.",
            t.dim(),
        )));
    }
    let room = (inner.height as usize / 3).max(1);
    let first = s.kanban.review_row.saturating_sub(room.saturating_sub(1));
    for (k, (r, index)) in queue.iter().enumerate().skip(first).take(room) {
        if let Some(at) = crate::ui::line_rect(inner, k - first, 3) {
            hits.push(Hit {
                area: at,
                column: 0,
                row: k,
            });
        }
        let selected = k == s.kanban.review_row;
        let item = index.and_then(|i| s.items.get(i));
        let (title, state, who) =
            item.map_or(("?".to_string(), "-".to_string(), "-".to_string()), |i| {
                (
                    i.title().to_string(),
                    i.state.to_string(),
                    i.assignee().unwrap_or("-").to_string(),
                )
            });
        let marker = match (selected, s.ascii) {
            (true, false) => "▶ ",
            (true, true) => "> ",
            _ => "  ",
        };
        lines.push(Line::from(vec![
            Span::styled(
                format!("{marker}{} {title}", r.item),
                if selected { t.selected() } else { t.title() },
            ),
            Span::raw(format!(" {dot} {state} {dot} {who}")),
        ]));
        lines.push(Line::raw(format!(
            "  touches {} {dot} flagged by {} {}",
            r.concerns_text(),
            r.flagged_by,
            format::age(r.flagged, s.now)
        )));
        lines.push(Line::from(Span::styled(
            if r.criteria.is_empty() {
                "  no operational acceptance criteria yet: R writes them".to_string()
            } else {
                format!("  criteria: {}", r.criteria)
            },
            t.dim(),
        )));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

fn draw_lane(s: &AppState, t: &Theme, frame: &mut Frame<'_>, area: Rect) {
    let block = Block::default()
        .borders(Borders::ALL)
        .border_set(t.border())
        .title(Span::styled(" Expedite lane (one at a time) ", t.title()));
    let line = match s.kanban.board.lane.map(|i| &*s.items[i]) {
        Some(item) => Line::from(vec![
            Span::styled(format!("{} {}", item.id, item.title()), t.blocked()),
            Span::raw(format!(
                " {dot} {} {dot} {} {dot} {}",
                item.state,
                item.assignee().unwrap_or("-"),
                format::age(item.entered(), s.now),
                dot = t.dot(),
            )),
        ]),
        None => Line::from(Span::styled(
            "Empty: an expedite item pulled goes here, past the limits.",
            t.dim(),
        )),
    };
    frame.render_widget(Paragraph::new(line).block(block), area);
}
