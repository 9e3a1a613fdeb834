//! The Insights tab: delivery (DORA) with its tier and weekly trend, both teams' flow, and the
//! cost of the controls, in lines that scroll (j, k) so that any terminal shows all of it.

use crate::app::AppState;
use crate::domain::insights::Insights;
use crate::format::{delivery_rows, escape_heading, escape_rows, span, sparkline};
use crate::ui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

pub fn draw(s: &AppState, t: &Theme, frame: &mut Frame<'_>, area: Rect) {
    let Some(i) = s.insights.data.as_deref() else {
        frame.render_widget(
            Paragraph::new(Line::from(Span::styled(" Measuring…", t.dim()))),
            area,
        );
        return;
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_set(t.border())
        .title(Span::styled(
            format!(
                " Insights · {} to {} · [ ] period · j/k scroll ",
                i.since.format("%d %b %Y"),
                i.today.format("%d %b %Y")
            ),
            t.title(),
        ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let lines = lines(i, s, t, inner.width as usize);
    let most = lines.len().saturating_sub(inner.height as usize) as u16;
    frame.render_widget(
        Paragraph::new(lines).scroll((s.insights.scroll.min(most), 0)),
        inner,
    );
}

fn tier_style(t: &Theme, tier: &str) -> Style {
    match tier {
        "elite" | "high" => t.info(),
        "medium" => t.key(),
        "low" => t.error(),
        _ => t.dim(),
    }
}

fn bar(s: &AppState, share: f64, width: usize) -> String {
    let n = (share * width as f64).round() as usize;
    (if s.ascii { "#" } else { "█" }).repeat(n.min(width))
}

fn lines(i: &Insights, s: &AppState, t: &Theme, width: usize) -> Vec<Line<'static>> {
    let dot = t.dot();
    let mut out = Vec::new();
    let nothing = i.delivery.deployment_frequency.over == 0
        && i.flow.teams.iter().all(|x| x.cycle.count == 0)
        && i.flow.origins.is_empty();
    if nothing {
        out.push(Line::from(Span::styled(
            "Nothing measured yet: the numbers come from items done, releases switched live and",
            t.dim(),
        )));
        out.push(Line::from(Span::styled(
            "incidents resolved in the last twelve weeks (`firebreak report --since DATE` looks further).",
            t.dim(),
        )));
        out.push(Line::raw(""));
    }
    out.push(Line::from(Span::styled(
        "Delivery (DORA): value, tier, measured over, trend by week",
        t.column_header(),
    )));
    for [name, value, tier, over, trend] in delivery_rows(i, s.ascii) {
        out.push(Line::from(vec![
            Span::raw(format!("  {name:<22} {value:>10}  ")),
            Span::styled(format!("{tier:<7}"), tier_style(t, &tier)),
            Span::raw(format!(" {over:<19} ")),
            Span::styled(trend, t.key()),
        ]));
    }
    out.push(Line::raw(""));
    out.push(Line::from(Span::styled("Flow", t.column_header())));
    let d = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.1}d"));
    for team in &i.flow.teams {
        let done: Vec<Option<f64>> = team
            .throughput
            .iter()
            .map(|w| Some(w.done as f64))
            .collect();
        let total: usize = team.throughput.iter().map(|w| w.done).sum();
        out.push(Line::from(vec![
            Span::raw(format!("  {:<6} done per week ", team.team.as_str())),
            Span::styled(sparkline(&done, s.ascii), t.key()),
            Span::raw(format!(
                " {total} {dot} cycle p50 {} p85 {} p95 {}",
                d(team.cycle.p50),
                d(team.cycle.p85),
                d(team.cycle.p95),
            )),
        ]));
        out.push(Line::raw(format!(
            "         {} in progress or review {dot} age p50 {} {dot} oldest {}",
            team.age.count,
            d(team.age.p50),
            d(team.age.oldest)
        )));
    }
    let origins = crate::format::origin_words(i);
    if origins.is_empty() {
        out.push(Line::raw("  New work by origin: none in the period"));
    }
    // As many origins on a line as fit.
    let mut line = String::from("  New work by origin:");
    for (k, o) in origins.iter().enumerate() {
        let piece = if k == 0 {
            format!(" {o}")
        } else {
            format!(" {dot} {o}")
        };
        if line.chars().count() + piece.chars().count() > width && k > 0 {
            out.push(Line::raw(std::mem::take(&mut line)));
            line = format!("    {o}");
        } else {
            line.push_str(&piece);
        }
    }
    if !origins.is_empty() {
        out.push(Line::raw(line));
    }
    if let Some(share) = i.flow.run_cost {
        out.push(Line::from(vec![
            Span::raw(format!(
                "  Running the service: {share:>3.0} % of new work "
            )),
            Span::styled(bar(s, share / 100.0, 20), t.key()),
        ]));
        out.push(Line::from(Span::styled(
            "  (from incidents, problems and pipeline failures)",
            t.dim(),
        )));
    }
    for v in &i.flow.velocity {
        let sprints: Vec<String> = v.sprints.iter().map(|(n, p)| format!("{n} {p}")).collect();
        out.push(Line::raw(format!(
            "  Velocity of {}: {}{}",
            v.project,
            v.velocity
                .map_or("no closed sprint yet".to_string(), |x| format!(
                    "{x:.1} points"
                )),
            if sprints.is_empty() {
                String::new()
            } else {
                format!(" ({})", sprints.join(", "))
            }
        )));
    }
    out.push(Line::raw(""));
    out.push(Line::from(Span::styled(
        format!(
            "Cost of the controls: median time of {} release{} to live, by stretch",
            i.controls.releases,
            if i.controls.releases == 1 { "" } else { "s" }
        ),
        t.column_header(),
    )));
    if i.controls.stretches.is_empty() {
        out.push(Line::from(Span::styled(
            "  No release went live in the period: each one that does shows where its time went.",
            t.dim(),
        )));
    }
    let most = i
        .controls
        .stretches
        .iter()
        .map(|x| x.median_hours)
        .fold(0.0_f64, f64::max);
    let room = width.saturating_sub(42).clamp(4, 40);
    for x in &i.controls.stretches {
        let share = if most > 0.0 {
            x.median_hours / most
        } else {
            0.0
        };
        out.push(Line::from(vec![
            Span::raw(format!("  {:<26} {:>9}  ", x.name, span(x.median_hours))),
            Span::styled(bar(s, share, room), t.key()),
        ]));
    }
    out.push(Line::raw(""));
    out.push(Line::from(Span::styled(
        escape_heading(i),
        t.column_header(),
    )));
    let rows = escape_rows(i, s.ascii);
    if rows.is_empty() {
        out.push(Line::from(Span::styled(
            "  No tests ran and nothing escaped in the period. Record an escape with w on an incident (Service tab) or a defect (Backlog).",
            t.dim(),
        )));
    }
    for [env, test, escaped, trend, rate] in rows {
        let thin = escaped != "0";
        out.push(Line::from(vec![
            Span::raw(format!("  {env:<12} {test:<15} ")),
            Span::styled(
                format!("{escaped:>3} escaped"),
                if thin { t.error() } else { t.dim() },
            ),
            Span::raw("  "),
            Span::styled(trend, t.key()),
            Span::raw(format!("  {rate}")),
        ]));
    }
    out.push(Line::raw(""));
    for (n, line) in crate::domain::sla::met_lines(&i.sla)
        .into_iter()
        .enumerate()
    {
        let style = if n == 0 {
            t.column_header()
        } else if line.contains("open late") || line.contains("(0%)") {
            t.error()
        } else {
            t.dim()
        };
        out.push(Line::from(Span::styled(line, style)));
    }
    out.push(Line::raw(""));
    out.extend(label_lines(s, t));
    out
}

/// Where the work goes by label: each label with its open items, all its items and its
/// incidents, the most used first.
fn label_lines(s: &AppState, t: &Theme) -> Vec<Line<'static>> {
    let mut out = vec![Line::from(Span::styled(
        "Labels: open items, all items, incidents (the whole board)",
        t.column_header(),
    ))];
    if s.label_counts.is_empty() {
        out.push(Line::from(Span::styled(
            format!(
                "  No labels yet: {} on an item, a card or an incident puts one on.",
                s.key(
                    crate::app::keymap::Context::Global,
                    crate::app::keymap::Command::Label
                )
            ),
            t.dim(),
        )));
    }
    for c in &s.label_counts {
        out.push(Line::raw(format!(
            "  #{:<24} {:>5} open {:>6} items {:>5} incidents",
            c.label, c.open_items, c.items, c.incidents
        )));
    }
    out
}
