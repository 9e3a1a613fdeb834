//! The Service tab: the live service's incidents, newest first, with priority, state and the
//! team they are routed to; the selected one's history and the tickets raised from it.

use crate::app::AppState;
use crate::app::Hit;
use crate::app::keymap::{Command, Context};
use crate::app::tabs::service::{selected, selected_problem, shown_hypercare};
use crate::domain::hypercare::HypercareState;
use crate::domain::incident::{IncidentState, Priority};
use crate::format;
use crate::ui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

pub fn draw(s: &AppState, t: &Theme, frame: &mut Frame<'_>, area: Rect, hits: &mut Vec<Hit>) {
    if s.service.problems {
        return draw_problems(s, t, frame, area, hits);
    }
    let area = match shown_hypercare(s) {
        Some(h) => {
            let [banner, rest] =
                Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(area);
            let today = s.now.date_naive();
            let state = h.state_on(today);
            let (text, style) = if state == HypercareState::ExitReview {
                (
                    format!(
                        " Hypercare {} · {} · in exit review · H close · D extend",
                        h.release, h.project
                    ),
                    t.blocked(),
                )
            } else {
                (
                    format!(
                        " Hypercare {} · {} · {}{} days left (ends {}) · D extend",
                        h.release,
                        h.project,
                        if state == HypercareState::Extended {
                            "extended, "
                        } else {
                            ""
                        },
                        h.days_left(today),
                        h.ends
                    ),
                    t.key(),
                )
            };
            frame.render_widget(
                Paragraph::new(Line::from(Span::styled(text, style))),
                banner,
            );
            rest
        }
        None => area,
    };
    let area = if s.people.is_empty() {
        area
    } else {
        let [line, rest] =
            Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(area);
        frame.render_widget(Paragraph::new(support_line(s, t)), line);
        rest
    };
    if s.incidents.is_empty() {
        let text = vec![
            Line::raw(""),
            Line::raw(format!(
                " No incidents. Press {} to log one, or:",
                s.key(Context::Service, Command::NewIncident)
            )),
            Line::raw("   firebreak incident add \"Payments fail at step 3\" --priority P2"),
        ];
        frame.render_widget(Paragraph::new(text), area);
        return;
    }
    // The list takes what its incidents need, up to a little over half: the rest is the
    // detail's.
    let fits = u16::try_from(s.incidents.len() + 3).unwrap_or(u16::MAX);
    let [list, detail] = Layout::vertical([
        Constraint::Length(fits.min(area.height * 55 / 100)),
        Constraint::Fill(1),
    ])
    .areas(area);
    let head = format!(
        "{:<7} {:<3} {:<12} {:<7} {:<8} {:<4} {:<7} {}",
        "ID", "PRI", "STATE", "TEAM", "RELEASE", "AGE", "SLA", "TITLE"
    );
    let title = format!(" Incidents · ] problems ({}) ", s.problems.len());
    list_pane(
        s,
        t,
        frame,
        list,
        (title, head),
        s.service.incident,
        &s.incidents,
        |i, chosen| {
            let labels: String = s
                .incident_labels
                .get(&i.id)
                .map(|l| l.iter().map(|w| format!(" #{w}")).collect())
                .unwrap_or_default();
            let clock = crate::app::tabs::service::clock(s, i);
            let mark = if i.is_open() || clock.running().is_none() {
                clock.mark()
            } else {
                "-".into()
            };
            let text = format!(
                "{:<7} {:<3} {:<12} {:<7} {:<8} {:<4} {:<7} {}{labels}",
                i.id,
                i.priority.to_string(),
                i.state.to_string(),
                i.team.to_string(),
                i.release.as_deref().unwrap_or("-"),
                format::age(i.opened, s.now),
                mark,
                i.title
            );
            let urgent = matches!(i.priority, Priority::P1 | Priority::P2) && i.is_open();
            let late = i.is_open()
                && clock
                    .running()
                    .is_some_and(|(_, m)| m.breached() || m.near());
            let style = match (chosen, urgent || late, i.state) {
                (true, ..) => t.selected(),
                (_, true, _) => t.blocked(),
                (_, _, IncidentState::Closed | IncidentState::Resolved) => t.dim(),
                _ => t.title(),
            };
            (text, style)
        },
        hits,
    );
    let Some(i) = selected(s) else { return };
    let tickets: Vec<String> = s
        .tickets
        .iter()
        .find(|(id, _)| *id == i.id)
        .map(|(_, t)| t.iter().map(|x| x.to_string()).collect())
        .unwrap_or_default();
    let mut lines = vec![
        Line::from(Span::styled(format!("{} {}", i.id, i.title), t.title())),
        Line::raw(format!(
            "{} {} {} {} team {} {} opened by {} {} ago{}",
            i.priority,
            t.dot(),
            i.state,
            t.dot(),
            i.team,
            t.dot(),
            i.opened_by,
            format::age(i.opened, s.now),
            i.assignee
                .as_deref()
                .map_or(String::new(), |a| format!(" {} with {a}", t.dot()))
        )),
        Line::raw(format!(
            "project {}{}{}",
            i.project,
            i.release
                .as_deref()
                .map_or(String::new(), |v| format!(" {} release {v}", t.dot())),
            i.resolved.map_or(String::new(), |at| format!(
                " {} resolved {} ago",
                t.dot(),
                format::age(at, s.now)
            ))
        )),
    ];
    lines.push(sla_line(s, t, i));
    if let Some(h) = &i.hold {
        lines.push(Line::from(Span::styled(format!("On hold: {h}"), t.key())));
    }
    if i.assignee.is_none()
        && let Some(who) =
            crate::domain::incident::waits_on(i, &s.people, &s.rotations, s.now.date_naive())
    {
        lines.push(Line::from(Span::styled(format!("It {who}."), t.key())));
    }
    lines.push(Line::raw(if tickets.is_empty() {
        no_ticket(s, Context::Service)
    } else {
        format!("Tickets on the backlog: {}", tickets.join(", "))
    }));
    detail_pane(s, t, frame, detail, &i.id, lines);
}

