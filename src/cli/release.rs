//! `release` and `status`: cut a release, run it or report its steps, sign at its gates, switch
//! it live or roll it back, and the on-call view of everything in flight.

use super::person::parse;
use super::stream::{JsonList, Table, to_a_terminal};
use super::{Ctx, Failure, print_json, print_table, to_json};
use crate::domain::ItemId;
use crate::domain::release::{Next, Outcome, Vote, waiting_on};
use crate::runner::{self, End};
use clap::Subcommand;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum ReleaseCmd {
    /// Cut a version from the project's done items (or the ones named).
    Add {
        version: String,
        #[arg(long)]
        project: String,
        /// It changes a database schema: the firebreak holds it.
        #[arg(long)]
        schema_change: bool,
        #[arg(long = "item", value_name = "ID")]
        items: Vec<String>,
    },
    /// Run the automation until it halts, pauses or reaches the shadow.
    Run { version: String },
    /// Report a step's result from an external CI.
    Report {
        version: String,
        #[arg(long)]
        env: String,
        #[arg(long)]
        step: String,
        /// pass or fail; with --junit, what the reports say.
        #[arg(long, required_unless_present = "junit")]
        result: Option<String>,
        /// A file holding the step's log (- for standard input).
        #[arg(long, value_name = "FILE")]
        log: Option<PathBuf>,
        #[arg(long)]
        url: Option<String>,
        /// JUnit XML reports (as CI systems write them; - for standard input): the step fails
        /// when a case failed or errored, and its log and pipeline defect name those cases.
        #[arg(long, value_name = "FILE", num_args = 1.., conflicts_with = "result")]
        junit: Vec<PathBuf>,
    },
    /// Accept a release at the firebreak, for your party.
    Accept {
        version: String,
        #[arg(long, default_value = "")]
        comment: String,
        /// Refuse if the release changed since this revision (`release show --json` gives it).
        #[arg(long, value_name = "N")]
        if_revision: Option<i64>,
    },
    /// Reject it at the firebreak: it halts.
    Reject {
        version: String,
        #[arg(long)]
        comment: String,
        /// Refuse if the release changed since this revision (`release show --json` gives it).
        #[arg(long, value_name = "N")]
        if_revision: Option<i64>,
    },
    /// Resume the automation after every party accepted.
    Restart {
        version: String,
        /// Refuse if the release changed since this revision (`release show --json` gives it).
        #[arg(long, value_name = "N")]
        if_revision: Option<i64>,
        /// Only record the restart; the automation is run later with `release run`.
        #[arg(long)]
        no_run: bool,
    },
    /// A release manager abandons a halted release, saying why.
    Abandon {
        version: String,
        #[arg(long)]
        reason: Option<String>,
        /// Refuse if the release changed since this revision (`release show --json` gives it).
        #[arg(long, value_name = "N")]
        if_revision: Option<i64>,
    },
    /// Problem determination on a halted release, by the team that originated it.
    Pd {
        version: String,
        /// What the team found.
        #[arg(long)]
        findings: Option<String>,
        /// The class of cause: code, test, environment, data or dependency.
        #[arg(long)]
        cause: Option<String>,
        /// Conclude it (needs the findings and a cause); the release then waits on no one.
        #[arg(long)]
        conclude: bool,
    },
    /// Raise a ticket from a halted release's problem determination, linked to the release
    /// and to the defect the automation raised.
    Ticket {
        version: String,
        title: String,
        /// defect, enhancement or task.
        #[arg(long, default_value = "defect")]
        kind: String,
    },
    /// Re-run the failed step once, when the concluded PD found the environment at fault.
    Rerun {
        version: String,
        /// Refuse if the release changed since this revision (`release show --json` gives it).
        #[arg(long, value_name = "N")]
        if_revision: Option<i64>,
    },
    /// Vote go or no-go on a release in the shadow.
    Vote {
        version: String,
        vote: String,
        #[arg(long, default_value = "")]
        comment: String,
        /// Refuse if the release changed since this revision (`release show --json` gives it).
        #[arg(long, value_name = "N")]
        if_revision: Option<i64>,
    },
    /// Switch a go release live.
    Switch {
        version: String,
        #[arg(long)]
        reason: String,
        /// Refuse if the release changed since this revision (`release show --json` gives it).
        #[arg(long, value_name = "N")]
        if_revision: Option<i64>,
    },
    /// Roll the live release back to the standby slot.
    Rollback {
        version: String,
        #[arg(long)]
        reason: String,
        /// Refuse if the release changed since this revision (`release show --json` gives it).
        #[arg(long, value_name = "N")]
        if_revision: Option<i64>,
    },
    /// A release: its steps, gate, slots and votes.
    Show {
        version: String,
        #[arg(long)]
        json: bool,
    },
    /// Every release, newest first.
    List {
        #[arg(long)]
        json: bool,
    },
    /// The test cases a step's JUnit reports held, each with its result, its time and its
    /// results in the same step of the project's earlier releases.
    Cases {
        version: String,
        #[arg(long)]
        env: String,
        #[arg(long)]
        step: String,
        /// Only the cases that failed or errored.
        #[arg(long)]
        broken: bool,
        #[arg(long)]
        json: bool,
    },
}

