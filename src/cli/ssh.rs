//! `ssh-ci`: the forced command of a CI's SSH key. sshd puts what the CI asked for in
//! `SSH_ORIGINAL_COMMAND`; this reads it as words (never through a shell) and runs it only
//! when it is a `release report` or a `release show`, with files read from standard input
//! only: a key that leaks can report a step and read a release, nothing else.

use super::release::ReleaseCmd;
use super::{Ctx, Failure};
use clap::Parser;
use std::io::Write;

/// The longest command a CI sends: a report's words, not its files (those come on stdin).
const LONGEST: usize = 4096;

/// The variable sshd sets to what the client asked for.
pub const VARIABLE: &str = "SSH_ORIGINAL_COMMAND";

/// What `release` takes after it, with no global flag: no --db, no --as, no --readonly.
#[derive(Debug, Parser)]
#[command(name = "release", disable_help_flag = true)]
struct Forced {
    #[command(subcommand)]
    cmd: ReleaseCmd,
}

/// Why a forced command is not run: the sentence, and whether it is bad input (exit 2) or a
/// command a CI key may not run (exit 3).
fn refused(message: String) -> Failure {
    Failure { code: 3, message }
}

/// Splits a command line into words the way a POSIX shell quotes them ('single', "double",
/// backslash), refusing what only a shell would act on (`;`, `|`, `&`, redirections, `$`,
/// backquotes, globs outside quotes) and any control character, rather than guessing.
pub fn words(text: &str) -> Result<Vec<String>, Failure> {
    if text.len() > LONGEST {
        return Err(Failure::usage(format!(
            "{VARIABLE} is {} bytes: a CI's command is its words (at most {LONGEST} bytes); its files come on standard input",
            text.len()
        )));
    }
    if let Some(c) = text.chars().find(|c| c.is_control()) {
        return Err(Failure::usage(format!(
            "{VARIABLE} holds the control character U+{:04X}: send one command on one line",
            c as u32
        )));
    }
    let mut out = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' => {
                out.extend(word.take());
            }
            '\'' => {
                let w = word.get_or_insert_with(String::new);
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => w.push(c),
                        None => {
                            return Err(Failure::usage(format!(
                                "{VARIABLE} has a ' that is never closed"
                            )));
                        }
                    }
                }
            }
            '"' => {
                let w = word.get_or_insert_with(String::new);
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c @ ('"' | '\\')) => w.push(c),
                            Some(c) => {
                                w.push('\\');
                                w.push(c);
                            }
                            None => {
                                return Err(Failure::usage(format!(
                                    "{VARIABLE} has a \" that is never closed"
                                )));
                            }
                        },
                        Some(c @ ('$' | '`')) => {
                            return Err(refused(format!(
                                "{VARIABLE} has {c} inside double quotes, which a shell would expand: nothing here runs a shell; quote it with ' '"
                            )));
                        }
                        Some(c) => w.push(c),
                        None => {
                            return Err(Failure::usage(format!(
                                "{VARIABLE} has a \" that is never closed"
                            )));
                        }
                    }
                }
            }
            '\\' => match chars.next() {
                Some(c) => word.get_or_insert_with(String::new).push(c),
                None => return Err(Failure::usage(format!("{VARIABLE} ends with a lone \\"))),
            },
            ';' | '|' | '&' | '<' | '>' | '`' | '$' | '(' | ')' | '{' | '}' | '*' | '?' | '['
            | ']' | '~' | '#' | '!' => {
                return Err(refused(format!(
                    "{VARIABLE} has {c} outside quotes: it is read as the words of one firebreak command, never by a shell, so there is nothing to chain, redirect or expand"
                )));
            }
            c => word.get_or_insert_with(String::new).push(c),
        }
    }
    out.extend(word);
    Ok(out)
}

