//! A release on the path to live (domain.md 3.5): where it stands is derived from the steps it
//! passed and the gates it cleared; each command is a pure function that returns the release's
//! new state and its event, or a refusal that names the rule.

use super::error::DomainError;
use super::event::Event;
use super::ids::ItemId;
use super::pipeline::Pipeline;
use super::policy::Actor;
use super::vocab::{Role, Team, vocabulary};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;

vocabulary!(
    /// Where a release stands.
    ReleaseState ("release state") {
        Built = "built", Running = "running", Firebreak = "firebreak", Shadow = "shadow",
        Live = "live", Halted = "halted", Abandoned = "abandoned", RolledBack = "rolled-back",
        Standby = "standby",
    }
);

vocabulary!(
    /// A step's outcome.
    Outcome ("result") { Pass = "pass", Fail = "fail" }
);

vocabulary!(
    /// A go/no-go vote.
    Vote ("vote") { Go = "go", NoGo = "no-go" }
);

vocabulary!(
    /// A change of what production serves: a switch to a release, or a rollback from it.
    Change ("production change") { Switch = "switch", Rollback = "rollback" }
);

/// Where a production change sends the traffic: production's command is told this slot and
/// this version, and the board shows the same afterwards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Routing {
    pub change: Change,
    /// The slot that takes the traffic.
    pub slot: String,
    /// The release in that slot.
    pub version: String,
    /// The release that leaves the traffic, if any.
    pub from: Option<String>,
}

/// One of production's two slots of a project, as the store keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    pub slot: String,
    pub release: Option<String>,
    pub live: bool,
}

/// The roles whose votes a go needs, one each.
pub const VOTERS: [Role; 3] = [
    Role::ProductOwner,
    Role::ServiceManager,
    Role::ReleaseManager,
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Release {
    pub version: String,
    pub project: String,
    /// Who cut it: never one of its approvers.
    pub originator: String,
    /// The team that owns its failures.
    pub team: Team,
    pub schema_change: bool,
    pub items: Vec<ItemId>,
    pub state: ReleaseState,
    /// The production slot it occupies, once deployed there.
    pub slot: Option<String>,
    pub created: DateTime<Utc>,
}

/// A step's recorded outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepRun {
    pub env: String,
    pub step: String,
    pub outcome: Outcome,
    pub at: DateTime<Utc>,
    #[serde(default)]
    pub seconds: f64,
}

/// A firebreak party's answer, or a go/no-go vote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sign {
    pub role: Role,
    pub person: String,
    /// Acceptance: accepted or rejected. Vote: go or no-go.
    pub yes: bool,
    pub comment: String,
    pub at: DateTime<Utc>,
}

/// Everything a release's next move depends on.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Progress {
    pub steps: Vec<StepRun>,
    pub acceptances: Vec<Sign>,
    pub votes: Vec<Sign>,
    /// A release manager restarted the automation after the firebreak.
    pub restarted: bool,
}

/// A step as the store keeps it: with its log, and without an outcome while it runs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StepRecord {
    pub env: String,
    pub step: String,
    pub outcome: Option<Outcome>,
    pub started: DateTime<Utc>,
    pub seconds: f64,
    pub log: String,
    pub url: Option<String>,
    /// Who reported it: an automation account, or `automation` (the board's own runner).
    pub reporter: Option<String>,
}

/// A release with everything recorded about it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReleaseView {
    pub release: Release,
    pub steps: Vec<StepRecord>,
    pub acceptances: Vec<Sign>,
    pub votes: Vec<Sign>,
    pub restarted: bool,
    /// The defect the automation raised when it halted.
    pub defect: Option<ItemId>,
    /// The id of its last event: what a decision taken from this view says it saw.
    pub revision: i64,
}

impl ReleaseView {
    pub fn progress(&self) -> Progress {
        Progress {
            steps: self
                .steps
                .iter()
                .filter_map(|s| {
                    s.outcome.map(|outcome| StepRun {
                        env: s.env.clone(),
                        step: s.step.clone(),
                        outcome,
                        at: s.started,
                        seconds: s.seconds,
                    })
                })
                .collect(),
            acceptances: self.acceptances.clone(),
            votes: self.votes.clone(),
            restarted: self.restarted,
        }
    }
}

/// What happens next to a running release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    /// This step runs (or is reported) next.
    Step { env: String, step: String },
    /// It waits at the firebreak for its parties, then a restart.
    Firebreak,
    /// Every step passed: it is in the shadow slot, waiting for go/no-go.
    Shadow,
    /// A step failed.
    Halted { env: String, step: String },
}

