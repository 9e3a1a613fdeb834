//! Delivery, as the DORA research measures it: deployment frequency, lead time, change
//! failure rate and time to restore, each with its tier and its weeks.

use super::*;

pub(super) fn tier_frequency(per_week: f64) -> Tier {
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

pub(super) fn tier_lead_time(hours: f64) -> Tier {
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

pub(super) fn tier_failure(percent: f64) -> Tier {
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

pub(super) fn tier_restore(hours: f64) -> Tier {
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

pub(super) fn delivery(facts: &Facts, since: NaiveDate, today: NaiveDate) -> Delivery {
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

    // Lead time for changes: from an item's done to the release that took it live and stayed
    // live. A rollback takes the item back to done: that release's lead is dropped, and the
    // fix's is counted from when the work was first done.
    let mut done_at: HashMap<u32, DateTime<Utc>> = HashMap::new();
    let mut leads: Vec<Option<(DateTime<Utc>, f64)>> = Vec::new();
    // Each item's last release: its lead's index (if in the period) and its done time.
    let mut last_release: HashMap<u32, (Option<usize>, DateTime<Utc>)> = HashMap::new();
    for (_, t) in &facts.transitions {
        match t.to {
            State::Done => match last_release.remove(&t.item) {
                Some((lead, done)) => {
                    if let Some(i) = lead {
                        leads[i] = None;
                    }
                    done_at.insert(t.item, done);
                }
                None => {
                    done_at.insert(t.item, t.at);
                }
            },
            State::Released => {
                if let Some(done) = done_at.remove(&t.item) {
                    let lead = in_period(t.at, since, today).then(|| {
                        leads.push(Some((t.at, hours(done, t.at))));
                        leads.len() - 1
                    });
                    last_release.insert(t.item, (lead, done));
                }
            }
            _ => {}
        }
    }
    let leads: Vec<(DateTime<Utc>, f64)> = leads.into_iter().flatten().collect();
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
