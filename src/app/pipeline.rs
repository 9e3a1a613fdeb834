//! The Pipeline tab's view: the releases newest first, the one selected, the step under the
//! cursor on its path to live, and the log being read.

use crate::domain::Role;
use crate::domain::pipeline::Pipeline;
use crate::domain::release::{ReleaseState, ReleaseView};

/// Production's slot of a project: which release it holds and whether it is live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    pub project: String,
    pub slot: String,
    pub release: Option<String>,
    pub live: bool,
}

/// What the Pipeline tab shows, loaded with the board.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Releases {
    /// Newest first.
    pub list: Vec<ReleaseView>,
    /// Each project's pipeline, when it has one that reads.
    pub pipelines: Vec<(String, Pipeline)>,
    pub slots: Vec<Slot>,
    /// Each project's firebreak parties.
    pub parties: Vec<(String, Vec<Role>)>,
}

impl Releases {
    pub fn pipeline(&self, project: &str) -> Option<&Pipeline> {
        self.pipelines
            .iter()
            .find(|(p, _)| p == project)
            .map(|(_, p)| p)
    }

    /// The revision of a release this board shows: what a decision taken on it says it saw.
    pub fn seen(&self, version: &str) -> Option<i64> {
        self.list
            .iter()
            .find(|r| r.release.version == version)
            .map(|r| r.revision)
    }

    pub fn parties(&self, project: &str) -> &[Role] {
        self.parties
            .iter()
            .find(|(p, _)| p == project)
            .map_or(&[], |(_, r)| r.as_slice())
    }
}

/// Where the selection is, and the log overlay's scroll when it is open.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PipelineView {
    pub selected: usize,
    /// The step under the cursor, counted along the whole path.
    pub step: usize,
    pub log: Option<usize>,
}

/// A state's glyph: never colour alone.
pub fn glyph(state: ReleaseState, ascii: bool) -> &'static str {
    match (state, ascii) {
        (ReleaseState::Built, _) => "·",
        (ReleaseState::Running, false) => "»",
        (ReleaseState::Firebreak, false) => "‖",
        (ReleaseState::Shadow, false) => "◐",
        (ReleaseState::Live, false) => "●",
        (ReleaseState::Halted, false) => "✖",
        (ReleaseState::Abandoned, false) => "⊘",
        (ReleaseState::RolledBack, false) => "↺",
        (ReleaseState::Standby, false) => "○",
        (ReleaseState::Running, true) => ">",
        (ReleaseState::Firebreak, true) => "|",
        (ReleaseState::Shadow, true) => "~",
        (ReleaseState::Live, true) => "*",
        (ReleaseState::Halted, true) => "x",
        (ReleaseState::Abandoned, true) => "/",
        (ReleaseState::RolledBack, true) => "<",
        (ReleaseState::Standby, true) => "o",
    }
}

/// The steps of a release's path, in order: (environment, step).
pub fn path(pipeline: &Pipeline) -> Vec<(String, String)> {
    pipeline
        .environments
        .iter()
        .flat_map(|e| {
            e.steps()
                .into_iter()
                .map(|s| (e.name.clone(), s.name.to_string()))
                .collect::<Vec<_>>()
        })
        .collect()
}
