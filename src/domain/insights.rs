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

fn tier_frequency(per_week: f64) -> Tier {
    if per_week >= 7.0 {
        Tier::Elite
    } else if per_week >= 1.0 {
        Tier::High
    } else if per_week >= 12.0 / 52.0 {
        Tier::Medium
    } else {
        Tier::Low
    }
}

fn tier_lead_time(hours: f64) -> Tier {
    if hours < 24.0 {
        Tier::Elite
    } else if hours < 24.0 * 7.0 {
        Tier::High
    } else if hours < 24.0 * 30.0 {
        Tier::Medium
    } else {
        Tier::Low
    }
}

fn tier_failure(percent: f64) -> Tier {
    if percent <= 15.0 {
        Tier::Elite
    } else if percent <= 30.0 {
        Tier::High
    } else if percent <= 45.0 {
        Tier::Medium
    } else {
        Tier::Low
    }
}

fn tier_restore(hours: f64) -> Tier {
    if hours < 1.0 {
        Tier::Elite
    } else if hours < 24.0 {
        Tier::High
    } else if hours < 24.0 * 7.0 {
        Tier::Medium
    } else {
        Tier::Low
    }
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
    }
}

fn escapes(facts: &Facts, since: NaiveDate, today: NaiveDate) -> Escapes {
    let weeks = week_starts(since, today);
    let mut rows: Vec<EscapeRow> = Vec::new();
    let row = |rows: &mut Vec<EscapeRow>, env: &str, test: &str| -> usize {
        match rows.iter().position(|r| r.env == env && r.test == test) {
            Some(i) => i,
            None => {
                rows.push(EscapeRow {
                    env: env.to_string(),
                    test: test.to_string(),
                    escaped: 0,
                    weeks: Vec::new(),
                    runs: 0,
                    passed: 0,
                    pass_rate: None,
                });
                rows.len() - 1
            }
        }
    };
    // The tests that ran, by the kind their pipeline gives them.
    for r in &facts.releases {
        for e in r.events.iter().filter(|e| e.action == "step") {
            if !in_period(e.at, since, today) {
                continue;
            }
            let env = e.details["env"].as_str().unwrap_or("");
            let step = e.details["step"].as_str().unwrap_or("");
            let key = (r.project.clone(), env.to_string(), step.to_string());
            let Some(kind) = facts.tests.get(&key) else {
                continue;
            };
            let i = row(&mut rows, env, kind.as_str());
            rows[i].runs += 1;
            if e.details["result"] == "pass" {
                rows[i].passed += 1;
            }
        }
    }
    let mut found: HashMap<usize, Vec<(DateTime<Utc>, f64)>> = HashMap::new();
    let mut none = 0;
    let mut total = 0;
    for x in facts
        .escapes
        .iter()
        .filter(|x| in_period(x.found, since, today))
    {
        total += 1;
        match (&x.env, x.test) {
            (Some(env), Some(test)) => {
                let i = row(&mut rows, env, test.as_str());
                rows[i].escaped += 1;
                found.entry(i).or_default().push((x.found, 1.0));
            }
            _ => none += 1,
        }
    }
    for (i, r) in rows.iter_mut().enumerate() {
        let values = found.remove(&i).unwrap_or_default();
        r.weeks = by_week(&weeks, &values, |v| Some(v.len() as f64))
            .into_iter()
            .map(|w| WeekValue {
                value: Some(w.value.unwrap_or(0.0)),
                ..w
            })
            .collect();
        r.pass_rate = (r.runs > 0).then(|| 100.0 * r.passed as f64 / r.runs as f64);
    }
    rows.sort_by(|a, b| b.escaped.cmp(&a.escaped).then(b.runs.cmp(&a.runs)));
    Escapes { rows, none, total }
}

