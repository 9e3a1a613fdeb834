//! `update`: one message in, the state changed, the effects out.

use super::backlog::Detail;
use super::form::{Form, Value};
use super::input::LineInput;
use super::keymap::{Command, Context};
use super::moving::{move_key, start_moving};
use super::prompt::{confirm_key, prompt_key};
use super::row::Row;
use super::say::{ask_escape, flash, flash_error, writable};
use super::undo::{inverse, undo, without_undo};
use super::{AppState, Effect, Msg, Overlay, Pending, Snapshot, Tab};
use crate::domain::backlog::{self, RankMove};
use crate::domain::{Actor, Identity, Item, ItemCommand};
use chrono::Duration;
use ratatui::crossterm::event::{KeyCode, KeyEvent};

/// How long an information message stays in the status line.
const FLASH_FOR: i64 = 5;

pub fn update(s: &mut AppState, msg: Msg) -> Vec<Effect> {
    // Where the last frame put what a click selects: a step of layout, after which nothing
    // else is worked out (no scroll, no history to load).
    let msg = match msg {
        Msg::Laid(hits) => {
            s.hits = hits;
            return vec![];
        }
        other => other,
    };
    let effects = match msg {
        Msg::Key(k) => {
            s.flash = None;
            s.undoing = None;
            key(s, k)
        }
        Msg::Resize(w, h) => {
            s.size = (w, h);
            vec![]
        }
        Msg::Laid(_) => vec![],
        Msg::Mouse { kind, x, y } => mouse(s, kind, x, y),
        Msg::Tick(now) => {
            s.now = now;
            if s.flash
                .as_ref()
                .is_some_and(|f| now - f.at > Duration::seconds(FLASH_FOR))
            {
                s.flash = None;
            }
            vec![]
        }
        Msg::Loaded(snap) => loaded(s, *snap),
        Msg::Detail(item, history) => detail(s, *item, history),
        Msg::History(id, events) => {
            if s.history_of.as_deref() == Some(id.as_str()) {
                s.history = events;
            }
            vec![]
        }
        Msg::Saved(item, text) => saved(s, *item, text),
        Msg::Insights(insights) => {
            s.insights = Some(insights);
            vec![]
        }
        Msg::Flow(flow) => {
            s.flow = Some(*flow);
            vec![]
        }
        Msg::Burndown(name, burndown) => {
            s.burndown = Some((name, *burndown));
            vec![]
        }
        Msg::Said(text) => {
            flash(s, text);
            vec![]
        }
        Msg::RunLine(line) => {
            flash(s, line);
            vec![]
        }
        Msg::RunEnded { text, failed } => {
            s.running = None;
            if failed {
                flash_error(s, text)
            } else {
                flash(s, text)
            }
            vec![]
        }
        Msg::Columns {
            columns,
            overrides,
            text,
        } => {
            s.columns = columns;
            s.overrides = overrides;
            super::kanban_update::refresh(s);
            if !text.is_empty() {
                flash(s, text);
            }
            vec![]
        }
        Msg::Refused { message, stale } => {
            match &mut s.overlay {
                Some(Overlay::Form(f)) => f.error = Some(message),
                _ => flash_error(s, message),
            }
            if stale { vec![Effect::Reload] } else { vec![] }
        }
    };
    let height = s.list_height();
    s.backlog.scroll(height);
    let mut effects = effects;
    for e in &effects {
        if let Some(what) = without_undo(e) {
            s.undo.push(super::Undo::Never(format!(
                "Your last change ({what}) has no undo: make the opposite change instead"
            )));
        }
        if let Effect::Production {
            version, change, ..
        } = e
        {
            let what = if *change == crate::domain::release::Change::Switch {
                "switching it live"
            } else {
                "rolling it back"
            };
            s.undo.push(super::Undo::Never(format!(
                "{what} ({version}) is a production action: firebreak does not undo it; the Pipeline tab's S and B change production again"
            )));
        }
    }
    effects.extend(wanted_history(s));
    effects
}

