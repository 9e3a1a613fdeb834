//! The Handover tab: the delivery projects and their handover state; the checklist with a glyph
//! per item's state, its evidence, who submitted and who decided; what blocks acceptance; and
//! why the selected item matters.

use crate::app::AppState;
use crate::app::Hit;
use crate::app::keymap::{Command, Context};
use crate::app::tabs::handover::{selected, shown};
use crate::domain::handover::{CheckState, HandoverState};
use crate::ui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

fn glyph(state: CheckState, ascii: bool) -> &'static str {
    match (state, ascii) {
        (CheckState::Pending, _) => "·",
        (CheckState::Submitted, false) => "↑",
        (CheckState::Accepted, false) => "✔",
        (CheckState::Rejected, false) => "✖",
        (CheckState::Waived, _) => "~",
        (CheckState::Submitted, true) => "^",
        (CheckState::Accepted, true) => "+",
        (CheckState::Rejected, true) => "x",
    }
}

pub fn draw(s: &AppState, t: &Theme, frame: &mut Frame<'_>, area: Rect, hits: &mut Vec<Hit>) {
    let Some(h) = shown(s) else {
        let text = vec![
            Line::raw(""),
            Line::raw(
                " No delivery project: handovers are how a delivery project hands its service over.",
            ),
            Line::raw("   firebreak project add NAME --firebreak --pipeline pipeline.toml"),
        ];
        frame.render_widget(Paragraph::new(text), area);
        return;
    };
    let keys = format!(
        "{}/{}",
        s.key(Context::Handover, Command::PrevProject),
        s.key(Context::Handover, Command::NextProject)
    );
    // Narrow: the checklist takes the whole width, the project a key away.
    let narrow = area.width < 100;
    let side = if narrow {
        0
    } else {
        (area.width / 3).clamp(20, 42)
    };
    let [projects, body] =
        Layout::horizontal([Constraint::Length(side), Constraint::Fill(1)]).areas(area);
    let lines: Vec<Line> = s
        .handovers
        .iter()
        .enumerate()
        .map(|(i, x)| {
            let marker = if i == s.handover.project {
                "▶ "
            } else {
                "  "
            };
            let style = if i == s.handover.project {
                t.selected()
            } else {
                t.dim()
            };
            Line::from(Span::styled(
                format!("{marker}{:<16} {}", x.project, x.state),
                style,
            ))
        })
        .collect();
    if !narrow {
        let block = Block::default()
            .borders(Borders::ALL)
            .border_set(t.border())
            .title(Span::styled(format!(" Projects ({keys}) "), t.title()));
        frame.render_widget(Paragraph::new(lines).block(block), projects);
    }
    let title = if narrow && s.handovers.len() > 1 {
        format!(
            " Handover of {} · {} · {} of {} ({keys}) ",
            h.project,
            h.state,
            s.handover.project + 1,
            s.handovers.len()
        )
    } else {
        format!(" Handover of {} · {} ", h.project, h.state)
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_set(t.border())
        .title(Span::styled(title, t.title()));
    let inner = block.inner(body);
    frame.render_widget(block, body);
    if h.state == HandoverState::NotStarted {
        let text = vec![
            Line::raw(
                "Not started. It starts once a release of the project has reached pre-production:",
            ),
            Line::raw(format!(
                "press {}, or `firebreak handover start PROJECT`.",
                s.key(Context::Handover, Command::StartHandover)
            )),
        ];
        frame.render_widget(Paragraph::new(text), inner);
        return;
    }
    let mut lines = Vec::new();
    for (i, c) in h.checks.iter().enumerate() {
        if let Some(r) = crate::ui::line_rect(inner, i, 1) {
            hits.push(Hit {
                area: r,
                column: 0,
                row: i,
            });
        }
        let here = i == s.handover.item;
        let marker = if here {
            if s.ascii { "> " } else { "▶ " }
        } else {
            "  "
        };
        let who = [c.submitter.as_deref(), c.acceptor.as_deref()]
            .iter()
            .flatten()
            .copied()
            .collect::<Vec<_>>()
            .join(" → ");
        let note = match c.state {
            CheckState::Waived => {
                format!("until {}", c.until.map_or("-".into(), |d| d.to_string()))
            }
            CheckState::Rejected => c.reason.clone().unwrap_or_default(),
            _ => c.evidence.clone().unwrap_or_else(|| match c.reviews.len() {
                0 => String::new(),
                1 => "1 ops review".to_string(),
                n => format!("{n} ops reviews"),
            }),
        };
        let text = format!(
            "{marker}{} {:<34} {:<10} {:<12} {note}",
            glyph(c.state, s.ascii),
            format!(
                "{}{}",
                c.title,
                if c.mandatory { "" } else { " (optional)" }
            ),
            c.state.as_str(),
            who
        );
        let style = match (here, c.state) {
            (true, _) => t.selected(),
            (_, CheckState::Rejected) => t.blocked(),
            (_, CheckState::Accepted) => t.info(),
            _ => t.dim(),
        };
        lines.push(Line::from(Span::styled(text, style)));
    }
    let rows = lines.len() as u16;
    frame.render_widget(Paragraph::new(lines), inner);
    let mut lines = Vec::new();
    let open = h.open();
    if open.is_empty() {
        lines.push(Line::from(Span::styled(
            "Nothing blocks acceptance: a go vote may follow.",
            t.info(),
        )));
    } else {
        lines.push(Line::from(Span::styled(
            format!("Blocks acceptance (and a go vote): {}", open.join(", ")),
            t.error(),
        )));
    }
    if let Some(c) = selected(s) {
        lines.push(Line::raw(""));
        lines.push(Line::from(Span::styled(c.title.clone(), t.column_header())));
        lines.push(Line::raw(format!("Why: {}", c.why)));
        lines.push(Line::raw(format!("Evidence expected: {}", c.expected)));
        if let Some(who) = waiting(s, c) {
            lines.push(Line::from(Span::styled(who, t.key())));
        }
        // What was submitted, whole: what the service manager reads before accepting.
        if let Some(e) = &c.evidence {
            lines.push(Line::from(vec![
                Span::styled(
                    format!(
                        "Evidence submitted{}: ",
                        c.submitter
                            .as_deref()
                            .map_or(String::new(), |w| format!(" by {w}"))
                    ),
                    t.key(),
                ),
                Span::raw(crate::domain::text::safe_line(e).into_owned()),
            ]));
        }
        if let Some(r) = &c.reason {
            lines.push(Line::raw(format!("Note: {r}")));
        }
        if !c.reviews.is_empty() {
            lines.push(Line::from(Span::styled(
                format!(
                    "Operations reviews ({}), evidence to start from:",
                    c.reviews.len()
                ),
                t.key(),
            )));
            for r in &c.reviews {
                lines.push(Line::raw(format!("  {r}")));
            }
        }
    }
    let rest = Rect {
        y: inner.y + rows + 1,
        height: inner.height.saturating_sub(rows + 1),
        ..inner
    };
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), rest);
}

