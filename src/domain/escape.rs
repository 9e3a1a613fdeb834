//! Escaped defects (issue 7, the article's first challenge): for an incident or defect found
//! after a release went live, which environment and which kind of test should have caught it,
//! or that none could. Seen beside the pass rates of the tests that ran, they show where the
//! automated scope is thin.

use super::error::DomainError;
use super::event::Event;
use super::pipeline::{Pipeline, TestKind};
use super::policy::{Actor, RECORD_AN_ESCAPED_DEFECT};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Where a defect that reached live should have been caught.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Escape {
    /// `INC-n` or `FB-n`.
    pub source: String,
    pub release: String,
    /// The environment and kind of test that should have caught it; none when no automated
    /// test could have.
    pub env: Option<String>,
    pub test: Option<TestKind>,
    pub by: String,
    pub at: DateTime<Utc>,
    /// When the defect was found: the incident opened or the item created.
    pub found: DateTime<Utc>,
    #[serde(default)]
    pub note: String,
    /// The test case (`suite::name`) that should have caught it, when one ran there.
    #[serde(default)]
    pub case: Option<String>,
}

impl Escape {
    /// Where it should have been caught, as a sentence.
    pub fn describe(&self) -> String {
        match (&self.env, self.test) {
            (Some(env), Some(test)) => match &self.case {
                Some(case) => format!(
                    "{} escaped {}: the {test} tests in {env} should have caught it, in {case}.",
                    self.source, self.release
                ),
                None => format!(
                    "{} escaped {}: the {test} tests in {env} should have caught it.",
                    self.source, self.release
                ),
            },
            _ => format!(
                "{} escaped {}: no automated test could have caught it.",
                self.source, self.release
            ),
        }
    }
}

/// Where it should have been caught: an environment and a kind of test, or nowhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Catch {
    /// An environment and a kind of test, and the test case there that should have caught
    /// it when one is named (`suite::name`, as `release cases` lists them).
    At {
        env: String,
        test: TestKind,
        case: Option<String>,
    },
    Nowhere,
}

/// Reads "ENV KIND [CASE]" (`test functional`, `test functional checkout::pays_in_euros`) or
/// `none`.
pub fn parse_catch(text: &str) -> Result<Catch, DomainError> {
    let words: Vec<&str> = text.split_whitespace().collect();
    match words.as_slice() {
        ["none"] => Ok(Catch::Nowhere),
        [env, kind, case @ ..] if case.len() <= 1 => Ok(Catch::At {
            env: env.to_string(),
            test: kind
                .parse::<TestKind>()
                .map_err(|e| DomainError::invalid(e.to_string()))?,
            case: case.first().map(|c| c.to_string()),
        }),
        _ => Err(DomainError::invalid(format!(
            "'{text}' is not where it should have been caught: write an environment and a kind of test (e.g. `test functional`), then the test case if one should have (`test functional checkout::pays`), or `none`"
        ))),
    }
}

/// Reads an answer that may start with the release: `[VERSION] ENV KIND [CASE]` or
/// `[VERSION] none`. A second word that is a kind of test means no version was given.
pub fn parse_answer(text: &str) -> Result<(Option<String>, Catch), DomainError> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let kind_second = words.get(1).is_some_and(|w| w.parse::<TestKind>().is_ok());
    match words.as_slice() {
        [version, "none"] => Ok((Some(version.to_string()), Catch::Nowhere)),
        [version, rest @ ..] if rest.len() >= 2 && !kind_second => {
            Ok((Some(version.to_string()), parse_catch(&rest.join(" "))?))
        }
        _ => Ok((None, parse_catch(text)?)),
    }
}

/// What is known about the defect and its release when an escape is recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found<'a> {
    pub source: &'a str,
    pub release: &'a str,
    pub found: DateTime<Utc>,
    /// When the release was switched live, if it was.
    pub live_since: Option<DateTime<Utc>>,
}

