//! How values read as text, the same on the board and in the CLI's plain output: shared by
//! both, so it lives below them, and is pure (it imports only the domain).

use chrono::{DateTime, Utc};

/// A short age: `45s`, `12m`, `5h`, `3d`, `7w`.
pub fn age(since: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let s = (now - since).num_seconds().max(0);
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m", s / 60),
        3600..86_400 => format!("{}h", s / 3600),
        86_400..1_209_600 => format!("{}d", s / 86_400),
        _ => format!("{}w", s / 604_800),
    }
}

/// A moment as people read it in a list: `2026-03-02 09:30`.
pub fn when(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M").to_string()
}

/// One line of an item's history: `accept triage → backlog`, `block: waiting for DVLA`.
pub fn event_line(e: &crate::domain::Event) -> String {
    let mut line = e.action.clone();
    match e.action.as_str() {
        "rank" => {
            if let Some(how) = e.details.get("move").and_then(|m| m.as_str()) {
                line = format!("ranked {how}");
            }
        }
        crate::domain::link::LINK | crate::domain::link::UNLINK => {
            let d = &e.details;
            let what = match (
                d["url"].as_str(),
                d["relation"].as_str(),
                d["item"].as_str(),
            ) {
                (Some(url), ..) => url.to_string(),
                (None, Some(rel), Some(item)) => {
                    let rel = rel
                        .parse::<crate::domain::link::Relation>()
                        .map(|r| {
                            if d["forward"].as_bool().unwrap_or(true) {
                                r.forward()
                            } else {
                                r.inverse()
                            }
                        })
                        .unwrap_or("relates to");
                    format!("{rel} {item}")
                }
                _ => String::new(),
            };
            line = format!("{} {what}", e.action);
        }
        "label" => {
            let words = |k: &str, sign: &str| -> Vec<String> {
                e.details[k]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|w| w.as_str())
                            .map(|w| format!("{sign}{w}"))
                            .collect()
                    })
                    .unwrap_or_default()
            };
            let mut all = words("added", "+");
            all.extend(words("removed", "-"));
            line = format!("label {}", all.join(" "));
        }
        "assign" => {
            let from = e.details["from"].as_str().unwrap_or("nobody");
            let to = e.details["to"].as_str().unwrap_or("?");
            line = format!("assign {from} → {to}");
        }
        crate::domain::comment::ADD | crate::domain::comment::EDIT => {
            let n = e.details["n"].as_u64().unwrap_or(0);
            let first = e.details["text"]
                .as_str()
                .and_then(|t| t.lines().find(|l| !l.trim().is_empty()))
                .unwrap_or_default();
            let mut excerpt: String = first.chars().take(48).collect();
            if excerpt.len() < first.len()
                || e.details["text"]
                    .as_str()
                    .is_some_and(|t| t.trim().lines().count() > 1)
            {
                excerpt.push('…');
            }
            let what = if e.action == crate::domain::comment::ADD {
                "comment"
            } else {
                "edited comment"
            };
            line = format!("{what} #{n}: {excerpt}");
        }
        "edit" => {
            if let Some(fields) = e.details.as_object() {
                let names: Vec<&str> = fields.keys().map(String::as_str).collect();
                line = format!("edited {}", names.join(", "));
            }
        }
        "vote" if e.details.get("vote").is_some() => {
            let vote = e.details["vote"].as_str().unwrap_or_default();
            let role = e.details.get("role").and_then(|r| r.as_str());
            line = match role {
                Some(role) => format!("vote {vote} as {role}"),
                None => format!("vote {vote}"),
            };
            if e.from != e.to
                && let Some(to) = &e.to
            {
                line = format!("{line}, release {to}");
            }
        }
        "step" if e.details.get("step").is_some() => {
            let field = |k: &str| e.details.get(k).and_then(|v| v.as_str()).unwrap_or("");
            line = format!("step {}/{}", field("env"), field("step"));
            if let Some(result) = e.details.get("result").and_then(|v| v.as_str()) {
                line = format!("{line} {result}");
            }
            if e.from != e.to
                && let Some(to) = &e.to
            {
                line = format!("{line}, release {to}");
            }
        }
        "pd" | "pd-conclude" => {
            let cause = e.details.get("cause").and_then(|c| c.as_str());
            line = match (e.action.as_str(), cause) {
                ("pd", Some(c)) => format!("problem determination, cause {c}"),
                ("pd", None) => "problem determination".to_string(),
                (_, c) => format!(
                    "problem determination concluded, cause {}",
                    c.unwrap_or("-")
                ),
            };
        }
        "ticket" if e.details.get("item").is_some() => {
            line = format!("ticket {}", e.details["item"].as_str().unwrap_or_default());
        }
        "ops-flag" => {
            let concerns: Vec<&str> = e.details["concerns"]
                .as_array()
                .map(|a| a.iter().filter_map(|c| c.as_str()).collect())
                .unwrap_or_default();
            line = format!("flagged for operations ({})", concerns.join(", "));
        }
        "ops-review" => {
            line = "operations review recorded".to_string();
            if let Some(note) = e.details.get("note").and_then(|n| n.as_str())
                && !note.is_empty()
            {
                line = format!("{line}: {note}");
            }
        }
        "rerun" => {
            let field = |k: &str| e.details.get(k).and_then(|v| v.as_str()).unwrap_or("");
            line = format!(
                "re-run of {}/{}, release running: {}",
                field("env"),
                field("step"),
                field("reason")
            );
        }
        _ => match (e.from.as_deref(), &e.to) {
            // No change of state (a vote, a second known error): the action says it all.
            (Some(from), Some(to)) if from == to => {}
            (Some(from), Some(to)) if !from.is_empty() => line = format!("{line} {from} → {to}"),
            (_, Some(to)) => line = format!("{line} → {to}"),
            _ => {}
        },
    }
    if let Some(workaround) = e.details.get("workaround").and_then(|w| w.as_str()) {
        line = format!("{line} (workaround: {workaround})");
    }
    if let Some(reason) = &e.reason {
        line = format!("{line}: {reason}");
    }
    line
}

