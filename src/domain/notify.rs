//! Notifications: which events of the audit trail a team wants to hear of, and the hooks
//! (commands) that tell them. Pure: the kinds, the hooks file, the backoff, the payload.

use super::error::DomainError;
use super::event::Event;
use serde::{Deserialize, Serialize};

super::vocab::vocabulary!(
    /// A kind of event a hook may listen for.
    Kind ("kind of notification") {
        ReleaseHalted = "release-halted", FirebreakWaiting = "firebreak-waiting",
        VoteNeeded = "vote-needed", Switched = "switched", RolledBack = "rolled-back",
        UrgentIncident = "p1-p2-logged", SlaBreach = "sla-breach",
        HandoverSubmitted = "handover-submitted", ReviewWaiting = "review-waiting",
    }
);

/// The kind of notification an event is, if any.
pub fn kind_of(e: &Event) -> Option<Kind> {
    let to = e.to.as_deref();
    let entering = |state: &str| to == Some(state) && e.from.as_deref() != Some(state);
    Some(match (e.entity.as_str(), e.action.as_str()) {
        ("release", "switch") => Kind::Switched,
        ("release", "rollback") => Kind::RolledBack,
        ("release", _) if entering("halted") => Kind::ReleaseHalted,
        ("release", _) if entering("firebreak") => Kind::FirebreakWaiting,
        ("release", _) if entering("shadow") => Kind::VoteNeeded,
        ("incident", "log")
            if matches!(
                e.details.get("priority").and_then(|p| p.as_str()),
                Some("P1" | "P2")
            ) =>
        {
            Kind::UrgentIncident
        }
        ("incident", "breach") => Kind::SlaBreach,
        ("handover", "submit") => Kind::HandoverSubmitted,
        ("item", _) if entering("review") => Kind::ReviewWaiting,
        _ => return None,
    })
}

/// One hook of `hooks.toml`: the kinds it listens for and the command that is told.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hook {
    pub name: String,
    pub on: Vec<String>,
    /// Run by `sh -c`, with the event as JSON on its standard input.
    pub command: String,
    /// Seconds before a command that hangs is killed.
    #[serde(default = "default_timeout")]
    pub timeout: u64,
}

fn default_timeout() -> u64 {
    10
}

impl Hook {
    pub fn kinds(&self) -> Vec<Kind> {
        self.on.iter().filter_map(|k| k.parse().ok()).collect()
    }

