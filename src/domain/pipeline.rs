//! A project's pipeline definition: its environments in order, each with a deploy command and
//! tests, where the firebreak sits, and production's blue/green slots. Read from TOML; a
//! malformed file is refused with its line and what is wrong.

use super::error::DomainError;
use serde::{Deserialize, Serialize};

super::vocab::vocabulary!(
    /// What a test checks.
    TestKind ("kind of test") { Functional = "functional", NonFunctional = "non-functional" }
);

/// One automated test of an environment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Test {
    pub name: String,
    pub kind: TestKind,
    /// Run by the automation; without it, the result is reported by an external CI.
    #[serde(default)]
    pub command: Option<String>,
    /// Seconds before the step is killed and counted as failed.
    #[serde(default = "default_timeout")]
    pub timeout: u64,
    /// An external CI reports it, even though `command` says what it runs there.
    #[serde(default)]
    pub external: bool,
    /// The JUnit reports its command writes (`reports/*.xml`, from the pipeline file's folder):
    /// read once it ends, a failed or errored case fails the step.
    #[serde(default)]
    pub junit: Option<String>,
}

fn default_timeout() -> u64 {
    600
}

/// One environment on the path to live.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Environment {
    pub name: String,
    /// Without a deploy command the environment waits for results from an external CI.
    #[serde(default)]
    pub deploy: Option<String>,
    #[serde(default = "default_timeout")]
    pub timeout: u64,
    /// An external CI reports the deploy, even though `deploy` says what it runs there.
    #[serde(default)]
    pub external: bool,
    #[serde(default, rename = "test")]
    pub tests: Vec<Test>,
    /// The release pauses here after its tests pass, when the firebreak is armed.
    #[serde(default)]
    pub firebreak: bool,
    /// Production: deploys go to the idle slot of two, and a switch makes them live.
    #[serde(default)]
    pub blue_green: bool,
    #[serde(default)]
    pub live_url: Option<String>,
    /// The shadow's hidden URL; `{slot}` becomes `blue` or `green`.
    #[serde(default)]
    pub shadow_url: Option<String>,
    #[serde(default)]
    pub switch: Option<String>,
    #[serde(default)]
    pub rollback: Option<String>,
}

/// The whole path to live.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pipeline {
    #[serde(rename = "environment")]
    pub environments: Vec<Environment>,
}

/// A step of an environment: its deploy, then each test, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step<'a> {
    pub env: &'a Environment,
    pub name: &'a str,
    /// What the board runs; `None`: an external CI reports the step.
    pub command: Option<&'a str>,
    pub timeout: u64,
    /// The JUnit reports it writes, for a test step that names them.
    pub junit: Option<&'a str>,
}

impl Environment {
    /// The steps of this environment in the order they run.
    pub fn steps(&self) -> Vec<Step<'_>> {
        let deploy = Step {
            env: self,
            name: "deploy",
            command: self.deploy.as_deref().filter(|_| !self.external),
            timeout: self.timeout,
            junit: None,
        };
        std::iter::once(deploy)
            .chain(self.tests.iter().map(|t| Step {
                env: self,
                name: &t.name,
                command: t.command.as_deref().filter(|_| !t.external),
                timeout: t.timeout,
                junit: t.junit.as_deref(),
            }))
            .collect()
    }

    /// The hidden URL of the shadow in `slot`.
    pub fn shadow_url_of(&self, slot: &str) -> Option<String> {
        self.shadow_url.as_ref().map(|u| u.replace("{slot}", slot))
    }
}

