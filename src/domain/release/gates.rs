//! The release's gates: the firebreak's parties and the restart, go/no-go, and who a release
//! waits on.

use super::{Progress, Release, ReleaseState, Sign, VOTERS, Vote, refuse};
use crate::domain::error::DomainError;
use crate::domain::event::Event;
use crate::domain::policy::Actor;
use crate::domain::vocab::{Role, Team};
use chrono::{DateTime, Utc};
use serde_json::json;

/// A firebreak party accepts (or rejects, which halts the release).
pub fn answer(
    release: &Release,
    parties: &[Role],
    progress: &Progress,
    accept: bool,
    comment: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(Release, Sign, Event), DomainError> {
    if release.state != ReleaseState::Firebreak {
        return Err(DomainError::illegal(format!(
            "{} is {}, not waiting at the firebreak",
            release.version, release.state
        )));
    }
    let role = pick_role(
        release,
        parties,
        &progress.acceptances,
        actor,
        "accept at the firebreak",
    )?;
    if !accept && comment.trim().is_empty() {
        return Err(DomainError::invalid(
            "a rejection needs a comment: say what is wrong",
        ));
    }
    let sign = Sign {
        role,
        person: actor.name.clone(),
        yes: accept,
        comment: comment.trim().to_string(),
        at: now,
    };
    let mut next = release.clone();
    if !accept {
        next.state = ReleaseState::Halted;
    }
    let e = Event::new(
        now,
        &actor.name,
        "release",
        &release.version,
        if accept { "accept" } else { "reject" },
    )
    .from_to(release.state.as_str(), next.state.as_str())
    .reason(Some(comment).filter(|c| !c.trim().is_empty()))
    .details(json!({ "role": role }));
    Ok((next, sign, e))
}

/// Which of `roles` the actor signs for: a role they hold that has not signed yet. Nobody
/// signs for their own release, and one person counts once.
fn pick_role(
    release: &Release,
    roles: &[Role],
    signed: &[Sign],
    actor: &Actor,
    doing: &str,
) -> Result<Role, DomainError> {
    if actor.automation {
        return Err(refuse(
            "people-decide",
            format!("The automation may not {doing}; a person must"),
        ));
    }
    if actor.name == release.originator {
        return Err(refuse(
            "no-self-approval",
            format!(
                "{} cut {}: nobody approves their own release, so another person must {doing}",
                actor.name, release.version
            ),
        ));
    }
    if signed.iter().any(|s| s.person == actor.name) {
        return Err(refuse(
            "one-person-once",
            format!(
                "{} has already signed for {}: one person counts once",
                actor.name, release.version
            ),
        ));
    }
    roles
        .iter()
        .copied()
        .find(|r| actor.has(*r) && !signed.iter().any(|s| s.role == *r))
        .ok_or_else(|| {
            let open: Vec<&str> = roles
                .iter()
                .filter(|r| !signed.iter().any(|s| s.role == **r))
                .map(|r| r.as_str())
                .collect();
            refuse(
                "parties",
                format!(
                    "{} is {}: {} still needs {}",
                    actor.name,
                    actor.roles_text(),
                    release.version,
                    if open.is_empty() {
                        "nobody".to_string()
                    } else {
                        open.join(" and ")
                    }
                ),
            )
        })
}

/// Who the firebreak still waits on.
pub fn waiting_on(parties: &[Role], progress: &Progress) -> Vec<Role> {
    parties
        .iter()
        .copied()
        .filter(|r| !progress.acceptances.iter().any(|s| s.role == *r && s.yes))
        .collect()
}

/// Who a release waits on, and for what: the one answer the board, `status` and `release`
/// give.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    /// A party of the firebreak, to accept (or reject) the release.
    Accept(Role),
    /// A release manager, to restart the automation once every party accepted.
    Restart,
    /// A voter of the go/no-go.
    Vote(Role),
    /// A release manager, to switch production to the shadow once every vote is in.
    Switch,
    /// The originating team, to determine the problem of a halted release.
    ProblemDetermination(Team),
    /// A release manager, to run on a release whose automation nothing runs.
    Run,
}