/// The `release report` or `release show` that `text` asks for, or why it may not run.
pub fn allowed(text: &str) -> Result<ReleaseCmd, Failure> {
    let mut words = words(text)?;
    if words.first().map(String::as_str) == Some("firebreak") {
        words.remove(0);
    }
    let what = |w: &[String]| w.iter().take(2).cloned().collect::<Vec<_>>().join(" ");
    match words.iter().take(2).map(String::as_str).collect::<Vec<_>>()[..] {
        ["release", "report" | "show"] => {}
        [] => {
            return Err(Failure::usage(format!(
                "{VARIABLE} is empty: a CI key runs `release report VERSION --env ENV --step STEP ...` or `release show VERSION [--json]`"
            )));
        }
        _ => {
            return Err(refused(format!(
                "a CI key runs `release report` and `release show` only, not `{}`",
                what(&words)
            )));
        }
    }
    let forced = Forced::try_parse_from(&words).map_err(|e| {
        let text = e.to_string();
        let first = text
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("it does not read")
            .trim_start_matches("error: ")
            .to_string();
        Failure::usage(format!("{VARIABLE}: {first}"))
    })?;
    if let ReleaseCmd::Report { log, junit, .. } = &forced.cmd {
        let from_stdin = |p: &std::path::Path| p.as_os_str() == "-";
        if log.as_deref().is_some_and(|p| !from_stdin(p)) || junit.iter().any(|p| !from_stdin(p)) {
            return Err(refused(
                "a CI key sends its log or JUnit report on standard input (`--log -` or `--junit -`), never as a path on this host".into(),
            ));
        }
    }
    Ok(forced.cmd)
}

/// Runs what the CI asked for, as the account the key logs in as.
pub fn run(ctx: &Ctx<'_>, out: &mut dyn Write) -> Result<(), Failure> {
    let Ok(text) = std::env::var(VARIABLE) else {
        return Err(Failure::usage(format!(
            "{VARIABLE} is not set: `firebreak ssh-ci` is the forced command of a CI's SSH key (see the README, \"CI over SSH\"), run by sshd"
        )));
    };
    let cmd = allowed(&text)?;
    super::release::run(ctx, &cmd, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(text: &str) -> i32 {
        allowed(text).map(|_| 0).unwrap_or_else(|f| f.code)
    }

    #[test]
    fn a_report_and_a_show_run_with_their_quoted_words() {
        let cmd = allowed(
            "release report 1.2.0 --env preprod --step 'load test' --junit - --url \"https://ci.example/jobs/42?a=1&b=2\"",
        )
        .unwrap();
        match cmd {
            ReleaseCmd::Report {
                version,
                step,
                url,
                junit,
                ..
            } => {
                assert_eq!(version, "1.2.0");
                assert_eq!(step, "load test");
                assert_eq!(url.as_deref(), Some("https://ci.example/jobs/42?a=1&b=2"));
                assert_eq!(junit, [std::path::PathBuf::from("-")]);
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            allowed("firebreak release show 1.2.0 --json").unwrap(),
            ReleaseCmd::Show { json: true, .. }
        ));
    }

    #[test]
    fn hostile_commands_are_refused_and_nothing_else_runs() {
        for (text, expected) in [
            ("", 2),
            ("release show 1.0.0; rm -rf /", 3),
            ("release show 1.0.0 && item add pwned", 3),
            ("release show $(touch pwned)", 3),
            ("release show `touch pwned`", 3),
            ("release show \"$HOME\"", 3),
            ("release show 1.0.0 > /etc/passwd", 3),
            ("release show 1.0.0 | sh", 3),
            ("release show *", 3),
            ("release show 1.0.0\nitem add x", 2),
            ("release show 1.0.0\u{1b}[2J", 2),
            ("release show 'unclosed", 2),
            ("release show \"unclosed", 2),
            ("release show 1.0.0 \\", 2),
            ("release abandon 1.0.0 --reason x", 3),
            ("release accept 1.0.0", 3),
            ("item add pwned", 3),
            ("audit --verify", 3),
            ("--db /tmp/other.db release show 1.0.0", 3),
            ("release show 1.0.0 --db /tmp/other.db", 2),
            ("release show 1.0.0 --db=/tmp/other.db", 2),
            ("release show 1.0.0 --as sam", 2),
            ("release show 1.0.0 --readonly", 2),
            ("release show --help", 2),
            (
                "release report 1.0.0 --env dev --step unit --log /etc/shadow --result pass",
                3,
            ),
            (
                "release report 1.0.0 --env dev --step unit --junit - /etc/shadow",
                3,
            ),
            (
                "release report 1.0.0 --env dev --step unit --junit=/etc/shadow",
                3,
            ),
            ("release show 1.0.0 extra", 2),
        ] {
            assert_eq!(code(text), expected, "{text:?}");
        }
        let long = format!("release show {}", "9".repeat(5000));
        assert_eq!(code(&long), 2);
    }

    proptest::proptest! {
        #[test]
        fn any_text_is_refused_or_is_a_report_or_a_show(text in "\\PC{0,120}") {
            if let Ok(cmd) = allowed(&text) {
                let ran = matches!(cmd, ReleaseCmd::Report { .. } | ReleaseCmd::Show { .. });
                proptest::prop_assert!(ran, "{:?} ran {:?}", text, cmd);
            }
        }
    }
}
