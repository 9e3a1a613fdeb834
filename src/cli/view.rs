//! `view`: filters saved under a name, in the user's config, for the board's `F1`..`F4` and
//! `:view NAME` and for `item list --view NAME`.

use super::{Failure, print_json, print_table, to_json};
use crate::domain::filter::View;
use clap::Subcommand;
use std::io::Write;

#[derive(Debug, Subcommand)]
pub enum ViewCmd {
    /// Save a filter under a name (replacing a view of that name).
    Add { name: String, filter: String },
    /// Forget a view.
    Remove { name: String },
    /// The saved views, in the order F1..F4 take them.
    List {
        #[arg(long)]
        json: bool,
    },
}

/// The saved view of that name.
pub fn named(name: &str) -> Result<View, Failure> {
    let views = crate::config::views().map_err(Failure::usage)?;
    views
        .iter()
        .find(|v| v.name == name)
        .cloned()
        .ok_or_else(|| {
            let known: Vec<&str> = views.iter().map(|v| v.name.as_str()).collect();
            Failure::usage(if known.is_empty() {
                format!(
                    "there is no view '{name}': save one with `firebreak view add {name} FILTER`"
                )
            } else {
                format!(
                    "there is no view '{name}': the views are {}",
                    known.join(", ")
                )
            })
        })
}

pub fn run(cmd: &ViewCmd, out: &mut dyn Write) -> Result<(), Failure> {
    match cmd {
        ViewCmd::Add { name, filter } => {
            let view = View::new(name, filter)?;
            let all = crate::config::save_view(view.clone()).map_err(Failure::usage)?;
            let at = all.iter().position(|v| v.name == view.name).unwrap_or(0);
            let key = if at < 4 {
                format!(" (F{} on the Backlog)", at + 1)
            } else {
                String::new()
            };
            writeln!(out, "Saved the view {}{key}: {}", view.name, view.filter)?;
        }
        ViewCmd::Remove { name } => {
            let mut all = crate::config::views().map_err(Failure::usage)?;
            let before = all.len();
            all.retain(|v| v.name != *name);
            if all.len() == before {
                named(name)?;
            }
            crate::config::save_views(&all).map_err(Failure::usage)?;
            writeln!(out, "Forgot the view {name}.")?;
        }
        ViewCmd::List { json } => {
            let all = crate::config::views().map_err(Failure::usage)?;
            if *json {
                return print_json(out, vec![("views", to_json(&all))]);
            }
            if all.is_empty() {
                writeln!(
                    out,
                    "No saved views: `firebreak view add payments \"label:payments -is:blocked\"` saves one."
                )?;
                return Ok(());
            }
            let mut rows = vec![vec!["KEY".into(), "NAME".into(), "FILTER".into()]];
            for (n, v) in all.iter().enumerate() {
                let key = if n < 4 {
                    format!("F{}", n + 1)
                } else {
                    "-".into()
                };
                rows.push(vec![key, v.name.clone(), v.filter.clone()]);
            }
            print_table(out, &rows)?;
        }
    }
    Ok(())
}
