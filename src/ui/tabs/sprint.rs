//! The Sprint tab: the shown sprint's goal, dates and commitment, its cards in To do, In
//! progress, Review and Done, and its burndown beside the team's velocity.

use crate::app::AppState;
use crate::app::Hit;
use crate::app::keymap::{Command, Context};
use crate::app::row::Row;
use crate::app::tabs::sprint::COLUMNS;
use crate::domain::sprint::{self, Sprint, SprintState};
use crate::format;
use crate::ui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Block, Borders, Chart, Dataset, GraphType, Paragraph};

/// Below this height the burndown is one line; at or above it, a chart.
const CHART_FROM: u16 = 30;

pub fn draw(s: &AppState, t: &Theme, frame: &mut Frame<'_>, area: Rect, hits: &mut Vec<Hit>) {
    let shown = s
        .sprint
        .shown
        .as_ref()
        .and_then(|n| s.sprints.iter().find(|x| &x.name == n));
    let Some(sprint) = shown else {
        let text = vec![
            Line::raw(""),
            Line::raw(" No sprint yet."),
            Line::raw(""),
            Line::raw(format!(
                " Press {} to add one for a delivery project, or from a shell:",
                s.key(Context::Sprint, Command::NewSprint)
            )),
            Line::raw(
                "   firebreak sprint add \"Sprint 1\" --project NAME --start 2026-03-02 --end 2026-03-13",
            ),
            Line::raw(" then plan ready items into it from the Backlog with S."),
        ];
        frame.render_widget(Paragraph::new(text), area);
        return;
    };
    let chart_rows = if area.height >= CHART_FROM { 11 } else { 1 };
    let [title, columns, chart] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Fill(1),
        Constraint::Length(chart_rows),
    ])
    .areas(area);
    draw_title(s, sprint, t, frame, title);
    let areas = Layout::horizontal([Constraint::Ratio(1, 4); 4]).split(columns);
    for (n, cards) in s.sprint.board.columns.iter().enumerate() {
        let selected = n == s.sprint.column;
        let points: u32 = cards.iter().filter_map(|&i| s.items[i].points()).sum();
        let mut block = Block::default()
            .borders(Borders::ALL)
            .border_set(t.border())
            .title(Span::styled(
                format!(" {} {} · {points} pts ", COLUMNS[n], cards.len()),
                t.title(),
            ));
        if selected {
            block = block.border_style(t.key());
        }
        let inner = block.inner(areas[n]);
        frame.render_widget(block, areas[n]);
        let mut lines = Vec::new();
        let room = inner.height as usize / 2;
        let row = if selected { s.sprint.row } else { 0 };
        let first = row.saturating_sub(room.saturating_sub(1));
        for (k, &i) in cards.iter().enumerate().skip(first).take(room) {
            if let Some(r) = crate::ui::line_rect(inner, k - first, 2) {
                hits.push(Hit {
                    area: r,
                    column: n,
                    row: k,
                });
            }
            card(&mut lines, &s.items[i], s, t, selected && k == s.sprint.row);
        }
        if cards.is_empty() && n == 0 && sprint.state != SprintState::Closed {
            lines.push(Line::from(Span::styled(
                "Plan ready items with S on the Backlog.",
                t.dim(),
            )));
        }
        frame.render_widget(Paragraph::new(lines), inner);
    }
    draw_burndown(s, sprint, t, frame, chart);
}

fn draw_title(s: &AppState, sprint: &Sprint, t: &Theme, frame: &mut Frame<'_>, area: Rect) {
    let dot = t.dot();
    let days = match sprint.state {
        SprintState::Active => {
            let left = (sprint.end - s.now.date_naive()).num_days().max(0);
            format!("{left} days left")
        }
        SprintState::Future => format!(
            "not started: {} starts it",
            s.key(Context::Sprint, Command::StartSprint)
        ),
        SprintState::Closed => format!("closed, {} points done", sprint.completed.unwrap_or(0)),
    };
    let committed = sprint
        .commitment
        .as_ref()
        .map_or("no commitment yet".to_string(), |c| {
            format!("{} points committed", c.points)
        });
    let line1 = Line::from(vec![
        Span::styled(format!(" {} ", sprint.name), t.title()),
        Span::raw(format!(
            "{dot} {} {dot} {} {dot} {} to {} {dot} {days} {dot} {committed}",
            sprint.state,
            sprint.project,
            sprint.start.format("%d %b"),
            sprint.end.format("%d %b")
        )),
    ]);
    let goal = if sprint.goal.is_empty() {
        "no goal set".to_string()
    } else {
        sprint.goal.clone()
    };
    let line2 = Line::from(Span::styled(
        format!(" Goal: {goal}   ([ ] other sprints)"),
        t.dim(),
    ));
    frame.render_widget(Paragraph::new(vec![line1, line2]), area);
}

