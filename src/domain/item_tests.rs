use super::*;
use crate::domain::policy::Actor;
use chrono::TimeZone;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 30, 0).unwrap()
}

fn who(name: &str, roles: &[Role]) -> Actor {
    Actor {
        name: name.into(),
        roles: roles.to_vec(),
        automation: false,
    }
}

fn po() -> Actor {
    who("priya", &[Role::ProductOwner])
}
fn ams() -> Actor {
    who("sam", &[Role::AmsEngineer])
}
fn dev() -> Actor {
    who("tom", &[Role::Developer])
}

fn item_in(state: State) -> Item {
    let mut new = NewItem::titled("Renew a permit online");
    new.team = Some(Team::Appdev);
    new.points = Some(3);
    new.acceptance = "Given a valid permit, renewal takes one step".into();
    let (mut item, _) = create(new, ItemId(7), "V".into(), &po(), now()).unwrap();
    item.state = state;
    item
}

#[test]
fn a_product_owners_item_with_a_team_skips_triage() {
    assert_eq!(item_in(State::Backlog).state, State::Backlog);
    let mut new = NewItem::titled("Typo on the help page");
    new.team = Some(Team::Ams);
    let (item, event) = create(new, ItemId(1), "V".into(), &dev(), now()).unwrap();
    assert_eq!(item.state, State::Triage);
    assert_eq!(event.action, "create");
    assert_eq!(event.to.as_deref(), Some("triage"));
}

#[test]
fn people_cannot_raise_pipeline_tickets_and_the_automation_raises_only_those() {
    let mut new = NewItem::titled("Smoke test failed");
    new.origin = Origin::Pipeline;
    assert!(matches!(
        create(new.clone(), ItemId(1), "V".into(), &po(), now()),
        Err(DomainError::NotAllowed { .. })
    ));
    let (item, _) = create(new, ItemId(1), "V".into(), &Actor::automation(), now()).unwrap();
    assert_eq!(item.state, State::Triage);
    let planned = NewItem::titled("A story");
    assert!(create(planned, ItemId(2), "V".into(), &Actor::automation(), now()).is_err());
}

#[test]
fn titles_are_one_bounded_line() {
    let long = "🚀".repeat(10_000);
    let err = create(NewItem::titled(&long), ItemId(1), "V".into(), &po(), now()).unwrap_err();
    assert_eq!(err.exit_code(), 2);
    assert!(err.to_string().contains("10000 characters"), "{err}");
    assert!(create(NewItem::titled("  "), ItemId(1), "V".into(), &po(), now()).is_err());
    assert!(create(NewItem::titled("a\nb"), ItemId(1), "V".into(), &po(), now()).is_err());
}

#[test]
fn a_fixed_date_item_needs_a_due_date() {
    let mut new = NewItem::titled("Statutory notice");
    new.class = Class::FixedDate;
    assert!(create(new, ItemId(1), "V".into(), &po(), now()).is_err());
}

#[test]
fn accepting_from_triage_needs_a_triager_and_a_team() {
    let mut item = item_in(State::Triage);
    let (next, event) = apply(&item, &ItemCommand::Accept, &ams(), now()).unwrap();
    assert_eq!(next.state, State::Backlog);
    assert_eq!(next.version, item.version + 1);
    assert_eq!(next.updated_by, "sam");
    assert_eq!(
        (event.from.as_deref(), event.to.as_deref()),
        (Some("triage"), Some("backlog"))
    );
    let err = apply(&item, &ItemCommand::Accept, &dev(), now()).unwrap_err();
    assert!(matches!(
        err,
        DomainError::NotAllowed { rule: "triage", .. }
    ));
    item.team = None;
    let err = apply(&item, &ItemCommand::Accept, &po(), now()).unwrap_err();
    assert!(err.to_string().contains("has no team"), "{err}");
    let backlog = item_in(State::Backlog);
    assert!(matches!(
        apply(&backlog, &ItemCommand::Accept, &po(), now()),
        Err(DomainError::Illegal { .. })
    ));
}