fn delivery(facts: &Facts, since: NaiveDate, today: NaiveDate) -> Delivery {
    let weeks = week_starts(since, today);
    let period_weeks = ((today - since).num_days() + 1) as f64 / 7.0;

    // Deployment frequency: switches to live.
    let switches: Vec<(DateTime<Utc>, f64)> = facts
        .releases
        .iter()
        .filter_map(|r| event_at(r, "switch"))
        .filter(|e| in_period(e.at, since, today))
        .map(|e| (e.at, 1.0))
        .collect();
    let per_week = switches.len() as f64 / period_weeks.max(1.0 / 7.0);
    let deployment_frequency = Measure {
        value: Some(per_week),
        unit: "per week",
        tier: (!switches.is_empty()).then(|| tier_frequency(per_week)),
        over: switches.len(),
        weeks: by_week(&weeks, &switches, |v| Some(v.len() as f64))
            .into_iter()
            .map(|w| WeekValue {
                value: Some(w.value.unwrap_or(0.0)),
                ..w
            })
            .collect(),
    };

    // Lead time for changes: each item's last done before it was released.
    let mut done_at: HashMap<u32, DateTime<Utc>> = HashMap::new();
    let mut leads: Vec<(DateTime<Utc>, f64)> = Vec::new();
    for (_, t) in &facts.transitions {
        match t.to {
            State::Done => {
                done_at.insert(t.item, t.at);
            }
            State::Released => {
                if let Some(done) = done_at.remove(&t.item)
                    && in_period(t.at, since, today)
                {
                    leads.push((t.at, hours(done, t.at)));
                }
            }
            _ => {}
        }
    }
    let lead = median(leads.iter().map(|(_, h)| *h).collect());
    let lead_time = Measure {
        value: lead,
        unit: "hours",
        tier: lead.map(tier_lead_time),
        over: leads.len(),
        weeks: by_week(&weeks, &leads, median),
    };

    // Change failure rate: over the releases switched live in the period.
    let mut outcomes: Vec<(DateTime<Utc>, f64)> = Vec::new();
    for r in &facts.releases {
        let Some(switch) = event_at(r, "switch").filter(|e| in_period(e.at, since, today)) else {
            continue;
        };
        let rolled_back = r
            .events
            .iter()
            .any(|e| e.action == "rollback" && e.at >= switch.at);
        let care = facts.hypercare.iter().find(|h| h.release == r.version);
        let incident = facts.incidents.iter().any(|i| {
            i.release.as_deref() == Some(r.version.as_str())
                && i.opened >= switch.at
                && care.is_some_and(|h| i.opened.date_naive() <= h.ends)
        });
        outcomes.push((switch.at, if rolled_back || incident { 1.0 } else { 0.0 }));
    }
    let rate = |v: Vec<f64>| -> Option<f64> {
        (!v.is_empty()).then(|| 100.0 * v.iter().sum::<f64>() / v.len() as f64)
    };
    let failure = rate(outcomes.iter().map(|(_, f)| *f).collect());
    let change_failure_rate = Measure {
        value: failure,
        unit: "%",
        tier: failure.map(tier_failure),
        over: outcomes.len(),
        weeks: by_week(&weeks, &outcomes, rate),
    };

    // Time to restore: incidents linked to a release, opened to resolved.
    let restores: Vec<(DateTime<Utc>, f64)> = facts
        .incidents
        .iter()
        .filter(|i| i.release.is_some())
        .filter_map(|i| i.resolved.map(|r| (r, hours(i.opened, r))))
        .filter(|(at, _)| in_period(*at, since, today))
        .collect();
    let restore = median(restores.iter().map(|(_, h)| *h).collect());
    let time_to_restore = Measure {
        value: restore,
        unit: "hours",
        tier: restore.map(tier_restore),
        over: restores.len(),
        weeks: by_week(&weeks, &restores, median),
    };
    Delivery {
        deployment_frequency,
        lead_time,
        change_failure_rate,
        time_to_restore,
    }
}

