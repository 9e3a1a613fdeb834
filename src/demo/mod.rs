//! The demo board: Northbridge Council's resident parking-permit service, with people for
//! every role and a backlog that shows every kind, origin, team, class and state.

mod history;
mod incidents;
mod releases;
mod sprints;

pub use history::history;
use incidents::incidents;
pub use releases::pipeline_dir;
use releases::releases;
use sprints::sprints;

use crate::domain::item::{ItemCommand, ItemEdit, NewItem};
use crate::domain::kanban::Column;
use crate::domain::project::Project;
use crate::domain::{Actor, Class, Identity, Kind, Origin, Person, Role, State, Team};
use crate::store::{Store, StoreError};
use chrono::{DateTime, Duration, Utc};

pub const TITLE: &str = "Northbridge parking permits";
pub const PROJECT: &str = "permits-online";

/// The people of the demo, one or more for every role.
pub fn people() -> Vec<Person> {
    let p = |name: &str, roles: &[Role], team| Person {
        name: name.into(),
        roles: roles.to_vec(),
        team,
    };
    vec![
        p("priya", &[Role::ProductOwner], Team::Appdev),
        p("tom", &[Role::Developer], Team::Appdev),
        p("aisha", &[Role::Developer], Team::Appdev),
        p("sam", &[Role::AmsEngineer], Team::Ams),
        p("lee", &[Role::AmsEngineer], Team::Ams),
        p("grace", &[Role::Tester], Team::Ams),
        p("omar", &[Role::ServiceManager], Team::Ams),
        p("rita", &[Role::ReleaseManager], Team::Ams),
        // The CI's identity: it reports the steps an external CI runs, and does nothing else.
        p("ci", &[Role::Automation], Team::Ams),
    ]
}

use Class::{Expedite as X, FixedDate as F, Standard as S};
use Kind::{Defect as D, Enhancement as E, Story as St, Task as T};
use Origin::{Incident as Inc, ManualTest as Mt, Pipeline as Pl, Planned as Pn, Problem as Pr};
use State::*;
use Team::{Ams as A, Appdev as Dv};

/// (title, kind, origin, team, class, points, state, days ago, blocked by)
type Row = (
    &'static str,
    Kind,
    Origin,
    Team,
    Class,
    Option<u32>,
    State,
    i64,
    Option<&'static str>,
);