#[test]
fn refining_needs_acceptance_criteria_and_points_for_a_story() {
    let item = item_in(State::Backlog);
    let (next, _) = apply(&item, &ItemCommand::Refine, &dev(), now()).unwrap();
    assert_eq!(next.state, State::Ready);
    let mut no_points = item.clone();
    no_points.points = None;
    let err = apply(&no_points, &ItemCommand::Refine, &dev(), now()).unwrap_err();
    assert!(err.to_string().contains("without points"), "{err}");
    no_points.kind = Kind::Defect;
    assert!(apply(&no_points, &ItemCommand::Refine, &dev(), now()).is_ok());
    let mut no_criteria = item.clone();
    no_criteria.acceptance.clear();
    let err = apply(&no_criteria, &ItemCommand::Refine, &dev(), now()).unwrap_err();
    assert!(err.to_string().contains("acceptance criteria"), "{err}");
    assert!(apply(&item_in(State::Triage), &ItemCommand::Refine, &dev(), now()).is_err());
}

#[test]
fn only_a_product_owner_cancels_and_only_before_work_starts() {
    let cancel = ItemCommand::Cancel {
        reason: "superseded by FB-9".into(),
    };
    for state in [State::Triage, State::Backlog, State::Ready] {
        let (next, event) = apply(&item_in(state), &cancel, &po(), now()).unwrap();
        assert_eq!(next.state, State::Cancelled);
        assert_eq!(event.reason.as_deref(), Some("superseded by FB-9"));
    }
    for state in [State::InProgress, State::Done, State::Cancelled] {
        assert!(matches!(
            apply(&item_in(state), &cancel, &po(), now()),
            Err(DomainError::Illegal { .. })
        ));
    }
    assert!(matches!(
        apply(&item_in(State::Backlog), &cancel, &dev(), now()),
        Err(DomainError::NotAllowed { .. })
    ));
    assert!(ItemCommand::parse("cancel", None).is_err());
    assert!(ItemCommand::parse("cancel", Some("  ")).is_err());
}

#[test]
fn blocking_flags_an_open_item_with_its_reason() {
    let item = item_in(State::Backlog);
    let block = ItemCommand::Block {
        reason: "waiting for the payment provider".into(),
    };
    let (blocked, _) = apply(&item, &block, &dev(), now()).unwrap();
    assert_eq!(blocked.state, State::Backlog);
    assert_eq!(
        blocked.blocked.as_deref(),
        Some("waiting for the payment provider")
    );
    assert!(apply(&blocked, &block, &dev(), now()).is_err());
    let (unblocked, _) = apply(&blocked, &ItemCommand::Unblock, &dev(), now()).unwrap();
    assert_eq!(unblocked.blocked, None);
    assert!(apply(&unblocked, &ItemCommand::Unblock, &dev(), now()).is_err());
    assert!(apply(&item_in(State::Done), &block, &dev(), now()).is_err());
}

#[test]
fn an_edit_records_what_changed() {
    let item = item_in(State::Backlog);
    let edit = ItemEdit {
        title: Some("Renew a permit in one step".into()),
        points: Some(Some(5)),
        ..ItemEdit::default()
    };
    let (next, event) = apply(&item, &ItemCommand::Edit(edit), &dev(), now()).unwrap();
    assert_eq!(next.title, "Renew a permit in one step");
    assert_eq!(next.points, Some(5));
    assert_eq!(event.details["points"]["from"], 3);
    assert_eq!(event.details["points"]["to"], 5);
    let empty = ItemCommand::Edit(ItemEdit::default());
    assert!(apply(&item, &empty, &dev(), now()).is_err());
    let too_many = ItemCommand::Edit(ItemEdit {
        points: Some(Some(500)),
        ..ItemEdit::default()
    });
    assert!(apply(&item, &too_many, &dev(), now()).is_err());
}

