use super::*;
use crate::domain::pipeline::Pipeline;
use chrono::TimeZone;
use proptest::prelude::*;

const PIPELINE: &str = r#"
[[environment]]
name = "dev"
deploy = "./deploy.sh"
[[environment.test]]
name = "smoke"
kind = "functional"
command = "./smoke.sh"

[[environment]]
name = "preprod"
deploy = "./deploy.sh"
firebreak = true

[[environment]]
name = "production"
deploy = "./deploy.sh"
blue_green = true
"#;

fn pipeline() -> Pipeline {
    Pipeline::parse(PIPELINE).unwrap()
}
fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap()
}
fn who(name: &str, roles: &[Role]) -> Actor {
    Actor {
        name: name.into(),
        roles: roles.to_vec(),
        automation: false,
    }
}
fn tom() -> Actor {
    who("tom", &[Role::Developer])
}
const PARTIES: [Role; 2] = [Role::Tester, Role::ServiceManager];

fn project(name: &str) -> crate::domain::project::Project {
    crate::domain::project::Project::delivery(name, true, vec![], 14).unwrap()
}

fn cut_release() -> Release {
    cut(
        "1.4.0",
        &project("permits"),
        Team::Appdev,
        vec![ItemId(1)],
        false,
        &tom(),
        now(),
    )
    .unwrap()
    .0
}

fn run(env: &str, step: &str, outcome: Outcome) -> StepRun {
    StepRun {
        env: env.into(),
        step: step.into(),
        outcome,
        at: now(),
        seconds: 1.0,
    }
}

/// Records a step into both the release and its progress.
fn step(
    r: &mut Release,
    p: &mut Progress,
    env: &str,
    name: &str,
    outcome: Outcome,
) -> Result<(), DomainError> {
    let s = run(env, name, outcome);
    let (next, _) = record(r, &pipeline(), p, true, &s, &Actor::automation(), now())?;
    *r = next;
    p.steps.push(s);
    Ok(())
}

fn to_firebreak() -> (Release, Progress) {
    let (mut r, mut p) = (cut_release(), Progress::default());
    for (env, name) in [("dev", "deploy"), ("dev", "smoke"), ("preprod", "deploy")] {
        step(&mut r, &mut p, env, name, Outcome::Pass).unwrap();
    }
    (r, p)
}

fn to_shadow() -> (Release, Progress) {
    let (mut r, mut p) = to_firebreak();
    for person in [
        who("grace", &[Role::Tester]),
        who("omar", &[Role::ServiceManager]),
    ] {
        let (n, sign, _) = answer(&r, &PARTIES, &p, true, "ok", &person, now()).unwrap();
        r = n;
        p.acceptances.push(sign);
    }
    r = restart(
        &r,
        &PARTIES,
        &p,
        &who("rita", &[Role::ReleaseManager]),
        now(),
    )
    .unwrap()
    .0;
    p.restarted = true;
    step(&mut r, &mut p, "production", "deploy", Outcome::Pass).unwrap();
    (r, p)
}

#[test]
fn a_release_runs_step_by_step_and_waits_at_the_armed_firebreak() {
    let (mut r, mut p) = (cut_release(), Progress::default());
    assert_eq!(
        next(&pipeline(), &p, true),
        Next::Step {
            env: "dev".into(),
            step: "deploy".into()
        }
    );
    let err = step(&mut r, &mut p, "dev", "smoke", Outcome::Pass).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the next step of 1.4.0 is dev/deploy, not dev/smoke"
    );
    step(&mut r, &mut p, "dev", "deploy", Outcome::Pass).unwrap();
    assert_eq!(r.state, ReleaseState::Running);
    let (r, p) = to_firebreak();
    assert_eq!(r.state, ReleaseState::Firebreak);
    assert_eq!(
        next(&pipeline(), &p, false),
        Next::Step {
            env: "production".into(),
            step: "deploy".into()
        },
        "disarmed, it goes on"
    );
}

