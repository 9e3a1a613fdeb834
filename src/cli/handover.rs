//! `handover`: start a delivery project's checklist, submit evidence, accept, reject or waive
//! items, show it, and export the handover pack as Markdown.

use super::{Ctx, Failure, print_json, print_table, to_json};
use crate::domain::handover::Handover;
use crate::domain::handover::{Act, CheckState, Template};
use chrono::NaiveDate;
use clap::Subcommand;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum HandoverCmd {
    /// The checklist, its state and what blocks acceptance.
    Show {
        project: String,
        #[arg(long)]
        json: bool,
    },
    /// Start the checklist once a release reached pre-production.
    Start {
        project: String,
        /// A template of your own (TOML, like assets/handover.toml).
        #[arg(long, value_name = "FILE")]
        template: Option<PathBuf>,
    },
    /// Submit evidence for an item (the delivery team).
    Submit {
        project: String,
        item: String,
        #[arg(long)]
        evidence: String,
    },
    /// Accept a submitted item (a service manager who did not submit it).
    Accept { project: String, item: String },
    /// Reject a submitted item, saying why.
    Reject {
        project: String,
        item: String,
        #[arg(long)]
        reason: String,
    },
    /// Waive an item, with a reason and the date by which hypercare closes it.
    Waive {
        project: String,
        item: String,
        #[arg(long)]
        reason: String,
        #[arg(long, value_name = "DATE")]
        until: String,
    },
    /// The handover pack a service desk reads, as Markdown.
    Export {
        project: String,
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

fn glyph(state: CheckState) -> &'static str {
    match state {
        CheckState::Pending => "·",
        CheckState::Submitted => "↑",
        CheckState::Accepted => "✔",
        CheckState::Rejected => "✖",
        CheckState::Waived => "~",
    }
}

pub fn run(ctx: &Ctx<'_>, cmd: &HandoverCmd, out: &mut dyn Write) -> Result<(), Failure> {
    let mut store = ctx.open()?;
    match cmd {
        HandoverCmd::Show { project, json } => {
            let h = store.handover(project)?;
            if *json {
                return print_json(
                    out,
                    vec![("handover", to_json(&h)), ("open", to_json(&h.open()))],
                );
            }
            writeln!(out, "Handover of {}: {}", h.project, h.state)?;
            let rows: Vec<Vec<String>> = h
                .checks
                .iter()
                .map(|c| {
                    vec![
                        format!("  {} {}", glyph(c.state), c.key),
                        c.state.to_string(),
                        if c.mandatory {
                            "mandatory".into()
                        } else {
                            "optional".into()
                        },
                        c.submitter.clone().unwrap_or_else(|| "-".into()),
                        c.acceptor.clone().unwrap_or_else(|| "-".into()),
                        c.reason
                            .clone()
                            .or_else(|| c.evidence.clone())
                            .unwrap_or_default(),
                    ]
                })
                .collect();
            print_table(out, &rows)?;
            let open = h.open();
            if !open.is_empty() {
                writeln!(out, "Blocks acceptance: {}", open.join(", "))?;
            }
            for c in h.checks.iter().filter(|c| !c.reviews.is_empty()) {
                writeln!(out, "Operations reviews for {}:", c.key)?;
                for r in &c.reviews {
                    writeln!(out, "  {r}")?;
                }
            }
        }
        HandoverCmd::Start { project, template } => {
            let template = match template {
                Some(f) => {
                    let text = std::fs::read_to_string(f)
                        .map_err(|e| Failure::usage(format!("cannot read {}: {e}", f.display())))?;
                    Some(Template::parse(&text)?)
                }
                None => None,
            };
            let actor = ctx.actor(&store)?;
            let h = store.start_handover(project, template, &actor, ctx.now)?;
            writeln!(
                out,
                "Started the handover of {project}: {} items to hand over.",
                h.checks.len()
            )?;
        }
        HandoverCmd::Submit {
            project,
            item,
            evidence,
        } => act(
            ctx,
            &mut store,
            project,
            item,
            Act::Submit {
                evidence: evidence.clone(),
            },
            out,
        )?,
        HandoverCmd::Accept { project, item } => {
            act(ctx, &mut store, project, item, Act::Accept, out)?
        }
        HandoverCmd::Reject {
            project,
            item,
            reason,
        } => act(
            ctx,
            &mut store,
            project,
            item,
            Act::Reject {
                reason: reason.clone(),
            },
            out,
        )?,
        HandoverCmd::Waive {
            project,
            item,
            reason,
            until,
        } => {
            let until = NaiveDate::parse_from_str(until, "%Y-%m-%d").map_err(|_| {
                Failure::usage(format!("'{until}' is not a date: write it as YYYY-MM-DD"))
            })?;
            act(
                ctx,
                &mut store,
                project,
                item,
                Act::Waive {
                    reason: reason.clone(),
                    until,
                },
                out,
            )?
        }
        HandoverCmd::Export { project, out: file } => {
            let h = store.handover(project)?;
            let text = pack(&h);
            match file {
                Some(f) => {
                    std::fs::write(f, &text)?;
                    writeln!(
                        out,
                        "Wrote the handover pack of {project} to {}.",
                        f.display()
                    )?;
                }
                None => write!(out, "{text}")?,
            }
        }
    }
    Ok(())
}

fn act(
    ctx: &Ctx<'_>,
    store: &mut crate::store::Store,
    project: &str,
    item: &str,
    act: Act,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let actor = ctx.actor(store)?;
    let c = store.handover_act(project, item, &act, &actor, ctx.now, None)?;
    let h = store.handover(project)?;
    writeln!(
        out,
        "{} is {}; the handover of {project} is {}.",
        c.title, c.state, h.state
    )?;
    Ok(())
}

/// The handover pack: what the service desk takes over, item by item.
pub fn pack(h: &Handover) -> String {
    let mut s = format!(
        "# Handover of {} to service management\n\nState: **{}**",
        h.project, h.state
    );
    if let Some(at) = h.started {
        s.push_str(&format!(", started {}", at.format("%Y-%m-%d")));
    }
    s.push_str(".\n\n");
    let open = h.open();
    if !open.is_empty() {
        s.push_str(&format!(
            "Still open before acceptance: {}.\n\n",
            open.join(", ")
        ));
    }
    s.push_str("| item | state | evidence | submitted by | decided by |\n|---|---|---|---|---|\n");
    for c in &h.checks {
        let state = match (c.state, c.until) {
            (CheckState::Waived, Some(d)) => format!("waived until {d}"),
            (st, _) => st.to_string(),
        };
        let mark = if c.mandatory { "" } else { " (optional)" };
        s.push_str(&format!(
            "| {}{mark} | {state} | {} | {} | {} |\n",
            c.title,
            c.evidence.as_deref().unwrap_or("-").replace('|', "\\|"),
            c.submitter.as_deref().unwrap_or("-"),
            c.acceptor.as_deref().unwrap_or("-")
        ));
    }
    if h.checks.iter().any(|c| !c.reviews.is_empty()) {
        s.push_str("\n## Operations reviews of the project's stories\n\n");
        for c in h.checks.iter().filter(|c| !c.reviews.is_empty()) {
            s.push_str(&format!("{}:\n\n", c.title));
            for r in &c.reviews {
                s.push_str(&format!("- {}\n", r.replace('|', "\\|")));
            }
            s.push('\n');
        }
        s.push_str("## Why each item matters\n\n");
    } else {
        s.push_str("\n## Why each item matters\n\n");
    }
    for c in &h.checks {
        s.push_str(&format!(
            "- **{}**: {} Expected: {}.",
            c.title, c.why, c.expected
        ));
        if let Some(r) = &c.reason {
            s.push_str(&format!(" Note: {r}."));
        }
        s.push('\n');
    }
    s
}
