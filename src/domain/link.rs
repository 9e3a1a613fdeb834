//! Links: to the outside (a merge request, a dashboard, a runbook) on an item, an incident, a
//! problem or a release; and between items (one blocks, relates to or duplicates another),
//! shown from both sides. Each is an event of its record (an item link one on each item), so
//! the audit trail and the export carry them, and a record's links are read from its events.

use super::comment::Subject;
use super::error::DomainError;
use super::event::Event;
use super::ids::ItemId;
use super::policy::Actor;
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::json;

pub const LINK: &str = "link";
pub const UNLINK: &str = "unlink";

/// The longest URL kept, in characters.
pub const MAX_URL: usize = 2_000;

super::vocab::vocabulary!(
    /// How one item stands to another.
    Relation ("relation") { Blocks = "blocks", Relates = "relates", Duplicates = "duplicates" }
);

impl Relation {
    /// How the link reads from the item it points at: "is blocked by FB-1".
    pub fn inverse(self) -> &'static str {
        match self {
            Relation::Blocks => "is blocked by",
            Relation::Relates => "relates to",
            Relation::Duplicates => "is duplicated by",
        }
    }

    /// How it reads from the item that made it: "blocks FB-2".
    pub fn forward(self) -> &'static str {
        match self {
            Relation::Blocks => "blocks",
            Relation::Relates => "relates to",
            Relation::Duplicates => "duplicates",
        }
    }
}

/// A link to the outside.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WebLink {
    pub url: String,
    pub title: Option<String>,
    pub by: String,
    pub at: DateTime<Utc>,
}

/// A link between two items, as one of them sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemLink {
    pub relation: Relation,
    pub other: ItemId,
    /// Whether this item made it ("blocks FB-2") or is its target ("is blocked by FB-1").
    pub forward: bool,
}

impl ItemLink {
    /// "blocks FB-2", "is blocked by FB-1".
    pub fn phrase(&self) -> String {
        let how = if self.forward {
            self.relation.forward()
        } else {
            self.relation.inverse()
        };
        format!("{how} {}", self.other)
    }
}

/// A record's links, from its events, in the order they were made.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Links {
    pub web: Vec<WebLink>,
    pub items: Vec<ItemLink>,
}

impl Links {
    pub fn is_empty(&self) -> bool {
        self.web.is_empty() && self.items.is_empty()
    }
}

/// A record's links from its events.
pub fn fold(events: &[Event]) -> Links {
    let mut out = Links::default();
    for e in events {
        let adding = match e.action.as_str() {
            LINK => true,
            UNLINK => false,
            _ => continue,
        };
        let d = &e.details;
        if let Some(url) = d["url"].as_str() {
            out.web.retain(|w| w.url != url);
            if adding {
                out.web.push(WebLink {
                    url: url.to_string(),
                    title: d["title"].as_str().map(str::to_string),
                    by: e.actor.clone(),
                    at: e.at,
                });
            }
        } else if let (Some(rel), Some(other)) = (
            d["relation"]
                .as_str()
                .and_then(|r| r.parse::<Relation>().ok()),
            d["item"].as_str().and_then(|i| i.parse::<ItemId>().ok()),
        ) {
            let link = ItemLink {
                relation: rel,
                other,
                forward: d["forward"].as_bool().unwrap_or(true),
            };
            out.items.retain(|l| *l != link);
            if adding {
                out.items.push(link);
            }
        }
    }
    out
}

/// A URL kept as given: http or https, one line, no spaces.
pub fn check_url(url: &str) -> Result<String, DomainError> {
    let u = url.trim();
    let scheme = u
        .split_once("://")
        .map(|(s, _)| s.to_ascii_lowercase())
        .unwrap_or_default();
    let ok = matches!(scheme.as_str(), "http" | "https")
        && u.len() > scheme.len() + 3
        && u.chars().count() <= MAX_URL
        && !u
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '"');
    if ok {
        Ok(u.to_string())
    } else {
        Err(DomainError::invalid(format!(
            "'{}' is not a link to follow: give an http or https URL of one line, without spaces",
            super::text::safe_line(&u.chars().take(80).collect::<String>())
        )))
    }
}

