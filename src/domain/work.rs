//! The work transitions of an item (domain.md 3.1) after the backlog: into a sprint or onto
//! the Kanban board, started or pulled, submitted, sent back, approved, carried out of a sprint.
//! The rules that need the board (WIP limits, the sprint's state) are checked by `kanban` and
//! `sprint` before these run.

use super::error::DomainError;
use super::item::{Item, ItemCommand};
use super::policy::Actor;
use super::vocab::{Role, State, Team};

/// Changes `next` for a work command; returns the reason to record, if any.
pub(super) fn apply(
    item: &Item,
    cmd: &ItemCommand,
    actor: &Actor,
    next: &mut Item,
) -> Result<Option<String>, DomainError> {
    let id = item.id;
    let must_be = |state: State, doing: &str| -> Result<(), DomainError> {
        if item.state == state {
            Ok(())
        } else {
            Err(DomainError::illegal(format!(
                "{id} is {}, so it cannot be {doing}; only {state} items are",
                item.state
            )))
        }
    };
    let team_must_be = |team: Team, board: &str| -> Result<(), DomainError> {
        if item.team == Some(team) {
            Ok(())
        } else {
            Err(DomainError::illegal(format!(
                "{id} belongs to team {}, not {team}: it is not worked on the {board}",
                item.team.map_or("-", |t| t.as_str())
            )))
        }
    };
    let unblocked = |doing: &str| -> Result<(), DomainError> {
        match &item.blocked {
            Some(reason) => Err(DomainError::illegal(format!(
                "{id} is blocked ({reason}), so it cannot be {doing}; unblock it first"
            ))),
            None => Ok(()),
        }
    };
    let mut reason = None;
    if item.kind == crate::domain::Kind::Epic
        && matches!(
            cmd,
            ItemCommand::Queue
                | ItemCommand::Plan { .. }
                | ItemCommand::Start
                | ItemCommand::Pull { .. }
                | ItemCommand::Submit
                | ItemCommand::Approve
        )
    {
        return Err(DomainError::illegal(format!(
            "{id} is an epic: its stories and enhancements are planned and worked, not the epic itself (item edit ID --epic {id} puts one in it)"
        )));
    }
    match cmd {
        ItemCommand::Queue => {
            must_be(State::Ready, "queued for the Kanban board")?;
            team_must_be(Team::Ams, "Kanban board")?;
            actor.may(&crate::domain::policy::QUEUE_AN_ITEM_FOR_THE_KANBAN_BOARD)?;
            next.state = State::Queued;
        }
        ItemCommand::Plan { sprint } => {
            must_be(State::Ready, "planned into a sprint")?;
            team_must_be(Team::Appdev, "sprint board")?;
            actor.may(&crate::domain::policy::PLAN_ITEMS_INTO_A_SPRINT)?;
            next.state = State::Planned;
            next.sprint = Some(sprint.clone());
        }
        ItemCommand::Start => {
            must_be(State::Planned, "started")?;
            unblocked("started")?;
            actor.may(&crate::domain::policy::START_SPRINT_WORK)?;
            next.state = State::InProgress;
            next.assignee = Some(actor.name.clone());
        }
        ItemCommand::Pull { over } => {
            must_be(State::Queued, "pulled")?;
            team_must_be(Team::Ams, "Kanban board")?;
            unblocked("pulled")?;
            actor.may(&crate::domain::policy::PULL_WORK_ON_THE_KANBAN_BOARD)?;
            next.state = State::InProgress;
            next.assignee = Some(actor.name.clone());
            reason = over.clone();
        }
        ItemCommand::Submit => {
            must_be(State::InProgress, "submitted for review")?;
            if item.assignee.as_deref() != Some(actor.name.as_str()) {
                return Err(DomainError::not_allowed(
                    "assignee-submits",
                    format!(
                        "Only {id}'s assignee ({}) submits it for review; {} is not",
                        item.assignee.as_deref().unwrap_or("nobody yet"),
                        actor.name
                    ),
                ));
            }
            next.state = State::Review;
        }
        ItemCommand::SendBack => {
            must_be(State::Review, "sent back")?;
            not_own_work(item, actor, "send it back")?;
            next.state = State::InProgress;
        }
        ItemCommand::Approve => {
            must_be(State::Review, "approved")?;
            not_own_work(item, actor, "approve it")?;
            next.state = State::Done;
        }
        ItemCommand::Carry { sprint } => {
            if !matches!(
                item.state,
                State::Planned | State::InProgress | State::Review
            ) {
                return Err(DomainError::illegal(format!(
                    "{id} is {}: only unfinished sprint items are carried",
                    item.state
                )));
            }
            match sprint {
                Some(s) => {
                    next.sprint = Some(s.clone());
                    next.state = State::Planned;
                }
                None => {
                    next.sprint = None;
                    next.state = State::Ready;
                }
            }
            next.assignee = None;
        }
        _ => unreachable_command(cmd)?,
    }
    Ok(reason)
}

/// Nobody reviews their own work (domain.md section 4, rule 2).
fn not_own_work(item: &Item, actor: &Actor, doing: &str) -> Result<(), DomainError> {
    if item.assignee.as_deref() == Some(actor.name.as_str()) {
        return Err(DomainError::not_allowed(
            "no-self-review",
            format!(
                "{} is assigned to {}: nobody reviews their own work, so another person must {doing}",
                item.id, actor.name
            ),
        ));
    }
    if !actor
        .roles
        .iter()
        .any(|r| matches!(r, Role::Developer | Role::AmsEngineer | Role::Tester))
    {
        return Err(DomainError::not_allowed(
            "reviewers",
            format!(
                "Only a developer, AMS engineer or tester reviews work; {} is {}",
                actor.name,
                actor.roles_text()
            ),
        ));
    }
    Ok(())
}

fn unreachable_command(cmd: &ItemCommand) -> Result<(), DomainError> {
    Err(DomainError::illegal(format!(
        "{} is not a work transition",
        cmd.name()
    )))
}

#[cfg(test)]
#[path = "work_tests.rs"]
mod tests;