/// Where the incident stands against its project's targets: each clock's time left, or how it
/// ended, and the hours they count in.
fn sla_line(s: &AppState, t: &Theme, i: &crate::domain::incident::Incident) -> Line<'static> {
    use crate::domain::sla::{Measure, short};
    let clock = crate::app::tabs::service::clock(s, i);
    let say = |name: &str, m: &Measure| -> String {
        let target = short(m.target);
        match (m.stopped, m.breached()) {
            (true, false) => format!("{name} ✔ {} of {target}", short(m.elapsed)),
            (true, true) => format!("{name} ✖ {} of {target}", short(m.elapsed)),
            (false, true) => format!("{name} BREACHED +{} ({target})", short(-m.left())),
            (false, false) if m.near() => format!("{name} ! {} left of {target}", short(m.left())),
            (false, false) => format!("{name} {} left of {target}", short(m.left())),
        }
    };
    let hours = crate::domain::sla::targets_of(i, &s.releases.projects)
        .calendar
        .as_ref()
        .map_or("24x7".to_string(), |c| c.describe());
    let text = format!(
        "SLA: {} {} {}{} {} {hours}",
        say("response", &clock.response),
        t.dot(),
        say("resolve", &clock.resolution),
        if clock.paused {
            " (paused: on hold)"
        } else {
            ""
        },
        t.dot(),
    );
    let style = match clock.running() {
        Some((_, m)) if m.breached() || m.near() => t.blocked(),
        _ => t.dim(),
    };
    Line::from(Span::styled(text, style))
}

/// The problems view: newest first, with their state, incidents and tickets.
fn draw_problems(s: &AppState, t: &Theme, frame: &mut Frame<'_>, area: Rect, hits: &mut Vec<Hit>) {
    if s.problems.is_empty() {
        let text = vec![
            Line::raw(""),
            Line::raw(format!(
                " No problems. Press {} to raise one, {} on an incident to raise one from it, or:",
                s.key(Context::Problems, Command::NewProblem),
                s.key(Context::Service, Command::RaiseProblem)
            )),
            Line::raw("   firebreak problem add \"Sessions expire under load\" --incident INC-1"),
            Line::raw(" ] shows the incidents again."),
        ];
        frame.render_widget(Paragraph::new(text), area);
        return;
    }
    let [list, detail] =
        Layout::vertical([Constraint::Percentage(55), Constraint::Fill(1)]).areas(area);
    let head = format!(
        "{:<7} {:<16} {:<14} {:<4} {}",
        "ID", "STATE", "INCIDENTS", "AGE", "TITLE"
    );
    let title = format!(" Problems · ] incidents ({}) ", s.incidents.len());
    list_pane(
        s,
        t,
        frame,
        list,
        (title, head),
        s.service.problem,
        &s.problems,
        |p, chosen| {
            let incidents = if p.incidents.is_empty() {
                "-".to_string()
            } else {
                p.incidents.join(",")
            };
            let text = format!(
                "{:<7} {:<16} {:<14} {:<4} {}",
                p.id,
                p.state.to_string(),
                incidents,
                format::age(p.opened, s.now),
                p.title
            );
            let style = if chosen {
                t.selected()
            } else if p.is_open() {
                t.title()
            } else {
                t.dim()
            };
            (text, style)
        },
        hits,
    );
    let Some(p) = selected_problem(s) else { return };
    let tickets: Vec<String> = s
        .problem_tickets
        .iter()
        .find(|(id, _)| *id == p.id)
        .map(|(_, t)| {
            t.iter()
                .map(|(id, released)| format!("{id}{}", if *released { " (released)" } else { "" }))
                .collect()
        })
        .unwrap_or_default();
    let mut lines = vec![
        Line::from(Span::styled(format!("{} {}", p.id, p.title), t.title())),
        Line::raw(format!(
            "{} {} raised by {} {} ago{}",
            p.state,
            t.dot(),
            p.opened_by,
            format::age(p.opened, s.now),
            if p.incidents.is_empty() {
                String::new()
            } else {
                format!(" {} behind {}", t.dot(), p.incidents.join(", "))
            }
        )),
    ];
    if let Some(w) = &p.workaround {
        lines.push(Line::from(Span::styled(
            format!("Workaround: {w}"),
            t.key(),
        )));
    }
    lines.push(Line::raw(if tickets.is_empty() {
        no_ticket(s, Context::Problems)
    } else {
        format!(
            "Tickets: {} · it resolves when every one is released.",
            tickets.join(", ")
        )
    }));
    detail_pane(s, t, frame, detail, &p.id, lines);
}

