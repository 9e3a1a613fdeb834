//! Projects: the built-in `bau` for minor changes, and delivery projects for major ones.

use super::error::DomainError;
use super::vocab::{ProjectKind, Role};
use serde::{Deserialize, Serialize};

/// The built-in business-as-usual project of the AMS team.
pub const BAU: &str = "bau";

/// A stream of change with its own firebreak policy and hypercare period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Project {
    pub name: String,
    pub kind: ProjectKind,
    /// Whether releases of this project pause at the pre-production firebreak.
    pub firebreak: bool,
    /// The roles that must accept a release at the firebreak.
    pub parties: Vec<Role>,
    pub hypercare_days: u32,
    /// The pipeline definition's file: its commands are read from there, never from the board.
    #[serde(default)]
    pub pipeline: Option<String>,
    /// Its incidents' response and resolution targets, and the hours they count in.
    #[serde(default)]
    pub sla: super::sla::Sla,
}

impl Project {
    /// A delivery project; the firebreak parties default to a tester and a service manager.
    pub fn delivery(
        name: &str,
        firebreak: bool,
        parties: Vec<Role>,
        hypercare_days: u32,
    ) -> Result<Self, DomainError> {
        check_name(name)?;
        if name == BAU {
            return Err(DomainError::invalid(
                "'bau' is the built-in project of the maintenance team: choose another name",
            ));
        }
        if hypercare_days > super::hypercare::MAX_DAYS {
            return Err(DomainError::invalid(format!(
                "{hypercare_days} days of hypercare is more than a year: give at most 365"
            )));
        }
        let parties = if parties.is_empty() {
            vec![Role::Tester, Role::ServiceManager]
        } else {
            parties
        };
        Ok(Project {
            name: name.to_string(),
            kind: ProjectKind::Delivery,
            firebreak,
            parties,
            hypercare_days,
            pipeline: None,
            sla: Default::default(),
        })
    }

    pub fn bau() -> Self {
        Project {
            name: BAU.to_string(),
            kind: ProjectKind::Bau,
            firebreak: false,
            parties: vec![Role::Tester, Role::ServiceManager],
            hypercare_days: 0,
            pipeline: None,
            sla: Default::default(),
        }
    }
}

fn check_name(name: &str) -> Result<(), DomainError> {
    let ok = !name.is_empty()
        && name.len() <= 40
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if ok {
        Ok(())
    } else {
        Err(DomainError::invalid(format!(
            "'{name}' is not a usable project name: use up to 40 lower-case letters, digits or '-'"
        )))
    }
}

/// Adds a delivery project: the product owner decides what is a project.
pub fn add(
    actor: &super::Actor,
    project: &Project,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<super::Event, DomainError> {
    actor.may(&crate::domain::policy::ADD_A_PROJECT)?;
    Ok(
        super::Event::new(now, &actor.name, "project", &project.name, "create").details(
            serde_json::json!({
                "kind": project.kind, "firebreak": project.firebreak,
                "parties": project.parties, "hypercare_days": project.hypercare_days,
            }),
        ),
    )
}

/// A change of a project's policy: each field given is the new value. The pipeline file is set
/// by the store (it must read), under its own duty.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PolicyEdit {
    pub firebreak: Option<bool>,
    pub parties: Option<Vec<Role>>,
    pub hypercare_days: Option<u32>,
    /// Incident targets to change, each for its priority.
    pub response: Vec<(super::incident::Priority, super::sla::Span)>,
    pub resolution: Vec<(super::incident::Priority, super::sla::Span)>,
    /// The working hours targets count in: `Some(None)` for round the clock.
    pub hours: Option<Option<super::sla::Calendar>>,
    /// The working hours' holidays, all of them.
    pub holidays: Option<Vec<chrono::NaiveDate>>,
}

impl PolicyEdit {
    pub fn is_empty(&self) -> bool {
        self.firebreak.is_none()
            && self.parties.is_none()
            && self.hypercare_days.is_none()
            && self.response.is_empty()
            && self.resolution.is_empty()
            && self.hours.is_none()
            && self.holidays.is_none()
    }
}