fn flow(facts: &Facts, since: NaiveDate, today: NaiveDate) -> Flow {
    let weeks = week_starts(since, today).len().clamp(1, 26);
    // Ages are measured to the end of `today`.
    let now = (today + Duration::days(1))
        .and_time(chrono::NaiveTime::MIN)
        .and_utc();
    let teams = [Team::Appdev, Team::Ams]
        .into_iter()
        .map(|team| {
            let ts: Vec<Transition> = facts
                .transitions
                .iter()
                .filter(|(t, _)| *t == Some(team))
                .map(|(_, t)| *t)
                .collect();
            // Work item age: since the first start of what is in progress or in review now.
            let mut started: HashMap<u32, DateTime<Utc>> = HashMap::new();
            for t in &ts {
                if t.to == State::InProgress {
                    started.entry(t.item).or_insert(t.at);
                }
            }
            let mut ages: Vec<f64> = facts
                .items
                .iter()
                .filter(|i| i.team == Some(team))
                .filter(|i| matches!(i.state, State::InProgress | State::Review))
                .filter_map(|i| started.get(&i.id))
                .map(|at| hours(*at, now) / 24.0)
                .collect();
            ages.sort_by(|a, b| a.total_cmp(b));
            TeamFlow {
                team,
                throughput: measures::throughput(&ts, today, weeks),
                cycle: measures::cycle_times_done_in(&ts, since, today),
                age: Age {
                    count: ages.len(),
                    p50: percentile(&ages, 50.0),
                    p85: percentile(&ages, 85.0),
                    oldest: ages.last().copied(),
                },
            }
        })
        .collect();
    let mut origins: HashMap<Origin, usize> = HashMap::new();
    for i in facts
        .items
        .iter()
        .filter(|i| in_period(i.created, since, today))
    {
        *origins.entry(i.origin).or_default() += 1;
    }
    let total: usize = origins.values().sum();
    let run: usize = [Origin::Incident, Origin::Problem, Origin::Pipeline]
        .iter()
        .map(|o| origins.get(o).copied().unwrap_or(0))
        .sum();
    let mut origins: Vec<(Origin, usize)> = origins.into_iter().collect();
    origins.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.as_str().cmp(b.0.as_str())));
    let mut projects: Vec<&str> = facts.sprints.iter().map(|s| s.project.as_str()).collect();
    projects.sort();
    projects.dedup();
    let velocity = projects
        .into_iter()
        .map(|p| {
            let mut closed: Vec<&Sprint> = facts
                .sprints
                .iter()
                .filter(|s| s.project == p && s.state == SprintState::Closed)
                .collect();
            closed.sort_by_key(|s| s.end);
            Velocity {
                project: p.to_string(),
                sprints: closed
                    .iter()
                    .map(|s| (s.name.clone(), s.completed.unwrap_or(0)))
                    .collect(),
                velocity: super::sprint::velocity(&closed, 3),
            }
        })
        .collect();
    Flow {
        teams,
        origins,
        run_cost: (total > 0).then(|| 100.0 * run as f64 / total as f64),
        velocity,
    }
}

/// The stretches of one release that went live, in hours, from its events and when its items
/// were first started.
fn stretches(r: &ReleaseFacts, first_start: Option<DateTime<Utc>>) -> Vec<(String, f64)> {
    let mut out = Vec::new();
    let Some(cut) = event_at(r, "cut") else {
        return out;
    };
    if let Some(start) = first_start.filter(|s| *s <= cut.at) {
        out.push(("development".to_string(), hours(start, cut.at)));
    }
    // Each stretch runs from the end of the one before (`mark`) to the event that ends it.
    let mut mark = cut.at;
    for e in &r.events {
        match e.action.as_str() {
            "step" => {
                let name = format!("in {}", e.details["env"].as_str().unwrap_or("?"));
                let spent = hours(mark, e.at);
                match out.iter_mut().find(|(n, _)| *n == name) {
                    Some((_, h)) => *h += spent,
                    None => out.push((name, spent)),
                }
                mark = e.at;
            }
            "restart" => {
                out.push(("firebreak".to_string(), hours(mark, e.at)));
                mark = e.at;
            }
            "vote" => {
                let spent = hours(mark, e.at);
                match out.iter_mut().find(|(n, _)| n == "go/no-go votes") {
                    Some((_, h)) => *h += spent,
                    None => out.push(("go/no-go votes".to_string(), spent)),
                }
                mark = e.at;
            }
            "switch" => {
                out.push(("shadow before the switch".to_string(), hours(mark, e.at)));
                break;
            }
            _ => {}
        }
    }
    out
}

