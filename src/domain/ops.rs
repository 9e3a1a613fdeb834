//! The operations perspective in delivery (issue 7): a delivery story that touches operations
//! is flagged, carries operational acceptance criteria, and is not approved until an AMS
//! engineer other than its assignee has reviewed it. The reviews then stand as evidence on the
//! project's handover.

use super::error::DomainError;
use super::event::Event;
use super::item::Item;
use super::policy::{Actor, FLAG_A_STORY_FOR_OPERATIONS, RECORD_AN_OPERATIONS_REVIEW};
use super::vocab::{Kind, State, Team, vocabulary};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

vocabulary!(
    /// What a story changes for the people who run the service.
    Concern ("concern") {
        Alerts = "alerts", Schema = "schema", Dependency = "dependency", Runbook = "runbook",
    }
);

impl Concern {
    /// The handover checklist items this concern is evidence for.
    pub fn handover_keys(self) -> &'static [&'static str] {
        match self {
            Concern::Alerts => &["monitoring", "runbooks"],
            Concern::Schema => &["runbooks"],
            Concern::Dependency => &["known-errors", "monitoring"],
            Concern::Runbook => &["runbooks"],
        }
    }
}

/// A story's operations flag and, once recorded, its review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpsReview {
    pub item: super::ItemId,
    pub concerns: Vec<Concern>,
    /// The operational acceptance criteria: what the live service needs from the story.
    pub criteria: String,
    pub flagged_by: String,
    pub flagged: DateTime<Utc>,
    pub reviewer: Option<String>,
    pub reviewed: Option<DateTime<Utc>>,
    #[serde(default)]
    pub note: String,
}

impl OpsReview {
    pub fn is_reviewed(&self) -> bool {
        self.reviewed.is_some()
    }

    /// Its concerns as words: "alerts, schema".
    pub fn concerns_text(&self) -> String {
        let words: Vec<&str> = self.concerns.iter().map(|c| c.as_str()).collect();
        words.join(", ")
    }
}

fn closed(item: &Item) -> bool {
    matches!(item.state, State::Done | State::Released | State::Cancelled)
}

