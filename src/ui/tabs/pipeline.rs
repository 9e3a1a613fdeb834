//! The Pipeline tab, the on-call screen: releases on the left; on the right the selected
//! release's lane per environment with each step's glyph and time, the firebreak, production's
//! slots, the votes, and the end of the log of the step under the cursor.

use crate::app::AppState;
use crate::app::Hit;
use crate::app::keymap::{Command, Context};
pub use crate::app::tabs::pipeline::step_log;
use crate::app::tabs::pipeline::{selected, step};
use crate::domain::pd::Cause;
use crate::domain::release::{Outcome, ReleaseState, ReleaseView, VOTERS, waiting_on};
use crate::format;
use crate::ui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

pub fn draw(s: &AppState, t: &Theme, frame: &mut Frame<'_>, area: Rect, hits: &mut Vec<Hit>) {
    if s.releases.list.is_empty() {
        let text = vec![
            Line::raw(""),
            Line::raw(" No release yet."),
            Line::raw(""),
            Line::raw(" Give a project its pipeline, then cut a release from its done items:"),
            Line::raw("   firebreak project pipeline NAME pipeline.toml"),
            Line::raw("   firebreak release add 1.0.0 --project NAME"),
            Line::raw(" and run it here with R, or with `firebreak release run 1.0.0`."),
        ];
        frame.render_widget(Paragraph::new(text), area);
        return;
    }
    // Narrow (an SSH session from a laptop): the list above, the release whole below it.
    let [list, detail] = if area.width < 100 {
        let rows = (s.releases.list.len() as u16 + 2).clamp(3, 6);
        Layout::vertical([Constraint::Length(rows), Constraint::Min(0)]).areas(area)
    } else {
        Layout::horizontal([Constraint::Percentage(34), Constraint::Percentage(66)]).areas(area)
    };
    draw_list(s, t, frame, list, hits);
    if let Some(r) = selected(s) {
        draw_release(s, r, t, frame, detail);
    }
}