#[rustfmt::skip]
const ROWS: &[Row] = &[
    ("Residents renew a permit in one step", St, Pn, Dv, S, Some(5), InProgress, 23, None),
    ("Payment page times out under load", D, Inc, A, X, None, InProgress, 2, None),
    ("Show the permit zone map on the application form", St, Pn, Dv, S, Some(3), Review, 18, None),
    ("Visitor permits bought by the hour", St, Pn, Dv, S, Some(8), Planned, 25, None),
    ("Statutory notice of the new charges online by 1 April", T, Pn, A, F, Some(2), Queued, 9, None),
    ("Smoke test: login page returns 502 in test", D, Pl, Dv, S, None, Triage, 1, None),
    ("Refund a permit cancelled within 14 days", St, Pn, Dv, S, Some(5), Ready, 16, None),
    ("Address lookup returns duplicate flats", D, Mt, A, S, None, Backlog, 6, None),
    ("Blue badge holders get a free second permit", E, Pr, Dv, S, Some(3), Backlog, 12, None),
    ("Upgrade the payment SDK to the supported version", T, Pn, A, F, Some(2), Queued, 8, Some("waiting for the payment provider's sandbox keys")),
    ("Email receipt shows the wrong VAT line", D, Inc, A, S, None, Review, 4, None),
    ("Business permits for care workers", St, Pn, Dv, S, Some(13), Backlog, 30, None),
    ("Accessibility: error summary not read by screen readers", D, Mt, Dv, S, None, Ready, 7, None),
    ("Nightly export to the enforcement contractor fails on bank holidays", D, Pr, A, S, None, InProgress, 10, Some("contractor has not confirmed the new file format")),
    ("Permit holders see their vehicle history", St, Pn, Dv, S, Some(5), Backlog, 22, None),
    ("Add monitoring for the DVLA vehicle check", E, Pr, A, S, Some(2), Queued, 5, None),
    ("Welsh language version of the apply journey", St, Pn, Dv, F, Some(8), Backlog, 40, None),
    ("Contract test: DVLA stub drifts from the real API", D, Pl, Dv, S, None, Triage, 0, None),
    ("Renewal reminder emails go out twice", D, Inc, A, S, None, Done, 15, None),
    ("Council tax check for residents' eligibility", St, Pn, Dv, S, Some(8), Ready, 19, None),
    ("Runbook for the payment reconciliation job", T, Pr, A, S, Some(1), Done, 14, None),
    ("Load test the renewal journey at 500 users a minute", T, Pn, Dv, S, Some(3), Planned, 11, None),
    ("Postcode search is case sensitive", D, Mt, A, S, None, Released, 35, None),
    ("Let residents change their vehicle registration", St, Pn, Dv, S, Some(5), Done, 28, None),
    ("Session expires while uploading proof of address", D, Inc, A, S, None, InProgress, 3, None),
    ("Archive permits older than seven years", T, Pr, A, F, Some(3), Backlog, 26, None),
    ("Suspend a bay for a house move", St, Pn, Dv, S, Some(8), Backlog, 33, None),
    ("Penetration test findings: cookie flags", D, Mt, Dv, X, None, Triage, 1, None),
    ("Print-at-home permit for visitors", E, Pn, Dv, S, Some(3), Backlog, 17, None),
    ("Slow query on the permits search screen", D, Pr, A, S, None, Backlog, 9, Some("needs a copy of production statistics")),
    ("Show the price before the resident signs in", E, Pn, Dv, S, Some(2), Ready, 13, None),
    ("Old browsers show an unstyled page", D, Mt, A, S, None, Cancelled, 45, None),
    ("Second vehicle discount for low-emission cars", St, Pn, Dv, S, Some(5), Backlog, 21, None),
    ("Alert when the card payment failure rate passes 5%", E, Inc, A, S, Some(2), InProgress, 6, None),
    ("Hand-held enforcement devices read permit QR codes", St, Pn, Dv, S, Some(8), Backlog, 38, None),
    ("Back-office search by vehicle registration", St, Pn, Dv, S, Some(5), Planned, 24, None),
    ("Rotate the database credentials every 90 days", T, Pr, A, F, Some(2), Backlog, 11, None),
    ("Help page links to the retired phone number", D, Inc, A, S, None, Released, 27, None),
    ("Pipeline: preprod deploy fails when the schema lock is held", D, Pl, Dv, S, None, Backlog, 3, None),
    ("Resident dashboard shows days left on a permit", E, Pn, Dv, S, Some(3), Review, 15, None),
    ("Clarify the proof-of-address rules on the form", E, Mt, Dv, S, Some(1), Triage, 2, None),
    ("Staff can refund part of a permit", St, Pn, Dv, S, Some(5), Backlog, 29, None),
    ("Known error: PDF permit blank on some phones", D, Pr, A, S, None, Ready, 8, None),
    ("Capacity review before the April renewals peak", T, Pn, A, F, Some(3), Queued, 12, None),
    ("Resident can add a temporary vehicle for a hire car", St, Pn, Dv, S, Some(5), Backlog, 23, None),
    ("Cookie banner hides the continue button on small screens", D, Mt, Dv, S, None, Backlog, 5, None),
    ("Disaster recovery rehearsal for the permits database", T, Pr, A, S, Some(3), Backlog, 31, Some("needs a change window agreed with the data centre")),
    ("Trader permits for market days", St, Pn, Dv, S, Some(8), Backlog, 42, None),
    ("Duplicate payments when the resident double-clicks Pay", D, Inc, A, X, None, Triage, 0, None),
    ("Mobile layout of the permit summary", E, Pn, Dv, S, Some(2), Done, 20, None),
    ("Performance test: renewal p95 over 2 s in test", D, Pl, Dv, S, None, Triage, 1, None),
    ("Explain why an application was refused", E, Pr, Dv, S, Some(3), Backlog, 18, None),
    ("Update the support contacts in the service catalogue", T, Pn, A, S, Some(1), Review, 7, None),
    ("Residents in new-build streets cannot find their address", D, Inc, A, S, None, Backlog, 4, None),
    ("Permit transfer when a resident moves within the zone", St, Pn, Dv, S, Some(8), Backlog, 36, None),
    ("Retire the old permits batch server", T, Pr, A, S, Some(5), Cancelled, 50, None),
    ("Open data: anonymised permit counts per zone", E, Pn, Dv, S, Some(3), Backlog, 27, None),
    ("Reconciliation report misses refunds after midnight", D, Pr, A, S, None, Queued, 6, None),
    ("Customer satisfaction survey after renewal", E, Pn, Dv, S, Some(2), Triage, 3, None),
    ("Lock accounts after repeated failed sign-ins", St, Pn, Dv, S, Some(5), Ready, 14, None),
    ("Content review of the eligibility guidance", T, Mt, A, S, Some(1), Backlog, 10, None),
    ("Zone boundary change for the new Riverside estate", T, Pn, A, F, Some(3), Ready, 9, None),
    ("Audit log of staff changes to permits", St, Pn, Dv, S, Some(5), Backlog, 34, None),
    ("Status page for planned maintenance", E, Inc, A, S, Some(2), Backlog, 16, None),
    ("Payment confirmation email lands in spam", D, Inc, A, S, None, Done, 40, None),
    ("Add a health check for the address lookup", E, Pr, A, S, Some(2), Done, 34, None),
    ("Renewal form loses answers on back", D, Inc, A, S, None, Done, 29, None),
    ("Document the refund runbook", T, Pr, A, S, Some(1), Done, 24, None),
    ("Timeout on the DVLA check under load", D, Pr, A, S, None, Done, 19, None),
    ("Update the privacy notice", T, Mt, A, F, Some(1), Done, 12, None),
];

