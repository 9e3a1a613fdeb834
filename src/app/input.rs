//! A one-line text input: the filter, reasons, and the fields of the item form.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Text and a cursor (a char index), edited the way shells and editors taught people.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineInput {
    pub text: String,
    pub cursor: usize,
    /// Whether Ctrl-J (or Alt-Enter) starts a new line in it: a comment's text.
    pub multiline: bool,
}

impl LineInput {
    pub fn with(text: &str) -> Self {
        LineInput {
            text: text.to_string(),
            cursor: text.chars().count(),
            multiline: false,
        }
    }

    /// Where the word before the cursor starts (a word move left).
    fn word_start(&self) -> usize {
        let chars: Vec<char> = self.text.chars().collect();
        let mut at = self.cursor.min(chars.len());
        while at > 0 && chars[at - 1] == ' ' {
            at -= 1;
        }
        while at > 0 && chars[at - 1] != ' ' {
            at -= 1;
        }
        at
    }

    /// Where the word after the cursor ends (a word move right).
    fn word_end(&self) -> usize {
        let chars: Vec<char> = self.text.chars().collect();
        let mut at = self.cursor.min(chars.len());
        while at < chars.len() && chars[at] == ' ' {
            at += 1;
        }
        while at < chars.len() && chars[at] != ' ' {
            at += 1;
        }
        at
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
        let alt = key.modifiers.contains(KeyModifiers::ALT);
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
            KeyCode::Char('j') if ctrl && self.multiline => {
                let at = self.byte(self.cursor);
                self.text.insert(at, '\n');
                self.cursor += 1;
                return true;
            }
            KeyCode::Enter if alt && self.multiline => {
                let at = self.byte(self.cursor);
                self.text.insert(at, '\n');
                self.cursor += 1;
                return true;
            }
            KeyCode::Char('a') if ctrl => self.cursor = 0,
            KeyCode::Char('e') if ctrl => self.cursor = len,
            KeyCode::Char(c) if !ctrl && !alt => {
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
            KeyCode::Left if ctrl || alt => self.cursor = self.word_start(),
            KeyCode::Right if ctrl || alt => self.cursor = self.word_end(),
            KeyCode::Char('b') if alt => self.cursor = self.word_start(),
            KeyCode::Char('f') if alt => self.cursor = self.word_end(),
            KeyCode::Char('k') if ctrl => {
                let at = self.byte(self.cursor);
                let cut = at < self.text.len();
                self.text.truncate(at);
                return cut;
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

impl LineInput {
    /// What shows of the text in `width` columns with the cursor in view, scrolled the way a
    /// shell line scrolls: the part before the cursor and the part from it, each cut to fit
    /// (one column is left for the cursor).
    pub fn window(&self, width: usize) -> (String, String) {
        use unicode_width::UnicodeWidthChar;
        // A line break shows as a mark of its own.
        let chars: Vec<char> = self
            .text
            .chars()
            .map(|c| if c == '\n' { '↵' } else { c })
            .collect();
        let w = |c: &char| c.width().unwrap_or(0);
        let room = width.saturating_sub(1);
        let mut start = self.cursor.min(chars.len());
        let mut used = 0;
        while start > 0 && used + w(&chars[start - 1]) <= room {
            start -= 1;
            used += w(&chars[start]);
        }
        let before: String = chars[start..self.cursor.min(chars.len())].iter().collect();
        let mut after = String::new();
        for c in chars.iter().skip(self.cursor) {
            if used + w(c) > room {
                break;
            }
            used += w(c);
            after.push(*c);
        }
        (before, after)
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

    #[test]
    fn word_moves_and_ctrl_k_edit_like_a_shell_line() {
        let mut i = LineInput::with("renew a permit");
        i.key(KeyEvent::new(KeyCode::Left, KeyModifiers::CONTROL));
        assert_eq!(i.cursor, 8);
        i.key(KeyEvent::new(KeyCode::Char('b'), KeyModifiers::ALT));
        assert_eq!(i.cursor, 6);
        i.key(KeyEvent::new(KeyCode::Char('f'), KeyModifiers::ALT));
        assert_eq!(i.cursor, 7);
        i.key(KeyEvent::new(KeyCode::Char('k'), KeyModifiers::CONTROL));
        assert_eq!(i.text, "renew a");
        // Alt with a letter moves; it types nothing.
        assert_eq!(i.text.len(), 7);
    }

    #[test]
    fn a_long_line_scrolls_to_keep_the_cursor_in_view() {
        let text = "x".repeat(100);
        let mut i = LineInput::with(&text);
        let (before, after) = i.window(20);
        assert_eq!(
            (before.len(), after.len()),
            (19, 0),
            "the end, with room for the cursor"
        );
        press(&mut i, KeyCode::Home);
        let (before, after) = i.window(20);
        assert_eq!((before.len(), after.len()), (0, 19));
        // Wide characters count their columns.
        let i = LineInput::with(&"🚗".repeat(30));
        let (before, _) = i.window(21);
        assert_eq!(before.chars().count(), 10);
        // Short text shows whole.
        let mut i = LineInput::with("permit");
        press(&mut i, KeyCode::Left);
        assert_eq!(i.window(70), ("permi".to_string(), "t".to_string()));
    }
}
