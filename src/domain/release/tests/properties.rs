//! Any sequence of steps, answers, restarts, votes and switches by anyone: a halted or
//! abandoned release never goes live, and nobody approves their own.

use super::*;

#[derive(Debug, Clone)]
enum Op {
    Step(bool),
    Accept(usize, bool),
    Restart(usize),
    Vote(usize, bool),
    Switch(usize),
}

fn people() -> Vec<Actor> {
    vec![
        tom(),
        who("grace", &[Role::Tester]),
        who("omar", &[Role::ServiceManager]),
        who("priya", &[Role::ProductOwner]),
        who("rita", &[Role::ReleaseManager]),
        who(
            "sol",
            &[
                Role::Tester,
                Role::ServiceManager,
                Role::ReleaseManager,
                Role::ProductOwner,
            ],
        ),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    let person = 0..6usize;
    prop_oneof![
        4 => prop::bool::weighted(0.9).prop_map(Op::Step),
        2 => (person.clone(), prop::bool::weighted(0.9)).prop_map(|(p, y)| Op::Accept(p, y)),
        1 => person.clone().prop_map(Op::Restart),
        2 => (person.clone(), prop::bool::weighted(0.9)).prop_map(|(p, y)| Op::Vote(p, y)),
        1 => person.prop_map(Op::Switch),
    ]
}

proptest! {
    #[test]
    fn a_halted_or_abandoned_release_never_goes_live_and_nobody_approves_their_own(ops in prop::collection::vec(op(), 1..60)) {
        let (mut r, mut p) = (cut_release(), Progress::default());
        let people = people();
        let mut failed = false;
        for op in ops {
            match op {
                Op::Step(pass) => {
                    if let Next::Step { env, step: name } = next(&pipeline(), &p, true) {
                        let outcome = if pass { Outcome::Pass } else { Outcome::Fail };
                        if step(&mut r, &mut p, &env, &name, outcome).is_ok() && !pass {
                            failed = true;
                        }
                    }
                }
                Op::Accept(i, yes) => {
                    if let Ok((n, sign, _)) = answer(&r, &PARTIES, &p, yes, "because", &people[i], now()) {
                        failed |= !yes;
                        r = n;
                        p.acceptances.push(sign);
                    }
                }
                Op::Restart(i) => {
                    if let Ok((n, _)) = restart(&r, &PARTIES, &p, &people[i], now()) {
                        r = n;
                        p.restarted = true;
                    }
                }
                Op::Vote(i, go) => {
                    let v = if go { Vote::Go } else { Vote::NoGo };
                    if let Ok((n, sign, _)) = vote(&r, &p, v, "why", None, &people[i], now()) {
                        failed |= !go;
                        r = n;
                        p.votes.push(sign);
                    }
                }
                Op::Switch(i) => {
                    if let Ok((n, _)) = switch(&r, &p, "go", &people[i], now()) {
                        r = n;
                    }
                }
            }
            prop_assert!(!(failed && r.state == ReleaseState::Live), "a failed release went live");
            let signers: Vec<&str> = p.acceptances.iter().chain(&p.votes).map(|s| s.person.as_str()).collect();
            prop_assert!(!signers.contains(&"tom"), "the originator signed");
            let mut accepted: Vec<&str> = p.acceptances.iter().map(|s| s.person.as_str()).collect();
            accepted.sort();
            accepted.dedup();
            prop_assert_eq!(accepted.len(), p.acceptances.len(), "one person counted twice at the firebreak");
            let mut voters: Vec<&str> = p.votes.iter().map(|s| s.person.as_str()).collect();
            voters.sort();
            voters.dedup();
            prop_assert_eq!(voters.len(), p.votes.len(), "one person voted twice");
            if r.state == ReleaseState::Live {
                prop_assert_eq!(p.votes.iter().filter(|v| v.yes).count(), 3);
            }
        }
    }
}
