//! Hypercare (domain.md 3.7): the warranty period after a delivery release goes live, when the
//! team that built it works the service's incidents first. It runs for the project's days, then
//! waits in exit review until a service manager closes it (no P1 or P2 open, every waived
//! handover item closed) or extends it to a new date.

use super::error::DomainError;
use super::event::Event;
use super::policy::Actor;
use super::vocab::vocabulary;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

vocabulary!(
    /// Where a hypercare period stands.
    HypercareState ("hypercare state") {
        Active = "active", ExitReview = "exit-review", Extended = "extended", Closed = "closed",
    }
);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hypercare {
    /// The release that went live.
    pub release: String,
    pub project: String,
    pub started: DateTime<Utc>,
    /// The last day of hypercare: exit review from the day after.
    pub ends: NaiveDate,
    /// As recorded: `active`, `extended` or `closed`; `exit-review` is read from the date.
    pub state: HypercareState,
    pub closed_by: Option<String>,
}

/// The longest hypercare a project may have, and the furthest an extension may reach.
pub const MAX_DAYS: u32 = 365;

impl Hypercare {
    /// Starts at go-live for the project's days.
    pub fn start(release: &str, project: &str, days: u32, now: DateTime<Utc>) -> Hypercare {
        Hypercare {
            release: release.into(),
            project: project.into(),
            started: now,
            // Its last day: a period of `days` days counts go-live as its first. Projects hold
            // at most a year of hypercare; a day past the calendar's end (only a hand-edited
            // file could ask for one) ends it at go-live rather than panic.
            ends: now
                .date_naive()
                .checked_add_days(chrono::Days::new(u64::from(
                    days.clamp(1, MAX_DAYS).saturating_sub(1),
                )))
                .unwrap_or(now.date_naive()),
            state: HypercareState::Active,
            closed_by: None,
        }
    }

    /// Where it stands on a day: past its end, an open period waits in exit review.
    pub fn state_on(&self, today: NaiveDate) -> HypercareState {
        match self.state {
            HypercareState::Closed => HypercareState::Closed,
            _ if today > self.ends => HypercareState::ExitReview,
            other => other,
        }
    }

    /// Whether incidents on the service still go to the delivery team.
    pub fn routes_to_delivery(&self, today: NaiveDate) -> bool {
        matches!(
            self.state_on(today),
            HypercareState::Active | HypercareState::Extended
        )
    }

    /// Days left, counting today; zero once it is over.
    pub fn days_left(&self, today: NaiveDate) -> i64 {
        ((self.ends - today).num_days() + 1).max(0)
    }
}

/// What stands in the way of closing: open P1 and P2 incidents, waived handover items.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Exit {
    pub urgent_incidents: Vec<String>,
    pub waived_items: Vec<String>,
}

