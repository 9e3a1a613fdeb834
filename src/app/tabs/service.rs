//! The Service tab: the incidents (or the problems), hypercare and rotations; logging an
//! incident, taking it, holding it, resolving and closing it, raising a backlog ticket or a
//! problem from it, and a problem's way to a known error and its fix.

use crate::app::keymap::Command;
use crate::app::say::{flash_error, writable};
use crate::app::{AppState, Effect, Hit, Overlay, Pending};
use crate::domain::Kind;
use crate::domain::incident::{Incident, Priority, Step};
use crate::domain::problem::{Problem, Step as ProblemStep};

/// Where the selection is on the Service tab.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ServiceView {
    /// The incident selected.
    pub incident: usize,
    /// The problem selected.
    pub problem: usize,
    /// The tab shows the problems rather than the incidents.
    pub problems: bool,
}

/// The Service tab's questions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ask {
    /// A new incident: "P2 its title".
    NewIncident,
    /// Why an incident is on hold.
    Hold(String),
    /// Who an incident is assigned to.
    Assign(String),
    /// Until when and why this release's hypercare is extended.
    Extend(String),
    /// A rotation: "NAME TEAM FROM TO".
    Rotate,
    /// A new problem's title, raised from these incidents.
    NewProblem(Vec<String>),
    /// A known error's workaround, for this problem.
    Workaround(String),
    /// An incident's new priority, then why: "P1 the outage spread".
    Priority(String),
    /// Where an incident should have been caught: "ENV KIND" or "none".
    Escape(String),
}

impl Ask {
    pub fn title(&self) -> &'static str {
        match self {
            Ask::NewIncident => " Log an incident ",
            Ask::Hold(_) => " On hold: why? ",
            Ask::Assign(_) => " Assign ",
            Ask::Extend(_) => " Extend hypercare ",
            Ask::Rotate => " Rotate a person ",
            Ask::NewProblem(_) => " Raise a problem ",
            Ask::Workaround(_) => " Known error: its workaround ",
            Ask::Priority(_) => " A new priority: why? ",
            Ask::Escape(_) => " Escaped defect ",
        }
    }
}

fn asking(s: &mut AppState, question: String, start: &str, ask: Ask) {
    s.overlay = Some(Overlay::prompt(question, start, Pending::Service(ask)));
}

pub fn selected(s: &AppState) -> Option<&Incident> {
    s.incidents.get(s.service.incident)
}

pub fn selected_problem(s: &AppState) -> Option<&Problem> {
    s.problems.get(s.service.problem)
}

/// The hypercare the Service tab shows and its keys act on: the open one of the selected
/// incident's release or project, else the newest one not closed.
pub fn shown_hypercare(s: &AppState) -> Option<&crate::domain::hypercare::Hypercare> {
    let open = || {
        s.hypercare
            .iter()
            .filter(|h| h.state != crate::domain::hypercare::HypercareState::Closed)
    };
    let incident = selected(s).filter(|_| !s.service.problems);
    incident
        .and_then(|i| {
            open()
                .find(|h| i.release.as_deref() == Some(h.release.as_str()))
                .or_else(|| open().find(|h| h.project == i.project))
        })
        .or_else(|| open().next())
}

pub(crate) fn clamp(s: &mut AppState) {
    s.service.incident = s.service.incident.min(s.incidents.len().saturating_sub(1));
    s.service.problem = s.service.problem.min(s.problems.len().saturating_sub(1));
}

