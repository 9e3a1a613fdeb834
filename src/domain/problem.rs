//! Problems of the live service (domain.md 3.8): the cause behind one or more incidents,
//! investigated, recorded as a known error with its workaround, fixed through backlog tickets,
//! and resolved once every one of those tickets is released.

use super::error::DomainError;
use super::event::Event;
use super::policy::Actor;
use super::vocab::vocabulary;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

vocabulary!(
    /// Where a problem stands.
    ProblemState ("problem state") {
        New = "new", Investigating = "investigating", KnownError = "known-error",
        FixInProgress = "fix-in-progress", Resolved = "resolved", Closed = "closed",
    }
);

impl ProblemState {
    /// How a sentence says it: "PRB-1 is a known error", "PRB-2 has its fix in progress".
    pub fn phrase(self) -> &'static str {
        match self {
            ProblemState::New => "new",
            ProblemState::Investigating => "being investigated",
            ProblemState::KnownError => "a known error",
            ProblemState::FixInProgress => "being fixed",
            ProblemState::Resolved => "resolved",
            ProblemState::Closed => "closed",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// `PRB-n`.
    pub id: String,
    pub title: String,
    pub state: ProblemState,
    /// What the service desk does meanwhile, once it is a known error.
    pub workaround: Option<String>,
    /// The incidents it explains.
    pub incidents: Vec<String>,
    pub opened: DateTime<Utc>,
    pub opened_by: String,
    pub resolved: Option<DateTime<Utc>>,
    /// The id of its last event: what a decision taken from a screen says it saw.
    #[serde(default)]
    pub revision: i64,
}

/// Raises a problem from the incidents it explains.
pub fn raise(
    id: String,
    title: &str,
    incidents: Vec<String>,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(Problem, Event), DomainError> {
    if actor.automation {
        return Err(DomainError::not_allowed(
            "people-decide",
            "Problems are raised by people",
        ));
    }
    actor.may(&crate::domain::policy::RAISE_A_PROBLEM)?;
    let title = title.trim();
    if title.is_empty() {
        return Err(DomainError::invalid("a problem needs a title"));
    }
    let p = Problem {
        id,
        title: title.to_string(),
        state: ProblemState::New,
        workaround: None,
        incidents,
        opened: now,
        opened_by: actor.name.clone(),
        resolved: None,
        revision: 0,
    };
    let e = Event {
        to: Some(ProblemState::New.as_str().into()),
        ..Event::new(now, &actor.name, "problem", &p.id, "raise")
    }
    .details(serde_json::json!({ "title": p.title, "incidents": p.incidents }));
    Ok((p, e))
}

/// A step in a problem's life.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Investigate,
    /// The cause is known and the service desk has a workaround.
    KnownError {
        workaround: String,
    },
    /// A fix is on its way (its tickets are on the backlog).
    Fix,
    /// Every linked ticket is released: the problem is solved.
    Resolve,
    /// A service manager closes a resolved problem.
    Close,
}

impl Step {
    pub fn parse(name: &str, workaround: Option<&str>) -> Result<Step, DomainError> {
        Ok(match name {
            "investigate" => Step::Investigate,
            "known-error" => Step::KnownError {
                workaround: workaround
                    .map(str::trim)
                    .filter(|w| !w.is_empty())
                    .map(str::to_string)
                    .ok_or_else(|| {
                        DomainError::invalid("a known error needs its workaround: add --workaround")
                    })?,
            },
            "fix" => Step::Fix,
            "resolve" => Step::Resolve,
            "close" => Step::Close,
            other => {
                return Err(DomainError::invalid(format!(
                    "unknown command '{other}': use investigate, known-error, fix, resolve or close"
                )));
            }
        })
    }

    fn name(&self) -> &'static str {
        match self {
            Step::Investigate => "investigate",
            Step::KnownError { .. } => "known-error",
            Step::Fix => "fix",
            Step::Resolve => "resolve",
            Step::Close => "close",
        }
    }
}

/// The tickets raised from a problem and whether each is released.
pub type Tickets<'a> = &'a [(String, bool)];

