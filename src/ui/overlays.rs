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
        Some(Overlay::Help(view)) => help(s, t, frame, area, view),
        Some(Overlay::Messages { scroll }) => messages(s, t, frame, area, *scroll),
        Some(Overlay::Log { scroll }) => {
            let (title, text) = crate::ui::tabs::pipeline::step_log(s);
            let height = area.height.saturating_sub(2);
            let lines: Vec<Line> = crate::app::tabs::pipeline::log_lines(s, &text)
                .skip(*scroll)
                .take(height as usize)
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
                (None, crate::app::form::Purpose::Policy) => format!(
                    " Policy of {} (for new releases and incidents) ",
                    form.project.as_ref().map_or("", |p| p.name.as_str())
                ),
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

fn help(
    s: &AppState,
    t: &Theme,
    frame: &mut Frame<'_>,
    area: Rect,
    view: &crate::app::help::HelpView,
) {
    use crate::app::help::{HelpLine, KEYS, lines, page, widths};
    let (w, inner) = widths(area.width);
    let all = lines(s, view, inner);
    let shown = page(s);
    let mut body: Vec<Line> = all
        .iter()
        .skip(view.scroll)
        .take(shown)
        .map(|l| match l {
            HelpLine::Heading(h) => Line::from(Span::styled(h.clone(), t.column_header())),
            HelpLine::Key(keys, help) => Line::from(vec![
                Span::styled(format!("  {:<width$}", keys, width = KEYS - 2), t.key()),
                Span::raw(help.clone()),
            ]),
            HelpLine::More(more) => Line::raw(format!("{:KEYS$}{more}", "")),
            HelpLine::Blank => Line::raw(""),
        })
        .collect();
    if view.searching || !view.search.text.is_empty() {
        let text = if view.searching {
            typed(&view.search, inner.saturating_sub(9) as u16)
        } else {
            view.search.text.clone()
        };
        body.insert(
            0,
            Line::from(Span::styled(format!("search: {text}"), t.key())),
        );
        body.truncate(shown);
    }
    let end = (view.scroll + shown).min(all.len());
    let title = format!(
        " Keys {}-{} of {} ({} search, {} page, {} closes) ",
        (view.scroll + 1).min(all.len()),
        end,
        all.len(),
        s.key(Context::Help, Command::Filter),
        s.key(Context::Help, Command::PageDown),
        s.key(Context::Help, Command::Back),
    );
    boxed(
        t,
        frame,
        area,
        BoxSpec {
            title: &title,
            w,
            h: shown as u16 + 2,
            wrap: false,
        },
        body,
    );
}

/// The size and title of a centred box; `wrap` folds long lines, else they are cut.
/// Every message of the session, whole and wrapped, newest at the bottom; `scroll` messages up
/// from the newest.
fn messages(s: &AppState, t: &Theme, frame: &mut Frame<'_>, area: Rect, scroll: usize) {
    let w = area.width.saturating_sub(4);
    let inner = w.saturating_sub(2) as usize;
    let room = area.height.saturating_sub(6) as usize;
    let upto = s.said.len().saturating_sub(scroll);
    let mut lines: Vec<Line> = Vec::new();
    for said in &s.said[..upto] {
        let mark = if said.error { "✖" } else { "•" };
        let style = if said.error { t.error() } else { t.info() };
        let text = format!(
            "{} {mark} {}",
            said.at.format("%H:%M:%S"),
            crate::domain::text::safe_line(&said.text)
        );
        for part in crate::format::wrap(&text, inner, "           ") {
            lines.push(Line::from(Span::styled(part, style)));
        }
    }
    if lines.is_empty() {
        lines.push(Line::raw("Nothing was said yet in this session."));
    }
    let lines: Vec<Line> = lines.split_off(lines.len().saturating_sub(room));
    boxed(
        t,
        frame,
        area,
        BoxSpec {
            title: &format!(
                " Messages, newest last ({}/{} scroll, {} closes) ",
                s.key(Context::Messages, Command::Up),
                s.key(Context::Messages, Command::Down),
                s.key(Context::Messages, Command::Back)
            ),
            w,
            h: lines.len() as u16 + 2,
            wrap: false,
        },
        lines,
    );
}

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