/// Asks for the history of the release the Pipeline tab shows, or the incident or problem the
/// Service tab shows, once per selection.
fn wanted_history(s: &mut AppState) -> Option<Effect> {
    let (entity, id) = if s.tab == super::Tab::Pipeline {
        (
            "release",
            super::pipeline_update::selected(s)?.release.version.clone(),
        )
    } else if s.tab != super::Tab::Service {
        return None;
    } else if s.problems_shown {
        (
            "problem",
            super::service_update::selected_problem(s)?.id.clone(),
        )
    } else {
        ("incident", super::service_update::selected(s)?.id.clone())
    };
    if s.history_of.as_deref() == Some(id.as_str()) {
        return None;
    }
    s.history_of = Some(id.clone());
    s.history.clear();
    Some(Effect::LoadHistory { entity, id })
}

fn loaded(s: &mut AppState, snap: Snapshot) -> Vec<Effect> {
    let keep = s.selected().map(|i| i.id);
    let moved_under_us = s.backlog.moving.take().is_some();
    let still_here = snap
        .people
        .iter()
        .find(|p| p.name == s.me.name && !s.me.automation);
    s.me = still_here.map_or(snap.me, Actor::person);
    s.title = snap.title;
    s.identity = snap.identity;
    s.people = snap.people;
    s.projects = snap.projects;
    s.delivery_projects = snap.delivery_projects;
    s.sprints = snap.sprints;
    s.revisions = snap.revisions;
    s.ageing_days = snap.ageing_days;
    let shown =
        super::pipeline_update::selected(s).map(|r| (r.release.version.clone(), r.steps.len()));
    s.releases = snap.releases;
    s.handovers = snap.handovers;
    s.incidents = snap.incidents;
    s.tickets = snap.tickets;
    s.problems = snap.problems;
    s.hypercare = snap.hypercare;
    s.rotations = snap.rotations;
    s.pds = snap.pds;
    s.ops = snap.ops;
    s.problem_tickets = snap.problem_tickets;
    // A reload may have added to the shown record's history: ask for it again.
    s.history_of = None;
    super::service_update::clamp(s);
    super::handover_update::clamp(s);
    if let Some((v, _)) = &shown
        && let Some(i) = s.releases.list.iter().position(|r| &r.release.version == v)
    {
        s.pipeline.selected = i;
    }
    super::pipeline_update::clamp(s);
    // A new release, or new steps of this one: the cursor follows the run.
    let now =
        super::pipeline_update::selected(s).map(|r| (r.release.version.clone(), r.steps.len()));
    if now != shown {
        super::pipeline_update::follow(s);
    }
    s.columns = snap.columns;
    s.overrides = snap.overrides;
    s.loading = (snap.total > snap.items.len()).then_some(snap.total);
    s.items = snap.items;
    s.refreshed = snap.at;
    s.loaded = true;
    s.backlog.refilter(&s.items, false);
    if let Some(id) = keep {
        select_id(s, id);
    }
    super::kanban_update::refresh(s);
    super::sprint_update::refresh(s);
    let mut effects: Vec<Effect> = Vec::new();
    if s.tab == Tab::Kanban {
        effects.push(Effect::LoadFlow);
    }
    if s.tab == Tab::Insights {
        effects.push(Effect::LoadInsights(s.insights_weeks));
    }
    if s.tab == Tab::Sprint {
        effects.extend(super::sprint_update::burndown_effect(s));
    }
    if moved_under_us {
        flash_error(
            s,
            "The board changed while you were moving an item; it was put back.",
        );
    }
    effects.extend(s.backlog.detail.as_ref().map(|d| Effect::LoadDetail(d.id)));
    effects
}

