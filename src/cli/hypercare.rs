//! `hypercare`: the warranty period after a delivery release goes live, its countdown, and the
//! service manager's exit review (close or extend).

use super::{Ctx, Failure, print_json, print_table, to_json};
use crate::domain::hypercare::Hypercare;
use clap::Subcommand;
use std::io::Write;

#[derive(Debug, Subcommand)]
pub enum HypercareCmd {
    /// Every hypercare period, newest first, with its state and days left.
    List {
        /// One JSON array, for scripts.
        #[arg(long)]
        json: bool,
    },
    /// One release's hypercare and what stands in the way of closing it.
    Show {
        /// The release that went live.
        version: String,
        /// One JSON object, for scripts.
        #[arg(long)]
        json: bool,
    },
    /// Accept the exit (a service manager): in exit review, no P1 or P2 open, no item waived.
    Close {
        /// The release that went live.
        version: String,
    },
    /// Extend it to a later date (a service manager).
    Extend {
        /// The release that went live.
        version: String,
        /// The new last day of hypercare, YYYY-MM-DD.
        #[arg(long, value_name = "DATE")]
        until: String,
        /// Why it runs longer.
        #[arg(long)]
        reason: String,
    },
}

fn json(h: &Hypercare, today: chrono::NaiveDate) -> serde_json::Value {
    let mut v = to_json(h);
    v["state"] = serde_json::json!(h.state_on(today));
    v["days_left"] = serde_json::json!(h.days_left(today));
    v
}

pub fn run(ctx: &Ctx<'_>, cmd: &HypercareCmd, out: &mut dyn Write) -> Result<(), Failure> {
    let mut store = ctx.open()?;
    let today = ctx.now.date_naive();
    match cmd {
        HypercareCmd::List { json: as_json } => {
            let all = store.hypercares()?;
            if *as_json {
                let list: Vec<_> = all.iter().map(|h| json(h, today)).collect();
                return print_json(out, vec![("hypercare", serde_json::json!(list))]);
            }
            if all.is_empty() {
                writeln!(
                    out,
                    "No hypercare yet: it starts when a delivery project's release is switched live."
                )?;
                return Ok(());
            }
            let mut rows = vec![
                ["RELEASE", "PROJECT", "STATE", "ENDS", "DAYS LEFT"]
                    .map(String::from)
                    .to_vec(),
            ];
            rows.extend(all.iter().map(|h| {
                vec![
                    h.release.clone(),
                    h.project.clone(),
                    h.state_on(today).to_string(),
                    h.ends.to_string(),
                    h.days_left(today).to_string(),
                ]
            }));
            print_table(out, &rows)?;
        }
        HypercareCmd::Show {
            version,
            json: as_json,
        } => {
            let h = store.hypercare(version)?;
            let exit = store.hypercare_exit(version)?;
            let history = store.history("hypercare", &h.release)?;
            if *as_json {
                return print_json(
                    out,
                    vec![
                        ("hypercare", json(&h, today)),
                        (
                            "exit",
                            serde_json::json!({
                                "urgent_incidents": exit.urgent_incidents,
                                "waived_items": exit.waived_items,
                            }),
                        ),
                        ("history", to_json(&history)),
                    ],
                );
            }
            writeln!(
                out,
                "Hypercare of {} ({}): {} · ends {} · {} days left",
                h.release,
                h.project,
                h.state_on(today),
                h.ends,
                h.days_left(today)
            )?;
            if !exit.urgent_incidents.is_empty() {
                writeln!(out, "Open P1/P2: {}", exit.urgent_incidents.join(", "))?;
            }
            if !exit.waived_items.is_empty() {
                writeln!(
                    out,
                    "Waived handover items: {}",
                    exit.waived_items.join(", ")
                )?;
            }
            for e in history {
                writeln!(
                    out,
                    "  {}  {:<10} {}",
                    crate::format::when(e.at),
                    e.actor,
                    crate::format::event_line(&e)
                )?;
            }
        }
        HypercareCmd::Close { version } => {
            let actor = ctx.actor(&store)?;
            let h = store.close_hypercare(version, &actor, ctx.now)?;
            writeln!(
                out,
                "Hypercare of {} is closed: the maintenance team runs {}.",
                h.release, h.project
            )?;
        }
        HypercareCmd::Extend {
            version,
            until,
            reason,
        } => {
            let until = super::item::date(until)?;
            let actor = ctx.actor(&store)?;
            let h = store.extend_hypercare(version, until, reason, &actor, ctx.now)?;
            writeln!(out, "Hypercare of {} runs until {}.", h.release, h.ends)?;
        }
    }
    Ok(())
}
