//! `item`: add, list, show, rank, move and edit work items.

use super::person::parse;
use super::stream::{JsonList, to_a_terminal};
use super::{Ctx, Failure, print_json, to_json};
use crate::domain::backlog::RankMove;
use crate::domain::{Class, Item, ItemCommand, ItemEdit, ItemId, Kind, NewItem, State, Team};
use crate::format;
use chrono::NaiveDate;
use clap::{Args, Subcommand};
use std::io::Write;

#[derive(Debug, Subcommand)]
pub enum ItemCmd {
    /// Add an item; prints its id.
    Add(AddArgs),
    /// The items in backlog rank order.
    List {
        #[arg(long)]
        team: Option<String>,
        #[arg(long)]
        state: Option<String>,
        #[arg(long)]
        kind: Option<String>,
        /// Only this project's items: with `--state done`, its next release's candidates.
        #[arg(long)]
        project: Option<String>,
        /// Only the items this person holds.
        #[arg(long, value_name = "NAME")]
        assignee: Option<String>,
        /// The board's filter: fields (assignee:sam label:payments state:review kind:defect
        /// team:ams origin:incident class:expedite project:bau age:>5d is:blocked), each
        /// negated with -, and free words matched fuzzily in the title.
        #[arg(long, value_name = "QUERY")]
        filter: Option<String>,
        /// A saved view's filter (see `firebreak view list`), with --filter's if both are given.
        #[arg(long, value_name = "NAME")]
        view: Option<String>,
        /// Only delivery stories waiting for their operations review.
        #[arg(long)]
        ops_waiting: bool,
        #[arg(long)]
        json: bool,
    },
    /// One item with its history.
    Show {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Move an item in the backlog order (product owners).
    Rank(RankArgs),
    /// Apply a transition: accept, refine, cancel, block, unblock.
    Move {
        id: String,
        command: String,
        #[arg(long)]
        reason: Option<String>,
        /// Refuse if the item is no longer at this version (someone else changed it).
        #[arg(long, value_name = "N")]
        if_version: Option<i64>,
    },
    /// Give an item to someone who may hold it: the product owner assigns, anyone takes one
    /// they could hold, its holder hands it on.
    Assign {
        id: String,
        name: String,
        /// Refuse if the item is no longer at this version (someone else changed it).
        #[arg(long, value_name = "N")]
        if_version: Option<i64>,
    },
    /// Change an item's fields.
    Edit(EditArgs),
    /// Flag a delivery story as touching operations; approval then waits for an AMS review.
    FlagOps {
        id: String,
        /// What it touches: alerts, schema, dependency or runbook (repeat for more).
        #[arg(long = "concern", value_name = "CONCERN")]
        concerns: Vec<String>,
        /// Its operational acceptance criteria.
        #[arg(long, value_name = "TEXT")]
        criteria: Option<String>,
    },
    /// Record the operations review of a flagged story (an AMS engineer, not its assignee).
    ReviewOps {
        id: String,
        /// Write or amend its operational acceptance criteria.
        #[arg(long, value_name = "TEXT")]
        criteria: Option<String>,
        #[arg(long, value_name = "TEXT", default_value = "")]
        note: String,
    },
}

#[derive(Debug, Args)]
pub struct AddArgs {
    pub title: String,
    #[arg(long, default_value = "story")]
    pub kind: String,
    #[arg(long)]
    pub team: Option<String>,
    #[arg(long, default_value = "bau")]
    pub project: String,
    #[arg(long)]
    pub points: Option<u32>,
    #[arg(long, default_value = "standard")]
    pub class: String,
    /// The due date of a fixed-date item.
    #[arg(long, value_name = "DATE")]
    pub due: Option<String>,
    #[arg(long, value_name = "TEXT")]
    pub desc: Option<String>,
    /// Acceptance criteria.
    #[arg(long, value_name = "TEXT")]
    pub acceptance: Option<String>,
    /// Where it came from: planned, manual-test, incident or problem.
    #[arg(long, default_value = "planned")]
    pub origin: String,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("where").required(true).multiple(false)))]