fn detail(s: &mut AppState, item: Item, history: Vec<crate::domain::Event>) -> Vec<Effect> {
    if s.edit_when_loaded == Some(item.id) {
        s.edit_when_loaded = None;
        let team = my_team(s);
        s.overlay = Some(Overlay::Form(Box::new(Form::new(
            Some(item.clone()),
            &s.projects,
            team,
        ))));
    }
    if let Some(d) = &mut s.backlog.detail
        && d.id == item.id
    {
        d.item = Some(item);
        d.history = history;
    }
    vec![]
}

fn saved(s: &mut AppState, item: Item, mut text: String) -> Vec<Effect> {
    if matches!(s.overlay, Some(Overlay::Form(_))) {
        s.overlay = None;
    }
    let id = item.id;
    // The item saved is nearly always the one selected: look there before scanning.
    let position = s
        .backlog
        .selected_index()
        .filter(|&i| s.items.get(i).is_some_and(|x| x.id == id))
        .or_else(|| s.items.iter().position(|i| i.id == id));
    if let Some(what) = s.undoing.take() {
        // An undo is not recorded to be undone; it says what it took back.
        text = format!("Undone: {what}.");
    } else if let Some(p) = position {
        let full = s
            .backlog
            .detail
            .as_ref()
            .filter(|d| d.id == id)
            .and_then(|d| d.item.clone());
        let prev = p.checked_sub(1).map(|i| s.items[i].id);
        let next = s.items.get(p + 1).map(|i| i.id);
        s.undo.push(inverse(
            &s.items[p].item(),
            full.as_ref(),
            &item,
            prev,
            next,
        ));
    }
    let row = Row::of(&item);
    let old = position.map(|p| (p, s.items.remove(p)));
    let at = s.items.partition_point(|i| i.rank() < row.rank());
    let only_moved = old.as_ref().is_some_and(|(_, o)| o.same_but_rank(&row));
    s.items.insert(at, Box::new(row));
    // A move only shifts the other rows: the views follow it instead of walking every row.
    match old {
        Some((from, _)) if only_moved => {
            s.backlog.moved(from, at);
            super::kanban_update::moved(s, from, at);
            super::sprint_update::moved(s, from, at);
        }
        _ => {
            s.backlog.refilter(&s.items, false);
            super::kanban_update::refresh(s);
            super::sprint_update::refresh(s);
        }
    }
    s.backlog.select_index(at);
    if s.tab == Tab::Kanban {
        super::kanban_update::select(s, id);
    }
    flash(s, text);
    if s.tab == Tab::Sprint {
        return super::sprint_update::burndown_effect(s);
    }
    match &s.backlog.detail {
        Some(d) if d.id == id => vec![Effect::LoadDetail(id)],
        _ => vec![],
    }
}

fn select_id(s: &mut AppState, id: crate::domain::ItemId) {
    if let Some(i) = s.items.iter().position(|x| x.id == id) {
        s.backlog.select_index(i);
    }
}

fn my_team(s: &AppState) -> Option<crate::domain::Team> {
    s.people
        .iter()
        .find(|p| p.name == s.me.name)
        .map(|p| p.team)
}