/// The flow in one line: cycle-time percentiles and this week's throughput.
pub fn flow_summary(flow: &crate::domain::measures::Flow) -> String {
    let d = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.1}d"));
    let c = &flow.cycle;
    let weeks: Vec<String> = flow.throughput.iter().map(|w| w.done.to_string()).collect();
    format!(
        "Cycle time over {} items: p50 {}, p85 {}, p95 {}. Done per week, oldest first: {}.",
        c.count,
        d(c.p50),
        d(c.p85),
        d(c.p95),
        weeks.join(" ")
    )
}

#[cfg(test)]
mod tests {

    #[test]
    fn wrap_breaks_between_words_with_an_indent_and_cuts_a_word_too_long() {
        let lines = super::wrap(
            "1.0.0 waits on grace (tester), omar or ola (service-manager)",
            30,
            "    ",
        );
        assert_eq!(
            lines,
            [
                "1.0.0 waits on grace (tester),",
                "    omar or ola",
                "    (service-manager)"
            ]
        );
        assert!(lines.iter().all(|l| l.chars().count() <= 30));
        let long = super::wrap(&"x".repeat(50), 20, "  ");
        assert!(long.iter().all(|l| l.chars().count() <= 20), "{long:?}");
        assert_eq!(long.concat().replace(' ', "").len(), 50);
        assert_eq!(super::wrap("", 20, "  "), [""]);
    }

    use super::*;
    use chrono::{Duration, TimeZone};

    #[test]
    fn ages_pick_the_largest_unit_that_fits() {
        let now = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
        assert_eq!(age(now - Duration::seconds(5), now), "5s");
        assert_eq!(age(now - Duration::minutes(90), now), "1h");
        assert_eq!(age(now - Duration::days(3), now), "3d");
        assert_eq!(age(now - Duration::days(30), now), "4w");
        assert_eq!(age(now + Duration::days(1), now), "0s");
    }
}

/// A span of hours as people say it: minutes under an hour, hours under two days, then days.
pub fn span(hours: f64) -> String {
    if hours < 1.0 {
        format!("{:.0} min", hours * 60.0)
    } else if hours < 48.0 {
        format!("{hours:.1} h")
    } else {
        format!("{:.1} d", hours / 24.0)
    }
}

/// Values as a one-line bar chart, one cell each: blocks from ▁ to █ (or `.:-=+*#@` in
/// ASCII), a space where there is no value.
pub fn sparkline(values: &[Option<f64>], ascii: bool) -> String {
    const BLOCKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    const PLAIN: [char; 8] = ['.', ':', '-', '=', '+', '*', '#', '@'];
    let glyphs = if ascii { PLAIN } else { BLOCKS };
    let max = values.iter().flatten().fold(0.0_f64, |m, v| m.max(*v));
    values
        .iter()
        .map(|v| match v {
            None => ' ',
            Some(v) if max <= 0.0 || *v <= 0.0 => glyphs[0],
            Some(v) => glyphs[((v / max) * 7.0).round().clamp(0.0, 7.0) as usize],
        })
        .collect()
}

fn measure_value(m: &crate::domain::insights::Measure) -> String {
    match (m.value, m.unit) {
        (None, _) => "-".to_string(),
        (Some(v), "hours") => span(v),
        (Some(v), "%") => format!("{v:.0} %"),
        (Some(v), "per week") => format!("{v:.1}/week"),
        (Some(v), unit) => format!("{v:.1} {unit}"),
    }
}