fn draw_list(s: &AppState, t: &Theme, frame: &mut Frame<'_>, area: Rect, hits: &mut Vec<Hit>) {
    let block = Block::default()
        .borders(Borders::ALL)
        .border_set(t.border())
        .title(Span::styled(" Releases ", t.title()));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let room = inner.height as usize;
    let first = s.pipeline.selected.saturating_sub(room.saturating_sub(1));
    for (n, i) in (first..s.releases.list.len().min(first + room)).enumerate() {
        if let Some(r) = crate::ui::line_rect(inner, n, 1) {
            hits.push(Hit {
                area: r,
                column: 0,
                row: i,
            });
        }
    }
    let lines: Vec<Line> = s
        .releases
        .list
        .iter()
        .enumerate()
        .skip(first)
        .take(room)
        .map(|(i, v)| {
            let r = &v.release;
            let marker = if i == s.pipeline.selected {
                if s.ascii { "> " } else { "▶ " }
            } else {
                "  "
            };
            let running = s.running.as_deref() == Some(r.version.as_str());
            let text = format!(
                "{marker}{:<8} {} {:<11} {:<9} {}",
                r.version,
                glyph(r.state, s.ascii),
                if running {
                    "running…".to_string()
                } else {
                    r.state.to_string()
                },
                short(&r.project, 9),
                format::age(r.created, s.now)
            );
            let style = match (i == s.pipeline.selected, r.state) {
                (true, _) => t.selected(),
                (_, ReleaseState::Halted | ReleaseState::Abandoned | ReleaseState::RolledBack) => {
                    t.blocked()
                }
                _ => t.dim(),
            };
            Line::from(Span::styled(text, style))
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

fn short(text: &str, n: usize) -> String {
    if text.chars().count() <= n {
        text.to_string()
    } else {
        format!("{}…", text.chars().take(n - 1).collect::<String>())
    }
}

fn draw_release(s: &AppState, v: &ReleaseView, t: &Theme, frame: &mut Frame<'_>, area: Rect) {
    let r = &v.release;
    let dot = t.dot();
    let block = Block::default()
        .borders(Borders::ALL)
        .border_set(t.border())
        .title(Span::styled(
            format!(
                " {} of {} {dot} {} {} ",
                r.version,
                r.project,
                glyph(r.state, s.ascii),
                r.state
            ),
            t.title(),
        ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let items: Vec<String> = r.items.iter().map(|i| i.to_string()).collect();
    let mut lines = waits(s, v, t);
    lines.push(Line::raw(format!(
        "cut by {} (team {}) {dot} {} {dot} items {}",
        r.originator,
        r.team,
        format::when(r.created),
        items.join(" "),
    )));
    if r.schema_change {
        // Why the firebreak holds it: the stories that change the schema, or the cut itself.
        let flagged: Vec<String> = s
            .ops
            .iter()
            .filter(|o| {
                r.items.contains(&o.item)
                    && o.concerns.contains(&crate::domain::ops::Concern::Schema)
            })
            .map(|o| o.item.to_string())
            .collect();
        let why = if flagged.is_empty() {
            "cut as one".to_string()
        } else {
            format!("{} changes the schema", flagged.join(", "))
        };
        lines.push(Line::from(Span::styled(
            format!("Schema change ({why}): the firebreak is armed."),
            t.key(),
        )));
    }
    let Some(pipeline) = s.releases.pipeline(r) else {
        lines.push(Line::from(Span::styled(
            format!("{} has no pipeline file that reads.", r.project),
            t.error(),
        )));
        frame.render_widget(Paragraph::new(fit(lines, inner.width)), inner);
        return;
    };
    let cursor = step(s);
    lines.push(Line::raw(""));
    for env in &pipeline.environments {
        let mut spans = vec![Span::styled(
            format!("{:<11}", short(&env.name, 10)),
            t.column_header(),
        )];
        for st in env.steps() {
            let rec = v
                .steps
                .iter()
                .find(|x| x.env == env.name && x.step == st.name);
            let (g, style) = match rec.map(|x| x.outcome) {
                Some(Some(Outcome::Pass)) => (if s.ascii { "+" } else { "✔" }, t.info()),
                Some(Some(Outcome::Fail)) => (if s.ascii { "x" } else { "✖" }, t.error()),
                Some(None) => (if s.ascii { ">" } else { "»" }, t.key()),
                None => (if s.ascii { "." } else { "·" }, t.dim()),
            };
            let time = rec
                .filter(|x| x.outcome.is_some())
                .map_or(String::new(), |x| format!(" {:.0}s", x.seconds));
            let here = cursor.as_ref() == Some(&(env.name.clone(), st.name.to_string()));
            let style = if here { t.selected() } else { style };
            spans.push(Span::styled(format!("{g} {}{time}", st.name), style));
            spans.push(Span::raw("  "));
        }
        if pipeline.firebreak_env().is_some_and(|f| f.name == env.name) {
            spans.push(Span::styled("‖ firebreak", t.title()));
        }
        lines.push(Line::from(spans));
    }
    lines.push(Line::raw(""));
    // How an ended version ended, from its events: which version superseded it, or who
    // abandoned it and why.
    if matches!(r.state, ReleaseState::Superseded | ReleaseState::Abandoned)
        && s.history_of.as_deref() == Some(r.version.as_str())
        && let Some(ended) = crate::domain::release::ending(&s.history)
    {
        lines.push(Line::from(Span::styled(ended, t.dim())));
    }
    if let (ReleaseState::Halted, Some(failed)) = (
        r.state,
        v.steps.iter().find(|x| x.outcome == Some(Outcome::Fail)),
    ) {
        let defect = v
            .defect
            .map_or(String::new(), |d| format!(": {d} is on the Backlog for it"));
        let pd = s.pds.iter().find(|p| p.release == r.version);
        let rerun = pd.is_some_and(|p| {
            p.concluded.is_some() && p.cause == Some(Cause::Environment) && p.rerun.is_none()
        });
        lines.push(Line::from(Span::styled(
            format!("Halted at {}/{}{defect}.", failed.env, failed.step),
            t.error(),
        )));
        lines.push(Line::from(Span::styled(
            if rerun {
                format!(
                    "The environment was at fault: a release manager may re-run the step once ({}).",
                    s.key(Context::Pipeline, Command::Rerun)
                )
            } else {
                "A new version is the fix.".to_string()
            },
            t.error(),
        )));
        match pd {
            Some(pd) => {
                let head = match pd.concluded {
                    Some(_) => format!("Problem determination by {}: concluded", pd.by),
                    None => format!(
                        "Problem determination by {}: waits on team {}",
                        pd.by, r.team
                    ),
                };
                lines.push(Line::from(Span::styled(head, t.key())));
                let mut facts = vec![pd.cause.map_or(
                    format!(
                        "no cause yet: {} records it",
                        s.key(Context::Pipeline, Command::Determine)
                    ),
                    |c| format!("cause {c}"),
                )];
                if pd.concluded.is_none() && pd.cause.is_some() {
                    facts.push(format!(
                        "{} concludes it",
                        s.key(Context::Pipeline, Command::ConcludePd)
                    ));
                }
                facts.push(if pd.tickets.is_empty() {
                    format!(
                        "{} raises a ticket",
                        s.key(Context::Pipeline, Command::Ticket)
                    )
                } else {
                    let ids: Vec<String> = pd.tickets.iter().map(|i| i.to_string()).collect();
                    format!("tickets {}", ids.join(", "))
                });
                lines.push(Line::raw(format!(
                    "  {}",
                    facts.join(&format!(" {} ", t.dot()))
                )));
                lines.push(Line::raw(format!("  {}", pd.findings)));
            }
            None => lines.push(Line::from(Span::styled(
                format!(
                    "Waits on team {} for problem determination: {} records what they find.",
                    r.team,
                    s.key(Context::Pipeline, Command::Determine)
                ),
                t.key(),
            ))),
        }
    }
    lines.extend(gate(s, v, t));
    lines.extend(slots(s, &r.project, pipeline, t));
    lines.extend(votes(v, t));
    lines.extend(production_said(s, v, t));
    // Where the pane has no room for the history (and its thread), the newest comment.
    if inner.height < 28 && s.history_of.as_deref() == Some(r.version.as_str()) {
        let thread = crate::domain::comment::thread(&s.history);
        if let Some(c) = thread.last() {
            let first = c.text.lines().next().unwrap_or_default();
            lines.push(Line::from(vec![
                Span::styled(
                    format!("Comments ({}), newest by {}: ", thread.len(), c.author),
                    t.dim(),
                ),
                Span::raw(crate::domain::text::safe_line(first).into_owned()),
            ]));
        }
    }
    let lines = fit(lines, inner.width);
    let used = lines.len() as u16 + 1;
    frame.render_widget(Paragraph::new(lines), inner);
    if inner.height > used + 3 {
        let mut log_area = Rect {
            y: inner.y + used,
            height: inner.height - used,
            ..inner
        };
        let history = s.history_of.as_deref() == Some(r.version.as_str()) && !s.history.is_empty();
        if history && log_area.height >= 12 {
            let half = log_area.height / 2;
            let history_area = Rect {
                y: log_area.y + half,
                height: log_area.height - half,
                ..log_area
            };
            log_area.height = half;
            let room = history_area.height.saturating_sub(1) as usize;
            let lines = crate::ui::detail::thread_then_history(s, t, room, None, "");
            let block = Block::default()
                .borders(Borders::TOP)
                .border_set(t.border())
                .title(Span::styled(" History ", t.dim()));
            frame.render_widget(Paragraph::new(lines).block(block), history_area);
        }
        let (title, text) = step_log(s);
        let room = log_area.height.saturating_sub(1) as usize;
        let all: Vec<&str> = text.lines().collect();
        let tail: Vec<Line> = all[all.len().saturating_sub(room)..]
            .iter()
            .map(|l| Line::raw(l.to_string()))
            .collect();
        let block = Block::default()
            .borders(Borders::TOP)
            .border_set(t.border())
            .title(Span::styled(
                format!(
                    "{title} ({}: all of it)",
                    s.key(Context::Pipeline, Command::Log)
                ),
                t.dim(),
            ));
        frame.render_widget(Paragraph::new(tail).block(block), log_area);
    }
}

/// Who the release waits on, by name, first and whole: what the person on call came for.
fn waits(s: &AppState, v: &ReleaseView, t: &Theme) -> Vec<Line<'static>> {
    use crate::domain::release::{Staff, named_waits};
    let r = &v.release;
    let concluded = s
        .pds
        .iter()
        .any(|p| p.release == r.version && p.concluded.is_some());
    let held = s.releases.held.contains(&r.version) || s.running.as_deref() == Some(&r.version);
    let staff = Staff {
        people: &s.people,
        rotations: &s.rotations,
        today: s.now.date_naive(),
    };
    let named: Vec<String> =
        named_waits(r, &r.policy.parties, &v.progress(), concluded, held, &staff)
            .into_iter()
            .map(|(_, named)| named)
            .collect();
    if named.is_empty() {
        return vec![];
    }
    vec![Line::from(vec![
        Span::styled("WAITS ON ", t.column_header()),
        Span::styled(named.join("; "), t.key()),
    ])]
}

/// Lines made to fit `width`: a line too long breaks between its spans (and a span too long
/// between its words), the rest indented, so nothing is cut at the edge.
fn fit(lines: Vec<Line<'static>>, width: u16) -> Vec<Line<'static>> {
    let width = width.max(20) as usize;
    let mut out = Vec::new();
    for line in lines {
        if line.width() <= width {
            out.push(line);
            continue;
        }
        let mut current: Vec<Span<'static>> = Vec::new();
        let mut used = 0;
        for span in line.spans {
            let w = span.width();
            if used + w <= width {
                used += w;
                current.push(span);
                continue;
            }
            if used > 2 && w <= width - 2 {
                out.push(Line::from(std::mem::take(&mut current)));
                current.push(Span::raw("  "));
                current.push(span);
                used = 2 + w;
                continue;
            }
            // A span too long for a line of its own: its words wrap.
            let room = width.saturating_sub(used).max(10);
            let first = crate::format::wrap(&span.content, room, "");
            let style = span.style;
            for (k, part) in first.iter().enumerate() {
                if k > 0 {
                    out.push(Line::from(std::mem::take(&mut current)));
                    current.push(Span::raw("  "));
                    used = 2;
                }
                let part = part.trim_start().to_string();
                used += unicode_width::UnicodeWidthStr::width(part.as_str());
                current.push(Span::styled(part, style));
            }
        }
        if !current.is_empty() {
            out.push(Line::from(current));
        }
    }
    out
}

/// What production's command printed at the release's last switch or rollback, from its
/// history once loaded.
fn production_said(s: &AppState, v: &ReleaseView, t: &Theme) -> Vec<Line<'static>> {
    if s.history_of.as_deref() != Some(v.release.version.as_str()) {
        return vec![];
    }
    let Some(e) = s
        .history
        .iter()
        .rev()
        .find(|e| matches!(e.action.as_str(), "switch" | "rollback"))
    else {
        return vec![];
    };
    let said = e.details["output"].as_str().unwrap_or("").trim();
    let what = if e.action == "switch" {
        "Switch"
    } else {
        "Rollback"
    };
    let mut lines = vec![Line::from(vec![
        Span::styled(format!("{what} by {}: ", e.actor), t.column_header()),
        Span::styled(
            if said.is_empty() {
                "production's command printed nothing".to_string()
            } else {
                "production's command printed".to_string()
            },
            t.dim(),
        ),
    ])];
    lines.extend(
        said.lines()
            .map(|l| Line::raw(format!("  {}", crate::domain::text::safe_line(l)))),
    );
    lines
}

fn gate(s: &AppState, v: &ReleaseView, t: &Theme) -> Vec<Line<'static>> {
    let r = &v.release;
    let parties = &r.policy.parties;
    let accepted: Vec<String> = v
        .acceptances
        .iter()
        .map(|a| {
            format!(
                "{} {} ({})",
                if a.yes { "accepted by" } else { "REJECTED by" },
                a.person,
                a.role
            )
        })
        .collect();
    let waiting: Vec<String> = waiting_on(parties, &v.progress())
        .iter()
        .map(|role| {
            let wait = crate::domain::release::Wait::Accept(*role);
            wait.named(&crate::domain::release::who_answers(
                &wait,
                r,
                &v.progress(),
                &s.people,
                &s.rotations,
                s.now.date_naive(),
            ))
        })
        .collect();
    let mut text = if accepted.is_empty() {
        "no one has signed".to_string()
    } else {
        accepted.join(", ")
    };
    match r.state {
        ReleaseState::Firebreak if waiting.is_empty() => text.push_str(&format!(
            " · every party accepted: a release manager restarts it ({})",
            s.key(Context::Pipeline, Command::Restart)
        )),
        ReleaseState::Firebreak => text.push_str(&format!(" · WAITS ON {}", waiting.join(" and "))),
        _ if v.acceptances.is_empty() && !v.restarted => return vec![],
        _ => {}
    }
    let style = if r.state == ReleaseState::Firebreak {
        t.key()
    } else {
        t.dim()
    };
    vec![Line::from(vec![
        Span::styled("Firebreak: ", t.column_header()),
        Span::styled(text, style),
    ])]
}

fn slots(
    s: &AppState,
    project: &str,
    pipeline: &crate::domain::pipeline::Pipeline,
    t: &Theme,
) -> Vec<Line<'static>> {
    let prod = pipeline.production();
    let mut spans = vec![Span::styled("Production: ", t.column_header())];
    let slots: Vec<_> = s
        .releases
        .slots
        .iter()
        .filter(|x| x.project == project)
        .collect();
    if slots.is_empty() {
        spans.push(Span::styled("nothing deployed yet", t.dim()));
    }
    for x in slots {
        let url = if x.live {
            prod.live_url.clone()
        } else {
            prod.shadow_url_of(&x.slot)
        };
        let holds = s
            .releases
            .list
            .iter()
            .find(|v| Some(&v.release.version) == x.release.as_ref())
            .map(|v| v.release.state);
        let role = crate::domain::release::slot_role(x.live, holds);
        spans.push(Span::styled(
            format!(
                "{} {role} {} {}   ",
                x.slot,
                x.release.as_deref().unwrap_or("-"),
                url.unwrap_or_default()
            ),
            if x.live { t.info() } else { t.dim() },
        ));
    }
    vec![Line::from(spans)]
}

fn votes(v: &ReleaseView, t: &Theme) -> Vec<Line<'static>> {
    if v.votes.is_empty() && v.release.state != ReleaseState::Shadow {
        return vec![];
    }
    let mut spans = vec![Span::styled("Go/no-go: ", t.column_header())];
    for role in VOTERS {
        let text = match v.votes.iter().find(|x| x.role == role) {
            Some(x) => format!(
                "{role} {} {}   ",
                x.person,
                if x.yes { "go" } else { "NO-GO" }
            ),
            None => format!("{role} waits   "),
        };
        spans.push(Span::raw(text));
    }
    vec![Line::from(spans)]
}

/// A state's glyph: never colour alone.
fn glyph(state: ReleaseState, ascii: bool) -> &'static str {
    match (state, ascii) {
        (ReleaseState::Built, _) => "·",
        (ReleaseState::Running, false) => "»",
        (ReleaseState::Firebreak, false) => "‖",
        (ReleaseState::Shadow, false) => "◐",
        (ReleaseState::Live, false) => "●",
        (ReleaseState::Halted, false) => "✖",
        (ReleaseState::Abandoned, false) => "⊘",
        (ReleaseState::RolledBack, false) => "↺",
        (ReleaseState::Standby, false) => "○",
        (ReleaseState::Superseded, false) => "↷",
        (ReleaseState::Running, true) => ">",
        (ReleaseState::Firebreak, true) => "|",
        (ReleaseState::Shadow, true) => "~",
        (ReleaseState::Live, true) => "*",
        (ReleaseState::Halted, true) => "x",
        (ReleaseState::Abandoned, true) => "/",
        (ReleaseState::RolledBack, true) => "<",
        (ReleaseState::Standby, true) => "o",
        (ReleaseState::Superseded, true) => "-",
    }
}
