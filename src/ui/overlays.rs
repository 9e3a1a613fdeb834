//! Boxes drawn over the tab: help, yes/no, a reason, the item form, the person picker.

use crate::app::form::Value;
use crate::app::keymap::{Command, Context};
use crate::app::{AppState, Overlay};
use crate::ui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

pub fn draw(s: &AppState, t: &Theme, frame: &mut Frame<'_>, area: Rect) {
    match &s.overlay {
        None => {}
        Some(Overlay::Help { scroll }) => help(s, t, frame, area, *scroll),
        Some(Overlay::Log { scroll }) => {
            let (title, text) = crate::ui::tabs::pipeline::step_log(s);
            let height = area.height.saturating_sub(2);
            let lines: Vec<Line> = text
                .lines()
                .skip(*scroll)
                .map(|l| Line::raw(l.to_string()))
                .collect();
            boxed(
                t,
                frame,
                area,
                BoxSpec {
                    title: &title,
                    w: area.width.saturating_sub(4),
                    h: height,
                    wrap: false,
                },
                lines,
            );
        }
        Some(Overlay::Confirm { question, .. }) => {
            let lines = vec![
                Line::raw(question.clone()),
                Line::raw(""),
                Line::from(vec![
                    Span::styled(s.key(Context::Confirm, Command::Yes), t.key()),
                    Span::raw(" yes   "),
                    Span::styled(s.keymap.keys_for(Context::Confirm, Command::No), t.key()),
                    Span::raw(" no"),
                ]),
            ];
            boxed(
                t,
                frame,
                area,
                BoxSpec {
                    title: " Are you sure? (y/N) ",
                    w: 64,
                    h: 7,
                    wrap: true,
                },
                lines,
            );
        }
        Some(Overlay::Prompt {
            question,
            input,
            then,
            error,
        }) => {
            let title = then.title();
            let inner = 70.min(area.width.saturating_sub(2)).saturating_sub(2);
            let help = match error {
                Some(e) => Line::from(Span::styled(format!("✖ {e}"), t.error())),
                None => Line::from(Span::styled(
                    format!(
                        "{} saves, {} gives up",
                        s.key(Context::Prompt, Command::Submit),
                        s.key(Context::Prompt, Command::Back)
                    ),
                    t.dim(),
                )),
            };
            let lines = vec![
                Line::raw(question.clone()),
                Line::raw(""),
                Line::from(Span::styled(typed(input, inner), t.key())),
                Line::raw(""),
                help,
            ];
            boxed(
                t,
                frame,
                area,
                BoxSpec {
                    title,
                    w: 70,
                    h: 9,
                    wrap: true,
                },
                lines,
            );
        }
        Some(Overlay::Form(form)) => {
            let mut lines = Vec::new();
            for (i, field) in form.fields.iter().enumerate() {
                let focused = i == form.focus;
                let value = match &field.value {
                    Value::Text(input) if focused => typed(
                        input,
                        90.min(area.width.saturating_sub(2)).saturating_sub(23),
                    ),
                    Value::Text(input) => input.text.clone(),
                    Value::Choice { .. } if t.ascii => format!("< {} >", field.text()),
                    Value::Choice { .. } => format!("◂ {} ▸", field.text()),
                };
                let marker = if focused {
                    if t.ascii { "> " } else { "▶ " }
                } else {
                    "  "
                };
                let label = Span::styled(
                    format!("{marker}{:<18}", field.label),
                    if focused { t.focus() } else { t.title() },
                );
                lines.push(Line::from(vec![label, Span::raw(" "), Span::raw(value)]));
            }
            lines.push(Line::raw(""));
            match &form.error {
                Some(e) => lines.push(Line::from(Span::styled(format!("✖ {e}"), t.error()))),
                None => lines.push(Line::from(Span::styled(
                    format!(
                        "{} next field · {}/{} or space change a choice · {} saves · {} cancels",
                        s.keymap.keys_for(Context::Form, Command::NextField),
                        s.key(Context::Form, Command::ChoicePrev),
                        s.key(Context::Form, Command::ChoiceNext),
                        s.key(Context::Form, Command::Submit),
                        s.key(Context::Form, Command::Back)
                    ),
                    t.dim(),
                ))),
            }
            let title = match (form.id(), form.purpose) {
                (Some(id), _) => format!(" Edit {id} "),
                (None, crate::app::form::Purpose::Sprint) => " Add a sprint ".to_string(),
                (None, crate::app::form::Purpose::Item) => " Add an item ".to_string(),
            };
            boxed(
                t,
                frame,
                area,
                BoxSpec {
                    title: &title,
                    w: 90,
                    h: form.fields.len() as u16 + 4,
                    wrap: false,
                },
                lines,
            );
        }
        Some(Overlay::Palette {
            input, selected, ..
        }) => {
            let choices = crate::app::palette_choices(s);
            let room = area.height.saturating_sub(8).max(3) as usize;
            let first = selected.saturating_sub(room.saturating_sub(1));
            let mut lines = vec![
                Line::from(Span::styled(
                    format!(
                        ": {}",
                        typed(
                            input,
                            90.min(area.width.saturating_sub(2)).saturating_sub(4)
                        )
                    ),
                    t.key(),
                )),
                Line::raw(""),
            ];
            if choices.is_empty() {
                lines.push(Line::from(Span::styled(
                    format!(
                        "No action here matches: type less, or {}.",
                        s.key(Context::Palette, Command::Back)
                    ),
                    t.dim(),
                )));
            }
            for (i, b) in choices.iter().enumerate().skip(first).take(room) {
                let text = format!("{:<12} {}", b.keys_label(), b.help);
                lines.push(if i == *selected {
                    Line::from(Span::styled(format!("▶ {text}"), t.selected()))
                } else {
                    Line::raw(format!("  {text}"))
                });
            }
            let h = lines.len() as u16 + 2;
            boxed(
                t,
                frame,
                area,
                BoxSpec {
                    title: &format!(
                        " Run an action ({}), {} closes ",
                        s.key(Context::Palette, Command::Submit),
                        s.key(Context::Palette, Command::Back)
                    ),
                    w: 90,
                    h,
                    wrap: false,
                },
                lines,
            );
        }
        Some(Overlay::People { selected }) => {
            let lines = s
                .people
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    let roles: Vec<&str> = p.roles.iter().map(|r| r.as_str()).collect();
                    let text = format!("{:<12} {:<7} {}", p.name, p.team, roles.join(", "));
                    if i == *selected {
                        Line::from(Span::styled(format!("▶ {text}"), t.selected()))
                    } else {
                        Line::raw(format!("  {text}"))
                    }
                })
                .collect();
            boxed(
                t,
                frame,
                area,
                BoxSpec {
                    title: " Act as… (trust board) ",
                    w: 60,
                    h: s.people.len() as u16 + 2,
                    wrap: false,
                },
                lines,
            );
        }
    }
}

