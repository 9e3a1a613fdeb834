//! The live service's records in the file: every ticket raised from an incident or a problem
//! links back to it, whatever order people raise them in.

use chrono::{TimeZone, Utc};
use firebreak::domain::incident::Priority;
use firebreak::domain::{Actor, Identity, Kind, Origin, Person, Role, Team};
use firebreak::store::Store;
use proptest::prelude::*;

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 30, 0).unwrap()
}

fn person(name: &str, role: Role, team: Team) -> Person {
    Person {
        name: name.into(),
        roles: vec![role],
        team,
    }
}

#[derive(Debug, Clone)]
enum Op {
    Log(Priority),
    Problem(Vec<usize>),
    IncidentTicket(usize, bool),
    ProblemTicket(usize, bool),
}

fn an_op() -> impl Strategy<Value = Op> {
    prop_oneof![
        prop::sample::select(vec![Priority::P1, Priority::P2, Priority::P3, Priority::P4])
            .prop_map(Op::Log),
        prop::collection::vec(0usize..6, 0..3).prop_map(Op::Problem),
        (0usize..6, any::<bool>()).prop_map(|(i, d)| Op::IncidentTicket(i, d)),
        (0usize..4, any::<bool>()).prop_map(|(i, d)| Op::ProblemTicket(i, d)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    #[test]
    fn every_ticket_raised_from_an_incident_or_problem_links_back_to_it(
        ops in prop::collection::vec(an_op(), 1..25)
    ) {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::create(&dir.path().join("board.db")).unwrap();
        let po = person("priya", Role::ProductOwner, Team::Appdev);
        store.init_board("Test", Identity::Trust, &po, now()).unwrap();
        let omar = person("omar", Role::ServiceManager, Team::Ams);
        store.add_person(&omar, &Actor::person(&po), now()).unwrap();
        let omar = Actor::person(&omar);
        let (mut incidents, mut problems) = (Vec::<String>::new(), Vec::<String>::new());
        let mut raised = Vec::new();
        for op in ops {
            let kind = |defect: bool| if defect { Kind::Defect } else { Kind::Enhancement };
            match op {
                Op::Log(p) => {
                    let i = store.log_incident("Payments fail", p, None, None, &omar, now()).unwrap();
                    incidents.push(i.id);
                }
                Op::Problem(of) => {
                    let of: Vec<String> = of.iter().filter_map(|n| incidents.get(*n).cloned()).collect();
                    let p = store.raise_problem("Sessions expire", &of, &omar, now()).unwrap();
                    problems.push(p.id);
                }
                Op::IncidentTicket(n, defect) => {
                    if let Some(id) = incidents.get(n) {
                        let item = store.incident_ticket(id, kind(defect), &omar, now()).unwrap();
                        raised.push((item.id, Origin::Incident, id.clone()));
                    }
                }
                Op::ProblemTicket(n, defect) => {
                    if let Some(id) = problems.get(n) {
                        let item = store.problem_ticket(id, kind(defect), &omar, now()).unwrap();
                        raised.push((item.id, Origin::Problem, id.clone()));
                    }
                }
            }
        }
        for (item, origin, from) in &raised {
            let found = store.item(*item).unwrap();
            prop_assert_eq!(found.origin, *origin);
            prop_assert_eq!(found.state, firebreak::domain::State::Triage);
            let source = if *origin == Origin::Incident { "incident" } else { "problem" };
            prop_assert!(store.tickets_of(source, from).unwrap().contains(item));
            let history = store.history("item", &item.to_string()).unwrap();
            prop_assert_eq!(history[0].details[source].as_str(), Some(from.as_str()));
        }
        // And nothing else is linked: each link is one raised ticket.
        let links: usize = incidents.iter().map(|i| store.tickets_of("incident", i).unwrap().len()).sum::<usize>()
            + problems.iter().map(|p| store.tickets_of("problem", p).unwrap().len()).sum::<usize>();
        prop_assert_eq!(links, raised.len());
    }
}