fn card(lines: &mut Vec<Line<'static>>, item: &Row, s: &AppState, t: &Theme, selected: bool) {
    let mut facts = vec![
        item.points()
            .map_or("-".to_string(), |p| format!("{p} pts")),
        item.assignee().unwrap_or("-").to_string(),
        format::age(item.entered(), s.now),
    ];
    // A story that touches operations says so, and whether its review is recorded.
    if let Some(r) = s.ops.iter().find(|r| r.item == item.id) {
        // First, so that a narrow card keeps it.
        let mark = match (r.is_reviewed(), s.ascii) {
            (true, false) => "ops ✔",
            (true, true) => "ops ok",
            (false, _) => "ops?",
        };
        facts.insert(0, mark.to_string());
    }
    let look = crate::ui::card::Look {
        selected,
        facts: &facts,
        ageing: false,
        title_lines: 1,
        width: 0,
    };
    crate::ui::card::card(lines, item, s, t, look);
}

fn velocity_text(s: &AppState, sprint: &Sprint) -> String {
    let closed: Vec<&Sprint> = s
        .sprints
        .iter()
        .filter(|x| x.project == sprint.project && x.state == SprintState::Closed)
        .collect();
    sprint::velocity(&closed, 3).map_or("no closed sprint yet".to_string(), |v| {
        format!("{v:.1} points")
    })
}

fn draw_burndown(s: &AppState, sprint: &Sprint, t: &Theme, frame: &mut Frame<'_>, area: Rect) {
    let burndown = s
        .sprint
        .burndown
        .as_ref()
        .filter(|(n, _)| *n == sprint.name)
        .map(|(_, b)| b);
    let velocity = velocity_text(s, sprint);
    let Some(b) = burndown else {
        frame.render_widget(
            Span::styled(format!(" Velocity: {velocity}"), t.dim()),
            area,
        );
        return;
    };
    let remaining = b.days.last().map_or(0, |d| d.remaining);
    let summary = format!(
        "Remaining {remaining} of {} committed · {} added, {} removed after the start · velocity {velocity}",
        b.committed, b.added, b.removed
    );
    if area.height < 3 {
        frame.render_widget(Span::styled(format!(" {summary}"), t.dim()), area);
        return;
    }
    let [chart_area, side] =
        Layout::horizontal([Constraint::Percentage(62), Constraint::Percentage(38)]).areas(area);
    let span = (sprint.end - sprint.start).num_days().max(1) as f64;
    let actual: Vec<(f64, f64)> = b
        .days
        .iter()
        .map(|d| {
            (
                (d.date - sprint.start).num_days() as f64,
                f64::from(d.remaining),
            )
        })
        .collect();
    let ideal = vec![(0.0, f64::from(b.committed)), (span, 0.0)];
    let top = actual
        .iter()
        .map(|p| p.1)
        .fold(f64::from(b.committed), f64::max)
        .max(1.0);
    let datasets = vec![
        Dataset::default()
            .name("remaining •")
            .marker(Marker::Dot)
            .graph_type(GraphType::Line)
            .data(&actual),
        Dataset::default()
            .name("ideal ⠿")
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .data(&ideal),
    ];
    let chart = Chart::new(datasets)
        .block(
            Block::default()
                .borders(Borders::ALL)
                .border_set(t.border())
                .title(Span::styled(" Burndown (points) ", t.title())),
        )
        .x_axis(Axis::default().bounds([0.0, span]).labels([
            Line::from(sprint.start.format("%d %b").to_string()),
            Line::from(sprint.end.format("%d %b").to_string()),
        ]))
        .y_axis(
            Axis::default()
                .bounds([0.0, top])
                .labels([Line::from("0"), Line::from(format!("{top}"))]),
        );
    frame.render_widget(chart, chart_area);
    let lines = vec![
        Line::from(Span::styled("Remaining", t.column_header())),
        Line::raw(format!("{remaining} of {} points committed", b.committed)),
        Line::raw(format!("scope added {} · removed {}", b.added, b.removed)),
        Line::raw(""),
        Line::from(Span::styled("Velocity", t.column_header())),
        Line::raw(format!("{velocity} (last 3 closed sprints)")),
    ];
    let block = Block::default()
        .borders(Borders::ALL)
        .border_set(t.border())
        .title(Span::styled(" Scope and velocity ", t.title()));
    frame.render_widget(Paragraph::new(lines).block(block), side);
}
