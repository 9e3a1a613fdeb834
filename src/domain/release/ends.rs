//! How a halted version ends when its team says so: a release manager abandons it with a
//! reason. It waits on nobody any more, and its items go back to be carried by another
//! version.

use super::{Release, ReleaseState};
use crate::domain::error::DomainError;
use crate::domain::event::Event;
use crate::domain::policy::Actor;
use chrono::{DateTime, Utc};
use serde_json::json;

/// A release manager abandons a halted version, saying why.
pub fn abandon(
    release: &Release,
    reason: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(Release, Event), DomainError> {
    actor.may(&crate::domain::policy::ABANDON_A_HALTED_RELEASE)?;
    if release.state != ReleaseState::Halted {
        return Err(DomainError::illegal(format!(
            "{} is {}: only a halted version is abandoned here (a no-go abandons one in the shadow)",
            release.version,
            release.state.phrase()
        )));
    }
    if reason.trim().is_empty() {
        return Err(DomainError::invalid(format!(
            "abandoning {} needs a reason: add --reason",
            release.version
        )));
    }
    let mut next = release.clone();
    next.state = ReleaseState::Abandoned;
    let e = Event::new(now, &actor.name, "release", &release.version, "abandon")
        .from_to("halted", "abandoned")
        .details(json!({ "reason": reason }));
    Ok((next, e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ItemId;
    use crate::domain::vocab::{Role, Team};
    use chrono::TimeZone;

    fn release(version: &str, state: ReleaseState) -> Release {
        Release {
            version: version.into(),
            project: "permits".into(),
            originator: "tom".into(),
            team: Team::Appdev,
            schema_change: false,
            items: vec![ItemId(1)],
            state,
            slot: None,
            created: Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap(),
        }
    }

    fn who(role: Role) -> Actor {
        Actor {
            name: "rita".into(),
            roles: vec![role],
            automation: false,
        }
    }

    #[test]
    fn a_halted_version_is_abandoned_by_a_release_manager_with_a_reason() {
        let now = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
        let halted = release("1.1.0", ReleaseState::Halted);
        let running = release("1.1.1", ReleaseState::Running);
        let rm = who(Role::ReleaseManager);
        let err = abandon(&halted, " ", &rm, now).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(abandon(&halted, "replaced by 1.2.0", &who(Role::Tester), now).is_err());
        let (ended, e) = abandon(&halted, "replaced by 1.2.0", &rm, now).unwrap();
        assert_eq!(ended.state, ReleaseState::Abandoned);
        assert_eq!(e.details["reason"], "replaced by 1.2.0");
        assert!(abandon(&running, "x", &rm, now).is_err());
    }
}
