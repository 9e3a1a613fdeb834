//! The maintenance team's flow under the Kanban board: the cumulative flow diagram, cycle-time
//! percentiles and throughput per week; one line of text when there is no room for a chart.

use crate::app::AppState;
use crate::domain::measures::{Flow, FlowDay};
use crate::format;
use crate::ui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Axis, Bar, BarChart, BarGroup, Block, Borders, Chart, Dataset, GraphType, Paragraph,
};

pub fn draw(s: &AppState, t: &Theme, frame: &mut Frame<'_>, area: Rect) {
    let Some(flow) = &s.kanban.flow else {
        frame.render_widget(Span::styled(" Measuring the flow…", t.dim()), area);
        return;
    };
    if area.height < 3 {
        frame.render_widget(
            Span::styled(format!(" {}", format::flow_summary(flow)), t.dim()),
            area,
        );
        return;
    }
    let [cfd, side] =
        Layout::horizontal([Constraint::Percentage(62), Constraint::Percentage(38)]).areas(area);
    draw_cfd(flow, t, frame, cfd);
    draw_side(flow, t, frame, side);
}

/// One band of the diagram: its name, its marker and the count it stacks.
struct Band {
    name: &'static str,
    marker: Marker,
    count: fn(&FlowDay) -> usize,
    points: Vec<(f64, f64)>,
}

/// Stacked lines, top to bottom: ready, in progress, review, done. Each band has its own
/// marker, so it reads without colour.
fn draw_cfd(flow: &Flow, t: &Theme, frame: &mut Frame<'_>, area: Rect) {
    let band = |name, marker, count| Band {
        name,
        marker,
        count,
        points: Vec::new(),
    };
    let mut bands = [
        band("ready ⠿", Marker::Braille, |d: &FlowDay| d.ready),
        band("in progress •", Marker::Dot, |d: &FlowDay| d.in_progress),
        band("review ▄", Marker::HalfBlock, |d: &FlowDay| d.review),
        band("done █", Marker::Block, |d: &FlowDay| d.done),
    ];
    // Cumulative from the bottom band (done) up, so the lines never cross.
    let mut below = vec![0usize; flow.cfd.len()];
    for b in bands.iter_mut().rev() {
        b.points = flow
            .cfd
            .iter()
            .enumerate()
            .map(|(x, day)| {
                below[x] += (b.count)(day);
                (x as f64, below[x] as f64)
            })
            .collect();
    }
    let top = below.iter().copied().max().unwrap_or(0).max(1) as f64;
    let datasets = bands
        .iter()
        .map(|b| {
            Dataset::default()
                .name(b.name)
                .marker(b.marker)
                .graph_type(GraphType::Line)
                .data(&b.points)
        })
        .collect();
    let days = flow.cfd.len().max(1) as f64 - 1.0;
    let first = flow
        .cfd
        .first()
        .map_or(String::new(), |d| d.date.format("%d %b").to_string());
    let last = flow
        .cfd
        .last()
        .map_or(String::new(), |d| d.date.format("%d %b").to_string());
    let chart = Chart::new(datasets)
        .block(
            Block::default()
                .borders(Borders::ALL)
                .border_set(t.border())
                .title(Span::styled(" Cumulative flow, 30 days ", t.title())),
        )
        .x_axis(
            Axis::default()
                .bounds([0.0, days.max(1.0)])
                .labels([Line::from(first), Line::from(last)]),
        )
        .y_axis(
            Axis::default()
                .bounds([0.0, top])
                .labels([Line::from("0"), Line::from(format!("{top}"))]),
        );
    frame.render_widget(chart, area);
}

fn draw_side(flow: &Flow, t: &Theme, frame: &mut Frame<'_>, area: Rect) {
    let block = Block::default()
        .borders(Borders::ALL)
        .border_set(t.border())
        .title(Span::styled(" Cycle time and throughput ", t.title()));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [numbers, weeks] =
        Layout::vertical([Constraint::Length(3), Constraint::Fill(1)]).areas(inner);
    let d = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.1}d"));
    let c = &flow.cycle;
    let lines = vec![
        Line::from(Span::styled(
            format!("Cycle time ({} done)", c.count),
            t.column_header(),
        )),
        Line::raw(format!(
            "p50 {}   p85 {}   p95 {}",
            d(c.p50),
            d(c.p85),
            d(c.p95)
        )),
    ];
    frame.render_widget(Paragraph::new(lines), numbers);
    // As many of the latest weeks as fit, five cells and a gap each.
    let fit = ((weeks.width as usize + 1) / 6).min(flow.throughput.len());
    let bars: Vec<Bar> = flow.throughput[flow.throughput.len() - fit..]
        .iter()
        .map(|w| {
            Bar::default()
                .value(w.done as u64)
                .label(Line::from(w.week.format("%d/%m").to_string()))
        })
        .collect();
    let chart = BarChart::default()
        .block(Block::default().title(Span::styled("Done per week", t.column_header())))
        .data(BarGroup::default().bars(&bars))
        .bar_width(5)
        .value_style(t.title())
        .bar_gap(1);
    frame.render_widget(chart, weeks);
}
