//! Problem determination on a halted release (issue 7, domain.md 3.5): the team that
//! originated the release records what it found and the class of cause, then concludes. Until
//! it concludes, the halted release waits on that team.

use super::error::DomainError;
use super::event::Event;
use super::policy::Actor;
use super::release::{Release, ReleaseState};
use super::vocab::{Team, vocabulary};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

vocabulary!(
    /// What kind of thing made the release fail.
    Cause ("cause") {
        Code = "code", Test = "test", Environment = "environment", Data = "data",
        Dependency = "dependency",
    }
);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pd {
    pub release: String,
    pub findings: String,
    pub cause: Option<Cause>,
    /// Who last wrote it.
    pub by: String,
    pub updated: DateTime<Utc>,
    pub concluded: Option<DateTime<Utc>>,
    /// When a release manager re-ran the failed step on the strength of this PD (once).
    #[serde(default)]
    pub rerun: Option<DateTime<Utc>>,
    /// The tickets the team raised from it.
    #[serde(default)]
    pub tickets: Vec<crate::domain::ItemId>,
}

/// What a person writes into the PD: findings, a cause, and whether it is concluded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PdEntry {
    pub findings: Option<String>,
    pub cause: Option<Cause>,
    pub conclude: bool,
}

/// Records problem determination: only on a halted release, only by a person of the team that
/// owns its failures (as their team stands today, rotations included), and not after it is
/// concluded. Concluding needs findings and a cause.
pub fn record(
    release: &Release,
    current: Option<&Pd>,
    entry: &PdEntry,
    actor: &Actor,
    actor_team: Option<Team>,
    now: DateTime<Utc>,
) -> Result<(Pd, Event), DomainError> {
    if release.state != ReleaseState::Halted {
        return Err(DomainError::illegal(format!(
            "{} is {}: problem determination is for a halted release",
            release.version, release.state
        )));
    }
    of_the_team(release, actor, actor_team)?;
    if let Some(pd) = current
        && pd.concluded.is_some()
    {
        return Err(DomainError::illegal(format!(
            "the problem determination of {} is concluded: a new version carries the fix",
            release.version
        )));
    }
    if entry.findings.is_none() && entry.cause.is_none() && !entry.conclude {
        return Err(DomainError::invalid(
            "say what you found: add --findings TEXT, --cause CLASS or --conclude",
        ));
    }
    let mut pd = current.cloned().unwrap_or(Pd {
        release: release.version.clone(),
        findings: String::new(),
        cause: None,
        by: actor.name.clone(),
        updated: now,
        concluded: None,
        rerun: None,
        tickets: Vec::new(),
    });
    if let Some(f) = &entry.findings {
        let f = f.trim();
        if f.is_empty() {
            return Err(DomainError::invalid("the findings are empty"));
        }
        pd.findings = f.to_string();
    }
    if let Some(c) = entry.cause {
        pd.cause = Some(c);
    }
    if entry.conclude {
        if pd.findings.is_empty() || pd.cause.is_none() {
            return Err(DomainError::invalid(
                "a conclusion needs the findings and a cause (code, test, environment, data or dependency)",
            ));
        }
        pd.concluded = Some(now);
    }
    pd.by = actor.name.clone();
    pd.updated = now;
    let action = if entry.conclude { "pd-conclude" } else { "pd" };
    let e = Event::new(now, &actor.name, "release", &release.version, action)
        .details(serde_json::json!({ "findings": pd.findings, "cause": pd.cause }));
    Ok((pd, e))
}

fn of_the_team(release: &Release, actor: &Actor, team: Option<Team>) -> Result<(), DomainError> {
    if actor.automation || team != Some(release.team) {
        return Err(DomainError::not_allowed(
            "problem-determination",
            format!(
                "The team that originated {} ({}) determines its problem; {} is not in it",
                release.version, release.team, actor.name
            ),
        ));
    }
    Ok(())
}

