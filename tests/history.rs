//! Reads that follow what they show, not the history: the Insights tab and `report`, and the
//! Kanban's flow, read the same on a board with nine more years of work behind the period.

use chrono::{DateTime, Duration, Utc};
use firebreak::domain::insights::{DEFAULT_DAYS, Facts};
use firebreak::domain::measures::{self, Transition};
use firebreak::store::Store;
use std::path::Path;

fn demo(path: &Path, now: DateTime<Utc>) -> Store {
    let mut store = Store::create(path).unwrap();
    firebreak::demo::build(&mut store, now).unwrap();
    store
}

fn sizes(f: &Facts) -> [usize; 7] {
    [
        f.releases.len(),
        f.releases.iter().map(|r| r.events.len()).sum(),
        f.transitions.len(),
        f.items.len(),
        f.incidents.len(),
        f.escapes.len(),
        f.sprints.len(),
    ]
}

#[test]
fn the_insights_of_a_period_read_only_what_the_period_touched() {
    let dir = tempfile::tempdir().unwrap();
    let now = Utc::now();
    let today = now.date_naive();
    let since = today - Duration::days(DEFAULT_DAYS);
    let young = demo(&dir.path().join("young.db"), now);
    let mut old = demo(&dir.path().join("old.db"), now);
    // Nine years of work that ended five months ago: items, releases, incidents.
    firebreak::demo::history(&mut old, 9, 240, now - Duration::days(150)).unwrap();
    let items: u32 = rusqlite::Connection::open(dir.path().join("old.db"))
        .unwrap()
        .query_row("SELECT count(*) FROM items", [], |r| r.get(0))
        .unwrap();
    assert!(items > 2000, "the history added its items ({items})");

    let (a, b) = (
        young.insight_facts(since, today).unwrap(),
        old.insight_facts(since, today).unwrap(),
    );
    assert_eq!(
        sizes(&a),
        sizes(&b),
        "what is read for the last twelve weeks does not grow with the years before them"
    );
    assert_eq!(
        young.insights(since, today).unwrap(),
        old.insights(since, today).unwrap(),
        "and the numbers are the same"
    );
    // A period reaching three years into the history reads it: a release and an incident a
    // month.
    let far = today - Duration::days(3 * 365);
    let wide = old.insight_facts(far, today).unwrap();
    assert!(sizes(&wide)[0] >= sizes(&b)[0] + 30, "{:?}", sizes(&wide));
    let report = old.insights(far, today).unwrap();
    let young_report = young.insights(far, today).unwrap();
    assert!(
        report.delivery.deployment_frequency.over
            >= young_report.delivery.deployment_frequency.over + 30
    );
    assert!(report.delivery.time_to_restore.over >= 30);
}

/// Every state each maintenance item entered, in time order, read whole: the flow as it was
/// measured before it was read in two parts.
fn every_transition(path: &Path) -> Vec<Transition> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT i.id, e.at, e.to_state FROM items i
             JOIN events e ON e.entity = 'item' AND e.entity_id = 'FB-' || i.id
             WHERE i.team = 'ams' AND e.to_state IS NOT NULL AND e.to_state != ''
             ORDER BY e.at, e.id",
        )
        .unwrap();
    stmt.query_map([], |r| {
        Ok((
            r.get::<_, u32>(0)?,
            r.get::<_, DateTime<Utc>>(1)?,
            r.get::<_, String>(2)?,
        ))
    })
    .unwrap()
    .filter_map(|row| {
        let (item, at, to) = row.unwrap();
        to.parse().ok().map(|to| Transition { item, at, to })
    })
    .collect()
}

#[test]
fn the_kanban_flow_counts_the_items_that_stood_still_without_reading_them() {
    let dir = tempfile::tempdir().unwrap();
    let now = Utc::now();
    let path = dir.path().join("old.db");
    let mut store = demo(&path, now);
    firebreak::demo::history(&mut store, 3, 240, now - Duration::days(20)).unwrap();
    for today in [now.date_naive(), now.date_naive() - Duration::days(45)] {
        let flow = store.kanban_flow(today).unwrap();
        let all = every_transition(&path);
        let whole = measures::flow(&all, today, 30, 8);
        assert_eq!(flow.cfd, whole.cfd, "the cumulative flow on {today}");
        assert_eq!(flow.throughput, whole.throughput);
        let first_week = flow.throughput[0].week;
        assert_eq!(
            flow.cycle,
            measures::cycle_times_done_in(&all, first_week, today),
            "the cycle times of what was done in the weeks shown"
        );
        assert!(flow.cfd.last().unwrap().done > 200, "the history counts");
    }
}