/// The tab's answer to a key, or `None` when the key is not the tab's.
pub(crate) fn key(s: &mut AppState, cmd: Command) -> Option<Vec<Effect>> {
    if matches!(cmd, Command::ShowProblems | Command::ShowIncidents) {
        s.service.problems = !s.service.problems;
        return Some(vec![]);
    }
    if s.service.problems {
        let effects = problem_key(s, cmd);
        clamp(s);
        return effects;
    }
    match cmd {
        Command::Down => s.service.incident += 1,
        Command::Up => s.service.incident = s.service.incident.saturating_sub(1),
        Command::NewIncident => {
            if !writable(s) {
                return Some(vec![]);
            }
            asking(
                s,
                "A new incident: its priority (P1 to P4), then its title".into(),
                "P3 ",
                Ask::NewIncident,
            );
        }
        Command::Take => return Some(step(s, Step::Take)),
        Command::Assign => {
            let id = selected(s).map(|i| i.id.clone());
            if let Some(id) = id
                && crate::app::say::may(s, &crate::domain::policy::ASSIGN_AN_INCIDENT)
            {
                let names: Vec<String> = s.people.iter().map(|p| p.name.clone()).collect();
                asking(
                    s,
                    format!("Assign {id} to whom? ({})", names.join(", ")),
                    "",
                    Ask::Assign(id),
                );
            }
        }
        Command::Hold => {
            let id = selected(s).map(|i| i.id.clone());
            let hold = Step::Hold { reason: "-".into() };
            let would = |s: &mut AppState| {
                let Some(incident) = selected(s) else {
                    return false;
                };
                match crate::domain::incident::step(incident, &hold, &s.me, s.now) {
                    Ok(_) => true,
                    Err(e) => {
                        flash_error(s, e.to_string());
                        false
                    }
                }
            };
            if let Some(id) = id
                && writable(s)
                && would(s)
            {
                asking(s, format!("Why is {id} on hold?"), "", Ask::Hold(id));
            }
        }
        Command::Reprioritise => {
            let chosen = selected(s).map(|i| (i.id.clone(), i.priority));
            if let Some((id, now)) = chosen
                && crate::app::say::may(s, &crate::domain::policy::CHANGE_AN_INCIDENTS_PRIORITY)
            {
                asking(
                    s,
                    format!("{id} is {now}: its new priority (P1 to P4), then why"),
                    "",
                    Ask::Priority(id),
                );
            }
        }
        Command::Resolve => return Some(step(s, Step::Resolve)),
        Command::CloseIncident => return Some(step(s, Step::Close)),
        Command::CloseHypercare | Command::ExtendHypercare if shown_hypercare(s).is_none() => {
            flash_error(
                s,
                "No hypercare is open: it starts when a delivery project's release is switched live.",
            );
        }
        Command::CloseHypercare => {
            if let Some(version) = shown_hypercare(s).map(|h| h.release.clone())
                && writable(s)
            {
                let seen = s.seen("hypercare", &version);
                return Some(vec![Effect::CloseHypercare { version, seen }]);
            }
        }
        Command::ExtendHypercare => {
            if let Some(version) = shown_hypercare(s).map(|h| h.release.clone())
                && crate::app::say::may(s, &crate::domain::policy::EXTEND_HYPERCARE)
            {
                asking(
                    s,
                    format!(
                        "Extend the hypercare of {version}: its new last day (YYYY-MM-DD), then why"
                    ),
                    "",
                    Ask::Extend(version),
                );
            }
        }
        Command::Rotate => {
            if !crate::app::say::may(s, &crate::domain::policy::ROTATE_A_PERSON_BETWEEN_THE_TEAMS) {
                return Some(vec![]);
            }
            asking(
                s,
                "Rotate a person: NAME TEAM FIRST-DAY LAST-DAY, e.g. tom ams 2026-03-02 2026-03-08"
                    .into(),
                "",
                Ask::Rotate,
            );
        }
        Command::RaiseProblem => {
            let id = selected(s).map(|i| i.id.clone());
            if let Some(id) = id
                && crate::app::say::may(s, &crate::domain::policy::RAISE_A_PROBLEM)
            {
                asking(
                    s,
                    format!("A problem behind {id}: what is its cause, as far as known?"),
                    "",
                    Ask::NewProblem(vec![id]),
                );
            }
        }
        Command::Escape => {
            let id = selected(s).map(|i| i.id.clone());
            if let Some(id) = id
                && crate::app::say::may(s, &crate::domain::policy::RECORD_AN_ESCAPED_DEFECT)
            {
                crate::app::say::ask_escape(
                    s,
                    &id,
                    "ENV KIND [CASE], or none",
                    Pending::Service(Ask::Escape(id.clone())),
                );
            }
        }
        Command::Ticket => return Some(ticket(s, Kind::Defect)),
        Command::EnhancementTicket => return Some(ticket(s, Kind::Enhancement)),
        _ => return None,
    }
    clamp(s);
    Some(vec![])
}