pub struct RankArgs {
    pub id: String,
    #[arg(long, group = "where")]
    pub top: bool,
    #[arg(long, group = "where")]
    pub bottom: bool,
    #[arg(long, group = "where", value_name = "ID")]
    pub before: Option<String>,
    #[arg(long, group = "where", value_name = "ID")]
    pub after: Option<String>,
    #[arg(long, group = "where", value_name = "N")]
    pub up: Option<u32>,
    #[arg(long, group = "where", value_name = "N")]
    pub down: Option<u32>,
}

#[derive(Debug, Args)]
pub struct EditArgs {
    pub id: String,
    #[arg(long)]
    pub title: Option<String>,
    #[arg(long, value_name = "TEXT")]
    pub desc: Option<String>,
    #[arg(long, value_name = "TEXT")]
    pub acceptance: Option<String>,
    #[arg(long)]
    pub kind: Option<String>,
    #[arg(long)]
    pub team: Option<String>,
    /// Points, or `none` to clear them.
    #[arg(long)]
    pub points: Option<String>,
    #[arg(long)]
    pub class: Option<String>,
    /// Due date, or `none` to clear it.
    #[arg(long, value_name = "DATE")]
    pub due: Option<String>,
    /// The epic it belongs to (an item of kind epic), or `none` to take it out.
    #[arg(long, value_name = "FB-n")]
    pub epic: Option<String>,
    /// Refuse if the item is no longer at this version.
    #[arg(long, value_name = "N")]
    pub if_version: Option<i64>,
}

fn id(s: &str) -> Result<ItemId, Failure> {
    parse::<ItemId>(s)
}

pub(super) fn date(s: &str) -> Result<NaiveDate, Failure> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
        Failure::usage(format!(
            "'{s}' is not a date: write it as YYYY-MM-DD, e.g. 2026-03-31"
        ))
    })
}

fn optional<T>(s: &str, f: impl Fn(&str) -> Result<T, Failure>) -> Result<Option<T>, Failure> {
    if s == "none" {
        Ok(None)
    } else {
        f(s).map(Some)
    }
}