fn key(s: &mut AppState, k: KeyEvent) -> Vec<Effect> {
    let context = s.context();
    let found = s.keymap.lookup_where(context, k);
    let cmd = found.map(|(_, c)| c);
    // On a tab, a key that means the same everywhere is answered here, not by the tab: the
    // tabs handle their own keys and nothing else. (Move mode keeps its own answers: it puts
    // the item back before quitting, and ignores the rest.)
    if let Some((Context::Global, global)) = found
        && matches!(
            context,
            Context::Sprint
                | Context::Kanban
                | Context::OpsReviews
                | Context::Pipeline
                | Context::Handover
                | Context::Service
                | Context::Problems
                | Context::Insights
        )
    {
        return command(s, global);
    }
    match context {
        Context::Filter => filter_key(s, cmd, k),
        Context::Prompt => prompt_key(s, cmd, k),
        Context::Form => form_key(s, cmd, k),
        Context::Confirm => confirm_key(s, cmd),
        Context::Help => {
            if let Some(Overlay::Help { scroll }) = &mut s.overlay {
                match cmd {
                    Some(Command::Back) => s.overlay = None,
                    Some(Command::Down) => *scroll += 1,
                    Some(Command::Up) => *scroll = scroll.saturating_sub(1),
                    _ => {}
                }
            }
            vec![]
        }
        Context::People => people_key(s, cmd),
        Context::Palette => match super::palette::key(s, cmd, k) {
            super::palette::Answer::Done => vec![],
            super::palette::Answer::Press(key) => update(s, Msg::Key(key)),
        },
        Context::Move => move_key(s, cmd),
        Context::Kanban | Context::OpsReviews => super::kanban_update::key(s, cmd),
        Context::Insights => match cmd {
            Some(Command::Down) => {
                s.insights_scroll = s.insights_scroll.saturating_add(1);
                vec![]
            }
            Some(Command::Up) => {
                s.insights_scroll = s.insights_scroll.saturating_sub(1);
                vec![]
            }
            Some(Command::First) => {
                s.insights_scroll = 0;
                vec![]
            }
            Some(c @ (Command::NextSprint | Command::PrevSprint)) => {
                const PERIODS: [u16; 4] = [4, 12, 26, 52];
                let at = PERIODS
                    .iter()
                    .position(|w| *w == s.insights_weeks)
                    .unwrap_or(1);
                let at = if c == Command::NextSprint {
                    (at + 1).min(PERIODS.len() - 1)
                } else {
                    at.saturating_sub(1)
                };
                s.insights_weeks = PERIODS[at];
                vec![Effect::LoadInsights(s.insights_weeks)]
            }
            Some(other) => command(s, other),
            None => vec![],
        },
        Context::Sprint => super::sprint_update::key(s, cmd),
        Context::Pipeline => super::pipeline_update::key(s, cmd),
        Context::Handover => super::handover_update::key(s, cmd),
        Context::Service | Context::Problems => super::service_update::key(s, cmd),
        Context::Log if cmd == Some(Command::Copy) => copy(s),
        Context::Log => {
            if let Some(Overlay::Log { scroll }) = &mut s.overlay {
                match cmd {
                    Some(Command::Back) => s.overlay = None,
                    Some(Command::Down) => *scroll += 1,
                    Some(Command::Up) => *scroll = scroll.saturating_sub(1),
                    _ => {}
                }
            }
            vec![]
        }
        _ => cmd.map(|c| command(s, c)).unwrap_or_default(),
    }
}

