//! The demo's service desk: incidents, a problem, hypercare.

use super::actor;
use crate::domain::{Kind, Person};
use crate::store::{Store, StoreError};
use chrono::{DateTime, Duration, Utc};

/// The service desk's week: two incidents in the delivery project's hypercare (so its team
/// works them, and one raised a backlog ticket), the maintenance team's queue, one closed.
pub(super) fn incidents(
    store: &mut Store,
    people: &[Person],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    use crate::domain::incident::{Priority, Step};
    let who = |name: &str| actor(people, name);
    let (tom, aisha, sam, lee, omar) = (
        who("tom"),
        who("aisha"),
        who("sam"),
        who("lee"),
        who("omar"),
    );
    let hours = |h: i64| now - Duration::hours(h);
    let bau = Some(crate::domain::project::BAU);
    let outage = store.log_incident(
        "Sign-in outage 02:10 to 02:25",
        Priority::P1,
        bau,
        Some("2.3.0"),
        &omar,
        hours(100),
    )?;
    for (step, at) in [(Step::Take, 99), (Step::Resolve, 97), (Step::Close, 90)] {
        let actor = if step == Step::Close { &omar } else { &sam };
        store.step_incident(&outage.id, &step, actor, hours(at), None)?;
    }
    let twice = store.log_incident(
        "Renewal confirmation emails arrive twice",
        Priority::P3,
        None,
        Some("1.0.0"),
        &omar,
        hours(30),
    )?;
    store.step_incident(&twice.id, &Step::Take, &tom, hours(28), None)?;
    let slow = store.log_incident(
        "Payment page slow at the end of the month",
        Priority::P2,
        bau,
        None,
        &omar,
        hours(6),
    )?;
    store.step_incident(&slow.id, &Step::Take, &lee, hours(5), None)?;
    // The second incident of the new service's hypercare: its team holds it.
    let pdf = store.log_incident(
        "Permit PDF will not download for one resident",
        Priority::P4,
        None,
        Some("1.0.0"),
        &omar,
        hours(20),
    )?;
    store.step_incident(&pdf.id, &Step::Take, &aisha, hours(19), None)?;
    let hold = Step::Hold {
        reason: "waiting on the resident's browser details".into(),
    };
    store.step_incident(&pdf.id, &hold, &aisha, hours(18), None)?;
    store.incident_ticket(&twice.id, Kind::Defect, &omar, hours(4))?;
    // The slow payment page and the night's outage share a cause: a known error, worked
    // around while its fix waits on the backlog.
    let cause = store.raise_problem(
        "Payment provider sessions expire under load",
        &[outage.id.clone(), slow.id.clone()],
        &sam,
        hours(3),
    )?;
    store.step_problem(
        &cause.id,
        &crate::domain::problem::Step::Investigate,
        &sam,
        hours(3),
        None,
    )?;
    let known = crate::domain::problem::Step::KnownError {
        workaround: "restart the payment adapter; residents retry after two minutes".into(),
    };
    store.step_problem(&cause.id, &known, &sam, hours(2), None)?;
    store.log_incident(
        "Zone map tiles missing on mobile",
        Priority::P3,
        bau,
        None,
        &omar,
        hours(2),
    )?;
    // Logged an hour and ten minutes ago and nobody has taken it: its one-hour response
    // target is missed, and `status` says who it waits on.
    store.log_incident(
        "Card payments declined for residents of one bank",
        Priority::P2,
        bau,
        None,
        &omar,
        now - Duration::minutes(70),
    )?;
    // Escaped defects: where the tests that ran should have caught what reached live.
    use crate::domain::escape::Catch;
    use crate::domain::pipeline::TestKind;
    let grace = who("grace");
    let escapes = [
        (
            &outage.id,
            Catch::At {
                env: "preprod".into(),
                test: TestKind::NonFunctional,
                case: None,
            },
            "the load test stops short of the sign-in peak",
        ),
        (
            &twice.id,
            Catch::At {
                env: "test".into(),
                test: TestKind::Functional,
                case: None,
            },
            "no smoke check counts the emails sent",
        ),
        (&pdf.id, Catch::Nowhere, "one resident's browser extension"),
    ];
    for (id, catch, note) in escapes {
        store.record_escape(id, None, &catch, note, &grace, hours(1))?;
    }
    Ok(())
}
