//! `problem`: the causes behind incidents, their known errors and workarounds, and the backlog
//! tickets that fix them.

use super::person::parse;
use super::stream::{JsonList, Table, to_a_terminal};
use super::{Ctx, Failure, print_json, to_json};
use crate::domain::Kind;
use crate::domain::problem::Step;
use crate::format;
use clap::Subcommand;
use std::io::Write;

#[derive(Debug, Subcommand)]
pub enum ProblemCmd {
    /// Raise a problem from the incidents it explains (a service manager or AMS engineer).
    Add {
        /// The cause, as far as it is known.
        title: String,
        /// An incident it explains (INC-n); give it once per incident.
        #[arg(long = "incident", value_name = "ID")]
        incidents: Vec<String>,
    },
    /// Every problem, newest first.
    List {
        /// One JSON array, for scripts.
        #[arg(long)]
        json: bool,
    },
    /// One problem with its incidents, tickets and history.
    Show {
        /// PRB-n.
        id: String,
        /// One JSON object, for scripts.
        #[arg(long)]
        json: bool,
    },
    /// Work it: investigate, known-error (with --workaround), fix, resolve, close.
    Move {
        /// PRB-n.
        id: String,
        /// investigate, known-error, fix, resolve or close.
        command: String,
        /// What the service desk does meanwhile (known-error only).
        #[arg(long)]
        workaround: Option<String>,
        /// Refuse if it changed since this revision (`show --json` gives it).
        #[arg(long, value_name = "N")]
        if_revision: Option<i64>,
    },
    /// Raise a linked backlog ticket (a service manager).
    Ticket {
        /// PRB-n.
        id: String,
        /// defect or enhancement.
        #[arg(long, default_value = "defect")]
        kind: String,
    },
}

pub fn run(ctx: &Ctx<'_>, cmd: &ProblemCmd, out: &mut dyn Write) -> Result<(), Failure> {
    let mut store = ctx.open()?;
    match cmd {
        ProblemCmd::Add { title, incidents } => {
            let actor = ctx.actor(&store)?;
            let p = store.raise_problem(title, incidents, &actor, ctx.now)?;
            if p.incidents.is_empty() {
                writeln!(out, "{} raised.", p.id)?;
            } else {
                writeln!(out, "{} raised from {}.", p.id, p.incidents.join(", "))?;
            }
        }
        ProblemCmd::List { json } => {
            if *json {
                let mut list = JsonList::start(out, "problems", to_a_terminal())?;
                store.each_problem(|p| list.push(&p))?;
                return list.finish();
            }
            let mut table = Table::new(
                out,
                ["ID", "STATE", "INCIDENTS", "AGE", "TITLE"],
                [7, 15, 14, 4, 0],
            );
            store.each_problem(|p| {
                let incidents = if p.incidents.is_empty() {
                    "-".to_string()
                } else {
                    p.incidents.join(",")
                };
                table.row([
                    &p.id,
                    p.state.as_str(),
                    &incidents,
                    &format::age(p.opened, ctx.now),
                    &p.title,
                ])
            })?;
            if table.rows() == 0 {
                writeln!(
                    out,
                    "No problems. Raise one with `firebreak problem add TITLE --incident INC-1`."
                )?;
            }
        }
        ProblemCmd::Show { id, json } => {
            let p = store.problem(id)?;
            let history = store.history("problem", &p.id)?;
            let tickets = store.problem_tickets(&p.id)?;
            if *json {
                let tickets: Vec<serde_json::Value> = tickets
                    .iter()
                    .map(|(id, released)| serde_json::json!({ "id": id, "released": released }))
                    .collect();
                return print_json(
                    out,
                    vec![
                        ("problem", to_json(&p)),
                        ("tickets", to_json(&tickets)),
                        ("history", to_json(&history)),
                    ],
                );
            }
            writeln!(out, "{} {} · {}", p.id, p.title, p.state)?;
            if !p.incidents.is_empty() {
                writeln!(out, "Incidents: {}", p.incidents.join(", "))?;
            }
            if let Some(w) = &p.workaround {
                writeln!(out, "Workaround: {w}")?;
            }
            if !tickets.is_empty() {
                let list: Vec<String> = tickets
                    .iter()
                    .map(|(id, released)| {
                        format!("{id}{}", if *released { " (released)" } else { "" })
                    })
                    .collect();
                writeln!(out, "Tickets: {}", list.join(", "))?;
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
        ProblemCmd::Move {
            id,
            command,
            workaround,
            if_revision,
        } => {
            let step = Step::parse(command, workaround.as_deref())?;
            let actor = ctx.actor(&store)?;
            let p = store.step_problem(id, &step, &actor, ctx.now, *if_revision)?;
            writeln!(out, "{} is {}.", p.id, p.state.phrase())?;
        }
        ProblemCmd::Ticket { id, kind } => {
            let kind = parse::<Kind>(kind)?;
            let actor = ctx.actor(&store)?;
            let item = store.problem_ticket(id, kind, &actor, ctx.now)?;
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
