//! `sprint`: add, plan, start, complete, show and list the delivery team's sprints.

use super::person::parse;
use super::{Ctx, Failure, print_json, print_table, to_json};
use crate::domain::sprint::{self, Carry, Sprint, SprintState};
use crate::domain::{ItemId, State};
use chrono::NaiveDate;
use clap::Subcommand;
use std::io::Write;

#[derive(Debug, Subcommand)]
pub enum SprintCmd {
    /// Add a sprint to a delivery project.
    Add {
        name: String,
        #[arg(long)]
        project: String,
        #[arg(long, value_name = "DATE")]
        start: String,
        #[arg(long, value_name = "DATE")]
        end: String,
        #[arg(long, default_value = "")]
        goal: String,
    },
    /// Plan ready items of the delivery team into a sprint, in backlog order.
    Plan {
        sprint: String,
        #[arg(required = true)]
        ids: Vec<String>,
    },
    /// Start a sprint: its planned items become the commitment.
    Start { sprint: String },
    /// Complete the active sprint; unfinished items go back to the backlog or into the next sprint.
    Complete {
        sprint: String,
        #[arg(long, value_name = "backlog|next")]
        carry: String,
    },
    /// A sprint: its items by column, its burndown and the project's velocity.
    Show {
        sprint: String,
        #[arg(long)]
        json: bool,
    },
    /// Every sprint.
    List {
        #[arg(long)]
        json: bool,
    },
}

fn date(s: &str) -> Result<NaiveDate, Failure> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
        Failure::usage(format!(
            "'{s}' is not a date: write it as YYYY-MM-DD, e.g. 2026-03-31"
        ))
    })
}

pub fn run(ctx: &Ctx<'_>, cmd: &SprintCmd, out: &mut dyn Write) -> Result<(), Failure> {
    let mut store = ctx.open()?;
    match cmd {
        SprintCmd::Add {
            name,
            project,
            start,
            end,
            goal,
        } => {
            let dates = (date(start)?, date(end)?);
            let actor = ctx.actor(&store)?;
            let s = store.add_sprint(name, project, goal, dates, &actor, ctx.now)?;
            writeln!(
                out,
                "Added {} to {}, {} to {}.",
                s.name, s.project, s.start, s.end
            )?;
        }
        SprintCmd::Plan { sprint, ids } => {
            let ids = ids
                .iter()
                .map(|i| parse::<ItemId>(i))
                .collect::<Result<Vec<_>, _>>()?;
            let actor = ctx.actor(&store)?;
            let planned = store.plan(sprint, &ids, &actor, ctx.now)?;
            let names: Vec<String> = planned.iter().map(|i| i.id.to_string()).collect();
            writeln!(out, "Planned {} into {sprint}.", names.join(", "))?;
        }
        SprintCmd::Start { sprint } => {
            let actor = ctx.actor(&store)?;
            let s = store.start_sprint(sprint, &actor, ctx.now)?;
            let (n, points) = s
                .commitment
                .as_ref()
                .map_or((0, 0), |c| (c.items.len(), c.points));
            writeln!(
                out,
                "Started {}: {n} items, {points} points committed.",
                s.name
            )?;
        }
        SprintCmd::Complete { sprint, carry } => {
            let carry = match carry.as_str() {
                "backlog" => Carry::Backlog,
                "next" => Carry::Next,
                other => {
                    return Err(Failure::usage(format!(
                        "--carry takes backlog or next, not '{other}'"
                    )));
                }
            };
            let actor = ctx.actor(&store)?;
            let (s, moved) = store.complete_sprint(sprint, carry, &actor, ctx.now)?;
            writeln!(
                out,
                "Completed {}: {} points done.",
                s.name,
                s.completed.unwrap_or(0)
            )?;
            for m in moved {
                let to = m
                    .sprint
                    .map_or("the top of the delivery team's backlog".to_string(), |s| s);
                writeln!(out, "  {} carried to {to}", m.id)?;
            }
        }
        SprintCmd::Show { sprint, json } => {
            let s = store.sprint(sprint)?;
            let items = store.sprint_items(sprint)?;
            let burndown = store.burndown(sprint, ctx.now.date_naive())?;
            let all = store.sprints()?;
            let closed: Vec<&Sprint> = all
                .iter()
                .filter(|x| x.project == s.project && x.state == SprintState::Closed)
                .collect();
            let velocity = sprint::velocity(&closed, 3);
            if *json {
                return print_json(
                    out,
                    vec![
                        ("sprint", to_json(&s)),
                        ("items", to_json(&items)),
                        ("burndown", to_json(&burndown)),
                        ("velocity", to_json(&velocity)),
                    ],
                );
            }
            writeln!(
                out,
                "{} ({}) of {}: {} to {}",
                s.name, s.state, s.project, s.start, s.end
            )?;
            if !s.goal.is_empty() {
                writeln!(out, "Goal: {}", s.goal)?;
            }
            for (title, state) in [
                ("TO DO", State::Planned),
                ("IN PROGRESS", State::InProgress),
                ("REVIEW", State::Review),
                ("DONE", State::Done),
            ] {
                let cards: Vec<Vec<String>> = items
                    .iter()
                    .filter(|i| {
                        i.state == state || (state == State::Done && i.state == State::Released)
                    })
                    .map(|i| {
                        vec![
                            format!("  {}", i.id),
                            i.title.clone(),
                            i.points.map_or("-".into(), |p| format!("{p} pts")),
                            i.assignee.clone().unwrap_or_else(|| "-".into()),
                        ]
                    })
                    .collect();
                writeln!(out, "\n{title} ({})", cards.len())?;
                print_table(out, &cards)?;
            }
            writeln!(
                out,
                "\nBurndown: {} points committed, {} added, {} removed",
                burndown.committed, burndown.added, burndown.removed
            )?;
            let rows: Vec<Vec<String>> = burndown
                .days
                .iter()
                .map(|d| {
                    vec![
                        format!("  {}", d.date),
                        d.remaining.to_string(),
                        format!("ideal {:.1}", d.ideal),
                    ]
                })
                .collect();
            print_table(out, &rows)?;
            let v = velocity.map_or("no closed sprint yet".to_string(), |v| {
                format!("{v:.1} points")
            });
            writeln!(out, "Velocity (last 3 closed sprints): {v}")?;
        }
        SprintCmd::List { json } => {
            let all = store.sprints()?;
            if *json {
                return print_json(out, vec![("sprints", to_json(&all))]);
            }
            if all.is_empty() {
                writeln!(
                    out,
                    "No sprints. Add one with `firebreak sprint add NAME --project P --start DATE --end DATE`."
                )?;
            }
            let mut rows = vec![
                [
                    "NAME",
                    "PROJECT",
                    "STATE",
                    "START",
                    "END",
                    "COMMITTED",
                    "DONE",
                ]
                .map(String::from)
                .to_vec(),
            ];
            rows.extend(all.iter().map(|s| {
                vec![
                    s.name.clone(),
                    s.project.clone(),
                    s.state.to_string(),
                    s.start.to_string(),
                    s.end.to_string(),
                    s.commitment
                        .as_ref()
                        .map_or("-".into(), |c| c.points.to_string()),
                    s.completed.map_or("-".into(), |c| c.to_string()),
                ]
            }));
            print_table(out, &rows)?;
        }
    }
    Ok(())
}
