//! Comments on the work: a thread on an item, an incident, a problem or a release. A comment is
//! an event of its subject (so it is in the audit trail and the export, and never changes); an
//! edit is a new version of it, the old one kept.

use super::error::DomainError;
use super::event::Event;
use super::ids::ItemId;
use super::policy::Actor;
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::json;

/// The longest comment, in characters: room for a log excerpt a CI job posts.
pub const MAX_COMMENT: usize = 20_000;

/// The event actions of a thread.
pub const ADD: &str = "comment";
pub const EDIT: &str = "comment-edit";

/// What a comment is about, named as the user writes it: `FB-12`, `INC-3`, `PRB-1`, or a
/// release's version.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", content = "id", rename_all = "lowercase")]
pub enum Subject {
    Item(ItemId),
    Incident(String),
    Problem(String),
    Release(String),
}

impl Subject {
    /// Reads a subject: an item id (`FB-12` or `12`), `INC-n`, `PRB-n`, or else a version.
    pub fn parse(text: &str) -> Result<Subject, DomainError> {
        let t = text.trim();
        let numbered = |prefix: &str| {
            t.get(..prefix.len())
                .filter(|p| p.eq_ignore_ascii_case(prefix))
                .and_then(|_| t[prefix.len()..].parse::<u32>().ok())
                .filter(|n| *n > 0)
        };
        if let Some(n) = numbered("INC-") {
            return Ok(Subject::Incident(format!("INC-{n}")));
        }
        if let Some(n) = numbered("PRB-") {
            return Ok(Subject::Problem(format!("PRB-{n}")));
        }
        if let Ok(id) = t.parse::<ItemId>() {
            return Ok(Subject::Item(id));
        }
        let version = !t.is_empty()
            && t.len() <= 40
            && t.chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-+".contains(c));
        if version && t.chars().any(|c| c.is_ascii_digit()) {
            return Ok(Subject::Release(t.to_string()));
        }
        Err(DomainError::invalid(format!(
            "'{}' names nothing that takes comments: give an item (FB-12), an incident (INC-3), a problem (PRB-1) or a release's version",
            super::text::safe_line(text)
        )))
    }

    /// The entity its events are recorded under.
    pub fn entity(&self) -> &'static str {
        match self {
            Subject::Item(_) => "item",
            Subject::Incident(_) => "incident",
            Subject::Problem(_) => "problem",
            Subject::Release(_) => "release",
        }
    }

    /// Its id as its events record it.
    pub fn id(&self) -> String {
        match self {
            Subject::Item(id) => id.to_string(),
            Subject::Incident(id) | Subject::Problem(id) | Subject::Release(id) => id.clone(),
        }
    }
}

impl std::fmt::Display for Subject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.id())
    }
}

/// One comment of a thread as it reads now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Comment {
    /// Its number in its subject's thread, from 1.
    pub n: u32,
    pub author: String,
    pub at: DateTime<Utc>,
    pub text: String,
    /// When it was last edited, if it was.
    pub edited: Option<DateTime<Utc>>,
    /// Every earlier version, oldest first.
    pub earlier: Vec<String>,
}

/// A subject's thread from its events, oldest first.
pub fn thread(events: &[Event]) -> Vec<Comment> {
    let mut out: Vec<Comment> = Vec::new();
    for e in events {
        let text = || e.details["text"].as_str().unwrap_or_default().to_string();
        match e.action.as_str() {
            ADD => out.push(Comment {
                n: out.len() as u32 + 1,
                author: e.actor.clone(),
                at: e.at,
                text: text(),
                edited: None,
                earlier: Vec::new(),
            }),
            EDIT => {
                let n = e.details["n"].as_u64().unwrap_or(0) as usize;
                if let Some(c) = n.checked_sub(1).and_then(|i| out.get_mut(i)) {
                    let before = std::mem::replace(&mut c.text, text());
                    c.earlier.push(before);
                    c.edited = Some(e.at);
                }
            }
            _ => {}
        }
    }
    out
}

fn check(text: &str) -> Result<String, DomainError> {
    let text = text.trim_end();
    let text = text.trim_start_matches(['\n', '\r']);
    if text.trim().is_empty() {
        return Err(DomainError::invalid(
            "a comment needs some words: write them, or `-` to read them from standard input",
        ));
    }
    let n = text.chars().count();
    if n > MAX_COMMENT {
        return Err(DomainError::invalid(format!(
            "the comment is {n} characters long: keep it to {MAX_COMMENT} (link a longer log instead)"
        )));
    }
    Ok(text.to_string())
}

