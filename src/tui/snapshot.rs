//! What the board loads: everything the tabs show, read in one go, and the first screen of a
//! large board read first.

use crate::app::row::{Row, Rows};
use crate::app::{self, Snapshot};
use crate::domain::Actor;
use crate::store::{Store, StoreError};
use chrono::Utc;

/// A board larger than this paints its first screen first and loads the rest behind it.
pub(super) const FIRST_SCREEN: usize = 200;

/// The whole board.
pub fn snapshot(store: &Store, me: Actor) -> Result<Snapshot, StoreError> {
    // Each item becomes its compact row as it is read: the board never holds the items whole.
    let (count, _) = store.item_extent()?;
    let labels = store.item_labels()?;
    let epics = store.epic_members()?;
    let mut items = Vec::with_capacity(count.max(0) as usize);
    store.each_listed(|item| {
        items.push(Box::new(
            Row::of(&item)
                .with_labels(labels.get(&item.id))
                .in_epic(epics.get(&item.id).copied()),
        ));
        Ok::<(), StoreError>(())
    })?;
    let total = items.len();
    snapshot_of(store, me, items, total)
}

/// The board with only its first screen of items when it is large: enough to draw at once.
pub fn first_screen(store: &Store, me: Actor) -> Result<Snapshot, StoreError> {
    let (head, total) = store.backlog_head(FIRST_SCREEN)?;
    if total <= FIRST_SCREEN {
        return snapshot(store, me);
    }
    let labels = store.item_labels()?;
    let epics = store.epic_members()?;
    let items = head
        .iter()
        .map(|i| {
            Box::new(
                Row::of(i)
                    .with_labels(labels.get(&i.id))
                    .in_epic(epics.get(&i.id).copied()),
            )
        })
        .collect();
    snapshot_of(store, me, items, total)
}

fn snapshot_of(
    store: &Store,
    me: Actor,
    items: Rows,
    total: usize,
) -> Result<Snapshot, StoreError> {
    let info = store.info()?;
    let projects = store.projects()?;
    let projects_full = projects.clone();
    let incidents = store.incidents()?;
    let problems = store.problems()?;
    Ok(Snapshot {
        title: info.title,
        identity: info.identity,
        me,
        // The people one may act as, hand work to or phone: automation accounts are none of them.
        people: store
            .people()?
            .into_iter()
            .filter(|p| !p.roles.contains(&crate::domain::Role::Automation))
            .collect(),
        delivery_projects: crate::domain::project::delivery_projects(&projects),
        projects: projects.into_iter().map(|p| p.name).collect(),
        sprints: store.sprints()?,
        items,
        total,
        ageing_days: info.ageing_days,
        columns: store.column_limits()?,
        overrides: store.overrides()?,
        releases: releases(store, &projects_full)?,
        tickets: store
            .all_tickets("incident")?
            .into_iter()
            .map(|(id, t)| (id, t.into_iter().map(|(item, _)| item).collect()))
            .collect(),
        problem_tickets: store
            .all_tickets("problem")?
            .into_iter()
            .map(|(id, t)| {
                let t = t
                    .into_iter()
                    .map(|(item, released)| (item.to_string(), released))
                    .collect();
                (id, t)
            })
            .collect(),
        problems,
        incidents,
        hypercare: store.hypercares()?,
        revisions: store.revisions_of(&["sprint", "hypercare"])?,
        rotations: store.rotations()?,
        incident_labels: store.incident_labels()?,
        incident_transitions: store.incident_transitions()?,
        label_counts: store.label_counts()?,
        pds: store.pds()?,
        ops: store.ops_reviews()?,
        handovers: projects_full
            .iter()
            .filter(|p| p.kind == crate::domain::ProjectKind::Delivery)
            .map(|p| store.handover(&p.name))
            .collect::<Result<_, _>>()?,
        at: Utc::now(),
    })
}

/// The releases with their steps, each pipeline file they run (read once each), the slots.
fn releases(
    store: &Store,
    projects: &[crate::domain::Project],
) -> Result<app::tabs::pipeline::Releases, StoreError> {
    let mut list = store.release_views(false)?;
    let mut pipelines: Vec<(String, crate::domain::pipeline::Pipeline)> = Vec::new();
    for view in &mut list {
        let r = &mut view.release;
        if r.policy.pipeline.is_none() {
            // Cut before its project had a pipeline: it runs the one its project has now.
            r.policy.pipeline = projects
                .iter()
                .find(|p| p.name == r.project)
                .and_then(|p| p.pipeline.clone());
        }
        let Some(file) = &r.policy.pipeline else {
            continue;
        };
        if pipelines.iter().any(|(path, _)| path == file) {
            continue;
        }
        if let Ok(pipeline) = crate::store::release::pipeline_of(Some(file), &r.project) {
            pipelines.push((file.clone(), pipeline));
        }
    }
    let mut slots = Vec::new();
    for p in projects {
        for (slot, release, live) in store.slots(&p.name)? {
            slots.push(app::tabs::pipeline::Slot {
                project: p.name.clone(),
                slot,
                release,
                live,
            });
        }
    }
    Ok(app::tabs::pipeline::Releases {
        list,
        pipelines,
        slots,
        projects: projects.to_vec(),
        held: store.held_runs()?,
    })
}
