//! The flow of both teams: throughput, cycle times, the age of the work in progress, where
//! new work came from, and each delivery project's velocity.

use super::*;

pub(super) fn flow(facts: &Facts, since: NaiveDate, today: NaiveDate) -> Flow {
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
                velocity: crate::domain::sprint::velocity(&closed, 3),
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
