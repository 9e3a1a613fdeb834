//! `comment`: the thread on an item, an incident, a problem or a release.

use super::{Ctx, Failure, print_json, to_json};
use crate::domain::comment::{Comment, Subject};
use crate::domain::text::safe;
use clap::Subcommand;
use std::io::{Read, Write};

#[derive(Debug, Subcommand)]
pub enum CommentCmd {
    /// Add a comment to an item (FB-12), an incident (INC-3), a problem (PRB-1) or a release
    /// (its version). Markdown is kept as written; `-` reads the text from standard input.
    Add { id: String, text: String },
    /// A thread, oldest first, each comment with its author and age.
    List {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Write a new version of your comment N (the old one is kept); `-` reads standard input.
    Edit { id: String, n: u32, text: String },
}

/// The text as given, or standard input for `-`.
fn words(text: &str) -> Result<String, Failure> {
    if text != "-" {
        return Ok(text.to_string());
    }
    let mut read = String::new();
    std::io::stdin()
        .take(4 * crate::domain::comment::MAX_COMMENT as u64 + 1)
        .read_to_string(&mut read)
        .map_err(|e| Failure::usage(format!("cannot read the comment from standard input: {e}")))?;
    Ok(read)
}

pub fn run(ctx: &Ctx<'_>, cmd: &CommentCmd, out: &mut dyn Write) -> Result<(), Failure> {
    let mut store = ctx.open()?;
    match cmd {
        CommentCmd::Add { id, text } => {
            let subject = Subject::parse(id)?;
            let text = words(text)?;
            let actor = ctx.actor(&store)?;
            let c = store.comment(&subject, &text, &actor, ctx.now)?;
            writeln!(out, "Comment {} on {subject}, by {}.", c.n, c.author)?;
        }
        CommentCmd::Edit { id, n, text } => {
            let subject = Subject::parse(id)?;
            let text = words(text)?;
            let actor = ctx.actor(&store)?;
            let c = store.edit_comment(&subject, *n, &text, &actor, ctx.now)?;
            writeln!(
                out,
                "Comment {} on {subject} edited; its {} earlier version{} kept.",
                c.n,
                c.earlier.len(),
                if c.earlier.len() == 1 { " is" } else { "s are" }
            )?;
        }
        CommentCmd::List { id, json } => {
            let subject = Subject::parse(id)?;
            let thread = store.comments(&subject)?;
            if *json {
                return print_json(
                    out,
                    vec![
                        ("subject", to_json(&subject)),
                        ("comments", to_json(&thread)),
                    ],
                );
            }
            if thread.is_empty() {
                writeln!(
                    out,
                    "No comments on {subject} yet: add one with `firebreak comment add {subject} TEXT`."
                )?;
            }
            for c in &thread {
                print_comment(out, c, ctx.now)?;
            }
        }
    }
    Ok(())
}

/// One comment: its heading line, then its text indented, escaped line by line.
fn print_comment(
    out: &mut dyn Write,
    c: &Comment,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), Failure> {
    let edited = match c.edited {
        Some(at) => format!(" (edited {} ago)", crate::format::age(at, now)),
        None => String::new(),
    };
    writeln!(
        out,
        "#{} {} · {} ago{edited}",
        c.n,
        c.author,
        crate::format::age(c.at, now)
    )?;
    for line in c.text.lines() {
        writeln!(out, "    {}", safe(line))?;
    }
    writeln!(out)?;
    Ok(())
}