/// Moves a problem one step. `tickets` are its linked backlog items: it resolves only when
/// there is at least one and every one is released.
pub fn step(
    p: &Problem,
    step: &Step,
    tickets: Tickets<'_>,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(Problem, Event), DomainError> {
    use ProblemState as S;
    let mut next = p.clone();
    let illegal = |doing: &str| {
        DomainError::illegal(format!("{} is {}, so it cannot be {doing}", p.id, p.state))
    };
    match step {
        Step::Resolve => {
            if !matches!(p.state, S::Investigating | S::KnownError | S::FixInProgress) {
                return Err(illegal("resolved"));
            }
            if tickets.is_empty() {
                return Err(DomainError::illegal(format!(
                    "{} has no ticket yet: a service manager raises one with `firebreak problem ticket {}`",
                    p.id, p.id
                )));
            }
            let open: Vec<&str> = tickets
                .iter()
                .filter(|(_, released)| !released)
                .map(|(id, _)| id.as_str())
                .collect();
            if !open.is_empty() {
                return Err(DomainError::illegal(format!(
                    "{} resolves when its tickets are released; still open: {}",
                    p.id,
                    open.join(", ")
                )));
            }
            next.state = S::Resolved;
            next.resolved = Some(now);
        }
        _ if actor.automation => {
            return Err(DomainError::not_allowed(
                "people-decide",
                "The automation only resolves a problem whose tickets are released",
            ));
        }
        Step::Investigate => {
            actor.may(&crate::domain::policy::INVESTIGATE_A_PROBLEM)?;
            if p.state != S::New {
                return Err(illegal("investigated"));
            }
            next.state = S::Investigating;
        }
        Step::KnownError { workaround } => {
            actor.may(&crate::domain::policy::RECORD_A_KNOWN_ERROR)?;
            if !matches!(p.state, S::New | S::Investigating | S::KnownError) {
                return Err(illegal("made a known error"));
            }
            next.state = S::KnownError;
            next.workaround = Some(workaround.clone());
        }
        Step::Fix => {
            actor.may(&crate::domain::policy::START_A_PROBLEMS_FIX)?;
            if !matches!(p.state, S::Investigating | S::KnownError) {
                return Err(illegal("fixed"));
            }
            next.state = S::FixInProgress;
        }
        Step::Close => {
            actor.may(&crate::domain::policy::CLOSE_A_PROBLEM)?;
            if p.state != S::Resolved {
                return Err(illegal("closed; it resolves when its tickets are released"));
            }
            next.state = S::Closed;
        }
    }
    let mut e = Event::new(now, &actor.name, "problem", &p.id, step.name())
        .from_to(p.state.as_str(), next.state.as_str());
    if let Step::KnownError { workaround } = step {
        e = e.details(serde_json::json!({ "workaround": workaround }));
    }
    Ok((next, e))
}

impl Problem {
    pub fn is_open(&self) -> bool {
        !matches!(self.state, ProblemState::Resolved | ProblemState::Closed)
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
    fn raised() -> Problem {
        raise(
            "PRB-1".into(),
            "Payment provider drops sessions",
            vec!["INC-1".into(), "INC-2".into()],
            &who("omar", Role::ServiceManager),
            now(),
        )
        .unwrap()
        .0
    }

    #[test]
    fn a_problem_goes_from_new_to_closed_through_a_known_error_and_its_fix() {
        let sam = who("sam", Role::AmsEngineer);
        let omar = who("omar", Role::ServiceManager);
        let p = raised();
        assert_eq!(p.state, ProblemState::New);
        let (p, _) = step(&p, &Step::Investigate, &[], &sam, now()).unwrap();
        let known = Step::KnownError {
            workaround: "ask the resident to retry".into(),
        };
        let (p, e) = step(&p, &known, &[], &sam, now()).unwrap();
        assert_eq!(p.state, ProblemState::KnownError);
        assert_eq!(p.workaround.as_deref(), Some("ask the resident to retry"));
        assert_eq!(e.details["workaround"], "ask the resident to retry");
        let (p, _) = step(&p, &Step::Fix, &[], &sam, now()).unwrap();
        let tickets = [("FB-9".to_string(), true)];
        let (p, _) = step(&p, &Step::Resolve, &tickets, &Actor::automation(), now()).unwrap();
        assert_eq!(p.state, ProblemState::Resolved);
        assert_eq!(p.resolved, Some(now()));
        let (p, e) = step(&p, &Step::Close, &tickets, &omar, now()).unwrap();
        assert_eq!(p.state, ProblemState::Closed);
        assert_eq!(
            (e.from.as_deref(), e.to.as_deref()),
            (Some("resolved"), Some("closed"))
        );
    }

    #[test]
    fn it_resolves_only_when_every_linked_ticket_is_released() {
        let sam = who("sam", Role::AmsEngineer);
        assert!(
            step(&raised(), &Step::Fix, &[], &sam, now()).is_err(),
            "a new problem is investigated before its fix"
        );
        let (p, _) = step(&raised(), &Step::Investigate, &[], &sam, now()).unwrap();
        let (p, _) = step(&p, &Step::Fix, &[], &sam, now()).unwrap();
        let none = step(&p, &Step::Resolve, &[], &sam, now()).unwrap_err();
        assert!(none.to_string().contains("has no ticket yet"), "{none}");
        let tickets = [("FB-9".to_string(), true), ("FB-12".to_string(), false)];
        let open = step(&p, &Step::Resolve, &tickets, &sam, now()).unwrap_err();
        assert!(open.to_string().contains("still open: FB-12"), "{open}");
    }

    #[test]
    fn the_roles_and_the_rules_say_no_with_a_reason() {
        let tom = who("tom", Role::Developer);
        let sam = who("sam", Role::AmsEngineer);
        let err = raise("PRB-1".into(), "x", vec![], &tom, now()).unwrap_err();
        assert!(err.to_string().contains("raise a problem"), "{err}");
        assert!(raise("PRB-1".into(), "  ", vec![], &sam, now()).is_err());
        let p = raised();
        assert!(step(&p, &Step::Investigate, &[], &tom, now()).is_err());
        assert!(step(&p, &Step::Investigate, &[], &Actor::automation(), now()).is_err());
        assert!(
            step(&p, &Step::Close, &[], &sam, now()).is_err(),
            "only a service manager closes"
        );
        let omar = who("omar", Role::ServiceManager);
        let early = step(&p, &Step::Close, &[], &omar, now()).unwrap_err();
        assert!(early.to_string().contains("cannot be closed"), "{early}");
        assert!(Step::parse("known-error", None).is_err());
        assert!(
            Step::parse("fly", None)
                .unwrap_err()
                .to_string()
                .contains("investigate")
        );
    }
}
