//! The demo's path to live: its pipeline's scripts, releases in every state, the delivery
//! project's handover.

use super::{PROJECT, actor};
use crate::domain::{Actor, Person};
use crate::store::{Store, StoreError};
use chrono::{DateTime, Duration, Utc};

/// The demo's pipeline: small real scripts, written beside the demo board.
const PIPELINE: [(&str, &str); 4] = [
    (
        "pipeline.toml",
        include_str!("../../assets/demo-pipeline/pipeline.toml"),
    ),
    (
        "deploy.sh",
        include_str!("../../assets/demo-pipeline/deploy.sh"),
    ),
    (
        "check.sh",
        include_str!("../../assets/demo-pipeline/check.sh"),
    ),
    (
        "switch.sh",
        include_str!("../../assets/demo-pipeline/switch.sh"),
    ),
];

/// Where the demo's pipeline lives: `demo-pipeline/` beside `demo.db`.
pub fn pipeline_dir(db: &std::path::Path) -> std::path::PathBuf {
    let stem = db
        .file_stem()
        .map_or("demo".into(), |s| s.to_string_lossy().to_string());
    db.with_file_name(format!("{stem}-pipeline"))
}

/// Runs every step of a release up to where it stops, as a CI reporting them would; the step
/// `fail` fails.
fn report_until(
    store: &mut Store,
    version: &str,
    fail: Option<(&str, &str)>,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    use crate::domain::release::{Next, Outcome};
    let mut at = at;
    while let (_, _, Next::Step { env, step }) = store.next_step(version)? {
        let failed = fail == Some((env.as_str(), step.as_str()));
        let outcome = if failed { Outcome::Fail } else { Outcome::Pass };
        let log = if failed {
            format!(
                "running the {step} checks of permits {version} in {env}\nFAILED: renewal journey returned 502 at step 3 of 5\n"
            )
        } else {
            format!("running the {step} of permits {version} in {env}\nall {step} checks passed\n")
        };
        at += Duration::minutes(3);
        let cases = cases_of(&env, &step, failed);
        let log = if cases.is_empty() {
            log
        } else {
            format!("{}{log}", crate::domain::junit::summary(&cases).1)
        };
        store.report(
            version,
            &env,
            &step,
            outcome,
            1.2,
            &log,
            None,
            &cases,
            at,
            &Actor::automation(),
        )?;
        if failed {
            break;
        }
    }
    Ok(())
}

/// The test cases a demo test step's JUnit report holds: the journeys of a permit service,
/// the renewal failing with a 502 when the step fails.
fn cases_of(env: &str, step: &str, failed: bool) -> Vec<crate::domain::junit::Case> {
    use crate::domain::junit::{Case, CaseResult};
    let names: &[&str] = match step {
        "unit" => &[
            "fees::renewal_discount",
            "fees::late_penalty",
            "permits::expiry_date",
            "permits::zone_change",
        ],
        "smoke" => &[
            "journeys::sign_in",
            "journeys::new_permit_pays",
            "journeys::renewal_completes",
            "journeys::emails_once",
        ],
        "accessibility" => &[
            "wcag::contrast",
            "wcag::keyboard_only",
            "wcag::screen_reader_labels",
        ],
        "load" => &["load::sign_in_peak", "load::renewal_month_end"],
        _ => &[],
    };
    let culprit = names
        .iter()
        .position(|n| n.contains("renewal"))
        .unwrap_or(names.len().saturating_sub(1));
    names
        .iter()
        .enumerate()
        .map(|(n, full)| {
            let (suite, name) = full.split_once("::").unwrap_or(("", full));
            let broke = failed && n == culprit;
            Case {
                suite: format!("{env}.{suite}"),
                name: name.to_string(),
                result: if broke {
                    CaseResult::Failed
                } else {
                    CaseResult::Passed
                },
                seconds: (15 + n * 30) as f64 / 100.0,
                message: broke.then(|| "renewal journey returned 502 at step 3 of 5".to_string()),
            }
        })
        .collect()
}

