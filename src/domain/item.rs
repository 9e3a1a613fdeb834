//! The work item and its state machine (domain.md 3.1): create, accept, refine, cancel,
//! block, unblock and edit, each a pure function of the item, the actor and the time.

use super::error::DomainError;
use super::event::Event;
use super::ids::ItemId;
use super::policy::Actor;
use super::vocab::{Class, Kind, Origin, Role, State, Team};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;

/// Titles are one line of at most this many characters.
pub const MAX_TITLE: usize = 200;
/// Descriptions, acceptance criteria and reasons are bounded too.
pub const MAX_TEXT: usize = 20_000;
/// Story points beyond this are a typo, not an estimate.
pub const MAX_POINTS: u32 = 100;

/// A unit of work on the one backlog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    pub id: ItemId,
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub acceptance: String,
    pub kind: Kind,
    pub origin: Origin,
    pub team: Option<Team>,
    pub project: String,
    pub class: Class,
    #[serde(default)]
    pub due: Option<NaiveDate>,
    #[serde(default)]
    pub points: Option<u32>,
    pub rank: String,
    pub state: State,
    #[serde(default)]
    pub blocked: Option<String>,
    #[serde(default)]
    pub assignee: Option<String>,
    /// The sprint it is planned into, for the delivery team's items.
    #[serde(default)]
    pub sprint: Option<String>,
    pub created: DateTime<Utc>,
    /// When it entered its current state: a card's age in its column.
    pub entered: DateTime<Utc>,
    pub updated: DateTime<Utc>,
    pub updated_by: String,
    pub version: i64,
}

impl Item {
    /// The next version of this item, stamped with who changed it and when.
    pub fn next_version(&self, actor: &Actor, now: DateTime<Utc>) -> Item {
        let mut next = self.clone();
        next.updated = now;
        next.updated_by = actor.name.clone();
        next.version += 1;
        next
    }
}

/// What a user gives to create an item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewItem {
    pub title: String,
    pub description: String,
    pub acceptance: String,
    pub kind: Kind,
    pub origin: Origin,
    pub team: Option<Team>,
    pub project: String,
    pub class: Class,
    pub due: Option<NaiveDate>,
    pub points: Option<u32>,
}

impl NewItem {
    pub fn titled(title: &str) -> Self {
        NewItem {
            title: title.to_string(),
            description: String::new(),
            acceptance: String::new(),
            kind: Kind::Story,
            origin: Origin::Planned,
            team: None,
            project: "bau".to_string(),
            class: Class::Standard,
            due: None,
            points: None,
        }
    }
}

/// A change to an item's fields; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ItemEdit {
    pub title: Option<String>,
    pub description: Option<String>,
    pub acceptance: Option<String>,
    pub kind: Option<Kind>,
    pub team: Option<Team>,
    pub class: Option<Class>,
    /// `Some(None)` clears the due date.
    pub due: Option<Option<NaiveDate>>,
    /// `Some(None)` clears the points.
    pub points: Option<Option<u32>>,
}

impl ItemEdit {
    pub fn is_empty(&self) -> bool {
        *self == ItemEdit::default()
    }
}

/// A transition of the backlog part of the state machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemCommand {
    Accept,
    Refine,
    Cancel {
        reason: String,
    },
    Block {
        reason: String,
    },
    Unblock,
    Edit(ItemEdit),
    /// `ready` to the Kanban board's Ready column (`queued`): the maintenance team's items.
    Queue,
    /// `ready` into a sprint (`planned`): the delivery team's items.
    Plan {
        sprint: String,
    },
    /// `planned` to `in-progress` in an active sprint.
    Start,
    /// `queued` to `in-progress` on the Kanban board; `over` is a WIP override's reason.
    Pull {
        over: Option<String>,
    },
    Submit,
    SendBack,
    Approve,
    /// Out of a completed sprint: back to `ready` (`sprint: None`) or into the next one.
    Carry {
        sprint: Option<String>,
    },
    /// `done` to `released` when its release goes live: the automation does this.
    Release {
        version: String,
    },
}