/// Flags a delivery story as touching operations, with what it touches and, optionally, its
/// operational acceptance criteria. Flagging again adds concerns and rewrites the criteria; a
/// reviewed story flagged again needs its review again.
pub fn flag(
    item: &Item,
    current: Option<&OpsReview>,
    concerns: &[Concern],
    criteria: Option<&str>,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(OpsReview, Event), DomainError> {
    actor.may(&FLAG_A_STORY_FOR_OPERATIONS)?;
    if !matches!(item.kind, Kind::Story | Kind::Enhancement) || item.team != Some(Team::Appdev) {
        return Err(DomainError::illegal(format!(
            "{} is not a delivery story: the operations review is for the delivery team's stories and enhancements (the maintenance team runs its own work)",
            item.id
        )));
    }
    if closed(item) {
        return Err(DomainError::illegal(format!(
            "{} is {}: flag stories before they are done",
            item.id, item.state
        )));
    }
    if concerns.is_empty() && current.is_none() {
        return Err(DomainError::invalid(
            "say what it touches: --concern alerts, schema, dependency or runbook",
        ));
    }
    let mut review = current.cloned().unwrap_or(OpsReview {
        item: item.id,
        concerns: Vec::new(),
        criteria: String::new(),
        flagged_by: actor.name.clone(),
        flagged: now,
        reviewer: None,
        reviewed: None,
        note: String::new(),
    });
    for c in concerns {
        if !review.concerns.contains(c) {
            review.concerns.push(*c);
        }
    }
    if let Some(text) = criteria {
        review.criteria = text.trim().to_string();
    }
    // What was reviewed has changed: it needs a review again.
    review.reviewer = None;
    review.reviewed = None;
    let e = Event::new(now, &actor.name, "item", item.id.to_string(), "ops-flag")
        .details(serde_json::json!({ "concerns": review.concerns, "criteria": review.criteria }));
    Ok((review, e))
}

/// An AMS engineer, not the story's assignee, records the operations review: the criteria
/// (written or amended here, or as the team wrote them) and a note.
pub fn review(
    item: &Item,
    current: Option<&OpsReview>,
    criteria: Option<&str>,
    note: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(OpsReview, Event), DomainError> {
    actor.may(&RECORD_AN_OPERATIONS_REVIEW)?;
    let Some(current) = current else {
        return Err(DomainError::illegal(format!(
            "{} is not flagged for operations: flag it first (`firebreak item flag-ops {}`)",
            item.id, item.id
        )));
    };
    if item.assignee.as_deref() == Some(actor.name.as_str()) {
        return Err(DomainError::not_allowed(
            "ops-review",
            format!(
                "{} works on {}: another AMS engineer reviews it",
                actor.name, item.id
            ),
        ));
    }
    if closed(item) {
        return Err(DomainError::illegal(format!(
            "{} is {}: the review comes before approval",
            item.id, item.state
        )));
    }
    let mut next = current.clone();
    if let Some(text) = criteria {
        next.criteria = text.trim().to_string();
    }
    if next.criteria.is_empty() {
        return Err(DomainError::invalid(
            "write its operational acceptance criteria: --criteria TEXT (what the live service needs from it)",
        ));
    }
    next.reviewer = Some(actor.name.clone());
    next.reviewed = Some(now);
    next.note = note.trim().to_string();
    let e = Event::new(now, &actor.name, "item", item.id.to_string(), "ops-review")
        .details(serde_json::json!({ "criteria": next.criteria, "note": next.note }));
    Ok((next, e))
}

/// Approval of a flagged story waits for its operations review.
pub fn may_approve(item: &Item, review: Option<&OpsReview>) -> Result<(), DomainError> {
    match review {
        Some(r) if !r.is_reviewed() => Err(DomainError::not_allowed(
            "ops-review",
            format!(
                "{} touches operations ({}): an AMS engineer other than its assignee records the operations review before it is approved (`firebreak item review-ops {}`, or the review queue on the Kanban tab)",
                item.id,
                r.concerns_text(),
                item.id
            ),
        )),
        _ => Ok(()),
    }
}

/// The recorded reviews that are evidence for a handover checklist item (by its key), one
/// line each: the story, what it touches, who reviewed it and the criteria.
pub fn evidence_for(key: &str, reviews: &[(OpsReview, String)]) -> Vec<String> {
    reviews
        .iter()
        .filter(|(r, _)| r.is_reviewed())
        .filter(|(r, _)| r.concerns.iter().any(|c| c.handover_keys().contains(&key)))
        .map(|(r, title)| {
            format!(
                "{} {title} ({}), reviewed by {}: {}",
                r.item,
                r.concerns_text(),
                r.reviewer.as_deref().unwrap_or("-"),
                r.criteria
            )
        })
        .collect()
}

/// The stories waiting for an operations review, oldest flag first.
pub fn queue<'a>(reviews: impl IntoIterator<Item = &'a OpsReview>) -> Vec<&'a OpsReview> {
    let mut q: Vec<&OpsReview> = reviews.into_iter().filter(|r| !r.is_reviewed()).collect();
    q.sort_by_key(|r| (r.flagged, r.item));
    q
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::item::NewItem;
    use crate::domain::{ItemId, Role};
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap()
    }
    fn who(name: &str, role: Role) -> Actor {
        Actor {
            name: name.into(),
            roles: vec![role],
            automation: false,
        }
    }
    fn story() -> Item {
        let mut new = NewItem::titled("Renewal reminders by text");
        new.team = Some(Team::Appdev);
        new.project = "permits".into();
        let (mut item, _) = crate::domain::item::create(
            new,
            ItemId(12),
            "m".into(),
            &who("priya", Role::ProductOwner),
            now(),
        )
        .unwrap();
        item.state = State::Review;
        item.assignee = Some("sam".into());
        item
    }

    #[test]
    fn a_flagged_story_is_approved_only_after_an_ams_engineer_not_its_assignee_reviews_it() {
        let tom = who("tom", Role::Developer);
        let (flagged, e) = flag(&story(), None, &[Concern::Alerts], None, &tom, now()).unwrap();
        assert_eq!(e.action, "ops-flag");
        let refused = may_approve(&story(), Some(&flagged)).unwrap_err();
        assert!(
            refused.to_string().contains("touches operations (alerts)"),
            "{refused}"
        );
        // Its assignee may not review it, nor may someone outside the maintenance team.
        let own = review(
            &story(),
            Some(&flagged),
            Some("x"),
            "",
            &who("sam", Role::AmsEngineer),
            now(),
        );
        assert!(
            own.unwrap_err()
                .to_string()
                .contains("another AMS engineer")
        );
        assert!(review(&story(), Some(&flagged), Some("x"), "", &tom, now()).is_err());
        assert!(
            review(
                &story(),
                Some(&flagged),
                Some("x"),
                "",
                &Actor::automation(),
                now()
            )
            .is_err()
        );
        // Criteria are needed.
        let lee = who("lee", Role::AmsEngineer);
        let blank = review(&story(), Some(&flagged), None, "", &lee, now()).unwrap_err();
        assert!(blank.to_string().contains("--criteria"), "{blank}");
        let (done, e) = review(
            &story(),
            Some(&flagged),
            Some("an alert pages on-call when texts fail for 5 minutes"),
            "runbook section added",
            &lee,
            now(),
        )
        .unwrap();
        assert_eq!(e.action, "ops-review");
        assert_eq!(done.reviewer.as_deref(), Some("lee"));
        assert!(may_approve(&story(), Some(&done)).is_ok());
        assert!(
            may_approve(&story(), None).is_ok(),
            "an unflagged story is not held"
        );
        // A new concern after the review needs the review again.
        let (again, _) =
            flag(&story(), Some(&done), &[Concern::Schema], None, &tom, now()).unwrap();
        assert_eq!(again.concerns, vec![Concern::Alerts, Concern::Schema]);
        assert!(may_approve(&story(), Some(&again)).is_err());
        assert_eq!(queue([&done, &again]).len(), 1);
    }

    #[test]
    fn reviewed_stories_are_evidence_for_the_handover_items_they_touch() {
        let lee = who("lee", Role::AmsEngineer);
        let tom = who("tom", Role::Developer);
        let (alerts, _) = flag(
            &story(),
            None,
            &[Concern::Alerts],
            Some("pages on-call"),
            &tom,
            now(),
        )
        .unwrap();
        let (alerts, _) = review(&story(), Some(&alerts), None, "", &lee, now()).unwrap();
        let (waiting, _) = flag(
            &story(),
            None,
            &[Concern::Dependency],
            Some("x"),
            &tom,
            now(),
        )
        .unwrap();
        let reviews = vec![
            (alerts, "Reminders".to_string()),
            (waiting, "Search".to_string()),
        ];
        assert_eq!(
            evidence_for("monitoring", &reviews),
            vec!["FB-12 Reminders (alerts), reviewed by lee: pages on-call".to_string()]
        );
        assert_eq!(evidence_for("runbooks", &reviews).len(), 1);
        assert!(
            evidence_for("known-errors", &reviews).is_empty(),
            "not reviewed yet"
        );
        assert!(evidence_for("security", &reviews).is_empty());
    }

    #[test]
    fn only_open_delivery_stories_are_flagged() {
        let tom = who("tom", Role::Developer);
        let mut defect = story();
        defect.kind = Kind::Defect;
        assert!(flag(&defect, None, &[Concern::Alerts], None, &tom, now()).is_err());
        let mut ams = story();
        ams.team = Some(Team::Ams);
        assert!(flag(&ams, None, &[Concern::Alerts], None, &tom, now()).is_err());
        let mut done = story();
        done.state = State::Done;
        assert!(flag(&done, None, &[Concern::Alerts], None, &tom, now()).is_err());
        assert!(flag(&story(), None, &[], None, &tom, now()).is_err());
        let tester = who("grace", Role::Tester);
        assert!(flag(&story(), None, &[Concern::Alerts], None, &tester, now()).is_err());
    }
}
