use super::*;
use crate::domain::Role;
use crate::domain::item::{NewItem, create};
use crate::domain::{Actor, ItemId, Team};
use chrono::{NaiveDate, TimeZone};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 30, 0).unwrap()
}

fn sam() -> Actor {
    Actor {
        name: "sam".into(),
        roles: vec![Role::AmsEngineer],
        automation: false,
    }
}
fn lee() -> Actor {
    Actor {
        name: "lee".into(),
        roles: vec![Role::AmsEngineer],
        automation: false,
    }
}

fn card(id: u32, rank: &str, class: Class, state: State) -> Item {
    let po = Actor {
        name: "priya".into(),
        roles: vec![Role::ProductOwner],
        automation: false,
    };
    let mut new = NewItem::titled(&format!("Card {id}"));
    new.team = Some(Team::Ams);
    new.class = class;
    if class == Class::FixedDate {
        new.due = NaiveDate::from_ymd_opt(2026, 4, id);
    }
    let (mut item, _) = create(new, ItemId(id), rank.into(), &po, now()).unwrap();
    item.state = state;
    item
}

fn limit(l: u32, mode: WipMode) -> ColumnLimit {
    ColumnLimit {
        column: Column::InProgress,
        limit: Some(l),
        mode,
    }
}

#[test]
fn under_the_limit_anything_goes_in() {
    assert_eq!(admit(&limit(3, WipMode::Strict), 2, None), Ok(None));
    assert_eq!(admit(&limit(3, WipMode::Off), 9, None), Ok(None));
}

#[test]
fn a_strict_limit_refuses_with_the_column_its_count_and_its_limit() {
    let err = admit(&limit(3, WipMode::Strict), 3, Some("a P1")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "In progress is at its limit (3 of 3). Finish an item first: the limit is strict, so it takes no override."
    );
    assert_eq!(err.exit_code(), 3);
}

#[test]
fn a_reasoned_limit_takes_an_override_reason_and_only_with_one() {
    let err = admit(&limit(3, WipMode::Reasoned), 3, None).unwrap_err();
    assert_eq!(
        err.to_string(),
        "In progress is at its limit (3 of 3). Finish an item first, or pull with an override reason."
    );
    assert!(admit(&limit(3, WipMode::Reasoned), 3, Some("  ")).is_err());
    assert_eq!(
        admit(&limit(3, WipMode::Reasoned), 4, Some("the P1 on payments")),
        Ok(Some("the P1 on payments".into()))
    );
}

#[test]
fn the_pull_order_is_expedite_then_fixed_date_by_due_date_then_rank() {
    let items = [
        card(1, "A", Class::Standard, State::Queued),
        card(9, "B", Class::FixedDate, State::Queued),
        card(3, "C", Class::FixedDate, State::Queued),
        card(4, "D", Class::Expedite, State::Queued),
        card(5, "0", Class::Standard, State::Queued),
    ];
    let mut sorted: Vec<&Item> = items.iter().collect();
    sorted.sort_by(|a, b| pull_order(*a, *b));
    let ids: Vec<u32> = sorted.iter().map(|i| i.id.0).collect();
    assert_eq!(ids, [4, 3, 9, 5, 1]);
    assert_eq!(next_to_pull(&items).unwrap().id, ItemId(4));
}

#[test]
fn blocked_items_are_skipped_by_the_pull() {
    let mut first = card(1, "A", Class::Expedite, State::Queued);
    first.blocked = Some("waiting".into());
    let items = [first, card(2, "B", Class::Standard, State::Queued)];
    assert_eq!(next_to_pull(&items).unwrap().id, ItemId(2));
    assert!(next_to_pull(&items[..1]).is_none());
}

#[test]
fn the_lane_holds_one_item() {
    let a = card(1, "A", Class::Expedite, State::InProgress);
    let b = card(2, "B", Class::Expedite, State::Queued);
    assert!(in_lane(&a) && !in_lane(&b));
    let err = admit_to_lane(Some(&a), &b).unwrap_err();
    assert!(
        err.to_string()
            .contains("The expedite lane holds one item and FB-1 is in it"),
        "{err}"
    );
    assert!(admit_to_lane(Some(&a), &a).is_ok());
    assert!(admit_to_lane(None, &b).is_ok());
}