/// The keys while the Service tab shows the problems.
fn problem_key(s: &mut AppState, cmd: Command) -> Option<Vec<Effect>> {
    let id = selected_problem(s).map(|p| p.id.clone());
    let seen = selected_problem(s).map(|p| p.revision);
    let pstep = |s: &mut AppState, step: ProblemStep| -> Vec<Effect> {
        match &id {
            Some(id) if writable(s) => vec![Effect::ProblemStep {
                id: id.clone(),
                step,
                seen,
            }],
            _ => vec![],
        }
    };
    match cmd {
        Command::Down => s.service.problem += 1,
        Command::Up => s.service.problem = s.service.problem.saturating_sub(1),
        Command::NewProblem => {
            if !crate::app::say::may(s, &crate::domain::policy::RAISE_A_PROBLEM) {
                return Some(vec![]);
            }
            asking(
                s,
                "A new problem: what is its cause, as far as known?".into(),
                "",
                Ask::NewProblem(vec![]),
            );
        }
        Command::Investigate => return Some(pstep(s, ProblemStep::Investigate)),
        Command::Fix => return Some(pstep(s, ProblemStep::Fix)),
        Command::Resolve => return Some(pstep(s, ProblemStep::Resolve)),
        Command::CloseProblem => return Some(pstep(s, ProblemStep::Close)),
        Command::KnownError => {
            if let Some(id) = id.clone()
                && crate::app::say::may(s, &crate::domain::policy::RECORD_A_KNOWN_ERROR)
            {
                asking(
                    s,
                    format!("{id} is a known error: what does the service desk do meanwhile?"),
                    "",
                    Ask::Workaround(id),
                );
            }
        }
        kind @ (Command::Ticket | Command::EnhancementTicket) => {
            let kind = if kind == Command::Ticket {
                Kind::Defect
            } else {
                Kind::Enhancement
            };
            if let Some(id) = id
                && writable(s)
            {
                return Some(vec![Effect::ProblemTicket { id, kind }]);
            }
        }
        _ => return None,
    }
    Some(vec![])
}

fn step(s: &mut AppState, step: Step) -> Vec<Effect> {
    let Some((id, seen)) = selected(s).map(|i| (i.id.clone(), Some(i.revision))) else {
        return vec![];
    };
    if !writable(s) {
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
    if !writable(s) {
        return vec![];
    }
    vec![Effect::Ticket { id, kind }]
}

/// Reads "P2 Payments fail at step 3".
pub(crate) fn new_incident(text: &str) -> Result<(Priority, String), String> {
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
pub(crate) fn rotation(
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

/// What an answer to one of the tab's questions submits.
pub(crate) fn submit(s: &mut AppState, ask: Ask, text: String) -> Result<Vec<Effect>, String> {
    Ok(match ask {
        Ask::NewIncident => {
            let (priority, title) = new_incident(&text)?;
            vec![Effect::LogIncident { priority, title }]
        }
        Ask::NewProblem(incidents) => vec![Effect::RaiseProblem {
            title: text,
            incidents,
        }],
        Ask::Rotate => {
            let (name, team, from, to) = rotation(&text)?;
            vec![Effect::Rotate {
                name,
                team,
                from,
                to,
            }]
        }
        Ask::Extend(version) => {
            let seen = s.seen("hypercare", &version);
            let (until, reason) = crate::app::input::day_and_reason(&text)?;
            vec![Effect::ExtendHypercare {
                version,
                until,
                reason,
                seen,
            }]
        }
        Ask::Workaround(id) => {
            let step = ProblemStep::KnownError { workaround: text };
            let seen = problem_seen(s, &id);
            vec![Effect::ProblemStep { id, step, seen }]
        }
        Ask::Assign(id) => {
            let step = Step::Assign {
                to: text.trim().to_string(),
            };
            let seen = incident_seen(s, &id);
            vec![Effect::IncidentStep { id, step, seen }]
        }
        Ask::Priority(id) => {
            let (p, why) = text.trim().split_once(' ').unwrap_or((text.trim(), ""));
            let step = Step::parse("priority", Some(why), Some(p)).map_err(|e| e.to_string())?;
            let seen = incident_seen(s, &id);
            vec![Effect::IncidentStep { id, step, seen }]
        }
        Ask::Hold(id) => {
            let step = Step::Hold { reason: text };
            let seen = incident_seen(s, &id);
            vec![Effect::IncidentStep { id, step, seen }]
        }
        Ask::Escape(source) => return crate::app::say::escape(source, &text),
    })
}

/// What `y` copies: the selected incident's or problem's id.
pub(crate) fn copy(s: &AppState) -> Option<String> {
    if s.service.problems {
        selected_problem(s).map(|p| p.id.clone())
    } else {
        selected(s).map(|i| i.id.clone())
    }
}

/// A click on an incident (or a problem) selects it.
pub(crate) fn click(s: &mut AppState, h: Hit) {
    if s.service.problems {
        s.service.problem = h.row;
    } else {
        s.service.incident = h.row;
    }
}

/// The record whose history the detail shows: the selected incident or problem.
pub(crate) fn history(s: &AppState) -> Option<(&'static str, String)> {
    if s.service.problems {
        Some(("problem", selected_problem(s)?.id.clone()))
    } else {
        Some(("incident", selected(s)?.id.clone()))
    }
}

/// An incident's SLA clock as of the board's clock.
pub fn clock(s: &AppState, i: &Incident) -> crate::domain::sla::Clock {
    let transitions = s
        .incident_transitions
        .get(&i.id)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    crate::domain::sla::incident_clock(i, &s.releases.projects, transitions, s.now)
}