/// A ticket raised from the PD, when the problem is wider than the defect the automation
/// raised: by a person of the originating team, while the release is halted.
pub fn may_raise_ticket(
    release: &Release,
    pd: Option<&Pd>,
    actor: &Actor,
    actor_team: Option<Team>,
) -> Result<(), DomainError> {
    if release.state != ReleaseState::Halted {
        return Err(DomainError::illegal(format!(
            "{} is {}: tickets from problem determination are for a halted release",
            release.version, release.state
        )));
    }
    of_the_team(release, actor, actor_team)?;
    if pd.is_none() {
        return Err(DomainError::illegal(format!(
            "{v} has no problem determination yet: record what you found first (`firebreak release pd {v} --findings TEXT`)",
            v = release.version
        )));
    }
    Ok(())
}

/// The one re-run of a failed step (domain.md 3.5): a release manager may run the step that
/// halted the release once more when its concluded PD found the environment at fault. The PD is
/// the recorded reason; the release runs on from that step.
pub fn rerun(
    release: &Release,
    pd: Option<&Pd>,
    failed: Option<(&str, &str)>,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(Release, Event), DomainError> {
    actor.may(&crate::domain::policy::RE_RUN_A_FAILED_STEP)?;
    let v = &release.version;
    if release.state != ReleaseState::Halted {
        return Err(DomainError::illegal(format!(
            "{v} is {}: only a halted release has a failed step to re-run",
            release.state
        )));
    }
    let Some((env, step)) = failed else {
        return Err(DomainError::illegal(format!(
            "{v} was halted at a gate, not by a failed step: a new version carries the fix"
        )));
    };
    let Some(pd) = pd.filter(|p| p.concluded.is_some()) else {
        return Err(DomainError::illegal(format!(
            "{v} has no concluded problem determination: its team concludes it first (`firebreak release pd {v}`)"
        )));
    };
    if pd.cause != Some(Cause::Environment) {
        return Err(DomainError::not_allowed(
            "rerun-environment",
            format!(
                "{v} failed for a {} cause: a step is re-run only when the environment was at fault; a new version carries the fix",
                pd.cause.map_or("unknown", |c| c.as_str())
            ),
        ));
    }
    if let Some(at) = pd.rerun {
        return Err(DomainError::illegal(format!(
            "{env}/{step} of {v} was re-run once already, on {}: a new version carries the fix",
            at.format("%Y-%m-%d %H:%M")
        )));
    }
    let mut next = release.clone();
    next.state = ReleaseState::Running;
    let e = Event::new(now, &actor.name, "release", v, "rerun")
        .from_to("halted", "running")
        .details(serde_json::json!({ "env": env, "step": step, "reason": pd.findings, "cause": pd.cause }));
    Ok((next, e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Role;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap()
    }
    fn halted() -> Release {
        Release {
            version: "1.1.0".into(),
            project: "permits".into(),
            originator: "tom".into(),
            team: Team::Appdev,
            schema_change: false,
            items: vec![],
            state: ReleaseState::Halted,
            slot: None,
            created: now(),
            policy: Default::default(),
        }
    }
    fn aisha() -> Actor {
        Actor {
            name: "aisha".into(),
            roles: vec![Role::Developer],
            automation: false,
        }
    }

    #[test]
    fn the_originating_team_records_findings_then_concludes_with_a_cause() {
        let found = PdEntry {
            findings: Some("smoke test hit an expired certificate".into()),
            ..PdEntry::default()
        };
        let (pd, e) = record(&halted(), None, &found, &aisha(), Some(Team::Appdev), now()).unwrap();
        assert_eq!((pd.cause, pd.concluded), (None, None));
        assert_eq!(e.action, "pd");
        let early = PdEntry {
            conclude: true,
            ..PdEntry::default()
        };
        let err = record(
            &halted(),
            Some(&pd),
            &early,
            &aisha(),
            Some(Team::Appdev),
            now(),
        )
        .unwrap_err();
        assert!(
            err.to_string().contains("needs the findings and a cause"),
            "{err}"
        );
        let done = PdEntry {
            cause: Some(Cause::Environment),
            conclude: true,
            ..PdEntry::default()
        };
        let (pd, e) = record(
            &halted(),
            Some(&pd),
            &done,
            &aisha(),
            Some(Team::Appdev),
            now(),
        )
        .unwrap();
        assert_eq!(pd.cause, Some(Cause::Environment));
        assert_eq!(pd.concluded, Some(now()));
        assert_eq!(e.action, "pd-conclude");
        let again = record(
            &halted(),
            Some(&pd),
            &found,
            &aisha(),
            Some(Team::Appdev),
            now(),
        )
        .unwrap_err();
        assert!(again.to_string().contains("is concluded"), "{again}");
    }

    fn concluded(cause: Cause) -> Pd {
        Pd {
            release: "1.1.0".into(),
            findings: "the test database ran out of disk".into(),
            cause: Some(cause),
            by: "aisha".into(),
            updated: now(),
            concluded: Some(now()),
            rerun: None,
            tickets: vec![],
        }
    }
    fn rm() -> Actor {
        Actor {
            name: "rosa".into(),
            roles: vec![Role::ReleaseManager],
            automation: false,
        }
    }

    #[test]
    fn a_release_manager_re_runs_the_failed_step_once_when_the_environment_was_at_fault() {
        let pd = concluded(Cause::Environment);
        let failed = Some(("test", "smoke"));
        let (next, e) = rerun(&halted(), Some(&pd), failed, &rm(), now()).unwrap();
        assert_eq!(next.state, ReleaseState::Running);
        assert_eq!(e.action, "rerun");
        assert_eq!(e.details["reason"], "the test database ran out of disk");
        assert_eq!(e.details["step"], "smoke");
        // Once only.
        let done = Pd {
            rerun: Some(now()),
            ..pd.clone()
        };
        let twice = rerun(&halted(), Some(&done), failed, &rm(), now()).unwrap_err();
        assert!(twice.to_string().contains("re-run once already"), "{twice}");
        // Only for the environment, only on a concluded PD, only by a release manager.
        let code = rerun(
            &halted(),
            Some(&concluded(Cause::Code)),
            failed,
            &rm(),
            now(),
        );
        assert!(code.unwrap_err().to_string().contains("code cause"));
        let open = Pd {
            concluded: None,
            ..pd.clone()
        };
        let early = rerun(&halted(), Some(&open), failed, &rm(), now()).unwrap_err();
        assert!(early.to_string().contains("concludes it first"), "{early}");
        assert!(rerun(&halted(), None, failed, &rm(), now()).is_err());
        assert!(rerun(&halted(), Some(&pd), failed, &aisha(), now()).is_err());
        assert!(rerun(&halted(), Some(&pd), failed, &Actor::automation(), now()).is_err());
        // Halted at a gate: nothing failed to re-run.
        let gate = rerun(&halted(), Some(&pd), None, &rm(), now()).unwrap_err();
        assert!(gate.to_string().contains("halted at a gate"), "{gate}");
    }

    #[test]
    fn tickets_come_from_the_originating_team_of_a_halted_release() {
        let pd = Some(concluded(Cause::Dependency));
        let pd = pd.as_ref();
        assert!(may_raise_ticket(&halted(), pd, &aisha(), Some(Team::Appdev)).is_ok());
        let first = may_raise_ticket(&halted(), None, &aisha(), Some(Team::Appdev)).unwrap_err();
        assert!(first.to_string().contains("record what you found first"));
        assert!(may_raise_ticket(&halted(), pd, &aisha(), Some(Team::Ams)).is_err());
        assert!(may_raise_ticket(&halted(), pd, &Actor::automation(), None).is_err());
        let mut live = halted();
        live.state = ReleaseState::Live;
        assert!(may_raise_ticket(&live, pd, &aisha(), Some(Team::Appdev)).is_err());
    }

    #[test]
    fn only_the_originating_team_on_a_halted_release() {
        let found = PdEntry {
            findings: Some("x".into()),
            ..PdEntry::default()
        };
        let other = record(&halted(), None, &found, &aisha(), Some(Team::Ams), now()).unwrap_err();
        assert!(other.to_string().contains("is not in it"), "{other}");
        assert!(record(&halted(), None, &found, &Actor::automation(), None, now()).is_err());
        let mut live = halted();
        live.state = ReleaseState::Live;
        assert!(record(&live, None, &found, &aisha(), Some(Team::Appdev), now()).is_err());
        assert!(
            record(
                &halted(),
                None,
                &PdEntry::default(),
                &aisha(),
                Some(Team::Appdev),
                now()
            )
            .is_err()
        );
    }
}
