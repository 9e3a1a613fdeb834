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
    /// A registered person, or an automation account (a person with the role `automation`,
    /// such as `ci`): an account is the automation, and may do nothing a person does.
    pub fn person(p: &Person) -> Self {
        Actor {
            name: p.name.clone(),
            roles: p.roles.clone(),
            automation: p.roles.contains(&Role::Automation),
        }
    }

    pub fn automation() -> Self {
        Actor {
            name: AUTOMATION.to_string(),
            roles: Vec::new(),
            automation: true,
        }
    }

    /// An automation account (a CI job's identity), not the board's own runner.
    pub fn is_account(&self) -> bool {
        self.automation && self.name != AUTOMATION
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

    /// Refuses unless the actor is a person who may perform the duty, naming its rule.
    pub fn may(&self, duty: &Duty) -> Result<(), DomainError> {
        self.require(duty.roles, duty.rule, duty.doing)
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

/// One duty: the roles that may perform it, the rule a refusal names, and what it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Duty {
    pub rule: &'static str,
    pub roles: &'static [Role],
    pub doing: &'static str,
}

macro_rules! duties {
    ($($name:ident: $rule:literal, [$($role:ident),*], $doing:literal;)*) => {
        $(pub const $name: Duty = Duty { rule: $rule, roles: &[$(Role::$role),*], doing: $doing };)*
        /// Every duty of every machine, in one table: who may do what (domain.md section 4).
        pub const DUTIES: &[Duty] = &[$($name),*];
    };
}

/// The duties as a Markdown table, for the README.
pub fn duties_markdown() -> String {
    let mut out = String::from("| rule | who | may |\n|---|---|---|\n");
    for d in DUTIES {
        let who: Vec<&str> = d.roles.iter().map(|r| r.as_str()).collect();
        out.push_str(&format!(
            "| `{}` | {} | {} |\n",
            d.rule,
            who.join(", "),
            d.doing
        ));
    }
    out
}

duties! {
    PULL_WORK_ON_THE_KANBAN_BOARD: "kanban-pull", [AmsEngineer], "pull work on the Kanban board";
    SET_A_PROJECTS_PIPELINE: "pipelines", [ReleaseManager, ProductOwner], "set a project's pipeline";
    RANK_THE_BACKLOG: "backlog-owner", [ProductOwner], "rank the backlog";
    QUEUE_AN_ITEM_FOR_THE_KANBAN_BOARD: "kanban-intake", [ProductOwner, AmsEngineer], "queue an item for the Kanban board";
    PLAN_ITEMS_INTO_A_SPRINT: "sprint-planning", [ProductOwner, Developer], "plan items into a sprint";
    START_SPRINT_WORK: "developers-build", [Developer], "start sprint work";
    ADD_A_PROJECT: "projects", [ProductOwner], "add a project";
    CHANGE_A_PROJECTS_POLICY: "project-policy", [ProductOwner, ServiceManager], "change a project's firebreak, parties or hypercare days";
    START_A_HANDOVER: "handover", [ProductOwner, Developer, ServiceManager, ReleaseManager], "start a handover";
    SUBMIT_HANDOVER_EVIDENCE: "handover-submit", [Developer, ProductOwner], "submit handover evidence";
    ACCEPT_REJECT_OR_WAIVE_HANDOVER_ITEMS: "handover-accept", [ServiceManager], "accept, reject or waive handover items";
    CLOSE_HYPERCARE: "hypercare", [ServiceManager], "close hypercare";
    EXTEND_HYPERCARE: "hypercare", [ServiceManager], "extend hypercare";
    SET_WHEN_KANBAN_CARDS_COUNT_AS_AGEING: "kanban-limits", [AmsEngineer], "set when Kanban cards count as ageing";
    SET_THE_KANBAN_BOARDS_WIP_LIMITS: "kanban-limits", [AmsEngineer], "set the Kanban board's WIP limits";
    ADD_A_SPRINT: "sprints", [ProductOwner, Developer], "add a sprint";
    CUT_A_RELEASE: "releases", [ReleaseManager, Developer, AmsEngineer, ProductOwner], "cut a release";
    RESTART_THE_AUTOMATION_AFTER_THE_FIREBREAK: "restart", [ReleaseManager], "restart the automation after the firebreak";
    RE_RUN_A_FAILED_STEP: "rerun", [ReleaseManager], "re-run a failed step once when its PD found the environment at fault";
    ABANDON_A_HALTED_RELEASE: "abandon", [ReleaseManager], "abandon a halted release, saying why";
    SWITCH_A_RELEASE_LIVE: "switch", [ReleaseManager], "switch a release live";
    ROLL_A_RELEASE_BACK: "rollback", [ReleaseManager], "roll a release back";
    RAISE_A_PROBLEM: "problems", [ServiceManager, AmsEngineer], "raise a problem";
    INVESTIGATE_A_PROBLEM: "problems", [ServiceManager, AmsEngineer], "investigate a problem";
    RECORD_A_KNOWN_ERROR: "problems", [ServiceManager, AmsEngineer], "record a known error";
    START_A_PROBLEMS_FIX: "problems", [ServiceManager, AmsEngineer], "start a problem's fix";
    CLOSE_A_PROBLEM: "problems", [ServiceManager], "close a problem";
    FLAG_A_STORY_FOR_OPERATIONS: "ops-flag", [Developer, ProductOwner, AmsEngineer], "flag a delivery story as touching operations";
    RECORD_AN_OPERATIONS_REVIEW: "ops-review", [AmsEngineer], "record the operations review of a flagged story";
    RECORD_AN_ESCAPED_DEFECT: "escapes", [Tester, ServiceManager, AmsEngineer, Developer], "record where a defect that reached live should have been caught";
    ACCEPT_AN_ITEM_FROM_TRIAGE: "triage", [ProductOwner, AmsEngineer], "accept an item from triage";
    CANCEL_AN_ITEM: "backlog-owner", [ProductOwner], "cancel an item";
    DECIDE_AN_ITEMS_TEAM: "backlog-owner", [ProductOwner], "decide which team owns an item";
    ASSIGN_AN_ITEM: "assign", [ProductOwner], "assign an item to someone else";
    CLOSE_AN_INCIDENT: "incidents", [ServiceManager], "close an incident";
    ASSIGN_AN_INCIDENT: "incidents", [ServiceManager], "assign an incident to someone";
    CHANGE_AN_INCIDENTS_PRIORITY: "incidents", [ServiceManager], "change an incident's priority, saying why";
    RAISE_A_BACKLOG_TICKET_FROM_AN_INCIDENT_OR_PROBLEM: "tickets", [ServiceManager], "raise a backlog ticket from an incident or problem";
    ROTATE_A_PERSON_BETWEEN_THE_TEAMS: "rotations", [ProductOwner, ServiceManager], "rotate a person between the teams";
    REGISTER_PEOPLE: "register-people", [ProductOwner], "register people";
    RUN_A_SPRINT: "sprints", [ProductOwner, Developer], "start, submit, approve or complete a sprint";
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
    actor.may(&REGISTER_PEOPLE)?;
    check_person_name(&person.name)?;
    if person.roles.is_empty() {
        return Err(DomainError::invalid(
            "a person needs at least one role: add --role ROLE",
        ));
    }
    if person.roles.contains(&Role::Automation) && person.roles.len() > 1 {
        return Err(DomainError::invalid(format!(
            "{} cannot be both an automation account and a person: an automation account holds the role 'automation' alone",
            person.name
        )));
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
    fn every_duty_names_its_rule_and_refuses_the_automation_and_everyone_without_its_roles() {
        for duty in DUTIES {
            assert!(!duty.rule.is_empty() && !duty.roles.is_empty(), "{duty:?}");
            let err = Actor::automation().may(duty).unwrap_err();
            assert!(err.to_string().contains(duty.doing), "{err}");
            let all = [
                Role::ProductOwner,
                Role::Developer,
                Role::AmsEngineer,
                Role::Tester,
                Role::ServiceManager,
                Role::ReleaseManager,
            ];
            let ci = Actor::person(&Person {
                name: "ci".into(),
                roles: vec![Role::Automation],
                team: Team::Ams,
            });
            assert!(
                ci.may(duty).is_err(),
                "an automation account may not {duty:?}"
            );
            for role in all {
                let someone = Actor {
                    name: "x".into(),
                    roles: vec![role],
                    automation: false,
                };
                assert_eq!(
                    someone.may(duty).is_ok(),
                    duty.roles.contains(&role),
                    "{role} and {duty:?}"
                );
            }
        }
    }

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