/// A link to the outside added to a record; the same URL again is refused.
pub fn add_web(
    subject: &Subject,
    current: &Links,
    url: &str,
    title: Option<&str>,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(WebLink, Event), DomainError> {
    let url = check_url(url)?;
    let title = title.map(str::trim).filter(|t| !t.is_empty());
    if let Some(t) = title
        && (t.chars().count() > 200 || t.contains(['\n', '\r']))
    {
        return Err(DomainError::invalid(
            "a link's title is one line of at most 200 characters",
        ));
    }
    if current.web.iter().any(|w| w.url == url) {
        return Err(DomainError::invalid(format!(
            "{subject} links to {url} already"
        )));
    }
    let e = Event::new(now, &actor.name, subject.entity(), subject.id(), LINK)
        .details(json!({ "url": url, "title": title }));
    let link = WebLink {
        url,
        title: title.map(str::to_string),
        by: actor.name.clone(),
        at: now,
    };
    Ok((link, e))
}

/// A link to the outside taken off a record.
pub fn remove_web(
    subject: &Subject,
    current: &Links,
    url: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Event, DomainError> {
    let url = url.trim();
    if !current.web.iter().any(|w| w.url == url) {
        return Err(DomainError::invalid(format!(
            "{subject} has no link to {}",
            super::text::safe_line(url)
        )));
    }
    Ok(
        Event::new(now, &actor.name, subject.entity(), subject.id(), UNLINK)
            .details(json!({ "url": url })),
    )
}

/// Links item `a` to item `b` (`a` blocks, relates to or duplicates `b`): an event on each,
/// so that each shows it. Refused for an item and itself, or a link that is there already.
pub fn relate(
    a: ItemId,
    relation: Relation,
    b: ItemId,
    current: &Links,
    actor: &Actor,
    now: DateTime<Utc>,
    adding: bool,
) -> Result<(Event, Event), DomainError> {
    if a == b {
        return Err(DomainError::invalid(format!(
            "{a} cannot {} itself",
            relation.forward().trim_end_matches(" to")
        )));
    }
    let forward = ItemLink {
        relation,
        other: b,
        forward: true,
    };
    let there = current.items.contains(&forward);
    if adding && there {
        return Err(DomainError::invalid(format!(
            "{a} {} already",
            forward.phrase()
        )));
    }
    if !adding && !there {
        return Err(DomainError::invalid(format!(
            "{a} does not {} {b}",
            relation.forward()
        )));
    }
    let action = if adding { LINK } else { UNLINK };
    let on = |item: ItemId, other: ItemId, forward: bool| {
        Event::new(now, &actor.name, "item", item.to_string(), action).details(json!({
            "relation": relation, "item": other.to_string(), "forward": forward,
        }))
    };
    Ok((on(a, b, true), on(b, a, false)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn who() -> Actor {
        Actor {
            name: "tom".into(),
            roles: vec![crate::domain::Role::Developer],
            automation: false,
        }
    }

    fn at(m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 1, 9, m, 0).unwrap()
    }

    #[test]
    fn links_to_the_outside_are_http_urls_once_each_and_come_off_again() {
        let s = Subject::Item(ItemId(3));
        let mr = "https://gitlab.example/permits/-/merge_requests/42";
        let (_, e1) = add_web(&s, &Links::default(), mr, Some("MR !42"), &who(), at(0)).unwrap();
        let links = fold(std::slice::from_ref(&e1));
        assert_eq!(links.web[0].title.as_deref(), Some("MR !42"));
        assert!(
            add_web(&s, &links, mr, None, &who(), at(1)).is_err(),
            "once"
        );
        for bad in [
            "ftp://x",
            "javascript:alert(1)",
            "https://a b",
            "https://",
            "x",
        ] {
            assert_eq!(
                add_web(&s, &links, bad, None, &who(), at(1))
                    .unwrap_err()
                    .exit_code(),
                2,
                "{bad}"
            );
        }
        let e2 = remove_web(&s, &links, mr, &who(), at(2)).unwrap();
        assert!(fold(&[e1, e2]).is_empty());
        assert!(remove_web(&s, &links, "https://other", &who(), at(2)).is_err());
    }

    #[test]
    fn an_item_link_shows_from_both_sides_and_comes_off_from_both() {
        let (a, b) = (ItemId(1), ItemId(2));
        let (on_a, on_b) = relate(
            a,
            Relation::Blocks,
            b,
            &Links::default(),
            &who(),
            at(0),
            true,
        )
        .unwrap();
        let seen_from_a = fold(std::slice::from_ref(&on_a));
        let seen_from_b = fold(std::slice::from_ref(&on_b));
        assert_eq!(seen_from_a.items[0].phrase(), "blocks FB-2");
        assert_eq!(seen_from_b.items[0].phrase(), "is blocked by FB-1");
        assert!(relate(a, Relation::Blocks, b, &seen_from_a, &who(), at(1), true).is_err());
        assert!(
            relate(
                a,
                Relation::Relates,
                a,
                &Links::default(),
                &who(),
                at(1),
                true
            )
            .is_err()
        );
        let (off_a, off_b) =
            relate(a, Relation::Blocks, b, &seen_from_a, &who(), at(2), false).unwrap();
        assert!(fold(&[on_a, off_a]).is_empty());
        assert!(fold(&[on_b, off_b]).is_empty());
        assert!(
            relate(
                a,
                Relation::Duplicates,
                b,
                &Links::default(),
                &who(),
                at(3),
                false
            )
            .is_err()
        );
    }
}
