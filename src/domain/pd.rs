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
    if actor.automation || actor_team != Some(release.team) {
        return Err(DomainError::not_allowed(
            "problem-determination",
            format!(
                "The team that originated {} ({}) determines its problem; {} is not in it",
                release.version, release.team, actor.name
            ),
        ));
    }
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