/// Changes a project's policy: a product owner or a service manager does. Returns the project
/// as it becomes and the event that records each change (old and new), or `None` for the event
/// when every value given is the one it has already.
pub fn edit(
    actor: &super::Actor,
    before: &Project,
    change: &PolicyEdit,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(Project, Option<super::Event>), DomainError> {
    actor.may(&crate::domain::policy::CHANGE_A_PROJECTS_POLICY)?;
    let mut after = before.clone();
    if let Some(parties) = &change.parties {
        if parties.is_empty() {
            return Err(DomainError::invalid(
                "a firebreak needs at least one party: give --party ROLE (e.g. tester)",
            ));
        }
        if parties.contains(&Role::Automation) {
            return Err(DomainError::invalid(
                "an automation account accepts nothing at a firebreak: name the roles of people",
            ));
        }
        let mut seen = Vec::new();
        for r in parties {
            if !seen.contains(r) {
                seen.push(*r);
            }
        }
        after.parties = seen;
    }
    if let Some(days) = change.hypercare_days {
        if days > super::hypercare::MAX_DAYS {
            return Err(DomainError::invalid(format!(
                "{days} days of hypercare is more than a year: give at most 365"
            )));
        }
        if before.kind == ProjectKind::Bau && days > 0 {
            return Err(DomainError::illegal(
                "bau's releases are minor changes and have no hypercare: only a delivery project has one",
            ));
        }
        after.hypercare_days = days;
    }
    if let Some(armed) = change.firebreak {
        after.firebreak = armed;
    }
    if let Some(hours) = &change.hours {
        let holidays = after
            .sla
            .calendar
            .take()
            .map(|c| c.holidays)
            .unwrap_or_default();
        after.sla.calendar = hours.clone().map(|mut c| {
            c.holidays = holidays;
            c
        });
    }
    if let Some(days) = &change.holidays {
        match after.sla.calendar.as_mut() {
            Some(c) => {
                let mut days = days.clone();
                days.sort_unstable();
                days.dedup();
                c.holidays = days;
            }
            None if days.is_empty() => {}
            None => {
                return Err(DomainError::invalid(
                    "holidays are days off working hours: set the hours first (--hours \"Mon-Fri 09:00-17:30 Europe/London\")",
                ));
            }
        }
    }
    after.sla.set(&change.response, &change.resolution)?;
    let mut changes = serde_json::Map::new();
    if after.firebreak != before.firebreak {
        changes.insert(
            "firebreak".into(),
            serde_json::json!([before.firebreak, after.firebreak]),
        );
    }
    if after.parties != before.parties {
        changes.insert(
            "parties".into(),
            serde_json::json!([before.parties, after.parties]),
        );
    }
    if after.hypercare_days != before.hypercare_days {
        changes.insert(
            "hypercare_days".into(),
            serde_json::json!([before.hypercare_days, after.hypercare_days]),
        );
    }
    if after.sla != before.sla {
        changes.insert("sla".into(), serde_json::json!([before.sla, after.sla]));
    }
    if changes.is_empty() {
        return Ok((after, None));
    }
    let e = super::Event::new(now, &actor.name, "project", &before.name, "edit")
        .details(serde_json::json!({ "changes": changes }));
    Ok((after, Some(e)))
}

/// What a policy change says, e.g. "firebreak armed → not armed; hypercare 14 → 7 days".
pub fn describe_changes(before: &Project, after: &Project) -> Vec<String> {
    let armed = |b: bool| if b { "armed" } else { "not armed" };
    let roles = |r: &[Role]| r.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(", ");
    let mut out = Vec::new();
    if before.firebreak != after.firebreak {
        out.push(format!(
            "firebreak {} → {}",
            armed(before.firebreak),
            armed(after.firebreak)
        ));
    }
    if before.parties != after.parties {
        out.push(format!(
            "parties {} → {}",
            roles(&before.parties),
            roles(&after.parties)
        ));
    }
    if before.hypercare_days != after.hypercare_days {
        out.push(format!(
            "hypercare {} → {} days",
            before.hypercare_days, after.hypercare_days
        ));
    }
    if before.sla.describe() != after.sla.describe() {
        out.push(format!(
            "incident targets {} → {}",
            before.sla.describe(),
            after.sla.describe()
        ));
    }
    let holidays = |p: &Project| {
        p.sla
            .calendar
            .as_ref()
            .map(|c| c.holidays.clone())
            .unwrap_or_default()
    };
    if holidays(before) != holidays(after) {
        let list = |d: Vec<chrono::NaiveDate>| {
            if d.is_empty() {
                "none".to_string()
            } else {
                d.iter()
                    .map(|d| d.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        };
        out.push(format!(
            "holidays {} → {}",
            list(holidays(before)),
            list(holidays(after))
        ));
    }
    if before.pipeline != after.pipeline {
        out.push(format!(
            "pipeline {} → {}",
            before.pipeline.as_deref().unwrap_or("none"),
            after.pipeline.as_deref().unwrap_or("none")
        ));
    }
    out
}

/// The names of the delivery projects (those that run sprints).
pub fn delivery_projects(projects: &[Project]) -> Vec<String> {
    projects
        .iter()
        .filter(|p| p.kind == ProjectKind::Delivery)
        .map(|p| p.name.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Actor;
    use chrono::TimeZone;

    fn who(role: Role) -> Actor {
        Actor {
            name: "omar".into(),
            roles: vec![role],
            automation: false,
        }
    }

    #[test]
    fn a_policy_change_is_made_by_its_duty_checked_and_records_old_and_new() {
        let now = chrono::Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap();
        let p = Project::delivery("permits", true, vec![], 14).unwrap();
        let change = PolicyEdit {
            firebreak: Some(false),
            parties: Some(vec![Role::Tester, Role::Tester, Role::ReleaseManager]),
            hypercare_days: Some(7),
            ..PolicyEdit::default()
        };
        let err = edit(&who(Role::Developer), &p, &change, now).unwrap_err();
        assert_eq!(err.exit_code(), 3);
        assert!(
            err.to_string().contains("product-owner or service-manager"),
            "{err}"
        );
        let (after, e) = edit(&who(Role::ServiceManager), &p, &change, now).unwrap();
        assert!(!after.firebreak);
        assert_eq!(
            after.parties,
            [Role::Tester, Role::ReleaseManager],
            "a role once"
        );
        assert_eq!(after.hypercare_days, 7);
        let e = e.unwrap();
        assert_eq!(e.action, "edit");
        assert_eq!(
            e.details["changes"]["hypercare_days"],
            serde_json::json!([14, 7])
        );
        assert_eq!(
            e.details["changes"]["firebreak"],
            serde_json::json!([true, false])
        );
        assert_eq!(
            describe_changes(&p, &after),
            [
                "firebreak armed → not armed",
                "parties tester, service-manager → tester, release-manager",
                "hypercare 14 → 7 days"
            ]
        );
        // The same values again: nothing to record.
        let same = PolicyEdit {
            firebreak: Some(true),
            ..PolicyEdit::default()
        };
        assert!(
            edit(&who(Role::ProductOwner), &p, &same, now)
                .unwrap()
                .1
                .is_none()
        );
        // Refusals: no party, an automation party, too long, hypercare for bau.
        let bad = |c: PolicyEdit, project: &Project| {
            edit(&who(Role::ProductOwner), project, &c, now)
                .unwrap_err()
                .exit_code()
        };
        let parties = |r: Vec<Role>| PolicyEdit {
            parties: Some(r),
            ..PolicyEdit::default()
        };
        let days = |d: u32| PolicyEdit {
            hypercare_days: Some(d),
            ..PolicyEdit::default()
        };
        assert_eq!(bad(parties(vec![]), &p), 2);
        assert_eq!(bad(parties(vec![Role::Automation]), &p), 2);
        assert_eq!(bad(days(400), &p), 2);
        assert_eq!(bad(days(5), &Project::bau()), 3);
        assert!(edit(&who(Role::ProductOwner), &Project::bau(), &days(0), now).is_ok());
    }

    #[test]
    fn incident_targets_and_hours_are_part_of_the_policy() {
        use crate::domain::incident::Priority;
        use crate::domain::sla::{Calendar, Span};
        let now = chrono::Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap();
        let p = Project::delivery("permits", true, vec![], 14).unwrap();
        let day = |d: u32| chrono::NaiveDate::from_ymd_opt(2026, 12, d).unwrap();
        let change = PolicyEdit {
            response: vec![(Priority::P1, Span::Minutes(10))],
            hours: Some(Some(
                Calendar::parse("Mon-Fri 09:00-17:00 Europe/London").unwrap(),
            )),
            holidays: Some(vec![day(26), day(25), day(25)]),
            ..PolicyEdit::default()
        };
        let (after, e) = edit(&who(Role::ServiceManager), &p, &change, now).unwrap();
        assert_eq!(after.sla.response_of(Priority::P1), Span::Minutes(10));
        assert_eq!(
            after.sla.calendar.as_ref().unwrap().holidays,
            [day(25), day(26)]
        );
        assert!(e.unwrap().details["changes"]["sla"].is_array());
        assert_eq!(
            describe_changes(&p, &after),
            [
                "incident targets P1 15m/4h · P2 1h/1d · P3 1d/5d · P4 5d/20d (round the clock) → P1 10m/4h · P2 1h/1d · P3 1d/5d · P4 5d/20d (Mon-Fri 09:00-17:00 Europe/London)",
                "holidays none → 2026-12-25, 2026-12-26"
            ]
        );
        // New hours keep the holidays; round the clock has none.
        let hours = |h: Option<Calendar>| PolicyEdit {
            hours: Some(h),
            ..PolicyEdit::default()
        };
        let (later, _) = edit(
            &who(Role::ProductOwner),
            &after,
            &hours(Some(
                Calendar::parse("Mon-Sat 08:00-18:00 Europe/London").unwrap(),
            )),
            now,
        )
        .unwrap();
        assert_eq!(later.sla.calendar.unwrap().holidays.len(), 2);
        let holidays_alone = PolicyEdit {
            holidays: Some(vec![day(25)]),
            ..PolicyEdit::default()
        };
        let err = edit(&who(Role::ProductOwner), &p, &holidays_alone, now).unwrap_err();
        assert!(err.to_string().contains("set the hours first"), "{err}");
        let slow = PolicyEdit {
            response: vec![(Priority::P2, Span::Days(2))],
            ..PolicyEdit::default()
        };
        assert!(edit(&who(Role::ProductOwner), &p, &slow, now).is_err());
        assert!(edit(&who(Role::Developer), &p, &hours(None), now).is_err());
    }

    #[test]
    fn a_delivery_project_defaults_its_firebreak_parties() {
        let p = Project::delivery("permits", true, vec![], 14).unwrap();
        assert_eq!(p.parties, [Role::Tester, Role::ServiceManager]);
        assert!(Project::delivery("bau", false, vec![], 0).is_err());
        assert!(Project::delivery("Permits!", false, vec![], 0).is_err());
        assert!(Project::delivery("x", false, vec![], 400).is_err());
    }
}
