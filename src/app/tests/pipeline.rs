use super::*;

mod pipeline_keys {
    use super::*;
    use crate::domain::pipeline::Pipeline;
    use crate::domain::release::Change;
    use crate::domain::release::{Release, ReleaseState, ReleaseView, Vote};

    fn release(version: &str, state: ReleaseState) -> ReleaseView {
        ReleaseView {
            release: Release {
                version: version.into(),
                project: "bau".into(),
                originator: "sam".into(),
                team: Team::Ams,
                schema_change: false,
                items: vec![ItemId(1)],
                state,
                slot: None,
                created: now(),
                policy: crate::domain::release::Policy {
                    pipeline: Some("/pipelines/bau.toml".into()),
                    ..Default::default()
                },
            },
            steps: vec![],
            acceptances: vec![],
            votes: vec![],
            restarted: false,
            defect: None,
            revision: 7,
        }
    }

    fn board() -> AppState {
        let mut s = super::board(1);
        let pipeline = Pipeline::parse("[[environment]]\nname = \"dev\"\ndeploy = \"true\"\n[[environment]]\nname = \"production\"\ndeploy = \"true\"\nblue_green = true\n").unwrap();
        s.releases.list = vec![
            release("2.0.0", ReleaseState::Built),
            release("1.0.0", ReleaseState::Shadow),
        ];
        s.releases.pipelines = vec![("/pipelines/bau.toml".into(), pipeline)];
        press(&mut s, "4");
        s
    }

    #[test]
    fn r_runs_a_release_that_has_steps_left_and_only_one_at_a_time() {
        let mut s = board();
        assert_eq!(s.context(), Context::Pipeline);
        let fx = update(
            &mut s,
            Msg::Key(KeyEvent::new(KeyCode::Char('R'), KeyModifiers::SHIFT)),
        );
        assert_eq!(fx, [Effect::RunRelease("2.0.0".into())]);
        assert_eq!(
            s.running.as_deref(),
            Some("2.0.0"),
            "the app marks it running"
        );
        update(
            &mut s,
            Msg::Key(KeyEvent::new(KeyCode::Char('R'), KeyModifiers::SHIFT)),
        );
        assert!(s.flash.as_ref().unwrap().text.contains("one run at a time"));
        s.running = None;
        press(&mut s, "j");
        assert!(
            update(
                &mut s,
                Msg::Key(KeyEvent::new(KeyCode::Char('R'), KeyModifiers::SHIFT))
            )
            .is_empty()
        );
        assert!(
            s.flash
                .as_ref()
                .unwrap()
                .text
                .contains("nothing for the automation to run")
        );
        update(
            &mut s,
            Msg::RunEnded {
                text: "2.0.0 is in the shadow".into(),
                failed: false,
            },
        );
        assert_eq!(s.running, None);
    }

    fn as_person(s: &mut AppState, name: &str, role: Role) {
        s.me = Actor::person(&Person {
            name: name.into(),
            roles: vec![role],
            team: Team::Appdev,
        });
    }

