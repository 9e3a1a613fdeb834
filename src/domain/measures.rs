//! Flow measures from the audit trail (domain.md section 5): the cumulative flow per day,
//! cycle-time percentiles and throughput per week. Pure: the events come in, numbers go out.

use super::kanban::Column;
use super::vocab::State;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde::Serialize;
use std::collections::HashMap;

/// An item entering a state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition {
    pub item: u32,
    pub at: DateTime<Utc>,
    pub to: State,
}

/// One day of the cumulative flow: how many items stood in each column at its end (done
/// counts every item that has been done, released or not).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FlowDay {
    pub date: NaiveDate,
    pub ready: usize,
    pub in_progress: usize,
    pub review: usize,
    pub done: usize,
}

/// Cycle time (first in progress to done) in days, at the 50th, 85th and 95th percentiles.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CycleTimes {
    pub count: usize,
    pub p50: Option<f64>,
    pub p85: Option<f64>,
    pub p95: Option<f64>,
}

/// Items done in the week starting on `week` (a Monday).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Week {
    pub week: NaiveDate,
    pub done: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Flow {
    pub cfd: Vec<FlowDay>,
    pub cycle: CycleTimes,
    pub throughput: Vec<Week>,
}

fn column(state: State) -> Option<Column> {
    match state {
        State::Released => Some(Column::Done),
        s => Column::of(s),
    }
}

/// The flow over the `days` up to `today` and the `weeks` up to this one; `transitions`
/// in time order.
pub fn flow(transitions: &[Transition], today: NaiveDate, days: usize, weeks: usize) -> Flow {
    flow_from(&[], transitions, today, days, weeks)
}

/// `flow` for a board read in two parts: `standing`, how many items stood in each state
/// without moving since before the window (counted, not listed), and the whole `transitions`
/// of the items that moved in it. The cycle times are those of the items done in the weeks
/// shown.
pub fn flow_from(
    standing: &[(State, usize)],
    transitions: &[Transition],
    today: NaiveDate,
    days: usize,
    weeks: usize,
) -> Flow {
    let since = monday(today) - Duration::weeks(weeks.saturating_sub(1) as i64);
    Flow {
        cfd: cfd_from(standing, transitions, today, days),
        cycle: cycle_times_done_in(transitions, since, today),
        throughput: throughput(transitions, today, weeks),
    }
}

pub fn cfd(transitions: &[Transition], today: NaiveDate, days: usize) -> Vec<FlowDay> {
    cfd_from(&[], transitions, today, days)
}

/// The cumulative flow, the items of `standing` counted on every day besides those that move.
pub fn cfd_from(
    standing: &[(State, usize)],
    transitions: &[Transition],
    today: NaiveDate,
    days: usize,
) -> Vec<FlowDay> {
    let first = today - Duration::days(days.saturating_sub(1) as i64);
    let mut now: HashMap<u32, State> = HashMap::new();
    let mut out = Vec::with_capacity(days);
    let mut next = transitions.iter().peekable();
    for offset in 0..days as i64 {
        let date = first + Duration::days(offset);
        while let Some(t) = next.next_if(|t| t.at.date_naive() <= date) {
            now.insert(t.item, t.to);
        }
        let mut day = FlowDay {
            date,
            ready: 0,
            in_progress: 0,
            review: 0,
            done: 0,
        };
        let moving = now.values().map(|s| (*s, 1));
        for (state, n) in standing.iter().copied().chain(moving) {
            match column(state) {
                Some(Column::Ready) => day.ready += n,
                Some(Column::InProgress) => day.in_progress += n,
                Some(Column::Review) => day.review += n,
                Some(Column::Done) => day.done += n,
                None => {}
            }
        }
        out.push(day);
    }
    out
}

pub fn cycle_times(transitions: &[Transition]) -> CycleTimes {
    cycle_times_done_in(transitions, NaiveDate::MIN, NaiveDate::MAX)
}