pub(super) fn command(s: &mut AppState, cmd: Command) -> Vec<Effect> {
    let before = s.selected().map(|i| i.id);
    let page = s.list_height().max(1);
    let last = s.backlog.visible.len().saturating_sub(1);
    let b = &mut s.backlog;
    match cmd {
        Command::Quit => return vec![Effect::Quit],
        Command::Help => s.overlay = Some(Overlay::Help { scroll: 0 }),
        Command::NextTab
        | Command::PrevTab
        | Command::BacklogTab
        | Command::SprintTab
        | Command::KanbanTab
        | Command::PipelineTab
        | Command::HandoverTab
        | Command::ServiceTab
        | Command::InsightsTab => {
            s.tab = match cmd {
                Command::NextTab => s.tab.step(true),
                Command::PrevTab => s.tab.step(false),
                Command::KanbanTab => Tab::Kanban,
                Command::PipelineTab => Tab::Pipeline,
                Command::HandoverTab => Tab::Handover,
                Command::ServiceTab => Tab::Service,
                Command::InsightsTab => Tab::Insights,
                Command::SprintTab => Tab::Sprint,
                _ => Tab::Backlog,
            };
            if s.tab == Tab::Kanban && s.flow.is_none() {
                return vec![Effect::LoadFlow];
            }
            if s.tab == Tab::Insights {
                return vec![Effect::LoadInsights(s.insights_weeks)];
            }
            if s.tab == Tab::Sprint {
                return super::sprint_update::burndown_effect(s);
            }
        }
        Command::Plan => return super::sprint_update::plan_selected(s),
        Command::Copy => return copy(s),
        Command::Undo => return undo(s),
        Command::OpenPalette => {
            s.overlay = Some(Overlay::Palette {
                from: s.context(),
                input: LineInput::default(),
                selected: 0,
            });
        }
        Command::Refresh => {
            flash(s, "Reloaded.");
            return vec![Effect::Reload];
        }
        Command::SwitchPerson => switch_person(s),
        Command::Down => b.selected = (b.selected + 1).min(last),
        Command::Up => b.selected = b.selected.saturating_sub(1),
        Command::First => b.selected = 0,
        Command::Last => b.selected = last,
        Command::PageDown => b.selected = (b.selected + page).min(last),
        Command::PageUp => b.selected = b.selected.saturating_sub(page),
        Command::RankDown | Command::RankUp | Command::RankTop | Command::RankBottom => {
            return rank(s, cmd);
        }
        Command::MoveMode => start_moving(s),
        Command::Filter => b.filtering = true,
        Command::Slice => {
            b.slice = match b.slice {
                None => Some(crate::domain::Team::Appdev),
                Some(crate::domain::Team::Appdev) => Some(crate::domain::Team::Ams),
                Some(crate::domain::Team::Ams) => None,
            };
            b.refilter(&s.items, false);
        }
        Command::ToggleClosed => {
            b.show_closed = !b.show_closed;
            b.refilter(&s.items, false);
            let what = if s.backlog.show_closed {
                "Showing"
            } else {
                "Hiding"
            };
            flash(s, format!("{what} done, released and cancelled items."));
        }
        Command::Open => {
            if b.detail.take().is_none()
                && let Some(item) = s.selected()
            {
                let id = item.id;
                s.backlog.detail = Some(Detail {
                    id,
                    item: None,
                    history: vec![],
                });
                return vec![Effect::LoadDetail(id)];
            }
        }
        Command::Back if b.detail.take().is_none() && !b.filter.text.is_empty() => {
            b.filter = LineInput::default();
            b.refilter(&s.items, false);
        }
        Command::Add if writable(s) => {
            let team = my_team(s);
            s.overlay = Some(Overlay::Form(Box::new(Form::new(None, &s.projects, team))));
        }
        Command::Edit => {
            if let Some(id) = s.selected().map(|i| i.id)
                && writable(s)
            {
                s.edit_when_loaded = Some(id);
                return vec![Effect::LoadDetail(id)];
            }
        }
        Command::Accept | Command::Refine | Command::Cancel | Command::Block | Command::Queue => {
            return transition(s, cmd);
        }
        Command::Escape => {
            let chosen = s.selected().map(|i| (i.id, i.kind));
            if let Some((id, kind)) = chosen
                && writable(s)
            {
                if kind != crate::domain::Kind::Defect {
                    flash_error(
                        s,
                        format!("{id} is a {kind}: escapes are defects and incidents"),
                    );
                } else {
                    ask_escape(
                        s,
                        id.to_string(),
                        "[VERSION] ENV KIND, or [VERSION] none (the version when no incident links it)",
                    );
                }
            }
        }
        _ => {}
    }
    let after = s.selected().map(|i| i.id);
    match (&mut s.backlog.detail, after) {
        (Some(d), Some(id)) if after != before => {
            *d = Detail {
                id,
                item: None,
                history: vec![],
            };
            vec![Effect::LoadDetail(id)]
        }
        _ => vec![],
    }
}

