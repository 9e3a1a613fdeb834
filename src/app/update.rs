//! `update`: one message in, the state changed, the effects out.

use super::keymap::Context;
use super::row::Row;
use super::say::{flash, flash_error};
use super::undo::{inverse, without_undo};
use super::{AppState, Effect, Msg, Overlay, Snapshot, global, tabs};
use crate::domain::Item;
use chrono::Duration;
use ratatui::crossterm::event::KeyEvent;

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
            s.backlog.now = now;
            if s.flash
                .as_ref()
                .is_some_and(|f| now - f.at > Duration::seconds(FLASH_FOR))
            {
                s.flash = None;
            }
            vec![]
        }
        Msg::Loaded(snap) => loaded(s, *snap),
        Msg::Detail(item, history) => {
            tabs::backlog::detail_loaded(s, *item, history);
            vec![]
        }
        Msg::History(id, events) => {
            if s.history_of.as_deref() == Some(id.as_str()) {
                s.history = events;
            }
            vec![]
        }
        Msg::Saved(item, text) => saved(s, *item, text),
        Msg::Restarted(version) => tabs::pipeline::run_on(s, version),
        Msg::Freed(column) => {
            tabs::kanban::freed(s, column);
            vec![]
        }
        Msg::Insights(insights) => {
            s.insights.data = Some(insights);
            vec![]
        }
        Msg::Flow(flow) => {
            s.kanban.flow = Some(*flow);
            vec![]
        }
        Msg::Burndown(name, burndown) => {
            s.sprint.burndown = Some((name, *burndown));
            vec![]
        }
        Msg::Cases(cases) => {
            s.pipeline.cases = Some(cases);
            vec![]
        }
        Msg::Sources(id, sources) => {
            super::detail::sources_loaded(s, id, sources);
            vec![]
        }
        Msg::Views(views, text) => {
            s.views = views;
            flash(s, text);
            vec![]
        }
        Msg::Said(text) => {
            flash(s, text);
            vec![]
        }
        Msg::FormDone(text) => {
            if matches!(s.overlay, Some(Overlay::Form(_))) {
                s.overlay = None;
            }
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
            tabs::kanban::refresh(s);
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

/// Asks for the history of the record the tab shows beside it (a release, an incident, a
/// problem), once per selection.
fn wanted_history(s: &mut AppState) -> Option<Effect> {
    let (entity, id) = tabs::history(s)?;
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
    // As they act that day: a rotation gives the duties of the team it puts them in.
    s.me = still_here.map_or(snap.me, |p| {
        crate::domain::rotation::on_duty(p, &snap.rotations, snap.at.date_naive())
    });
    s.title = snap.title;
    s.identity = snap.identity;
    s.people = snap.people;
    s.projects = snap.projects;
    s.delivery_projects = snap.delivery_projects;
    s.sprints = snap.sprints;
    s.revisions = snap.revisions;
    s.ageing_days = snap.ageing_days;
    tabs::pipeline::loaded(s, snap.releases);
    s.handovers = snap.handovers;
    s.incidents = snap.incidents;
    s.tickets = snap.tickets;
    s.problems = snap.problems;
    s.hypercare = snap.hypercare;
    s.rotations = snap.rotations;
    s.incident_labels = snap.incident_labels;
    s.incident_transitions = snap.incident_transitions;
    s.label_counts = snap.label_counts;
    s.pds = snap.pds;
    s.ops = snap.ops;
    s.problem_tickets = snap.problem_tickets;
    // A reload may have added to the shown record's history: ask for it again.
    s.history_of = None;
    s.columns = snap.columns;
    s.overrides = snap.overrides;
    s.loading = (snap.total > snap.items.len()).then_some(snap.total);
    s.items = snap.items;
    s.refreshed = snap.at;
    s.loaded = true;
    s.backlog.refilter(&s.items, false);
    if let Some(id) = keep {
        tabs::backlog::select_id(s, id);
    }
    tabs::refresh(s);
    let mut effects = tabs::wanted(s, true);
    if moved_under_us {
        flash_error(
            s,
            "The board changed while you were moving an item; it was put back.",
        );
    }
    effects.extend(s.detail.as_ref().map(|d| Effect::LoadDetail(d.id)));
    effects
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
    let mut row = Row::of(&item);
    if let Some(p) = position {
        row = row.labelled_as(&s.items[p]);
    }
    let old = position.map(|p| (p, s.items.remove(p)));
    let at = s.items.partition_point(|i| i.rank() < row.rank());
    let only_moved = old.as_ref().is_some_and(|(_, o)| o.same_but_rank(&row));
    s.items.insert(at, Box::new(row));
    // A move only shifts the other rows: the views follow it instead of walking every row.
    match old {
        Some((from, _)) if only_moved => tabs::moved(s, from, at),
        _ => {
            s.backlog.refilter(&s.items, false);
            tabs::refresh(s);
        }
    }
    s.backlog.select_index(at);
    flash(s, text);
    tabs::saved(s, id)
}

/// A key, to whoever has the keyboard: an overlay, the filter, move mode, else the tab on
/// screen, and the global room for what the tab does not take.
fn key(s: &mut AppState, k: KeyEvent) -> Vec<Effect> {
    // Too small to draw, the screen says the quit key works: it does, whatever was open (a
    // form would otherwise take it as text nobody can see).
    if s.too_small() && s.keymap.lookup(Context::Global, k) == Some(super::keymap::Command::Quit) {
        return vec![Effect::Quit];
    }
    let context = s.context();
    let found = s.keymap.lookup_where(context, k);
    let cmd = found.map(|(_, c)| c);
    match context {
        Context::Filter => tabs::backlog::filter_key(s, cmd, k),
        Context::Prompt => match super::prompt::prompt_key(s, cmd, k) {
            Some((then, answer)) => {
                // Closed while the tab submits (an answer may ask the next question).
                let asked = s.overlay.take();
                let outcome = tabs::submit(s, then, answer);
                super::prompt::answered(s, asked, outcome)
            }
            None => vec![],
        },
        Context::Confirm => match super::prompt::confirm_key(s, cmd) {
            Some(then) => {
                let outcome = tabs::submit(s, then, String::new());
                super::prompt::answered(s, None, outcome)
            }
            None => vec![],
        },
        Context::Form => super::form::key(s, cmd, k),
        Context::Help => super::help::key(s, cmd, k),
        Context::People => global::people_key(s, cmd),
        Context::Messages => global::messages_key(s, cmd),
        Context::Palette => match super::palette::key(s, cmd, k) {
            super::palette::Answer::Done => vec![],
            super::palette::Answer::Run(Context::Global, c) => global::command(s, c),
            super::palette::Answer::Run(_, c) => {
                tabs::key(s, c).unwrap_or_else(|| global::command(s, c))
            }
            super::palette::Answer::View(name) => {
                match s.views.iter().find(|v| v.name == name).cloned() {
                    Some(view) => tabs::backlog::apply_view(s, &view),
                    None => {
                        let known: Vec<&str> = s.views.iter().map(|v| v.name.as_str()).collect();
                        let text = if known.is_empty() {
                            format!(
                                "There is no view '{name}': filter the Backlog, then save it as one."
                            )
                        } else {
                            format!(
                                "There is no view '{name}': the views are {}.",
                                known.join(", ")
                            )
                        };
                        flash_error(s, text);
                    }
                }
                vec![]
            }
        },
        // Move mode keeps its own answers: it puts the item back before quitting, and
        // ignores the rest.
        Context::Move => tabs::backlog::moving::key(s, cmd),
        Context::Log => match cmd {
            Some(c) => tabs::pipeline::log_key(s, c),
            None => vec![],
        },
        // A key that means the same everywhere is answered by the global room, not by a tab.
        _ => match found {
            Some((Context::Global, c)) => global::command(s, c),
            Some((_, c)) => tabs::key(s, c).unwrap_or_else(|| global::command(s, c)),
            None => vec![],
        },
    }
}

/// The mouse (with `--mouse`): the wheel is the arrow keys of wherever the keyboard is; a click
/// on the tab bar opens that tab; a click on a row selects it.
fn mouse(s: &mut AppState, kind: super::MouseKind, x: u16, y: u16) -> Vec<Effect> {
    use super::MouseKind;
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let arrow = |code| Msg::Key(KeyEvent::new(code, KeyModifiers::NONE));
    match kind {
        MouseKind::ScrollDown => update(s, arrow(KeyCode::Down)),
        MouseKind::ScrollUp => update(s, arrow(KeyCode::Up)),
        MouseKind::Click if s.overlay.is_some() => vec![],
        MouseKind::Click if y == 1 => match super::Tab::at(s.size.0, x) {
            Some(tab) => global::open(s, tab),
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
                Some(h) => tabs::click(s, h),
                None => vec![],
            }
        }
    }
}
