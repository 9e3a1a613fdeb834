//! Sprints of a delivery project (domain.md 3.3): future, active, closed; the commitment
//! snapshotted at the start; the burndown and the velocity, from the audit trail.

use super::error::DomainError;
use super::event::Event;
use super::item::Item;
use super::policy::Actor;
use super::project::Project;
use super::vocab::{ProjectKind, State, vocabulary};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

vocabulary!(
    /// Where a sprint stands.
    SprintState ("sprint state") { Future = "future", Active = "active", Closed = "closed" }
);

/// What a sprint committed to when it started.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Commitment {
    pub items: Vec<String>,
    pub points: u32,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sprint {
    pub name: String,
    pub project: String,
    pub goal: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub state: SprintState,
    pub commitment: Option<Commitment>,
    /// Points done when it closed.
    pub completed: Option<u32>,
}

fn event(actor: &Actor, now: DateTime<Utc>, sprint: &str, action: &str) -> Event {
    Event::new(now, &actor.name, "sprint", sprint, action)
}

/// A new sprint of a delivery project.
pub fn create(
    name: &str,
    project: &Project,
    goal: &str,
    start: NaiveDate,
    end: NaiveDate,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(Sprint, Event), DomainError> {
    actor.may(&crate::domain::policy::ADD_A_SPRINT)?;
    if name.trim().is_empty() || name.chars().count() > 40 || name.chars().any(char::is_control) {
        return Err(DomainError::invalid(
            "a sprint needs a name of one line and up to 40 characters",
        ));
    }
    if project.kind != ProjectKind::Delivery {
        return Err(DomainError::invalid(format!(
            "{} is the maintenance team's project, worked in Kanban: sprints belong to delivery projects",
            project.name
        )));
    }
    if end < start {
        return Err(DomainError::invalid(format!(
            "the sprint ends ({end}) before it starts ({start}): swap the dates"
        )));
    }
    if end - start > Duration::days(42) {
        return Err(DomainError::invalid(
            "a sprint of more than six weeks is not a sprint: split it",
        ));
    }
    let sprint = Sprint {
        name: name.trim().to_string(),
        project: project.name.clone(),
        goal: goal.trim().to_string(),
        start,
        end,
        state: SprintState::Future,
        commitment: None,
        completed: None,
    };
    let e = event(actor, now, &sprint.name, "create").from_to("", "future").details(
        serde_json::json!({ "project": sprint.project, "start": start, "end": end, "goal": sprint.goal }),
    );
    Ok((sprint, e))
}

/// Items may be planned into a sprint that is not closed.
pub fn check_open(sprint: &Sprint) -> Result<(), DomainError> {
    if sprint.state == SprintState::Closed {
        return Err(DomainError::illegal(format!(
            "{} is closed: plan into a future or the active sprint",
            sprint.name
        )));
    }
    Ok(())
}

/// Work in a sprint starts once the sprint has.
pub fn check_active(sprint: &Sprint) -> Result<(), DomainError> {
    if sprint.state != SprintState::Active {
        return Err(DomainError::illegal(format!(
            "{} is {}: start the sprint before its work",
            sprint.name, sprint.state
        )));
    }
    Ok(())
}

/// The sprint must be in `state` for the actor to do `doing` to it.
fn guard(
    sprint: &Sprint,
    state: SprintState,
    actor: &Actor,
    doing: &str,
    only: &str,
) -> Result<(), DomainError> {
    let duty = &super::policy::RUN_A_SPRINT;
    actor.require(duty.roles, duty.rule, doing)?;
    if sprint.state != state {
        return Err(DomainError::illegal(format!(
            "{} is {}: {only}",
            sprint.name, sprint.state
        )));
    }
    Ok(())
}

/// Starts a sprint: one active per project; the commitment is what is planned into it now.
pub fn start(
    sprint: &Sprint,
    active: Option<&str>,
    planned: &[&Item],
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(Sprint, Event), DomainError> {
    guard(
        sprint,
        SprintState::Future,
        actor,
        "start a sprint",
        "only a future sprint starts",
    )?;
    if let Some(other) = active {
        return Err(DomainError::illegal(format!(
            "{other} is still active in {}: complete it before starting {}",
            sprint.project, sprint.name
        )));
    }
    let commitment = Commitment {
        items: planned.iter().map(|i| i.id.to_string()).collect(),
        points: planned.iter().filter_map(|i| i.points).sum(),
        at: now,
    };
    let mut next = sprint.clone();
    next.state = SprintState::Active;
    let e = event(actor, now, &sprint.name, "start")
        .from_to("future", "active")
        .details(serde_json::json!({ "items": commitment.items, "points": commitment.points }));
    next.commitment = Some(commitment);
    Ok((next, e))
}

/// Where a completed sprint's unfinished items go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Carry {
    Backlog,
    Next,
}

/// Completes the active sprint, recording the points done.
pub fn complete(
    sprint: &Sprint,
    items: &[&Item],
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(Sprint, Event), DomainError> {
    guard(
        sprint,
        SprintState::Active,
        actor,
        "complete a sprint",
        "only the active sprint is completed",
    )?;
    let done: u32 = items
        .iter()
        .filter(|i| matches!(i.state, State::Done | State::Released))
        .filter_map(|i| i.points)
        .sum();
    let mut next = sprint.clone();
    next.state = SprintState::Closed;
    next.completed = Some(done);
    let unfinished: Vec<String> = items
        .iter()
        .filter(|i| !matches!(i.state, State::Done | State::Released))
        .map(|i| i.id.to_string())
        .collect();
    let e = event(actor, now, &sprint.name, "complete")
        .from_to("active", "closed")
        .details(serde_json::json!({ "points_done": done, "unfinished": unfinished }));
    Ok((next, e))
}

/// Velocity: the mean points completed by the last `n` closed sprints.
pub fn velocity(closed: &[&Sprint], n: usize) -> Option<f64> {
    let mut done: Vec<&Sprint> = closed
        .iter()
        .copied()
        .filter(|s| s.completed.is_some())
        .collect();
    done.sort_by_key(|s| s.end);
    let last: Vec<u32> = done
        .iter()
        .rev()
        .take(n)
        .filter_map(|s| s.completed)
        .collect();
    (!last.is_empty()).then(|| f64::from(last.iter().sum::<u32>()) / last.len() as f64)
}

/// The sprint to show first: an active one, else the next to come, else the latest closed.
pub fn default_sprint(sprints: &[Sprint]) -> Option<String> {
    let by = |state| sprints.iter().filter(move |s: &&Sprint| s.state == state);
    by(SprintState::Active)
        .next()
        .or_else(|| by(SprintState::Future).min_by_key(|s| s.start))
        .or_else(|| by(SprintState::Closed).max_by_key(|s| s.end))
        .map(|s| s.name.clone())
}

/// The sprint an item of `project` is planned into: its active sprint, else its next one.
pub fn open_sprint<'a>(sprints: &'a [Sprint], project: &str) -> Option<&'a Sprint> {
    let of = |state| {
        sprints
            .iter()
            .filter(move |s: &&Sprint| s.project == project && s.state == state)
    };
    of(SprintState::Active)
        .next()
        .or_else(|| of(SprintState::Future).min_by_key(|s| s.start))
}

#[cfg(test)]
#[path = "sprint_tests.rs"]
mod tests;
