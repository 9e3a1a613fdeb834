use super::*;
use crate::domain::item::{NewItem, apply, create};
use crate::domain::{ItemId, Team};
use chrono::{TimeZone, Utc};

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap()
}
fn who(name: &str, role: Role) -> Actor {
    Actor {
        name: name.into(),
        roles: vec![role],
        automation: false,
    }
}
fn item(team: Team, state: State) -> Item {
    let mut new = NewItem::titled("Work");
    new.team = Some(team);
    let (mut i, _) = create(
        new,
        ItemId(4),
        "V".into(),
        &who("priya", Role::ProductOwner),
        now(),
    )
    .unwrap();
    i.state = state;
    i
}
fn refusal(i: &Item, cmd: ItemCommand, actor: &Actor) -> String {
    apply(i, &cmd, actor, now()).unwrap_err().to_string()
}

#[test]
fn each_board_takes_its_own_teams_work() {
    let po = who("priya", Role::ProductOwner);
    assert_eq!(
        refusal(&item(Team::Appdev, State::Ready), ItemCommand::Queue, &po),
        "FB-4 belongs to team appdev, not ams: it is not worked on the Kanban board"
    );
    assert_eq!(
        refusal(
            &item(Team::Ams, State::Ready),
            ItemCommand::Plan { sprint: "S".into() },
            &po
        ),
        "FB-4 belongs to team ams, not appdev: it is not worked on the sprint board"
    );
    assert_eq!(
        refusal(&item(Team::Ams, State::Backlog), ItemCommand::Queue, &po),
        "FB-4 is backlog, so it cannot be queued for the Kanban board; only ready items are"
    );
}

#[test]
fn planning_and_queueing_need_the_right_role() {
    let tester = who("grace", Role::Tester);
    assert!(
        refusal(&item(Team::Ams, State::Ready), ItemCommand::Queue, &tester)
            .starts_with("Only a product-owner or ams-engineer may queue")
    );
    assert!(
        refusal(
            &item(Team::Appdev, State::Ready),
            ItemCommand::Plan { sprint: "S".into() },
            &tester
        )
        .starts_with("Only a product-owner or developer may plan items into a sprint")
    );
    let (planned, event) = apply(
        &item(Team::Appdev, State::Ready),
        &ItemCommand::Plan { sprint: "S".into() },
        &who("tom", Role::Developer),
        now(),
    )
    .unwrap();
    assert_eq!(
        (planned.state, planned.sprint.as_deref()),
        (State::Planned, Some("S"))
    );
    assert_eq!(event.details["sprint"], "S");
}

#[test]
fn only_developers_start_sprint_work_and_not_while_it_is_blocked() {
    let mut planned = item(Team::Appdev, State::Planned);
    assert!(
        refusal(&planned, ItemCommand::Start, &who("sam", Role::AmsEngineer))
            .starts_with("Only a developer may start sprint work")
    );
    planned.blocked = Some("design sign-off".into());
    assert_eq!(
        refusal(&planned, ItemCommand::Start, &who("tom", Role::Developer)),
        "FB-4 is blocked (design sign-off), so it cannot be started; unblock it first"
    );
}

#[test]
fn sending_back_is_a_review_and_not_of_your_own_work() {
    let mut review = item(Team::Appdev, State::Review);
    review.assignee = Some("tom".into());
    assert!(
        refusal(&review, ItemCommand::SendBack, &who("tom", Role::Developer))
            .contains("nobody reviews their own work")
    );
    let (back, _) = apply(
        &review,
        &ItemCommand::SendBack,
        &who("aisha", Role::Developer),
        now(),
    )
    .unwrap();
    assert_eq!(back.state, State::InProgress);
    assert_eq!(
        refusal(
            &item(Team::Appdev, State::InProgress),
            ItemCommand::SendBack,
            &who("aisha", Role::Developer)
        ),
        "FB-4 is in-progress, so it cannot be sent back; only review items are"
    );
}

#[test]
fn carrying_moves_only_unfinished_sprint_work() {
    let po = who("priya", Role::ProductOwner);
    let mut doing = item(Team::Appdev, State::InProgress);
    doing.assignee = Some("tom".into());
    doing.sprint = Some("S1".into());
    let (next, _) = apply(
        &doing,
        &ItemCommand::Carry {
            sprint: Some("S2".into()),
        },
        &po,
        now(),
    )
    .unwrap();
    assert_eq!(
        (next.state, next.sprint.as_deref(), next.assignee.as_deref()),
        (State::Planned, Some("S2"), None)
    );
    let (back, _) = apply(&doing, &ItemCommand::Carry { sprint: None }, &po, now()).unwrap();
    assert_eq!((back.state, back.sprint.as_deref()), (State::Ready, None));
    assert_eq!(
        refusal(
            &item(Team::Appdev, State::Done),
            ItemCommand::Carry { sprint: None },
            &po
        ),
        "FB-4 is done: only unfinished sprint items are carried"
    );
}
