//! Incidents of the live service (domain.md 3.8): logged with a priority, worked, held, resolved
//! and closed; a service manager raises backlog tickets from them.

use super::error::DomainError;
use super::event::Event;
use super::policy::Actor;
use super::vocab::{Team, vocabulary};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;

vocabulary!(
    /// Where an incident stands.
    IncidentState ("incident state") {
        New = "new", InProgress = "in-progress", OnHold = "on-hold", Resolved = "resolved",
        Closed = "closed",
    }
);

impl IncidentState {
    /// How a sentence says it: "INC-3 is in progress", "INC-4 is on hold".
    pub fn phrase(self) -> &'static str {
        match self {
            IncidentState::New => "new",
            IncidentState::InProgress => "in progress",
            IncidentState::OnHold => "on hold",
            IncidentState::Resolved => "resolved",
            IncidentState::Closed => "closed",
        }
    }
}

vocabulary!(
    /// How bad it is: P1 is the worst.
    Priority ("priority") { P1 = "P1", P2 = "P2", P3 = "P3", P4 = "P4" }
);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Incident {
    /// `INC-n`.
    pub id: String,
    pub title: String,
    pub priority: Priority,
    pub project: String,
    pub release: Option<String>,
    /// Who works it: the delivery team during hypercare, else the maintenance team.
    pub team: Team,
    pub state: IncidentState,
    pub assignee: Option<String>,
    pub hold: Option<String>,
    pub opened: DateTime<Utc>,
    pub resolved: Option<DateTime<Utc>>,
    pub opened_by: String,
    /// The id of its last event: what a decision taken from a screen says it saw.
    #[serde(default)]
    pub revision: i64,
    /// The targets its project had when it was logged (its project's now, for one logged
    /// before they were kept).
    #[serde(default)]
    pub sla: Option<super::sla::Sla>,
}

/// What an incident is logged with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewIncident<'a> {
    pub id: String,
    pub title: &'a str,
    pub priority: Priority,
    pub project: &'a str,
    pub release: Option<&'a str>,
    pub team: Team,
}

/// Anyone on the board logs an incident; the automation does when a rollback happens.
pub fn log(
    new: NewIncident<'_>,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(Incident, Event), DomainError> {
    let NewIncident {
        id,
        title,
        priority,
        project,
        release,
        team,
    } = new;
    if title.trim().is_empty() || title.chars().count() > 200 || title.chars().any(char::is_control)
    {
        return Err(DomainError::invalid(
            "an incident needs a one-line title of up to 200 characters",
        ));
    }
    let i = Incident {
        id: id.clone(),
        title: title.trim().to_string(),
        priority,
        project: project.to_string(),
        release: release.map(str::to_string),
        team,
        state: IncidentState::New,
        assignee: None,
        hold: None,
        opened: now,
        resolved: None,
        opened_by: actor.name.clone(),
        revision: 0,
        sla: None,
    };
    let e = Event {
        to: Some("new".into()),
        ..Event::new(now, &actor.name, "incident", &id, "log")
    }
    .details(json!({ "title": i.title, "priority": priority, "release": release, "team": team }));
    Ok((i, e))
}

/// A step in an incident's life.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Someone takes it: `new` or `on-hold` to `in-progress`, assigned to them.
    Take,
    /// A service manager gives it to someone: in progress, theirs.
    Assign {
        to: String,
    },
    Hold {
        reason: String,
    },
    Resolve,
    /// A service manager closes a resolved incident.
    Close,
    /// A service manager changes an open incident's priority, saying why.
    Priority {
        to: Priority,
        reason: String,
    },
}

impl Step {
    pub fn parse(name: &str, reason: Option<&str>, to: Option<&str>) -> Result<Step, DomainError> {
        Ok(match name {
            "take" | "start" | "resume" => Step::Take,
            "assign" => Step::Assign {
                to: to
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(str::to_string)
                    .ok_or_else(|| DomainError::invalid("assign needs a person: add --to NAME"))?,
            },
            "hold" => Step::Hold {
                reason: reason
                    .map(str::trim)
                    .filter(|r| !r.is_empty())
                    .map(str::to_string)
                    .ok_or_else(|| DomainError::invalid("hold needs a reason: add --reason"))?,
            },
            "resolve" => Step::Resolve,
            "close" => Step::Close,
            "priority" => Step::Priority {
                to: to
                    .map(|t| t.trim().to_ascii_uppercase())
                    .filter(|t| !t.is_empty())
                    .ok_or_else(|| {
                        DomainError::invalid("priority needs the new one: add --to P1..P4")
                    })?
                    .parse::<Priority>()
                    .map_err(|e| DomainError::invalid(e.to_string()))?,
                reason: reason
                    .map(str::trim)
                    .filter(|r| !r.is_empty())
                    .map(str::to_string)
                    .ok_or_else(|| {
                        DomainError::invalid("a new priority needs a reason: add --reason")
                    })?,
            },
            other => {
                return Err(DomainError::invalid(format!(
                    "unknown command '{other}': use take, assign, hold, resolve, close or priority"
                )));
            }
        })
    }

