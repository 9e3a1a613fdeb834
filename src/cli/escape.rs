//! `escape`: record where a defect that reached live should have been caught, and list them.

use super::stream::{JsonList, Table, to_a_terminal};
use super::{Ctx, Failure};
use crate::domain::escape::Catch;
use crate::domain::pipeline::TestKind;
use crate::format;
use clap::Subcommand;
use std::io::Write;

#[derive(Debug, Subcommand)]
pub enum EscapeCmd {
    /// Record where an incident (INC-n) or defect (FB-n) found after its release went live
    /// should have been caught: an environment and a kind of test, or --none.
    Add {
        source: String,
        #[arg(long, required_unless_present = "none")]
        env: Option<String>,
        /// functional or non-functional.
        #[arg(long, required_unless_present = "none")]
        test: Option<String>,
        /// The test case there that should have caught it (`suite::name`, as `release cases`
        /// lists them).
        #[arg(long, value_name = "CASE", requires = "env")]
        case: Option<String>,
        /// No automated test could have caught it.
        #[arg(long, conflicts_with_all = ["env", "test", "case"])]
        none: bool,
        /// The release it escaped (found from the incident when not given).
        #[arg(long, value_name = "VERSION")]
        release: Option<String>,
        #[arg(long, value_name = "TEXT", default_value = "")]
        note: String,
    },
    /// Every escaped defect recorded.
    List {
        #[arg(long)]
        json: bool,
    },
}

pub fn run(ctx: &Ctx<'_>, cmd: &EscapeCmd, out: &mut dyn Write) -> Result<(), Failure> {
    let mut store = ctx.open()?;
    match cmd {
        EscapeCmd::Add {
            source,
            env,
            test,
            case,
            none,
            release,
            note,
        } => {
            let catch = match (none, env, test) {
                (true, _, _) => Catch::Nowhere,
                (false, Some(env), Some(test)) => Catch::At {
                    env: env.clone(),
                    test: super::person::parse::<TestKind>(test)?,
                    case: case.clone(),
                },
                _ => {
                    return Err(Failure::usage(
                        "say where it should have been caught: --env ENV --test KIND, or --none",
                    ));
                }
            };
            let actor = ctx.actor(&store)?;
            let e =
                store.record_escape(source, release.as_deref(), &catch, note, &actor, ctx.now)?;
            writeln!(out, "{}", e.describe())?;
        }
        EscapeCmd::List { json } => {
            if *json {
                let mut list = JsonList::start(out, "escapes", to_a_terminal())?;
                store.each_escape(|e| list.push(&e))?;
                return list.finish();
            }
            let mut table = Table::new(
                out,
                [
                    "SOURCE",
                    "RELEASE",
                    "SHOULD HAVE BEEN CAUGHT",
                    "FOUND",
                    "BY",
                    "NOTE",
                ],
                [7, 10, 26, 16, 10, 0],
            );
            store.each_escape(|e| {
                let caught = match (&e.env, e.test) {
                    (Some(env), Some(t)) => match &e.case {
                        Some(case) => format!("{env}, {t}, {case}"),
                        None => format!("{env}, {t}"),
                    },
                    _ => "none could have".to_string(),
                };
                table.row([
                    &e.source,
                    &e.release,
                    &caught,
                    &format::when(e.found),
                    &e.by,
                    &e.note,
                ])
            })?;
            if table.rows() == 0 {
                writeln!(
                    out,
                    "No escaped defect recorded. Record one with `firebreak escape add INC-n --env ENV --test KIND`."
                )?;
            }
        }
    }
    Ok(())
}