/// The cycle times of the items done from `since` to `until`, days included; `transitions` in
/// time order, an item's start may come before `since`.
pub fn cycle_times_done_in(
    transitions: &[Transition],
    since: NaiveDate,
    until: NaiveDate,
) -> CycleTimes {
    let mut started: HashMap<u32, DateTime<Utc>> = HashMap::new();
    let mut days: Vec<f64> = Vec::new();
    for t in transitions {
        match t.to {
            State::InProgress => {
                started.entry(t.item).or_insert(t.at);
            }
            State::Done => {
                if let Some(start) = started.remove(&t.item)
                    && (since..=until).contains(&t.at.date_naive())
                {
                    days.push((t.at - start).num_minutes() as f64 / 1440.0);
                }
            }
            _ => {}
        }
    }
    days.sort_by(|a, b| a.total_cmp(b));
    CycleTimes {
        count: days.len(),
        p50: percentile(&days, 50.0),
        p85: percentile(&days, 85.0),
        p95: percentile(&days, 95.0),
    }
}

/// The nearest-rank percentile of sorted values.
pub fn percentile(sorted: &[f64], p: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

fn monday(date: NaiveDate) -> NaiveDate {
    date - Duration::days(date.weekday().num_days_from_monday() as i64)
}

pub fn throughput(transitions: &[Transition], today: NaiveDate, weeks: usize) -> Vec<Week> {
    let this = monday(today);
    let mut out: Vec<Week> = (0..weeks as i64)
        .rev()
        .map(|w| Week {
            week: this - Duration::weeks(w),
            done: 0,
        })
        .collect();
    for t in transitions.iter().filter(|t| t.to == State::Done) {
        let week = monday(t.at.date_naive());
        if let Some(w) = out.iter_mut().find(|w| w.week == week) {
            w.done += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, day, hour, 0, 0).unwrap()
    }

    fn t(item: u32, day: u32, hour: u32, to: State) -> Transition {
        Transition {
            item,
            at: at(day, hour),
            to,
        }
    }

    fn history() -> Vec<Transition> {
        vec![
            t(1, 2, 9, State::Queued),
            t(2, 2, 9, State::Queued),
            t(1, 3, 9, State::InProgress),
            t(1, 4, 9, State::Review),
            t(2, 4, 12, State::InProgress),
            t(1, 5, 9, State::Done),
            t(2, 9, 9, State::Review),
            t(2, 10, 9, State::Done),
            t(1, 11, 9, State::Released),
        ]
    }

    #[test]
    fn the_cumulative_flow_counts_each_column_at_the_end_of_each_day() {
        let days = cfd(&history(), NaiveDate::from_ymd_opt(2026, 3, 5).unwrap(), 4);
        let shape: Vec<(usize, usize, usize, usize)> = days
            .iter()
            .map(|d| (d.ready, d.in_progress, d.review, d.done))
            .collect();
        assert_eq!(
            shape,
            [(2, 0, 0, 0), (1, 1, 0, 0), (0, 1, 1, 0), (0, 1, 0, 1)]
        );
        let later = cfd(&history(), NaiveDate::from_ymd_opt(2026, 3, 11).unwrap(), 1);
        assert_eq!(later[0].done, 2, "released items still count as done");
    }

    #[test]
    fn cycle_times_run_from_the_first_start_to_done() {
        let c = cycle_times(&history());
        assert_eq!(c.count, 2);
        assert_eq!(c.p50, Some(2.0));
        assert_eq!(c.p95, Some(5.875));
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        let v: Vec<f64> = (1..=20).map(f64::from).collect();
        assert_eq!(percentile(&v, 50.0), Some(10.0));
        assert_eq!(percentile(&v, 85.0), Some(17.0));
        assert_eq!(percentile(&v, 95.0), Some(19.0));
        assert_eq!(percentile(&[], 50.0), None);
    }

    #[test]
    fn throughput_counts_items_done_per_week() {
        let weeks = throughput(&history(), NaiveDate::from_ymd_opt(2026, 3, 11).unwrap(), 3);
        let done: Vec<usize> = weeks.iter().map(|w| w.done).collect();
        assert_eq!(done, [0, 1, 1]);
        assert_eq!(weeks[2].week, NaiveDate::from_ymd_opt(2026, 3, 9).unwrap());
    }
}
