//! JUnit XML, as CI systems write it (GitLab, GitHub Actions reporters, Jenkins, pytest,
//! cargo-nextest, Maven Surefire): every test case with its result and time. A step whose
//! report holds a failed or errored case fails. Malformed XML is refused with its line.

use super::error::DomainError;
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use serde::Serialize;

/// How a test case ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CaseResult {
    Passed,
    Failed,
    Errored,
    Skipped,
}

impl CaseResult {
    pub fn as_str(self) -> &'static str {
        match self {
            CaseResult::Passed => "passed",
            CaseResult::Failed => "failed",
            CaseResult::Errored => "errored",
            CaseResult::Skipped => "skipped",
        }
    }

    /// One character for a strip of results: what a step's detail shows of a case's history.
    pub fn glyph(self) -> char {
        match self {
            CaseResult::Passed => '✔',
            CaseResult::Failed => '✖',
            CaseResult::Errored => '!',
            CaseResult::Skipped => '-',
        }
    }

    /// How bad it is, to keep the worst when a report holds the same case twice.
    fn weight(self) -> u8 {
        match self {
            CaseResult::Skipped => 0,
            CaseResult::Passed => 1,
            CaseResult::Failed => 2,
            CaseResult::Errored => 3,
        }
    }
}

impl std::str::FromStr for CaseResult {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "passed" => CaseResult::Passed,
            "failed" => CaseResult::Failed,
            "errored" => CaseResult::Errored,
            "skipped" => CaseResult::Skipped,
            _ => {
                return Err(DomainError::invalid(format!(
                    "'{s}' is not a test case's result: passed, failed, errored or skipped"
                )));
            }
        })
    }
}

impl std::fmt::Display for CaseResult {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
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
        "JUnit: {} case{}, {} passed, {failed} failed, {errored} errored, {skipped} skipped ({seconds:.1} s)\n",
        cases.len(),
        if cases.len() == 1 { "" } else { "s" },
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

/// The cases of reports read together, one per name: a case a report holds twice (a retry, a
/// report given twice) keeps its worst result and its time summed.
pub fn merged(cases: Vec<Case>) -> Vec<Case> {
    let mut out: Vec<Case> = Vec::with_capacity(cases.len());
    let mut at: std::collections::HashMap<(String, String), usize> =
        std::collections::HashMap::with_capacity(cases.len());
    for c in cases {
        match at.get(&(c.suite.clone(), c.name.clone())) {
            Some(&i) => {
                let kept = &mut out[i];
                kept.seconds += c.seconds;
                if c.result.weight() > kept.result.weight() {
                    kept.result = c.result;
                    kept.message = c.message;
                }
            }
            None => {
                at.insert((c.suite.clone(), c.name.clone()), out.len());
                out.push(c);
            }
        }
    }
    out
}

/// A case of a step with its results in the same step of the project's earlier releases.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseHistory {
    #[serde(flatten)]
    pub case: Case,
    /// The results of the earlier releases that ran it, oldest first.
    pub before: Vec<CaseResult>,
}

impl CaseHistory {
    /// Whether its results changed over the releases shown: a flaky or newly broken case.
    pub fn changed(&self) -> bool {
        self.before
            .iter()
            .chain(std::iter::once(&self.case.result))
            .filter(|r| **r != CaseResult::Skipped)
            .collect::<std::collections::HashSet<_>>()
            .len()
            > 1
    }
}

/// The order a step's detail lists its cases in: what broke first, then by name.
pub fn order(cases: &mut [CaseHistory]) {
    cases.sort_by(|a, b| {
        b.case
            .broke()
            .cmp(&a.case.broke())
            .then_with(|| a.case.suite.cmp(&b.case.suite))
            .then_with(|| a.case.name.cmp(&b.case.name))
    });
}

/// A step's cases as the lines of its detail: a count, then a line a case (what broke first),
/// each with its result, its time, its results in earlier releases (oldest first) and, when it
/// broke, its message.
pub fn lines(cases: &[CaseHistory]) -> Vec<String> {
    if cases.is_empty() {
        return Vec::new();
    }
    let broke = cases.iter().filter(|c| c.case.broke()).count();
    let changed = cases.iter().filter(|c| c.changed()).count();
    let mut out = vec![format!(
        "{} test cases · {broke} broke · {changed} changed · earlier releases|now",
        cases.len()
    )];
    for c in cases {
        let strip: String = c.before.iter().map(|r| r.glyph()).collect();
        let mut line = format!(
            "{} {:>8} {:>8}|{} {}",
            c.case.result.glyph(),
            format!("{:.2}s", c.case.seconds),
            strip,
            c.case.result.glyph(),
            c.case.full_name()
        );
        if let Some(m) = c.case.message.as_deref().filter(|_| c.case.broke()) {
            line.push_str(": ");
            line.push_str(m);
        }
        out.push(line);
    }
    out.push(String::new());
    out
}

#[cfg(test)]
mod tests;