/// Where a release goes next, from the steps it passed and whether the firebreak holds it.
pub fn next(pipeline: &Pipeline, progress: &Progress, firebreak_armed: bool) -> Next {
    let firebreak = pipeline.firebreak_env().map(|e| e.name.clone());
    for env in &pipeline.environments {
        for step in env.steps() {
            let run = progress
                .steps
                .iter()
                .rev()
                .find(|r| r.env == env.name && r.step == step.name);
            match run.map(|r| r.outcome) {
                Some(Outcome::Pass) => continue,
                Some(Outcome::Fail) => {
                    return Next::Halted {
                        env: env.name.clone(),
                        step: step.name.to_string(),
                    };
                }
                None => {
                    return Next::Step {
                        env: env.name.clone(),
                        step: step.name.to_string(),
                    };
                }
            }
        }
        if firebreak_armed && firebreak.as_deref() == Some(env.name.as_str()) && !progress.restarted
        {
            return Next::Firebreak;
        }
    }
    Next::Shadow
}

fn refuse(rule: &'static str, message: String) -> DomainError {
    DomainError::not_allowed(rule, message)
}

/// Cuts a release from done items of a project.
pub fn cut(
    version: &str,
    project: &str,
    team: Team,
    items: Vec<ItemId>,
    schema_change: bool,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(Release, Event), DomainError> {
    actor.may(&crate::domain::policy::CUT_A_RELEASE)?;
    let ok = !version.is_empty()
        && version.len() <= 40
        && version
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-+".contains(c));
    if !ok {
        return Err(DomainError::invalid(format!(
            "'{version}' is not a version: use letters, digits, '.', '-', '_' or '+', e.g. 1.4.0"
        )));
    }
    if items.is_empty() {
        return Err(DomainError::illegal(format!(
            "{project} has no done items to release: finish work first, or name the items with --item"
        )));
    }
    let r = Release {
        version: version.to_string(),
        project: project.to_string(),
        originator: actor.name.clone(),
        team,
        schema_change,
        items,
        state: ReleaseState::Built,
        slot: None,
        created: now,
    };
    let ids: Vec<String> = r.items.iter().map(|i| i.to_string()).collect();
    let e = Event::new(now, &actor.name, "release", version, "cut")
        .from_to("", "built")
        .details(json!({ "project": project, "items": ids, "schema_change": schema_change }));
    Ok((r, e))
}

/// Records a step's outcome: only the automation (a runner, or an external CI reporting)
/// does, and only for the step that is next.
pub fn record(
    release: &Release,
    pipeline: &Pipeline,
    progress: &Progress,
    armed: bool,
    run: &StepRun,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(Release, Event), DomainError> {
    if !actor.automation {
        return Err(refuse(
            "automation-reports",
            format!(
                "Only an automation account reports step results; {} is {}. Register one (`firebreak person add ci --role automation`) and report as it",
                actor.name,
                actor.roles_text()
            ),
        ));
    }
    // An external CI reports only the steps the board does not run itself.
    if actor.is_account()
        && let Some(command) = pipeline
            .environment(&run.env)
            .and_then(|e| e.steps().into_iter().find(|s| s.name == run.step))
            .and_then(|s| s.command)
    {
        return Err(refuse(
            "board-runs-it",
            format!(
                "{}/{} is run by the board itself (`{command}`): an external CI reports only steps without a command, or marked `external = true` in the pipeline file",
                run.env, run.step
            ),
        ));
    }
    if !matches!(release.state, ReleaseState::Built | ReleaseState::Running) {
        return Err(DomainError::illegal(format!(
            "{} is {}: it runs no more steps",
            release.version, release.state
        )));
    }
    match next(pipeline, progress, armed) {
        Next::Step { env, step } if env == run.env && step == run.step => {}
        Next::Step { env, step } => {
            return Err(DomainError::illegal(format!(
                "the next step of {} is {env}/{step}, not {}/{}",
                release.version, run.env, run.step
            )));
        }
        Next::Firebreak => {
            return Err(DomainError::illegal(format!(
                "{} waits at the firebreak: its parties accept, then a release manager restarts it",
                release.version
            )));
        }
        other => {
            return Err(DomainError::illegal(format!(
                "{} has no step left to run ({other:?})",
                release.version
            )));
        }
    }
    let mut after = progress.clone();
    after.steps.push(run.clone());
    let mut next_release = release.clone();
    next_release.state = match next(pipeline, &after, armed) {
        Next::Step { .. } => ReleaseState::Running,
        Next::Firebreak => ReleaseState::Firebreak,
        Next::Shadow => ReleaseState::Shadow,
        Next::Halted { .. } => ReleaseState::Halted,
    };
    let e = Event::new(now, &actor.name, "release", &release.version, "step")
        .from_to(release.state.as_str(), next_release.state.as_str())
        .details(json!({ "env": run.env, "step": run.step, "result": run.outcome, "seconds": run.seconds }));
    Ok((next_release, e))
}

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
}

impl std::fmt::Display for Wait {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Wait::Accept(role) => write!(f, "{role}"),
            Wait::Restart => write!(f, "{} (restart)", Role::ReleaseManager),
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

/// A release manager switches a release with every vote go into live.
pub fn switch(
    release: &Release,
    progress: &Progress,
    reason: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(Release, Event), DomainError> {
    actor.may(&crate::domain::policy::SWITCH_A_RELEASE_LIVE)?;
    if release.state != ReleaseState::Shadow {
        return Err(DomainError::illegal(format!(
            "{} is {}: only a release in the shadow is switched live",
            release.version, release.state
        )));
    }
    let missing: Vec<&str> = VOTERS
        .iter()
        .filter(|r| !progress.votes.iter().any(|v| v.role == **r && v.yes))
        .map(|r| r.as_str())
        .collect();
    if !missing.is_empty() {
        return Err(refuse(
            "go-no-go",
            format!(
                "{} has no go from {} yet",
                release.version,
                missing.join(" and ")
            ),
        ));
    }
    need_reason(reason)?;
    let mut next = release.clone();
    next.state = ReleaseState::Live;
    let e = Event::new(now, &actor.name, "release", &release.version, "switch")
        .from_to("shadow", "live")
        .reason(Some(reason));
    Ok((next, e))
}

/// What a rollback of `release` goes back to: the release standing by in the idle slot (an
/// older standby whose slot has since been redeployed cannot take the traffic back).
pub fn standby<'a>(
    release: &Release,
    slots: &[Slot],
    releases: &'a [Release],
) -> Option<(String, &'a Release)> {
    slots.iter().filter(|s| !s.live).find_map(|s| {
        let r = releases.iter().find(|r| {
            Some(&r.version) == s.release.as_ref()
                && r.project == release.project
                && r.state == ReleaseState::Standby
        })?;
        Some((s.slot.clone(), r))
    })
}

/// Where a switch of `release` sends the traffic: its own (shadow) slot.
pub fn switch_routing(release: &Release, slots: &[Slot]) -> Option<Routing> {
    let slot = release.slot.clone().or_else(|| {
        slots
            .iter()
            .find(|s| s.release.as_ref() == Some(&release.version))
            .map(|s| s.slot.clone())
    })?;
    Some(Routing {
        change: Change::Switch,
        slot,
        version: release.version.clone(),
        from: slots
            .iter()
            .find(|s| s.live)
            .and_then(|s| s.release.clone()),
    })
}

/// Where a rollback of `release` sends the traffic: the standby's slot and version.
pub fn rollback_routing(release: &Release, standby: (&str, &Release)) -> Routing {
    Routing {
        change: Change::Rollback,
        slot: standby.0.to_string(),
        version: standby.1.version.clone(),
        from: Some(release.version.clone()),
    }
}

/// A rollback is a failed change: it opens a P1 incident on the release, with this title.
pub fn failed_change_incident(
    release: &Release,
    reason: &str,
) -> (String, super::incident::Priority) {
    (
        format!("Release {} rolled back: {}", release.version, reason.trim()),
        super::incident::Priority::P1,
    )
}

/// A release manager rolls a live release back to the standby slot.
pub fn rollback(
    release: &Release,
    standby: Option<&Release>,
    reason: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(Release, Event), DomainError> {
    actor.may(&crate::domain::policy::ROLL_A_RELEASE_BACK)?;
    if release.state != ReleaseState::Live {
        return Err(DomainError::illegal(format!(
            "{} is {}: only the live release is rolled back",
            release.version, release.state
        )));
    }
    if standby.is_none() {
        return Err(DomainError::illegal(format!(
            "{} has no standby to roll back to: it is the first release live",
            release.version
        )));
    }
    need_reason(reason)?;
    let mut next = release.clone();
    next.state = ReleaseState::RolledBack;
    let e = Event::new(now, &actor.name, "release", &release.version, "rollback")
        .from_to("live", "rolled-back")
        .reason(Some(reason));
    Ok((next, e))
}

fn need_reason(reason: &str) -> Result<(), DomainError> {
    if reason.trim().is_empty() {
        return Err(DomainError::invalid(
            "a production change needs a reason: add --reason",
        ));
    }
    Ok(())
}

#[cfg(test)]
#[path = "release_tests.rs"]
mod tests;
