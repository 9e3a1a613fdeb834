//! The app's effects carried out through the store, each answered with the messages that
//! tell the app what happened.

use super::snapshot;
use crate::app::{AppState, Effect, Msg};
use crate::domain::backlog::RankMove;
use crate::domain::{Actor, DomainError, ItemCommand};
use crate::store::{Store, StoreError};
use chrono::Utc;

fn reload(store: &Store, me: &Actor) -> Result<Msg, StoreError> {
    Ok(Msg::Loaded(Box::new(snapshot(store, me.clone())?)))
}

/// The most common answer to a write: the board as it is now, and a sentence of what happened.
fn reload_and_say(store: &Store, me: &Actor, text: String) -> Result<Vec<Msg>, StoreError> {
    Ok(vec![reload(store, me)?, Msg::Said(text)])
}

/// After a form's write: the board again, and the form closed with what was done.
fn reload_and_close(store: &Store, me: &Actor, text: String) -> Result<Vec<Msg>, StoreError> {
    Ok(vec![reload(store, me)?, Msg::FormDone(text)])
}

fn columns(store: &Store, text: String) -> Result<Msg, StoreError> {
    Ok(Msg::Columns {
        columns: store.column_limits()?,
        overrides: store.overrides()?,
        text,
    })
}

/// A pull or a Kanban move: the card where it now is, and the columns when a limit was passed.
fn moved(store: &Store, m: &crate::store::Moved) -> Result<Vec<Msg>, StoreError> {
    let mut out = vec![moved_msg(m)];
    if let Some(freed) = m.freed {
        out.push(Msg::Freed(freed));
    }
    if m.over.is_some() {
        out.push(columns(store, String::new())?);
    }
    Ok(out)
}

/// What a pull or a Kanban move says in the status line.
fn moved_msg(m: &crate::store::Moved) -> Msg {
    let column =
        crate::domain::kanban::Column::of(m.item.state).map_or("its column", |c| c.title());
    let mut text = format!("{} is now in {column}", m.item.id);
    if let Some(reason) = &m.over {
        text.push_str(&format!(", over its limit: {reason}"));
    }
    text.push('.');
    Msg::Saved(Box::new(m.item.clone()), text)
}

/// Does what the app asked, through the store, at `now`; `None` means quit.
pub fn carry_out(
    store: &mut Store,
    state: &AppState,
    effect: Effect,
    now: chrono::DateTime<Utc>,
) -> Option<Vec<Msg>> {
    carry_out_as(store, &state.me, effect, now)
}