/// One line per delivery measure: its name, value, tier, what it is measured over, its trend.
pub fn delivery_rows(i: &crate::domain::insights::Insights, ascii: bool) -> Vec<[String; 5]> {
    let d = &i.delivery;
    [
        (
            "Deployment frequency",
            &d.deployment_frequency,
            ("switch", "switches"),
        ),
        ("Lead time for changes", &d.lead_time, ("item", "items")),
        (
            "Change failure rate",
            &d.change_failure_rate,
            ("release", "releases"),
        ),
        (
            "Time to restore",
            &d.time_to_restore,
            ("incident", "incidents"),
        ),
    ]
    .into_iter()
    .map(|(name, m, over)| {
        let trend: Vec<Option<f64>> = m.weeks.iter().map(|w| w.value).collect();
        [
            name.to_string(),
            measure_value(m),
            m.tier.map_or("-".to_string(), |t| t.as_str().to_string()),
            format!(
                "over {} {}",
                m.over,
                if m.over == 1 { over.0 } else { over.1 }
            ),
            sparkline(&trend, ascii),
        ]
    })
    .collect()
}

/// One line per environment and kind of test: escapes, their weekly trend, and the pass rate
/// of the tests of that environment and kind.
pub fn escape_rows(i: &crate::domain::insights::Insights, ascii: bool) -> Vec<[String; 5]> {
    i.escapes
        .rows
        .iter()
        .map(|r| {
            let trend: Vec<Option<f64>> = r.weeks.iter().map(|w| w.value).collect();
            [
                r.env.clone(),
                r.test.clone(),
                r.escaped.to_string(),
                sparkline(&trend, ascii),
                match r.pass_rate {
                    Some(p) => format!("{p:.0} % pass ({} runs)", r.runs),
                    None => "no runs".to_string(),
                },
            ]
        })
        .collect()
}

/// New work by origin as words, most first: "planned 31", "incident 12".
pub fn origin_words(i: &crate::domain::insights::Insights) -> Vec<String> {
    i.flow
        .origins
        .iter()
        .map(|(o, n)| format!("{o} {n}"))
        .collect()
}

/// The escaped defects' heading: how many, and how many no test could have caught.
pub fn escape_heading(i: &crate::domain::insights::Insights) -> String {
    format!(
        "Escaped defects: {} found live, {} that no automated test could catch",
        i.escapes.total, i.escapes.none
    )
}

/// `text` in lines of at most `width` columns, broken between words; every line after the
/// first starts with `indent` (a word longer than a line is cut).
pub fn wrap(text: &str, width: usize, indent: &str) -> Vec<String> {
    use unicode_width::UnicodeWidthStr;
    let width = width.max(indent.width() + 8);
    let body = text.trim_start_matches(' ');
    let lead = &text[..text.len() - body.len()];
    let mut lines = Vec::new();
    let mut line = lead.to_string();
    for word in body.split(' ') {
        let room = width.saturating_sub(line.width());
        let gap = usize::from(!line.trim().is_empty());
        if !line.trim().is_empty() && word.width() + gap > room {
            lines.push(std::mem::replace(&mut line, indent.to_string()));
        } else if gap == 1 {
            line.push(' ');
        }
        for c in word.chars() {
            let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
            if line.width() + w > width && !line.trim().is_empty() {
                lines.push(std::mem::replace(&mut line, indent.to_string()));
            }
            line.push(c);
        }
    }
    if !line.trim().is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// The escape sequence that puts `text` on the clipboard of the terminal the user sits at,
/// across SSH and tmux (OSC 52, base64 of the UTF-8 text).
pub fn osc52(text: &str) -> String {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4 + 8);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(TABLE[((n >> (18 - 6 * k)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    format!("\x1b]52;c;{out}\x07")
}

#[cfg(test)]
mod span_tests {
    #[test]
    fn spans_and_sparklines_read_at_a_glance() {
        assert_eq!(super::span(0.5), "30 min");
        assert_eq!(super::span(35.0), "35.0 h");
        assert_eq!(super::span(72.0), "3.0 d");
        assert_eq!(
            super::sparkline(&[Some(0.0), Some(4.0), None, Some(8.0)], false),
            "▁▅ █"
        );
        assert_eq!(super::sparkline(&[Some(1.0), Some(2.0)], true), "+@");
    }

    #[test]
    fn osc52_carries_the_text_in_base64() {
        assert_eq!(super::osc52("FB-12"), "\x1b]52;c;RkItMTI=\x07");
        assert_eq!(super::osc52("ab"), "\x1b]52;c;YWI=\x07");
        assert_eq!(super::osc52("abc"), "\x1b]52;c;YWJj\x07");
        assert_eq!(super::osc52("é"), "\x1b]52;c;w6k=\x07");
    }
}
