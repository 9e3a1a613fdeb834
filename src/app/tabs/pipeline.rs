//! The Pipeline tab: the releases newest first, the one selected, the step under the cursor
//! on its path to live and its log; running the automation, signing at the firebreak, voting,
//! problem determination, and switching live or rolling back (typing the version and a reason
//! first).

use crate::app::keymap::Command;
use crate::app::say::{flash_error, writable};
use crate::app::{AppState, Effect, Hit, Overlay, Pending};
use crate::domain::pipeline::Pipeline;
use crate::domain::release::Release;
use crate::domain::release::{Change, ReleaseState, ReleaseView, Vote};

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
    /// Each pipeline file the releases run, by its path, when it reads.
    pub pipelines: Vec<(String, Pipeline)>,
    pub slots: Vec<Slot>,
    /// The releases some process runs the automation of now.
    pub held: Vec<String>,
    /// Each project with its policy as it stands (what a release cut now would keep).
    pub projects: Vec<crate::domain::Project>,
}

impl Releases {
    /// The pipeline a release runs (the file its policy names).
    pub fn pipeline(&self, r: &Release) -> Option<&Pipeline> {
        let file = r.policy.pipeline.as_deref()?;
        self.pipelines
            .iter()
            .find(|(path, _)| path == file)
            .map(|(_, p)| p)
    }

    /// The revision of a release this board shows: what a decision taken on it says it saw.
    pub fn seen(&self, version: &str) -> Option<i64> {
        self.list
            .iter()
            .find(|r| r.release.version == version)
            .map(|r| r.revision)
    }
}

/// Where the selection is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PipelineView {
    pub selected: usize,
    /// The step under the cursor, counted along the whole path.
    pub step: usize,
    /// The test cases of the step whose log is open, as the lines the log shows above it,
    /// once the shell has read them.
    pub cases: Option<StepCases>,
}

/// The test cases of one release's step, as the lines of its log overlay.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StepCases {
    pub version: String,
    pub env: String,
    pub step: String,
    pub lines: Vec<String>,
}

/// The Pipeline tab's questions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ask {
    /// A rejection at the firebreak: its comment.
    Reject(String),
    /// A no-go vote: its comment.
    NoGo(String),
    /// A production change: the version typed to confirm it.
    TypeVersion { version: String, change: Change },
    /// A production change: its reason.
    ProductionReason { version: String, change: Change },
    /// A halted release's problem determination: "CAUSE findings".
    Determine(String),
    /// The title of a ticket raised from this release's problem determination.
    PdTicket(String),
    /// Why a halted release is abandoned.
    Abandon(String),
    /// A new release: "VERSION PROJECT".
    Cut,
}