/// Records (or corrects) where an escaped defect should have been caught: only for a defect
/// found after its release went live, and only at an environment of that release's pipeline.
pub fn record(
    found: &Found<'_>,
    pipeline: &Pipeline,
    catch: &Catch,
    note: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(Escape, Event), DomainError> {
    actor.may(&RECORD_AN_ESCAPED_DEFECT)?;
    let Some(live) = found.live_since else {
        return Err(DomainError::illegal(format!(
            "{} never went live: an escaped defect is one found after its release went live",
            found.release
        )));
    };
    if found.found < live {
        return Err(DomainError::illegal(format!(
            "{} was found before {} went live: the path to live caught it, it did not escape",
            found.source, found.release
        )));
    }
    let (env, test) = match catch {
        Catch::Nowhere => (None, None),
        Catch::At { env, test, .. } => {
            if !pipeline.environments.iter().any(|e| &e.name == env) {
                let names: Vec<&str> = pipeline
                    .environments
                    .iter()
                    .map(|e| e.name.as_str())
                    .collect();
                return Err(DomainError::invalid(format!(
                    "{} has no environment '{env}': one of {}, or none",
                    found.release,
                    names.join(", ")
                )));
            }
            (Some(env.clone()), Some(*test))
        }
    };
    let escape = Escape {
        source: found.source.to_string(),
        release: found.release.to_string(),
        env,
        test,
        by: actor.name.clone(),
        at: now,
        found: found.found,
        note: note.trim().to_string(),
        case: match catch {
            Catch::At { case, .. } => case.clone(),
            Catch::Nowhere => None,
        },
    };
    let e = Event::new(now, &actor.name, "release", found.release, "escape").details(
        serde_json::json!({
            "source": escape.source,
            "env": escape.env,
            "test": escape.test,
            "case": escape.case,
        }),
    );
    Ok((escape, e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Role;
    use chrono::TimeZone;

    fn at(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, day, 9, 0, 0).unwrap()
    }
    fn pipeline() -> Pipeline {
        Pipeline::parse(
            r#"
[[environment]]
name = "test"
deploy = "true"
[[environment.test]]
name = "smoke"
kind = "functional"
command = "true"
[[environment]]
name = "production"
deploy = "true"
"#,
        )
        .unwrap()
    }
    fn grace() -> Actor {
        Actor {
            name: "grace".into(),
            roles: vec![Role::Tester],
            automation: false,
        }
    }
    fn found(day: u32) -> Found<'static> {
        Found {
            source: "INC-4",
            release: "1.0.0",
            found: at(day),
            live_since: Some(at(5)),
        }
    }

    #[test]
    fn an_escape_names_an_environment_and_a_kind_of_test_or_none() {
        let catch = parse_catch("test functional").unwrap();
        let (e, ev) = record(&found(6), &pipeline(), &catch, "", &grace(), at(7)).unwrap();
        assert_eq!(e.env.as_deref(), Some("test"));
        assert_eq!(e.test, Some(TestKind::Functional));
        assert_eq!(ev.action, "escape");
        assert_eq!(ev.details["test"], "functional");
        let none = parse_catch("none").unwrap();
        let (e, _) = record(&found(6), &pipeline(), &none, "", &grace(), at(7)).unwrap();
        assert_eq!((e.env, e.test), (None, None));
    }

    #[test]
    fn only_what_escaped_a_live_release_and_only_where_its_pipeline_goes() {
        let catch = parse_catch("test functional").unwrap();
        let early = record(&found(4), &pipeline(), &catch, "", &grace(), at(7)).unwrap_err();
        assert!(early.to_string().contains("did not escape"), "{early}");
        let never = Found {
            live_since: None,
            ..found(6)
        };
        assert!(record(&never, &pipeline(), &catch, "", &grace(), at(7)).is_err());
        let nowhere = parse_catch("staging functional").unwrap();
        let wrong = record(&found(6), &pipeline(), &nowhere, "", &grace(), at(7)).unwrap_err();
        assert!(
            wrong.to_string().contains("one of test, production"),
            "{wrong}"
        );
        assert!(parse_catch("test").is_err());
        assert_eq!(
            parse_answer("1.0.0 test non-functional").unwrap(),
            (
                Some("1.0.0".into()),
                Catch::At {
                    env: "test".into(),
                    test: TestKind::NonFunctional,
                    case: None,
                }
            )
        );
        assert_eq!(
            parse_answer("test functional checkout::pays_in_euros").unwrap(),
            (
                None,
                Catch::At {
                    env: "test".into(),
                    test: TestKind::Functional,
                    case: Some("checkout::pays_in_euros".into()),
                }
            )
        );
        assert_eq!(
            parse_answer("1.0.0 test functional checkout::pays")
                .unwrap()
                .0,
            Some("1.0.0".into())
        );
        assert!(parse_catch("test functional two cases").is_err());
        assert_eq!(
            parse_answer("1.0.0 none").unwrap(),
            (Some("1.0.0".into()), Catch::Nowhere)
        );
        assert_eq!(parse_answer("none").unwrap(), (None, Catch::Nowhere));
        assert!(parse_catch("test unit").is_err());
        assert!(
            record(
                &found(6),
                &pipeline(),
                &catch,
                "",
                &Actor::automation(),
                at(7)
            )
            .is_err()
        );
    }
}