/// Whom a checklist item waits on, by name: its evidence from those who may submit it, then an
/// answer from those who may accept it (never its submitter).
fn waiting(s: &AppState, c: &crate::domain::handover::Check) -> Option<String> {
    use crate::domain::policy::{ACCEPT_REJECT_OR_WAIVE_HANDOVER_ITEMS, SUBMIT_HANDOVER_EVIDENCE};
    let (duty, doing) = match c.state {
        CheckState::Pending | CheckState::Rejected => {
            (&SUBMIT_HANDOVER_EVIDENCE, "to submit evidence")
        }
        CheckState::Submitted => (
            &ACCEPT_REJECT_OR_WAIVE_HANDOVER_ITEMS,
            "to accept, reject or waive it",
        ),
        _ => return None,
    };
    let names: Vec<String> = s
        .people
        .iter()
        .filter(|p| p.roles.iter().any(|r| duty.roles.contains(r)))
        .filter(|p| {
            c.submitter.as_deref() != Some(p.name.as_str()) || c.state != CheckState::Submitted
        })
        .map(|p| p.name.clone())
        .collect();
    let roles: Vec<&str> = duty.roles.iter().map(|r| r.as_str()).collect();
    Some(if names.is_empty() {
        format!(
            "Waits on nobody on the board ({} needed, {doing}).",
            roles.join(" or ")
        )
    } else {
        format!(
            "Waits on {} ({}, {doing}).",
            names.join(" or "),
            roles.join(" or ")
        )
    })
}