/// `carry_out` for the person `me`: what the writer thread runs.
pub(crate) fn carry_out_as(
    store: &mut Store,
    me: &Actor,
    effect: Effect,
    now: chrono::DateTime<Utc>,
) -> Option<Vec<Msg>> {
    let result = match effect {
        Effect::Quit => return None,
        Effect::Reload => snapshot(store, me.clone()).map(|s| vec![Msg::Loaded(Box::new(s))]),
        Effect::LoadHistory { entity, id } => store
            .history(entity, &id)
            .map(|events| vec![Msg::History(id, events)]),
        Effect::LoadCases { version, env, step } => {
            store.step_cases(&version, &env, &step).map(|cases| {
                let lines = crate::domain::junit::lines(&cases);
                vec![Msg::Cases(crate::app::tabs::pipeline::StepCases {
                    version,
                    env,
                    step,
                    lines,
                })]
            })
        }
        Effect::LoadDetail(id) => store.item(id).and_then(|item| {
            let history = store.history("item", &id.to_string())?;
            let mut sources = Vec::new();
            for subject in store.raised_from(id)? {
                let thread = store.comments(&subject)?;
                sources.push((subject.id(), thread));
            }
            Ok(vec![
                Msg::Detail(Box::new(item), history),
                Msg::Sources(id, sources),
            ])
        }),
        Effect::Rank { id, mv, version } => {
            store.rank_item(id, mv, me, now, Some(version)).map(|item| {
                let whole = match mv {
                    RankMove::Top | RankMove::Bottom => " of the backlog",
                    _ => "",
                };
                vec![Msg::Saved(
                    Box::new(item),
                    format!("{id} moved {}{whole}.", mv.describe()),
                )]
            })
        }
        Effect::Apply { id, cmd, version } => store
            .apply_item(id, &cmd, me, now, Some(version))
            .map(|item| {
                let text = match &cmd {
                    ItemCommand::Edit(_) => format!("{id} saved."),
                    ItemCommand::Block { .. } => format!("{id} is blocked."),
                    ItemCommand::Unblock => format!("{id} is unblocked."),
                    _ => format!("{id} is now {}.", item.state.phrase()),
                };
                vec![Msg::Saved(Box::new(item), text)]
            }),
        Effect::Pull { id, over } => store
            .pull(id, over.as_deref(), me, now)
            .and_then(|m| moved(store, &m)),
        Effect::KanbanMove {
            id,
            to,
            over,
            version,
        } => store
            .kanban_move(id, to, over.as_deref(), me, now, Some(version))
            .and_then(|m| moved(store, &m)),
        Effect::SetWip(limit) => store.set_column_limit(limit, me, now).and_then(|()| {
            let shown = limit
                .limit
                .map_or("no limit".to_string(), |l| format!("a limit of {l}"));
            columns(
                store,
                format!("{} now has {shown} ({}).", limit.column.title(), limit.mode),
            )
            .map(|m| vec![m])
        }),
        Effect::LoadBurndown(name) => store
            .burndown(&name, now.date_naive())
            .map(|b| vec![Msg::Burndown(name, Box::new(b))]),
        Effect::Plan { sprint, id, seen } => store
            .decide_seen("sprint", &sprint, seen, |db| {
                db.plan(&sprint, &[id], me, now)
            })
            .and_then(|_| reload_and_say(store, me, format!("{id} is planned into {sprint}."))),
        Effect::Assign { id, to, version } => store
            .assign_item(id, &to, me, now, Some(version))
            .map(|item| vec![Msg::Saved(Box::new(item), format!("{id} is {to}'s now."))]),
        Effect::SaveView(view) => {
            let name = view.name.clone();
            return match crate::config::save_view(view) {
                Ok(all) => {
                    let at = all.iter().position(|v| v.name == name).unwrap_or(0);
                    let key = if at < 4 {
                        format!(": F{} shows it", at + 1)
                    } else {
                        String::new()
                    };
                    Some(vec![Msg::Views(
                        all,
                        format!("Saved the view {name}{key}."),
                    )])
                }
                Err(e) => Some(vec![Msg::Refused {
                    message: e,
                    stale: false,
                }]),
            };
        }
        Effect::WebLink {
            subject,
            url,
            title,
            adding,
        } => if adding {
            store
                .add_link(&subject, &url, title.as_deref(), me, now)
                .map(|_| format!("{subject} links to {url}."))
        } else {
            store
                .remove_link(&subject, &url, me, now)
                .map(|()| format!("{subject} no longer links to {url}."))
        }
        .and_then(|said| reload_and_say(store, me, said)),
        Effect::Relate {
            subject,
            relation,
            other,
            adding,
        } => match subject {
            crate::domain::comment::Subject::Item(a) => store
                .relate(a, relation, other, adding, me, now)
                .and_then(|()| {
                    let said = if adding {
                        format!("{a} {} {other}.", relation.forward())
                    } else {
                        format!("{a} no longer {} {other}.", relation.forward())
                    };
                    reload_and_say(store, me, said)
                }),
            other_subject => Err(crate::domain::DomainError::invalid(format!(
                "{other_subject} is no item: only items link to items"
            ))
            .into()),
        },
        Effect::Relabel {
            subject,
            add,
            remove,
        } => store
            .relabel(&subject, &add, &remove, me, now)
            .and_then(|now_carries| {
                let said = if now_carries.is_empty() {
                    format!("{subject} carries no labels now.")
                } else {
                    format!("{subject} carries {} now.", now_carries.join(", "))
                };
                reload_and_say(store, me, said)
            }),
        Effect::Comment { subject, text } => store
            .comment(&subject, &text, me, now)
            .and_then(|c| reload_and_say(store, me, format!("Comment {} on {subject}.", c.n))),
        Effect::EditPolicy(c) => store
            .edit_project(&c.project, &c.edit, c.pipeline.as_deref(), me, now)
            .and_then(|(before, after)| {
                let changes = crate::domain::project::describe_changes(&before, &after);
                let said = if changes.is_empty() {
                    format!("{} already has that policy: nothing changed.", c.project)
                } else {
                    format!(
                        "{}: {}. Releases cut from now on follow it.",
                        c.project,
                        changes.join("; ")
                    )
                };
                reload_and_close(store, me, said)
            }),
        Effect::AddSprint(new) => store
            .add_sprint(
                &new.name,
                &new.project,
                &new.goal,
                (new.start, new.end),
                me,
                now,
            )
            .and_then(|sp| {
                reload_and_close(store, me, format!("Added {} to {}.", sp.name, sp.project))
            }),
        Effect::StartSprint { name, seen } => store
            .decide_seen("sprint", &name, seen, |db| db.start_sprint(&name, me, now))
            .and_then(|sp| {
                let (n, points) = sp
                    .commitment
                    .as_ref()
                    .map_or((0, 0), |c| (c.items.len(), c.points));
                let text = format!("Started {name}: {n} items, {points} points committed.");
                reload_and_say(store, me, text)
            }),
        Effect::CompleteSprint { name, carry, seen } => store
            .decide_seen("sprint", &name, seen, |db| {
                db.complete_sprint(&name, carry, me, now)
            })
            .and_then(|(sp, moved)| {
                let text = format!(
                    "Completed {name}: {} points done, {} items carried.",
                    sp.completed.unwrap_or(0),
                    moved.len()
                );
                reload_and_say(store, me, text)
            }),
        Effect::SetAgeing(days) => store.set_ageing(days, me, now).and_then(|()| {
            let text = format!("Kanban cards older than {days} days are marked ◷.");
            reload_and_say(store, me, text)
        }),
        Effect::RunRelease(version) => {
            Ok(vec![Msg::Said(format!("{version} runs from the board."))])
        }
        Effect::Answer {
            version,
            accept,
            comment,
            seen,
        } => store
            .answer(&version, accept, &comment, me, now, seen)
            .and_then(|r| {
                let text = if accept {
                    format!("{} accepted {version}.", me.name)
                } else {
                    format!("{version} is halted: rejected by {}.", me.name)
                };
                reload_and_say(store, me, format!("{text} It is {}.", r.state.phrase()))
            }),
        Effect::Restart { version, seen } => {
            store.restart(&version, me, now, seen).and_then(|_| {
                // The restart restarts the automation: the board runs it on, behind the screen.
                let mut msgs =
                    reload_and_say(store, me, format!("{version} restarted: it runs on."))?;
                msgs.push(Msg::Restarted(version));
                Ok(msgs)
            })
        }
        Effect::Cut { version, project } => store
            .cut_release(&version, &project, None, false, me, now)
            .and_then(|r| {
                let ids: Vec<String> = r.items.iter().map(|i| i.to_string()).collect();
                reload_and_say(
                    store,
                    me,
                    format!(
                        "Cut {} of {} with {}.",
                        r.version,
                        r.project,
                        ids.join(", ")
                    ),
                )
            }),
        Effect::Abandon {
            version,
            reason,
            seen,
        } => store
            .abandon(&version, &reason, me, now, seen)
            .and_then(|r| reload_and_say(store, me, format!("{version} is {}.", r.state.phrase()))),
        Effect::Vote {
            version,
            vote,
            comment,
            seen,
        } => store
            .vote(&version, vote, &comment, me, now, seen)
            .and_then(|r| {
                reload_and_say(
                    store,
                    me,
                    format!(
                        "{} voted {vote} on {version}; it is {}.",
                        me.name,
                        r.state.phrase()
                    ),
                )
            }),
        Effect::Production {
            version,
            change,
            reason,
            seen,
        } => crate::runner::change_production(store, &version, change, &reason, me, now, seen)
            .and_then(|done| {
                reload_and_say(
                    store,
                    me,
                    format!(
                        "{version} is {}; production's {} slot serves {} now.",
                        done.release.state, done.routing.slot, done.routing.version
                    ),
                )
            }),
        Effect::StartHandover(project) => {
            store.start_handover(&project, None, me, now).and_then(|h| {
                let text = format!(
                    "Started the handover of {project}: {} items.",
                    h.checks.len()
                );
                reload_and_say(store, me, text)
            })
        }
        Effect::HandoverAct {
            project,
            key,
            act,
            seen,
        } => store
            .handover_act(&project, &key, &act, me, now, seen)
            .and_then(|c| {
                let state = store.handover(&project)?.state;
                let text = format!(
                    "{} is {}; the handover of {project} is {state}.",
                    c.title, c.state
                );
                reload_and_say(store, me, text)
            }),
        Effect::LogIncident { priority, title } => store
            .log_incident(&title, priority, None, None, me, now)
            .and_then(|i| {
                reload_and_say(
                    store,
                    me,
                    format!("{} logged ({}), for team {}.", i.id, i.priority, i.team),
                )
            }),
        Effect::IncidentStep { id, step, seen } => store
            .step_incident(&id, &step, me, now, seen)
            .and_then(|i| reload_and_say(store, me, format!("{} is {}.", i.id, i.state.phrase()))),
        Effect::Rotate {
            name,
            team,
            from,
            to,
        } => store.rotate(&name, team, from, to, me, now).and_then(|r| {
            reload_and_say(
                store,
                me,
                format!("{} is in {} from {} to {}.", r.person, r.team, r.from, r.to),
            )
        }),
        Effect::RecordPd { version, entry } => {
            store.record_pd(&version, &entry, me, now).and_then(|pd| {
                let text = match (pd.concluded, pd.cause) {
                    (Some(_), Some(cause)) => {
                        format!("Problem determination of {version} concluded: cause {cause}.")
                    }
                    _ => format!("Problem determination of {version} recorded; D concludes it."),
                };
                reload_and_say(store, me, text)
            })
        }
        Effect::PdTicket { version, title } => store
            .pd_ticket(&version, &title, crate::domain::Kind::Defect, me, now)
            .and_then(|item| {
                reload_and_say(
                    store,
                    me,
                    format!(
                        "{} raised in triage from the problem determination of {version}.",
                        item.id
                    ),
                )
            }),
        Effect::ReviewOps { id, criteria } => {
            let criteria = (!criteria.trim().is_empty()).then_some(criteria.as_str());
            store.review_ops(id, criteria, "", me, now).and_then(|r| {
                reload_and_say(
                    store,
                    me,
                    format!(
                        "Operations review of {} recorded: it may be approved.",
                        r.item
                    ),
                )
            })
        }
        Effect::RecordEscape {
            source,
            release,
            catch,
        } => store
            .record_escape(&source, release.as_deref(), &catch, "", me, now)
            .and_then(|e| reload_and_say(store, me, e.describe())),
        Effect::Copy(text) => {
            use std::io::Write;
            let mut out = std::io::stdout();
            let _ = out.write_all(crate::format::osc52(&text).as_bytes());
            let _ = out.flush();
            Ok(vec![])
        }
        Effect::Rerun { version, seen } => {
            store
                .rerun(&version, me, now, seen)
                .and_then(|(env, step)| {
                    reload_and_say(
                        store,
                        me,
                        format!("{env}/{step} of {version} will run once more: R runs it on."),
                    )
                })
        }
        Effect::CloseHypercare { version, seen } => store
            .decide_seen("hypercare", &version, seen, |db| {
                db.close_hypercare(&version, me, now)
            })
            .and_then(|h| {
                reload_and_say(
                    store,
                    me,
                    format!(
                        "Hypercare of {} is closed: the maintenance team runs {}.",
                        h.release, h.project
                    ),
                )
            }),
        Effect::ExtendHypercare {
            version,
            until,
            reason,
            seen,
        } => store
            .decide_seen("hypercare", &version, seen, |db| {
                db.extend_hypercare(&version, until, &reason, me, now)
            })
            .and_then(|h| {
                reload_and_say(
                    store,
                    me,
                    format!("Hypercare of {} runs until {}.", h.release, h.ends),
                )
            }),
        Effect::RaiseProblem { title, incidents } => store
            .raise_problem(&title, &incidents, me, now)
            .and_then(|p| reload_and_say(store, me, format!("{} raised: {}.", p.id, p.title))),
        Effect::ProblemStep { id, step, seen } => store
            .step_problem(&id, &step, me, now, seen)
            .and_then(|p| reload_and_say(store, me, format!("{} is {}.", p.id, p.state.phrase()))),
        Effect::ProblemTicket { id, kind } => {
            store.problem_ticket(&id, kind, me, now).and_then(|item| {
                let text = format!(
                    "{} raised in triage from {id}: the product owner ranks it.",
                    item.id
                );
                reload_and_say(store, me, text)
            })
        }
        Effect::Ticket { id, kind } => store.incident_ticket(&id, kind, me, now).and_then(|item| {
            let text = format!(
                "{} raised in triage from {id}: the product owner ranks it.",
                item.id
            );
            reload_and_say(store, me, text)
        }),
        Effect::LoadInsights(weeks) => {
            let today = now.date_naive();
            let since = today - chrono::Duration::days(i64::from(weeks) * 7 - 1);
            store
                .insights(since, today)
                .map(|i| vec![Msg::Insights(Box::new(i))])
        }
        Effect::LoadFlow => store
            .kanban_flow(now.date_naive())
            .map(|f| vec![Msg::Flow(Box::new(f))]),
        Effect::Create(new) => store.create_item(new, me, now).map(|item| {
            let text = format!(
                "Added {} in {} at the bottom of the backlog.",
                item.id, item.state
            );
            vec![Msg::Saved(Box::new(item), text)]
        }),
    };
    Some(result.unwrap_or_else(|e| {
        tracing::warn!(error = %e, "refused");
        vec![Msg::Refused {
            stale: matches!(e, StoreError::Domain(DomainError::Stale { .. })),
            message: e.to_string(),
        }]
    }))
}