/// `n` more items for a demo of the board's speed: plausible titles, every kind and team.
pub fn generated(n: usize) -> Vec<NewItem> {
    generated_from(0, n)
}

/// `n` generated items numbered from `first + 1`: a large board is added a batch at a time.
pub fn generated_from(first: usize, n: usize) -> Vec<NewItem> {
    const WHAT: &[&str] = &[
        "permit renewal",
        "visitor voucher",
        "payment page",
        "address lookup",
        "zone map",
        "refund journey",
        "enforcement export",
        "reminder email",
        "vehicle check",
        "receipt",
        "sign-in",
        "staff search",
        "audit log",
        "status page",
        "eligibility check",
    ];
    const HOW: &[&str] = &[
        "is slow on mobile",
        "needs a Welsh version",
        "fails for flats",
        "should show the price",
        "times out at peak",
        "needs an accessibility fix",
        "is missing monitoring",
        "double-charges on retry",
        "needs clearer content",
        "should be cached",
    ];
    (first..first + n)
        .map(|i| {
            let mut new = NewItem::titled(&format!(
                "The {} {} (#{})",
                WHAT[i % WHAT.len()],
                HOW[(i / WHAT.len()) % HOW.len()],
                i + 1
            ));
            new.kind = Kind::ALL[i % 4];
            new.team = Some(Team::ALL[i % 2]);
            new.origin = [
                Origin::Planned,
                Origin::ManualTest,
                Origin::Incident,
                Origin::Problem,
            ][i % 4];
            new.points = (new.kind == Kind::Story).then_some([1, 2, 3, 5, 8][i % 5]);
            new.acceptance =
                "Done when the resident can see the change on the live service.".into();
            new
        })
        .collect()
}

/// A demo person by name (the first, the product owner, if the name is not in the cast).
fn actor(people: &[Person], name: &str) -> Actor {
    people
        .iter()
        .find(|p| p.name == name)
        .map_or_else(|| Actor::person(&people[0]), Actor::person)
}

pub fn build(store: &mut Store, now: DateTime<Utc>) -> Result<(), StoreError> {
    let board = store.path().to_path_buf();
    build_for(store, &board, now)
}