#[test]
fn cards_move_only_along_their_transitions() {
    let ready = card(1, "A", Class::Standard, State::Queued);
    assert!(matches!(
        transition(&ready, Column::InProgress, None),
        Ok(ItemCommand::Pull { .. })
    ));
    let err = transition(&ready, Column::Done, None).unwrap_err();
    assert_eq!(
        err.to_string(),
        "FB-1 cannot move from ready to done: from ready it can go to in-progress"
    );
    let review = card(2, "B", Class::Standard, State::Review);
    assert_eq!(
        transition(&review, Column::InProgress, None),
        Ok(ItemCommand::SendBack)
    );
    assert_eq!(
        transition(&review, Column::Done, None),
        Ok(ItemCommand::Approve)
    );
    let backlog = card(3, "C", Class::Standard, State::Backlog);
    assert!(
        transition(&backlog, Column::InProgress, None)
            .unwrap_err()
            .to_string()
            .contains("queue it")
    );
}

#[test]
fn pulling_assigns_the_puller_and_only_the_assignee_submits() {
    let ready = card(1, "A", Class::Standard, State::Queued);
    let (pulled, event) = crate::domain::item::apply(
        &ready,
        &ItemCommand::Pull {
            over: Some("P1".into()),
        },
        &sam(),
        now(),
    )
    .unwrap();
    assert_eq!(
        (pulled.state, pulled.assignee.as_deref()),
        (State::InProgress, Some("sam"))
    );
    assert_eq!(event.reason.as_deref(), Some("P1"));
    let err = crate::domain::item::apply(&pulled, &ItemCommand::Submit, &lee(), now()).unwrap_err();
    assert!(
        err.to_string()
            .contains("Only FB-1's assignee (sam) submits it"),
        "{err}"
    );
    let (submitted, _) =
        crate::domain::item::apply(&pulled, &ItemCommand::Submit, &sam(), now()).unwrap();
    assert_eq!(submitted.state, State::Review);
}

#[test]
fn nobody_approves_their_own_work() {
    let mut review = card(1, "A", Class::Standard, State::Review);
    review.assignee = Some("sam".into());
    let err =
        crate::domain::item::apply(&review, &ItemCommand::Approve, &sam(), now()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "FB-1 is assigned to sam: nobody reviews their own work, so another person must approve it"
    );
    let (done, _) =
        crate::domain::item::apply(&review, &ItemCommand::Approve, &lee(), now()).unwrap();
    assert_eq!(done.state, State::Done);
    assert_eq!(done.entered, now());
}

#[test]
fn a_blocked_card_is_not_pulled_and_only_ams_engineers_pull() {
    let mut ready = card(1, "A", Class::Standard, State::Queued);
    let dev = Actor {
        name: "tom".into(),
        roles: vec![Role::Developer],
        automation: false,
    };
    let pull = ItemCommand::Pull { over: None };
    assert!(matches!(
        crate::domain::item::apply(&ready, &pull, &dev, now()),
        Err(DomainError::NotAllowed { .. })
    ));
    ready.blocked = Some("vendor".into());
    let err = crate::domain::item::apply(&ready, &pull, &sam(), now()).unwrap_err();
    assert!(err.to_string().contains("is blocked (vendor)"), "{err}");
}

#[test]
fn only_an_ams_engineer_sets_limits_and_never_to_zero() {
    let po = Actor {
        name: "priya".into(),
        roles: vec![Role::ProductOwner],
        automation: false,
    };
    assert!(set_limit(&po, &limit(4, WipMode::Strict), now()).is_err());
    assert!(set_limit(&sam(), &limit(0, WipMode::Strict), now()).is_err());
    let event = set_limit(&sam(), &limit(4, WipMode::Strict), now()).unwrap();
    assert_eq!(event.details["limit"], 4);
}

#[test]
fn a_second_expedite_item_waits_while_the_lane_is_busy_and_the_pull_takes_the_next() {
    let items = [
        card(1, "A", Class::Expedite, State::InProgress),
        card(2, "B", Class::Expedite, State::Queued),
        card(3, "C", Class::Standard, State::Queued),
    ];
    assert_eq!(next_to_pull(&items).unwrap().id, ItemId(3));
    // Once the lane is free, the waiting expedite item is next.
    let mut done = items.clone();
    done[0].state = State::Done;
    assert_eq!(next_to_pull(&done).unwrap().id, ItemId(2));
}