impl ItemCommand {
    /// The name used by `item move` and in the audit trail.
    pub fn name(&self) -> &'static str {
        match self {
            ItemCommand::Accept => "accept",
            ItemCommand::Refine => "refine",
            ItemCommand::Cancel { .. } => "cancel",
            ItemCommand::Block { .. } => "block",
            ItemCommand::Unblock => "unblock",
            ItemCommand::Edit(_) => "edit",
            ItemCommand::Queue => "queue",
            ItemCommand::Plan { .. } => "plan",
            ItemCommand::Start => "start",
            ItemCommand::Pull { .. } => "pull",
            ItemCommand::Submit => "submit",
            ItemCommand::SendBack => "send-back",
            ItemCommand::Approve => "approve",
            ItemCommand::Carry { .. } => "carry",
            ItemCommand::Release { .. } => "release",
        }
    }

    /// The commands `item move` understands, for its error message.
    pub const MOVE_NAMES: &'static [&'static str] = &[
        "accept",
        "refine",
        "cancel",
        "block",
        "unblock",
        "queue",
        "start",
        "submit",
        "send-back",
        "approve",
    ];

    /// Parses an `item move` command; `reason` is required by cancel and block.
    pub fn parse(name: &str, reason: Option<&str>) -> Result<Self, DomainError> {
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        let need = |what: &str| {
            reason.map(str::to_string).ok_or_else(|| {
                DomainError::invalid(format!("{what} needs a reason: add --reason \"why\""))
            })
        };
        Ok(match name {
            "accept" => ItemCommand::Accept,
            "refine" => ItemCommand::Refine,
            "cancel" => ItemCommand::Cancel {
                reason: need("cancel")?,
            },
            "block" => ItemCommand::Block {
                reason: need("block")?,
            },
            "unblock" => ItemCommand::Unblock,
            "queue" => ItemCommand::Queue,
            "start" => ItemCommand::Start,
            "submit" => ItemCommand::Submit,
            "send-back" => ItemCommand::SendBack,
            "approve" => ItemCommand::Approve,
            "pull" | "plan" => {
                return Err(DomainError::invalid(format!(
                    "{name} has a command of its own: use `firebreak {}`",
                    if name == "pull" {
                        "kanban pull ID"
                    } else {
                        "sprint plan SPRINT ID"
                    }
                )));
            }
            other => {
                return Err(DomainError::invalid(format!(
                    "unknown command '{other}': use one of {}",
                    Self::MOVE_NAMES.join(", ")
                )));
            }
        })
    }
}

fn check_title(title: &str) -> Result<(), DomainError> {
    let n = title.chars().count();
    if title.trim().is_empty() {
        return Err(DomainError::invalid(
            "the title is empty: give the item a title",
        ));
    }
    if n > MAX_TITLE {
        return Err(DomainError::invalid(format!(
            "the title is {n} characters long: keep it to {MAX_TITLE} and put the rest in the description"
        )));
    }
    if title.chars().any(char::is_control) {
        return Err(DomainError::invalid(
            "the title has a line break or control character: keep it to one line",
        ));
    }
    Ok(())
}

fn check_text(what: &str, text: &str) -> Result<(), DomainError> {
    let n = text.chars().count();
    if n > MAX_TEXT {
        return Err(DomainError::invalid(format!(
            "the {what} is {n} characters long: keep it to {MAX_TEXT}"
        )));
    }
    Ok(())
}

fn check_points(points: Option<u32>) -> Result<(), DomainError> {
    match points {
        Some(p) if p > MAX_POINTS => Err(DomainError::invalid(format!(
            "{p} points is more than {MAX_POINTS}: split the item into smaller ones"
        ))),
        _ => Ok(()),
    }
}