/// Who is on live support today, and the rotations to come.
fn support_line(s: &AppState, t: &Theme) -> Line<'static> {
    use crate::domain::rotation::{on_support, upcoming};
    let today = s.now.date_naive();
    let who: Vec<String> = on_support(&s.people, &s.rotations, today)
        .iter()
        .map(|(p, r)| match r {
            // Rotated in, they do the team's work: pulls, incidents, its releases' problems.
            Some(r) => format!(
                "{} (rotated in to {}, AMS duties)",
                p.name,
                r.to.format("%m-%d")
            ),
            None => p.name.clone(),
        })
        .collect();
    let next = upcoming(&s.rotations, today);
    let mut text = format!(" On live support: {}", who.join(", "));
    if let Some(first) = next.first() {
        let same: Vec<String> = next
            .iter()
            .filter(|r| r.from == first.from)
            .map(|r| format!("{} to {}", r.person, r.team))
            .collect();
        text.push_str(&format!(
            " {} next, {}: {}",
            t.dot(),
            first.from.format("%m-%d"),
            same.join(", ")
        ));
    } else {
        text.push_str(&format!(
            " {} {} plans a rotation",
            t.dot(),
            s.key(Context::Service, Command::Rotate)
        ));
    }
    Line::from(Span::styled(text, t.dim()))
}

/// What the detail says before a ticket is raised, with the keys in force in `context`.
fn no_ticket(s: &AppState, context: Context) -> String {
    format!(
        "No ticket raised yet: {} raises a defect on the backlog, {} an enhancement.",
        s.key(context, Command::Ticket),
        s.key(context, Command::EnhancementTicket)
    )
}

/// A bordered list under a header line, scrolled so the selected row shows; `row` gives each
/// record's text and style, told whether it is the selected one.
#[allow(clippy::too_many_arguments)]
fn list_pane<T>(
    s: &AppState,
    t: &Theme,
    frame: &mut Frame<'_>,
    area: Rect,
    (title, head): (String, String),
    selected: usize,
    records: &[T],
    row: impl Fn(&T, bool) -> (String, ratatui::style::Style),
    hits: &mut Vec<Hit>,
) {
    let block = Block::default()
        .borders(Borders::ALL)
        .border_set(t.border())
        .title(Span::styled(title, t.title()));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [header, inner] =
        Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(inner);
    frame.render_widget(
        Paragraph::new(Line::from(Span::styled(format!("  {head}"), t.dim()))),
        header,
    );
    let room = inner.height as usize;
    let first = selected.saturating_sub(room.saturating_sub(1));
    for (n, i) in (first..records.len().min(first + room)).enumerate() {
        if let Some(r) = crate::ui::line_rect(inner, n, 1) {
            hits.push(Hit {
                area: r,
                column: 0,
                row: i,
            });
        }
    }
    let lines: Vec<Line> = records
        .iter()
        .enumerate()
        .skip(first)
        .take(room)
        .map(|(n, record)| {
            let chosen = n == selected;
            let marker = match (chosen, s.ascii) {
                (true, true) => "> ",
                (true, false) => "▶ ",
                _ => "  ",
            };
            let (text, style) = row(record, chosen);
            Line::from(Span::styled(format!("{marker}{text}"), style))
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

/// The selected record's pane: its details, then its history as far as the pane holds.
fn detail_pane(
    s: &AppState,
    t: &Theme,
    frame: &mut Frame<'_>,
    area: Rect,
    id: &str,
    mut lines: Vec<Line<'static>>,
) {
    history_lines(s, t, id, area, &mut lines);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_set(t.border())
        .title(Span::styled(format!(" {id} "), t.title()));
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        area,
    );
}

/// The record's history under its details, newest last, as much as the pane holds.
fn history_lines(s: &AppState, t: &Theme, id: &str, pane: Rect, lines: &mut Vec<Line<'static>>) {
    if s.history_of.as_deref() != Some(id) || s.history.is_empty() {
        return;
    }
    let room = (pane.height as usize).saturating_sub(2 + lines.len() + 1);
    if room == 0 {
        return;
    }
    lines.extend(crate::ui::detail::thread_then_history(
        s,
        t,
        room + 1,
        Some("History"),
        "  ",
    ));
}
