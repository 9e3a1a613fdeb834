//! The demo's sprints, with a real burndown.

use super::{PROJECT, actor};
use crate::domain::item::ItemCommand;
use crate::domain::{Actor, Person};
use crate::store::{Store, StoreError};
use chrono::{DateTime, Duration, Utc};

/// The delivery team's sprints: one closed, one active half-way with a real burndown (one
/// item carried in, one done, scope added after the start), one to come.
pub(super) fn sprints(
    store: &mut Store,
    people: &[Person],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let who = |name: &str| actor(people, name);
    let (po, tom, aisha) = (who("priya"), who("tom"), who("aisha"));
    let ago = |days: i64| now - Duration::days(days);
    let day = |days: i64| (now + Duration::days(days)).date_naive();
    let id = crate::domain::ItemId;
    store.add_sprint(
        "Sprint 1",
        PROJECT,
        "Residents manage their vehicles online",
        (day(-21), day(-8)),
        &po,
        ago(22),
    )?;
    store.add_sprint(
        "Sprint 2",
        PROJECT,
        "Renewals and visitor permits live",
        (day(-7), day(6)),
        &po,
        ago(22),
    )?;
    store.add_sprint(
        "Sprint 3",
        PROJECT,
        "Business permits",
        (day(7), day(20)),
        &po,
        ago(22),
    )?;
    store.plan("Sprint 1", &[id(24), id(1)], &po, ago(22))?;
    store.start_sprint("Sprint 1", &po, ago(21))?;
    let mut act = |n: u32, cmd: ItemCommand, actor: &Actor, days: i64| {
        store
            .apply_item(id(n), &cmd, actor, ago(days), None)
            .map(|_| ())
    };
    act(24, ItemCommand::Start, &tom, 20)?;
    act(1, ItemCommand::Start, &aisha, 19)?;
    act(24, ItemCommand::Submit, &tom, 16)?;
    act(24, ItemCommand::Approve, &aisha, 15)?;
    store.complete_sprint("Sprint 1", crate::domain::sprint::Carry::Next, &po, ago(8))?;
    store.plan(
        "Sprint 2",
        &[id(3), id(4), id(22), id(40), id(50)],
        &po,
        ago(8) + Duration::hours(1),
    )?;
    store.start_sprint("Sprint 2", &po, ago(7))?;
    let mut act = |n: u32, cmd: ItemCommand, actor: &Actor, days: i64| {
        store
            .apply_item(id(n), &cmd, actor, ago(days), None)
            .map(|_| ())
    };
    act(1, ItemCommand::Start, &tom, 6)?;
    act(3, ItemCommand::Start, &aisha, 6)?;
    act(40, ItemCommand::Start, &tom, 5)?;
    act(50, ItemCommand::Start, &aisha, 5)?;
    act(50, ItemCommand::Submit, &aisha, 4)?;
    // The operations perspective: stories that touch the live service wait for an AMS review.
    use crate::domain::ops::Concern;
    let (sam, lee) = (who("sam"), who("lee"));
    let flags: [(u32, &[Concern], &str, &Actor, i64); 4] = [
        (
            50,
            &[Concern::Alerts],
            "An alert pages on-call when the permit summary errors for 5 minutes.",
            &aisha,
            5,
        ),
        (
            3,
            &[Concern::Runbook, Concern::Dependency],
            "The runbook says what to do when the map tiles provider is down; the form still works without the map.",
            &aisha,
            6,
        ),
        (
            40,
            &[Concern::Schema],
            "The new days_left column is added online and backfilled in batches; the runbook says how to roll it back.",
            &tom,
            5,
        ),
        (36, &[Concern::Dependency], "", &po, 2),
    ];
    for (n, concerns, criteria, by, days) in flags {
        let criteria = (!criteria.is_empty()).then_some(criteria);
        store.flag_ops(id(n), concerns, criteria, by, ago(days))?;
    }
    store.review_ops(
        id(50),
        None,
        "alert added to the on-call rota's pager",
        &lee,
        ago(4) + Duration::hours(2),
    )?;
    store.review_ops(
        id(3),
        None,
        "runbook section 4 covers the map provider",
        &sam,
        ago(3),
    )?;
    let mut act = |n: u32, cmd: ItemCommand, actor: &Actor, days: i64| {
        store
            .apply_item(id(n), &cmd, actor, ago(days), None)
            .map(|_| ())
    };
    act(50, ItemCommand::Approve, &tom, 3)?;
    act(3, ItemCommand::Submit, &aisha, 3)?;
    act(40, ItemCommand::Submit, &tom, 2)?;
    store.plan("Sprint 2", &[id(36)], &po, ago(2))?;
    Ok(())
}