#[test]
fn a_failed_step_halts_the_release_for_good() {
    let (mut r, mut p) = (cut_release(), Progress::default());
    step(&mut r, &mut p, "dev", "deploy", Outcome::Pass).unwrap();
    step(&mut r, &mut p, "dev", "smoke", Outcome::Fail).unwrap();
    assert_eq!(r.state, ReleaseState::Halted);
    assert_eq!(
        next(&pipeline(), &p, true),
        Next::Halted {
            env: "dev".into(),
            step: "smoke".into()
        }
    );
    assert!(
        step(&mut r, &mut p, "preprod", "deploy", Outcome::Pass)
            .unwrap_err()
            .to_string()
            .contains("runs no more steps")
    );
}

#[test]
fn only_the_automation_records_results() {
    let r = cut_release();
    let err = record(
        &r,
        &pipeline(),
        &Progress::default(),
        true,
        &run("dev", "deploy", Outcome::Pass),
        &tom(),
        now(),
    )
    .unwrap_err();
    assert!(matches!(
        err,
        DomainError::NotAllowed {
            rule: "automation-reports",
            ..
        }
    ));
}

fn ci() -> Actor {
    Actor::person(&crate::domain::Person {
        name: "ci".into(),
        roles: vec![Role::Automation],
        team: Team::Ams,
    })
}

#[test]
fn an_automation_account_reports_only_what_an_external_ci_runs() {
    let external = Pipeline::parse(
        r#"
[[environment]]
name = "dev"
deploy = "./deploy.sh"
[[environment.test]]
name = "e2e"
kind = "functional"
command = "npm run e2e"
external = true

[[environment]]
name = "production"
blue_green = true
"#,
    )
    .unwrap();
    let r = cut_release();
    // The board runs dev's deploy itself: a CI's word for it is refused.
    let err = record(
        &r,
        &external,
        &Progress::default(),
        false,
        &run("dev", "deploy", Outcome::Pass),
        &ci(),
        now(),
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            DomainError::NotAllowed {
                rule: "board-runs-it",
                ..
            }
        ),
        "{err}"
    );
    // The board's own runner records it, then the CI reports the step marked external.
    let (r, _) = record(
        &r,
        &external,
        &Progress::default(),
        false,
        &run("dev", "deploy", Outcome::Pass),
        &Actor::automation(),
        now(),
    )
    .unwrap();
    let mut done = Progress::default();
    done.steps.push(run("dev", "deploy", Outcome::Pass));
    let (after, e) = record(
        &r,
        &external,
        &done,
        false,
        &run("dev", "e2e", Outcome::Pass),
        &ci(),
        now(),
    )
    .unwrap();
    assert_eq!(e.actor, "ci");
    assert_eq!(after.state, ReleaseState::Running);
}

#[test]
fn an_automation_account_signs_nothing_and_holds_no_other_role() {
    let (r, p) = to_firebreak();
    let err = answer(&r, &PARTIES, &p, true, "", &ci(), now()).unwrap_err();
    assert!(
        matches!(
            err,
            DomainError::NotAllowed {
                rule: "people-decide",
                ..
            }
        ),
        "{err}"
    );
    let both = crate::domain::Person {
        name: "ci".into(),
        roles: vec![Role::Automation, Role::ReleaseManager],
        team: Team::Ams,
    };
    let po = who("priya", &[Role::ProductOwner]);
    assert!(crate::domain::policy::register(&po, &both, now()).is_err());
}

#[test]
fn firebreak_parties_accept_once_each_never_the_originator() {
    let (r, mut p) = to_firebreak();
    let err = answer(
        &r,
        &PARTIES,
        &p,
        true,
        "",
        &who("tom", &[Role::Tester, Role::Developer]),
        now(),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "tom cut 1.4.0: nobody approves their own release, so another person must accept at the firebreak"
    );
    let err = answer(
        &r,
        &PARTIES,
        &p,
        true,
        "",
        &who("priya", &[Role::ProductOwner]),
        now(),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "priya is product-owner: 1.4.0 still needs tester and service-manager"
    );
    let both = who("grace", &[Role::Tester, Role::ServiceManager]);
    let (_, sign, _) = answer(&r, &PARTIES, &p, true, "tested", &both, now()).unwrap();
    p.acceptances.push(sign);
    let err = answer(&r, &PARTIES, &p, true, "", &both, now()).unwrap_err();
    assert!(err.to_string().contains("one person counts once"), "{err}");
    let rm = who("rita", &[Role::ReleaseManager]);
    let err = restart(&r, &PARTIES, &p, &rm, now()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "1.4.0 still waits on service-manager: restart it once they accept"
    );
    assert!(matches!(
        restart(&r, &PARTIES, &p, &tom(), now()),
        Err(DomainError::NotAllowed { .. })
    ));
}

