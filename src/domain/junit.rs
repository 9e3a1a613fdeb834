//! JUnit XML, as CI systems write it (GitLab, GitHub Actions reporters, Jenkins, pytest,
//! cargo-nextest, Maven Surefire): every test case with its result and time. A step whose
//! report holds a failed or errored case fails. Malformed XML is refused with its line.

use super::error::DomainError;
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use serde::Serialize;

/// How a test case ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CaseResult {
    Passed,
    Failed,
    Errored,
    Skipped,
}

/// One test case of a report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Case {
    /// The suite or class it belongs to (`classname`, else the enclosing suite's name).
    pub suite: String,
    pub name: String,
    pub result: CaseResult,
    pub seconds: f64,
    /// The failure's or error's message (its `message`, else the first line of its text).
    pub message: Option<String>,
}

impl Case {
    /// `suite::name`, or the name alone without a suite.
    pub fn full_name(&self) -> String {
        if self.suite.is_empty() {
            self.name.clone()
        } else {
            format!("{}::{}", self.suite, self.name)
        }
    }

    pub fn broke(&self) -> bool {
        matches!(self.result, CaseResult::Failed | CaseResult::Errored)
    }
}

/// The line (from 1) a byte offset of `text` falls on.
fn line_of(text: &str, at: u64) -> usize {
    let at = (at as usize).min(text.len());
    text.as_bytes()[..at]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

fn attr(e: &BytesStart<'_>, name: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()))
}

/// Reads the test cases of a JUnit report; `file` names it in a refusal.
pub fn parse(text: &str, file: &str) -> Result<Vec<Case>, DomainError> {
    let mut reader = Reader::from_str(text);
    let bad = |at: u64, why: String| {
        DomainError::invalid(format!(
            "{file} is not JUnit XML that reads: line {}: {why}; nothing was recorded",
            line_of(text, at)
        ))
    };
    let mut suites: Vec<String> = Vec::new();
    let mut cases = Vec::new();
    let mut current: Option<Case> = None;
    // Inside a <failure>/<error>: its text, when it gave no message.
    let mut reading: Option<String> = None;
    let mut root = false;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| bad(reader.error_position(), e.to_string()))?;
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(event, Event::Empty(_));
                match e.local_name().as_ref() {
                    b"testsuites" => root = true,
                    b"testsuite" => {
                        root = true;
                        if !empty {
                            suites.push(attr(e, b"name").unwrap_or_default());
                        }
                    }
                    b"testcase" => {
                        root = true;
                        let case = Case {
                            suite: attr(e, b"classname")
                                .or_else(|| suites.last().cloned())
                                .unwrap_or_default(),
                            name: attr(e, b"name").ok_or_else(|| {
                                bad(reader.buffer_position(), "a testcase without a name".into())
                            })?,
                            result: CaseResult::Passed,
                            seconds: attr(e, b"time")
                                .and_then(|t| t.trim().parse::<f64>().ok())
                                .filter(|t| t.is_finite() && *t >= 0.0)
                                .unwrap_or(0.0),
                            message: None,
                        };
                        if empty {
                            cases.push(case);
                        } else {
                            current = Some(case);
                        }
                    }
                    what @ (b"failure" | b"error" | b"skipped") => {
                        if let Some(c) = current.as_mut() {
                            c.result = match what {
                                b"failure" => CaseResult::Failed,
                                b"error" => CaseResult::Errored,
                                _ if c.broke() => c.result,
                                _ => CaseResult::Skipped,
                            };
                            if c.broke() && c.message.is_none() {
                                c.message = attr(e, b"message").filter(|m| !m.trim().is_empty());
                                if c.message.is_none() && !empty && what != b"skipped" {
                                    reading = Some(String::new());
                                }
                            }
                        }
                    }
                    _ => {}
                }
            }
            Event::Text(t) => {
                if let Some(buf) = reading.as_mut() {
                    buf.push_str(&t.decode().unwrap_or_default());
                }
            }
            Event::GeneralRef(r) => {
                if let Some(buf) = reading.as_mut() {
                    let name = r.decode().unwrap_or_default();
                    let c = match name.as_ref() {
                        "amp" => Some('&'),
                        "lt" => Some('<'),
                        "gt" => Some('>'),
                        "quot" => Some('"'),
                        "apos" => Some('\''),
                        _ => r.resolve_char_ref().ok().flatten(),
                    };
                    buf.extend(c);
                }
            }
            Event::CData(t) => {
                if let Some(buf) = reading.as_mut() {
                    buf.push_str(&String::from_utf8_lossy(&t));
                }
            }
            Event::End(e) => match e.local_name().as_ref() {
                b"testsuite" => {
                    suites.pop();
                }
                b"testcase" => cases.extend(current.take()),
                b"failure" | b"error" => {
                    if let (Some(text), Some(c)) = (reading.take(), current.as_mut()) {
                        c.message = text
                            .lines()
                            .map(str::trim)
                            .find(|l| !l.is_empty())
                            .map(str::to_string);
                    }
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    if !root {
        return Err(bad(
            0,
            "no testsuites, testsuite or testcase element in it".into(),
        ));
    }
    Ok(cases)
}

/// What a step's report comes to: whether it passed, and a summary for its log that names the
/// cases that broke (each with its message), so that the pipeline defect names them too.
pub fn summary(cases: &[Case]) -> (bool, String) {
    let count = |r: CaseResult| cases.iter().filter(|c| c.result == r).count();
    let (failed, errored, skipped) = (
        count(CaseResult::Failed),
        count(CaseResult::Errored),
        count(CaseResult::Skipped),
    );
    let seconds: f64 = cases.iter().map(|c| c.seconds).sum();
    let mut out = format!(
        "JUnit: {} cases, {} passed, {failed} failed, {errored} errored, {skipped} skipped ({seconds:.1} s)\n",
        cases.len(),
        count(CaseResult::Passed)
    );
    for c in cases.iter().filter(|c| c.broke()) {
        let how = if c.result == CaseResult::Failed {
            "FAILED"
        } else {
            "ERROR"
        };
        match &c.message {
            Some(m) => out.push_str(&format!("{how} {}: {m}\n", c.full_name())),
            None => out.push_str(&format!("{how} {}\n", c.full_name())),
        }
    }
    (failed + errored == 0, out)
}

#[cfg(test)]
mod tests;
