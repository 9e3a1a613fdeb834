//! `label`: free words on items and incidents, and how much work carries each.

use super::{Ctx, Failure, print_json, print_table, to_json};
use crate::domain::comment::Subject;
use clap::Subcommand;
use std::io::Write;

#[derive(Debug, Subcommand)]
pub enum LabelCmd {
    /// Put labels on an item (FB-12) or an incident (INC-3).
    Add {
        id: String,
        #[arg(required = true, value_name = "WORD")]
        words: Vec<String>,
    },
    /// Take labels off an item or an incident.
    Remove {
        id: String,
        #[arg(required = true, value_name = "WORD")]
        words: Vec<String>,
    },
    /// A record's labels, or every label with the work that carries it.
    List {
        id: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

pub fn run(ctx: &Ctx<'_>, cmd: &LabelCmd, out: &mut dyn Write) -> Result<(), Failure> {
    let mut store = ctx.open()?;
    match cmd {
        LabelCmd::Add { id, words } | LabelCmd::Remove { id, words } => {
            let subject = Subject::parse(id)?;
            let actor = ctx.actor(&store)?;
            let (add, remove) = match cmd {
                LabelCmd::Add { .. } => (words.as_slice(), &[][..]),
                _ => (&[][..], words.as_slice()),
            };
            let now = store.relabel(&subject, add, remove, &actor, ctx.now)?;
            if now.is_empty() {
                writeln!(out, "{subject} carries no labels now.")?;
            } else {
                writeln!(out, "{subject} carries {} now.", now.join(", "))?;
            }
        }
        LabelCmd::List { id: Some(id), json } => {
            let subject = Subject::parse(id)?;
            let labels = store.labels(&subject)?;
            if *json {
                return print_json(
                    out,
                    vec![("subject", to_json(&subject)), ("labels", to_json(&labels))],
                );
            }
            if labels.is_empty() {
                writeln!(
                    out,
                    "{subject} carries no labels: add one with `firebreak label add {subject} WORD`."
                )?;
            } else {
                writeln!(out, "{}", labels.join(" "))?;
            }
        }
        LabelCmd::List { id: None, json } => {
            let counts = store.label_counts()?;
            if *json {
                return print_json(out, vec![("labels", to_json(&counts))]);
            }
            if counts.is_empty() {
                writeln!(
                    out,
                    "No labels on the board yet: `firebreak label add FB-12 payments` puts one on."
                )?;
                return Ok(());
            }
            let mut rows = vec![vec![
                "LABEL".into(),
                "OPEN ITEMS".into(),
                "ITEMS".into(),
                "INCIDENTS".into(),
            ]];
            rows.extend(counts.iter().map(|c| {
                vec![
                    c.label.clone(),
                    c.open_items.to_string(),
                    c.items.to_string(),
                    c.incidents.to_string(),
                ]
            }));
            print_table(out, &rows)?;
        }
    }
    Ok(())
}
