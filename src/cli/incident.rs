//! `incident` and `audit`: the live service's incidents, the tickets raised from them, and the
//! whole audit trail.

use super::person::parse;
use super::stream::{JsonList, Table, to_a_terminal};
use super::{Ctx, Failure, print_json, to_json};
use crate::domain::Kind;
use crate::domain::incident::{Priority, Step};
use crate::format;
use clap::Subcommand;
use std::io::Write;

#[derive(Debug, Subcommand)]
pub enum IncidentCmd {
    /// Log an incident.
    Add {
        /// What users see going wrong, in their words.
        title: String,
        /// P1 (service down) to P4 (cosmetic).
        #[arg(long)]
        priority: String,
        /// The release it is about (its project follows).
        #[arg(long, value_name = "VERSION")]
        release: Option<String>,
        /// The project it is about, when no release is named (default: bau).
        #[arg(long)]
        project: Option<String>,
    },
    /// Every incident, newest first.
    List {
        /// One JSON array, for scripts.
        #[arg(long)]
        json: bool,
    },
    /// One incident with its history and tickets.
    Show {
        /// INC-n.
        id: String,
        /// One JSON object, for scripts.
        #[arg(long)]
        json: bool,
    },
    /// Work it: take, hold (with --reason), resolve, close.
    Move {
        /// INC-n.
        id: String,
        /// take, assign, hold, resolve, close or priority.
        command: String,
        /// Why it is on hold (hold), or why its priority changes (priority).
        #[arg(long)]
        reason: Option<String>,
        /// Who it goes to (assign; a service manager assigns), or its new priority (priority).
        #[arg(long, value_name = "NAME|P1..P4")]
        to: Option<String>,
        /// Refuse if it changed since this revision (`show --json` gives it).
        #[arg(long, value_name = "N")]
        if_revision: Option<i64>,
    },
    /// Raise a linked backlog ticket (a service manager).
    Ticket {
        /// INC-n.
        id: String,
        /// defect or enhancement.
        #[arg(long, default_value = "defect")]
        kind: String,
    },
}

pub fn run(ctx: &Ctx<'_>, cmd: &IncidentCmd, out: &mut dyn Write) -> Result<(), Failure> {
    let mut store = ctx.open()?;
    match cmd {
        IncidentCmd::Add {
            title,
            priority,
            release,
            project,
        } => {
            let priority = parse::<Priority>(priority)?;
            let actor = ctx.actor(&store)?;
            let i = store.log_incident(
                title,
                priority,
                project.as_deref(),
                release.as_deref(),
                &actor,
                ctx.now,
            )?;
            writeln!(
                out,
                "{} logged ({}), for team {}.",
                i.id, i.priority, i.team
            )?;
        }
        IncidentCmd::List { json } => {
            if *json {
                let mut list = JsonList::start(out, "incidents", to_a_terminal())?;
                store.each_incident(|i| list.push(&i))?;
                return list.finish();
            }
            let mut table = Table::new(
                out,
                ["ID", "PRI", "STATE", "TEAM", "RELEASE", "AGE", "TITLE"],
                [7, 3, 11, 6, 10, 4, 0],
            );
            store.each_incident(|i| {
                table.row([
                    &i.id,
                    i.priority.as_str(),
                    i.state.as_str(),
                    i.team.as_str(),
                    i.release.as_deref().unwrap_or("-"),
                    &format::age(i.opened, ctx.now),
                    &i.title,
                ])
            })?;
            if table.rows() == 0 {
                writeln!(
                    out,
                    "No incidents. Log one with `firebreak incident add TITLE --priority P3`."
                )?;
            }
        }
        IncidentCmd::Show { id, json } => {
            let i = store.incident(id)?;
            let history = store.history("incident", &i.id)?;
            let tickets: Vec<String> = store
                .tickets_of("incident", &i.id)?
                .iter()
                .map(|t| t.to_string())
                .collect();
            if *json {
                return print_json(
                    out,
                    vec![
                        ("incident", to_json(&i)),
                        ("tickets", to_json(&tickets)),
                        ("history", to_json(&history)),
                    ],
                );
            }
            writeln!(
                out,
                "{} {} · {} · {} · team {}",
                i.id, i.title, i.priority, i.state, i.team
            )?;
            if let Some(v) = &i.release {
                writeln!(out, "Release {v}")?;
            }
            if !tickets.is_empty() {
                writeln!(out, "Tickets: {}", tickets.join(", "))?;
            }
            for e in history {
                writeln!(
                    out,
                    "  {}  {:<10} {}",
                    format::when(e.at),
                    e.actor,
                    format::event_line(&e)
                )?;
            }
        }
        IncidentCmd::Move {
            id,
            command,
            reason,
            to,
            if_revision,
        } => {
            let step = Step::parse(command, reason.as_deref(), to.as_deref())?;
            let actor = ctx.actor(&store)?;
            let i = store.step_incident(id, &step, &actor, ctx.now, *if_revision)?;
            match &step {
                Step::Assign { to } => writeln!(out, "{} is assigned to {to}, in progress.", i.id)?,
                _ => writeln!(out, "{} is {}.", i.id, i.state.phrase())?,
            }
        }
        IncidentCmd::Ticket { id, kind } => {
            let kind = parse::<Kind>(kind)?;
            let actor = ctx.actor(&store)?;
            let item = store.incident_ticket(id, kind, &actor, ctx.now)?;
            writeln!(
                out,
                "{} raised in triage from {}: the product owner ranks it.",
                item.id,
                id.to_ascii_uppercase()
            )?;
        }
    }
    Ok(())
}

