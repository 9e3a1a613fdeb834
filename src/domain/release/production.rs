//! Production's changes: a switch into live and a rollback to the standby slot, where each
//! sends the traffic, and the incident a rollback opens.

use super::{Change, Progress, Release, ReleaseState, Routing, Slot, VOTERS, refuse};
use crate::domain::error::DomainError;
use crate::domain::event::Event;
use crate::domain::policy::Actor;
use chrono::{DateTime, Utc};

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

/// What a production slot is for, from whether it takes the traffic and the state of the
/// release it holds: live, the shadow waiting for go/no-go, the old live standing by for a
/// rollback, or idle.
pub fn slot_role(live: bool, holds: Option<ReleaseState>) -> &'static str {
    match (live, holds) {
        (true, _) => "LIVE",
        (false, Some(ReleaseState::Shadow)) => "shadow (go/no-go)",
        (false, Some(ReleaseState::Standby)) => "standby (for a rollback)",
        _ => "idle",
    }
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
) -> (String, crate::domain::incident::Priority) {
    (
        format!("Release {} rolled back: {}", release.version, reason.trim()),
        crate::domain::incident::Priority::P1,
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