pub fn run(ctx: &Ctx<'_>, cmd: &ItemCmd, out: &mut dyn Write) -> Result<(), Failure> {
    let mut store = ctx.open()?;
    match cmd {
        ItemCmd::Add(a) => {
            let new = NewItem {
                title: a.title.clone(),
                description: a.desc.clone().unwrap_or_default(),
                acceptance: a.acceptance.clone().unwrap_or_default(),
                kind: parse(&a.kind)?,
                origin: parse(&a.origin)?,
                team: a.team.as_deref().map(parse::<Team>).transpose()?,
                project: a.project.clone(),
                class: parse(&a.class)?,
                due: a.due.as_deref().map(date).transpose()?,
                points: a.points,
            };
            let actor = ctx.actor(&store)?;
            let item = store.create_item(new, &actor, ctx.now)?;
            writeln!(out, "{}", item.id)?;
        }
        ItemCmd::List {
            team,
            state,
            kind,
            project,
            assignee,
            filter: query,
            view,
            ops_waiting,
            json,
        } => {
            let saved = view
                .as_deref()
                .map(super::view::named)
                .transpose()?
                .map(|v| v.filter);
            let text = [saved.as_deref(), query.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            let query = crate::domain::filter::Query::parse(&text)?;
            let (labels, epics) = if query.is_empty() {
                Default::default()
            } else {
                (store.item_labels()?, store.epic_members()?)
            };
            let found = std::cell::RefCell::new(crate::search::Words::new(&query.words().0));
            let waiting: Vec<ItemId> = if *ops_waiting {
                crate::domain::ops::queue(&store.ops_reviews()?)
                    .iter()
                    .map(|r| r.item)
                    .collect()
            } else {
                Vec::new()
            };
            let filter = crate::store::ItemFilter {
                team: team.as_deref().map(parse::<Team>).transpose()?,
                state: state.as_deref().map(parse::<State>).transpose()?,
                kind: kind.as_deref().map(parse::<Kind>).transpose()?,
                project: project.clone(),
                assignee: assignee.clone(),
            };
            let shown = |i: &Item| {
                (!*ops_waiting || waiting.contains(&i.id))
                    && (query.is_empty()
                        || query.passes(
                            &crate::domain::filter::Labelled(
                                i,
                                labels.get(&i.id).map_or(&[][..], Vec::as_slice),
                                epics.get(&i.id).copied(),
                            ),
                            ctx.now,
                        ) && found.borrow_mut().found_in(&i.title))
            };
            if *json {
                let mut list = JsonList::start(out, "items", to_a_terminal())?;
                store.each_item(&filter, true, |_, item| {
                    if shown(&item) {
                        list.push(&item)?;
                    }
                    Ok::<(), Failure>(())
                })?;
                return list.finish();
            }
            list_table(&store, &filter, &shown, *ops_waiting, ctx.now, out)?;
        }
        ItemCmd::Show { id: raw, json } => {
            let item = store.item(id(raw)?)?;
            let history = store.history("item", &item.id.to_string())?;
            let ops = store.ops_review(item.id)?;
            let labels = store.labels(&crate::domain::comment::Subject::Item(item.id))?;
            if *json {
                return print_json(
                    out,
                    vec![
                        ("item", to_json(&item)),
                        ("labels", to_json(&labels)),
                        (
                            "comments",
                            to_json(&crate::domain::comment::thread(&history)),
                        ),
                        ("ops", to_json(&ops)),
                        ("history", to_json(&history)),
                    ],
                );
            }
            show(out, &item, &labels, ops.as_ref(), &history)?;
        }
        ItemCmd::Rank(a) => {
            let mv = if a.top {
                RankMove::Top
            } else if a.bottom {
                RankMove::Bottom
            } else if let Some(b) = &a.before {
                RankMove::Before(id(b)?)
            } else if let Some(x) = &a.after {
                RankMove::After(id(x)?)
            } else if let Some(n) = a.up {
                RankMove::Up(n)
            } else {
                RankMove::Down(a.down.unwrap_or(1))
            };
            let actor = ctx.actor(&store)?;
            let item = store.rank_item(id(&a.id)?, mv, &actor, ctx.now, None)?;
            let (place, of) = store.backlog_place(item.id)?;
            writeln!(
                out,
                "{} moved {}: it is number {place} of {of} in the backlog.",
                item.id,
                mv.describe()
            )?;
        }
        ItemCmd::Assign {
            id: raw,
            name,
            if_version,
        } => {
            let actor = ctx.actor(&store)?;
            let item = store.assign_item(id(raw)?, name, &actor, ctx.now, *if_version)?;
            writeln!(
                out,
                "{} is {}'s now ({}).",
                item.id,
                name,
                item.state.phrase()
            )?;
        }
        ItemCmd::Move {
            id: raw,
            command,
            reason,
            if_version,
        } => {
            let cmd = ItemCommand::parse(command, reason.as_deref())?;
            let actor = ctx.actor(&store)?;
            let item = store.apply_item(id(raw)?, &cmd, &actor, ctx.now, *if_version)?;
            writeln!(
                out,
                "{} is {}{}.",
                item.id,
                item.state.phrase(),
                if item.blocked.is_some() {
                    ", blocked"
                } else {
                    ""
                }
            )?;
        }
        ItemCmd::Edit(a) => {
            let edit = ItemEdit {
                title: a.title.clone(),
                description: a.desc.clone(),
                acceptance: a.acceptance.clone(),
                kind: a.kind.as_deref().map(parse::<Kind>).transpose()?,
                team: a.team.as_deref().map(parse::<Team>).transpose()?,
                class: a.class.as_deref().map(parse::<Class>).transpose()?,
                due: a.due.as_deref().map(|d| optional(d, date)).transpose()?,
                points: a
                    .points
                    .as_deref()
                    .map(|p| optional(p, parse::<u32>))
                    .transpose()?,
            };
            let actor = ctx.actor(&store)?;
            let epic = a.epic.as_deref().map(|e| optional(e, id)).transpose()?;
            if epic.is_some() && !edit.is_empty() {
                return Err(Failure::usage(
                    "--epic is a change of its own: give it alone, then edit the other fields",
                ));
            }
            if let Some(epic) = epic {
                let item = id(&a.id)?;
                store.set_epic(item, epic, &actor, ctx.now)?;
                match epic {
                    Some(e) => writeln!(out, "{item} is in the epic {e} now.")?,
                    None => writeln!(out, "{item} is in no epic now.")?,
                }
                return Ok(());
            }
            let item = store.apply_item(
                id(&a.id)?,
                &ItemCommand::Edit(edit),
                &actor,
                ctx.now,
                a.if_version,
            )?;
            writeln!(out, "{} updated (version {}).", item.id, item.version)?;
        }
        ItemCmd::FlagOps {
            id: raw,
            concerns,
            criteria,
        } => {
            let concerns = concerns
                .iter()
                .map(|c| parse::<crate::domain::ops::Concern>(c))
                .collect::<Result<Vec<_>, _>>()?;
            let actor = ctx.actor(&store)?;
            let r = store.flag_ops(id(raw)?, &concerns, criteria.as_deref(), &actor, ctx.now)?;
            writeln!(
                out,
                "{} touches operations ({}): an AMS engineer reviews it before it is approved.",
                r.item,
                r.concerns_text()
            )?;
        }
        ItemCmd::ReviewOps {
            id: raw,
            criteria,
            note,
        } => {
            let actor = ctx.actor(&store)?;
            let r = store.review_ops(id(raw)?, criteria.as_deref(), note, &actor, ctx.now)?;
            writeln!(
                out,
                "Operations review of {} recorded by {}: it may be approved.",
                r.item, actor.name
            )?;
        }
    }
    Ok(())
}

fn show(
    out: &mut dyn Write,
    i: &Item,
    labels: &[String],
    ops: Option<&crate::domain::ops::OpsReview>,
    history: &[crate::domain::Event],
) -> Result<(), Failure> {
    writeln!(out, "{}  {}", i.id, i.title)?;
    let team = i.team.map_or("-".to_string(), |t| t.to_string());
    let points = i.points.map_or("-".to_string(), |p| p.to_string());
    writeln!(
        out,
        "{} · {} · team {} · project {} · {} · {} points · origin {}",
        i.kind, i.state, team, i.project, i.class, points, i.origin
    )?;
    if let Some(due) = i.due {
        writeln!(out, "due {due}")?;
    }
    if let Some(reason) = &i.blocked {
        writeln!(out, "BLOCKED: {reason}")?;
    }
    if !labels.is_empty() {
        let tags: Vec<String> = labels.iter().map(|l| format!("#{l}")).collect();
        writeln!(out, "labels {}", tags.join(" "))?;
    }
    writeln!(
        out,
        "version {}, last changed by {} at {}",
        i.version,
        i.updated_by,
        format::when(i.updated)
    )?;
    if !i.description.is_empty() {
        writeln!(out, "\n{}", i.description)?;
    }
    if !i.acceptance.is_empty() {
        writeln!(out, "\nAcceptance criteria:\n{}", i.acceptance)?;
    }
    if let Some(r) = ops {
        let state = match (&r.reviewer, r.reviewed) {
            (Some(who), Some(at)) => format!("reviewed by {who} at {}", format::when(at)),
            _ => "waits for an AMS engineer's review".to_string(),
        };
        writeln!(out, "\nTouches operations ({}): {state}", r.concerns_text())?;
        if !r.criteria.is_empty() {
            writeln!(out, "Operational acceptance criteria:\n{}", r.criteria)?;
        }
        if !r.note.is_empty() {
            writeln!(out, "Review note: {}", r.note)?;
        }
    }
    writeln!(out, "\nHistory:")?;
    for e in history {
        writeln!(
            out,
            "  {}  {:<10} {}",
            format::when(e.at),
            e.actor,
            format::event_line(e)
        )?;
    }
    Ok(())
}

/// The listing as a table, written as it is read. The columns of words have the width of their
/// longest word; the title's width comes from one `max(length(title))` over the same rows,
/// capped at 60 (a longer title is cut with an ellipsis, the JSON has it whole); the blocking
/// reason comes last, unpadded. So no row is held to measure the others.
fn list_table(
    store: &crate::store::Store,
    filter: &crate::store::ItemFilter,
    shown: &dyn Fn(&Item) -> bool,
    ops_waiting: bool,
    now: chrono::DateTime<chrono::Utc>,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    use unicode_width::UnicodeWidthStr;
    let words = |all: &[&str]| all.iter().map(|w| w.len()).max().unwrap_or(0);
    let kinds: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
    let states: Vec<&str> = State::ALL.iter().map(|k| k.as_str()).collect();
    let origins: Vec<&str> = crate::domain::Origin::ALL
        .iter()
        .map(|k| k.as_str())
        .collect();
    let (count, last_id) = store.item_extent()?;
    let title = store.widest_title(filter)?.clamp(5, 60);
    let w = [
        count.to_string().len().max(1),
        format!("FB-{last_id}").len(),
        words(&kinds),
        title,
        "appdev".len(),
        words(&states),
        3,
        words(&origins),
        4,
    ];
    let mut header = false;
    let line = |out: &mut dyn Write, cells: [&str; 10]| -> Result<(), Failure> {
        let mut text = String::new();
        for (n, cell) in cells.iter().enumerate() {
            if n == 9 {
                text.push_str(cell);
                break;
            }
            let cell = if n == 3 {
                fit(cell, title)
            } else {
                cell.to_string()
            };
            text.push_str(&cell);
            text.push_str(&" ".repeat(w[n].saturating_sub(cell.width()) + 2));
        }
        writeln!(out, "{}", text.trim_end())?;
        Ok(())
    };
    store.each_item(filter, false, |pos, i| {
        if !shown(&i) {
            return Ok(());
        }
        if !header {
            header = true;
            line(
                out,
                [
                    "#", "ID", "KIND", "TITLE", "TEAM", "STATE", "PTS", "ORIGIN", "AGE", "BLOCKED",
                ],
            )?;
        }
        line(
            out,
            [
                &pos.to_string(),
                &i.id.to_string(),
                i.kind.as_str(),
                &i.title,
                i.team.map_or("-", |t| t.as_str()),
                i.state.as_str(),
                &i.points.map_or("-".into(), |p| p.to_string()),
                i.origin.as_str(),
                &format::age(i.created, now),
                i.blocked.as_deref().unwrap_or_default(),
            ],
        )
    })?;
    if !header {
        if ops_waiting {
            writeln!(out, "No story waits for an operations review.")?;
        } else {
            writeln!(out, "No items. Add one with `firebreak item add TITLE`.")?;
        }
    }
    Ok(())
}

/// `text` in at most `width` columns: cut with an ellipsis when longer.
fn fit(text: &str, width: usize) -> String {
    use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};
    if text.width() <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let cw = c.width().unwrap_or(0);
        if used + cw + 1 > width {
            break;
        }
        out.push(c);
        used += cw;
    }
    out.push('…');
    out
}
