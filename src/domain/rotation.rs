//! Rotations between the teams (domain.md 1): a person's membership of the other team for a
//! span of days, so that builders take their turn on live support and the maintenance team
//! joins the delivery work. The board shows who is on live support on a day and who rotates
//! next.

use super::error::DomainError;
use super::event::Event;
use super::policy::{Actor, Person};
use super::vocab::Team;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rotation {
    pub person: String,
    /// The team they join for the span.
    pub team: Team,
    /// The first and last day, both included.
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Rotation {
    pub fn covers(&self, day: NaiveDate) -> bool {
        self.from <= day && day <= self.to
    }
}

/// The longest rotation: a rotation is a turn, not a transfer.
pub const MAX_DAYS: i64 = 366;

/// Plans a rotation: a product owner or service manager agrees it; it takes the person out of
/// their own team, runs forwards, and overlaps none of their other rotations.
pub fn plan(
    person: &Person,
    team: Team,
    from: NaiveDate,
    to: NaiveDate,
    existing: &[Rotation],
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(Rotation, Event), DomainError> {
    actor.may(&crate::domain::policy::ROTATE_A_PERSON_BETWEEN_THE_TEAMS)?;
    if person.team == team {
        return Err(DomainError::invalid(format!(
            "{} is in {team} already: a rotation takes them to the other team",
            person.name
        )));
    }
    if to < from {
        return Err(DomainError::invalid(format!(
            "the rotation ends ({to}) before it starts ({from})"
        )));
    }
    if (to - from).num_days() >= MAX_DAYS {
        return Err(DomainError::invalid(format!(
            "a rotation of more than {MAX_DAYS} days is a move: change their team instead"
        )));
    }
    if let Some(clash) = existing
        .iter()
        .find(|r| r.person == person.name && r.from <= to && from <= r.to)
    {
        return Err(DomainError::illegal(format!(
            "{} is already rotated to {} from {} to {}",
            person.name, clash.team, clash.from, clash.to
        )));
    }
    let r = Rotation {
        person: person.name.clone(),
        team,
        from,
        to,
    };
    let e = Event::new(now, &actor.name, "person", &person.name, "rotate")
        .details(serde_json::json!({ "team": team, "from": from, "to": to }));
    Ok((r, e))
}

/// The team a person is in on a day: their rotation's, else their own.
pub fn team_on(person: &Person, rotations: &[Rotation], day: NaiveDate) -> Team {
    rotations
        .iter()
        .find(|r| r.person == person.name && r.covers(day))
        .map_or(person.team, |r| r.team)
}

/// A person as they act on a day: with the duties of the team a rotation put them in (an AMS
/// engineer's on live support, a developer's in delivery) besides their own roles. The rules
/// that compare people (nobody reviews their own work) compare names, and keep holding.
pub fn on_duty(person: &Person, rotations: &[Rotation], day: NaiveDate) -> crate::domain::Actor {
    let mut actor = crate::domain::Actor::person(person);
    if actor.automation {
        return actor;
    }
    let team = team_on(person, rotations, day);
    if team != person.team {
        let duty = match team {
            Team::Ams => crate::domain::Role::AmsEngineer,
            Team::Appdev => crate::domain::Role::Developer,
        };
        if !actor.roles.contains(&duty) {
            actor.roles.push(duty);
        }
    }
    actor
}

/// Who is on live support (the maintenance team) on a day, each with the rotation that put
/// them there, if one did.
pub fn on_support<'a>(
    people: &'a [Person],
    rotations: &'a [Rotation],
    day: NaiveDate,
) -> Vec<(&'a Person, Option<&'a Rotation>)> {
    people
        .iter()
        .filter(|p| team_on(p, rotations, day) == Team::Ams)
        .map(|p| {
            let why = rotations
                .iter()
                .find(|r| r.person == p.name && r.covers(day));
            (p, why)
        })
        .collect()
}

/// The rotations still to start after a day, soonest first.
pub fn upcoming(rotations: &[Rotation], day: NaiveDate) -> Vec<&Rotation> {
    let mut next: Vec<&Rotation> = rotations.iter().filter(|r| r.from > day).collect();
    next.sort_by_key(|r| (r.from, r.person.clone()));
    next
}

#[cfg(test)]
mod tests {

    mod duties {
        use super::super::*;
        use crate::domain::policy::DUTIES;
        use crate::domain::{Person, Role, Team};
        use proptest::prelude::*;

        fn role() -> impl Strategy<Value = Role> {
            prop_oneof![
                Just(Role::ProductOwner),
                Just(Role::Developer),
                Just(Role::AmsEngineer),
                Just(Role::Tester),
                Just(Role::ServiceManager),
                Just(Role::ReleaseManager),
            ]
        }

        proptest! {
            /// On any day, a person may do exactly the duties of their own roles and of the
            /// team they are in that day: a rotation into the other team brings its duties
            /// and takes none of their own away.
            #[test]
            fn a_rotated_person_does_the_duties_of_the_team_they_are_in_that_day(
                own in role(),
                home_ams in any::<bool>(),
                from in 0u32..20,
                len in 0u32..10,
                day in 0u32..40,
            ) {
                let base = chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
                let at = |d: u32| base + chrono::Days::new(u64::from(d));
                let home = if home_ams { Team::Ams } else { Team::Appdev };
                let other = if home_ams { Team::Appdev } else { Team::Ams };
                let person = Person { name: "kim".into(), roles: vec![own], team: home };
                let rotation = Rotation {
                    person: "kim".into(),
                    team: other,
                    from: at(from),
                    to: at(from + len),
                };
                let today = at(day);
                let actor = on_duty(&person, std::slice::from_ref(&rotation), today);
                let team = if rotation.covers(today) { other } else { home };
                prop_assert_eq!(team_on(&person, std::slice::from_ref(&rotation), today), team);
                let team_role = match team {
                    Team::Ams => Role::AmsEngineer,
                    Team::Appdev => Role::Developer,
                };
                for duty in DUTIES {
                    let by_role = duty.roles.contains(&own);
                    let by_team = team != home && duty.roles.contains(&team_role);
                    prop_assert_eq!(
                        actor.may(duty).is_ok(),
                        by_role || by_team,
                        "{} on day {}: {}", own, day, duty.doing
                    );
                }
            }
        }
    }

    use super::*;
    use crate::domain::Role;
    use chrono::TimeZone;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, d).unwrap()
    }
    fn person(name: &str, team: Team) -> Person {
        Person {
            name: name.into(),
            roles: vec![Role::Developer],
            team,
        }
    }
    fn po() -> Actor {
        Actor {
            name: "priya".into(),
            roles: vec![Role::ProductOwner],
            automation: false,
        }
    }
    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap()
    }

    #[test]
    fn a_rotation_puts_a_builder_on_live_support_for_its_days() {
        let tom = person("tom", Team::Appdev);
        let sam = person("sam", Team::Ams);
        let (r, e) = plan(&tom, Team::Ams, day(2), day(6), &[], &po(), now()).unwrap();
        assert_eq!(e.details["team"], "ams");
        let people = [tom.clone(), sam];
        let rotations = [r];
        assert_eq!(team_on(&tom, &rotations, day(1)), Team::Appdev);
        assert_eq!(team_on(&tom, &rotations, day(2)), Team::Ams);
        assert_eq!(team_on(&tom, &rotations, day(6)), Team::Ams);
        assert_eq!(team_on(&tom, &rotations, day(7)), Team::Appdev);
        let names = |d| -> Vec<String> {
            on_support(&people, &rotations, d)
                .iter()
                .map(|(p, _)| p.name.clone())
                .collect()
        };
        assert_eq!(names(day(1)), ["sam"]);
        assert_eq!(names(day(3)), ["tom", "sam"]);
        assert_eq!(upcoming(&rotations, day(1)).len(), 1);
        assert!(upcoming(&rotations, day(2)).is_empty());
    }

    #[test]
    fn the_rules_refuse_with_a_reason() {
        let tom = person("tom", Team::Appdev);
        let dev = Actor {
            name: "aisha".into(),
            roles: vec![Role::Developer],
            automation: false,
        };
        assert!(plan(&tom, Team::Ams, day(2), day(6), &[], &dev, now()).is_err());
        let own = plan(&tom, Team::Appdev, day(2), day(6), &[], &po(), now()).unwrap_err();
        assert!(own.to_string().contains("in appdev already"), "{own}");
        assert!(plan(&tom, Team::Ams, day(6), day(2), &[], &po(), now()).is_err());
        let long = NaiveDate::from_ymd_opt(2027, 6, 1).unwrap();
        assert!(plan(&tom, Team::Ams, day(2), long, &[], &po(), now()).is_err());
        let (r, _) = plan(&tom, Team::Ams, day(2), day(6), &[], &po(), now()).unwrap();
        let clash = plan(&tom, Team::Ams, day(6), day(9), &[r], &po(), now()).unwrap_err();
        assert!(
            clash.to_string().contains("already rotated to ams"),
            "{clash}"
        );
    }
}
