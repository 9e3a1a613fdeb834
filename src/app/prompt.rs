//! Questions the board asks (a reason, a limit, evidence, a yes or no) and what each answer
//! becomes: the effect it submits, or a refusal that keeps what was typed.

use super::input::LineInput;
use super::keymap::Command;
use super::say::{flash, flash_error};
use super::{AppState, Effect, Overlay, Pending};
use crate::domain::ItemCommand;
use crate::domain::kanban::WipMode;
use ratatui::crossterm::event::KeyEvent;

pub(super) fn confirm_key(s: &mut AppState, cmd: Option<Command>) -> Vec<Effect> {
    let Some(Overlay::Confirm { then, .. }) = s.overlay.take() else {
        return vec![];
    };
    if cmd != Some(Command::Yes) {
        flash(s, "Nothing was changed.");
        return vec![];
    }
    if let Pending::Cancel(id, _) = &then {
        s.overlay = Some(Overlay::Prompt {
            question: format!("Why cancel {id}?"),
            input: LineInput::default(),
            then,
        });
    }
    vec![]
}

pub(super) fn prompt_key(s: &mut AppState, cmd: Option<Command>, k: KeyEvent) -> Vec<Effect> {
    let Some(Overlay::Prompt { input, then, .. }) = &mut s.overlay else {
        return vec![];
    };
    match cmd {
        Some(Command::Back) => {
            s.overlay = None;
            flash(s, "Nothing was changed.");
        }
        Some(Command::Submit) => {
            let reason = input.text.trim().to_string();
            if reason.is_empty() {
                flash_error(
                    s,
                    "A reason is needed: type why, then Enter (Esc to give up).",
                );
                return vec![];
            }
            let pending = then.clone();
            s.overlay = None;
            let (id, version, cmd) = match pending {
                Pending::Cancel(id, v) => (id, v, ItemCommand::Cancel { reason }),
                Pending::Block(id, v) => (id, v, ItemCommand::Block { reason }),
                Pending::Override(effect) => {
                    let over = Some(reason);
                    return vec![match *effect {
                        Effect::Pull { id, .. } => Effect::Pull { id, over },
                        Effect::KanbanMove {
                            id, to, version, ..
                        } => Effect::KanbanMove {
                            id,
                            to,
                            over,
                            version,
                        },
                        other => other,
                    }];
                }
                Pending::Reject(version) => {
                    return vec![Effect::Answer {
                        seen: s.releases.seen(&version),
                        version,
                        accept: false,
                        comment: reason,
                    }];
                }
                Pending::Determine(version) => {
                    return match super::pipeline_update::determination(&reason) {
                        Ok((cause, findings)) => vec![Effect::RecordPd {
                            version,
                            entry: crate::domain::pd::PdEntry {
                                findings: Some(findings),
                                cause: Some(cause),
                                conclude: false,
                            },
                        }],
                        Err(message) => {
                            flash_error(s, message);
                            vec![]
                        }
                    };
                }
                Pending::Escape(source) => {
                    return match crate::domain::escape::parse_answer(&reason) {
                        Ok((release, catch)) => vec![Effect::RecordEscape {
                            source,
                            release,
                            catch,
                        }],
                        Err(e) => {
                            flash_error(s, e.to_string());
                            vec![]
                        }
                    };
                }
                Pending::ReviewOps(id) => {
                    return vec![Effect::ReviewOps {
                        id,
                        criteria: reason,
                    }];
                }
                Pending::PdTicket(version) => {
                    return vec![Effect::PdTicket {
                        version,
                        title: reason,
                    }];
                }
                Pending::NoGo(version) => {
                    return vec![Effect::Vote {
                        seen: s.releases.seen(&version),
                        version,
                        vote: crate::domain::release::Vote::NoGo,
                        comment: reason,
                    }];
                }
                Pending::TypeVersion { version, change } => {
                    if reason != version {
                        flash_error(
                            s,
                            format!("You typed {reason}, not {version}: nothing was changed."),
                        );
                        return vec![];
                    }
                    s.overlay = Some(Overlay::Prompt {
                        question: format!(
                            "Why {} {version}?",
                            if change == crate::domain::release::Change::Switch {
                                "switch"
                            } else {
                                "roll back"
                            }
                        ),
                        input: LineInput::default(),
                        then: Pending::ProductionReason { version, change },
                    });
                    return vec![];
                }
                Pending::NewIncident => {
                    return match super::service_update::new_incident(&reason) {
                        Ok((priority, title)) => vec![Effect::LogIncident { priority, title }],
                        Err(message) => {
                            flash_error(s, message);
                            vec![]
                        }
                    };
                }
                Pending::NewProblem(incidents) => {
                    return vec![Effect::RaiseProblem {
                        title: reason,
                        incidents,
                    }];
                }
                Pending::Rotate => {
                    return match super::service_update::rotation(&reason) {
                        Ok((name, team, from, to)) => vec![Effect::Rotate {
                            name,
                            team,
                            from,
                            to,
                        }],
                        Err(message) => {
                            flash_error(s, message);
                            vec![]
                        }
                    };
                }
                Pending::Extend(version) => {
                    let seen = s.seen("hypercare", &version);
                    return match super::handover_update::waiver(&reason) {
                        Ok(crate::domain::handover::Act::Waive { reason, until }) => {
                            vec![Effect::ExtendHypercare {
                                version,
                                until,
                                reason,
                                seen,
                            }]
                        }
                        Ok(_) => vec![],
                        Err(message) => {
                            flash_error(s, message);
                            vec![]
                        }
                    };
                }
                Pending::Workaround(id) => {
                    let step = crate::domain::problem::Step::KnownError { workaround: reason };
                    let seen = super::service_update::problem_seen(s, &id);
                    return vec![Effect::ProblemStep { id, step, seen }];
                }
                Pending::Assign(id) => {
                    let step = crate::domain::incident::Step::Assign {
                        to: reason.trim().to_string(),
                    };
                    let seen = super::service_update::incident_seen(s, &id);
                    return vec![Effect::IncidentStep { id, step, seen }];
                }
                Pending::Hold(id) => {
                    let step = crate::domain::incident::Step::Hold { reason };
                    let seen = super::service_update::incident_seen(s, &id);
                    return vec![Effect::IncidentStep { id, step, seen }];
                }
                Pending::Evidence(project, key) => {
                    let act = crate::domain::handover::Act::Submit { evidence: reason };
                    return handover_act(s, project, key, act);
                }
                Pending::RejectItem(project, key) => {
                    let act = crate::domain::handover::Act::Reject { reason };
                    return handover_act(s, project, key, act);
                }
                Pending::Waive(project, key) => {
                    let seen = super::handover_update::check_seen(s, &project, &key);
                    return match super::handover_update::waiver(&reason) {
                        Ok(act) => vec![Effect::HandoverAct {
                            project,
                            key,
                            act,
                            seen,
                        }],
                        Err(message) => {
                            flash_error(s, message);
                            vec![]
                        }
                    };
                }
                Pending::ProductionReason { version, change } => {
                    return vec![Effect::Production {
                        seen: s.releases.seen(&version),
                        version,
                        change,
                        reason,
                    }];
                }
                Pending::Ageing => {
                    return match reason.trim().parse::<u32>() {
                        Ok(days) => vec![Effect::SetAgeing(days)],
                        Err(_) => {
                            flash_error(s, format!("'{reason}' is not a number of days"));
                            vec![]
                        }
                    };
                }
                Pending::Complete(name) => {
                    let seen = s.seen("sprint", &name);
                    return match super::sprint_update::carry(&reason) {
                        Ok(carry) => vec![Effect::CompleteSprint { name, carry, seen }],
                        Err(message) => {
                            flash_error(s, message);
                            vec![]
                        }
                    };
                }
                Pending::Wip(column) => {
                    let current = s
                        .columns
                        .iter()
                        .find(|l| l.column == column)
                        .map_or(WipMode::Reasoned, |l| l.mode);
                    return match super::kanban_update::parse_wip(column, current, &reason) {
                        Ok(limit) => vec![Effect::SetWip(limit)],
                        Err(message) => {
                            flash_error(s, message);
                            vec![]
                        }
                    };
                }
            };
            return vec![Effect::Apply { id, cmd, version }];
        }
        _ => {
            input.key(k);
        }
    }
    vec![]
}

/// A handover item's act, with the revision of the item the screen showed.
fn handover_act(
    s: &AppState,
    project: String,
    key: String,
    act: crate::domain::handover::Act,
) -> Vec<Effect> {
    let seen = super::handover_update::check_seen(s, &project, &key);
    vec![Effect::HandoverAct {
        project,
        key,
        act,
        seen,
    }]
}
