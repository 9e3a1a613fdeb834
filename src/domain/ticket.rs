//! Tickets raised on the backlog from elsewhere: from an incident, a problem, a release's
//! problem determination, or the automation's failed step. Which kinds each may be, which
//! origin, team and text it takes are decided here; the store gives it an id and a rank, and
//! links it to where it came from.

use super::error::DomainError;
use super::item::NewItem;
use super::release::Release;
use super::vocab::{Kind, Origin, Team};

/// What a person raises a ticket from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Incident,
    Problem,
    /// A halted release's problem determination.
    Release,
}

impl Source {
    /// The link's kind, and the key in the event's details.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Incident => "incident",
            Source::Problem => "problem",
            Source::Release => "release",
        }
    }

    fn what(self) -> &'static str {
        match self {
            Source::Incident => "an incident",
            Source::Problem => "a problem",
            Source::Release => "problem determination",
        }
    }

    /// The kinds of ticket it may raise.
    fn kinds(self) -> &'static [Kind] {
        match self {
            Source::Incident | Source::Problem => &[Kind::Defect, Kind::Enhancement],
            Source::Release => &[Kind::Defect, Kind::Enhancement, Kind::Task],
        }
    }

    /// Service work is the origin of what incidents raise; problems and a release's PD are
    /// problem work (only the automation raises `pipeline` tickets).
    fn origin(self) -> Origin {
        match self {
            Source::Incident => Origin::Incident,
            Source::Problem | Source::Release => Origin::Problem,
        }
    }
}

/// A ticket a person raises from `source` `id`.
#[derive(Debug, Clone)]
pub struct Raise<'a> {
    pub source: Source,
    pub id: &'a str,
    pub title: &'a str,
    pub kind: Kind,
    pub team: Team,
    pub project: &'a str,
    pub description: String,
}

impl Raise<'_> {
    /// The new backlog item, or why this kind may not be raised from there.
    pub fn new_item(&self) -> Result<NewItem, DomainError> {
        let kinds = self.source.kinds();
        if !kinds.contains(&self.kind) {
            let names: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
            return Err(DomainError::invalid(format!(
                "a ticket from {} is {}",
                self.source.what(),
                list(&names)
            )));
        }
        let mut new = NewItem::titled(&format!("{}: {}", self.id, self.title));
        new.kind = self.kind;
        new.origin = self.source.origin();
        new.team = Some(self.team);
        new.project = self.project.to_string();
        new.description = self.description.clone();
        Ok(new)
    }
}

fn list(words: &[&str]) -> String {
    match words {
        [] => String::new(),
        [one] => format!("a {one}"),
        [init @ .., last] => {
            let init: Vec<String> = init.iter().map(|w| article(w)).collect();
            format!("{} or {}", init.join(", "), article(last))
        }
    }
}

fn article(word: &str) -> String {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        format!("an {word}")
    } else {
        format!("a {word}")
    }
}

/// The fingerprint of a failed step: while a ticket with it is open, a new failure of the
/// same step adds an occurrence instead of a second ticket.
pub fn fingerprint(release: &Release, env: &str, step: &str) -> String {
    format!("{}/{env}/{step}", release.project)
}

/// The defect the automation raises for a failed step: for the team that originated the
/// release, with the end of the step's log.
pub fn pipeline_defect(release: &Release, env: &str, step: &str, log_tail: &str) -> NewItem {
    let mut new = NewItem::titled(&format!(
        "Pipeline: {step} failed in {env} for {}",
        release.version
    ));
    new.kind = Kind::Defect;
    new.origin = Origin::Pipeline;
    new.team = Some(release.team);
    new.project = release.project.clone();
    new.description = format!(
        "Raised by the automation: release {} stopped at {env}/{step}.\nFingerprint {}.\n\nThe end of its log:\n{log_tail}",
        release.version,
        fingerprint(release, env, step)
    );
    new
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_source_raises_its_own_kinds_with_its_origin() {
        let raise = |source, kind| Raise {
            source,
            id: "INC-4",
            title: "Search is slow",
            kind,
            team: Team::Ams,
            project: "bau",
            description: String::new(),
        };
        let item = raise(Source::Incident, Kind::Defect).new_item().unwrap();
        assert_eq!(
            (item.origin, item.title.as_str()),
            (Origin::Incident, "INC-4: Search is slow")
        );
        assert_eq!(
            raise(Source::Release, Kind::Task)
                .new_item()
                .unwrap()
                .origin,
            Origin::Problem
        );
        let err = raise(Source::Incident, Kind::Task).new_item().unwrap_err();
        assert_eq!(
            err.to_string(),
            "a ticket from an incident is a defect or an enhancement"
        );
        let err = raise(Source::Release, Kind::Story).new_item().unwrap_err();
        assert_eq!(
            err.to_string(),
            "a ticket from problem determination is a defect, an enhancement or a task"
        );
    }
}