/// Builds the demo board in `store` for the board that will stand at `board` (its pipeline's
/// scripts go beside that): the store may be built under another name and moved there whole.
pub fn build_for(
    store: &mut Store,
    board: &std::path::Path,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let people = people();
    let start = now - Duration::days(60);
    store.init_board(TITLE, Identity::Trust, &people[0], start)?;
    let po = Actor::person(&people[0]);
    for p in &people[1..] {
        store.add_person(p, &po, start)?;
    }
    let mut project = Project::delivery(PROJECT, true, vec![], 14)?;
    // The new service is supported in office hours; bau round the clock, with the defaults.
    project.sla.calendar = Some(crate::domain::sla::Calendar::parse(
        "Mon-Fri 08:00-18:00 Europe/London",
    )?);
    store.add_project(&project, &po, start)?;
    let by_role = |role: Role| {
        people
            .iter()
            .find(|p| p.roles.contains(&role))
            .map(Actor::person)
            .unwrap_or_else(|| po.clone())
    };
    let (ams, tester) = (by_role(Role::AmsEngineer), by_role(Role::Tester));
    let mut later = Vec::new();
    let ams2 = people
        .iter()
        .filter(|p| p.roles.contains(&Role::AmsEngineer))
        .nth(1)
        .map_or_else(|| ams.clone(), Actor::person);
    for (n, row) in ROWS.iter().enumerate() {
        let (title, kind, origin, team, class, points, state, days, blocked) = *row;
        let at = now - Duration::days(days) - Duration::minutes(n as i64 * 37);
        let mut new = NewItem::titled(title);
        new.kind = kind;
        new.origin = origin;
        new.team = Some(team);
        new.class = class;
        new.points = points;
        new.project = if team == Team::Appdev {
            PROJECT
        } else {
            crate::domain::project::BAU
        }
        .into();
        new.due =
            (class == Class::FixedDate).then(|| (now + Duration::days(20 + n as i64)).date_naive());
        new.description = format!(
            "{title}.\n\nRaised for the resident parking-permit service of Northbridge Council."
        );
        // Pipeline tickets come from the automation; triage items from whoever found them.
        let creator = match (origin, state) {
            (Origin::Pipeline, _) => Actor::automation(),
            (_, State::Triage) | (Origin::ManualTest, _) => tester.clone(),
            _ => po.clone(),
        };
        let created = store.create_item(new, &creator, at)?;
        let id = created.id;
        let mut at = at + Duration::hours(2);
        let step = |store: &mut Store, cmd: ItemCommand, who: &Actor, at: &mut DateTime<Utc>| {
            *at += Duration::hours(3);
            store.apply_item(id, &cmd, who, *at, None).map(|_| ())
        };
        if state != State::Triage && created.state == State::Triage {
            step(store, ItemCommand::Accept, &ams, &mut at)?;
        }
        let past_backlog = !matches!(state, State::Triage | State::Backlog | State::Cancelled);
        if past_backlog {
            let criteria = ItemEdit {
                acceptance: Some(format!(
                    "Done when: {title}, shown by an automated test in the test environment."
                )),
                ..ItemEdit::default()
            };
            step(store, ItemCommand::Edit(criteria), &po, &mut at)?;
            step(store, ItemCommand::Refine, &po, &mut at)?;
        }
        if state == State::Cancelled {
            step(
                store,
                ItemCommand::Cancel {
                    reason: "superseded by the new platform".into(),
                },
                &po,
                &mut at,
            )?;
        }
        let on_kanban = matches!(
            state,
            State::Queued | State::InProgress | State::Review | State::Done | State::Released
        );
        if team == Team::Ams && on_kanban {
            step(store, ItemCommand::Queue, &po, &mut at)?;
            later.push((id, state, n, blocked, at));
            continue;
        }
        if team == Team::Appdev && on_kanban | (state == State::Planned) {
            // The delivery team's work happens in the sprints, below.
            continue;
        }
        if let Some(reason) = blocked {
            step(
                store,
                ItemCommand::Block {
                    reason: reason.into(),
                },
                &ams,
                &mut at,
            )?;
        }
    }
    // The maintenance team's work, finished first, so the columns end at their limits
    // without an override: done, then in review, then in progress.
    later.sort_by_key(|(_, state, ..)| match state {
        State::Done | State::Released => 0,
        State::Review => 1,
        _ => 2,
    });
    for (id, state, n, blocked, mut at) in later {
        // The two AMS engineers take turns, and review each other's work.
        let (worker, reviewer) = if n % 2 == 0 {
            (&ams, &ams2)
        } else {
            (&ams2, &ams)
        };
        let moves: &[(Column, &Actor)] = match state {
            State::InProgress => &[(Column::InProgress, worker)],
            State::Review => &[(Column::InProgress, worker), (Column::Review, worker)],
            State::Done | State::Released => &[
                (Column::InProgress, worker),
                (Column::Review, worker),
                (Column::Done, reviewer),
            ],
            _ => &[],
        };
        // Work takes days: each move a share of the time since the item was queued.
        let step = ((now - at) / 8).max(Duration::hours(3));
        for (column, who) in moves {
            at = (at + step).min(now - Duration::minutes(5));
            store.kanban_move(id, *column, None, who, at, None)?;
        }
        if let Some(reason) = blocked {
            at = (at + Duration::hours(1)).min(now - Duration::minutes(1));
            let cmd = ItemCommand::Block {
                reason: reason.into(),
            };
            store.apply_item(id, &cmd, &ams, at, None)?;
        }
    }
    sprints(store, &people, now)?;
    releases(store, board, &people, now)?;
    incidents(store, &people, now)?;
    // The rotation schedule: a builder on live support this week, the next two to come.
    let today = now.date_naive();
    let omar = actor(&people, "omar");
    for (name, team, from, to) in [
        ("aisha", Team::Ams, -2, 4),
        ("tom", Team::Ams, 5, 11),
        ("lee", Team::Appdev, 5, 11),
    ] {
        store.rotate(
            name,
            team,
            today + Duration::days(from),
            today + Duration::days(to),
            &omar,
            now - Duration::days(3),
        )?;
    }
    talk(store, &people, now)?;
    // The product owner's ranking: expedite first, then the delivery team's big bets.
    let top: Vec<_> = store
        .backlog()?
        .into_iter()
        .filter(|i| i.class == Class::Expedite && i.state.is_open())
        .map(|i| i.id)
        .collect();
    for id in top.into_iter().rev() {
        store.rank_item(
            id,
            crate::domain::backlog::RankMove::Top,
            &po,
            now - Duration::hours(1),
            None,
        )?;
    }
    Ok(())
}