pub fn run(ctx: &Ctx<'_>, cmd: &ReleaseCmd, out: &mut dyn Write) -> Result<(), Failure> {
    let mut store = ctx.open()?;
    match cmd {
        ReleaseCmd::Add {
            version,
            project,
            schema_change,
            items,
        } => {
            let ids = if items.is_empty() {
                None
            } else {
                Some(
                    items
                        .iter()
                        .map(|i| parse::<ItemId>(i))
                        .collect::<Result<Vec<_>, _>>()?,
                )
            };
            let actor = ctx.actor(&store)?;
            let r = store.cut_release(version, project, ids, *schema_change, &actor, ctx.now)?;
            let ids: Vec<String> = r.items.iter().map(|i| i.to_string()).collect();
            writeln!(
                out,
                "Cut {} of {} with {}.",
                r.version,
                r.project,
                ids.join(", ")
            )?;
        }
        ReleaseCmd::Run { version } => {
            ctx.actor(&store)?;
            return run_on(&mut store, version, out);
        }
        ReleaseCmd::Report {
            version,
            env,
            step,
            result,
            log,
            url,
            junit,
        } => {
            let stdin = |p: &PathBuf| p.as_os_str() == "-";
            if junit.iter().chain(log.iter()).filter(|p| stdin(p)).count() > 1 {
                return Err(Failure::usage(
                    "standard input (-) is one file: give it to --log or to one --junit",
                ));
            }
            let mut log = match log {
                Some(f) => read_input(f)?,
                None => String::new(),
            };
            // Every report reads before anything is recorded.
            let mut cases = Vec::new();
            for f in junit {
                let text = read_input(f)?;
                let name = if stdin(f) {
                    "standard input".to_string()
                } else {
                    f.display().to_string()
                };
                cases.extend(crate::domain::junit::parse(&text, &name)?);
            }
            let cases = crate::domain::junit::merged(cases);
            let outcome = match result {
                Some(r) => parse::<Outcome>(r)?,
                None => {
                    let (passed, summary) = crate::domain::junit::summary(&cases);
                    log = format!("{summary}{log}");
                    if passed { Outcome::Pass } else { Outcome::Fail }
                }
            };
            let reporter = ctx.actor(&store)?;
            let seconds: f64 = cases.iter().map(|c| c.seconds).sum();
            let done = store.report(
                version,
                env,
                step,
                outcome,
                seconds,
                &log,
                url.as_deref(),
                &cases,
                ctx.now,
                &reporter,
            )?;
            writeln!(
                out,
                "{version}: {env}/{step} {outcome}; it is {}.",
                done.release.state.phrase()
            )?;
            if let Some(d) = done.defect {
                writeln!(out, "{d} is on the backlog for the failure.")?;
            }
            for old in &done.superseded {
                writeln!(
                    out,
                    "{}",
                    crate::domain::text::safe(&format!(
                        "{old} halted at {env}/{step}: {version} passed it, so {old} is superseded and waits on nobody."
                    ))
                )?;
            }
        }
        ReleaseCmd::Accept {
            version,
            comment,
            if_revision,
        }
        | ReleaseCmd::Reject {
            version,
            comment,
            if_revision,
        } => {
            let accept = matches!(cmd, ReleaseCmd::Accept { .. });
            let actor = ctx.actor(&store)?;
            let r = store.answer(version, accept, comment, &actor, ctx.now, *if_revision)?;
            let view = store.release(version)?;
            let waiting = waiting_on(&r.policy.parties, &view.progress());
            if !accept {
                writeln!(
                    out,
                    "{version} is halted: rejected at the firebreak by {}.",
                    actor.name
                )?;
            } else if waiting.is_empty() {
                writeln!(
                    out,
                    "Every party accepted {version}: a release manager restarts it."
                )?;
            } else {
                let names: Vec<&str> = waiting.iter().map(|r| r.as_str()).collect();
                writeln!(
                    out,
                    "{} accepted {version}; it still waits on {}.",
                    actor.name,
                    names.join(" and ")
                )?;
            }
        }
        ReleaseCmd::Pd {
            version,
            findings,
            cause,
            conclude,
        } => {
            let entry = crate::domain::pd::PdEntry {
                findings: findings.clone(),
                cause: cause
                    .as_deref()
                    .map(super::person::parse::<crate::domain::pd::Cause>)
                    .transpose()?,
                conclude: *conclude,
            };
            let actor = ctx.actor(&store)?;
            let pd = store.record_pd(version, &entry, &actor, ctx.now)?;
            match (pd.concluded, pd.cause) {
                (Some(_), Some(cause)) => writeln!(
                    out,
                    "Problem determination of {version} concluded: cause {cause}."
                )?,
                _ => writeln!(
                    out,
                    "Problem determination of {version} recorded; conclude it with --conclude."
                )?,
            }
        }
        ReleaseCmd::Ticket {
            version,
            title,
            kind,
        } => {
            let kind = parse::<crate::domain::Kind>(kind)?;
            let actor = ctx.actor(&store)?;
            let item = store.pd_ticket(version, title, kind, &actor, ctx.now)?;
            writeln!(
                out,
                "{} raised in triage from the problem determination of {version}: the product owner ranks it.",
                item.id
            )?;
        }
        ReleaseCmd::Rerun {
            version,
            if_revision,
        } => {
            let actor = ctx.actor(&store)?;
            let (env, step) = store.rerun(version, &actor, ctx.now, *if_revision)?;
            writeln!(
                out,
                "{env}/{step} of {version} will run once more: run it on with `firebreak release run {version}`."
            )?;
        }
        ReleaseCmd::Restart {
            version,
            if_revision,
            no_run,
        } => {
            let actor = ctx.actor(&store)?;
            store.restart(version, &actor, ctx.now, *if_revision)?;
            if *no_run {
                writeln!(
                    out,
                    "{version} restarted: run it on with `firebreak release run {version}`."
                )?;
            } else {
                // The article's manual restart restarts the automation: it runs on from the
                // firebreak here and now.
                writeln!(out, "{version} restarted: the automation runs on.")?;
                return run_on(&mut store, version, out);
            }
        }
        ReleaseCmd::Abandon {
            version,
            reason,
            if_revision,
        } => {
            let actor = ctx.actor(&store)?;
            let r = store.abandon(
                version,
                reason.as_deref().unwrap_or(""),
                &actor,
                ctx.now,
                *if_revision,
            )?;
            writeln!(
                out,
                "{version} is {}: its items may go out with another version.",
                r.state.phrase()
            )?;
        }
        ReleaseCmd::Vote {
            version,
            vote,
            comment,
            if_revision,
        } => {
            let vote = parse::<Vote>(vote)?;
            let actor = ctx.actor(&store)?;
            let r = store.vote(version, vote, comment, &actor, ctx.now, *if_revision)?;
            writeln!(
                out,
                "{} voted {vote} on {version}; it is {}.",
                actor.name,
                r.state.phrase()
            )?;
        }
        ReleaseCmd::Switch {
            version,
            reason,
            if_revision,
        }
        | ReleaseCmd::Rollback {
            version,
            reason,
            if_revision,
        } => {
            let change = if matches!(cmd, ReleaseCmd::Switch { .. }) {
                runner::Change::Switch
            } else {
                runner::Change::Rollback
            };
            let actor = ctx.actor(&store)?;
            let done = runner::change_production(
                &mut store,
                version,
                change,
                reason,
                &actor,
                ctx.now,
                *if_revision,
            )?;
            if let Some(output) = done
                .output
                .as_deref()
                .map(str::trim)
                .filter(|o| !o.is_empty())
            {
                writeln!(out, "{}", crate::domain::text::safe(output))?;
            }
            writeln!(
                out,
                "{version} is {}; production's {} slot serves {} now.",
                done.release.state.phrase(),
                done.routing.slot,
                done.routing.version
            )?;
        }
        ReleaseCmd::Show { version, json } => {
            let (view, pipeline, next) = store.next_step(version)?;
            let slots = store.slots(&view.release.project)?;
            let pd = store.pd(&view.release.version)?;
            let ended = {
                use crate::domain::release::ReleaseState as S;
                if matches!(view.release.state, S::Superseded | S::Abandoned) {
                    crate::domain::release::ending(&store.history("release", version)?)
                } else {
                    None
                }
            };
            if *json {
                return print_json(
                    out,
                    vec![
                        ("release", to_json(&view.release)),
                        ("pd", to_json(&pd)),
                        ("steps", to_json(&view.steps)),
                        ("acceptances", to_json(&view.acceptances)),
                        ("votes", to_json(&view.votes)),
                        ("slots", to_json(&slots)),
                        ("next", next_words(view.release.state, &next).into()),
                        ("ended", ended.clone().into()),
                        // What `--if-revision` takes: a decision on this view is refused once
                        // the release moves on.
                        ("revision", view.revision.into()),
                    ],
                );
            }
            let r = &view.release;
            writeln!(
                out,
                "{} of {} ({}), cut by {}{}",
                r.version,
                r.project,
                r.state,
                r.originator,
                if r.schema_change {
                    ", schema change"
                } else {
                    ""
                }
            )?;
            let items: Vec<String> = r.items.iter().map(|i| i.to_string()).collect();
            writeln!(out, "Items: {}", items.join(", "))?;
            writeln!(out, "Originating team: {}", r.team)?;
            if let Some(ended) = &ended {
                writeln!(out, "{}", crate::domain::text::safe(ended))?;
            }
            if r.schema_change {
                let flagged: Vec<String> = store
                    .schema_items(&r.items)?
                    .iter()
                    .map(|i| i.to_string())
                    .collect();
                let why = if flagged.is_empty() {
                    "cut as one".to_string()
                } else {
                    format!("{} changes the schema", flagged.join(", "))
                };
                writeln!(out, "Schema change ({why}): the firebreak is armed.")?;
            }
            if let Some(pd) = &pd {
                writeln!(
                    out,
                    "Problem determination{} by {}: {}{}",
                    if pd.concluded.is_some() {
                        " (concluded)"
                    } else {
                        ""
                    },
                    pd.by,
                    pd.findings,
                    pd.cause.map_or(String::new(), |c| format!(" · cause {c}"))
                )?;
            }
            for env in &pipeline.environments {
                writeln!(out, "\n{}", env.name.to_uppercase())?;
                let rows: Vec<Vec<String>> = env
                    .steps()
                    .iter()
                    .map(|s| {
                        let rec = view
                            .steps
                            .iter()
                            .find(|x| x.env == env.name && x.step == s.name);
                        vec![
                            format!("  {}", s.name),
                            rec.map_or("-".into(), |x| {
                                x.outcome.map_or("running".into(), |o| o.to_string())
                            }),
                            rec.map_or(String::new(), |x| format!("{:.1} s", x.seconds)),
                        ]
                    })
                    .collect();
                print_table(out, &rows)?;
            }
            let people: Vec<crate::domain::Person> = store
                .people()?
                .into_iter()
                .filter(|p| !p.roles.contains(&crate::domain::Role::Automation))
                .collect();
            let rotations = store.rotations()?;
            let parties = &r.policy.parties;
            let progress = view.progress();
            let sign = |x: &crate::domain::release::Sign, yes: &str, no: &str| {
                format!(
                    "  {} {} ({}) {}{}",
                    if x.yes { yes } else { no },
                    x.person,
                    x.role,
                    crate::format::when(x.at),
                    if x.comment.is_empty() {
                        String::new()
                    } else {
                        format!(": {}", x.comment)
                    }
                )
            };
            if !view.acceptances.is_empty() {
                writeln!(out, "\nFIREBREAK")?;
                for a in &view.acceptances {
                    writeln!(out, "{}", sign(a, "accepted by", "REJECTED by"))?;
                }
            }
            if !view.votes.is_empty() {
                writeln!(out, "\nGO/NO-GO")?;
                for v in &view.votes {
                    writeln!(out, "{}", sign(v, "go from", "NO-GO from"))?;
                }
            }
            if !slots.is_empty() {
                let all = store.releases()?;
                writeln!(out, "\nSLOTS")?;
                for (slot, release, live) in &slots {
                    let holds = all
                        .iter()
                        .find(|x| Some(&x.version) == release.as_ref())
                        .map(|x| x.state);
                    writeln!(
                        out,
                        "  {slot:<6} {:<10} {}",
                        release.as_deref().unwrap_or("-"),
                        crate::domain::release::slot_role(*live, holds)
                    )?;
                }
            }
            for e in store.history("release", &r.version)? {
                if !matches!(e.action.as_str(), "switch" | "rollback") {
                    continue;
                }
                let said = e.details["output"].as_str().unwrap_or("").trim();
                writeln!(
                    out,
                    "\n{} by {} {}: {}",
                    if e.action == "switch" {
                        "Switched live"
                    } else {
                        "Rolled back"
                    },
                    e.actor,
                    crate::format::when(e.at),
                    if said.is_empty() {
                        "production's command printed nothing"
                    } else {
                        "production's command printed"
                    }
                )?;
                for line in said.lines() {
                    writeln!(out, "  {line}")?;
                }
            }
            let staff = crate::domain::release::Staff {
                people: &people,
                rotations: &rotations,
                today: ctx.now.date_naive(),
            };
            let waits: Vec<String> = crate::domain::release::named_waits(
                r,
                parties,
                &progress,
                pd.as_ref().is_some_and(|p| p.concluded.is_some()),
                store.held_runs()?.contains(&r.version),
                &staff,
            )
            .into_iter()
            .map(|(_, named)| named)
            .collect();
            writeln!(out, "\nNext: {}", next_words(r.state, &next))?;
            if !waits.is_empty() {
                writeln!(out, "Waits on: {}", waits.join("; "))?;
            }
        }
        ReleaseCmd::List { json } => {
            if *json {
                let mut list = JsonList::start(out, "releases", to_a_terminal())?;
                store.each_release(|r| list.push(&r))?;
                return list.finish();
            }
            let mut table = Table::new(
                out,
                ["VERSION", "PROJECT", "STATE", "ORIGINATOR", "ITEMS"],
                [10, 16, 11, 10, 0],
            );
            store.each_release(|r| {
                table.row([
                    &r.version,
                    &r.project,
                    r.state.as_str(),
                    &r.originator,
                    &r.items.len().to_string(),
                ])
            })?;
            if table.rows() == 0 {
                writeln!(
                    out,
                    "No releases. Cut one with `firebreak release add VERSION --project P`."
                )?;
            }
        }
        ReleaseCmd::Cases {
            version,
            env,
            step,
            broken,
            json,
        } => {
            let (_, pipeline, _) = store.next_step(version)?;
            let known = pipeline
                .environment(env)
                .is_some_and(|e| e.steps().iter().any(|s| s.name == *step));
            if !known {
                return Err(Failure::usage(format!(
                    "{version}'s pipeline has no step {env}/{step}: `firebreak release show {version}` lists its steps"
                )));
            }
            let keep = |c: &crate::domain::junit::CaseHistory| !*broken || c.case.broke();
            if *json {
                let mut list = JsonList::start(out, "cases", to_a_terminal())?;
                store.each_step_case(version, env, step, |c| {
                    if keep(&c) { list.push(&c) } else { Ok(()) }
                })?;
                return list.finish();
            }
            let mut table = Table::new(
                out,
                ["RESULT", "SECONDS", "EARLIER", "CASE", "MESSAGE"],
                [7, 8, crate::store::CASE_HISTORY, 40, 0],
            );
            let mut seen = 0;
            store.each_step_case(version, env, step, |c| {
                seen += 1;
                if !keep(&c) {
                    return Ok(());
                }
                let earlier: String = c.before.iter().map(|r| r.glyph()).collect();
                table.row([
                    c.case.result.as_str(),
                    &format!("{:.2}", c.case.seconds),
                    &earlier,
                    &c.case.full_name(),
                    c.case.message.as_deref().unwrap_or(""),
                ])
            })?;
            if table.rows() == 0 && seen > 0 {
                writeln!(
                    out,
                    "No case of {version} {env}/{step} failed or errored: {seen} ran."
                )?;
            } else if table.rows() == 0 {
                writeln!(
                    out,
                    "No test cases recorded for {version} {env}/{step}: a step records its cases when its report is JUnit (`firebreak release report {version} --env {env} --step {step} --junit FILE`, or `junit = \"reports/*.xml\"` in the pipeline file)."
                )?;
            }
        }
    }
    Ok(())
}

