//! What keys do on the Service tab: log an incident, take it, hold it, resolve and close it,
//! and raise a backlog ticket from it.

use super::input::LineInput;
use super::keymap::Command;
use super::{AppState, Effect, Overlay, Pending};
use crate::domain::Kind;
use crate::domain::incident::{Incident, Priority, Step};
use crate::domain::problem::{Problem, Step as ProblemStep};

pub fn selected(s: &AppState) -> Option<&Incident> {
    s.incidents.get(s.service)
}

pub fn selected_problem(s: &AppState) -> Option<&Problem> {
    s.problems.get(s.problem)
}

/// The hypercare the Service tab shows and its keys act on: the open one of the selected
/// incident's release or project, else the newest one not closed.
pub fn shown_hypercare(s: &AppState) -> Option<&crate::domain::hypercare::Hypercare> {
    let open = || {
        s.hypercare
            .iter()
            .filter(|h| h.state != crate::domain::hypercare::HypercareState::Closed)
    };
    let incident = selected(s).filter(|_| !s.problems_shown);
    incident
        .and_then(|i| {
            open()
                .find(|h| i.release.as_deref() == Some(h.release.as_str()))
                .or_else(|| open().find(|h| h.project == i.project))
        })
        .or_else(|| open().next())
}

pub(super) fn clamp(s: &mut AppState) {
    s.service = s.service.min(s.incidents.len().saturating_sub(1));
    s.problem = s.problem.min(s.problems.len().saturating_sub(1));
}

pub(super) fn key(s: &mut AppState, cmd: Option<Command>) -> Vec<Effect> {
    if matches!(cmd, Some(Command::NextSprint | Command::PrevSprint)) {
        s.problems_shown = !s.problems_shown;
        return vec![];
    }
    if s.problems_shown {
        let effects = problem_key(s, cmd);
        clamp(s);
        return effects;
    }
    match cmd {
        Some(Command::Down) => s.service += 1,
        Some(Command::Up) => s.service = s.service.saturating_sub(1),
        Some(Command::NewIncident) => {
            if !super::say::writable(s) {
                return vec![];
            }
            s.overlay = Some(Overlay::Prompt {
                question: "A new incident: its priority (P1 to P4), then its title".into(),
                input: LineInput::with("P3 "),
                then: Pending::NewIncident,
            });
        }
        Some(Command::Take) => return step(s, Step::Take),
        Some(Command::Assign) => {
            let id = selected(s).map(|i| i.id.clone());
            if let Some(id) = id
                && super::say::writable(s)
            {
                let names: Vec<String> = s.people.iter().map(|p| p.name.clone()).collect();
                s.overlay = Some(Overlay::Prompt {
                    question: format!("Assign {id} to whom? ({})", names.join(", ")),
                    input: LineInput::default(),
                    then: Pending::Assign(id),
                });
            }
        }
        Some(Command::Hold) => {
            let id = selected(s).map(|i| i.id.clone());
            if let Some(id) = id
                && super::say::writable(s)
            {
                s.overlay = Some(Overlay::Prompt {
                    question: format!("Why is {id} on hold?"),
                    input: LineInput::default(),
                    then: Pending::Hold(id),
                });
            }
        }
        Some(Command::Resolve) => return step(s, Step::Resolve),
        Some(Command::CloseIncident) => return step(s, Step::Close),
        Some(Command::CloseHypercare | Command::ExtendHypercare)
            if shown_hypercare(s).is_none() =>
        {
            super::say::flash_error(
                s,
                "No hypercare is open: it starts when a delivery project's release is switched live.",
            );
        }
        Some(Command::CloseHypercare) => {
            if let Some(version) = shown_hypercare(s).map(|h| h.release.clone())
                && super::say::writable(s)
            {
                let seen = s.seen("hypercare", &version);
                return vec![Effect::CloseHypercare { version, seen }];
            }
        }
        Some(Command::ExtendHypercare) => {
            if let Some(version) = shown_hypercare(s).map(|h| h.release.clone())
                && super::say::writable(s)
            {
                s.overlay = Some(Overlay::Prompt {
                    question: format!(
                        "Extend the hypercare of {version}: its new last day (YYYY-MM-DD), then why"
                    ),
                    input: LineInput::default(),
                    then: Pending::Extend(version),
                });
            }
        }
        Some(Command::Rotate) => {
            if !super::say::writable(s) {
                return vec![];
            }
            s.overlay = Some(Overlay::Prompt {
                question: "Rotate a person: NAME TEAM FIRST-DAY LAST-DAY, e.g. tom ams 2026-03-02 2026-03-08"
                    .into(),
                input: LineInput::default(),
                then: Pending::Rotate,
            });
        }
        Some(Command::RaiseProblem) => {
            let id = selected(s).map(|i| i.id.clone());
            if let Some(id) = id
                && super::say::writable(s)
            {
                s.overlay = Some(Overlay::Prompt {
                    question: format!("A problem behind {id}: what is its cause, as far as known?"),
                    input: LineInput::default(),
                    then: Pending::NewProblem(vec![id]),
                });
            }
        }
        Some(Command::Escape) => {
            let id = selected(s).map(|i| i.id.clone());
            if let Some(id) = id
                && super::say::writable(s)
            {
                super::say::ask_escape(s, id, "ENV KIND, or none");
            }
        }
        Some(Command::Ticket) => return ticket(s, Kind::Defect),
        Some(Command::EnhancementTicket) => return ticket(s, Kind::Enhancement),
        // Not this tab's: the keys that mean the same everywhere are answered before.
        Some(_) => {}
        None => {}
    }
    clamp(s);
    vec![]
}

