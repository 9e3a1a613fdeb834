//! The domain's vocabulary: each enum with the one name it has in code, database, CLI and JSON.

/// A name that is not one of an enum's values; its `Display` lists the values that are.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} '{given}': use one of {}", .allowed.join(", "))]
pub struct UnknownName {
    pub what: &'static str,
    pub given: String,
    pub allowed: Vec<&'static str>,
}

macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident ($what:literal) { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
                 serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $(#[serde(rename = $text)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::domain::vocab::UnknownName;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err($crate::domain::vocab::UnknownName {
                        what: $what,
                        given: s.to_string(),
                        allowed: vec![$($text),+],
                    }),
                }
            }
        }
    };
}

pub(crate) use vocabulary;

vocabulary!(
    /// What a work item is.
    Kind ("kind") {
        Story = "story", Enhancement = "enhancement", Defect = "defect", Task = "task",
        Epic = "epic",
    }
);
vocabulary!(
    /// Where a work item came from.
    Origin ("origin") {
        Planned = "planned", Pipeline = "pipeline", ManualTest = "manual-test",
        Incident = "incident", Problem = "problem",
    }
);
vocabulary!(
    /// The two teams that share the one backlog.
    Team ("team") { Appdev = "appdev", Ams = "ams" }
);
vocabulary!(
    /// Kanban class of service.
    Class ("class") { Expedite = "expedite", FixedDate = "fixed-date", Standard = "standard" }
);
vocabulary!(
    /// Where a work item stands (domain.md 3.1).
    State ("state") {
        Triage = "triage", Backlog = "backlog", Ready = "ready", Planned = "planned",
        Queued = "queued", InProgress = "in-progress", Review = "review", Done = "done",
        Released = "released", Cancelled = "cancelled",
    }
);

impl State {
    /// How a sentence says it: "FB-1 is in review", "FB-2 is queued for the Kanban board".
    pub fn phrase(self) -> &'static str {
        match self {
            State::Triage => "in triage",
            State::Backlog => "in the backlog",
            State::Ready => "ready",
            State::Planned => "planned into its sprint",
            State::Queued => "queued for the Kanban board",
            State::InProgress => "in progress",
            State::Review => "in review",
            State::Done => "done",
            State::Released => "released",
            State::Cancelled => "cancelled",
        }
    }
}
vocabulary!(
    /// What a person may do.
    Role ("role") {
        ProductOwner = "product-owner", Developer = "developer", AmsEngineer = "ams-engineer",
        Tester = "tester", ServiceManager = "service-manager", ReleaseManager = "release-manager",
        Automation = "automation",
    }
);
vocabulary!(
    /// A major change (delivery project) or business as usual.
    ProjectKind ("project kind") { Delivery = "delivery", Bau = "bau" }
);
vocabulary!(
    /// How the acting person is known: the operating-system user, or anyone by `--as`.
    Identity ("identity") { Os = "os", Trust = "trust" }
);

impl State {
    /// Open states can still change; closed ones are history.
    pub fn is_open(self) -> bool {
        !matches!(self, State::Done | State::Released | State::Cancelled)
    }
}

impl Kind {
    /// A one-cell glyph, so the kind shows without colour.
    pub fn glyph(self, ascii: bool) -> &'static str {
        match (self, ascii) {
            (Kind::Story, false) => "◆",
            (Kind::Enhancement, false) => "▲",
            (Kind::Defect, false) => "✖",
            (Kind::Task, false) => "●",
            (Kind::Epic, false) => "◈",
            (Kind::Story, true) => "S",
            (Kind::Enhancement, true) => "E",
            (Kind::Defect, true) => "D",
            (Kind::Task, true) => "T",
            (Kind::Epic, true) => "%",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for s in State::ALL {
            assert_eq!(s.as_str().parse::<State>(), Ok(*s));
        }
        for r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>(), Ok(*r));
        }
    }

    #[test]
    fn an_unknown_name_lists_the_known_ones() {
        let err = "saga".parse::<Kind>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown kind 'saga': use one of story, enhancement, defect, task, epic"
        );
    }
}
