//! Escaped defects beside the pass rate of the tests that should have caught them.

use super::*;

pub(super) fn escapes(facts: &Facts, since: NaiveDate, today: NaiveDate) -> Escapes {
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
