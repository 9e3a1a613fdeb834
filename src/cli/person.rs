//! `person` and `project`: who is on the board, and the streams of change it tracks.

use super::{Ctx, Failure, print_json, print_table, to_json};
use crate::domain::project::Project;
use crate::domain::rotation::{on_support, team_on, upcoming};
use crate::domain::{Person, Role, Team};
use clap::Subcommand;
use std::io::Write;

#[derive(Debug, Subcommand)]
pub enum PersonCmd {
    /// Register a person (a product owner does this).
    Add {
        /// Their login name.
        name: String,
        /// A role; give --role again for more.
        #[arg(long = "role", required = true, value_name = "ROLE")]
        roles: Vec<String>,
        #[arg(long)]
        team: String,
    },
    /// The people, their roles, their own team and the team they are in today.
    List {
        /// One JSON array, for scripts.
        #[arg(long)]
        json: bool,
    },
    /// Rotate a person into the other team for a span of days (a product owner or service manager).
    Rotate {
        /// Their login name.
        name: String,
        /// The team they join: appdev or ams.
        #[arg(long)]
        team: String,
        /// The first day, YYYY-MM-DD.
        #[arg(long, value_name = "DATE")]
        from: String,
        /// The last day, YYYY-MM-DD.
        #[arg(long, value_name = "DATE")]
        to: String,
    },
    /// Who is on live support today, and the rotations to come.
    Rotations {
        /// One JSON object, for scripts.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ProjectCmd {
    /// Add a delivery project.
    Add {
        name: String,
        /// Pause its releases at the pre-production firebreak.
        #[arg(long)]
        firebreak: bool,
        /// A role that must accept at the firebreak (default: tester and service-manager).
        #[arg(long = "party", value_name = "ROLE")]
        parties: Vec<String>,
        /// Days of hypercare after go-live.
        #[arg(long, default_value_t = 14)]
        hypercare_days: u32,
        /// Its pipeline definition (TOML): environments, steps, firebreak, slots.
        #[arg(long, value_name = "FILE")]
        pipeline: Option<std::path::PathBuf>,
    },
    /// Change a project's policy: its firebreak, its parties, its hypercare days, its
    /// pipeline file. Releases cut afterwards follow it; those on their way keep theirs.
    Edit {
        name: String,
        /// Arm the pre-production firebreak.
        #[arg(long, conflicts_with = "no_firebreak")]
        firebreak: bool,
        /// Disarm it (a release carrying a schema change still pauses there).
        #[arg(long)]
        no_firebreak: bool,
        /// The roles that must accept at the firebreak, all of them (repeat --party).
        #[arg(long = "party", value_name = "ROLE")]
        parties: Vec<String>,
        /// Days of hypercare after go-live (a delivery project's).
        #[arg(long, value_name = "N")]
        hypercare_days: Option<u32>,
        /// Its pipeline definition (TOML); it must read cleanly.
        #[arg(long, value_name = "FILE")]
        pipeline: Option<std::path::PathBuf>,
        /// Incident response targets (someone takes it), e.g. P1=15m,P2=1h (repeatable).
        #[arg(long, value_name = "P=TIME")]
        response: Vec<String>,
        /// Incident resolution targets, e.g. P1=4h,P3=5d (repeatable).
        #[arg(long, value_name = "P=TIME")]
        resolution: Vec<String>,
        /// The working hours targets count in ("Mon-Fri 09:00-17:30 Europe/London"; a day is
        /// then a working day), or 24x7.
        #[arg(long, value_name = "HOURS")]
        hours: Option<String>,
        /// The working hours' holidays, all of them (repeat; --holiday none clears them).
        #[arg(long = "holiday", value_name = "DATE")]
        holidays: Vec<String>,
    },
    /// Give a project (bau included) its pipeline definition file.
    Pipeline {
        name: String,
        file: std::path::PathBuf,
    },
    /// The projects.
    List {
        #[arg(long)]
        json: bool,
    },
}

/// Who follows a policy change: releases cut from now on, incidents logged from now on.
fn follows(before: &crate::domain::Project, after: &crate::domain::Project, keep: &str) -> String {
    let mut release_part = before.clone();
    release_part.sla = after.sla.clone();
    let releases = release_part != *after;
    let incidents = before.sla != after.sla;
    let mut out = Vec::new();
    if releases {
        out.push(format!("Releases cut from now on follow it{keep}."));
    }
    if incidents {
        out.push("Incidents logged from now on take these targets; open ones keep theirs.".into());
    }
    out.join(" ")
}

pub(crate) fn parse<T>(s: &str) -> Result<T, Failure>
where
    T: std::str::FromStr,
    T::Err: std::fmt::Display,
{
    s.parse().map_err(|e: T::Err| Failure::usage(e.to_string()))
}

pub fn run_person(ctx: &Ctx<'_>, cmd: &PersonCmd, out: &mut dyn Write) -> Result<(), Failure> {
    let mut store = ctx.open()?;
    match cmd {
        PersonCmd::Add { name, roles, team } => {
            let person = Person {
                name: name.clone(),
                roles: roles
                    .iter()
                    .map(|r| parse::<Role>(r))
                    .collect::<Result<_, _>>()?,
                team: parse::<Team>(team)?,
            };
            let actor = ctx.actor(&store)?;
            store.add_person(&person, &actor, ctx.now)?;
            writeln!(out, "Registered {name}.")?;
        }
        PersonCmd::List { json } => {
            let people = store.people()?;
            let rotations = store.rotations()?;
            let today = ctx.now.date_naive();
            if *json {
                let list: Vec<serde_json::Value> = people
                    .iter()
                    .map(|p| {
                        let mut v = to_json(p);
                        v["team_today"] = serde_json::json!(team_on(p, &rotations, today));
                        v
                    })
                    .collect();
                return print_json(out, vec![("people", serde_json::json!(list))]);
            }
            let mut rows = vec![
                ["NAME", "TEAM", "TODAY", "ROLES"]
                    .map(String::from)
                    .to_vec(),
            ];
            rows.extend(people.iter().map(|p| {
                let roles: Vec<&str> = p.roles.iter().map(|r| r.as_str()).collect();
                vec![
                    p.name.clone(),
                    p.team.to_string(),
                    team_on(p, &rotations, today).to_string(),
                    roles.join(", "),
                ]
            }));
            print_table(out, &rows)?;
        }
        PersonCmd::Rotate {
            name,
            team,
            from,
            to,
        } => {
            let team = parse::<Team>(team)?;
            let (from, to) = (super::item::date(from)?, super::item::date(to)?);
            let actor = ctx.actor(&store)?;
            let r = store.rotate(name, team, from, to, &actor, ctx.now)?;
            writeln!(
                out,
                "{} is in {} from {} to {}.",
                r.person, r.team, r.from, r.to
            )?;
        }
        PersonCmd::Rotations { json } => {
            let people = store.people()?;
            let rotations = store.rotations()?;
            let today = ctx.now.date_naive();
            let support: Vec<serde_json::Value> = on_support(&people, &rotations, today)
                .iter()
                .map(|(p, r)| serde_json::json!({ "name": p.name, "rotated_until": r.map(|r| r.to) }))
                .collect();
            let next = upcoming(&rotations, today);
            if *json {
                return print_json(
                    out,
                    vec![
                        ("on_support", serde_json::json!(support)),
                        ("upcoming", to_json(&next)),
                        ("rotations", to_json(&rotations)),
                    ],
                );
            }
            writeln!(out, "ON LIVE SUPPORT TODAY")?;
            for (p, r) in on_support(&people, &rotations, today) {
                match r {
                    Some(r) => {
                        writeln!(out, "  {} (rotated from {} until {})", p.name, p.team, r.to)?
                    }
                    None => writeln!(out, "  {}", p.name)?,
                }
            }
            writeln!(out, "ROTATIONS TO COME")?;
            if next.is_empty() {
                writeln!(
                    out,
                    "  none: plan one with `firebreak person rotate NAME --team ams --from DATE --to DATE`"
                )?;
            }
            for r in next {
                writeln!(
                    out,
                    "  {} to {} from {} to {}",
                    r.person, r.team, r.from, r.to
                )?;
            }
        }
    }
    Ok(())
}

pub fn run_project(ctx: &Ctx<'_>, cmd: &ProjectCmd, out: &mut dyn Write) -> Result<(), Failure> {
    let mut store = ctx.open()?;
    match cmd {
        ProjectCmd::Add {
            name,
            firebreak,
            parties,
            hypercare_days,
            pipeline,
        } => {
            let parties = parties
                .iter()
                .map(|r| parse::<Role>(r))
                .collect::<Result<_, _>>()?;
            let project = Project::delivery(name, *firebreak, parties, *hypercare_days)?;
            let actor = ctx.actor(&store)?;
            if let Some(file) = pipeline {
                // Checked before the project exists, so a bad file adds nothing.
                let text = std::fs::read_to_string(file)
                    .map_err(|e| Failure::usage(format!("cannot read {}: {e}", file.display())))?;
                crate::domain::pipeline::Pipeline::parse(&text)?;
            }
            store.add_project(&project, &actor, ctx.now)?;
            if let Some(file) = pipeline {
                store.set_pipeline(name, file, &actor, ctx.now)?;
            }
            writeln!(out, "Added the delivery project {name}.")?;
        }
        ProjectCmd::Edit {
            name,
            firebreak,
            no_firebreak,
            parties,
            hypercare_days,
            pipeline,
            response,
            resolution,
            hours,
            holidays,
        } => {
            let parties: Vec<Role> = parties
                .iter()
                .map(|r| parse::<Role>(r))
                .collect::<Result<_, _>>()?;
            let targets = |given: &[String]| -> Result<Vec<_>, Failure> {
                let mut out = Vec::new();
                for g in given {
                    out.extend(crate::domain::sla::parse_targets(g)?);
                }
                Ok(out)
            };
            let hours = match hours.as_deref().map(str::trim) {
                None => None,
                Some("24x7" | "24/7") => Some(None),
                Some(h) => Some(Some(crate::domain::sla::Calendar::parse(h)?)),
            };
            let holidays = match holidays.as_slice() {
                [] => None,
                [none] if none == "none" => Some(Vec::new()),
                days => Some(
                    days.iter()
                        .map(|d| super::item::date(d.trim()))
                        .collect::<Result<Vec<_>, _>>()?,
                ),
            };
            let change = crate::domain::project::PolicyEdit {
                firebreak: match (firebreak, no_firebreak) {
                    (true, _) => Some(true),
                    (_, true) => Some(false),
                    _ => None,
                },
                parties: (!parties.is_empty()).then_some(parties),
                hypercare_days: *hypercare_days,
                response: targets(response)?,
                resolution: targets(resolution)?,
                hours,
                holidays,
            };
            let actor = ctx.actor(&store)?;
            let (before, after) =
                store.edit_project(name, &change, pipeline.as_deref(), &actor, ctx.now)?;
            let changes = crate::domain::project::describe_changes(&before, &after);
            if changes.is_empty() {
                writeln!(out, "{name} already has that policy: nothing changed.")?;
                return Ok(());
            }
            let on_the_way: Vec<String> = store
                .release_views(true)?
                .into_iter()
                .filter(|v| {
                    v.release.project == *name
                        && v.release.state != crate::domain::release::ReleaseState::Halted
                })
                .map(|v| v.release.version)
                .collect();
            let keep = match on_the_way.len() {
                0 => String::new(),
                1 => format!(
                    "; {} on its way keeps the policy it was cut with",
                    on_the_way[0]
                ),
                _ => format!(
                    "; {} on their way keep the policy they were cut with",
                    on_the_way.join(", ")
                ),
            };
            writeln!(
                out,
                "{}",
                crate::domain::text::safe(&format!(
                    "{name}: {}. {}",
                    changes.join("; "),
                    follows(&before, &after, &keep)
                ))
            )?;
        }
        ProjectCmd::Pipeline { name, file } => {
            let actor = ctx.actor(&store)?;
            store.set_pipeline(name, file, &actor, ctx.now)?;
            writeln!(out, "{name} now runs the pipeline in {}.", file.display())?;
        }
        ProjectCmd::List { json } => {
            let projects = store.projects()?;
            if *json {
                return print_json(out, vec![("projects", to_json(&projects))]);
            }
            let mut rows = vec![vec![
                "NAME".into(),
                "KIND".into(),
                "FIREBREAK".into(),
                "PARTIES".into(),
                "HYPERCARE".into(),
            ]];
            rows.extend(projects.iter().map(|p| {
                let parties: Vec<&str> = p.parties.iter().map(|r| r.as_str()).collect();
                vec![
                    p.name.clone(),
                    p.kind.to_string(),
                    if p.firebreak { "armed" } else { "-" }.into(),
                    parties.join(", "),
                    format!("{} days", p.hypercare_days),
                ]
            }));
            print_table(out, &rows)?;
        }
    }
    Ok(())
}