#[test]
fn a_rejection_halts_the_release_and_needs_a_comment() {
    let (r, p) = to_firebreak();
    let grace = who("grace", &[Role::Tester]);
    assert!(answer(&r, &PARTIES, &p, false, " ", &grace, now()).is_err());
    let (halted, _, e) = answer(
        &r,
        &PARTIES,
        &p,
        false,
        "the schema migration locks the table",
        &grace,
        now(),
    )
    .unwrap();
    assert_eq!(halted.state, ReleaseState::Halted);
    assert_eq!(e.action, "reject");
}

#[test]
fn go_needs_three_different_people_and_one_no_go_abandons() {
    let (r, mut p) = to_shadow();
    assert_eq!(r.state, ReleaseState::Shadow);
    let rita = who("rita", &[Role::ReleaseManager]);
    assert!(
        switch(&r, &p, "go", &rita, now())
            .unwrap_err()
            .to_string()
            .contains("has no go from product-owner and service-manager and release-manager")
    );
    for person in [
        who("priya", &[Role::ProductOwner]),
        who("omar", &[Role::ServiceManager]),
        rita.clone(),
    ] {
        let (_, sign, _) = vote(&r, &p, Vote::Go, "", None, &person, now()).unwrap();
        p.votes.push(sign);
    }
    assert!(
        switch(&r, &p, "", &rita, now()).is_err(),
        "a switch needs a reason"
    );
    let (live, e) = switch(&r, &p, "all votes go", &rita, now()).unwrap();
    assert_eq!(
        (live.state, e.action.as_str()),
        (ReleaseState::Live, "switch")
    );
    let (shadow, p) = to_shadow();
    let (abandoned, _, _) = vote(
        &shadow,
        &p,
        Vote::NoGo,
        "not before the bank holiday",
        None,
        &who("omar", &[Role::ServiceManager]),
        now(),
    )
    .unwrap();
    assert_eq!(abandoned.state, ReleaseState::Abandoned);
}

#[test]
fn a_go_waits_for_the_handover_but_a_no_go_does_not() {
    let (r, p) = to_shadow();
    let open = vec!["Runbooks".to_string(), "Security review".to_string()];
    let err = vote(
        &r,
        &p,
        Vote::Go,
        "",
        Some(&open),
        &who("priya", &[Role::ProductOwner]),
        now(),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "1.4.0 cannot have a go while the handover of permits is not accepted: still open Runbooks, Security review"
    );
    assert!(
        vote(
            &r,
            &p,
            Vote::Go,
            "",
            Some(&[]),
            &who("priya", &[Role::ProductOwner]),
            now()
        )
        .is_ok()
    );
    let (abandoned, _, _) = vote(
        &r,
        &p,
        Vote::NoGo,
        "not ready",
        Some(&open),
        &who("omar", &[Role::ServiceManager]),
        now(),
    )
    .unwrap();
    assert_eq!(abandoned.state, ReleaseState::Abandoned);
}

#[test]
fn only_a_release_manager_rolls_back_and_only_to_a_standby() {
    let mut live = cut_release();
    live.state = ReleaseState::Live;
    let rita = who("rita", &[Role::ReleaseManager]);
    assert!(
        rollback(&live, None, "errors", &rita, now())
            .unwrap_err()
            .to_string()
            .contains("no standby")
    );
    let mut old = cut_release();
    old.version = "1.3.0".into();
    old.state = ReleaseState::Standby;
    assert!(matches!(
        rollback(&live, Some(&old), "errors", &tom(), now()),
        Err(DomainError::NotAllowed { .. })
    ));
    let (back, _) = rollback(&live, Some(&old), "error rate 12%", &rita, now()).unwrap();
    assert_eq!(back.state, ReleaseState::RolledBack);
}

