//! Years of work written into a board: items started, reviewed, done and released on days of
//! their own, a release to live every few days, incidents raised against them. For the
//! benchmarks and tests of the reads that must follow what they show, not the history.

use super::{generated, people};
use crate::domain::event::Event;
use crate::domain::incident::Priority;
use crate::domain::{Actor, State};
use crate::store::{Store, StoreError, append_event};
use chrono::{DateTime, Duration, Utc};
use rusqlite::params;

/// How a release reaches live in the history: (action, environment, hours after the last).
const PATH: [(&str, &str, i64); 11] = [
    ("cut", "", 0),
    ("step", "dev", 1),
    ("step", "dev", 2),
    ("step", "test", 1),
    ("step", "test", 2),
    ("step", "preprod", 1),
    ("restart", "", 20),
    ("step", "production", 1),
    ("vote", "", 3),
    ("vote", "", 3),
    ("switch", "", 1),
];

/// Writes `years` years of work ending `end` days before `until`'s day into the `bau` project
/// of a demo board: `per_year` items a year, a third of them released, twenty to a release.
pub fn history(
    store: &mut Store,
    years: u32,
    per_year: u32,
    until: DateTime<Utc>,
) -> Result<(), StoreError> {
    let people = people();
    let po = Actor::person(&people[0]);
    let omar = people
        .iter()
        .find(|p| p.name == "omar")
        .map_or_else(|| po.clone(), Actor::person);
    let first = until - Duration::days(365 * i64::from(years));
    for month in 0..years * 12 {
        let at = first + Duration::days(i64::from(month) * 365 / 12);
        let before: u32 =
            store
                .conn()
                .query_row("SELECT coalesce(max(id), 0) FROM items", [], |r| r.get(0))?;
        let made = store.create_items(generated((per_year / 12).max(1) as usize), &po, at)? as u32;
        let ids: Vec<u32> = (before + 1..=before + made).collect();
        let released: Vec<u32> = ids.iter().copied().filter(|id| id % 3 == 0).collect();
        let mut versions = Vec::new();
        store.decide(|db| {
            let tx = db.conn();
            for &id in &ids {
                let start = at + Duration::days(i64::from(id * 37 % 20));
                let mut moves = vec![
                    ("start", "planned", State::InProgress, 0),
                    ("submit", "in-progress", State::Review, 2),
                    ("approve", "review", State::Done, 4),
                ];
                if id % 3 == 0 {
                    moves.push(("release", "done", State::Released, 26));
                }
                let mut last = State::Done;
                for (action, from, to, day) in moves {
                    let e = Event::new(
                        start + Duration::days(day),
                        "tom",
                        "item",
                        format!("FB-{id}"),
                        action,
                    )
                    .from_to(from, to.as_str());
                    append_event(tx, &e)?;
                    last = to;
                }
                tx.execute(
                    "UPDATE items SET state = ?2 WHERE id = ?1",
                    params![id, last.as_str()],
                )?;
            }
            for (n, chunk) in released.chunks(20).enumerate() {
                let version = format!("0.{month}.{n}");
                let cut = at + Duration::days(23) + Duration::hours(n as i64 * 7);
                let items: Vec<String> = chunk.iter().map(|id| format!("\"FB-{id}\"")).collect();
                tx.execute(
                    "INSERT INTO releases (version, project, originator, team, schema_change, items, state, slot, created, updated)
                     VALUES (?1, 'bau', 'sam', 'ams', 0, ?2, 'standby', 'blue', ?3, ?3)",
                    params![version, format!("[{}]", items.join(",")), cut],
                )?;
                let mut when = cut;
                for (action, env, hours) in PATH {
                    when += Duration::hours(hours);
                    let details = if env.is_empty() {
                        serde_json::Value::Null
                    } else {
                        serde_json::json!({ "env": env, "step": "deploy", "result": "pass" })
                    };
                    append_event(
                        tx,
                        &Event::new(when, "sam", "release", &version, action).details(details),
                    )?;
                }
                versions.push((version, when));
            }
            Ok(())
        })?;
        // An incident against the month's first release, resolved within hours.
        if let Some((version, live)) = versions.first() {
            let opened = *live + Duration::hours(30);
            let i = store.log_incident(
                &format!("Slow pages after {version}"),
                Priority::P3,
                Some("bau"),
                Some(version),
                &omar,
                opened,
            )?;
            store.decide(|db| {
                let resolved = opened + Duration::hours(5);
                db.conn().execute(
                    "UPDATE incidents SET state = 'resolved', resolved = ?2 WHERE id = ?1",
                    params![i.id, resolved],
                )?;
                append_event(
                    db.conn(),
                    &Event::new(resolved, &omar.name, "incident", &i.id, "resolve")
                        .from_to("logged", "resolved"),
                )
            })?;
        }
    }
    Ok(())
}
