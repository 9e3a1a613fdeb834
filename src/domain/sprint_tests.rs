use super::*;
use crate::domain::Role;
use crate::domain::item::{NewItem, create as create_item};
use crate::domain::{ItemId, Team};
use chrono::TimeZone;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap()
}
fn d(day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, day).unwrap()
}
fn po() -> Actor {
    Actor {
        name: "priya".into(),
        roles: vec![Role::ProductOwner],
        automation: false,
    }
}
fn project() -> Project {
    Project::delivery("permits", true, vec![], 14).unwrap()
}
fn item(id: u32, points: u32, state: State) -> Item {
    let mut new = NewItem::titled("Story");
    new.team = Some(Team::Appdev);
    new.points = Some(points);
    let (mut i, _) = create_item(new, ItemId(id), "V".into(), &po(), now()).unwrap();
    i.state = state;
    i
}

#[test]
fn a_sprint_belongs_to_a_delivery_project_and_has_sane_dates() {
    let (s, e) = create(
        "Sprint 1",
        &project(),
        "Renewals live",
        d(2),
        d(13),
        &po(),
        now(),
    )
    .unwrap();
    assert_eq!(
        (s.state, e.action.as_str()),
        (SprintState::Future, "create")
    );
    let err = create("Sprint 1", &Project::bau(), "", d(2), d(13), &po(), now()).unwrap_err();
    assert!(
        err.to_string()
            .contains("sprints belong to delivery projects"),
        "{err}"
    );
    let err = create("Sprint 1", &project(), "", d(13), d(2), &po(), now()).unwrap_err();
    assert!(err.to_string().contains("swap the dates"), "{err}");
    assert!(create("", &project(), "", d(2), d(13), &po(), now()).is_err());
    let ams = Actor {
        name: "sam".into(),
        roles: vec![Role::AmsEngineer],
        automation: false,
    };
    assert!(matches!(
        create("S", &project(), "", d(2), d(3), &ams, now()),
        Err(DomainError::NotAllowed { .. })
    ));
}

#[test]
fn starting_snapshots_the_commitment_and_only_one_sprint_is_active() {
    let (s, _) = create("Sprint 1", &project(), "", d(2), d(13), &po(), now()).unwrap();
    let (a, b) = (item(1, 5, State::Planned), item(2, 3, State::Planned));
    let err = start(&s, Some("Sprint 0"), &[&a, &b], &po(), now()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Sprint 0 is still active in permits: complete it before starting Sprint 1"
    );
    let (active, e) = start(&s, None, &[&a, &b], &po(), now()).unwrap();
    assert_eq!(active.state, SprintState::Active);
    let c = active.commitment.clone().unwrap();
    assert_eq!(
        (c.items, c.points),
        (vec!["FB-1".to_string(), "FB-2".to_string()], 8)
    );
    assert_eq!(e.details["points"], 8);
    assert!(
        start(&active, None, &[], &po(), now()).is_err(),
        "an active sprint does not start again"
    );
    assert!(check_active(&active).is_ok() && check_active(&s).is_err());
}

#[test]
fn a_closed_sprint_stays_closed_and_records_what_was_done() {
    let (s, _) = create("Sprint 1", &project(), "", d(2), d(13), &po(), now()).unwrap();
    let (done, open) = (item(1, 5, State::Done), item(2, 3, State::InProgress));
    let (active, _) = start(&s, None, &[&done, &open], &po(), now()).unwrap();
    let (closed, e) = complete(&active, &[&done, &open], &po(), now()).unwrap();
    assert_eq!(
        (closed.state, closed.completed),
        (SprintState::Closed, Some(5))
    );
    assert_eq!(e.details["unfinished"][0], "FB-2");
    assert!(complete(&closed, &[], &po(), now()).is_err());
    assert!(start(&closed, None, &[], &po(), now()).is_err());
    assert!(
        check_open(&closed)
            .unwrap_err()
            .to_string()
            .contains("is closed")
    );
}

#[test]
fn velocity_is_the_mean_of_the_last_closed_sprints() {
    let mk = |end: u32, done: u32| Sprint {
        name: format!("S{end}"),
        project: "permits".into(),
        goal: String::new(),
        start: d(1),
        end: d(end),
        state: SprintState::Closed,
        commitment: None,
        completed: Some(done),
    };
    let (a, b, c) = (mk(5, 10), mk(10, 20), mk(15, 30));
    assert_eq!(velocity(&[&a, &b, &c], 2), Some(25.0));
    assert_eq!(velocity(&[], 3), None);
}