/// The path to live: the maintenance team's 2.3.0 live and 2.4.0 in the shadow with one vote;
/// the delivery team's 1.0.0 live, 1.1.0 halted at the smoke test of production's shadow slot
/// with its defect, and the fix 1.1.1 waiting at the firebreak for the service manager (once it
/// passes that smoke test, 1.1.0 is superseded).
pub(super) fn releases(
    store: &mut Store,
    board: &std::path::Path,
    people: &[Person],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let dir = pipeline_dir(board);
    std::fs::create_dir_all(&dir).map_err(|e| StoreError::Io {
        path: dir.clone(),
        source: e,
    })?;
    for (name, text) in PIPELINE {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(|e| StoreError::Io { path, source: e })?;
    }
    let who = |name: &str| actor(people, name);
    let (po, sam, tom, grace, omar, rita) = (
        who("priya"),
        who("sam"),
        who("tom"),
        who("grace"),
        who("omar"),
        who("rita"),
    );
    let file = dir.join("pipeline.toml");
    store.set_pipeline(
        crate::domain::project::BAU,
        &file,
        &rita,
        now - Duration::days(30),
    )?;
    store.set_pipeline(PROJECT, &file, &rita, now - Duration::days(30))?;
    let ago = |d: i64| now - Duration::days(d);
    let id = crate::domain::ItemId;
    let go = |store: &mut Store, v: &str, at: DateTime<Utc>| -> Result<(), StoreError> {
        for voter in [&po, &omar, &rita] {
            store.vote(v, crate::domain::release::Vote::Go, "", voter, at, None)?;
        }
        crate::runner::change_production(
            store,
            v,
            crate::domain::release::Change::Switch,
            "every vote go",
            &rita,
            at + Duration::minutes(30),
            None,
        )?;
        Ok(())
    };
    store.cut_release(
        "2.3.0",
        crate::domain::project::BAU,
        Some(vec![id(23), id(38), id(65), id(66), id(67)]),
        false,
        &sam,
        ago(12),
    )?;
    report_until(store, "2.3.0", None, ago(12))?;
    go(store, "2.3.0", ago(11))?;
    store.cut_release("1.0.0", PROJECT, Some(vec![id(24)]), false, &tom, ago(9))?;
    report_until(store, "1.0.0", None, ago(9))?;
    for party in [&grace, &omar] {
        store.answer("1.0.0", true, "manual checks passed", party, ago(8), None)?;
    }
    store.restart("1.0.0", &rita, ago(8), None)?;
    handover(store, people, ago(8) + Duration::hours(2), now)?;
    report_until(store, "1.0.0", None, ago(8))?;
    go(store, "1.0.0", ago(7))?;
    store.cut_release("1.1.0", PROJECT, Some(vec![id(50)]), false, &tom, ago(3))?;
    report_until(store, "1.1.0", None, ago(3))?;
    for party in [&grace, &omar] {
        store.answer(
            "1.1.0",
            true,
            "renewals checked by hand",
            party,
            ago(2),
            None,
        )?;
    }
    store.restart("1.1.0", &rita, ago(2), None)?;
    report_until(store, "1.1.0", Some(("production", "smoke")), ago(2))?;
    // Its team's problem determination has begun: findings, no cause class yet.
    store.record_pd(
        "1.1.0",
        &crate::domain::pd::PdEntry {
            findings: Some(
                "the 502 came from the permit-price service timing out in the shadow slot; checking whether live has the same timeout".into(),
            ),
            cause: None,
            conclude: false,
        },
        &tom,
        ago(1),
    )?;
    store.cut_release("1.1.1", PROJECT, Some(vec![id(50)]), false, &tom, ago(1))?;
    report_until(store, "1.1.1", None, ago(1))?;
    store.answer(
        "1.1.1",
        true,
        "renewal journey tested by hand on preprod",
        &grace,
        now - Duration::hours(5),
        None,
    )?;
    store.cut_release(
        "2.4.0",
        crate::domain::project::BAU,
        Some(vec![id(68), id(69)]),
        false,
        &sam,
        ago(1),
    )?;
    report_until(store, "2.4.0", None, ago(1))?;
    store.vote(
        "2.4.0",
        crate::domain::release::Vote::Go,
        "fixes look good",
        &po,
        now - Duration::hours(3),
        None,
    )?;
    Ok(())
}

/// The delivery project's handover: the team's evidence, the service manager's answers; the
/// security review waived until after go-live, the optional capacity report sent back.
fn handover(
    store: &mut Store,
    people: &[Person],
    at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    use crate::domain::handover::Act;
    let who = |name: &str| actor(people, name);
    let (tom, omar) = (who("tom"), who("omar"));
    let h = store.start_handover(PROJECT, None, &tom, at)?;
    for (n, check) in h.checks.iter().enumerate() {
        let t = at + Duration::minutes(10 * n as i64);
        if check.key == "security" {
            let until = (now + Duration::days(6)).date_naive();
            store.handover_act(
                PROJECT,
                &check.key,
                &Act::Waive {
                    reason: "the penetration test is booked for next week".into(),
                    until,
                },
                &omar,
                t,
                None,
            )?;
            continue;
        }
        let evidence = format!(
            "{} for permits-online: see the service wiki, section {}",
            check.title,
            n + 1
        );
        store.handover_act(
            PROJECT,
            &check.key,
            &Act::Submit { evidence },
            &tom,
            t,
            None,
        )?;
        let answer = if check.key == "capacity" {
            Act::Reject {
                reason: "the load test stops at half of the April peak".into(),
            }
        } else {
            Act::Accept
        };
        store.handover_act(
            PROJECT,
            &check.key,
            &answer,
            &omar,
            t + Duration::minutes(5),
            None,
        )?;
    }
    Ok(())
}