/// The conversation around the work: labels that group the payment and accessibility work
/// across teams, and comments on an incident and a story.
fn talk(store: &mut Store, people: &[Person], now: DateTime<Utc>) -> Result<(), StoreError> {
    use crate::domain::comment::Subject;
    let who = |name: &str| actor(people, name);
    let item = |n: u32| Subject::Item(crate::domain::ItemId(n));
    let words = |w: &[&str]| w.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let at = now - Duration::hours(3);
    for (subject, labels, by) in [
        (item(2), &["payments"][..], "sam"),
        (item(49), &["payments"], "sam"),
        (item(10), &["payments", "supplier"], "lee"),
        (item(13), &["a11y"], "grace"),
        (item(34), &["payments"], "sam"),
        (Subject::Incident("INC-3".into()), &["payments"], "lee"),
    ] {
        store.relabel(&subject, &words(labels), &[], &who(by), at)?;
    }
    store.comment(
        &Subject::Incident("INC-3".into()),
        "The slow page lines up with the month-end batch: the payment pool runs out of connections.\nRaising the pool to 50 on preprod first.",
        &who("lee"),
        now - Duration::hours(2),
    )?;
    store.comment(
        &Subject::Incident("INC-3".into()),
        "Tried it on preprod under the month-end load test: p95 back under 2 s.",
        &who("sam"),
        now - Duration::minutes(50),
    )?;
    store.comment(
        &item(1),
        "Renewal needs the **new** price table from finance before we can demo it.",
        &who("tom"),
        now - Duration::hours(20),
    )?;
    Ok(())
}
