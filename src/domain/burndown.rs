//! A sprint's burndown from the audit trail: the points still to do at the end of each day,
//! the ideal line, and the scope added or removed after the start, shown apart.

use super::sprint::Sprint;
use super::vocab::State;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// A change to an item that matters to a burndown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Planned or carried into `sprint`.
    Joined {
        sprint: String,
    },
    /// Carried out of its sprint.
    Left,
    Entered(State),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemChange {
    pub item: u32,
    pub at: DateTime<Utc>,
    pub change: Change,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BurnDay {
    pub date: NaiveDate,
    pub remaining: u32,
    pub ideal: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Burndown {
    pub committed: u32,
    pub days: Vec<BurnDay>,
    /// Points planned in after the start, and taken out after it.
    pub added: u32,
    pub removed: u32,
}

/// The burndown of `sprint` up to `today` (or its end); `points` of each item by id.
pub fn burndown(
    sprint: &Sprint,
    changes: &[ItemChange],
    points: &HashMap<u32, u32>,
    today: NaiveDate,
) -> Burndown {
    let committed = sprint.commitment.as_ref().map_or(0, |c| c.points);
    let started = sprint.commitment.as_ref().map(|c| c.at);
    let mut member: HashSet<u32> = HashSet::new();
    let mut done: HashSet<u32> = HashSet::new();
    let (mut added, mut removed) = (0, 0);
    let pts = |id: &u32| points.get(id).copied().unwrap_or(0);
    let last = today.min(sprint.end);
    let total_days = (sprint.end - sprint.start).num_days().max(1) as f64;
    let mut days = Vec::new();
    let mut next = changes.iter().peekable();
    let mut date = sprint.start;
    while date <= last {
        while let Some(c) = next.next_if(|c| c.at.date_naive() <= date) {
            let after_start = started.is_some_and(|s| c.at > s);
            match &c.change {
                Change::Joined { sprint: s } if *s == sprint.name => {
                    if member.insert(c.item) && after_start {
                        added += pts(&c.item);
                    }
                }
                Change::Joined { .. } | Change::Left => {
                    if member.remove(&c.item) && after_start {
                        removed += pts(&c.item);
                    }
                }
                Change::Entered(State::Done | State::Released) => {
                    done.insert(c.item);
                }
                Change::Entered(_) => {
                    done.remove(&c.item);
                }
            }
        }
        let remaining = member.iter().filter(|i| !done.contains(i)).map(pts).sum();
        let elapsed = (date - sprint.start).num_days() as f64;
        days.push(BurnDay {
            date,
            remaining,
            ideal: (f64::from(committed) * (1.0 - elapsed / total_days)).max(0.0),
        });
        date += Duration::days(1);
    }
    Burndown {
        committed,
        days,
        added,
        removed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::sprint::{Commitment, SprintState};
    use chrono::TimeZone;

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, day, hour, 0, 0).unwrap()
    }

    fn sprint() -> Sprint {
        Sprint {
            name: "Sprint 7".into(),
            project: "permits".into(),
            goal: String::new(),
            start: NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
            end: NaiveDate::from_ymd_opt(2026, 3, 6).unwrap(),
            state: SprintState::Active,
            commitment: Some(Commitment {
                items: vec!["FB-1".into(), "FB-2".into()],
                points: 8,
                at: at(2, 9),
            }),
            completed: None,
        }
    }

    fn joined(item: u32, day: u32, hour: u32) -> ItemChange {
        ItemChange {
            item,
            at: at(day, hour),
            change: Change::Joined {
                sprint: "Sprint 7".into(),
            },
        }
    }

    #[test]
    fn remaining_points_fall_as_items_are_done_and_scope_changes_show_apart() {
        let points = HashMap::from([(1, 5), (2, 3), (3, 2)]);
        let changes = vec![
            joined(1, 1, 10),
            joined(2, 1, 11),
            ItemChange {
                item: 2,
                at: at(3, 15),
                change: Change::Entered(State::Done),
            },
            joined(3, 4, 9),
            ItemChange {
                item: 1,
                at: at(5, 9),
                change: Change::Left,
            },
        ];
        let b = burndown(
            &sprint(),
            &changes,
            &points,
            NaiveDate::from_ymd_opt(2026, 3, 9).unwrap(),
        );
        let remaining: Vec<u32> = b.days.iter().map(|d| d.remaining).collect();
        assert_eq!(remaining, [8, 5, 7, 2, 2]);
        assert_eq!((b.committed, b.added, b.removed), (8, 2, 5));
        assert_eq!(b.days[0].ideal, 8.0);
        assert_eq!(b.days[4].ideal, 0.0);
    }

    #[test]
    fn the_burndown_stops_today_in_a_running_sprint() {
        let b = burndown(
            &sprint(),
            &[joined(1, 1, 10)],
            &HashMap::from([(1, 5)]),
            NaiveDate::from_ymd_opt(2026, 3, 3).unwrap(),
        );
        assert_eq!(b.days.len(), 2);
    }
}
