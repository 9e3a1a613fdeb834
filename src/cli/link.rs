//! `link`: a record's links to the outside, and links between items.

use super::{Ctx, Failure, print_json, to_json};
use crate::domain::ItemId;
use crate::domain::comment::Subject;
use crate::domain::link::Relation;
use clap::Subcommand;
use std::io::Write;

#[derive(Debug, Subcommand)]
pub enum LinkCmd {
    /// Link an item, an incident, a problem or a release to a URL (a merge request, a
    /// dashboard, a runbook); or an item to another: `link add FB-1 blocks FB-2` (also
    /// relates, duplicates).
    Add {
        id: String,
        #[arg(required = true, num_args = 1..=2, value_name = "URL | RELATION ID")]
        target: Vec<String>,
        /// A few words that say what the URL is.
        #[arg(long)]
        title: Option<String>,
    },
    /// Take a link off: the URL, or the relation and the other item.
    Remove {
        id: String,
        #[arg(required = true, num_args = 1..=2, value_name = "URL | RELATION ID")]
        target: Vec<String>,
    },
    /// A record's links, from both sides for items.
    List {
        id: String,
        #[arg(long)]
        json: bool,
    },
}

/// `RELATION ID` for an item link, else a URL.
fn relation(target: &[String]) -> Result<Option<(Relation, ItemId)>, Failure> {
    match target {
        [rel, other] => {
            let rel = super::person::parse::<Relation>(rel)?;
            let other = other
                .parse::<ItemId>()
                .map_err(|e| Failure::usage(e.to_string()))?;
            Ok(Some((rel, other)))
        }
        _ => Ok(None),
    }
}

fn item_of(subject: &Subject) -> Result<ItemId, Failure> {
    match subject {
        Subject::Item(id) => Ok(*id),
        other => Err(Failure::usage(format!(
            "{other} is no item: only items link to items (give it a URL instead)"
        ))),
    }
}

pub fn run(ctx: &Ctx<'_>, cmd: &LinkCmd, out: &mut dyn Write) -> Result<(), Failure> {
    let mut store = ctx.open()?;
    match cmd {
        LinkCmd::Add { id, target, title } => {
            let subject = Subject::parse(id)?;
            let actor = ctx.actor(&store)?;
            match relation(target)? {
                Some((rel, other)) => {
                    let a = item_of(&subject)?;
                    store.relate(a, rel, other, true, &actor, ctx.now)?;
                    writeln!(out, "{a} {} {other}; {other} shows it too.", rel.forward())?;
                }
                None => {
                    let l =
                        store.add_link(&subject, &target[0], title.as_deref(), &actor, ctx.now)?;
                    writeln!(out, "{subject} links to {}.", l.url)?;
                }
            }
        }
        LinkCmd::Remove { id, target } => {
            let subject = Subject::parse(id)?;
            let actor = ctx.actor(&store)?;
            match relation(target)? {
                Some((rel, other)) => {
                    let a = item_of(&subject)?;
                    store.relate(a, rel, other, false, &actor, ctx.now)?;
                    writeln!(out, "{a} no longer {} {other}.", rel.forward())?;
                }
                None => {
                    store.remove_link(&subject, &target[0], &actor, ctx.now)?;
                    writeln!(out, "{subject} no longer links to {}.", target[0])?;
                }
            }
        }
        LinkCmd::List { id, json } => {
            let subject = Subject::parse(id)?;
            let links = store.links(&subject)?;
            if *json {
                return print_json(
                    out,
                    vec![
                        ("subject", to_json(&subject)),
                        ("web", to_json(&links.web)),
                        ("items", to_json(&links.items)),
                    ],
                );
            }
            if links.is_empty() {
                writeln!(
                    out,
                    "{subject} has no links: `firebreak link add {subject} URL` adds one."
                )?;
            }
            for l in &links.items {
                writeln!(out, "{}", l.phrase())?;
            }
            for w in &links.web {
                match &w.title {
                    Some(t) => writeln!(out, "{t}  {}", w.url)?,
                    None => writeln!(out, "{}", w.url)?,
                }
            }
        }
    }
    Ok(())
}