impl Ask {
    pub fn title(&self) -> &'static str {
        match self {
            Ask::Reject(_) => " Reject at the firebreak ",
            Ask::NoGo(_) => " No-go ",
            Ask::TypeVersion { .. } => " Production: type the version ",
            Ask::ProductionReason { .. } => " Production: why? ",
            Ask::Determine(_) => " Problem determination ",
            Ask::PdTicket(_) => " A ticket from problem determination ",
            Ask::Abandon(_) => " Abandon the release: why? ",
            Ask::Cut => " Cut a release ",
        }
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

pub fn selected(s: &AppState) -> Option<&ReleaseView> {
    s.releases.list.get(s.pipeline.selected)
}

/// The (environment, step) under the cursor.
pub fn step(s: &AppState) -> Option<(String, String)> {
    let r = selected(s)?;
    let p = s.releases.pipeline(&r.release)?;
    path(p).get(s.pipeline.step).cloned()
}

pub(crate) fn clamp(s: &mut AppState) {
    let n = s.releases.list.len();
    s.pipeline.selected = s.pipeline.selected.min(n.saturating_sub(1));
    let steps = selected(s)
        .and_then(|r| s.releases.pipeline(&r.release))
        .map_or(0, |p| path(p).len());
    s.pipeline.step = s.pipeline.step.min(steps.saturating_sub(1));
}

/// Puts the cursor on the last step the selected release ran.
pub(crate) fn follow(s: &mut AppState) {
    let Some(r) = selected(s) else { return };
    let Some(p) = s.releases.pipeline(&r.release) else {
        return;
    };
    let last = r.steps.last().map(|x| (x.env.clone(), x.step.clone()));
    s.pipeline.step = last
        .and_then(|l| path(p).iter().position(|x| *x == l))
        .unwrap_or(0);
}

/// The tab's answer to a key, or `None` when the key is not the tab's.
pub(crate) fn key(s: &mut AppState, cmd: Command) -> Option<Vec<Effect>> {
    let before = s.pipeline.selected;
    match cmd {
        Command::Down => s.pipeline.selected += 1,
        Command::Up => s.pipeline.selected = s.pipeline.selected.saturating_sub(1),
        Command::First => s.pipeline.selected = 0,
        Command::Last => s.pipeline.selected = usize::MAX,
        Command::Left => s.pipeline.step = s.pipeline.step.saturating_sub(1),
        Command::Right => s.pipeline.step += 1,
        Command::Log if step(s).is_some() => {
            s.overlay = Some(Overlay::Log { scroll: 0 });
            let (Some(v), Some((env, step))) = (selected(s), step(s)) else {
                return Some(vec![]);
            };
            return Some(vec![Effect::LoadCases {
                version: v.release.version.clone(),
                env,
                step,
            }]);
        }
        Command::Run => return Some(run(s)),
        Command::Accept => return Some(sign(s, true)),
        Command::Reject => return Some(sign(s, false)),
        Command::Restart => {
            let seen = selected(s).map(|r| r.revision);
            return Some(with(s, |version| vec![Effect::Restart { version, seen }]));
        }
        Command::Determine => ask(
            s,
            Ask::Determine,
            "its cause (code, test, environment, data or dependency), then what you found",
        ),
        Command::ConcludePd => {
            return Some(with(s, |version| {
                vec![Effect::RecordPd {
                    version,
                    entry: crate::domain::pd::PdEntry {
                        conclude: true,
                        ..Default::default()
                    },
                }]
            }));
        }
        Command::Ticket => ask(
            s,
            Ask::PdTicket,
            "a ticket from its problem determination; its title",
        ),
        Command::Rerun => {
            let seen = selected(s).map(|r| r.revision);
            return Some(with(s, |version| vec![Effect::Rerun { version, seen }]));
        }
        Command::VoteGo => {
            let seen = selected(s).map(|r| r.revision);
            return Some(with(s, |v| {
                vec![Effect::Vote {
                    version: v,
                    vote: Vote::Go,
                    comment: String::new(),
                    seen,
                }]
            }));
        }
        Command::VoteNoGo if would(s, Would::NoGo) => {
            ask(s, Ask::NoGo, "Why no-go? One no-go abandons the release.")
        }
        Command::VoteNoGo => {}
        Command::Cut => {
            if crate::app::say::may(s, &crate::domain::policy::CUT_A_RELEASE) {
                let projects = s.projects.join(", ");
                let start = selected(s)
                    .map(|v| format!(" {}", v.release.project))
                    .unwrap_or_default();
                s.overlay = Some(Overlay::prompt(
                    format!(
                        "A new release of a project's done items: its version, then its project ({projects})"
                    ),
                    &start,
                    Pending::Pipeline(Ask::Cut),
                ));
                if let Some(Overlay::Prompt { input, .. }) = &mut s.overlay {
                    input.cursor = 0;
                }
            }
        }
        Command::Abandon if would(s, Would::Abandon) => ask(
            s,
            Ask::Abandon,
            "Why abandon it? Its items go back, for another version to carry.",
        ),
        Command::Abandon => {}
        Command::EditPolicy => edit_policy(s),
        Command::Switch => production(s, Change::Switch),
        Command::Rollback => production(s, Change::Rollback),
        _ => return None,
    }
    clamp(s);
    if s.pipeline.selected != before {
        follow(s);
    }
    Some(vec![])
}

/// Opens the policy form of the selected release's project (the first delivery project's, or
/// bau's, when there is no release yet), for those who may change it.
fn edit_policy(s: &mut AppState) {
    use crate::domain::policy::{CHANGE_A_PROJECTS_POLICY, SET_A_PROJECTS_PIPELINE};
    if !crate::app::say::writable(s) {
        return;
    }
    if s.me.may(&CHANGE_A_PROJECTS_POLICY).is_err() && s.me.may(&SET_A_PROJECTS_PIPELINE).is_err() {
        crate::app::say::may(s, &CHANGE_A_PROJECTS_POLICY);
        return;
    }
    let name = selected(s)
        .map(|v| v.release.project.clone())
        .or_else(|| s.delivery_projects.first().cloned())
        .unwrap_or_else(|| crate::domain::project::BAU.to_string());
    let Some(project) = s.releases.projects.iter().find(|p| p.name == name) else {
        crate::app::say::flash_error(s, format!("There is no project {name} on this board."));
        return;
    };
    s.overlay = Some(Overlay::Form(Box::new(crate::app::form::Form::policy(
        project,
    ))));
}

/// A decision about the selected release that asks for words first.
#[derive(Clone, Copy)]
enum Would {
    Abandon,
    Reject,
    NoGo,
    Production(Change),
}

/// Whether the selected release would take the decision from this person now, as the domain
/// rules it (with a placeholder for the words still to be asked); if not, says why, before
/// anything is typed.
fn would(s: &mut AppState, decision: Would) -> bool {
    use crate::domain::release as rules;
    if selected(s).is_none() || !writable(s) {
        return false;
    }
    let Some(v) = selected(s) else { return false };
    let (r, progress) = (&v.release, v.progress());
    let verdict = match decision {
        Would::Reject => {
            rules::answer(r, &r.policy.parties, &progress, false, "-", &s.me, s.now).map(|_| ())
        }
        Would::Abandon => rules::abandon(r, "-", &s.me, s.now).map(|_| ()),
        Would::NoGo => rules::vote(r, &progress, Vote::NoGo, "-", None, &s.me, s.now).map(|_| ()),
        Would::Production(Change::Switch) => {
            rules::switch(r, &progress, "-", &s.me, s.now).map(|_| ())
        }
        Would::Production(Change::Rollback) => {
            let slots: Vec<rules::Slot> = s
                .releases
                .slots
                .iter()
                .filter(|x| x.project == r.project)
                .map(|x| rules::Slot {
                    slot: x.slot.clone(),
                    release: x.release.clone(),
                    live: x.live,
                })
                .collect();
            let all: Vec<rules::Release> =
                s.releases.list.iter().map(|x| x.release.clone()).collect();
            let standby = rules::standby(r, &slots, &all).map(|(_, x)| x);
            rules::rollback(r, standby, "-", &s.me, s.now).map(|_| ())
        }
    };
    match verdict {
        Ok(()) => true,
        Err(e) => {
            flash_error(s, e.to_string());
            false
        }
    }
}

/// The selected release's version, when the board may be written.
fn version(s: &mut AppState) -> Option<String> {
    let v = selected(s).map(|r| r.release.version.clone())?;
    writable(s).then_some(v)
}

fn with(s: &mut AppState, effect: impl FnOnce(String) -> Vec<Effect>) -> Vec<Effect> {
    version(s).map(effect).unwrap_or_default()
}

fn ask(s: &mut AppState, ask: impl FnOnce(String) -> Ask, question: &str) {
    if let Some(v) = version(s) {
        s.overlay = Some(Overlay::prompt(
            format!("{v}: {question}"),
            "",
            Pending::Pipeline(ask(v)),
        ));
    }
}

fn run(s: &mut AppState) -> Vec<Effect> {
    if let Some(v) = &s.running {
        flash_error(
            s,
            format!("{v} is running: one run at a time from this board."),
        );
        return vec![];
    }
    let Some(r) = selected(s) else { return vec![] };
    if !matches!(r.release.state, ReleaseState::Built | ReleaseState::Running) {
        let text = format!(
            "{} is {}: there is nothing for the automation to run.",
            r.release.version, r.release.state
        );
        flash_error(s, text);
        return vec![];
    }
    // The board runs one release at a time: it is running from the moment it is asked for.
    let Some(v) = version(s) else { return vec![] };
    s.running = Some(v.clone());
    vec![Effect::RunRelease(v)]
}

fn sign(s: &mut AppState, accept: bool) -> Vec<Effect> {
    if accept {
        let seen = selected(s).map(|r| r.revision);
        return with(s, |v| {
            vec![Effect::Answer {
                version: v,
                accept: true,
                comment: String::new(),
                seen,
            }]
        });
    }
    if !would(s, Would::Reject) {
        return vec![];
    }
    ask(
        s,
        Ask::Reject,
        "Why reject it at the firebreak? It halts the release.",
    );
    vec![]
}

/// Production changes are typed: the version first, then a reason.
fn production(s: &mut AppState, change: Change) {
    let what = if change == Change::Switch {
        "switch live"
    } else {
        "roll back"
    };
    if !would(s, Would::Production(change)) {
        return;
    }
    if let Some(v) = version(s) {
        s.overlay = Some(Overlay::prompt(
            format!("Type the version to {what} ({v}) to confirm"),
            "",
            Pending::Pipeline(Ask::TypeVersion { version: v, change }),
        ));
    }
}

/// Reads "environment the smoke test hit an expired certificate".
pub(crate) fn determination(text: &str) -> Result<(crate::domain::pd::Cause, String), String> {
    let (cause, findings) = text.trim().split_once(' ').unwrap_or((text.trim(), ""));
    let cause = cause
        .parse::<crate::domain::pd::Cause>()
        .map_err(|e| e.to_string())?;
    if findings.trim().is_empty() {
        return Err("say what you found after the cause".into());
    }
    Ok((cause, findings.trim().to_string()))
}

/// The selected step's log with its title: what the log overlay shows and `y` copies from.
pub fn step_log(s: &AppState) -> (String, String) {
    let Some(v) = selected(s) else {
        return (" Log ".into(), String::new());
    };
    let Some((env, name)) = step(s) else {
        return (" Log ".into(), String::new());
    };
    let rec = v.steps.iter().find(|x| x.env == env && x.step == name);
    let title = format!(" {} {env}/{name} ", v.release.version);
    let text = match rec {
        Some(x) if x.log.is_empty() && x.outcome.is_none() => "running…".into(),
        Some(x) if x.log.is_empty() => "(no output)".into(),
        Some(x) => x.log.clone(),
        None => "not run yet".into(),
    };
    (title, text)
}

/// The lines of the open log's test cases (above its log), when they are the selected step's.
pub fn step_cases(s: &AppState) -> &[String] {
    let (Some(v), Some((env, step)), Some(c)) = (selected(s), step(s), &s.pipeline.cases) else {
        return &[];
    };
    if c.version == v.release.version && c.env == env && c.step == step {
        &c.lines
    } else {
        &[]
    }
}

/// The lines the log overlay shows: the step's test cases, then its log.
pub fn log_lines<'a>(s: &'a AppState, text: &'a str) -> impl Iterator<Item = &'a str> {
    step_cases(s).iter().map(String::as_str).chain(text.lines())
}

/// A restarted release runs on: the board starts its automation, unless it runs one already.
pub(crate) fn run_on(s: &mut AppState, version: String) -> Vec<Effect> {
    if s.running.is_some() {
        return vec![];
    }
    s.running = Some(version.clone());
    vec![Effect::RunRelease(version)]
}

/// The keys of the log overlay (the whole log of the step under the cursor).
pub(crate) fn log_key(s: &mut AppState, cmd: Command) -> Vec<Effect> {
    if cmd == Command::Copy {
        return crate::app::say::copy(s, copy(s));
    }
    if let Some(Overlay::Log { scroll }) = &mut s.overlay {
        match cmd {
            Command::Back => s.overlay = None,
            Command::Down => *scroll += 1,
            Command::Up => *scroll = scroll.saturating_sub(1),
            _ => {}
        }
    }
    vec![]
}

/// What an answer to one of the tab's questions submits, or what would be right instead.
pub(crate) fn submit(s: &mut AppState, ask: Ask, text: String) -> Result<Vec<Effect>, String> {
    Ok(match ask {
        Ask::Reject(version) => vec![Effect::Answer {
            seen: s.releases.seen(&version),
            version,
            accept: false,
            comment: text,
        }],
        Ask::NoGo(version) => vec![Effect::Vote {
            seen: s.releases.seen(&version),
            version,
            vote: Vote::NoGo,
            comment: text,
        }],
        Ask::Determine(version) => {
            let (cause, findings) = determination(&text)?;
            vec![Effect::RecordPd {
                version,
                entry: crate::domain::pd::PdEntry {
                    findings: Some(findings),
                    cause: Some(cause),
                    conclude: false,
                },
            }]
        }
        Ask::Cut => {
            let words: Vec<&str> = text.split_whitespace().collect();
            let [version, project] = words[..] else {
                return Err(format!(
                    "write its version, then its project: e.g. 1.2.0 {}",
                    s.projects.first().map_or("bau", String::as_str)
                ));
            };
            if !s.projects.iter().any(|p| p == project) {
                return Err(format!(
                    "there is no project '{project}': one of {}",
                    s.projects.join(", ")
                ));
            }
            vec![Effect::Cut {
                version: version.to_string(),
                project: project.to_string(),
            }]
        }
        Ask::Abandon(version) => vec![Effect::Abandon {
            seen: s.releases.seen(&version),
            version,
            reason: text,
        }],
        Ask::PdTicket(version) => vec![Effect::PdTicket {
            version,
            title: text,
        }],
        Ask::TypeVersion { version, change } => {
            if text != version {
                return Err(format!(
                    "You typed {text}, not {version}: type {version} to go on."
                ));
            }
            let what = if change == Change::Switch {
                "switch"
            } else {
                "roll back"
            };
            s.overlay = Some(Overlay::prompt(
                format!("Why {what} {version}?"),
                "",
                Pending::Pipeline(Ask::ProductionReason { version, change }),
            ));
            vec![]
        }
        Ask::ProductionReason { version, change } => vec![Effect::Production {
            seen: s.releases.seen(&version),
            version,
            change,
            reason: text,
        }],
    })
}

/// What `y` copies: the log's top line when it is open, else the selected release's shadow or
/// live URL, else its version.
pub(crate) fn copy(s: &AppState) -> Option<String> {
    if let Some(Overlay::Log { scroll }) = &s.overlay {
        let (_, text) = step_log(s);
        return log_lines(s, &text).nth(*scroll).map(str::to_string);
    }
    let r = &selected(s)?.release;
    let prod = s.releases.pipeline(r).map(|p| p.production());
    let url = match (r.state, &r.slot, prod) {
        (ReleaseState::Shadow, Some(slot), Some(p)) => p.shadow_url_of(slot),
        (ReleaseState::Live, _, Some(p)) => p.live_url.clone(),
        _ => None,
    };
    Some(url.unwrap_or_else(|| r.version.clone()))
}

/// A click on a release selects it, the cursor on the last step it ran.
pub(crate) fn click(s: &mut AppState, h: Hit) {
    if s.pipeline.selected != h.row {
        s.pipeline.selected = h.row;
        clamp(s);
        follow(s);
    }
}

/// The record whose history the detail shows: the selected release.
pub(crate) fn history(s: &AppState) -> Option<(&'static str, String)> {
    Some(("release", selected(s)?.release.version.clone()))
}

/// Takes the releases of a new load, keeping the selection on the release it was on; a new
/// release, or new steps of this one, and the cursor follows the run.
pub(crate) fn loaded(s: &mut AppState, releases: Releases) {
    let shown = selected(s).map(|r| (r.release.version.clone(), r.steps.len()));
    s.releases = releases;
    if let Some((v, _)) = &shown
        && let Some(i) = s.releases.list.iter().position(|r| &r.release.version == v)
    {
        s.pipeline.selected = i;
    }
    clamp(s);
    let now = selected(s).map(|r| (r.release.version.clone(), r.steps.len()));
    if now != shown {
        follow(s);
    }
}