#[test]
fn the_automation_never_decides() {
    let err = apply(
        &item_in(State::Triage),
        &ItemCommand::Accept,
        &Actor::automation(),
        now(),
    )
    .unwrap_err();
    assert!(matches!(err, DomainError::NotAllowed { .. }));
}

mod stale {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn a_stale_version_is_always_refused(current in 1i64..1000, seen in 1i64..1000) {
            let mut item = item_in(State::Backlog);
            item.version = current;
            let result = check_fresh(&item, Some(seen));
            if current == seen {
                prop_assert!(result.is_ok());
            } else {
                let err = result.unwrap_err();
                prop_assert_eq!(err.exit_code(), 3);
                prop_assert!(err.to_string().contains("changed by priya"), "{}", err);
            }
        }
    }
}

#[test]
fn only_the_product_owner_moves_an_item_to_the_other_team_and_waiting_work_goes_back_to_ready() {
    let to_ams = ItemCommand::Edit(ItemEdit {
        team: Some(Team::Ams),
        ..ItemEdit::default()
    });
    let planned = {
        let mut i = item_in(State::Planned);
        i.sprint = Some("Sprint 3".into());
        i
    };
    let err = apply(&planned, &to_ams, &dev(), now()).unwrap_err();
    assert!(err.to_string().contains("product-owner"), "{err}");
    let (moved, e) = apply(&planned, &to_ams, &po(), now()).unwrap();
    assert_eq!(moved.team, Some(Team::Ams));
    assert_eq!(
        moved.state,
        State::Ready,
        "off the sprint board, ready to be queued"
    );
    assert_eq!(moved.sprint, None);
    assert_eq!(e.to.as_deref(), Some("ready"));
    // Work under way moves whole: in its state, with who holds it, out of its sprint.
    let working = {
        let mut i = item_in(State::InProgress);
        i.sprint = Some("Sprint 3".into());
        i.assignee = Some("tom".into());
        i
    };
    let (moved, e) = apply(&working, &to_ams, &po(), now()).unwrap();
    assert_eq!(
        (
            moved.state,
            moved.sprint.as_deref(),
            moved.assignee.as_deref()
        ),
        (State::InProgress, None, Some("tom"))
    );
    assert_eq!(e.to, None, "its state does not change");
    assert!(!needs_a_sprint(&working, Team::Ams));
    // Back to the delivery team: it needs its project's active sprint to join.
    let kanban = moved;
    assert!(needs_a_sprint(&kanban, Team::Appdev));
    let sprint =
        |state: crate::domain::sprint::SprintState, project: &str| crate::domain::sprint::Sprint {
            name: "Sprint 4".into(),
            project: project.into(),
            goal: String::new(),
            start: now().date_naive(),
            end: now().date_naive(),
            state,
            commitment: None,
            completed: None,
        };
    use crate::domain::sprint::SprintState as S;
    let err = join_sprint(&kanban, None).unwrap_err();
    assert!(err.to_string().contains("runs no active sprint"), "{err}");
    assert!(join_sprint(&kanban, Some(&sprint(S::Active, "elsewhere"))).is_err());
    assert!(join_sprint(&kanban, Some(&sprint(S::Future, &kanban.project))).is_err());
    assert_eq!(
        join_sprint(&kanban, Some(&sprint(S::Active, &kanban.project))).unwrap(),
        "Sprint 4"
    );
    // Editing anything else is not deciding the team.
    let retitle = ItemCommand::Edit(ItemEdit {
        title: Some("Renew a permit in one step".into()),
        team: Some(Team::Appdev),
        ..ItemEdit::default()
    });
    assert!(apply(&planned, &retitle, &dev(), now()).is_ok());
}

#[test]
fn a_rollback_takes_released_work_back_to_done_and_only_the_automation_records_it() {
    let released = item_in(State::Released);
    assert!(rolled_back(&released, "1.1.0", &po(), now()).is_err());
    let (back, e) = rolled_back(&released, "1.1.0", &Actor::automation(), now()).unwrap();
    assert_eq!(back.state, State::Done);
    assert_eq!(e.details["release"], "1.1.0");
    assert!(rolled_back(&back, "1.1.0", &Actor::automation(), now()).is_err());
}

