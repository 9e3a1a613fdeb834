//! Handover to service management (domain.md 3.6): a delivery project's checklist, built from a
//! template; the delivery team submits evidence, a service manager who is not the submitter
//! accepts, rejects or waives; the handover's state follows from its mandatory items.

use super::error::DomainError;
use super::event::Event;
use super::policy::Actor;
use super::vocab::vocabulary;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;

vocabulary!(
    /// Where a project's handover stands.
    HandoverState ("handover state") {
        NotStarted = "not-started", InProgress = "in-progress",
        ConditionallyAccepted = "conditionally-accepted", Accepted = "accepted",
    }
);

vocabulary!(
    /// Where one checklist item stands.
    CheckState ("check state") {
        Pending = "pending", Submitted = "submitted", Accepted = "accepted",
        Rejected = "rejected", Waived = "waived",
    }
);

/// One line of a template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateItem {
    pub key: String,
    pub title: String,
    pub why: String,
    pub evidence: String,
    #[serde(default = "yes")]
    pub mandatory: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    #[serde(rename = "item")]
    pub items: Vec<TemplateItem>,
}

impl Template {
    pub fn parse(text: &str) -> Result<Template, DomainError> {
        let t: Template = toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
            DomainError::invalid(format!(
                "the handover template is malformed{}: {}",
                line.map_or(String::new(), |l| format!(" at line {l}")),
                e.message()
            ))
        })?;
        let mut keys = std::collections::HashSet::new();
        if t.items.is_empty() {
            return Err(DomainError::invalid(
                "the handover template has no [[item]]",
            ));
        }
        for i in &t.items {
            if i.key.is_empty() || !keys.insert(i.key.as_str()) {
                return Err(DomainError::invalid(format!(
                    "the handover template names item '{}' twice, or not at all",
                    i.key
                )));
            }
        }
        Ok(t)
    }

    /// The template the board ships with.
    pub fn standard() -> Template {
        Template::parse(include_str!("../../assets/handover.toml"))
            .unwrap_or(Template { items: vec![] })
    }
}

/// One item of a project's checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    pub key: String,
    pub title: String,
    pub why: String,
    pub expected: String,
    pub mandatory: bool,
    pub state: CheckState,
    pub evidence: Option<String>,
    pub submitter: Option<String>,
    pub acceptor: Option<String>,
    /// Why it was rejected or waived.
    pub reason: Option<String>,
    /// A waived item must be closed by then, during hypercare.
    pub until: Option<NaiveDate>,
    /// The operations reviews of the project's stories that speak to this item: where its
    /// evidence starts from.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reviews: Vec<String>,
    /// The id of its last event: what a decision taken from a screen says it saw.
    #[serde(default)]
    pub revision: i64,
}

impl Check {
    pub fn from_template(t: &TemplateItem) -> Check {
        Check {
            key: t.key.clone(),
            title: t.title.clone(),
            why: t.why.clone(),
            expected: t.evidence.clone(),
            mandatory: t.mandatory,
            state: CheckState::Pending,
            evidence: None,
            submitter: None,
            acceptor: None,
            reason: None,
            until: None,
            reviews: Vec::new(),
            revision: 0,
        }
    }
}

/// The handover's state, from its checks: accepted when every mandatory item is accepted,
/// conditionally accepted when the rest of them are waived.
pub fn overall(started: bool, checks: &[Check]) -> HandoverState {
    if !started {
        return HandoverState::NotStarted;
    }
    let mandatory: Vec<&Check> = checks.iter().filter(|c| c.mandatory).collect();
    if mandatory.iter().all(|c| c.state == CheckState::Accepted) {
        HandoverState::Accepted
    } else if mandatory
        .iter()
        .all(|c| matches!(c.state, CheckState::Accepted | CheckState::Waived))
    {
        HandoverState::ConditionallyAccepted
    } else {
        HandoverState::InProgress
    }
}

/// The mandatory items that stand between the handover and acceptance.
pub fn open(checks: &[Check]) -> Vec<&Check> {
    checks
        .iter()
        .filter(|c| c.mandatory && !matches!(c.state, CheckState::Accepted | CheckState::Waived))
        .collect()
}

/// A project's handover as the board shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Handover {
    pub project: String,
    pub state: HandoverState,
    pub started: Option<DateTime<Utc>>,
    pub checks: Vec<Check>,
}

