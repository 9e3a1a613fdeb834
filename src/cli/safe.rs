//! What the command line writes passes through here: control characters (C0 but newline and
//! tab, DEL, C1) and the bidirectional controls that reorder a line are written as `\uXXXX`,
//! so user text (a title, a reason, a log) is shown and never obeyed by the terminal that reads
//! it, whether it is printed to a terminal or to a pipe. JSON stays exact: such characters can
//! only stand inside its strings, where `\uXXXX` is the same character. Output is buffered.

use std::io::{self, Write};

/// A writer that escapes what a terminal would obey, and buffers the rest.
pub struct SafeWriter<W: Write> {
    inner: io::BufWriter<W>,
    /// The start of a character cut off at the end of the last write.
    pending: Vec<u8>,
}

impl<W: Write> SafeWriter<W> {
    pub fn new(inner: W) -> Self {
        SafeWriter {
            inner: io::BufWriter::with_capacity(64 * 1024, inner),
            pending: Vec::new(),
        }
    }
}

/// The length of the unsafe character starting at `b[i]`, if one does; `None` also when the
/// bytes end before it could be told (then `Err(())`, to wait for more).
fn unsafe_at(b: &[u8], i: usize) -> Result<Option<usize>, ()> {
    let c = b[i];
    match c {
        b'\n' | b'\t' => Ok(None),
        0x00..=0x1f | 0x7f => Ok(Some(1)),
        // C1 controls: U+0080..U+009F are C2 80..C2 9F.
        0xc2 => match b.get(i + 1) {
            None => Err(()),
            Some(0x80..=0x9f) => Ok(Some(2)),
            Some(_) => Ok(None),
        },
        // U+200E, U+200F, U+202A..U+202E (E2 80 ..) and U+2066..U+2069 (E2 81 ..).
        0xe2 => match (b.get(i + 1), b.get(i + 2)) {
            (None, _) => Err(()),
            (Some(0x80 | 0x81), None) => Err(()),
            (Some(0x80), Some(0x8e | 0x8f | 0xaa..=0xae)) => Ok(Some(3)),
            (Some(0x81), Some(0xa6..=0xa9)) => Ok(Some(3)),
            _ => Ok(None),
        },
        _ => Ok(None),
    }
}

impl<W: Write> Write for SafeWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let joined;
        let b: &[u8] = if self.pending.is_empty() {
            buf
        } else {
            self.pending.extend_from_slice(buf);
            joined = std::mem::take(&mut self.pending);
            &joined
        };
        let mut start = 0;
        let mut i = 0;
        while i < b.len() {
            // Most output holds none of these bytes: skip to the next that may start one.
            match b[i..].iter().position(|&c| {
                (c < 0x20 && c != b'\n' && c != b'\t') || c == 0x7f || c == 0xc2 || c == 0xe2
            }) {
                Some(skip) => i += skip,
                None => break,
            }
            match unsafe_at(b, i) {
                Ok(None) => i += 1,
                Ok(Some(n)) => {
                    self.inner.write_all(&b[start..i])?;
                    let c = std::str::from_utf8(&b[i..i + n])
                        .ok()
                        .and_then(|s| s.chars().next())
                        .map_or(b[i] as u32, |c| c as u32);
                    write!(self.inner, "\\u{c:04x}")?;
                    i += n;
                    start = i;
                }
                Err(()) => {
                    self.inner.write_all(&b[start..i])?;
                    self.pending = b[i..].to_vec();
                    return Ok(buf.len());
                }
            }
        }
        self.inner.write_all(&b[start..])?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        let rest = std::mem::take(&mut self.pending);
        self.inner.write_all(&rest)?;
        self.inner.flush()
    }
}

impl<W: Write> Drop for SafeWriter<W> {
    fn drop(&mut self) {
        let _ = self.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn through(parts: &[&[u8]]) -> String {
        let mut out = Vec::new();
        {
            let mut w = SafeWriter::new(&mut out);
            for p in parts {
                w.write_all(p).unwrap();
            }
        }
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn escape_sequences_osc_and_bidi_overrides_are_written_as_escapes() {
        let hostile = "a\u{1b}[2Jb\u{1b}]0;x\u{7}c\u{202e}d\u{9b}e\u{7f}\r\n\tf";
        assert_eq!(
            through(&[hostile.as_bytes()]),
            "a\\u001b[2Jb\\u001b]0;x\\u0007c\\u202ed\\u009be\\u007f\\u000d\n\tf"
        );
    }

    #[test]
    fn a_character_cut_between_two_writes_is_judged_whole() {
        let s = "x\u{202e}y é \u{2066}";
        let b = s.as_bytes();
        for cut in 0..b.len() {
            assert_eq!(
                through(&[&b[..cut], &b[cut..]]),
                "x\\u202ey é \\u2066",
                "cut at {cut}"
            );
        }
    }

    #[test]
    fn json_stays_the_same_json() {
        let value = serde_json::json!({ "title": "pay\u{202e}ment \u{85} \u{1b}[31m" });
        let text = through(&[serde_json::to_string(&value).unwrap().as_bytes()]);
        assert!(!text.contains('\u{202e}') && !text.contains('\u{1b}'));
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, value);
    }
}
