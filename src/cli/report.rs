//! `report`: the insights of the Insights tab on the command line: delivery (DORA), flow and
//! the cost of the controls.

use super::item::date;
use super::{Ctx, Failure, print_json, to_json};
use crate::domain::insights::Insights;
use crate::format::{delivery_rows, escape_heading, escape_rows, span};
use std::io::Write;

pub fn run(
    ctx: &Ctx<'_>,
    since: Option<&str>,
    json: bool,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let store = ctx.open()?;
    let today = ctx.now.date_naive();
    let since = match since {
        Some(s) => date(s)?,
        None => today - chrono::Duration::days(crate::domain::insights::DEFAULT_DAYS),
    };
    if since > today {
        return Err(Failure::usage(format!(
            "--since {since} is after today: give a day in the past"
        )));
    }
    // Nothing happened before the board's first event: a period reaching further back costs
    // only the history there is.
    let since = match store.first_day()? {
        Some(first) if first > since => first.min(today),
        _ => since,
    };
    let insights = store.insights(since, today)?;
    if json {
        return print_json(out, vec![("report", to_json(&insights))]);
    }
    text(&insights, out)
}

fn text(i: &Insights, out: &mut dyn Write) -> Result<(), Failure> {
    writeln!(out, "Insights from {} to {}", i.since, i.today)?;
    writeln!(out, "\nDelivery (DORA), trend by week")?;
    for row in delivery_rows(i, false) {
        writeln!(
            out,
            "  {:<22} {:>10}  {:<7} {:<20} {}",
            row[0], row[1], row[2], row[3], row[4]
        )?;
    }
    writeln!(out, "\nFlow")?;
    for t in &i.flow.teams {
        let weeks: Vec<String> = t.throughput.iter().map(|w| w.done.to_string()).collect();
        let d = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.1}d"));
        writeln!(
            out,
            "  {:<6} done per week {}; cycle time p50 {} p85 {} p95 {}; {} in progress, age p50 {} oldest {}",
            t.team.as_str(),
            weeks.join(" "),
            d(t.cycle.p50),
            d(t.cycle.p85),
            d(t.cycle.p95),
            t.age.count,
            d(t.age.p50),
            d(t.age.oldest)
        )?;
    }
    let origins = crate::format::origin_words(i);
    writeln!(
        out,
        "  New work by origin: {}",
        if origins.is_empty() {
            "none".to_string()
        } else {
            origins.join(", ")
        }
    )?;
    if let Some(share) = i.flow.run_cost {
        writeln!(
            out,
            "  Running the service (incidents, problems, pipeline failures): {share:.0} % of new work"
        )?;
    }
    for v in &i.flow.velocity {
        let sprints: Vec<String> = v.sprints.iter().map(|(n, p)| format!("{n} {p}")).collect();
        writeln!(
            out,
            "  Velocity of {}: {} ({})",
            v.project,
            v.velocity
                .map_or("no closed sprint yet".to_string(), |x| format!(
                    "{x:.1} points"
                )),
            sprints.join(", ")
        )?;
    }
    writeln!(
        out,
        "\nCost of the controls: where the lead time of {} release{} that went live was spent (median)",
        i.controls.releases,
        if i.controls.releases == 1 { "" } else { "s" }
    )?;
    if i.controls.stretches.is_empty() {
        writeln!(out, "  No release went live in the period.")?;
    }
    let most = i
        .controls
        .stretches
        .iter()
        .map(|s| s.median_hours)
        .fold(0.0_f64, f64::max);
    for s in &i.controls.stretches {
        let bar = if most > 0.0 {
            "█".repeat(((s.median_hours / most) * 30.0).round() as usize)
        } else {
            String::new()
        };
        writeln!(out, "  {:<26} {:>9}  {bar}", s.name, span(s.median_hours))?;
    }
    writeln!(out, "\n{}", escape_heading(i))?;
    let rows = escape_rows(i, false);
    if rows.is_empty() {
        writeln!(out, "  No tests ran and nothing escaped in the period.")?;
    }
    for [env, test, escaped, trend, rate] in rows {
        writeln!(
            out,
            "  {env:<12} {test:<15} {escaped:>3} escaped  {trend}  {rate}"
        )?;
    }
    writeln!(out)?;
    for line in crate::domain::sla::met_lines(&i.sla) {
        writeln!(out, "{line}")?;
    }
    Ok(())
}
