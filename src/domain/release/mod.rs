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
        Standby = "standby", Superseded = "superseded",
    }
);

impl ReleaseState {
    /// Whether a release in this state has given its items back, for another version to carry:
    /// it halted, was abandoned, superseded or rolled back.
    pub fn gives_items_back(self) -> bool {
        matches!(
            self,
            ReleaseState::Halted
                | ReleaseState::Abandoned
                | ReleaseState::RolledBack
                | ReleaseState::Superseded
        )
    }

    /// How a sentence says it: "1.0.0 is at the firebreak", "... is in the shadow".
    pub fn phrase(self) -> &'static str {
        match self {
            ReleaseState::Built => "built",
            ReleaseState::Running => "running",
            ReleaseState::Firebreak => "at the firebreak",
            ReleaseState::Shadow => "in the shadow",
            ReleaseState::Live => "live",
            ReleaseState::Halted => "halted",
            ReleaseState::Abandoned => "abandoned",
            ReleaseState::RolledBack => "rolled back",
            ReleaseState::Standby => "standing by",
            ReleaseState::Superseded => "superseded",
        }
    }
}

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
    /// Its project's policy as it stood when it was cut: a later `project edit` changes the
    /// releases cut after it, never one on its way.
    #[serde(default)]
    pub policy: Policy,
}

/// What a release keeps of its project's policy from the moment it is cut.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    /// Whether it pauses at the pre-production firebreak (a schema change arms it anyway).
    pub firebreak: bool,
    /// The roles that must accept it at the firebreak.
    pub parties: Vec<Role>,
    /// How many days of hypercare follow its switch (delivery projects only).
    pub hypercare_days: u32,
    /// The pipeline definition's file it runs, when its project had one; without, the one its
    /// project has now.
    pub pipeline: Option<String>,
}

impl Policy {
    pub fn of(project: &crate::domain::project::Project) -> Self {
        Policy {
            firebreak: project.firebreak,
            parties: project.parties.clone(),
            hypercare_days: project.hypercare_days,
            pipeline: project.pipeline.clone(),
        }
    }
}

impl Release {
    /// Whether the firebreak holds it: its project's policy when it was cut, or a schema change.
    pub fn armed(&self) -> bool {
        self.policy.firebreak || self.schema_change
    }
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
    project: &crate::domain::project::Project,
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
            "{} has no done items to release: finish work first, or name the items with --item",
            project.name
        )));
    }
    let r = Release {
        version: version.to_string(),
        project: project.name.clone(),
        originator: actor.name.clone(),
        team,
        schema_change,
        items,
        state: ReleaseState::Built,
        slot: None,
        created: now,
        policy: Policy::of(project),
    };
    let ids: Vec<String> = r.items.iter().map(|i| i.to_string()).collect();
    let e = Event::new(now, &actor.name, "release", version, "cut")
        .from_to("", "built")
        .details(json!({
            "project": project.name, "items": ids, "schema_change": schema_change,
            "policy": r.policy,
        }));
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

mod ends;
mod gates;
mod production;

pub use ends::*;
pub use gates::*;
pub use production::*;

#[cfg(test)]
mod tests;