/// `audit`: every event, oldest first, since a date.
/// `audit --verify`: the seals walked, and the first break named with its event.
pub fn verify(ctx: &Ctx<'_>, json: bool, out: &mut dyn Write) -> Result<(), Failure> {
    use crate::store::{Break, Verdict};
    let store = ctx.open()?;
    let verdict = store.verify_audit()?;
    if json {
        let v = match &verdict {
            Verdict::Whole { events, last } => {
                serde_json::json!({ "whole": true, "events": events, "last_seal": last })
            }
            Verdict::Broken { event, how } => serde_json::json!({
                "whole": false,
                "event": event,
                "break": match how { Break::Changed => "changed", Break::Removed => "removed", Break::Forged => "forged" },
            }),
        };
        print_json(out, vec![("audit", v)])?;
    }
    match verdict {
        Verdict::Whole { events, last } => {
            if !json {
                writeln!(
                    out,
                    "The audit trail is whole: {events} events, each sealed to the one before.
Last seal {last}: keep it elsewhere (a CI log, the handover pack) to prove later that nothing before it was rewritten."
                )?;
            }
            Ok(())
        }
        Verdict::Broken { event, how } => {
            let what = match how {
                Break::Changed => {
                    "was changed after it was written (or an event just before it was removed with its seal)"
                }
                Break::Removed => "was removed: its seal is there, the event is not",
                Break::Forged => "was written behind firebreak's back: it has no seal",
            };
            Err(Failure {
                code: 1,
                message: format!(
                    "the audit trail is broken at event {event}, which {what}. Events before it are as written; compare with a backup or an export"
                ),
            })
        }
    }
}

/// An event as `audit` prints it.
fn audit_line(e: &crate::domain::Event) -> String {
    format!(
        "{}  {:<10} {:<9} {:<16} {}",
        format::when(e.at),
        e.actor,
        e.entity,
        e.entity_id,
        format::event_line(e)
    )
}

pub fn audit(
    ctx: &Ctx<'_>,
    since: Option<&str>,
    json: bool,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let store = ctx.open()?;
    let since = since.map(super::item::date).transpose()?;
    if json {
        let mut list =
            super::stream::JsonList::start(out, "events", super::stream::to_a_terminal())?;
        store.each_event(since, |e| list.push(&e))?;
        return list.finish();
    }
    let mut any = false;
    store.each_event(since, |e| {
        any = true;
        writeln!(out, "{}", audit_line(&e)).map_err(Failure::from)
    })?;
    if !any {
        writeln!(out, "No events since then.")?;
    }
    Ok(())
}

/// `audit --follow`: each event as it is written, from now (or from `since`), until stopped
/// or until whoever reads stops reading.
pub fn follow(
    ctx: &Ctx<'_>,
    since: Option<&str>,
    json: bool,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let store = ctx.open()?;
    let since = since.map(super::item::date).transpose()?;
    let mut last = if since.is_some() {
        0
    } else {
        store.last_event_id()?
    };
    let start = since.map(|d| d.and_time(chrono::NaiveTime::MIN).and_utc());
    loop {
        let events = store.events_after(last, 500)?;
        for (id, e) in &events {
            last = *id;
            if start.is_some_and(|s| e.at < s) {
                continue;
            }
            let written = if json {
                let mut line = serde_json::to_value(e).unwrap_or_default();
                line["id"] = (*id).into();
                writeln!(out, "{line}")
            } else {
                writeln!(out, "{}", audit_line(e))
            };
            if written.and_then(|_| out.flush()).is_err() {
                // The reader went away (a closed pipe): following is over.
                return Ok(());
            }
        }
        if events.is_empty() {
            std::thread::sleep(std::time::Duration::from_millis(200));
        }
    }
}