/// The text of a file a report names, or of standard input for `-` (how a CI on another
/// machine sends it over SSH).
fn read_input(path: &std::path::Path) -> Result<String, Failure> {
    use std::io::Read;
    const LARGEST: u64 = 64 << 20;
    let (name, mut reader): (String, Box<dyn Read>) = if path.as_os_str() == "-" {
        ("standard input".into(), Box::new(std::io::stdin()))
    } else {
        let f = std::fs::File::open(path)
            .map_err(|e| Failure::usage(format!("cannot read {}: {e}", path.display())))?;
        (path.display().to_string(), Box::new(f))
    };
    let mut bytes = Vec::new();
    (&mut reader)
        .take(LARGEST + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Failure::usage(format!("cannot read {name}: {e}")))?;
    if bytes.len() as u64 > LARGEST {
        return Err(Failure::usage(format!(
            "{name} is over 64 MiB: send the step's report, not its artefacts"
        )));
    }
    String::from_utf8(bytes)
        .map_err(|_| Failure::usage(format!("{name} is not UTF-8 text: nothing was recorded")))
}

/// Runs the automation of `version` until it halts, pauses or reaches the shadow, a line per
/// step; exit 1 when it halts.
fn run_on(
    store: &mut crate::store::Store,
    version: &str,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let end = runner::run_release(store, version, &mut |line| {
        let _ = writeln!(out, "{line}");
    })?;
    match end {
        End::Halted { env, step, defect } => Err(Failure {
            code: 1,
            message: format!(
                "{version} halted at {env}/{step}{}",
                defect.map_or(String::new(), |d| format!("; {d} is on the backlog for it"))
            ),
        }),
        End::Firebreak => say(
            out,
            &format!(
                "{version} waits at the firebreak: its parties accept, then a release manager restarts it."
            ),
        ),
        End::Shadow { slot, url } => say(
            out,
            &format!(
                "{version} is in the shadow ({} slot{}): it waits for go/no-go.",
                slot.unwrap_or_default(),
                url.map_or(String::new(), |u| format!(", {u}"))
            ),
        ),
        End::Waits { env, step } => say(
            out,
            &format!(
                "{version} waits for {env}/{step} to be reported: firebreak release report {version} --env {env} --step {step} --result pass|fail"
            ),
        ),
        End::Done(state) => say(out, &format!("{version} is {state}: nothing to run.")),
    }
}

fn say(out: &mut dyn Write, text: &str) -> Result<(), Failure> {
    writeln!(out, "{text}")?;
    Ok(())
}

/// What comes next for a release in `state`: where the automation stands only while it runs.
fn next_words(state: crate::domain::release::ReleaseState, next: &Next) -> String {
    use crate::domain::release::ReleaseState as S;
    match state {
        S::Live => "nothing: it is live".into(),
        S::Standby => "nothing: it stands by, for a rollback".into(),
        S::RolledBack => "nothing: it was rolled back; a new version is the fix".into(),
        S::Abandoned => "nothing: it was abandoned; a new version is the fix".into(),
        S::Superseded => "nothing: a later version passed the step where it halted".into(),
        S::Halted => format!(
            "{}: its team's problem determination, then a new version",
            next_text(next)
        ),
        _ => next_text(next),
    }
}

fn next_text(next: &Next) -> String {
    match next {
        Next::Step { env, step } => format!("{env}/{step}"),
        Next::Firebreak => "the firebreak".into(),
        Next::Shadow => "go/no-go".into(),
        Next::Halted { env, step } => format!("halted at {env}/{step}"),
    }
}