#[test]
fn cutting_needs_a_version_and_items() {
    assert!(
        cut(
            "1.4 beta",
            &project("p"),
            Team::Appdev,
            vec![ItemId(1)],
            false,
            &tom(),
            now()
        )
        .is_err()
    );
    assert!(
        cut(
            "1.4.0",
            &project("p"),
            Team::Appdev,
            vec![],
            false,
            &tom(),
            now()
        )
        .unwrap_err()
        .to_string()
        .contains("no done items")
    );
    assert!(
        cut(
            "1.4.0",
            &project("p"),
            Team::Appdev,
            vec![ItemId(1)],
            false,
            &who("grace", &[Role::Tester]),
            now()
        )
        .is_err()
    );
}

#[test]
fn who_a_release_waits_on_follows_its_state() {
    let (mut r, mut p) = to_firebreak();
    assert_eq!(
        waits_on(&r, &PARTIES, &p, false),
        PARTIES
            .iter()
            .map(|role| Wait::Accept(*role))
            .collect::<Vec<_>>()
    );
    for person in [
        who("grace", &[Role::Tester]),
        who("omar", &[Role::ServiceManager]),
    ] {
        let (n, sign, _) = answer(&r, &PARTIES, &p, true, "ok", &person, now()).unwrap();
        r = n;
        p.acceptances.push(sign);
    }
    assert_eq!(waits_on(&r, &PARTIES, &p, false), [Wait::Restart]);
    assert_eq!(Wait::Restart.to_string(), "release-manager (restart)");
    let (r, p) = to_shadow();
    assert_eq!(
        waits_on(&r, &PARTIES, &p, false),
        VOTERS
            .iter()
            .map(|role| Wait::Vote(*role))
            .collect::<Vec<_>>()
    );
    let mut halted = r.clone();
    halted.state = ReleaseState::Halted;
    assert_eq!(
        waits_on(&halted, &PARTIES, &p, false),
        [Wait::ProblemDetermination(halted.team)]
    );
    assert_eq!(
        Wait::ProblemDetermination(Team::Ams).to_string(),
        "team ams (problem determination)"
    );
    assert!(
        waits_on(&halted, &PARTIES, &p, true).is_empty(),
        "once concluded"
    );
}

#[test]
fn a_no_go_needs_a_reason() {
    let (shadow, p) = to_shadow();
    let omar = who("omar", &[Role::ServiceManager]);
    let err = vote(&shadow, &p, Vote::NoGo, "  ", None, &omar, now()).unwrap_err();
    assert!(err.to_string().contains("say why"), "{err}");
    assert_eq!(err.exit_code(), 2);
    assert!(vote(&shadow, &p, Vote::Go, "", None, &omar, now()).is_ok());
}

#[test]
fn who_a_release_waits_on_is_named_by_the_people_who_can_answer() {
    use crate::domain::Person;
    let person = |name: &str, role: Role, team: Team| Person {
        name: name.into(),
        roles: vec![role],
        team,
    };
    let people = vec![
        person("tom", Role::Tester, Team::Appdev),
        person("grace", Role::Tester, Team::Appdev),
        person("omar", Role::ServiceManager, Team::Ams),
        person("ola", Role::ServiceManager, Team::Ams),
        person("rita", Role::ReleaseManager, Team::Ams),
    ];
    let (mut r, mut p) = to_firebreak();
    let names = |r: &Release, p: &Progress| -> Vec<String> {
        waits_on(r, &PARTIES, p, false)
            .iter()
            .map(|w| w.named(&who_answers(w, r, p, &people, &[], now().date_naive())))
            .collect()
    };
    // tom cut it: he is no party to its firebreak, though a tester.
    assert_eq!(
        names(&r, &p),
        ["grace (tester)", "omar or ola (service-manager)"]
    );
    let (n, sign, _) = answer(
        &r,
        &PARTIES,
        &p,
        true,
        "ok",
        &who("omar", &[Role::ServiceManager]),
        now(),
    )
    .unwrap();
    r = n;
    p.acceptances.push(sign);
    assert_eq!(names(&r, &p), ["grace (tester)"]);
    // Nobody on the board can: said so, with what is needed.
    let w = Wait::Vote(Role::ProductOwner);
    assert_eq!(
        w.named(&who_answers(&w, &r, &p, &people, &[], now().date_naive())),
        "nobody on the board (product-owner, to vote needed)"
    );
    assert_eq!(
        Wait::Restart.named(&who_answers(
            &Wait::Restart,
            &r,
            &p,
            &people,
            &[],
            now().date_naive()
        )),
        "rita (release-manager, to restart)"
    );
}

mod properties;