/// A comment added to `subject`, whose thread holds `count` comments: anyone on the board, the
/// automation included (a CI job posts what it saw).
pub fn add(
    subject: &Subject,
    count: usize,
    text: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(Comment, Event), DomainError> {
    let text = check(text)?;
    let n = count as u32 + 1;
    let e = Event::new(now, &actor.name, subject.entity(), subject.id(), ADD)
        .details(json!({ "n": n, "text": text }));
    let c = Comment {
        n,
        author: actor.name.clone(),
        at: now,
        text,
        edited: None,
        earlier: Vec::new(),
    };
    Ok((c, e))
}

/// A new version of comment `n` of a thread: only its author writes one, and the old text is
/// kept.
pub fn edit(
    subject: &Subject,
    thread: &[Comment],
    n: u32,
    text: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(Comment, Event), DomainError> {
    let Some(old) = n.checked_sub(1).and_then(|i| thread.get(i as usize)) else {
        return Err(DomainError::invalid(format!(
            "{subject} has no comment {n}: it has {} (see `firebreak comment list {subject}`)",
            thread.len()
        )));
    };
    if old.author != actor.name {
        return Err(DomainError::not_allowed(
            "own-words",
            format!(
                "comment {n} on {subject} is {}'s: only its author edits it; add a comment of your own",
                old.author
            ),
        ));
    }
    let text = check(text)?;
    if text == old.text {
        return Err(DomainError::invalid(format!(
            "comment {n} on {subject} says that already: nothing to change"
        )));
    }
    let e = Event::new(now, &actor.name, subject.entity(), subject.id(), EDIT)
        .details(json!({ "n": n, "text": text }));
    let mut c = old.clone();
    c.earlier.push(std::mem::replace(&mut c.text, text));
    c.edited = Some(now);
    Ok((c, e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Role;
    use chrono::TimeZone;

    fn at(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 1, h, 0, 0).unwrap()
    }

    fn who(name: &str) -> Actor {
        Actor {
            name: name.into(),
            roles: vec![Role::AmsEngineer],
            automation: false,
        }
    }

    #[test]
    fn subjects_read_as_the_user_writes_them() {
        assert_eq!(Subject::parse("FB-12").unwrap(), Subject::Item(ItemId(12)));
        assert_eq!(Subject::parse("12").unwrap(), Subject::Item(ItemId(12)));
        assert_eq!(
            Subject::parse("inc-3").unwrap(),
            Subject::Incident("INC-3".into())
        );
        assert_eq!(
            Subject::parse("PRB-1").unwrap(),
            Subject::Problem("PRB-1".into())
        );
        assert_eq!(
            Subject::parse("1.1.0").unwrap(),
            Subject::Release("1.1.0".into())
        );
        for bad in ["", "hello", "INC-", "rm -rf /", "1.0\u{202e}"] {
            assert_eq!(Subject::parse(bad).unwrap_err().exit_code(), 2, "{bad:?}");
        }
        let s = Subject::Incident("INC-3".into());
        assert_eq!((s.entity(), s.id()), ("incident", "INC-3".to_string()));
    }

    #[test]
    fn a_thread_keeps_every_version_and_only_the_author_edits() {
        let s = Subject::Incident("INC-3".into());
        let (_, first) = add(
            &s,
            0,
            "tried the fix on preprod,\nstill slow\n\n",
            &who("sam"),
            at(9),
        )
        .unwrap();
        let (_, second) = add(&s, 1, "**logs** attached", &who("lee"), at(10)).unwrap();
        let before = thread(&[first.clone(), second.clone()]);
        assert_eq!(before.len(), 2);
        assert_eq!(before[0].text, "tried the fix on preprod,\nstill slow");
        assert_eq!(before[1].n, 2);
        assert!(
            edit(&s, &before, 1, "x", &who("lee"), at(11)).is_err(),
            "not lee's"
        );
        assert!(
            edit(&s, &before, 3, "x", &who("sam"), at(11)).is_err(),
            "no comment 3"
        );
        assert!(edit(&s, &before, 1, before[0].text.as_str(), &who("sam"), at(11)).is_err());
        let (edited, e) = edit(&s, &before, 1, "fixed on preprod", &who("sam"), at(11)).unwrap();
        assert_eq!(edited.earlier, ["tried the fix on preprod,\nstill slow"]);
        let after = thread(&[first, second, e]);
        assert_eq!(after[0].text, "fixed on preprod");
        assert_eq!(after[0].edited, Some(at(11)));
        assert_eq!(after[0].at, at(9), "it keeps when it was written");
        assert_eq!(after[0].earlier.len(), 1);
    }

    #[test]
    fn empty_and_overlong_comments_are_refused() {
        let s = Subject::Item(ItemId(1));
        assert!(add(&s, 0, " \n\t ", &who("sam"), at(9)).is_err());
        let long = "x".repeat(MAX_COMMENT + 1);
        let err = add(&s, 0, &long, &who("sam"), at(9)).unwrap_err();
        assert!(err.to_string().contains("keep it to 20000"), "{err}");
        assert!(add(&s, 0, &"é".repeat(MAX_COMMENT), &who("sam"), at(9)).is_ok());
    }
}
