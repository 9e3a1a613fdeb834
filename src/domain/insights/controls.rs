//! The cost of the controls: where the lead time of the releases that went live was spent.

use super::*;

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

pub(super) fn controls(facts: &Facts, since: NaiveDate, today: NaiveDate) -> Controls {
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