fn switch_person(s: &mut AppState) {
    if s.identity != Identity::Trust {
        flash_error(
            s,
            format!(
                "Only a trust board (a demo) lets you act as another person; here you are {}.",
                s.me.name
            ),
        );
        return;
    }
    let selected = s
        .people
        .iter()
        .position(|p| p.name == s.me.name)
        .unwrap_or(0);
    s.overlay = Some(Overlay::People { selected });
}

fn people_key(s: &mut AppState, cmd: Option<Command>) -> Vec<Effect> {
    let Some(Overlay::People { selected }) = &mut s.overlay else {
        return vec![];
    };
    match cmd {
        Some(Command::Down) => *selected = (*selected + 1).min(s.people.len().saturating_sub(1)),
        Some(Command::Up) => *selected = selected.saturating_sub(1),
        Some(Command::Back) => s.overlay = None,
        Some(Command::Submit) => {
            if let Some(p) = s.people.get(*selected) {
                s.me = Actor::person(p);
                s.overlay = None;
                flash(
                    s,
                    format!("You now act as {} ({}).", s.me.name, s.me.roles_text()),
                );
            }
        }
        _ => {}
    }
    vec![]
}

fn rank(s: &mut AppState, cmd: Command) -> Vec<Effect> {
    if !writable(s) {
        return vec![];
    }
    let Some(item) = s.selected() else {
        return vec![];
    };
    let (id, version) = (item.id, item.version);
    if let Err(e) = backlog::authorize(&s.me) {
        flash_error(s, e.to_string());
        return vec![];
    }
    let v = &s.backlog.visible;
    let pos = s.backlog.selected;
    let id_at = |p: usize| s.items[v[p]].id;
    let whole = s.backlog.is_whole();
    let mv = match cmd {
        Command::RankUp if pos > 0 => Some(RankMove::Before(id_at(pos - 1))),
        Command::RankDown if pos + 1 < v.len() => Some(RankMove::After(id_at(pos + 1))),
        Command::RankTop if whole => Some(RankMove::Top),
        Command::RankBottom if whole => Some(RankMove::Bottom),
        Command::RankTop if pos > 0 => Some(RankMove::Before(id_at(0))),
        Command::RankBottom if pos + 1 < v.len() => Some(RankMove::After(id_at(v.len() - 1))),
        _ => None,
    };
    match mv {
        Some(mv) => vec![Effect::Rank { id, mv, version }],
        None => {
            let end = if matches!(cmd, Command::RankUp | Command::RankTop) {
                "top"
            } else {
                "bottom"
            };
            flash(s, format!("{id} is already at the {end} of this list."));
            vec![]
        }
    }
}

fn transition(s: &mut AppState, cmd: Command) -> Vec<Effect> {
    let Some(item) = s.selected() else {
        return vec![];
    };
    let (id, version, title, blocked) = (
        item.id,
        item.version,
        item.title().to_string(),
        item.blocked().is_some(),
    );
    if !writable(s) {
        return vec![];
    }
    let apply = |cmd| vec![Effect::Apply { id, cmd, version }];
    match cmd {
        Command::Accept => apply(ItemCommand::Accept),
        Command::Refine => apply(ItemCommand::Refine),
        Command::Queue => apply(ItemCommand::Queue),
        Command::Block if blocked => apply(ItemCommand::Unblock),
        Command::Block => {
            s.overlay = Some(Overlay::Prompt {
                question: format!("Why is {id} blocked?"),
                input: LineInput::default(),
                then: Pending::Block(id, version),
            });
            vec![]
        }
        Command::Cancel => {
            s.overlay = Some(Overlay::Confirm {
                question: format!("Cancel {id} “{title}”? It leaves the backlog for good."),
                then: Pending::Cancel(id, version),
            });
            vec![]
        }
        _ => vec![],
    }
}

