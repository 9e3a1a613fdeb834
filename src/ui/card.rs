//! A card on a board: its id and title, then a line of facts, the ageing mark and why it is
//! blocked. The Sprint and Kanban tabs draw their cards with it.

use crate::app::AppState;
use crate::app::row::Row;
use crate::ui::theme::Theme;
use ratatui::text::{Line, Span};

/// Appends a card's two lines; `facts` are joined with the theme's dot.
pub fn card(
    lines: &mut Vec<Line<'static>>,
    item: &Row,
    s: &AppState,
    t: &Theme,
    selected: bool,
    facts: &[String],
    ageing: bool,
) {
    let marker = match (selected, s.ascii) {
        (true, false) => "▶ ",
        (true, true) => "> ",
        _ => "  ",
    };
    let style = if selected { t.selected() } else { t.title() };
    lines.push(Line::from(Span::styled(
        format!("{marker}{} {}", item.id, item.title()),
        style,
    )));
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
    lines.push(Line::from(tail));
}
