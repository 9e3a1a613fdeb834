//! A card on a board: its id and title, then a line of facts, the ageing mark and why it is
//! blocked. The Sprint and Kanban tabs draw their cards with it.

use crate::app::AppState;
use crate::app::row::Row;
use crate::ui::theme::Theme;
use ratatui::text::{Line, Span};

/// How a card is drawn: whether it is selected, the facts under its title (joined with the
/// theme's dot), whether it is ageing, and on how many lines its title may run in a column
/// `width` wide (two where there is room, so that it reads whole).
pub struct Look<'a> {
    pub selected: bool,
    pub facts: &'a [String],
    pub ageing: bool,
    pub title_lines: usize,
    pub width: u16,
}

/// Appends a card's lines: its title (on one or two lines), then its facts.
pub fn card(lines: &mut Vec<Line<'static>>, item: &Row, s: &AppState, t: &Theme, look: Look<'_>) {
    let Look {
        selected,
        facts,
        ageing,
        title_lines,
        width,
    } = look;
    let marker = match (selected, s.ascii) {
        (true, false) => "▶ ",
        (true, true) => "> ",
        _ => "  ",
    };
    let style = if selected { t.selected() } else { t.title() };
    let text = format!("{marker}{} {}", item.id, item.title());
    if title_lines < 2 {
        lines.push(Line::from(Span::styled(text, style)));
    } else {
        let mut parts = crate::format::wrap(&text, width.max(12) as usize, "    ");
        if parts.len() > 2 {
            let rest: Vec<String> = parts
                .split_off(1)
                .iter()
                .map(|p| p.trim().to_string())
                .collect();
            let rest: String = rest
                .join(" ")
                .chars()
                .take(width.saturating_sub(5) as usize)
                .collect();
            parts.push(format!("    {}…", rest.trim_end()));
        }
        parts.resize(2, String::new());
        for part in parts {
            lines.push(Line::from(Span::styled(part, style)));
        }
    }
    let mut tail = vec![Span::raw(format!(
        "  {}",
        facts.join(&format!(" {} ", t.dot()))
    ))];
    if ageing {
        tail.push(Span::styled(if s.ascii { " @" } else { " ◷" }, t.blocked()));
    }
    if let Some(reason) = item.blocked() {
        tail.push(Span::styled(
            format!(" {} {reason}", t.blocked_glyph()),
            t.blocked(),
        ));
    }
    // Labels last: the age and a block matter more on a narrow card.
    for label in item.labels() {
        tail.push(Span::styled(format!(" #{label}"), t.dim()));
    }
    lines.push(Line::from(tail));
}