/// A release `running` that no process runs (a restart recorded without its run, a run that
/// died): it waits on a release manager to run it on.
pub fn unattended(release: &Release, run_held: bool) -> Option<Wait> {
    (release.state == ReleaseState::Running && !run_held).then_some(Wait::Run)
}

impl std::fmt::Display for Wait {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Wait::Accept(role) => write!(f, "{role}"),
            Wait::Restart => write!(f, "{} (restart)", Role::ReleaseManager),
            Wait::Run => write!(f, "{} (run)", Role::ReleaseManager),
            Wait::Vote(role) => write!(f, "{role} (vote)"),
            Wait::Switch => write!(f, "{} (switch)", Role::ReleaseManager),
            Wait::ProblemDetermination(team) => write!(f, "team {team} (problem determination)"),
        }
    }
}

/// Everyone `release` waits on now; `pd_concluded` when its problem determination is done.
pub fn waits_on(
    release: &Release,
    parties: &[Role],
    progress: &Progress,
    pd_concluded: bool,
) -> Vec<Wait> {
    match release.state {
        ReleaseState::Firebreak => {
            let waiting = waiting_on(parties, progress);
            if waiting.is_empty() {
                vec![Wait::Restart]
            } else {
                waiting.into_iter().map(Wait::Accept).collect()
            }
        }
        ReleaseState::Shadow => {
            let missing: Vec<Wait> = VOTERS
                .iter()
                .filter(|v| !progress.votes.iter().any(|s| s.role == **v))
                .map(|v| Wait::Vote(*v))
                .collect();
            if missing.is_empty() {
                vec![Wait::Switch]
            } else {
                missing
            }
        }
        ReleaseState::Halted if !pd_concluded => vec![Wait::ProblemDetermination(release.team)],
        _ => vec![],
    }
}

/// The people who can give `wait` its answer now: those who hold the role (or are in the team
/// on `today`, rotations counted), less the one who cut the release where the rules keep them
/// out, and less those who already signed or voted (one person counts once).
pub fn who_answers(
    wait: &Wait,
    release: &Release,
    progress: &Progress,
    people: &[crate::domain::Person],
    rotations: &[crate::domain::rotation::Rotation],
    today: chrono::NaiveDate,
) -> Vec<String> {
    let signed = |name: &str, signs: &[Sign]| signs.iter().any(|x| x.person == name);
    people
        .iter()
        .filter(|p| match wait {
            Wait::Accept(role) => {
                p.roles.contains(role)
                    && p.name != release.originator
                    && !signed(&p.name, &progress.acceptances)
            }
            Wait::Vote(role) => {
                p.roles.contains(role)
                    && p.name != release.originator
                    && !signed(&p.name, &progress.votes)
            }
            Wait::Restart | Wait::Switch | Wait::Run => p.roles.contains(&Role::ReleaseManager),
            Wait::ProblemDetermination(team) => {
                crate::domain::rotation::team_on(p, rotations, today) == *team
            }
        })
        .map(|p| p.name.clone())
        .collect()
}

/// The board's people as they stand on a day: whom a wait can name.
pub struct Staff<'a> {
    pub people: &'a [crate::domain::Person],
    pub rotations: &'a [crate::domain::rotation::Rotation],
    pub today: chrono::NaiveDate,
}

/// Everything `release` waits on now (`waits_on`, and a release manager when it is `running`
/// with no run held), each with its people named: the one answer of `status`, `release show`
/// and the Pipeline.
pub fn named_waits(
    release: &Release,
    parties: &[Role],
    progress: &Progress,
    pd_concluded: bool,
    run_held: bool,
    staff: &Staff<'_>,
) -> Vec<(Wait, String)> {
    let mut waits = waits_on(release, parties, progress, pd_concluded);
    waits.extend(unattended(release, run_held));
    waits
        .into_iter()
        .map(|w| {
            let names = who_answers(
                &w,
                release,
                progress,
                staff.people,
                staff.rotations,
                staff.today,
            );
            let named = w.named(&names);
            (w, named)
        })
        .collect()
}