impl Pipeline {
    /// Parses and checks a pipeline file's text.
    pub fn parse(text: &str) -> Result<Pipeline, DomainError> {
        let p: Pipeline = toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
            let msg = e.message().to_string();
            DomainError::invalid(match line {
                Some(l) => format!("the pipeline file is malformed at line {l}: {msg}"),
                None => format!("the pipeline file is malformed: {msg}"),
            })
        })?;
        p.check(text)?;
        Ok(p)
    }

    fn check(&self, text: &str) -> Result<(), DomainError> {
        let at = |name: &str| {
            let needle = format!("\"{name}\"");
            text.lines()
                .position(|l| l.contains(&needle))
                .map_or(String::new(), |n| format!(" (line {})", n + 1))
        };
        let bad = |m: String| Err(DomainError::invalid(format!("the pipeline file {m}")));
        if self.environments.is_empty() {
            return bad("has no [[environment]]: give at least one".into());
        }
        let mut seen = std::collections::HashSet::new();
        for (i, env) in self.environments.iter().enumerate() {
            if env.name.trim().is_empty() || !seen.insert(env.name.as_str()) {
                return bad(format!(
                    "names environment '{}' twice, or not at all{}",
                    env.name,
                    at(&env.name)
                ));
            }
            if env.timeout == 0 {
                return bad(format!(
                    "gives {}'s deploy a timeout of 0{}: give it the seconds it may take",
                    env.name,
                    at(&env.name)
                ));
            }
            let mut tests = std::collections::HashSet::from(["deploy"]);
            for t in &env.tests {
                if !tests.insert(t.name.as_str()) {
                    return bad(format!(
                        "has two steps named '{}' in {}{}",
                        t.name,
                        env.name,
                        at(&t.name)
                    ));
                }
                if t.timeout == 0 {
                    return bad(format!(
                        "gives test '{}' a timeout of 0{}",
                        t.name,
                        at(&t.name)
                    ));
                }
            }
            if env.blue_green && i + 1 != self.environments.len() {
                return bad(format!(
                    "makes {} blue/green, but only the last environment (production) is{}",
                    env.name,
                    at(&env.name)
                ));
            }
            if env.firebreak && (env.blue_green || i + 1 == self.environments.len()) {
                return bad(format!(
                    "puts the firebreak in {}, the last environment: it belongs before production{}",
                    env.name,
                    at(&env.name)
                ));
            }
        }
        if self.environments.iter().filter(|e| e.firebreak).count() > 1 {
            return bad("has more than one firebreak: keep one, before production".into());
        }
        Ok(())
    }

    pub fn environment(&self, name: &str) -> Option<&Environment> {
        self.environments.iter().find(|e| e.name == name)
    }

    /// The environment that holds the firebreak: the one marked, else the one before production.
    pub fn firebreak_env(&self) -> Option<&Environment> {
        self.environments.iter().find(|e| e.firebreak).or_else(|| {
            let n = self.environments.len();
            (n >= 2).then(|| &self.environments[n - 2])
        })
    }

    /// The last environment: production.
    pub fn production(&self) -> &Environment {
        &self.environments[self.environments.len() - 1]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
[[environment]]
name = "dev"
deploy = "./deploy.sh"
[[environment.test]]
name = "smoke"
kind = "functional"
command = "./smoke.sh"
timeout = 30

[[environment]]
name = "preprod"
firebreak = true

[[environment]]
name = "production"
deploy = "./deploy.sh"
blue_green = true
live_url = "https://permits.example"
shadow_url = "https://{slot}.permits.example"
switch = "./switch.sh"
rollback = "./rollback.sh"
"#;

    #[test]
    fn a_good_file_reads_into_environments_and_steps() {
        let p = Pipeline::parse(GOOD).unwrap();
        let names: Vec<&str> = p.environments.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["dev", "preprod", "production"]);
        let steps: Vec<&str> = p.environments[0].steps().iter().map(|s| s.name).collect();
        assert_eq!(steps, ["deploy", "smoke"]);
        assert_eq!(
            p.environments[1].steps()[0].command,
            None,
            "preprod waits for an external CI"
        );
        assert_eq!(p.firebreak_env().unwrap().name, "preprod");
        assert_eq!(
            p.production().shadow_url_of("green").unwrap(),
            "https://green.permits.example"
        );
    }

    #[test]
    fn a_malformed_file_is_refused_with_its_line() {
        let err = Pipeline::parse("[[environment]]\nname = \"dev\"\ndeploy = 3\n").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("the pipeline file is malformed at line 3"),
            "{err}"
        );
        let err =
            Pipeline::parse("[[environment]]\nname = \"dev\"\ncolour = \"blue\"\n").unwrap_err();
        assert!(
            err.to_string().contains("line 3") && err.to_string().contains("colour"),
            "{err}"
        );
        assert_eq!(err.exit_code(), 2);
    }

    #[test]
    fn a_file_that_parses_but_makes_no_sense_is_refused_with_why() {
        let twice = "[[environment]]\nname = \"dev\"\n[[environment]]\nname = \"dev\"\n";
        let err = Pipeline::parse(twice).unwrap_err().to_string();
        assert!(
            err.contains("names environment 'dev' twice") && err.contains("(line 2)"),
            "{err}"
        );
        let early = "[[environment]]\nname = \"prod\"\nblue_green = true\n[[environment]]\nname = \"after\"\n";
        assert!(
            Pipeline::parse(early)
                .unwrap_err()
                .to_string()
                .contains("only the last environment")
        );
        let late = "[[environment]]\nname = \"dev\"\n[[environment]]\nname = \"production\"\nfirebreak = true\n";
        assert!(
            Pipeline::parse(late)
                .unwrap_err()
                .to_string()
                .contains("belongs before production")
        );
        assert!(
            Pipeline::parse("")
                .unwrap_err()
                .to_string()
                .contains("malformed")
                || Pipeline::parse("").is_err()
        );
        let never = "[[environment]]\nname = \"dev\"\ndeploy = \"true\"\ntimeout = 0\n";
        let err = Pipeline::parse(never).unwrap_err().to_string();
        assert!(err.contains("gives dev's deploy a timeout of 0"), "{err}");
        let never = "[[environment]]\nname = \"dev\"\n[[environment.test]]\nname = \"unit\"\nkind = \"functional\"\ntimeout = 0\n";
        let err = Pipeline::parse(never).unwrap_err().to_string();
        assert!(err.contains("gives test 'unit' a timeout of 0"), "{err}");
    }
}