    fn shift(s: &mut AppState, c: char) -> Vec<Effect> {
        update(
            s,
            Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::SHIFT)),
        )
    }

    fn votes() -> Vec<crate::domain::release::Sign> {
        crate::domain::release::VOTERS
            .iter()
            .zip(["priya", "omar", "rita"])
            .map(|(role, person)| crate::domain::release::Sign {
                role: *role,
                person: person.into(),
                yes: true,
                comment: String::new(),
                at: now(),
            })
            .collect()
    }

    fn slot(slot: &str, release: &str, live: bool) -> crate::app::tabs::pipeline::Slot {
        crate::app::tabs::pipeline::Slot {
            project: "bau".into(),
            slot: slot.into(),
            release: Some(release.into()),
            live,
        }
    }

    #[test]
    fn a_switch_is_typed_version_first_then_a_reason() {
        let mut s = board();
        s.releases.list[1].votes = votes();
        as_person(&mut s, "rita", Role::ReleaseManager);
        press(&mut s, "j");
        shift(&mut s, 'S');
        press(&mut s, "1.0.1");
        assert!(code(&mut s, KeyCode::Enter).is_empty());
        assert!(refused(&s).contains("You typed 1.0.1, not 1.0.0"));
        assert_eq!(
            typed_text(&s),
            "1.0.1",
            "what was typed stays, to be put right"
        );
        code(&mut s, KeyCode::Esc);
        assert!(s.overlay.is_none());
        // Live, with the release before it standing by in the other slot.
        s.releases.list[1].release.state = ReleaseState::Live;
        s.releases
            .list
            .push(release("0.9.0", ReleaseState::Standby));
        s.releases.slots = vec![slot("blue", "1.0.0", true), slot("green", "0.9.0", false)];
        shift(&mut s, 'B');
        press(&mut s, "1.0.0");
        assert!(code(&mut s, KeyCode::Enter).is_empty());
        assert_eq!(s.context(), Context::Prompt);
        press(&mut s, "error rate");
        assert_eq!(
            code(&mut s, KeyCode::Enter),
            [Effect::Production {
                version: "1.0.0".into(),
                change: Change::Rollback,
                reason: "error rate".into(),
                seen: Some(7),
            }]
        );
        // A production action is never undone, and u says so.
        assert!(press(&mut s, "u").is_empty());
        assert!(s.flash.as_ref().unwrap().text.contains(
            "rolling it back (1.0.0) is a production action: firebreak does not undo it"
        ));
    }

    #[test]
    fn production_changes_are_refused_before_anything_is_typed() {
        let mut s = board();
        press(&mut s, "j");
        // Nobody voted yet: a switch would be refused, so nothing is asked.
        as_person(&mut s, "rita", Role::ReleaseManager);
        shift(&mut s, 'S');
        assert!(s.overlay.is_none());
        assert!(s.flash.as_ref().unwrap().error);
        // Live, but nothing stands by to roll back to.
        s.releases.list[1].release.state = ReleaseState::Live;
        shift(&mut s, 'B');
        assert!(s.overlay.is_none(), "no version is asked for");
        let said = s.flash.clone().unwrap().text;
        assert!(said.contains("standby"), "{said}");
        // Someone who may not roll back is told so first.
        s.releases
            .list
            .push(release("0.9.0", ReleaseState::Standby));
        s.releases.slots = vec![slot("blue", "1.0.0", true), slot("green", "0.9.0", false)];
        as_person(&mut s, "grace", Role::Tester);
        shift(&mut s, 'B');
        assert!(s.overlay.is_none());
        let said = s.flash.clone().unwrap().text;
        assert!(said.contains("release-manager"), "{said}");
    }

    #[test]
    fn signing_keys_ask_why_where_the_rules_want_it() {
        let mut s = board();
        assert_eq!(
            press(&mut s, "a"),
            [Effect::Answer {
                version: "2.0.0".into(),
                accept: true,
                comment: String::new(),
                seen: Some(7),
            }]
        );
        assert_eq!(
            press(&mut s, "s"),
            [Effect::Restart {
                version: "2.0.0".into(),
                seen: Some(7)
            }]
        );
        assert_eq!(
            press(&mut s, "v"),
            [Effect::Vote {
                version: "2.0.0".into(),
                vote: Vote::Go,
                comment: String::new(),
                seen: Some(7),
            }]
        );
        // A rejection is asked of a party of the firebreak, at the firebreak.
        s.releases.list[0].release.state = ReleaseState::Firebreak;
        s.releases.list[0].release.policy.parties = vec![Role::Tester];
        shift(&mut s, 'X');
        assert!(s.overlay.is_none(), "priya is no party: nothing is asked");
        as_person(&mut s, "grace", Role::Tester);
        shift(&mut s, 'X');
        press(&mut s, "locks the table");
        assert_eq!(
            code(&mut s, KeyCode::Enter),
            [Effect::Answer {
                version: "2.0.0".into(),
                accept: false,
                comment: "locks the table".into(),
                seen: Some(7),
            }]
        );
        // A no-go is asked of a voter, of a release in the shadow.
        shift(&mut s, 'V');
        assert!(s.overlay.is_none(), "grace does not vote: nothing is asked");
        as_person(&mut s, "omar", Role::ServiceManager);
        press(&mut s, "j");
        shift(&mut s, 'V');
        press(&mut s, "bank holiday");
        assert_eq!(
            code(&mut s, KeyCode::Enter),
            [Effect::Vote {
                version: "1.0.0".into(),
                vote: Vote::NoGo,
                comment: "bank holiday".into(),
                seen: Some(7),
            }]
        );
    }

    #[test]
    fn l_opens_the_steps_log_and_the_cursor_walks_the_path() {
        let mut s = board();
        code(&mut s, KeyCode::Right);
        assert_eq!(
            crate::app::tabs::pipeline::step(&s),
            Some(("production".into(), "deploy".into()))
        );
        code(&mut s, KeyCode::Right);
        assert_eq!(
            crate::app::tabs::pipeline::step(&s),
            Some(("production".into(), "deploy".into())),
            "it stops at the end"
        );
        let fx = press(&mut s, "l");
        assert_eq!(s.context(), Context::Log);
        assert_eq!(
            fx,
            [Effect::LoadCases {
                version: "2.0.0".into(),
                env: "production".into(),
                step: "deploy".into(),
            }],
            "the step's test cases are read for its log"
        );
        press(&mut s, "jjk");
        assert_eq!(s.overlay, Some(Overlay::Log { scroll: 1 }));
        press(&mut s, "q");
        assert!(s.overlay.is_none());
    }

    #[test]
    fn the_log_shows_the_steps_test_cases_above_it_once_read() {
        use crate::app::tabs::pipeline::{StepCases, log_lines, step_log};
        let mut s = board();
        code(&mut s, KeyCode::Right);
        press(&mut s, "l");
        let cases = |version: &str| StepCases {
            version: version.into(),
            env: "production".into(),
            step: "deploy".into(),
            lines: vec!["Test cases: 1, 1 broke".into(), "✖ a::b".into()],
        };
        // Cases of another release's step are not shown here.
        update(&mut s, Msg::Cases(cases("1.0.0")));
        let (_, text) = step_log(&s);
        assert_eq!(log_lines(&s, &text).next(), text.lines().next());
        update(&mut s, Msg::Cases(cases("2.0.0")));
        let (_, text) = step_log(&s);
        let shown: Vec<&str> = log_lines(&s, &text).take(2).collect();
        assert_eq!(shown, ["Test cases: 1, 1 broke", "✖ a::b"]);
        press(&mut s, "j");
        assert_eq!(
            crate::app::tabs::pipeline::copy(&s).as_deref(),
            Some("✖ a::b"),
            "y copies the line at the top of the log, a case's among them"
        );
    }

    #[test]
    fn n_cuts_a_release_of_a_projects_done_items() {
        let mut s = board();
        s.projects = vec!["bau".into(), "permits".into()];
        acting(&mut s, "grace", Role::Tester);
        press(&mut s, "n");
        assert!(
            s.overlay.is_none(),
            "a tester does not cut releases: told at once"
        );
        acting(&mut s, "tom", Role::Developer);
        press(&mut s, "n");
        assert_eq!(
            typed_text(&s),
            " bau",
            "the project of the release on screen"
        );
        press(&mut s, "2.1.0");
        assert_eq!(
            code(&mut s, KeyCode::Enter),
            [Effect::Cut {
                version: "2.1.0".into(),
                project: "bau".into()
            }]
        );
        press(&mut s, "n");
        code(&mut s, KeyCode::Home);
        press(&mut s, "2.2.0 nowhere");
        for _ in 0..4 {
            code(&mut s, KeyCode::Delete);
        }
        assert!(code(&mut s, KeyCode::Enter).is_empty());
        assert!(
            refused(&s).contains("no project 'nowhere'"),
            "{}",
            refused(&s)
        );
    }

    #[test]
    fn e_opens_the_policy_of_the_selected_release_s_project_and_saves_what_changed() {
        let mut s = board();
        let mut bau = crate::domain::Project::bau();
        bau.pipeline = Some("/pipelines/bau.toml".into());
        s.releases.projects = vec![bau];
        // A developer may change neither the policy nor the pipeline: said at once.
        as_person(&mut s, "tom", Role::Developer);
        press(&mut s, "e");
        assert!(s.overlay.is_none());
        assert!(
            s.flash
                .as_ref()
                .unwrap()
                .text
                .contains("product-owner or service-manager")
        );
        as_person(&mut s, "omar", Role::ServiceManager);
        press(&mut s, "e");
        let Some(Overlay::Form(f)) = &s.overlay else {
            panic!("no form: {:?}", s.overlay)
        };
        assert_eq!(f.project.as_ref().unwrap().name, "bau");
        assert_eq!(f.fields[1].text(), "tester, service-manager");
        // Nothing changed: nothing is written.
        assert!(code(&mut s, KeyCode::Enter).is_empty());
        assert_eq!(s.flash.as_ref().unwrap().text, "Nothing changed.");
        // Arm the firebreak, a party less, a word that is no role: refused inline, kept open.
        press(&mut s, "e");
        press(&mut s, " ");
        code(&mut s, KeyCode::Tab);
        for _ in 0.."service-manager".len() {
            code(&mut s, KeyCode::Backspace);
        }
        press(&mut s, "wizard");
        assert!(code(&mut s, KeyCode::Enter).is_empty());
        let Some(Overlay::Form(f)) = &s.overlay else {
            panic!("the form closed on a bad role")
        };
        assert!(
            f.error.as_ref().unwrap().contains("Parties"),
            "{:?}",
            f.error
        );
        for _ in 0.."wizard".len() {
            code(&mut s, KeyCode::Backspace);
        }
        let fx = code(&mut s, KeyCode::Enter);
        let [Effect::EditPolicy(change)] = fx.as_slice() else {
            panic!("{fx:?}")
        };
        assert_eq!(change.project, "bau");
        assert_eq!(change.edit.firebreak, Some(true));
        assert_eq!(change.edit.parties, Some(vec![Role::Tester]));
        assert_eq!(
            change.edit.hypercare_days, None,
            "unchanged fields stay out"
        );
        assert_eq!(change.pipeline, None);
        // Once written, the form closes with what was done.
        update(
            &mut s,
            Msg::FormDone("bau: firebreak not armed → armed.".into()),
        );
        assert!(s.overlay.is_none());
    }

    #[test]
    fn the_policy_form_sets_incident_targets_working_hours_and_holidays() {
        use crate::domain::incident::Priority;
        use crate::domain::sla::Span;
        let mut s = board();
        s.releases.projects = vec![crate::domain::Project::bau()];
        as_person(&mut s, "omar", Role::ServiceManager);
        press(&mut s, "e");
        let Some(Overlay::Form(f)) = &s.overlay else {
            panic!("no form: {:?}", s.overlay)
        };
        assert_eq!(f.fields[4].text(), "P1=15m P2=1h P3=1d P4=5d");
        assert_eq!(f.fields[5].text(), "P1=4h P2=1d P3=5d P4=20d");
        assert_eq!(f.fields[6].text(), "24x7");
        // To the response targets: P1 down to 10 minutes.
        for _ in 0..4 {
            code(&mut s, KeyCode::Tab);
        }
        code(&mut s, KeyCode::Home);
        for _ in 0.."P1=15m".len() {
            code(&mut s, KeyCode::Delete);
        }
        press(&mut s, "P1=10m");
        code(&mut s, KeyCode::Tab);
        code(&mut s, KeyCode::Tab);
        for _ in 0.."24x7".len() {
            code(&mut s, KeyCode::Backspace);
        }
        press(&mut s, "Mon-Fri 09:00-17:00 Europe/London");
        code(&mut s, KeyCode::Tab);
        press(&mut s, "2026-12-25");
        let fx = code(&mut s, KeyCode::Enter);
        let [Effect::EditPolicy(change)] = fx.as_slice() else {
            panic!("{fx:?} {:?}", s.overlay)
        };
        assert_eq!(change.edit.response, [(Priority::P1, Span::Minutes(10))]);
        assert!(
            change.edit.resolution.is_empty(),
            "unchanged targets stay out"
        );
        assert_eq!(
            change.edit.hours.clone().unwrap().unwrap().describe(),
            "Mon-Fri 09:00-17:00 Europe/London"
        );
        assert_eq!(change.edit.holidays.as_ref().unwrap().len(), 1);
        update(&mut s, Msg::FormDone("bau: incident targets …".into()));
        // Hours that do not read: refused in the form, which stays open.
        press(&mut s, "e");
        for _ in 0..6 {
            code(&mut s, KeyCode::Tab);
        }
        press(&mut s, "-ish");
        assert!(code(&mut s, KeyCode::Enter).is_empty());
        let Some(Overlay::Form(f)) = &s.overlay else {
            panic!("the form closed on bad hours")
        };
        assert!(
            f.error.as_ref().unwrap().starts_with("Working hours"),
            "{:?}",
            f.error
        );
    }
}

mod pd_keys {
    use crate::domain::pd::Cause;

    #[test]
    fn determination_reads_a_cause_then_findings() {
        assert_eq!(
            crate::app::tabs::pipeline::determination("data a null postcode"),
            Ok((Cause::Data, "a null postcode".to_string()))
        );
        assert!(crate::app::tabs::pipeline::determination("weather storms").is_err());
        assert!(crate::app::tabs::pipeline::determination("code").is_err());
    }
}