impl Wait {
    /// What is waited for, named: "omar or ola (service-manager)", or, when nobody on the board
    /// can give it, the role that is missing.
    pub fn named(&self, names: &[String]) -> String {
        let what = match self {
            Wait::Accept(role) => role.to_string(),
            Wait::Restart => format!("{}, to restart", Role::ReleaseManager),
            Wait::Run => format!("{}, to run it on", Role::ReleaseManager),
            Wait::Vote(role) => format!("{role}, to vote"),
            Wait::Switch => format!("{}, to switch", Role::ReleaseManager),
            Wait::ProblemDetermination(team) => format!("team {team}, problem determination"),
        };
        if names.is_empty() {
            format!("nobody on the board ({what} needed)")
        } else {
            format!("{} ({what})", names.join(" or "))
        }
    }
}

/// A release manager restarts the automation once every party accepted.
pub fn restart(
    release: &Release,
    parties: &[Role],
    progress: &Progress,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(Release, Event), DomainError> {
    actor.may(&crate::domain::policy::RESTART_THE_AUTOMATION_AFTER_THE_FIREBREAK)?;
    if release.state != ReleaseState::Firebreak {
        return Err(DomainError::illegal(format!(
            "{} is {}, not at the firebreak",
            release.version, release.state
        )));
    }
    let waiting = waiting_on(parties, progress);
    if !waiting.is_empty() {
        let names: Vec<&str> = waiting.iter().map(|r| r.as_str()).collect();
        return Err(refuse(
            "firebreak",
            format!(
                "{} still waits on {}: restart it once they accept",
                release.version,
                names.join(" and ")
            ),
        ));
    }
    let mut next = release.clone();
    next.state = ReleaseState::Running;
    let e = Event::new(now, &actor.name, "release", &release.version, "restart")
        .from_to("firebreak", "running");
    Ok((next, e))
}

/// A go/no-go vote on a release in the shadow; one no-go abandons it. A go needs the
/// project's handover accepted: `handover_open` lists what is still open (`None`: no handover
/// applies, as for the maintenance team's own releases).
pub fn vote(
    release: &Release,
    progress: &Progress,
    go: Vote,
    comment: &str,
    handover_open: Option<&[String]>,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(Release, Sign, Event), DomainError> {
    if release.state != ReleaseState::Shadow {
        return Err(DomainError::illegal(format!(
            "{} is {}: votes open when it is in the shadow",
            release.version, release.state
        )));
    }
    if go == Vote::NoGo && comment.trim().is_empty() {
        return Err(DomainError::invalid(format!(
            "a no-go abandons {} for good: say why (--comment)",
            release.version
        )));
    }
    let role = pick_role(release, &VOTERS, &progress.votes, actor, "vote on it")?;
    if let Some(open) = handover_open.filter(|o| go == Vote::Go && !o.is_empty()) {
        return Err(refuse(
            "handover",
            format!(
                "{} cannot have a go while the handover of {} is not accepted: still open {}",
                release.version,
                release.project,
                open.join(", ")
            ),
        ));
    }
    let sign = Sign {
        role,
        person: actor.name.clone(),
        yes: go == Vote::Go,
        comment: comment.trim().to_string(),
        at: now,
    };
    let mut next = release.clone();
    if go == Vote::NoGo {
        next.state = ReleaseState::Abandoned;
    }
    let e = Event::new(now, &actor.name, "release", &release.version, "vote")
        .from_to(release.state.as_str(), next.state.as_str())
        .reason(Some(comment).filter(|c| !c.trim().is_empty()))
        .details(json!({ "role": role, "vote": go }));
    Ok((next, sign, e))
}