fn form_key(s: &mut AppState, cmd: Option<Command>, k: KeyEvent) -> Vec<Effect> {
    let Some(Overlay::Form(form)) = &mut s.overlay else {
        return vec![];
    };
    let n = form.fields.len();
    match cmd {
        Some(Command::Back) => {
            s.overlay = None;
            flash(s, "Nothing was saved.");
        }
        Some(Command::NextField) => form.focus = (form.focus + 1) % n,
        Some(Command::PrevField) => form.focus = (form.focus + n - 1) % n,
        Some(Command::ChoiceNext) => form.cycle(1),
        Some(Command::ChoicePrev) => form.cycle(-1),
        Some(Command::Submit) => {
            form.error = None;
            let effect = match &form.editing {
                None if form.purpose == super::form::Purpose::Sprint => {
                    form.new_sprint().map(Effect::AddSprint)
                }
                None => form.new_item().map(Effect::Create),
                Some(old) => form.edit().map(|edit| Effect::Apply {
                    id: old.id,
                    version: old.version,
                    cmd: ItemCommand::Edit(edit),
                }),
            };
            match effect {
                Err(message) => form.error = Some(message),
                Ok(Effect::Apply {
                    cmd: ItemCommand::Edit(e),
                    ..
                }) if e.is_empty() => {
                    s.overlay = None;
                    flash(s, "Nothing changed.");
                }
                Ok(effect) => return vec![effect],
            }
        }
        _ => match &mut form.fields[form.focus].value {
            Value::Text(input) => {
                input.key(k);
            }
            Value::Choice { .. } if k.code == KeyCode::Char(' ') => form.cycle(1),
            Value::Choice { .. } => {}
        },
    }
    vec![]
}

fn filter_key(s: &mut AppState, cmd: Option<Command>, k: KeyEvent) -> Vec<Effect> {
    let b = &mut s.backlog;
    match cmd {
        Some(Command::Keep) => b.filtering = false,
        Some(Command::Back) => {
            b.filtering = false;
            b.filter = LineInput::default();
            b.refilter(&s.items, false);
        }
        Some(Command::Down) => b.selected = (b.selected + 1).min(b.visible.len().saturating_sub(1)),
        Some(Command::Up) => b.selected = b.selected.saturating_sub(1),
        _ => {
            let old = b.filter.text.clone();
            if b.filter.key(k) {
                let narrowing = b.filter.text.starts_with(&old)
                    && b.filter.cursor == b.filter.text.chars().count();
                b.refilter(&s.items, narrowing);
            }
        }
    }
    vec![]
}

#[cfg(test)]
#[path = "update_tests.rs"]
mod tests;

/// What `y` copies where the keyboard is: the log's top line, the selected item, card,
/// incident or problem's id, a release's shadow or live URL (else its version).
pub(super) fn copy_target(s: &AppState) -> Option<String> {
    use super::Tab;
    if let Some(Overlay::Log { scroll }) = &s.overlay {
        let (_, text) = super::pipeline_update::step_log(s);
        return text.lines().nth(*scroll).map(str::to_string);
    }
    match s.tab {
        Tab::Backlog => s.selected().map(|i| i.id.to_string()),
        Tab::Sprint => super::sprint_update::selected(s).map(|i| i.id.to_string()),
        Tab::Kanban if s.kanban.reviews => s
            .kanban
            .queue
            .get(s.kanban.review_row)
            .map(|(r, _)| r.item.to_string()),
        Tab::Kanban => super::kanban_update::selected(s).map(|i| i.id.to_string()),
        Tab::Pipeline => {
            let v = super::pipeline_update::selected(s)?;
            let r = &v.release;
            let prod = s.releases.pipeline(&r.project).map(|p| p.production());
            let url = match (r.state, &r.slot, prod) {
                (crate::domain::release::ReleaseState::Shadow, Some(slot), Some(p)) => {
                    p.shadow_url_of(slot)
                }
                (crate::domain::release::ReleaseState::Live, _, Some(p)) => p.live_url.clone(),
                _ => None,
            };
            Some(url.unwrap_or_else(|| r.version.clone()))
        }
        Tab::Service if s.problems_shown => {
            super::service_update::selected_problem(s).map(|p| p.id.clone())
        }
        Tab::Service => super::service_update::selected(s).map(|i| i.id.clone()),
        Tab::Handover => super::handover_update::selected(s).map(|c| c.key.clone()),
        Tab::Insights => None,
    }
}

