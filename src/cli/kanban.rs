//! `kanban`: pull, move, set limits and look at the maintenance team's board.

use super::person::parse;
use super::{Ctx, Failure, print_json, print_table, to_json};
use crate::domain::kanban::{Column, ColumnLimit, WipMode};
use crate::domain::{Item, ItemId};
use crate::format;
use crate::store::Moved;
use clap::Subcommand;
use std::io::Write;

#[derive(Debug, Subcommand)]
pub enum KanbanCmd {
    /// Pull the next item in the pull order (or ID) into In progress.
    Pull {
        id: Option<String>,
        /// Pass a full column's limit, saying why (recorded in the item's history).
        #[arg(long = "override", value_name = "REASON")]
        over: Option<String>,
    },
    /// Move a card to another column: in-progress, review or done.
    Move {
        id: String,
        column: String,
        #[arg(long = "override", value_name = "REASON")]
        over: Option<String>,
    },
    /// Set a column's WIP limit (a number, or `none`) and what happens at it.
    Wip {
        column: String,
        limit: String,
        #[arg(long)]
        mode: Option<String>,
    },
    /// Mark cards older than this many days in their column (1 to 365).
    Age { days: u32 },
    /// The board: columns with their counts and limits, the expedite lane, the cards.
    Show {
        #[arg(long)]
        json: bool,
    },
}

pub fn run(ctx: &Ctx<'_>, cmd: &KanbanCmd, out: &mut dyn Write) -> Result<(), Failure> {
    let mut store = ctx.open()?;
    match cmd {
        KanbanCmd::Pull { id, over } => {
            let id = id.as_deref().map(parse::<ItemId>).transpose()?;
            let actor = ctx.actor(&store)?;
            let moved = store.pull(id, over.as_deref(), &actor, ctx.now)?;
            said(out, &moved)?;
        }
        KanbanCmd::Move { id, column, over } => {
            let id = parse::<ItemId>(id)?;
            let column = parse::<Column>(column)?;
            let actor = ctx.actor(&store)?;
            let moved = store.kanban_move(id, column, over.as_deref(), &actor, ctx.now, None)?;
            said(out, &moved)?;
        }
        KanbanCmd::Wip {
            column,
            limit,
            mode,
        } => {
            let column = parse::<Column>(column)?;
            let current = store
                .column_limits()?
                .into_iter()
                .find(|l| l.column == column)
                .map_or(WipMode::Reasoned, |l| l.mode);
            let limit = match limit.as_str() {
                "none" => None,
                n => Some(n.parse::<u32>().map_err(|_| {
                    Failure::usage(format!(
                        "'{n}' is not a limit: give a whole number, or none"
                    ))
                })?),
            };
            let mode = mode
                .as_deref()
                .map(parse::<WipMode>)
                .transpose()?
                .unwrap_or(current);
            let actor = ctx.actor(&store)?;
            store.set_column_limit(
                ColumnLimit {
                    column,
                    limit,
                    mode,
                },
                &actor,
                ctx.now,
            )?;
            let shown = limit.map_or("no limit".to_string(), |l| format!("a limit of {l}"));
            writeln!(out, "{} now has {shown} ({mode}).", column.title())?;
        }
        KanbanCmd::Age { days } => {
            let actor = ctx.actor(&store)?;
            store.set_ageing(*days, &actor, ctx.now)?;
            writeln!(
                out,
                "Cards older than {days} days in their column are now marked."
            )?;
        }
        KanbanCmd::Show { json } => {
            let limits = store.column_limits()?;
            let items = store.kanban_items(None)?;
            let overrides = store.overrides()?;
            let flow = store.kanban_flow(ctx.now.date_naive())?;
            let board = crate::domain::kanban::Board::of(&items, &limits);
            if *json {
                let columns: Vec<serde_json::Value> = board
                    .columns
                    .iter()
                    .map(|c| {
                        let cards: Vec<&Item> = c.cards.iter().map(|&i| &items[i]).collect();
                        let over = overrides
                            .iter()
                            .find(|o| o.column == c.limit.column && c.over());
                        serde_json::json!({
                            "column": c.limit.column, "count": c.count, "limit": c.limit.limit,
                            "mode": c.limit.mode, "full": c.full(), "override": over,
                            "items": to_json(&cards),
                        })
                    })
                    .collect();
                let lane = board.lane.map(|i| &items[i]);
                return print_json(
                    out,
                    vec![
                        ("columns", columns.into()),
                        ("expedite", to_json(&lane)),
                        ("flow", to_json(&flow)),
                    ],
                );
            }
            if let Some(i) = board.lane {
                writeln!(
                    out,
                    "EXPEDITE  {}  {}  ({})",
                    items[i].id, items[i].title, items[i].state
                )?;
            }
            for c in &board.columns {
                let limit = c.limit.limit.map_or("-".to_string(), |l| l.to_string());
                let flag = if c.over() {
                    "  OVER"
                } else if c.full() {
                    "  FULL"
                } else {
                    ""
                };
                writeln!(
                    out,
                    "\n{} {}/{} ({}){flag}",
                    c.limit.column.title().to_uppercase(),
                    c.count,
                    limit,
                    c.limit.mode
                )?;
                if let Some(o) = overrides
                    .iter()
                    .find(|o| o.column == c.limit.column && c.over())
                {
                    writeln!(out, "  override by {} for {}: {}", o.by, o.item, o.reason)?;
                }
                let rows: Vec<Vec<String>> = c
                    .cards
                    .iter()
                    .map(|&i| {
                        let item = &items[i];
                        vec![
                            format!("  {}", item.id),
                            item.title.clone(),
                            item.assignee.clone().unwrap_or_else(|| "-".into()),
                            format::age(item.entered, ctx.now),
                            item.blocked
                                .as_ref()
                                .map_or(String::new(), |r| format!("BLOCKED: {r}")),
                        ]
                    })
                    .collect();
                print_table(out, &rows)?;
            }
            writeln!(out, "\n{}", crate::format::flow_summary(&flow))?;
        }
    }
    Ok(())
}

fn said(out: &mut dyn Write, m: &Moved) -> Result<(), Failure> {
    let column = Column::of(m.item.state).map_or(m.item.state.as_str(), |c| c.title());
    write!(out, "{} is now in {column}", m.item.id)?;
    if let Some(reason) = &m.over {
        write!(out, ", over its limit: {reason}")?;
    }
    writeln!(out, ".")?;
    if let Some(freed) = m.freed {
        writeln!(out, "{} has room again: pull the next item.", freed.title())?;
    }
    Ok(())
}
