//! User text made safe for a terminal: what a title, a reason or a log holds is shown, never
//! obeyed. Control characters (C0 but newline and tab, DEL, C1) and the bidirectional
//! controls that reorder what follows are written as visible escapes.

use std::borrow::Cow;

/// Whether `c` would act on a terminal instead of being shown by it.
fn unsafe_char(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every control character and bidi control written as `\uXXXX` (as the command
/// line's output writes them), so that it can reach a terminal; unchanged (and not copied) when
/// it holds none.
pub fn safe(text: &str) -> Cow<'_, str> {
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Like `safe`, and a newline or tab is written as an escape too: for one-line fields.
pub fn safe_line(text: &str) -> Cow<'_, str> {
    if !text
        .chars()
        .any(|c| unsafe_char(c) || c == '\n' || c == '\t')
    {
        return Cow::Borrowed(text);
    }
    let shown = safe(text);
    Cow::Owned(shown.replace('\n', "\\n").replace('\t', "\\t"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_bidi_overrides_are_shown_not_obeyed() {
        let hostile = "a\u{1b}[2Jb\u{1b}]0;owned\u{7}c\u{202e}d\u{9b}e\u{7f}";
        let shown = safe(hostile);
        assert!(!shown.chars().any(unsafe_char), "{shown}");
        assert_eq!(
            shown,
            "a\\u001b[2Jb\\u001b]0;owned\\u0007c\\u202ed\\u009be\\u007f"
        );
    }

    #[test]
    fn plain_text_is_not_copied_and_lines_keep_their_breaks() {
        assert!(matches!(safe("payments: retry\nok"), Cow::Borrowed(_)));
        assert_eq!(safe_line("two\nlines"), "two\\nlines");
    }
}