fn help(s: &AppState, t: &Theme, frame: &mut Frame<'_>, area: Rect, scroll: usize) {
    use crate::app::keymap::Command as C;
    // Each group that a key opens says which, as the user's keymap has it.
    let key = |ctx: Context, cmd: C| s.key(ctx, cmd);
    let groups = [
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
                key(Context::Service, C::NextSprint)
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
        (Context::Help, "This help".to_string()),
    ];
    let mut lines = Vec::new();
    for (ctx, title) in groups {
        lines.push(Line::from(Span::styled(title, t.column_header())));
        for b in s.keymap.bindings.iter().filter(|b| b.context == ctx) {
            lines.push(Line::from(vec![
                Span::styled(format!("  {:<16}", b.keys_label()), t.key()),
                Span::raw(b.help),
            ]));
        }
        lines.push(Line::raw(""));
    }
    let height = area.height.saturating_sub(4);
    let max_scroll = lines
        .len()
        .saturating_sub(height.saturating_sub(2) as usize);
    let lines: Vec<Line> = lines.into_iter().skip(scroll.min(max_scroll)).collect();
    boxed(
        t,
        frame,
        area,
        BoxSpec {
            title: &format!(
                " Keys ({} closes, {}/{} scroll) ",
                s.key(Context::Help, Command::Back),
                s.key(Context::Help, Command::Down),
                s.key(Context::Help, Command::Up)
            ),
            w: 76,
            h: height,
            wrap: false,
        },
        lines,
    );
}

/// The size and title of a centred box; `wrap` folds long lines, else they are cut.
/// What is typed, scrolled to keep the cursor in `width` columns, with the cursor drawn.
pub fn typed(input: &crate::app::input::LineInput, width: u16) -> String {
    let (before, after) = input.window(width as usize);
    format!(
        "{}▏{}",
        crate::domain::text::safe_line(&before),
        crate::domain::text::safe_line(&after)
    )
}

struct BoxSpec<'a> {
    title: &'a str,
    w: u16,
    h: u16,
    wrap: bool,
}

/// A centred box of at most `w` x `h` cells.
fn boxed(t: &Theme, frame: &mut Frame<'_>, area: Rect, spec: BoxSpec<'_>, lines: Vec<Line<'_>>) {
    let [row] = Layout::vertical([Constraint::Length(spec.h.min(area.height))])
        .flex(Flex::Center)
        .areas(area);
    let [cell] = Layout::horizontal([Constraint::Length(spec.w.min(area.width.saturating_sub(2)))])
        .flex(Flex::Center)
        .areas(row);
    frame.render_widget(Clear, cell);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_set(t.border())
        .title(Span::styled(spec.title.to_string(), t.title()));
    let text = Paragraph::new(lines).block(block);
    let text = if spec.wrap {
        text.wrap(Wrap { trim: false })
    } else {
        text
    };
    frame.render_widget(text, cell);
}
