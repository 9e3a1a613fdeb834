//! How a halted version ends: a release manager abandons it with a reason, or a later version
//! of its project passes the step that halted it and supersedes it. Either way it waits on
//! nobody any more, and its items go back to be carried by another version.

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

/// A later version of the project passed the step that halted `halted`: the fault is behind
/// it, so the halted version is superseded by it (recorded with the version). `None` when
/// `halted` is not a halted version of the same project cut before `by`, or `env/step` is not
/// where it halted.
pub fn supersede(
    halted: &Release,
    halted_at: Option<(&str, &str)>,
    by: &Release,
    passed: (&str, &str),
    now: DateTime<Utc>,
) -> Option<(Release, Event)> {
    let later = by.created > halted.created
        || (by.created == halted.created && by.version != halted.version);
    if halted.state != ReleaseState::Halted
        || halted.project != by.project
        || halted.version == by.version
        || !later
        || halted_at != Some(passed)
    {
        return None;
    }
    let mut next = halted.clone();
    next.state = ReleaseState::Superseded;
    let (env, step) = passed;
    let e = Event::new(
        now,
        crate::domain::policy::AUTOMATION,
        "release",
        &halted.version,
        "supersede",
    )
    .from_to("halted", "superseded")
    .details(json!({ "by": by.version, "env": env, "step": step }));
    Some((next, e))
}

/// How an ended version ended, in a sentence, from its events: who abandoned it and why, or
/// which version superseded it at which step. `None` for a release that has not ended so.
pub fn ending(events: &[Event]) -> Option<String> {
    let e = events.iter().rev().find(|e| {
        e.to.as_deref() == Some(ReleaseState::Superseded.as_str())
            || e.to.as_deref() == Some(ReleaseState::Abandoned.as_str())
    })?;
    let day = e.at.format("%Y-%m-%d %H:%M");
    if e.action == "supersede" {
        let text = |k: &str| e.details[k].as_str().unwrap_or("?").to_string();
        return Some(format!(
            "Superseded on {day}: {} passed {}/{}, where this version halted.",
            text("by"),
            text("env"),
            text("step")
        ));
    }
    let why = e
        .details
        .get("reason")
        .and_then(|r| r.as_str())
        .map(str::to_string)
        .or_else(|| e.reason.clone())
        .unwrap_or_default();
    let how = if e.action == "vote" {
        "with a no-go vote"
    } else {
        "while halted"
    };
    Some(format!("Abandoned on {day} by {} {how}: {why}", e.actor))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ItemId;
    use crate::domain::vocab::{Role, Team};
    use chrono::TimeZone;

    fn release(version: &str, state: ReleaseState) -> Release {
        cut_on(version, state, 1)
    }

    fn cut_on(version: &str, state: ReleaseState, day: u32) -> Release {
        Release {
            version: version.into(),
            project: "permits".into(),
            originator: "tom".into(),
            team: Team::Appdev,
            schema_change: false,
            items: vec![ItemId(1)],
            state,
            slot: None,
            created: Utc.with_ymd_and_hms(2026, 3, day, 9, 0, 0).unwrap(),
            policy: Default::default(),
        }
    }

    #[test]
    fn a_later_version_passing_the_step_that_halted_one_supersedes_it() {
        let now = Utc.with_ymd_and_hms(2026, 3, 3, 9, 0, 0).unwrap();
        let halted = cut_on("1.1.0", ReleaseState::Halted, 1);
        let fix = cut_on("1.1.1", ReleaseState::Running, 2);
        let at = Some(("preprod", "load"));
        let (ended, e) = supersede(&halted, at, &fix, ("preprod", "load"), now).unwrap();
        assert_eq!(ended.state, ReleaseState::Superseded);
        assert_eq!(e.action, "supersede");
        assert_eq!(e.details["by"], "1.1.1");
        assert_eq!(e.details["step"], "load");
        // Another step passed, an older version, another project, a version not halted: no.
        assert!(supersede(&halted, at, &fix, ("test", "smoke"), now).is_none());
        let older = cut_on("1.0.9", ReleaseState::Running, 1);
        let older = Release {
            created: older.created - chrono::Duration::hours(1),
            ..older
        };
        assert!(supersede(&halted, at, &older, ("preprod", "load"), now).is_none());
        let other = Release {
            project: "parking".into(),
            ..fix.clone()
        };
        assert!(supersede(&halted, at, &other, ("preprod", "load"), now).is_none());
        let live = cut_on("1.0.0", ReleaseState::Live, 1);
        assert!(supersede(&live, at, &fix, ("preprod", "load"), now).is_none());
        assert!(supersede(&halted, at, &halted, ("preprod", "load"), now).is_none());
        assert_eq!(
            ending(&[e]).unwrap(),
            "Superseded on 2026-03-03 09:00: 1.1.1 passed preprod/load, where this version halted."
        );
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
        assert_eq!(
            ending(&[e]).unwrap(),
            "Abandoned on 2026-03-02 09:00 by rita while halted: replaced by 1.2.0"
        );
        assert_eq!(ending(&[]), None);
    }
}