    pub fn wants(&self, kind: Kind) -> bool {
        self.on.iter().any(|k| k == kind.as_str() || k == "all")
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    hook: Vec<Hook>,
}

/// Reads a hooks file; a mistake is refused with its line.
pub fn parse_hooks(text: &str) -> Result<Vec<Hook>, DomainError> {
    let file: File = toml::from_str(text).map_err(|e| {
        DomainError::invalid(format!(
            "hooks.toml does not read: {}",
            e.to_string().trim()
        ))
    })?;
    if file.hook.is_empty() {
        return Err(DomainError::invalid(
            "hooks.toml has no [[hook]]: give each a name, what it is `on` and its `command`",
        ));
    }
    let mut names = std::collections::HashSet::new();
    for h in &file.hook {
        let ok_name = !h.name.is_empty()
            && h.name.len() <= 40
            && h.name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !ok_name {
            return Err(DomainError::invalid(format!(
                "hook '{}': a name is letters, digits, - or _ (at most 40)",
                h.name
            )));
        }
        if !names.insert(h.name.clone()) {
            return Err(DomainError::invalid(format!(
                "two hooks are named '{}': each keeps its own place in the trail",
                h.name
            )));
        }
        if h.command.trim().is_empty() {
            return Err(DomainError::invalid(format!(
                "hook '{}' has no command",
                h.name
            )));
        }
        if h.on.is_empty() {
            return Err(DomainError::invalid(format!(
                "hook '{}' listens for nothing: give `on = [...]`, kinds from {} or \"all\"",
                h.name,
                Kind::ALL
                    .iter()
                    .map(|k| k.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        for k in &h.on {
            if k != "all" && k.parse::<Kind>().is_err() {
                return Err(DomainError::invalid(format!(
                    "hook '{}': '{k}' is not a kind of notification: one of {} or \"all\"",
                    h.name,
                    Kind::ALL
                        .iter()
                        .map(|k| k.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
        }
        if !(1..=600).contains(&h.timeout) {
            return Err(DomainError::invalid(format!(
                "hook '{}': a timeout is 1 to 600 seconds",
                h.name
            )));
        }
    }
    Ok(file.hook)
}

/// How long to wait before trying a failed hook again: 2, 4, 8 … seconds, at most 5 minutes.
pub fn backoff(attempts: u32) -> std::time::Duration {
    std::time::Duration::from_secs(2u64.saturating_pow(attempts.clamp(1, 9)).min(300))
}

/// What a hook's command reads on its standard input.
#[derive(Debug, Clone, Serialize)]
pub struct Payload<'a> {
    pub kind: Kind,
    /// The board's title.
    pub board: &'a str,
    /// The event's place in the trail: a hook that sees one twice (after a crash) may skip it.
    pub id: i64,
    /// One line a person can read in a chat.
    pub text: String,
    pub event: &'a Event,
}

/// The payload of event `id`.
pub fn payload<'a>(board: &'a str, id: i64, kind: Kind, e: &'a Event) -> Payload<'a> {
    let what = match kind {
        Kind::ReleaseHalted => format!("{} halted", e.entity_id),
        Kind::FirebreakWaiting => format!("{} waits at the firebreak for its parties", e.entity_id),
        Kind::VoteNeeded => format!(
            "{} is in the shadow slot: go/no-go votes needed",
            e.entity_id
        ),
        Kind::Switched => format!("{} is live", e.entity_id),
        Kind::RolledBack => format!("{} was rolled back", e.entity_id),
        Kind::UrgentIncident => format!(
            "{} {} logged: {}",
            e.details
                .get("priority")
                .and_then(|p| p.as_str())
                .unwrap_or(""),
            e.entity_id,
            e.details
                .get("title")
                .and_then(|p| p.as_str())
                .unwrap_or("")
        ),
        Kind::SlaBreach => format!(
            "{} missed its {} target",
            e.entity_id,
            e.details
                .get("target")
                .and_then(|p| p.as_str())
                .unwrap_or("")
        ),
        Kind::HandoverSubmitted => format!("{}'s handover evidence was submitted", e.entity_id),
        Kind::ReviewWaiting => format!("{} waits for review", e.entity_id),
    };
    Payload {
        kind,
        board,
        id,
        text: super::text::safe(&format!("[{board}] {what} (by {})", e.actor)).into_owned(),
        event: e,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn ev(entity: &str, action: &str, from: Option<&str>, to: Option<&str>) -> Event {
        Event {
            from: from.map(String::from),
            to: to.map(String::from),
            ..Event::new(
                chrono::Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap(),
                "sam",
                entity,
                "1.1.0",
                action,
            )
        }
    }

    #[test]
    fn each_kind_is_read_from_the_event_that_makes_it() {
        assert_eq!(
            kind_of(&ev("release", "step", Some("running"), Some("halted"))),
            Some(Kind::ReleaseHalted)
        );
        assert_eq!(
            kind_of(&ev("release", "reject", Some("firebreak"), Some("halted"))),
            Some(Kind::ReleaseHalted)
        );
        assert_eq!(
            kind_of(&ev("release", "step", Some("running"), Some("firebreak"))),
            Some(Kind::FirebreakWaiting)
        );
        assert_eq!(
            kind_of(&ev(
                "release",
                "accept",
                Some("firebreak"),
                Some("firebreak")
            )),
            None,
            "still waiting is not news"
        );
        assert_eq!(
            kind_of(&ev("release", "step", Some("running"), Some("shadow"))),
            Some(Kind::VoteNeeded)
        );
        assert_eq!(
            kind_of(&ev("release", "switch", Some("shadow"), Some("live"))),
            Some(Kind::Switched)
        );
        assert_eq!(
            kind_of(&ev("release", "rollback", None, None)),
            Some(Kind::RolledBack)
        );
        let p1 = ev("incident", "log", None, Some("new"))
            .details(serde_json::json!({"priority": "P1", "title": "down"}));
        assert_eq!(kind_of(&p1), Some(Kind::UrgentIncident));
        let p3 =
            ev("incident", "log", None, Some("new")).details(serde_json::json!({"priority": "P3"}));
        assert_eq!(kind_of(&p3), None);
        assert_eq!(
            kind_of(&ev("incident", "breach", None, None)),
            Some(Kind::SlaBreach)
        );
        assert_eq!(
            kind_of(&ev("handover", "submit", None, Some("submitted"))),
            Some(Kind::HandoverSubmitted)
        );
        assert_eq!(
            kind_of(&ev("item", "submit", Some("in-progress"), Some("review"))),
            Some(Kind::ReviewWaiting)
        );
        assert_eq!(kind_of(&ev("item", "edit", None, None)), None);
        let text = payload("Ops", 7, Kind::UrgentIncident, &p1).text;
        assert_eq!(text, "[Ops] P1 1.1.0 logged: down (by sam)");
    }

    #[test]
    fn a_hooks_file_reads_or_says_what_is_wrong() {
        let hooks = parse_hooks(
            r#"
[[hook]]
name = "chat"
on = ["release-halted", "p1-p2-logged"]
command = "curl -fsS --data-binary @- https://chat.example/hook"
timeout = 5
[[hook]]
name = "ledger"
on = ["all"]
command = "cat >> ledger.jsonl"
"#,
        )
        .unwrap();
        assert_eq!(hooks.len(), 2);
        assert_eq!(hooks[1].timeout, 10);
        assert!(hooks[0].wants(Kind::ReleaseHalted) && !hooks[0].wants(Kind::Switched));
        assert!(hooks[1].wants(Kind::Switched));
        for (text, says) in [
            ("", "no [[hook]]"),
            (
                "[[hook]]\nname = \"a\"\non = [\"nope\"]\ncommand = \"x\"",
                "not a kind",
            ),
            (
                "[[hook]]\nname = \"a\"\non = []\ncommand = \"x\"",
                "listens for nothing",
            ),
            (
                "[[hook]]\nname = \"a b\"\non = [\"all\"]\ncommand = \"x\"",
                "a name is",
            ),
            (
                "[[hook]]\nname = \"a\"\non = [\"all\"]\ncommand = \" \"",
                "no command",
            ),
            (
                "[[hook]]\nname = \"a\"\non = [\"all\"]\ncommand = \"x\"\ntimeout = 0",
                "1 to 600",
            ),
            (
                "[[hook]]\nname = \"a\"\non = [\"all\"]\ncommand = \"x\"\n[[hook]]\nname = \"a\"\non = [\"all\"]\ncommand = \"y\"",
                "two hooks",
            ),
            (
                "[[hook]]\nname = \"a\"\non = [\"all\"]\ncommand = \"x\"\nshell = \"bash\"",
                "does not read",
            ),
            ("[[hook]\n", "line 1"),
        ] {
            let err = parse_hooks(text).unwrap_err().to_string();
            assert!(err.contains(says), "{text:?}: {err}");
        }
    }

    #[test]
    fn a_failing_hook_waits_longer_each_time_up_to_five_minutes() {
        let secs: Vec<u64> = (1..12).map(|n| backoff(n).as_secs()).collect();
        assert_eq!(secs, [2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300]);
    }
}
