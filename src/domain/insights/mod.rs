//! The numbers the article's conclusion promises (domain.md section 5): delivery (DORA) with
//! its trend and tier, the flow of both teams, and the cost of the controls: where a release's
//! lead time was spent. Pure: the facts come in, the numbers go out.

use super::event::Event;
use super::hypercare::Hypercare;
use super::incident::Incident;
use super::measures::{self, CycleTimes, Transition, Week, percentile};
use super::sprint::{Sprint, SprintState};
use super::vocab::{Origin, State, Team};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde::Serialize;
use std::collections::HashMap;

mod controls;
mod delivery;
mod escapes;
mod flow;
#[cfg(test)]
mod tests;

use controls::controls;
use delivery::delivery;
use escapes::escapes;
use flow::flow;

/// How far back the insights look unless told otherwise: twelve weeks, today included.
pub const DEFAULT_DAYS: i64 = 83;

/// A release with every event recorded about it, oldest first.
#[derive(Debug, Clone, PartialEq)]
pub struct ReleaseFacts {
    pub version: String,
    pub project: String,
    pub items: Vec<u32>,
    pub events: Vec<Event>,
}

/// What an item is, for the flow: its team, where it came from, when it was created.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ItemFacts {
    pub id: u32,
    pub team: Option<Team>,
    pub origin: Origin,
    pub state: State,
    pub created: DateTime<Utc>,
}

/// Everything the insights are computed from.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub releases: Vec<ReleaseFacts>,
    pub incidents: Vec<Incident>,
    pub hypercare: Vec<Hypercare>,
    /// Every state an item entered, in time order, with the item's team.
    pub transitions: Vec<(Option<Team>, Transition)>,
    pub items: Vec<ItemFacts>,
    pub sprints: Vec<Sprint>,
    /// Escaped defects as recorded.
    pub escapes: Vec<super::escape::Escape>,
    /// The kind of each test of each project's pipeline: (project, environment, test).
    pub tests: HashMap<(String, String, String), super::pipeline::TestKind>,
    /// Each incident opened in the period: its priority, when it opened, its SLA clock.
    pub sla_clocks: Vec<(super::incident::Priority, DateTime<Utc>, super::sla::Clock)>,
}

/// How a measure compares with the State of DevOps research's performance clusters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Tier {
    Elite,
    High,
    Medium,
    Low,
}

impl Tier {
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Elite => "elite",
            Tier::High => "high",
            Tier::Medium => "medium",
            Tier::Low => "low",
        }
    }
}

/// One delivery measure: its value over the period, its tier, and its value week by week.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Measure {
    /// In the measure's unit; none when there was nothing to measure.
    pub value: Option<f64>,
    pub unit: &'static str,
    pub tier: Option<Tier>,
    /// How many things it was measured over (switches, items, releases, incidents).
    pub over: usize,
    pub weeks: Vec<WeekValue>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WeekValue {
    pub week: NaiveDate,
    pub value: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Delivery {
    /// Switches to live per week.
    pub deployment_frequency: Measure,
    /// Item done to released, median, in hours.
    pub lead_time: Measure,
    /// Live releases later rolled back or followed by an incident within hypercare, in percent.
    pub change_failure_rate: Measure,
    /// Incident opened to resolved, for incidents linked to a release, median, in hours.
    pub time_to_restore: Measure,
}

/// One team's flow.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TeamFlow {
    pub team: Team,
    pub throughput: Vec<Week>,
    pub cycle: CycleTimes,
    /// Age in days of the work started and not yet done: p50, p85 and the oldest.
    pub age: Age,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Age {
    pub count: usize,
    pub p50: Option<f64>,
    pub p85: Option<f64>,
    pub oldest: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Flow {
    pub teams: Vec<TeamFlow>,
    /// Items created in the period by origin, most first.
    pub origins: Vec<(Origin, usize)>,
    /// The share of new work that came from running the service (incidents, problems and
    /// pipeline failures), in percent.
    pub run_cost: Option<f64>,
    /// Points done in each closed sprint of each delivery project, oldest first, and the
    /// velocity (mean of the last three).
    pub velocity: Vec<Velocity>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Velocity {
    pub project: String,
    pub sprints: Vec<(String, u32)>,
    pub velocity: Option<f64>,
}

/// Where the lead time of the releases that went live was spent: the median hours of each
/// stretch, in the order a release meets them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Controls {
    pub releases: usize,
    pub stretches: Vec<Stretch>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stretch {
    /// `development`, `in ENV`, `firebreak`, `go/no-go votes`, `shadow before the switch`.
    pub name: String,
    pub median_hours: f64,
    /// How many releases spent time there.
    pub releases: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Insights {
    pub since: NaiveDate,
    pub today: NaiveDate,
    pub delivery: Delivery,
    pub flow: Flow,
    pub controls: Controls,
    pub escapes: Escapes,
    /// Incident targets met per priority per week of opening.
    pub sla: Vec<super::sla::Met>,
}

/// Escaped defects per environment and kind of test, beside the pass rate of the tests of that
/// environment and kind that ran: where the automated scope is thin.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Escapes {
    pub rows: Vec<EscapeRow>,
    /// Found in the period with no automated test that could have caught them.
    pub none: usize,
    pub total: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EscapeRow {
    pub env: String,
    pub test: String,
    pub escaped: usize,
    /// Escapes found per week.
    pub weeks: Vec<WeekValue>,
    /// Runs of the tests of this environment and kind in the period, and how many passed.
    pub runs: usize,
    pub passed: usize,
    pub pass_rate: Option<f64>,
}

fn monday(date: NaiveDate) -> NaiveDate {
    date - Duration::days(date.weekday().num_days_from_monday() as i64)
}

fn hours(from: DateTime<Utc>, to: DateTime<Utc>) -> f64 {
    (to - from).num_seconds().max(0) as f64 / 3600.0
}

fn median(mut v: Vec<f64>) -> Option<f64> {
    v.sort_by(|a, b| a.total_cmp(b));
    percentile(&v, 50.0)
}

/// The Mondays of the weeks from `since` to `today`.
fn week_starts(since: NaiveDate, today: NaiveDate) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    let mut w = monday(since);
    while w <= today {
        out.push(w);
        w += Duration::weeks(1);
    }
    out
}

/// Groups values by the week of their date and reduces each week.
fn by_week(
    weeks: &[NaiveDate],
    values: &[(DateTime<Utc>, f64)],
    reduce: impl Fn(Vec<f64>) -> Option<f64>,
) -> Vec<WeekValue> {
    let mut grouped: HashMap<NaiveDate, Vec<f64>> = HashMap::new();
    for (at, v) in values {
        grouped.entry(monday(at.date_naive())).or_default().push(*v);
    }
    weeks
        .iter()
        .map(|w| WeekValue {
            week: *w,
            value: grouped.remove(w).and_then(&reduce),
        })
        .collect()
}

fn in_period(at: DateTime<Utc>, since: NaiveDate, today: NaiveDate) -> bool {
    let d = at.date_naive();
    d >= since && d <= today
}

fn event_at<'a>(r: &'a ReleaseFacts, action: &str) -> Option<&'a Event> {
    r.events.iter().find(|e| e.action == action)
}

/// Computes every insight over the period from `since` to `today`.
pub fn compute(facts: &Facts, since: NaiveDate, today: NaiveDate) -> Insights {
    Insights {
        since,
        today,
        delivery: delivery(facts, since, today),
        flow: flow(facts, since, today),
        controls: controls(facts, since, today),
        escapes: escapes(facts, since, today),
        sla: super::sla::met_per_week(&facts.sla_clocks),
    }
}
