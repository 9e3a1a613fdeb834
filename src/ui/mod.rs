//! Drawing: `render` reads `&AppState` only (never the database, never the clock) and builds
//! rows only for what is on screen, so a frame costs the same at 100 items or 100,000.

mod card;
mod detail;
mod overlays;
mod tabs;
pub mod theme;

use crate::app::keymap::{Command, Context};
use crate::app::{AppState, Hit, MIN_SIZE, Tab};
use crate::format;
use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use theme::Theme;

/// Draws the state into the frame and returns where a click selects what (the shell hands
/// them back to `update` with `Msg::Laid`). It reads the state and writes nothing to it.
pub fn render(s: &AppState, frame: &mut Frame<'_>) -> Vec<Hit> {
    let area = frame.area();
    let mut hits = Vec::new();
    let theme = Theme {
        color: s.color,
        ascii: s.ascii,
    };
    if s.too_small() {
        let text = format!(
            "The terminal is {}x{}; firebreak needs at least {}x{}.\nEnlarge the window, or press {} to quit.",
            area.width,
            area.height,
            MIN_SIZE.0,
            MIN_SIZE.1,
            s.key(Context::Global, Command::Quit)
        );
        frame.render_widget(
            Paragraph::new(text)
                .alignment(Alignment::Center)
                .wrap(Wrap { trim: true }),
            area,
        );
        return hits;
    }
    let [header, tabs, body, status, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    draw_header(s, &theme, frame, header);
    draw_tabs(s, &theme, frame, tabs);
    match s.tab {
        Tab::Backlog => tabs::backlog::draw(s, &theme, frame, body, &mut hits),
        Tab::Sprint => tabs::sprint::draw(s, &theme, frame, body, &mut hits),
        Tab::Kanban => tabs::kanban::draw(s, &theme, frame, body, &mut hits),
        Tab::Pipeline => tabs::pipeline::draw(s, &theme, frame, body, &mut hits),
        Tab::Handover => tabs::handover::draw(s, &theme, frame, body, &mut hits),
        Tab::Service => tabs::service::draw(s, &theme, frame, body, &mut hits),
        Tab::Insights => tabs::insights::draw(s, &theme, frame, body),
    }
    draw_status(s, &theme, frame, status);
    draw_footer(s, &theme, frame, footer);
    overlays::draw(s, &theme, frame, area);
    if s.ascii {
        plain(frame);
    }
    inert(frame);
    hits
}

/// Where each link to the outside stands whole on one line of the frame (column, row, URL):
/// what the terminal's loop makes clickable in terminals that follow OSC 8, by writing the
/// same text again wrapped in the link. None with `--ascii` or without colour, and only for
/// links the board checked (http or https, no control character).
pub fn link_spans(s: &AppState, buf: &ratatui::buffer::Buffer) -> Vec<(u16, u16, String)> {
    if !s.color || s.ascii {
        return Vec::new();
    }
    let urls = crate::app::detail::shown_links(s);
    let mut out = Vec::new();
    if urls.is_empty() {
        return out;
    }
    let area = buf.area;
    for y in area.top()..area.bottom() {
        // The row's text, and the column each byte of it stands at.
        let mut line = String::new();
        let mut starts = Vec::new();
        for x in area.left()..area.right() {
            starts.push((line.len(), x));
            line.push_str(buf[(x, y)].symbol());
        }
        for url in &urls {
            let mut from = 0;
            while let Some(at) = line[from..].find(url.as_str()).map(|i| i + from) {
                from = at + url.len();
                if let Some((_, x)) = starts.iter().find(|(b, _)| *b == at) {
                    out.push((*x, y, url.clone()));
                }
            }
        }
    }
    out
}

/// Whatever a widget drew, no cell carries a character a terminal would obey (a control
/// character, a bidirectional override): one pass over the frame, so that no user text (a title,
/// a comment, a reason) can reorder or clear the screen, whichever widget drew it.
fn inert(frame: &mut Frame<'_>) {
    let acts = |c: char| {
        c.is_control()
            || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    for cell in frame.buffer_mut().content.iter_mut() {
        let symbol = cell.symbol();
        if symbol.is_ascii() && !symbol.bytes().any(|b| b.is_ascii_control()) {
            continue;
        }
        if symbol.chars().any(acts) {
            let kept: String = symbol.chars().filter(|c| !acts(*c)).collect();
            let kept = if kept.is_empty() {
                "\u{fffd}".to_string()
            } else {
                kept
            };
            cell.set_symbol(&kept);
        }
    }
}

/// The ASCII stand-in of a glyph the board draws; `None` for anything else (a user's text
/// keeps its letters).
fn ascii_glyph(symbol: &str) -> Option<&'static str> {
    Some(match symbol {
        "←" => "<",
        "→" => ">",
        "↑" => "^",
        "↓" => "v",
        "·" | "•" => ".",
        "●" => "*",
        "◐" => "o",
        "◈" => "%",
        "○" => "o",
        "◆" => "+",
        "▲" => "^",
        "▶" => ">",
        "‖" => "|",
        "✔" => "v",
        "✖" => "x",
        "◷" => "@",
        "⊘" => "/",
        "⇧" => "S",
        "▏" => "|",
        "…" => "~",
        "»" => ">",
        "─" | "━" => "-",
        "│" | "┃" => "|",
        "╭" | "╮" | "╰" | "╯" | "┌" | "┐" | "└" | "┘" | "├" | "┤" | "┬" | "┴" | "┼" => {
            "+"
        }
        "▁" => ".",
        "▂" => ":",
        "▃" => "-",
        "▄" => "=",
        "▅" => "+",
        "▆" => "*",
        "▇" => "#",
        "█" => "@",
        _ => return None,
    })
}

/// With `--ascii`, the glyphs every widget drew become plain ASCII in one pass over the frame:
/// no widget can forget one.
fn plain(frame: &mut Frame<'_>) {
    for cell in frame.buffer_mut().content.iter_mut() {
        let symbol = cell.symbol();
        if symbol.is_ascii() {
            continue;
        }
        if let Some(a) = ascii_glyph(symbol) {
            cell.set_symbol(a);
        } else if symbol
            .chars()
            .all(|c| ('\u{2800}'..='\u{28FF}').contains(&c))
        {
            // Braille dots of the charts.
            cell.set_symbol(".");
        }
    }
}

fn draw_header(s: &AppState, t: &Theme, frame: &mut Frame<'_>, area: Rect) {
    let dot = t.dot();
    // In order of importance: what does not fit is left out from the end.
    let mut parts = vec![
        Span::styled(
            " firebreak ",
            t.header().add_modifier(ratatui::style::Modifier::BOLD),
        ),
        Span::styled(
            format!(" {} ({}) ", s.me.name, s.me.roles_text()),
            t.header(),
        ),
        Span::styled(
            format!("{dot} refreshed {} ago ", format::age(s.refreshed, s.now)),
            t.header(),
        ),
        Span::styled(format!("{dot} {} [{}] ", s.db, s.identity), t.header()),
        Span::styled(format!("{dot} {} ", s.title), t.header()),
    ];
    if s.readonly {
        parts.insert(1, Span::styled(" READ-ONLY ", t.badge()));
    }
    let width = area.width as usize;
    while parts.len() > 1 && parts.iter().map(|p| p.width()).sum::<usize>() > width {
        parts.pop();
    }
    let used: usize = parts.iter().map(|p| p.width()).sum();
    parts.push(Span::styled(
        " ".repeat(width.saturating_sub(used)),
        t.header(),
    ));
    frame.render_widget(Line::from(parts), area);
}

fn draw_tabs(s: &AppState, t: &Theme, frame: &mut Frame<'_>, area: Rect) {
    let gap = Tab::gap(area.width);
    let mut spans = vec![Span::raw(" ")];
    for tab in Tab::ALL {
        let style = if *tab == s.tab {
            t.tab_active()
        } else {
            t.dim()
        };
        spans.push(Span::styled(
            format!("{} {}", tab.number(), tab.title()),
            style,
        ));
        spans.push(Span::raw(" ".repeat(gap)));
    }
    frame.render_widget(Line::from(spans), area);
}

fn draw_status(s: &AppState, t: &Theme, frame: &mut Frame<'_>, area: Rect) {
    // A message longer than the line ends with the key that shows it whole.
    let fitted = |mark: &str, text: &str| -> String {
        use unicode_width::UnicodeWidthStr;
        // A message may carry what a step printed: escaped like every user text.
        let line = format!(" {mark} {}", crate::domain::text::safe_line(text));
        if line.width() <= area.width as usize {
            return line;
        }
        let more = format!(
            "… ({} all of it)",
            s.key(Context::Global, Command::Messages)
        );
        let room = (area.width as usize).saturating_sub(more.width());
        let mut cut = String::new();
        let mut used = 0;
        for c in line.chars() {
            let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
            if used + w > room {
                break;
            }
            used += w;
            cut.push(c);
        }
        cut + &more
    };
    let line = match &s.flash {
        Some(f) if f.error => Line::from(Span::styled(fitted("✖", &f.text), t.error())),
        Some(f) => Line::from(Span::styled(fitted("•", &f.text), t.info())),
        None => match &s.backlog.moving {
            Some(m) => Line::from(Span::styled(
                format!(
                    " MOVING {}: {}/{} place it, {} keeps it, {} puts it back",
                    m.id,
                    s.key(Context::Move, Command::Down),
                    s.key(Context::Move, Command::Up),
                    s.key(Context::Move, Command::Keep),
                    s.key(Context::Move, Command::PutBack)
                ),
                t.moving(),
            )),
            None => Line::raw(""),
        },
    };
    frame.render_widget(line, area);
}

fn draw_footer(s: &AppState, t: &Theme, frame: &mut Frame<'_>, area: Rect) {
    let mut spans = vec![Span::raw(" ")];
    let mut width = 1;
    if s.context() == crate::app::keymap::Context::Kanban {
        let room = crate::app::tabs::kanban::room_to_pull(s);
        if let Some(text) = room {
            width += text.chars().count() + 3;
            spans.push(Span::styled(text, t.info()));
            spans.push(Span::raw("   "));
        }
    }
    // The global hints (quit, help) always show: the context's own give way from the end.
    let hints = s.keymap.hints(s.context(), !s.readonly);
    let piece = |(key, label): &(String, &str)| key.chars().count() + label.chars().count() + 4;
    let globals = s
        .keymap
        .hints(crate::app::keymap::Context::Global, !s.readonly);
    let reserved: usize = globals.iter().map(piece).sum();
    let own = hints.len().saturating_sub(globals.len());
    let mut full = false;
    for (n, hint) in hints.iter().enumerate() {
        let room = if n < own { reserved } else { 0 };
        full |= width + piece(hint) + room > area.width as usize;
        if full && n < own {
            continue;
        }
        if width + piece(hint) > area.width as usize {
            break;
        }
        width += piece(hint);
        spans.push(Span::styled(hint.0.clone(), t.key()));
        spans.push(Span::styled(format!(" {}   ", hint.1), t.dim()));
    }
    frame.render_widget(Line::from(spans), area);
}

/// The rect of line `n` of `inner` (lines `count` high), if it is inside it.
pub fn line_rect(inner: Rect, n: usize, count: u16) -> Option<Rect> {
    let y = inner
        .y
        .checked_add(u16::try_from(n).ok()?.checked_mul(count)?)?;
    (y < inner.y + inner.height).then_some(Rect {
        y,
        height: count.min(inner.y + inner.height - y),
        ..inner
    })
}