fn controls(facts: &Facts, since: NaiveDate, today: NaiveDate) -> Controls {
    let mut first_start: HashMap<u32, DateTime<Utc>> = HashMap::new();
    for (_, t) in &facts.transitions {
        if t.to == State::InProgress {
            first_start.entry(t.item).or_insert(t.at);
        }
    }
    let live: Vec<&ReleaseFacts> = facts
        .releases
        .iter()
        .filter(|r| event_at(r, "switch").is_some_and(|e| in_period(e.at, since, today)))
        .collect();
    let mut order: Vec<String> = Vec::new();
    let mut spent: HashMap<String, Vec<f64>> = HashMap::new();
    for r in &live {
        let start = r
            .items
            .iter()
            .filter_map(|i| first_start.get(i))
            .min()
            .copied();
        // A stretch not seen before goes right after the one that came before it in this
        // release: a firebreak lands between its environments, wherever it first appears.
        let mut previous: Option<usize> = None;
        for (name, h) in stretches(r, start) {
            let at = match order.iter().position(|n| *n == name) {
                Some(at) => at,
                None => {
                    let at = previous.map_or(0, |p| p + 1);
                    order.insert(at, name.clone());
                    at
                }
            };
            previous = Some(at);
            spent.entry(name).or_default().push(h);
        }
    }
    // In the order releases meet them: development, the environments, the firebreak before
    // production, the votes, the shadow.
    let stretches = order
        .into_iter()
        .map(|name| {
            let values = spent.remove(&name).unwrap_or_default();
            Stretch {
                releases: values.len(),
                median_hours: median(values).unwrap_or(0.0),
                name,
            }
        })
        .collect();
    Controls {
        releases: live.len(),
        stretches,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, day, hour, 0, 0).unwrap()
    }
    fn ev(when: DateTime<Utc>, action: &str, env: &str) -> Event {
        Event::new(when, "x", "release", "1.0.0", action).details(serde_json::json!({ "env": env }))
    }
    fn release(version: &str, events: Vec<Event>) -> ReleaseFacts {
        ReleaseFacts {
            version: version.into(),
            project: "permits".into(),
            items: vec![1],
            events,
        }
    }
    fn t(item: u32, when: DateTime<Utc>, to: State) -> (Option<Team>, Transition) {
        (Some(Team::Appdev), Transition { item, at: when, to })
    }

    fn facts() -> Facts {
        Facts {
            releases: vec![
                release(
                    "1.0.0",
                    vec![
                        ev(at(2, 9), "cut", ""),
                        ev(at(2, 10), "step", "dev"),
                        ev(at(2, 11), "step", "dev"),
                        ev(at(2, 13), "step", "preprod"),
                        ev(at(3, 13), "restart", ""),
                        ev(at(3, 14), "step", "production"),
                        ev(at(3, 16), "vote", ""),
                        ev(at(3, 18), "vote", ""),
                        ev(at(3, 19), "switch", ""),
                    ],
                ),
                release(
                    "1.1.0",
                    vec![
                        ev(at(9, 9), "cut", ""),
                        ev(at(9, 10), "switch", ""),
                        ev(at(9, 12), "rollback", ""),
                    ],
                ),
                release("1.2.0", vec![ev(at(10, 9), "cut", "")]),
            ],
            transitions: vec![
                t(1, at(1, 9), State::InProgress),
                t(1, at(2, 8), State::Done),
                t(1, at(3, 19), State::Released),
                t(2, at(4, 9), State::InProgress),
            ],
            items: vec![
                ItemFacts {
                    id: 1,
                    team: Some(Team::Appdev),
                    origin: Origin::Planned,
                    state: State::Released,
                    created: at(1, 8),
                },
                ItemFacts {
                    id: 2,
                    team: Some(Team::Appdev),
                    origin: Origin::Incident,
                    state: State::InProgress,
                    created: at(4, 8),
                },
            ],
            ..Facts::default()
        }
    }

    fn since() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()
    }
    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, 14).unwrap()
    }

    #[test]
    fn delivery_counts_switches_lead_time_and_failures_with_their_tiers() {
        let i = compute(&facts(), since(), today());
        let d = &i.delivery;
        assert_eq!(d.deployment_frequency.over, 2);
        assert_eq!(d.deployment_frequency.value, Some(1.0), "2 in 14 days");
        assert_eq!(d.deployment_frequency.tier, Some(Tier::High));
        // FB-1 done on the 2nd at 08:00, released on the 3rd at 19:00: 35 hours.
        assert_eq!(d.lead_time.value, Some(35.0));
        assert_eq!(d.lead_time.tier, Some(Tier::High));
        // 1.1.0 was rolled back: one of two failed.
        assert_eq!(d.change_failure_rate.value, Some(50.0));
        assert_eq!(d.change_failure_rate.tier, Some(Tier::Low));
        assert_eq!(d.time_to_restore.value, None, "no incident to restore from");
        assert_eq!(d.time_to_restore.tier, None);
        let weekly: Vec<Option<f64>> = d
            .deployment_frequency
            .weeks
            .iter()
            .map(|w| w.value)
            .collect();
        assert_eq!(weekly, vec![Some(0.0), Some(1.0), Some(1.0)]);
    }

    #[test]
    fn the_cost_of_the_controls_is_the_lead_time_split_where_it_was_spent() {
        let i = compute(&facts(), since(), today());
        let c = &i.controls;
        assert_eq!(c.releases, 2);
        let by_name: Vec<(&str, f64)> = c
            .stretches
            .iter()
            .map(|s| (s.name.as_str(), s.median_hours))
            .collect();
        assert_eq!(
            by_name,
            vec![
                ("development", 24.0),
                ("in dev", 2.0),
                ("in preprod", 2.0),
                ("firebreak", 24.0),
                ("in production", 1.0),
                ("go/no-go votes", 4.0),
                ("shadow before the switch", 1.0),
            ]
        );
    }

    #[test]
    fn a_firebreak_met_by_a_later_release_sits_between_its_environments() {
        let mut f = facts();
        let plain = release(
            "0.9.0",
            vec![
                ev(at(1, 9), "cut", ""),
                ev(at(1, 10), "step", "dev"),
                ev(at(1, 11), "step", "preprod"),
                ev(at(1, 12), "step", "production"),
                ev(at(1, 13), "vote", ""),
                ev(at(1, 14), "switch", ""),
            ],
        );
        f.releases.insert(0, plain);
        let i = compute(&f, since(), today());
        let names: Vec<&str> = i
            .controls
            .stretches
            .iter()
            .map(|s| s.name.as_str())
            .collect();
        assert_eq!(
            names,
            [
                "development",
                "in dev",
                "in preprod",
                "firebreak",
                "in production",
                "go/no-go votes",
                "shadow before the switch"
            ]
        );
    }

    #[test]
    fn flow_shows_throughput_age_and_the_share_of_work_from_running_the_service() {
        let i = compute(&facts(), since(), today());
        let appdev = &i.flow.teams[0];
        assert_eq!(appdev.cycle.count, 1);
        assert_eq!(appdev.age.count, 1, "FB-2 is in progress");
        assert_eq!(i.flow.run_cost, Some(50.0));
        assert_eq!(i.flow.origins[0].1, 1);
    }

    #[test]
    fn escaped_defects_sit_beside_the_pass_rate_of_the_tests_that_should_have_caught_them() {
        use crate::domain::escape::Escape;
        use crate::domain::pipeline::TestKind;
        let mut f = facts();
        let step = |day: u32, env: &str, step: &str, result: &str| {
            Event::new(at(day, 10), "automation", "release", "1.2.0", "step")
                .details(serde_json::json!({ "env": env, "step": step, "result": result }))
        };
        f.releases[2].events.extend([
            step(10, "test", "smoke", "pass"),
            step(10, "test", "smoke", "fail"),
            step(10, "preprod", "load", "pass"),
            step(10, "test", "deploy", "pass"),
        ]);
        for (env, name, kind) in [
            ("test", "smoke", TestKind::Functional),
            ("preprod", "load", TestKind::NonFunctional),
        ] {
            f.tests
                .insert(("permits".into(), env.into(), name.into()), kind);
        }
        let escape = |source: &str, env: Option<&str>, test: Option<TestKind>| Escape {
            source: source.into(),
            release: "1.0.0".into(),
            env: env.map(String::from),
            test,
            by: "grace".into(),
            at: at(12, 9),
            found: at(11, 9),
            note: String::new(),
        };
        f.escapes = vec![
            escape("INC-1", Some("test"), Some(TestKind::Functional)),
            escape("INC-2", Some("test"), Some(TestKind::Functional)),
            escape("FB-9", None, None),
        ];
        let e = compute(&f, since(), today()).escapes;
        assert_eq!((e.total, e.none), (3, 1));
        let first = &e.rows[0];
        assert_eq!(
            (first.env.as_str(), first.test.as_str()),
            ("test", "functional")
        );
        assert_eq!((first.escaped, first.runs, first.passed), (2, 2, 1));
        assert_eq!(first.pass_rate, Some(50.0));
        let weekly: Vec<Option<f64>> = first.weeks.iter().map(|w| w.value).collect();
        assert_eq!(
            weekly,
            vec![Some(0.0), Some(0.0), Some(2.0)],
            "found in the week of 9 March"
        );
        let load = &e.rows[1];
        assert_eq!(
            (load.escaped, load.runs, load.pass_rate),
            (0, 1, Some(100.0))
        );
        assert_eq!(e.rows.len(), 2, "a deploy is not a test");
    }

    #[test]
    fn an_empty_board_has_no_numbers_and_no_tiers() {
        let i = compute(&Facts::default(), since(), today());
        assert_eq!(i.delivery.deployment_frequency.tier, None);
        assert_eq!(i.delivery.lead_time.value, None);
        assert_eq!(i.flow.run_cost, None);
        assert!(i.controls.stretches.is_empty());
    }

    #[test]
    fn tiers_follow_the_research_thresholds() {
        assert_eq!(tier_frequency(10.0), Tier::Elite);
        assert_eq!(tier_frequency(0.1), Tier::Low);
        assert_eq!(tier_lead_time(2.0), Tier::Elite);
        assert_eq!(tier_lead_time(24.0 * 40.0), Tier::Low);
        assert_eq!(tier_failure(10.0), Tier::Elite);
        assert_eq!(tier_restore(0.5), Tier::Elite);
        assert_eq!(tier_restore(24.0 * 8.0), Tier::Low);
    }
}
