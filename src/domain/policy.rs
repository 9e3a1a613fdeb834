//! Who may do what: the acting person, their roles, and the rules of separation of duties.

use super::error::DomainError;
use super::vocab::{Role, Team};
use serde::{Deserialize, Serialize};

/// The pipeline runner's identity: it records results and raises tickets, never approves.
pub const AUTOMATION: &str = "automation";

/// A registered person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub name: String,
    pub roles: Vec<Role>,
    pub team: Team,
}

/// Whoever performs a command: a person, or the automation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub name: String,
    pub roles: Vec<Role>,
    pub automation: bool,
}

impl Actor {
    pub fn person(p: &Person) -> Self {
        Actor {
            name: p.name.clone(),
            roles: p.roles.clone(),
            automation: false,
        }
    }

    pub fn automation() -> Self {
        Actor {
            name: AUTOMATION.to_string(),
            roles: Vec::new(),
            automation: true,
        }
    }

    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// The roles as the header shows them: `product-owner, tester`.
    pub fn roles_text(&self) -> String {
        if self.automation {
            return AUTOMATION.to_string();
        }
        let names: Vec<&str> = self.roles.iter().map(|r| r.as_str()).collect();
        names.join(", ")
    }

    /// Refuses unless the actor is a person holding one of `roles`.
    pub fn require(
        &self,
        roles: &[Role],
        rule: &'static str,
        doing: &str,
    ) -> Result<(), DomainError> {
        if !self.automation && roles.iter().any(|r| self.has(*r)) {
            return Ok(());
        }
        let who: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
        let article = if who
            .first()
            .is_some_and(|w| w.starts_with(['a', 'e', 'i', 'o', 'u']))
        {
            "an"
        } else {
            "a"
        };
        Err(DomainError::not_allowed(
            rule,
            format!(
                "Only {article} {} may {doing}; {} is {}. Ask one to do it.",
                who.join(" or "),
                self.name,
                if self.automation {
                    "the automation".to_string()
                } else {
                    self.roles_text()
                },
            ),
        ))
    }
}

/// A person's name: a login name of lower-case letters, digits, `.`, `_` or `-`.
pub fn check_person_name(name: &str) -> Result<(), DomainError> {
    let ok = !name.is_empty()
        && name.len() <= 32
        && name != AUTOMATION
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c));
    if ok {
        Ok(())
    } else {
        Err(DomainError::invalid(format!(
            "'{name}' is not a usable person name: use a login name of up to 32 lower-case letters, digits, '.', '_' or '-' (not 'automation')"
        )))
    }
}

/// Registers a person: a product owner does it (the board's creator is the first one).
pub fn register(
    actor: &Actor,
    person: &Person,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<super::Event, DomainError> {
    actor.require(&[Role::ProductOwner], "register-people", "register people")?;
    check_person_name(&person.name)?;
    if person.roles.is_empty() {
        return Err(DomainError::invalid(
            "a person needs at least one role: add --role ROLE",
        ));
    }
    let roles: Vec<&str> = person.roles.iter().map(|r| r.as_str()).collect();
    Ok(
        super::Event::new(now, &actor.name, "person", &person.name, "register")
            .details(serde_json::json!({ "roles": roles, "team": person.team })),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_automation_holds_no_role() {
        let err = Actor::automation()
            .require(&[Role::ProductOwner], "rank", "rank the backlog")
            .unwrap_err();
        assert!(err.to_string().contains("the automation"), "{err}");
    }

    #[test]
    fn person_names_are_login_names() {
        assert!(check_person_name("priya.shah").is_ok());
        assert!(check_person_name("Priya").is_err());
        assert!(check_person_name("automation").is_err());
        assert!(check_person_name("").is_err());
    }
}
