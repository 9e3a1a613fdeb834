//! A one-line text input: the filter, reasons, and the fields of the item form.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Text and a cursor (a char index), edited the way shells and editors taught people.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineInput {
    pub text: String,
    pub cursor: usize,
}

impl LineInput {
    pub fn with(text: &str) -> Self {
        LineInput {
            text: text.to_string(),
            cursor: text.chars().count(),
        }
    }

    fn byte(&self, char_index: usize) -> usize {
        self.text
            .char_indices()
            .nth(char_index)
            .map_or(self.text.len(), |(b, _)| b)
    }

    /// Applies an editing key; returns whether the text changed.
    pub fn key(&mut self, key: KeyEvent) -> bool {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let len = self.text.chars().count();
        match key.code {
            KeyCode::Char('u') if ctrl => {
                let at = self.byte(self.cursor);
                self.text.replace_range(..at, "");
                self.cursor = 0;
                return at > 0;
            }
            KeyCode::Char('w') if ctrl => {
                let chars: Vec<char> = self.text.chars().collect();
                let mut start = self.cursor;
                while start > 0 && chars[start - 1] == ' ' {
                    start -= 1;
                }
                while start > 0 && chars[start - 1] != ' ' {
                    start -= 1;
                }
                let (a, b) = (self.byte(start), self.byte(self.cursor));
                self.text.replace_range(a..b, "");
                self.cursor = start;
                return a != b;
            }
            KeyCode::Char('a') if ctrl => self.cursor = 0,
            KeyCode::Char('e') if ctrl => self.cursor = len,
            KeyCode::Char(c) if !ctrl => {
                let at = self.byte(self.cursor);
                self.text.insert(at, c);
                self.cursor += 1;
                return true;
            }
            KeyCode::Backspace if self.cursor > 0 => {
                let at = self.byte(self.cursor - 1);
                self.text.remove(at);
                self.cursor -= 1;
                return true;
            }
            KeyCode::Delete if self.cursor < len => {
                let at = self.byte(self.cursor);
                self.text.remove(at);
                return true;
            }
            KeyCode::Left => self.cursor = self.cursor.saturating_sub(1),
            KeyCode::Right => self.cursor = (self.cursor + 1).min(len),
            KeyCode::Home => self.cursor = 0,
            KeyCode::End => self.cursor = len,
            _ => {}
        }
        false
    }
}

/// Reads "2026-03-20 the test is booked": a day, then why (a waiver, an extension).
pub fn day_and_reason(text: &str) -> Result<(chrono::NaiveDate, String), String> {
    let (date, reason) = text.trim().split_once(' ').unwrap_or((text.trim(), ""));
    let until = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .map_err(|_| format!("'{date}' is not a date: start with YYYY-MM-DD, then the reason"))?;
    Ok((until, reason.trim().to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(input: &mut LineInput, code: KeyCode) {
        input.key(KeyEvent::new(code, KeyModifiers::NONE));
    }

    #[test]
    fn typing_inserts_at_the_cursor_even_in_wide_text() {
        let mut i = LineInput::with("pérmit");
        press(&mut i, KeyCode::Home);
        press(&mut i, KeyCode::Char('🚗'));
        press(&mut i, KeyCode::End);
        press(&mut i, KeyCode::Backspace);
        assert_eq!(i.text, "🚗pérmi");
        press(&mut i, KeyCode::Left);
        press(&mut i, KeyCode::Delete);
        assert_eq!(i.text, "🚗pérm");
    }

    #[test]
    fn ctrl_w_deletes_the_word_before_the_cursor() {
        let mut i = LineInput::with("renew a permit");
        i.key(KeyEvent::new(KeyCode::Char('w'), KeyModifiers::CONTROL));
        assert_eq!(i.text, "renew a ");
        i.key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
        assert_eq!(i.text, "");
    }
}