/// The keys while the Service tab shows the problems.
fn problem_key(s: &mut AppState, cmd: Option<Command>) -> Vec<Effect> {
    let id = selected_problem(s).map(|p| p.id.clone());
    let seen = selected_problem(s).map(|p| p.revision);
    let pstep = |s: &mut AppState, step: ProblemStep| -> Vec<Effect> {
        match &id {
            Some(id) if super::say::writable(s) => vec![Effect::ProblemStep {
                id: id.clone(),
                step,
                seen,
            }],
            _ => vec![],
        }
    };
    match cmd {
        Some(Command::Down) => s.problem += 1,
        Some(Command::Up) => s.problem = s.problem.saturating_sub(1),
        Some(Command::NewIncident) => {
            if !super::say::writable(s) {
                return vec![];
            }
            s.overlay = Some(Overlay::Prompt {
                question: "A new problem: what is its cause, as far as known?".into(),
                input: LineInput::default(),
                then: Pending::NewProblem(vec![]),
            });
        }
        Some(Command::Investigate) => return pstep(s, ProblemStep::Investigate),
        Some(Command::Fix) => return pstep(s, ProblemStep::Fix),
        Some(Command::Resolve) => return pstep(s, ProblemStep::Resolve),
        Some(Command::CloseIncident) => return pstep(s, ProblemStep::Close),
        Some(Command::KnownError) => {
            if let Some(id) = id.clone()
                && super::say::writable(s)
            {
                s.overlay = Some(Overlay::Prompt {
                    question: format!(
                        "{id} is a known error: what does the service desk do meanwhile?"
                    ),
                    input: LineInput::default(),
                    then: Pending::Workaround(id),
                });
            }
        }
        Some(kind @ (Command::Ticket | Command::EnhancementTicket)) => {
            let kind = if kind == Command::Ticket {
                Kind::Defect
            } else {
                Kind::Enhancement
            };
            if let Some(id) = id
                && super::say::writable(s)
            {
                return vec![Effect::ProblemTicket { id, kind }];
            }
        }
        // Not this tab's: the keys that mean the same everywhere are answered before.
        Some(_) => {}
        None => {}
    }
    vec![]
}

fn step(s: &mut AppState, step: Step) -> Vec<Effect> {
    let Some((id, seen)) = selected(s).map(|i| (i.id.clone(), Some(i.revision))) else {
        return vec![];
    };
    if !super::say::writable(s) {
        return vec![];
    }
    vec![Effect::IncidentStep { id, step, seen }]
}

/// The revision of incident `id` the board shows.
pub fn incident_seen(s: &AppState, id: &str) -> Option<i64> {
    s.incidents.iter().find(|i| i.id == id).map(|i| i.revision)
}

/// The revision of problem `id` the board shows.
pub fn problem_seen(s: &AppState, id: &str) -> Option<i64> {
    s.problems.iter().find(|p| p.id == id).map(|p| p.revision)
}

fn ticket(s: &mut AppState, kind: Kind) -> Vec<Effect> {
    let Some(id) = selected(s).map(|i| i.id.clone()) else {
        return vec![];
    };
    if !super::say::writable(s) {
        return vec![];
    }
    vec![Effect::Ticket { id, kind }]
}

/// Reads "P2 Payments fail at step 3".
pub(super) fn new_incident(text: &str) -> Result<(Priority, String), String> {
    let (p, title) = text.trim().split_once(' ').unwrap_or((text.trim(), ""));
    let priority = p
        .to_ascii_uppercase()
        .parse::<Priority>()
        .map_err(|e| e.to_string())?;
    if title.trim().is_empty() {
        return Err("give the incident a title after its priority".into());
    }
    Ok((priority, title.trim().to_string()))
}

/// Reads "tom ams 2026-03-02 2026-03-08".
pub(super) fn rotation(
    text: &str,
) -> Result<
    (
        String,
        crate::domain::Team,
        chrono::NaiveDate,
        chrono::NaiveDate,
    ),
    String,
> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let [name, team, from, to] = words[..] else {
        return Err(
            "write NAME TEAM FIRST-DAY LAST-DAY, e.g. tom ams 2026-03-02 2026-03-08".into(),
        );
    };
    let team = team
        .parse::<crate::domain::Team>()
        .map_err(|e| e.to_string())?;
    let day = |d: &str| {
        chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map_err(|_| format!("'{d}' is not a date: write it as YYYY-MM-DD"))
    };
    Ok((name.to_string(), team, day(from)?, day(to)?))
}