impl Handover {
    /// The titles of the mandatory items still open.
    pub fn open(&self) -> Vec<String> {
        if self.state == HandoverState::NotStarted {
            return vec!["the whole checklist (not started)".into()];
        }
        open(&self.checks).iter().map(|c| c.title.clone()).collect()
    }
}

/// Starting needs a release of the project to have reached pre-production.
pub fn start(
    project: &str,
    reached_preprod: bool,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Event, DomainError> {
    actor.may(&crate::domain::policy::START_A_HANDOVER)?;
    if !reached_preprod {
        return Err(DomainError::illegal(format!(
            "no release of {project} has reached pre-production yet: the handover starts once one has"
        )));
    }
    Ok(Event::new(now, &actor.name, "handover", project, "start")
        .from_to("not-started", "in-progress"))
}

/// What is done to a check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Act {
    Submit { evidence: String },
    Accept,
    Reject { reason: String },
    Waive { reason: String, until: NaiveDate },
}

impl Act {
    fn name(&self) -> &'static str {
        match self {
            Act::Submit { .. } => "submit",
            Act::Accept => "accept",
            Act::Reject { .. } => "reject",
            Act::Waive { .. } => "waive",
        }
    }
}

/// Applies an act to a check: the delivery team submits; a service manager who is not the
/// submitter accepts, rejects or waives.
pub fn act(
    project: &str,
    check: &Check,
    act: &Act,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(Check, Event), DomainError> {
    let mut next = check.clone();
    let illegal = |why: &str| {
        DomainError::illegal(format!(
            "{} of {project} is {}: {why}",
            check.title, check.state
        ))
    };
    match act {
        Act::Submit { evidence } => {
            actor.may(&crate::domain::policy::SUBMIT_HANDOVER_EVIDENCE)?;
            if !matches!(
                check.state,
                CheckState::Pending | CheckState::Rejected | CheckState::Waived
            ) {
                return Err(illegal(
                    "only pending, rejected or waived items take new evidence",
                ));
            }
            if evidence.trim().is_empty() {
                return Err(DomainError::invalid(
                    "evidence is needed: text or a link, with --evidence",
                ));
            }
            next.state = CheckState::Submitted;
            next.evidence = Some(evidence.trim().to_string());
            next.submitter = Some(actor.name.clone());
            next.acceptor = None;
            next.reason = None;
        }
        Act::Accept | Act::Reject { .. } | Act::Waive { .. } => {
            actor.may(&crate::domain::policy::ACCEPT_REJECT_OR_WAIVE_HANDOVER_ITEMS)?;
            if check.submitter.as_deref() == Some(actor.name.as_str()) {
                return Err(DomainError::not_allowed(
                    "no-self-approval",
                    format!(
                        "{} submitted {}: a service manager who did not submit it decides",
                        actor.name, check.title
                    ),
                ));
            }
            match act {
                Act::Accept if check.state != CheckState::Submitted => {
                    return Err(illegal("only submitted items are accepted"));
                }
                Act::Reject { .. } if check.state != CheckState::Submitted => {
                    return Err(illegal("only submitted items are rejected"));
                }
                Act::Waive { .. } if check.state == CheckState::Accepted => {
                    return Err(illegal("it is accepted already"));
                }
                _ => {}
            }
            next.acceptor = Some(actor.name.clone());
            match act {
                Act::Accept => next.state = CheckState::Accepted,
                Act::Reject { reason } => {
                    need(reason)?;
                    next.state = CheckState::Rejected;
                    next.reason = Some(reason.trim().to_string());
                }
                Act::Waive { reason, until } => {
                    need(reason)?;
                    if *until < now.date_naive() {
                        return Err(DomainError::invalid(format!(
                            "{until} is past: a waiver closes on a date to come"
                        )));
                    }
                    next.state = CheckState::Waived;
                    next.reason = Some(reason.trim().to_string());
                    next.until = Some(*until);
                }
                Act::Submit { .. } => {}
            }
        }
    }
    let event = Event::new(now, &actor.name, "handover", project, act.name())
        .from_to(check.state.as_str(), next.state.as_str())
        .reason(
            next.reason
                .as_deref()
                .filter(|_| matches!(act, Act::Reject { .. } | Act::Waive { .. })),
        )
        .details(json!({ "item": check.key, "evidence": next.evidence, "until": next.until }));
    Ok((next, event))
}

fn need(reason: &str) -> Result<(), DomainError> {
    if reason.trim().is_empty() {
        return Err(DomainError::invalid("a reason is needed: add --reason"));
    }
    Ok(())
}

#[cfg(test)]
#[path = "handover_tests.rs"]
mod tests;
