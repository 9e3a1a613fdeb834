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

    #[test]
    fn a_delivery_project_defaults_its_firebreak_parties() {
        let p = Project::delivery("permits", true, vec![], 14).unwrap();
        assert_eq!(p.parties, [Role::Tester, Role::ServiceManager]);
        assert!(Project::delivery("bau", false, vec![], 0).is_err());
        assert!(Project::delivery("Permits!", false, vec![], 0).is_err());
        assert!(Project::delivery("x", false, vec![], 400).is_err());
    }
}
