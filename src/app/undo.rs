//! `u`: this session's own changes taken back, each as a new change (the audit trail only
//! grows), and what cannot be taken back said so.

use super::keymap::{Command, Context};
use super::say::{flash_error, writable};
use super::{AppState, Effect};
use crate::domain::backlog::RankMove;
use crate::domain::{Item, ItemCommand};

/// The command that takes a saved change back, from the item before (`full` when its long texts
/// were loaded) and after, and its neighbours in the order before.
pub(super) fn inverse(
    old: &Item,
    full: Option<&Item>,
    new: &Item,
    prev: Option<crate::domain::ItemId>,
    next: Option<crate::domain::ItemId>,
) -> super::Undo {
    use super::{Undo, UndoAction};
    use crate::domain::{ItemEdit, State};
    let id = new.id;
    let item = |action, what: String| Undo::Item {
        id,
        after: new.version,
        action,
        what,
    };
    if old.rank != new.rank {
        let mv = match (next, prev) {
            (Some(n), _) => RankMove::Before(n),
            (None, Some(p)) => RankMove::After(p),
            (None, None) => RankMove::Top,
        };
        return item(UndoAction::Rank(mv), format!("{id} is back where it was"));
    }
    if old.blocked != new.blocked {
        return match &old.blocked {
            Some(reason) => item(
                UndoAction::Apply(ItemCommand::Block {
                    reason: reason.clone(),
                }),
                format!("{id} is blocked again"),
            ),
            None => item(
                UndoAction::Apply(ItemCommand::Unblock),
                format!("{id} is unblocked again"),
            ),
        };
    }
    if old.state != new.state {
        return match (old.state, new.state) {
            (State::InProgress, State::Review) => item(
                UndoAction::Apply(ItemCommand::SendBack),
                format!("{id} is back in progress"),
            ),
            (State::Review, State::InProgress) => item(
                UndoAction::Apply(ItemCommand::Submit),
                format!("{id} is back in review"),
            ),
            (from, to) => Undo::Never(format!(
                "{id} went from {from} to {to}, which has no way back: change it again instead"
            )),
        };
    }
    let before = full.unwrap_or(old);
    let mut e = ItemEdit::default();
    if before.title != new.title {
        e.title = Some(before.title.clone());
    }
    if full.is_some() && before.description != new.description {
        e.description = Some(before.description.clone());
    }
    if full.is_some() && before.acceptance != new.acceptance {
        e.acceptance = Some(before.acceptance.clone());
    }
    if before.kind != new.kind {
        e.kind = Some(before.kind);
    }
    if before.team != new.team {
        e.team = before.team;
    }
    if before.class != new.class {
        e.class = Some(before.class);
    }
    if before.due != new.due {
        e.due = Some(before.due);
    }
    if before.points != new.points {
        e.points = Some(before.points);
    }
    if e.is_empty() {
        return Undo::Never(format!("{id}'s change cannot be taken back field by field"));
    }
    item(
        UndoAction::Apply(ItemCommand::Edit(e)),
        format!("{id}'s edit is taken back"),
    )
}

/// `u`: takes back this session's last change of the user's own, as a new change.
pub(super) fn undo(s: &mut AppState) -> Vec<Effect> {
    use super::{Undo, UndoAction};
    if !writable(s) {
        return vec![];
    }
    let Some(last) = s.undo.pop() else {
        let u = s.key(Context::Global, Command::Undo);
        flash_error(
            s,
            format!(
                "Nothing of yours to undo in this session: {u} takes back your own rank moves, edits, blocks, submits and send-backs."
            ),
        );
        return vec![];
    };
    match last {
        Undo::Never(why) => {
            flash_error(s, why);
            vec![]
        }
        Undo::Item {
            id,
            after,
            action,
            what,
        } => {
            let current = s
                .items
                .iter()
                .find(|i| i.id == id)
                .map(|i| (i.version, i.updated_by()));
            match current {
                Some((version, _)) if version == after => {
                    s.undoing = Some(what);
                    vec![match action {
                        UndoAction::Rank(mv) => Effect::Rank { id, mv, version },
                        UndoAction::Apply(cmd) => Effect::Apply { id, cmd, version },
                    }]
                }
                Some((_, by)) => {
                    flash_error(
                        s,
                        format!(
                            "{id} was changed since, by {by}: {} takes back only your own last change, untouched since",
                            s.key(Context::Global, Command::Undo)
                        ),
                    );
                    vec![]
                }
                None => {
                    flash_error(s, format!("{id} is no longer on the board"));
                    vec![]
                }
            }
        }
    }
}

/// A write that `u` does not take back, named as the user knows it; `None` for reads and for
/// the writes undo knows (rank moves and item commands, recorded when they are saved) and
/// production changes (which say more).
pub(super) fn without_undo(e: &Effect) -> Option<&'static str> {
    if e.is_read() {
        return None;
    }
    Some(match e {
        Effect::Rank { .. } | Effect::Apply { .. } | Effect::Production { .. } => return None,
        Effect::Create(_) => "adding an item",
        Effect::Pull { .. } => "a pull",
        Effect::KanbanMove { .. } => "a Kanban move",
        Effect::SetWip(_) | Effect::SetAgeing(_) => "a Kanban setting",
        Effect::Plan { .. } => "planning into a sprint",
        Effect::AddSprint(_) | Effect::StartSprint { .. } | Effect::CompleteSprint { .. } => {
            "a sprint change"
        }
        Effect::EditPolicy(_) => "a project's policy",
        Effect::SaveView(_) => "a saved view (firebreak view remove NAME)",
        Effect::WebLink { .. } | Effect::Relate { .. } => {
            "a link (take it off with &, then - and the link)"
        }
        Effect::Relabel { .. } => "a label change (take it back with #, -word)",
        Effect::Assign { .. } => "an assignment (give it back with @)",
        Effect::Comment { .. } => "a comment (write a new version with `firebreak comment edit`)",
        Effect::RunRelease(_) | Effect::Rerun { .. } => "running the automation",
        Effect::Abandon { .. } => "abandoning a release",
        Effect::Cut { .. } => "cutting a release",
        Effect::Answer { .. } | Effect::Restart { .. } | Effect::Vote { .. } => {
            "a signature at a gate"
        }
        _ => "a change of the service's records",
    })
}
