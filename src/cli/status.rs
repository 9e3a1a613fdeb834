//! `status`: the on-call view over SSH. Releases in flight and whom they wait on, production's
//! slots, Kanban columns over their limit. Exit 0 when nothing waits on a person, 10 when
//! something does.

use super::{Ctx, Failure, print_json};
use crate::domain::release::{Staff, named_waits};
use serde_json::json;
use std::io::Write;

/// The exit code when something waits on a person.
pub const NEEDS_A_PERSON: i32 = 10;

pub fn run(ctx: &Ctx<'_>, json_out: bool, out: &mut dyn Write) -> Result<i32, Failure> {
    let store = ctx.open()?;
    let projects = store.projects()?;
    let people: Vec<crate::domain::Person> = store
        .people()?
        .into_iter()
        .filter(|p| !p.roles.contains(&crate::domain::Role::Automation))
        .collect();
    let rotations = store.rotations()?;
    let held = store.held_runs()?;
    let staff = Staff {
        people: &people,
        rotations: &rotations,
        today: ctx.now.date_naive(),
    };
    let mut rows = Vec::new();
    let mut needs = Vec::new();
    let concluded: std::collections::HashSet<String> = store
        .pds()?
        .into_iter()
        .filter(|pd| pd.concluded.is_some())
        .map(|pd| pd.release)
        .collect();
    for view in store.release_views(true)? {
        let r = &view.release;
        let progress = view.progress();
        let waits = named_waits(
            r,
            &r.policy.parties,
            &progress,
            concluded.contains(&r.version),
            held.contains(&r.version),
            &staff,
        );
        let on: Vec<String> = waits.iter().map(|(w, _)| w.to_string()).collect();
        let named: Vec<String> = waits.into_iter().map(|(_, n)| n).collect();
        let at = view
            .steps
            .last()
            .map(|s| format!("{}/{}", s.env, s.step))
            .unwrap_or_else(|| "-".into());
        if !named.is_empty() {
            needs.push(format!("{} waits on {}", r.version, named.join("; ")));
        }
        rows.push(json!({ "version": r.version, "project": r.project, "state": r.state, "at": at, "waiting_on": on, "waiting_on_people": named, "slot": r.slot }));
    }
    let mut slots = Vec::new();
    let all = store.releases()?;
    for p in &projects {
        for (slot, release, live) in store.slots(&p.name)? {
            let holds = all
                .iter()
                .find(|x| Some(&x.version) == release.as_ref())
                .map(|x| x.state);
            let role = crate::domain::release::slot_role(live, holds);
            slots.push(json!({ "project": p.name, "slot": slot, "release": release, "live": live, "role": role }));
        }
    }
    let limits = store.column_limits()?;
    let items = store.kanban_items(None)?;
    let board = crate::domain::kanban::Board::of(&items, &limits);
    let over: Vec<serde_json::Value> = board
        .columns
        .iter()
        .filter(|c| c.over())
        .map(|c| json!({ "column": c.limit.column, "count": c.count, "limit": c.limit.limit }))
        .collect();
    for c in board.columns.iter().filter(|c| c.over()) {
        needs.push(format!(
            "{} is over its limit ({} of {})",
            c.limit.column.title(),
            c.count,
            c.limit.limit.unwrap_or(0)
        ));
    }
    let urgent: Vec<serde_json::Value> = store
        .incidents()?
        .into_iter()
        .filter(|i| {
            i.is_open()
                && matches!(
                    i.priority,
                    crate::domain::incident::Priority::P1 | crate::domain::incident::Priority::P2
                )
        })
        .map(|i| {
            let who = crate::domain::incident::waits_on(&i, &people, &rotations, ctx.now.date_naive())
                .unwrap_or_default();
            needs.push(format!("{} ({}) is open, {who}: {}", i.id, i.priority, i.title));
            json!({ "id": i.id, "priority": i.priority, "state": i.state, "title": i.title, "team": i.team })
        })
        .collect();
    // Targets missed and still unanswered: each waits on whoever must answer it.
    let mut breaches: Vec<serde_json::Value> = Vec::new();
    for (i, clock) in store.open_incident_clocks(ctx.now)? {
        let Some((target, m)) = clock.breach() else {
            continue;
        };
        if !i.is_open() {
            continue;
        }
        let who = match &i.assignee {
            Some(a) => format!("waits on {a}"),
            None => {
                crate::domain::incident::waits_on(&i, &people, &rotations, ctx.now.date_naive())
                    .unwrap_or_default()
            }
        };
        let over = crate::domain::sla::short(-m.left());
        needs.push(format!(
            "{} ({}) missed its {target} target by {over}, {who}: {}",
            i.id, i.priority, i.title
        ));
        breaches.push(json!({
            "id": i.id, "priority": i.priority, "project": i.project, "title": i.title,
            "target": target, "target_seconds": m.target, "elapsed_seconds": m.elapsed,
            "over_seconds": -m.left(), "paused": clock.paused, "assignee": i.assignee,
        }));
    }
    let today = ctx.now.date_naive();
    let care: Vec<serde_json::Value> = store
        .hypercares()?
        .into_iter()
        .filter(|h| h.state_on(today) != crate::domain::hypercare::HypercareState::Closed)
        .map(|h| {
            let state = h.state_on(today);
            if state == crate::domain::hypercare::HypercareState::ExitReview {
                let managers: Vec<String> = people
                    .iter()
                    .filter(|p| p.roles.contains(&crate::domain::Role::ServiceManager))
                    .map(|p| p.name.clone())
                    .collect();
                let who = if managers.is_empty() {
                    "nobody on the board (service-manager, exit review needed)".to_string()
                } else {
                    format!("{} (service-manager, exit review)", managers.join(" or "))
                };
                needs.push(format!("hypercare of {} waits on {who}", h.release));
            }
            json!({ "release": h.release, "project": h.project, "state": state, "ends": h.ends, "days_left": h.days_left(today) })
        })
        .collect();
    let code = if needs.is_empty() { 0 } else { NEEDS_A_PERSON };
    if json_out {
        print_json(
            out,
            vec![
                ("releases", rows.into()),
                ("slots", slots.into()),
                ("over_limit", over.into()),
                ("incidents", urgent.clone().into()),
                ("sla_breaches", breaches.clone().into()),
                ("hypercare", care.clone().into()),
                ("needs_a_person", needs.clone().into()),
            ],
        )?;
        return Ok(code);
    }
    // Every line fits the terminal (80 columns when not one), wrapped with an indent.
    let width = ctx.width();
    let say = |out: &mut dyn Write, text: String| -> std::io::Result<()> {
        for line in crate::format::wrap(&text, width, "      ") {
            writeln!(out, "{line}")?;
        }
        Ok(())
    };
    writeln!(out, "RELEASES IN FLIGHT")?;
    if rows.is_empty() {
        writeln!(out, "  none")?;
    }
    for r in &rows {
        let on = r["waiting_on_people"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            })
            .unwrap_or_default();
        let text = format!(
            "  {:<10} {:<16} {:<10} at {}{}",
            r["version"].as_str().unwrap_or(""),
            r["project"].as_str().unwrap_or(""),
            r["state"].as_str().unwrap_or(""),
            r["at"].as_str().unwrap_or(""),
            if on.is_empty() {
                String::new()
            } else {
                format!(" · waits on {on}")
            }
        );
        say(out, text)?;
    }
    writeln!(out, "PRODUCTION")?;
    if slots.is_empty() {
        writeln!(out, "  nothing deployed yet")?;
    }
    for s in &slots {
        writeln!(
            out,
            "  {:<16} {:<6} {:<10} {}",
            s["project"].as_str().unwrap_or(""),
            s["slot"].as_str().unwrap_or(""),
            s["release"].as_str().unwrap_or("-"),
            s["role"].as_str().unwrap_or("")
        )?;
    }
    writeln!(out, "INCIDENTS (P1, P2)")?;
    if urgent.is_empty() {
        writeln!(out, "  none open")?;
    }
    for i in &urgent {
        let field = |k: &str| i[k].as_str().unwrap_or("").to_string();
        let text = format!(
            "  {} {} {} {}",
            field("id"),
            field("priority"),
            field("state"),
            field("title")
        );
        say(out, text)?;
    }
    writeln!(out, "SLA BREACHES")?;
    if breaches.is_empty() {
        writeln!(out, "  none: every open incident is within its targets")?;
    }
    for b in &breaches {
        let field = |k: &str| b[k].as_str().unwrap_or("").to_string();
        let over = crate::domain::sla::short(b["over_seconds"].as_i64().unwrap_or(0));
        say(
            out,
            format!(
                "  {} {} {} target missed by {over}{} {}",
                field("id"),
                field("priority"),
                field("target"),
                if b["paused"] == true {
                    " (on hold)"
                } else {
                    ""
                },
                field("title")
            ),
        )?;
    }
    writeln!(out, "HYPERCARE")?;
    if care.is_empty() {
        writeln!(out, "  none open")?;
    }
    for h in &care {
        let field = |k: &str| h[k].as_str().unwrap_or("").to_string();
        writeln!(
            out,
            "  {:<10} {:<16} {:<12} ends {} ({} days left)",
            field("release"),
            field("project"),
            field("state"),
            field("ends"),
            h["days_left"]
        )?;
    }
    writeln!(out, "KANBAN")?;
    if over.is_empty() {
        writeln!(out, "  every column within its limit")?;
    }
    for c in &over {
        writeln!(
            out,
            "  {} over its limit: {} of {}",
            c["column"].as_str().unwrap_or(""),
            c["count"],
            c["limit"]
        )?;
    }
    if needs.is_empty() {
        writeln!(out, "\nNothing waits on a person.")?;
    } else {
        writeln!(out, "\nWAITS ON A PERSON")?;
        for n in &needs {
            say(out, format!("  {n}"))?;
        }
    }
    Ok(code)
}