fn check_class(class: Class, due: Option<NaiveDate>) -> Result<(), DomainError> {
    if class == Class::FixedDate && due.is_none() {
        return Err(DomainError::invalid(
            "a fixed-date item needs a due date: add --due YYYY-MM-DD",
        ));
    }
    Ok(())
}

/// Creates an item. People land it in `triage`; a product owner's item with a team skips to
/// `backlog`. Only the automation raises `pipeline` tickets, and it raises nothing else.
pub fn create(
    new: NewItem,
    id: ItemId,
    rank: String,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(Item, Event), DomainError> {
    check_title(&new.title)?;
    check_text("description", &new.description)?;
    check_text("acceptance criteria", &new.acceptance)?;
    check_points(new.points)?;
    check_class(new.class, new.due)?;
    if actor.is_account() {
        return Err(DomainError::not_allowed(
            "automation-reports",
            format!(
                "{} is an automation account: it reports step results (`firebreak release report`), and a failed step raises its own ticket; it adds nothing else",
                actor.name
            ),
        ));
    }
    if actor.automation != (new.origin == Origin::Pipeline) {
        return Err(DomainError::not_allowed(
            "pipeline-tickets",
            "Only the automation raises tickets of origin 'pipeline', and only from a failed stage; choose another origin",
        ));
    }
    let state = if actor.has(Role::ProductOwner) && new.team.is_some() {
        State::Backlog
    } else {
        State::Triage
    };
    let item = Item {
        id,
        title: new.title.trim().to_string(),
        description: new.description,
        acceptance: new.acceptance,
        kind: new.kind,
        origin: new.origin,
        team: new.team,
        project: new.project,
        class: new.class,
        due: new.due,
        points: new.points,
        rank,
        state,
        blocked: None,
        assignee: None,
        sprint: None,
        created: now,
        entered: now,
        updated: now,
        updated_by: actor.name.clone(),
        version: 1,
    };
    let event = Event::new(now, &actor.name, "item", id.to_string(), "create")
        .from_to("", state.as_str())
        .details(json!({ "title": item.title, "kind": item.kind, "team": item.team }));
    Ok((item, event))
}

/// Applies a command to an item: the new item and its event, or a refusal.
pub fn apply(
    item: &Item,
    cmd: &ItemCommand,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(Item, Event), DomainError> {
    if let ItemCommand::Release { version } = cmd {
        return release(item, version, actor, now);
    }
    if actor.automation {
        return Err(DomainError::not_allowed(
            "people-decide",
            format!(
                "The automation may not {} an item; a person must",
                cmd.name()
            ),
        ));
    }
    let id = item.id;
    let mut next = item.next_version(actor, now);
    let mut event = Event::new(now, &actor.name, "item", id.to_string(), cmd.name());
    let illegal = |to_do: &str, hint: &str| {
        DomainError::illegal(format!(
            "{id} is {}, so it cannot be {to_do}; {hint}",
            item.state
        ))
    };
    match cmd {
        ItemCommand::Accept => {
            if item.state != State::Triage {
                return Err(illegal("accepted", "only items in triage are accepted"));
            }
            actor.may(&crate::domain::policy::ACCEPT_AN_ITEM_FROM_TRIAGE)?;
            if item.team.is_none() {
                return Err(DomainError::illegal(format!(
                    "{id} has no team yet: set one (e in the board, or item edit {id} --team appdev|ams), then accept it"
                )));
            }
            next.state = State::Backlog;
        }
        ItemCommand::Refine => {
            if item.state != State::Backlog {
                return Err(illegal(
                    "refined",
                    "only backlog items are refined to ready",
                ));
            }
            if item.acceptance.trim().is_empty() {
                return Err(DomainError::illegal(format!(
                    "{id} has no acceptance criteria: write them (e, or item edit {id} --acceptance TEXT), then refine it"
                )));
            }
            if item.kind == Kind::Story && item.points.is_none() {
                return Err(DomainError::illegal(format!(
                    "{id} is a story without points: estimate it (e, or item edit {id} --points N), then refine it"
                )));
            }
            next.state = State::Ready;
        }
        ItemCommand::Cancel { reason } => {
            if !matches!(item.state, State::Triage | State::Backlog | State::Ready) {
                return Err(illegal(
                    "cancelled",
                    "only items in triage, backlog or ready are cancelled",
                ));
            }
            actor.may(&crate::domain::policy::CANCEL_AN_ITEM)?;
            check_reason(reason)?;
            next.state = State::Cancelled;
            next.blocked = None;
            event = event.reason(Some(reason));
        }
        ItemCommand::Block { reason } => {
            if !item.state.is_open() {
                return Err(illegal("blocked", "only open items are blocked"));
            }
            if item.blocked.is_some() {
                return Err(illegal("blocked again", "it is blocked already"));
            }
            check_reason(reason)?;
            next.blocked = Some(reason.clone());
            event = event.reason(Some(reason));
        }
        ItemCommand::Unblock => {
            if item.blocked.is_none() {
                return Err(DomainError::illegal(format!("{id} is not blocked")));
            }
            next.blocked = None;
        }
        ItemCommand::Edit(edit) => {
            if matches!(item.state, State::Released | State::Cancelled) {
                return Err(illegal(
                    "edited",
                    "released and cancelled items are history",
                ));
            }
            if let Some(to) = edit.team.filter(|t| item.team != Some(*t)) {
                team_change(item, to, actor, &mut next)?;
            }
            event = event.details(apply_edit(&mut next, edit)?);
        }
        work => {
            let reason = super::work::apply(item, work, actor, &mut next)?;
            event = event.reason(reason.as_deref());
            if matches!(work, ItemCommand::Plan { .. } | ItemCommand::Carry { .. }) {
                event = event.details(json!({ "sprint": next.sprint }));
            }
        }
    }
    if next.state != item.state {
        next.entered = now;
        event = event.from_to(item.state.as_str(), next.state.as_str());
    }
    Ok((next, event))
}

/// A rollback takes a release's items back: released becomes done again, for the fix version
/// to carry (a failed change's work is not live). Only the automation records it.
pub fn rolled_back(
    item: &Item,
    version: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(Item, Event), DomainError> {
    moved_by_a_release(
        item,
        version,
        (State::Released, State::Done, "rolled-back"),
        "Items go back to done when their release is rolled back; nobody marks them by hand",
        actor,
        now,
    )
}

/// A done item goes out with its release: only the automation records that.
fn release(
    item: &Item,
    version: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(Item, Event), DomainError> {
    moved_by_a_release(
        item,
        version,
        (State::Done, State::Released, "release"),
        "Items become released when their release goes live; nobody marks them by hand",
        actor,
        now,
    )
}

/// What a release does to its items (`from` to `to`, recorded as `action` with the release's
/// version): the automation's record alone; `by_hand` says why a person may not.
fn moved_by_a_release(
    item: &Item,
    version: &str,
    (from, to, action): (State, State, &str),
    by_hand: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(Item, Event), DomainError> {
    if !actor.automation {
        return Err(DomainError::not_allowed("automation-releases", by_hand));
    }
    if item.state != from {
        return Err(DomainError::illegal(format!(
            "{} is {}: only {} items {}",
            item.id,
            item.state.phrase(),
            from.phrase(),
            if to == State::Released {
                "go out with a release"
            } else {
                "go back with a rollback"
            }
        )));
    }
    let mut next = item.next_version(actor, now);
    next.state = to;
    next.entered = now;
    let event = Event::new(now, &actor.name, "item", item.id.to_string(), action)
        .from_to(from.as_str(), to.as_str())
        .details(json!({ "release": version }));
    Ok((next, event))
}

/// Refuses a write based on a version of the item that is no longer current.
pub fn check_fresh(item: &Item, expected: Option<i64>) -> Result<(), DomainError> {
    match expected {
        Some(v) if v != item.version => Err(DomainError::Stale {
            id: item.id.to_string(),
            by: item.updated_by.clone(),
            at: item.updated,
        }),
        _ => Ok(()),
    }
}

fn check_reason(reason: &str) -> Result<(), DomainError> {
    if reason.trim().is_empty() {
        return Err(DomainError::invalid("a reason is needed: say why"));
    }
    check_text("reason", reason)
}

/// An item changes team: the product owner decides it. Work waiting on one team's board goes
/// back to `ready`, for the other team to plan or queue (out of its sprint). Work under way
/// moves whole, in its state and with who holds it: to the Kanban board's column of that state
/// (out of its sprint; the store holds it to the column's limit), or into its project's active
/// sprint (`join_sprint`, which the store asks before it writes).
fn team_change(item: &Item, to: Team, actor: &Actor, next: &mut Item) -> Result<(), DomainError> {
    actor.may(&crate::domain::policy::DECIDE_AN_ITEMS_TEAM)?;
    match item.state {
        State::Queued | State::Planned => {
            next.state = State::Ready;
            next.sprint = None;
        }
        State::InProgress | State::Review if to == Team::Ams => next.sprint = None,
        _ => {}
    }
    Ok(())
}

/// Whether changing `item`'s team to `to` moves work under way onto the delivery team's
/// board, which needs a sprint to join.
pub fn needs_a_sprint(item: &Item, to: Team) -> bool {
    to == Team::Appdev
        && item.team != Some(Team::Appdev)
        && matches!(item.state, State::InProgress | State::Review)
}

/// The sprint that work under way joins when it moves to the delivery team: its project's
/// active one. Refused, saying what to do, when the project runs none.
pub fn join_sprint(
    item: &Item,
    active: Option<&crate::domain::sprint::Sprint>,
) -> Result<String, DomainError> {
    match active {
        Some(s) if s.project == item.project => {
            crate::domain::sprint::check_active(s)?;
            Ok(s.name.clone())
        }
        _ => Err(DomainError::illegal(format!(
            "{} is {} and {} runs no active sprint for it to join: finish it on the Kanban board, or start a sprint of {} first",
            item.id,
            item.state.phrase(),
            item.project,
            item.project
        ))),
    }
}

/// Puts `item` into `epic` (or, with `None`, out of the one it is in): an epic groups stories
/// and enhancements, defects and tasks; it holds no epic. The event records where it was.
pub fn set_epic(
    item: &Item,
    current: Option<ItemId>,
    epic: Option<&Item>,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Event, DomainError> {
    if actor.automation {
        return Err(DomainError::not_allowed(
            "people-decide",
            "The automation does not group work into epics; a person does",
        ));
    }
    if item.kind == Kind::Epic {
        return Err(DomainError::illegal(format!(
            "{} is an epic itself: epics hold stories, enhancements, defects and tasks, not epics",
            item.id
        )));
    }
    if let Some(e) = epic
        && e.kind != Kind::Epic
    {
        return Err(DomainError::illegal(format!(
            "{} is a {}, not an epic: make one with item add --kind epic",
            e.id, e.kind
        )));
    }
    let to = epic.map(|e| e.id);
    if to == current {
        return Err(DomainError::invalid(match to {
            Some(e) => format!("{} is in {e} already", item.id),
            None => format!("{} is in no epic", item.id),
        }));
    }
    Ok(
        Event::new(now, &actor.name, "item", item.id.to_string(), "epic").details(json!({
            "from": current.map(|e| e.to_string()),
            "to": to.map(|e| e.to_string()),
        })),
    )
}

/// The duty that holding a team's work takes: pulling on the Kanban board for the maintenance
/// team's, starting sprint work for the delivery team's.
pub fn holding_duty(team: Team) -> &'static crate::domain::policy::Duty {
    match team {
        Team::Ams => &crate::domain::policy::PULL_WORK_ON_THE_KANBAN_BOARD,
        Team::Appdev => &crate::domain::policy::START_SPRINT_WORK,
    }
}

/// Gives an item to `to` (as they act that day, rotations counted): the product owner assigns
/// anyone who may hold the item's team's work, a person takes one they could hold, and its
/// holder hands it on. Work in review keeps its author, so that nobody approves their own work.
pub fn assign(
    item: &Item,
    to: &Actor,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(Item, Event), DomainError> {
    let id = item.id;
    match item.state {
        State::Done | State::Released | State::Cancelled => {
            return Err(DomainError::illegal(format!(
                "{id} is {}: finished work has nobody to hold it",
                item.state.phrase()
            )));
        }
        State::Review => {
            return Err(DomainError::illegal(format!(
                "{id} is in review: its author ({}) stays its assignee, so that someone else approves it; send it back first",
                item.assignee.as_deref().unwrap_or("nobody")
            )));
        }
        _ => {}
    }
    let Some(team) = item.team else {
        return Err(DomainError::illegal(format!(
            "{id} has no team yet: accept it from triage (or give it a team) first"
        )));
    };
    if item.assignee.as_deref() == Some(to.name.as_str()) {
        return Err(DomainError::invalid(format!(
            "{id} is {}'s already",
            to.name
        )));
    }
    let duty = holding_duty(team);
    if to.automation || to.may(duty).is_err() {
        return Err(DomainError::not_allowed(
            duty.rule,
            format!(
                "{} may not hold {id}: it is team {team}'s work, for someone who may {} (rotations count)",
                to.name, duty.doing
            ),
        ));
    }
    let own = actor.name == to.name;
    let holder = item.assignee.as_deref() == Some(actor.name.as_str());
    if !own && !holder {
        actor.may(&crate::domain::policy::ASSIGN_AN_ITEM)?;
    }
    let mut next = item.clone();
    next.assignee = Some(to.name.clone());
    let e = Event::new(now, &actor.name, "item", id.to_string(), "assign")
        .details(json!({ "from": item.assignee, "to": to.name }));
    Ok((next, e))
}

/// Applies the edit's fields and returns what changed, as the event's details.
fn apply_edit(next: &mut Item, edit: &ItemEdit) -> Result<serde_json::Value, DomainError> {
    if edit.is_empty() {
        return Err(DomainError::invalid(
            "nothing to change: give at least one field to edit",
        ));
    }
    let mut changed = serde_json::Map::new();
    let mut note = |field: &str, from: serde_json::Value, to: serde_json::Value| {
        if from != to {
            changed.insert(field.to_string(), json!({ "from": from, "to": to }));
        }
    };
    if let Some(t) = &edit.title {
        check_title(t)?;
        note("title", json!(next.title), json!(t.trim()));
        next.title = t.trim().to_string();
    }
    if let Some(d) = &edit.description {
        check_text("description", d)?;
        note("description", json!(next.description.len()), json!(d.len()));
        next.description = d.clone();
    }
    if let Some(a) = &edit.acceptance {
        check_text("acceptance criteria", a)?;
        note("acceptance", json!(next.acceptance.len()), json!(a.len()));
        next.acceptance = a.clone();
    }
    if let Some(k) = edit.kind {
        note("kind", json!(next.kind), json!(k));
        next.kind = k;
    }
    if let Some(t) = edit.team {
        note("team", json!(next.team), json!(t));
        next.team = Some(t);
    }
    if let Some(p) = edit.points {
        check_points(p)?;
        note("points", json!(next.points), json!(p));
        next.points = p;
    }
    if let Some(d) = edit.due {
        note("due", json!(next.due), json!(d));
        next.due = d;
    }
    if let Some(c) = edit.class {
        note("class", json!(next.class), json!(c));
        next.class = c;
    }
    check_class(next.class, next.due)?;
    Ok(serde_json::Value::Object(changed))
}

#[cfg(test)]
#[path = "item_tests.rs"]
mod tests;