    fn name(&self) -> &'static str {
        match self {
            Step::Take => "take",
            Step::Assign { .. } => "assign",
            Step::Hold { .. } => "hold",
            Step::Resolve => "resolve",
            Step::Close => "close",
            Step::Priority { .. } => "priority",
        }
    }
}

pub fn step(
    i: &Incident,
    step: &Step,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(Incident, Event), DomainError> {
    if actor.automation {
        return Err(DomainError::not_allowed(
            "people-decide",
            "The automation logs incidents; people work them",
        ));
    }
    let mut next = i.clone();
    let illegal = |doing: &str| {
        DomainError::illegal(format!("{} is {}, so it cannot be {doing}", i.id, i.state))
    };
    match step {
        Step::Take => {
            if !matches!(
                i.state,
                IncidentState::New | IncidentState::OnHold | IncidentState::InProgress
            ) {
                return Err(illegal("taken"));
            }
            // Work in someone's hands is handed over, not taken from them.
            if let Some(holder) = i.assignee.as_deref().filter(|h| *h != actor.name)
                && i.state == IncidentState::InProgress
            {
                return Err(DomainError::illegal(format!(
                    "{} is in progress with {holder}: ask them, or a service manager to reassign it (`firebreak incident move {} assign --to {}`)",
                    i.id, i.id, actor.name
                )));
            }
            next.state = IncidentState::InProgress;
            next.assignee = Some(actor.name.clone());
            next.hold = None;
        }
        Step::Assign { to } => {
            actor.may(&super::policy::ASSIGN_AN_INCIDENT)?;
            if !matches!(
                i.state,
                IncidentState::New | IncidentState::OnHold | IncidentState::InProgress
            ) {
                return Err(illegal("assigned"));
            }
            next.state = IncidentState::InProgress;
            next.assignee = Some(to.clone());
            next.hold = None;
        }
        Step::Hold { reason } => {
            if i.state != IncidentState::InProgress {
                return Err(illegal("put on hold"));
            }
            next.state = IncidentState::OnHold;
            next.hold = Some(reason.clone());
        }
        Step::Resolve => {
            if !matches!(i.state, IncidentState::InProgress | IncidentState::OnHold) {
                return Err(illegal("resolved"));
            }
            next.state = IncidentState::Resolved;
            next.resolved = Some(now);
        }
        Step::Close => {
            actor.may(&crate::domain::policy::CLOSE_AN_INCIDENT)?;
            if i.state != IncidentState::Resolved {
                return Err(illegal("closed; resolve it first"));
            }
            next.state = IncidentState::Closed;
        }
        Step::Priority { to, .. } => {
            actor.may(&crate::domain::policy::CHANGE_AN_INCIDENTS_PRIORITY)?;
            if !i.is_open() {
                return Err(illegal("given another priority"));
            }
            if *to == i.priority {
                return Err(DomainError::illegal(format!(
                    "{} is {} already",
                    i.id, i.priority
                )));
            }
            next.priority = *to;
        }
    }
    let e = Event::new(now, &actor.name, "incident", &i.id, step.name())
        .from_to(i.state.as_str(), next.state.as_str())
        .reason(
            next.hold
                .as_deref()
                .filter(|_| matches!(step, Step::Hold { .. })),
        );
    let e = match step {
        Step::Assign { to } => e.details(json!({ "to": to })),
        Step::Priority { to, reason } => e
            .reason(Some(reason.as_str()))
            .details(json!({ "from": i.priority, "to": to })),
        _ => e,
    };
    Ok((next, e))
}

/// Only a service manager raises a backlog ticket from the live service's records.
/// Who answers a new incident first: the delivery team while the release it concerns is in
/// hypercare ("you built it, you run it", for a time), otherwise the maintenance team.
pub fn first_team(in_hypercare: bool) -> crate::domain::Team {
    if in_hypercare {
        crate::domain::Team::Appdev
    } else {
        crate::domain::Team::Ams
    }
}

/// Whom an open incident waits on, by name: its assignee, else the people of the team it is
/// routed to on `today` (rotations counted); `None` once it is resolved.
pub fn waits_on(
    i: &Incident,
    people: &[crate::domain::Person],
    rotations: &[crate::domain::rotation::Rotation],
    today: chrono::NaiveDate,
) -> Option<String> {
    if !i.is_open() {
        return None;
    }
    if let Some(name) = &i.assignee {
        return Some(format!("with {name}"));
    }
    let names: Vec<String> = people
        .iter()
        .filter(|p| crate::domain::rotation::team_on(p, rotations, today) == i.team)
        .map(|p| p.name.clone())
        .collect();
    Some(if names.is_empty() {
        format!("waits on nobody on the board (team {}, to take it)", i.team)
    } else {
        format!(
            "waits on {} (team {}, to take it)",
            names.join(" or "),
            i.team
        )
    })
}

pub fn may_raise_ticket(actor: &Actor) -> Result<(), DomainError> {
    actor.may(&crate::domain::policy::RAISE_A_BACKLOG_TICKET_FROM_AN_INCIDENT_OR_PROBLEM)
}

impl Incident {
    pub fn is_open(&self) -> bool {
        !matches!(self.state, IncidentState::Resolved | IncidentState::Closed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Role;
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
    fn logged() -> Incident {
        let new = NewIncident {
            id: "INC-1".into(),
            title: "Payments fail",
            priority: Priority::P1,
            project: "permits",
            release: Some("1.1.0"),
            team: Team::Appdev,
        };
        log(new, &who("lee", Role::AmsEngineer), now()).unwrap().0
    }

    #[test]
    fn an_incident_is_taken_held_resolved_and_closed() {
        let sam = who("sam", Role::AmsEngineer);
        let (taken, _) = step(&logged(), &Step::Take, &sam, now()).unwrap();
        assert_eq!(
            (taken.state, taken.assignee.as_deref()),
            (IncidentState::InProgress, Some("sam"))
        );
        let (held, e) = step(
            &taken,
            &Step::Hold {
                reason: "waiting for the bank".into(),
            },
            &sam,
            now(),
        )
        .unwrap();
        assert_eq!(
            (held.state, e.reason.as_deref()),
            (IncidentState::OnHold, Some("waiting for the bank"))
        );
        let (resolved, _) = step(&held, &Step::Resolve, &sam, now()).unwrap();
        assert!(!resolved.is_open());
        let err = step(&resolved, &Step::Close, &sam, now()).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("Only a service-manager may close an incident"),
            "{err}"
        );
        let (closed, _) = step(
            &resolved,
            &Step::Close,
            &who("omar", Role::ServiceManager),
            now(),
        )
        .unwrap();
        assert_eq!(closed.state, IncidentState::Closed);
        assert!(
            step(&closed, &Step::Take, &sam, now())
                .unwrap_err()
                .to_string()
                .contains("is closed, so it cannot be taken")
        );
    }

    #[test]
    fn refusals_say_what_to_do() {
        assert!(
            Step::parse("hold", None, None)
                .unwrap_err()
                .to_string()
                .contains("needs a reason")
        );
        assert!(Step::parse("panic", None, None).is_err());
        assert!(
            Step::parse("assign", None, None)
                .unwrap_err()
                .to_string()
                .contains("--to")
        );
        let omar = who("omar", Role::ServiceManager);
        let to = Step::Assign { to: "lee".into() };
        let (assigned, e) = step(&logged(), &to, &omar, now()).unwrap();
        assert_eq!(
            (assigned.state, assigned.assignee.as_deref()),
            (IncidentState::InProgress, Some("lee"))
        );
        assert_eq!(e.details["to"], "lee");
        let sam = who("sam", Role::AmsEngineer);
        let err = step(&logged(), &to, &sam, now()).unwrap_err();
        assert!(err.to_string().contains("assign an incident"), "{err}");
        assert!(
            step(
                &logged(),
                &Step::Close,
                &who("omar", Role::ServiceManager),
                now()
            )
            .unwrap_err()
            .to_string()
            .contains("resolve it first")
        );
        assert!(
            log(
                NewIncident {
                    id: "INC-2".into(),
                    title: "",
                    priority: Priority::P3,
                    project: "p",
                    release: None,
                    team: Team::Ams,
                },
                &who("x", Role::Tester),
                now()
            )
            .is_err()
        );
        assert!(may_raise_ticket(&who("sam", Role::AmsEngineer)).is_err());
        assert!(may_raise_ticket(&who("omar", Role::ServiceManager)).is_ok());
    }

    #[test]
    fn a_service_manager_changes_the_priority_of_an_open_incident_saying_why() {
        let step = Step::parse("priority", Some("it spread"), Some("p1")).unwrap();
        assert_eq!(
            step,
            Step::Priority {
                to: Priority::P1,
                reason: "it spread".into()
            }
        );
        assert!(Step::parse("priority", None, Some("P1")).is_err());
        assert!(Step::parse("priority", Some("x"), Some("P9")).is_err());
        assert!(Step::parse("priority", Some("x"), None).is_err());
    }
}