/// A service manager accepts the exit: in exit review, with nothing urgent open and every
/// waived handover item closed.
pub fn close(
    h: &Hypercare,
    exit: &Exit,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(Hypercare, Event), DomainError> {
    actor.may(&crate::domain::policy::CLOSE_HYPERCARE)?;
    match h.state_on(now.date_naive()) {
        HypercareState::Closed => {
            return Err(DomainError::illegal(format!(
                "hypercare of {} is already closed",
                h.release
            )));
        }
        HypercareState::Active | HypercareState::Extended => {
            return Err(DomainError::illegal(format!(
                "hypercare of {} runs until {}: its exit review starts the day after",
                h.release, h.ends
            )));
        }
        HypercareState::ExitReview => {}
    }
    if !exit.urgent_incidents.is_empty() {
        return Err(DomainError::not_allowed(
            "hypercare-exit",
            format!(
                "Hypercare of {} cannot close with a P1 or P2 open: {}",
                h.release,
                exit.urgent_incidents.join(", ")
            ),
        ));
    }
    if !exit.waived_items.is_empty() {
        return Err(DomainError::not_allowed(
            "hypercare-exit",
            format!(
                "Hypercare of {} cannot close while handover items are only waived: {}",
                h.release,
                exit.waived_items.join(", ")
            ),
        ));
    }
    let mut next = h.clone();
    next.state = HypercareState::Closed;
    next.closed_by = Some(actor.name.clone());
    let e = Event::new(now, &actor.name, "hypercare", &h.release, "close")
        .from_to(h.state_on(now.date_naive()).as_str(), "closed");
    Ok((next, e))
}

/// A service manager extends it to a later date, with a reason.
pub fn extend(
    h: &Hypercare,
    until: NaiveDate,
    reason: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(Hypercare, Event), DomainError> {
    actor.may(&crate::domain::policy::EXTEND_HYPERCARE)?;
    if h.state == HypercareState::Closed {
        return Err(DomainError::illegal(format!(
            "hypercare of {} is closed: it cannot be extended",
            h.release
        )));
    }
    if reason.trim().is_empty() {
        return Err(DomainError::invalid(
            "an extension needs a reason: add --reason",
        ));
    }
    let furthest = now
        .date_naive()
        .checked_add_days(chrono::Days::new(u64::from(MAX_DAYS)))
        .unwrap_or(NaiveDate::MAX);
    if until > furthest {
        return Err(DomainError::invalid(format!(
            "{until} is more than a year away: extend hypercare to {furthest} at most, and again later if it is still needed"
        )));
    }
    if until <= h.ends.max(now.date_naive()) {
        return Err(DomainError::invalid(format!(
            "extend it past {}: {until} is not later",
            h.ends.max(now.date_naive())
        )));
    }
    let mut next = h.clone();
    next.state = HypercareState::Extended;
    next.ends = until;
    let e = Event::new(now, &actor.name, "hypercare", &h.release, "extend")
        .from_to(h.state_on(now.date_naive()).as_str(), "extended")
        .reason(Some(reason.trim()))
        .details(serde_json::json!({ "until": until }));
    Ok((next, e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Role;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn at(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, day, 9, 0, 0).unwrap()
    }
    fn who(name: &str, role: Role) -> Actor {
        Actor {
            name: name.into(),
            roles: vec![role],
            automation: false,
        }
    }

    #[test]
    fn it_runs_its_days_then_waits_in_exit_review() {
        // Fourteen days, go-live the first: the 1st to the 14th.
        let h = Hypercare::start("1.0.0", "permits", 14, at(1));
        assert_eq!(
            h.days_left(at(1).date_naive()),
            14,
            "a 14-day period has 14 days"
        );
        assert_eq!(h.ends, at(14).date_naive());
        assert_eq!(h.state_on(at(14).date_naive()), HypercareState::Active);
        assert_eq!(h.days_left(at(14).date_naive()), 1);
        assert!(h.routes_to_delivery(at(14).date_naive()));
        assert_eq!(h.state_on(at(15).date_naive()), HypercareState::ExitReview);
        assert!(!h.routes_to_delivery(at(15).date_naive()));
        assert_eq!(h.days_left(at(20).date_naive()), 0);
        let week = Hypercare::start("1.1.0", "permits", 7, at(1));
        assert_eq!(week.days_left(at(1).date_naive()), 7);
    }

    #[test]
    fn a_service_manager_closes_it_in_exit_review_when_nothing_stands_in_the_way() {
        let omar = who("omar", Role::ServiceManager);
        let h = Hypercare::start("1.0.0", "permits", 3, at(1));
        let early = close(&h, &Exit::default(), &omar, at(2)).unwrap_err();
        assert!(
            early.to_string().contains("runs until 2026-03-03"),
            "{early}"
        );
        let tom = who("tom", Role::Developer);
        assert!(close(&h, &Exit::default(), &tom, at(6)).is_err());
        let urgent = Exit {
            urgent_incidents: vec!["INC-4".into()],
            ..Exit::default()
        };
        let err = close(&h, &urgent, &omar, at(6)).unwrap_err();
        assert!(err.to_string().contains("P1 or P2 open: INC-4"), "{err}");
        let waived = Exit {
            waived_items: vec!["security".into()],
            ..Exit::default()
        };
        let err = close(&h, &waived, &omar, at(6)).unwrap_err();
        assert!(err.to_string().contains("only waived: security"), "{err}");
        let (closed, e) = close(&h, &Exit::default(), &omar, at(6)).unwrap();
        assert_eq!(closed.state, HypercareState::Closed);
        assert_eq!(e.from.as_deref(), Some("exit-review"));
        assert!(close(&closed, &Exit::default(), &omar, at(7)).is_err());
        assert!(extend(&closed, at(20).date_naive(), "more", &omar, at(7)).is_err());
    }

    #[test]
    fn an_extension_moves_the_end_to_a_later_date_with_a_reason() {
        let omar = who("omar", Role::ServiceManager);
        let h = Hypercare::start("1.0.0", "permits", 3, at(1));
        assert!(extend(&h, at(3).date_naive(), "more", &omar, at(6)).is_err());
        assert!(extend(&h, at(20).date_naive(), " ", &omar, at(6)).is_err());
        let (next, e) = extend(&h, at(20).date_naive(), "renewals peak", &omar, at(6)).unwrap();
        assert_eq!(next.state_on(at(6).date_naive()), HypercareState::Extended);
        assert_eq!(e.reason.as_deref(), Some("renewals peak"));
        assert!(next.routes_to_delivery(at(20).date_naive()));
        let far = NaiveDate::from_ymd_opt(9999, 12, 31).unwrap();
        let err = extend(&h, far, "forever", &omar, at(6)).unwrap_err();
        assert!(err.to_string().contains("more than a year away"), "{err}");
    }

    #[test]
    fn days_past_the_calendar_never_panic() {
        let h = Hypercare::start("1.0.0", "permits", u32::MAX, at(1));
        assert!(h.ends <= at(1).date_naive() + chrono::Days::new(u64::from(MAX_DAYS)));
        let end_of_time = Utc.from_utc_datetime(&NaiveDate::MAX.and_hms_opt(0, 0, 0).unwrap());
        let h = Hypercare::start("1.0.0", "permits", 14, end_of_time);
        assert_eq!(h.ends, NaiveDate::MAX);
    }

    proptest! {
        /// Nobody closes hypercare while a P1 or P2 is open, whatever the day and role.
        #[test]
        fn hypercare_never_closes_with_an_urgent_incident_open(
            days in 0u32..30,
            day in 1u32..29,
            role in prop::sample::select(vec![
                Role::ProductOwner, Role::Developer, Role::AmsEngineer, Role::Tester,
                Role::ServiceManager, Role::ReleaseManager,
            ]),
            incidents in prop::collection::vec("INC-[0-9]{1,3}", 1..4),
        ) {
            let h = Hypercare::start("1.0.0", "permits", days, at(1));
            let exit = Exit { urgent_incidents: incidents, waived_items: vec![] };
            prop_assert!(close(&h, &exit, &who("x", role), at(day)).is_err());
        }
    }
}
