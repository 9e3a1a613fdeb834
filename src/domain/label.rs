//! Labels: free words on items and incidents ("payments", "a11y") that group work across
//! teams and kinds. Changing them is an event of the record; the words are checked and kept
//! in lower case, each once.

use super::comment::Subject;
use super::error::DomainError;
use super::event::Event;
use super::policy::Actor;
use chrono::{DateTime, Utc};
use serde_json::json;

/// How often a label is used: on open items, on all items, on incidents.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LabelCount {
    pub label: String,
    pub open_items: usize,
    pub items: usize,
    pub incidents: usize,
}

/// The most labels one record carries.
pub const MAX_LABELS: usize = 12;

/// A label as it is kept: lower case, 1 to 32 letters, digits, `-`, `_`, `.` or `/`.
pub fn check(word: &str) -> Result<String, DomainError> {
    let w = word.trim().trim_start_matches('#').to_lowercase();
    let ok = !w.is_empty()
        && w.chars().count() <= 32
        && w.chars().all(|c| c.is_alphanumeric() || "-_./".contains(c));
    if ok {
        Ok(w)
    } else {
        Err(DomainError::invalid(format!(
            "'{}' is not a label: use one word of up to 32 letters, digits, '-', '_', '.' or '/'",
            super::text::safe_line(word)
        )))
    }
}

/// The labels `subject` carries after adding `add` and taking away `remove`, and the event
/// that records it; refused for a record that takes no labels, or with nothing changing.
pub fn change(
    subject: &Subject,
    current: &[String],
    add: &[String],
    remove: &[String],
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(Vec<String>, Event), DomainError> {
    if !matches!(subject, Subject::Item(_) | Subject::Incident(_)) {
        return Err(DomainError::invalid(format!(
            "{subject} takes no labels: items and incidents do"
        )));
    }
    let add = add
        .iter()
        .map(|w| check(w))
        .collect::<Result<Vec<_>, _>>()?;
    let remove = remove
        .iter()
        .map(|w| check(w))
        .collect::<Result<Vec<_>, _>>()?;
    let mut next: Vec<String> = current.to_vec();
    let mut added = Vec::new();
    for w in add {
        if !next.contains(&w) && !added.contains(&w) {
            added.push(w.clone());
            next.push(w);
        }
    }
    let removed: Vec<String> = remove.into_iter().filter(|w| next.contains(w)).collect();
    next.retain(|w| !removed.contains(w));
    if added.is_empty() && removed.is_empty() {
        return Err(DomainError::invalid(format!(
            "{subject} carries those labels already: nothing to change"
        )));
    }
    if next.len() > MAX_LABELS {
        return Err(DomainError::invalid(format!(
            "{subject} would carry {} labels: keep it to {MAX_LABELS}",
            next.len()
        )));
    }
    next.sort();
    let e = Event::new(now, &actor.name, subject.entity(), subject.id(), "label")
        .details(json!({ "added": added, "removed": removed }));
    Ok((next, e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ItemId;
    use chrono::TimeZone;

    fn who() -> Actor {
        Actor {
            name: "sam".into(),
            roles: vec![crate::domain::Role::AmsEngineer],
            automation: false,
        }
    }

    #[test]
    fn labels_are_words_kept_in_lower_case_once_each() {
        assert_eq!(check("#Payments").unwrap(), "payments");
        assert_eq!(check("team/a11y").unwrap(), "team/a11y");
        for bad in ["", "two words", "x\u{202e}", &"x".repeat(33), "a:b"] {
            assert_eq!(check(bad).unwrap_err().exit_code(), 2, "{bad:?}");
        }
        let now = Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap();
        let s = Subject::Item(ItemId(3));
        let words = |w: &[&str]| w.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        let (labels, e) = change(
            &s,
            &[],
            &words(&["Payments", "a11y", "payments"]),
            &[],
            &who(),
            now,
        )
        .unwrap();
        assert_eq!(labels, ["a11y", "payments"]);
        assert_eq!(e.details["added"], json!(["payments", "a11y"]));
        let (labels, e) =
            change(&s, &labels, &[], &words(&["a11y", "nothere"]), &who(), now).unwrap();
        assert_eq!(labels, ["payments"]);
        assert_eq!(e.details["removed"], json!(["a11y"]));
        assert!(change(&s, &labels, &words(&["payments"]), &[], &who(), now).is_err());
        assert!(
            change(
                &Subject::Release("1.0.0".into()),
                &[],
                &words(&["x"]),
                &[],
                &who(),
                now
            )
            .is_err()
        );
        let many: Vec<String> = (0..13).map(|n| format!("l{n}")).collect();
        assert!(change(&s, &[], &many, &[], &who(), now).is_err());
    }
}