fn copy(s: &mut AppState) -> Vec<Effect> {
    match copy_target(s) {
        Some(text) if !text.is_empty() => {
            let shown: String = text.chars().take(60).collect();
            flash(s, format!("Copied to the clipboard: {shown}"));
            vec![Effect::Copy(text)]
        }
        _ => {
            flash_error(
                s,
                "Nothing here to copy: select an item, a release or an incident first.",
            );
            vec![]
        }
    }
}

/// The mouse (with `--mouse`): the wheel is the arrow keys of wherever the keyboard is; a click
/// on the tab bar opens that tab; a click on a Backlog row selects it.
fn mouse(s: &mut AppState, kind: super::MouseKind, x: u16, y: u16) -> Vec<Effect> {
    use super::MouseKind;
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let arrow = |code| Msg::Key(KeyEvent::new(code, KeyModifiers::NONE));
    match kind {
        MouseKind::ScrollDown => update(s, arrow(KeyCode::Down)),
        MouseKind::ScrollUp => update(s, arrow(KeyCode::Up)),
        MouseKind::Click if s.overlay.is_some() => vec![],
        MouseKind::Click if y == 1 => match super::Tab::at(s.size.0, x) {
            Some(tab) => {
                let cmd = match tab {
                    super::Tab::Backlog => Command::BacklogTab,
                    super::Tab::Sprint => Command::SprintTab,
                    super::Tab::Kanban => Command::KanbanTab,
                    super::Tab::Pipeline => Command::PipelineTab,
                    super::Tab::Handover => Command::HandoverTab,
                    super::Tab::Service => Command::ServiceTab,
                    super::Tab::Insights => Command::InsightsTab,
                };
                command(s, cmd)
            }
            None => vec![],
        },
        MouseKind::Click => {
            let hit = s
                .hits
                .iter()
                .rev()
                .find(|h| {
                    let a = h.area;
                    x >= a.x && x < a.x + a.width && y >= a.y && y < a.y + a.height
                })
                .copied();
            match hit {
                Some(h) => select_hit(s, h),
                None => vec![],
            }
        }
    }
}

/// Selects what a click landed on, in the tab's own terms.
fn select_hit(s: &mut AppState, h: super::Hit) -> Vec<Effect> {
    use super::Tab;
    match s.tab {
        Tab::Backlog if s.backlog.moving.is_none() => {
            let (n, cmd) = if h.row >= s.backlog.selected {
                (h.row - s.backlog.selected, Command::Down)
            } else {
                (s.backlog.selected - h.row, Command::Up)
            };
            let mut effects = vec![];
            for _ in 0..n {
                effects = command(s, cmd);
            }
            return effects;
        }
        Tab::Backlog => {}
        Tab::Sprint => {
            s.sprint.column = h.column;
            s.sprint.row = h.row;
        }
        Tab::Kanban if s.kanban.reviews => s.kanban.review_row = h.row,
        Tab::Kanban => {
            s.kanban.column = h.column;
            s.kanban.row = h.row;
        }
        Tab::Pipeline => {
            if s.pipeline.selected != h.row {
                s.pipeline.selected = h.row;
                super::pipeline_update::clamp(s);
                super::pipeline_update::follow(s);
            }
        }
        Tab::Handover => s.handover.item = h.row,
        Tab::Service if s.problems_shown => s.problem = h.row,
        Tab::Service => s.service = h.row,
        Tab::Insights => {}
    }
    vec![]
}