#[test]
fn work_is_assigned_to_someone_who_may_hold_it_by_the_product_owner_its_holder_or_themselves() {
    let person = |name: &str, role: Role| Actor {
        name: name.into(),
        roles: vec![role],
        automation: false,
    };
    let (tom, aisha, sam) = (
        person("tom", Role::Developer),
        person("aisha", Role::Developer),
        person("sam", Role::AmsEngineer),
    );
    let mut working = item_in(State::InProgress);
    working.assignee = Some("tom".into());
    // The product owner hands it to another developer; not to an AMS engineer.
    let (given, e) = assign(&working, &aisha, &po(), now()).unwrap();
    assert_eq!(given.assignee.as_deref(), Some("aisha"));
    assert_eq!(
        (e.action.as_str(), &e.details["from"], &e.details["to"]),
        (
            "assign",
            &serde_json::json!("tom"),
            &serde_json::json!("aisha")
        )
    );
    let err = assign(&working, &sam, &po(), now()).unwrap_err();
    assert_eq!(err.exit_code(), 3);
    assert!(err.to_string().contains("sam may not hold FB-7"), "{err}");
    // Its holder hands it on; someone else may not give it away, but may take it.
    assert!(assign(&working, &aisha, &tom, now()).is_ok());
    assert!(assign(&working, &aisha, &person("lee", Role::Developer), now()).is_err());
    assert!(assign(&working, &aisha, &aisha, now()).is_ok());
    // Already theirs, in review, finished, without a team: refused with what to do.
    assert_eq!(
        assign(&working, &tom, &po(), now())
            .unwrap_err()
            .exit_code(),
        2
    );
    let mut review = working.clone();
    review.state = State::Review;
    assert!(
        assign(&review, &aisha, &po(), now())
            .unwrap_err()
            .to_string()
            .contains("send it back first")
    );
    assert!(assign(&item_in(State::Done), &aisha, &po(), now()).is_err());
    let mut untriaged = item_in(State::Triage);
    untriaged.team = None;
    assert!(
        assign(&untriaged, &aisha, &po(), now())
            .unwrap_err()
            .to_string()
            .contains("no team yet")
    );
    // The automation holds nothing.
    assert!(assign(&working, &Actor::automation(), &po(), now()).is_err());
}

#[test]
fn an_epic_groups_items_and_is_not_worked_itself() {
    let mut epic = item_in(State::Ready);
    epic.id = ItemId(12);
    epic.kind = Kind::Epic;
    let story = item_in(State::Ready);
    let e = set_epic(&story, None, Some(&epic), &dev(), now()).unwrap();
    assert_eq!(
        (e.action.as_str(), &e.details["to"]),
        ("epic", &serde_json::json!("FB-12"))
    );
    // Out again; already in; not an epic; an epic in an epic; the automation.
    assert!(set_epic(&story, Some(ItemId(12)), None, &dev(), now()).is_ok());
    assert_eq!(
        set_epic(&story, Some(ItemId(12)), Some(&epic), &dev(), now())
            .unwrap_err()
            .exit_code(),
        2
    );
    assert!(
        set_epic(&story, None, Some(&item_in(State::Ready)), &dev(), now())
            .unwrap_err()
            .to_string()
            .contains("not an epic")
    );
    assert!(set_epic(&epic, None, Some(&epic), &dev(), now()).is_err());
    assert!(set_epic(&story, None, Some(&epic), &Actor::automation(), now()).is_err());
    // Its stories are planned and worked, not the epic.
    let err = apply(
        &epic,
        &ItemCommand::Plan {
            sprint: "Sprint 1".into(),
        },
        &po(),
        now(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("is an epic"), "{err}");
}
