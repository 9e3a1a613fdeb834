//! Listings written as they are read: `{"schema":1,"items":[` then one element at a time, then
//! `]}`. Compact when the output is not a terminal (a script reads it), indented on one (a
//! person does), as `gh` and `kubectl` do. Nothing holds the whole answer.

use super::Failure;
use std::io::Write;

/// A JSON listing being written.
pub struct JsonList<'a> {
    out: &'a mut dyn Write,
    pretty: bool,
    first: bool,
    /// One element's JSON, written out in one piece.
    buf: Vec<u8>,
}

impl<'a> JsonList<'a> {
    /// Starts `{"schema": 1, "<key>": [`.
    pub fn start(out: &'a mut dyn Write, key: &str, pretty: bool) -> Result<Self, Failure> {
        if pretty {
            write!(out, "{{\n  \"schema\": 1,\n  \"{key}\": [")?;
        } else {
            write!(out, "{{\"schema\":1,\"{key}\":[")?;
        }
        Ok(JsonList {
            out,
            pretty,
            first: true,
            buf: Vec::with_capacity(4096),
        })
    }

    /// Writes one element.
    pub fn push<T: serde::Serialize>(&mut self, value: &T) -> Result<(), Failure> {
        let sep = if self.first { "" } else { "," };
        self.first = false;
        if self.pretty {
            let text = serde_json::to_string_pretty(value).map_err(json_failure)?;
            write!(self.out, "{sep}\n    {}", text.replace('\n', "\n    "))?;
        } else {
            self.buf.clear();
            self.buf.extend_from_slice(sep.as_bytes());
            serde_json::to_writer(&mut self.buf, value).map_err(json_failure)?;
            self.out.write_all(&self.buf)?;
        }
        Ok(())
    }

    /// Closes the list and the object.
    pub fn finish(self) -> Result<(), Failure> {
        match (self.pretty, self.first) {
            (true, false) => writeln!(self.out, "\n  ]\n}}")?,
            (true, true) => writeln!(self.out, "]\n}}")?,
            (false, _) => writeln!(self.out, "]}}")?,
        }
        Ok(())
    }
}

fn json_failure(e: serde_json::Error) -> Failure {
    Failure {
        code: 1,
        message: format!("cannot write JSON: {e}"),
    }
}

/// A table written row by row: each column but the last has a width set beforehand (the
/// longest word of its vocabulary, or a generous bound for names), so no row is held to
/// measure the others; a longer cell only pushes its line to the right. The header is written
/// with the first row.
pub struct Table<'a, const N: usize> {
    out: &'a mut dyn Write,
    header: [&'static str; N],
    widths: [usize; N],
    rows: usize,
}

impl<'a, const N: usize> Table<'a, N> {
    pub fn new(out: &'a mut dyn Write, header: [&'static str; N], widths: [usize; N]) -> Self {
        Table {
            out,
            header,
            widths,
            rows: 0,
        }
    }

    fn line(&mut self, cells: &[&str]) -> Result<(), Failure> {
        use unicode_width::UnicodeWidthStr;
        let mut text = String::new();
        for (n, cell) in cells.iter().enumerate() {
            text.push_str(cell);
            if n + 1 < cells.len() {
                let w = self.widths[n].max(self.header[n].len());
                text.push_str(&" ".repeat(w.saturating_sub(cell.width()) + 2));
            }
        }
        writeln!(self.out, "{}", text.trim_end())?;
        Ok(())
    }

    pub fn row(&mut self, cells: [&str; N]) -> Result<(), Failure> {
        if self.rows == 0 {
            let header = self.header;
            self.line(&header)?;
        }
        self.rows += 1;
        self.line(&cells)
    }

    /// How many rows were written.
    pub fn rows(&self) -> usize {
        self.rows
    }
}

/// Whether a person reads the output: JSON is then indented.
pub fn to_a_terminal() -> bool {
    use std::io::IsTerminal;
    std::io::stdout().is_terminal()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(pretty: bool, values: &[serde_json::Value]) -> serde_json::Value {
        let mut out = Vec::new();
        let mut list = JsonList::start(&mut out, "items", pretty).unwrap();
        for v in values {
            list.push(v).unwrap();
        }
        list.finish().unwrap();
        serde_json::from_slice(&out).unwrap()
    }

    #[test]
    fn compact_and_indented_listings_are_the_same_json() {
        let values = vec![
            serde_json::json!({"id": "FB-1", "tags": [1, 2]}),
            serde_json::json!({"id": "FB-2"}),
        ];
        let expected = serde_json::json!({"schema": 1, "items": values});
        assert_eq!(written(false, &values), expected);
        assert_eq!(written(true, &values), expected);
        assert_eq!(
            written(true, &[]),
            serde_json::json!({"schema": 1, "items": []})
        );
        assert_eq!(
            written(false, &[]),
            serde_json::json!({"schema": 1, "items": []})
        );
    }
}
