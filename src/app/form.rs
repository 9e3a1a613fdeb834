//! The forms: an item's behind `a` (add) and `e` (edit), a sprint's, a project's policy; their
//! fields, and what they become.

use super::input::LineInput;
use crate::domain::{Class, Item, ItemEdit, ItemId, Kind, NewItem, Team};
use chrono::NaiveDate;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Text(LineInput),
    /// One of `options`; the first may be `-` for none.
    Choice {
        options: Vec<String>,
        at: usize,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub label: &'static str,
    pub value: Value,
}

impl Field {
    pub fn text(&self) -> String {
        match &self.value {
            Value::Text(i) => i.text.clone(),
            Value::Choice { options, at } => options.get(*at).cloned().unwrap_or_default(),
        }
    }
}

/// What a form makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Item,
    Sprint,
    /// A project's policy: what its releases cut from now on keep.
    Policy,
}

/// A form; for items, `editing` holds the item being edited (whole) or `None` for a new one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form {
    pub purpose: Purpose,
    pub editing: Option<Item>,
    pub fields: Vec<Field>,
    pub focus: usize,
    pub error: Option<String>,
    /// The delivery projects: a new item's project follows its team (the delivery team's
    /// items go to the first of them, the maintenance team's to `bau`).
    pub delivery: Vec<String>,
    /// The project whose policy a policy form changes, as the board showed it.
    pub project: Option<crate::domain::Project>,
}

const TITLE: usize = 0;
const KIND: usize = 1;
const TEAM: usize = 2;
const PROJECT: usize = 3;
const POINTS: usize = 4;
const CLASS: usize = 5;
const DUE: usize = 6;
const DESCRIPTION: usize = 7;
const ACCEPTANCE: usize = 8;

fn choice<T: ToString>(all: &[T], none: bool, current: Option<String>) -> Value {
    let mut options: Vec<String> = if none { vec!["-".into()] } else { vec![] };
    options.extend(all.iter().map(|t| t.to_string()));
    let at = current
        .and_then(|c| options.iter().position(|o| *o == c))
        .unwrap_or(0);
    Value::Choice { options, at }
}

impl Form {
    /// A form for a new item, or for editing `item` (which must be loaded whole); `delivery`
    /// are the delivery projects, which a new item's project follows with its team.
    pub fn new(
        item: Option<Item>,
        projects: &[String],
        delivery: &[String],
        default_team: Option<Team>,
    ) -> Self {
        let i = item.as_ref();
        let text = |s: Option<String>| Value::Text(LineInput::with(&s.unwrap_or_default()));
        let fields = vec![
            Field {
                label: "Title",
                value: text(i.map(|i| i.title.clone())),
            },
            Field {
                label: "Kind",
                value: choice(Kind::ALL, false, i.map(|i| i.kind.to_string())),
            },
            Field {
                label: "Team",
                value: choice(
                    Team::ALL,
                    true,
                    i.map_or(default_team, |i| i.team).map(|t| t.to_string()),
                ),
            },
            Field {
                label: "Project",
                value: choice(projects, false, i.map(|i| i.project.clone())),
            },
            Field {
                label: "Points",
                value: text(i.and_then(|i| i.points).map(|p| p.to_string())),
            },
            Field {
                label: "Class",
                value: choice(
                    Class::ALL,
                    false,
                    Some(i.map_or(Class::Standard, |i| i.class).to_string()),
                ),
            },
            Field {
                label: "Due (YYYY-MM-DD)",
                value: text(i.and_then(|i| i.due).map(|d| d.to_string())),
            },
            Field {
                label: "Description",
                value: text(i.map(|i| i.description.replace('\n', " "))),
            },
            Field {
                label: "Acceptance",
                value: text(i.map(|i| i.acceptance.replace('\n', " "))),
            },
        ];
        let new = item.is_none();
        let mut form = Form {
            purpose: Purpose::Item,
            editing: item,
            fields,
            focus: 0,
            error: None,
            delivery: delivery.to_vec(),
            project: None,
        };
        if new {
            form.follow_team();
        }
        form
    }

    /// A form for a new sprint of one of the delivery `projects`, from `today` for two weeks.
    pub fn sprint(
        name: &str,
        projects: &[String],
        project: Option<&str>,
        today: NaiveDate,
    ) -> Self {
        let text = |s: &str| Value::Text(LineInput::with(s));
        let end = today + chrono::Duration::days(13);
        let fields = vec![
            Field {
                label: "Name",
                value: text(name),
            },
            Field {
                label: "Project",
                value: choice(projects, false, project.map(str::to_string)),
            },
            Field {
                label: "Goal",
                value: text(""),
            },
            Field {
                label: "Start (YYYY-MM-DD)",
                value: text(&today.to_string()),
            },
            Field {
                label: "End (YYYY-MM-DD)",
                value: text(&end.to_string()),
            },
        ];
        Form {
            purpose: Purpose::Sprint,
            editing: None,
            fields,
            focus: 0,
            error: None,
            delivery: Vec::new(),
            project: None,
        }
    }

    /// A form for a project's policy, filled with what it is now.
    pub fn policy(project: &crate::domain::Project) -> Self {
        let text = |s: &str| Value::Text(LineInput::with(s));
        let parties: Vec<&str> = project.parties.iter().map(|r| r.as_str()).collect();
        let fields = vec![
            Field {
                label: "Firebreak",
                value: Value::Choice {
                    options: vec![ARMED.into(), NOT_ARMED.into()],
                    at: if project.firebreak { 0 } else { 1 },
                },
            },
            Field {
                label: "Parties",
                value: text(&parties.join(", ")),
            },
            Field {
                label: "Hypercare days",
                value: text(&project.hypercare_days.to_string()),
            },
            Field {
                label: "Pipeline file",
                value: text(project.pipeline.as_deref().unwrap_or("")),
            },
            Field {
                label: "Response targets",
                value: text(&targets(&project.sla, true)),
            },
            Field {
                label: "Resolution targets",
                value: text(&targets(&project.sla, false)),
            },
            Field {
                label: "Working hours",
                value: text(
                    &project
                        .sla
                        .calendar
                        .as_ref()
                        .map_or("24x7".to_string(), |c| c.describe()),
                ),
            },
            Field {
                label: "Holidays",
                value: text(
                    &project
                        .sla
                        .calendar
                        .as_ref()
                        .map(|c| {
                            c.holidays
                                .iter()
                                .map(|d| d.to_string())
                                .collect::<Vec<_>>()
                                .join(", ")
                        })
                        .unwrap_or_default(),
                ),
            },
        ];
        Form {
            purpose: Purpose::Policy,
            editing: None,
            fields,
            focus: 0,
            error: None,
            delivery: Vec::new(),
            project: Some(project.clone()),
        }
    }

    /// The policy fields that differ from what the form was opened with, or which field does
    /// not parse.
    pub fn policy_edit(&self) -> Result<PolicyChange, String> {
        let Some(old) = &self.project else {
            return Err("no project to change".into());
        };
        let get = |i: usize| self.fields[i].text();
        let firebreak = get(0) == ARMED;
        let mut parties = Vec::new();
        for word in get(1).split([',', ' ']).filter(|w| !w.is_empty()) {
            parties.push(
                word.parse::<crate::domain::Role>()
                    .map_err(|e| format!("Parties: {e}"))?,
            );
        }
        let days = get(2);
        let days = days
            .trim()
            .parse::<u32>()
            .map_err(|_| format!("Hypercare days: '{days}' is not a whole number of days"))?;
        let pipeline = get(3).trim().to_string();
        let pipeline = (!pipeline.is_empty() && old.pipeline.as_deref() != Some(pipeline.as_str()))
            .then(|| std::path::PathBuf::from(pipeline));
        let response = crate::domain::sla::parse_targets(&get(4))
            .map_err(|e| format!("Response targets: {e}"))?;
        let resolution = crate::domain::sla::parse_targets(&get(5))
            .map_err(|e| format!("Resolution targets: {e}"))?;
        let hours = match get(6).trim() {
            "" | "24x7" | "24/7" => None,
            h => Some(
                crate::domain::sla::Calendar::parse(h)
                    .map_err(|e| format!("Working hours: {e}"))?,
            ),
        };
        let mut holidays = Vec::new();
        for word in get(7).split([',', ' ']).filter(|w| !w.is_empty()) {
            holidays.push(
                NaiveDate::parse_from_str(word, "%Y-%m-%d")
                    .map_err(|_| format!("Holidays: '{word}' is not a date; write YYYY-MM-DD"))?,
            );
        }
        let old_hours = old.sla.calendar.clone().map(|mut c| {
            c.holidays.clear();
            c
        });
        let old_holidays = old
            .sla
            .calendar
            .as_ref()
            .map(|c| c.holidays.clone())
            .unwrap_or_default();
        Ok(PolicyChange {
            project: old.name.clone(),
            edit: crate::domain::project::PolicyEdit {
                firebreak: (firebreak != old.firebreak).then_some(firebreak),
                parties: (parties != old.parties).then_some(parties),
                hypercare_days: (days != old.hypercare_days).then_some(days),
                response: response
                    .into_iter()
                    .filter(|(p, t)| old.sla.response_of(*p) != *t)
                    .collect(),
                resolution: resolution
                    .into_iter()
                    .filter(|(p, t)| old.sla.resolution_of(*p) != *t)
                    .collect(),
                hours: (hours != old_hours).then_some(hours),
                holidays: (holidays != old_holidays).then_some(holidays),
            },
            pipeline,
        })
    }

    /// The new sprint's name, project, goal and dates, or which field does not parse.
    pub fn new_sprint(&self) -> Result<NewSprint, String> {
        let get = |i: usize| self.fields[i].text();
        let date = |i: usize, what: &str| {
            let v = get(i);
            NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d")
                .map_err(|_| format!("{what}: '{v}' is not a date; write YYYY-MM-DD"))
        };
        Ok(NewSprint {
            name: get(0),
            project: get(1),
            goal: get(2),
            start: date(3, "Start")?,
            end: date(4, "End")?,
        })
    }

    pub fn id(&self) -> Option<ItemId> {
        self.editing.as_ref().map(|i| i.id)
    }

    pub fn cycle(&mut self, step: isize) {
        if let Value::Choice { options, at } = &mut self.fields[self.focus].value {
            let n = options.len() as isize;
            *at = ((*at as isize + step).rem_euclid(n)) as usize;
        }
        if self.focus == TEAM && self.purpose == Purpose::Item && self.editing.is_none() {
            self.follow_team();
        }
    }

    /// A new item's project follows its team: the delivery team's to its first delivery
    /// project, the maintenance team's to `bau`.
    fn follow_team(&mut self) {
        let project = match self.fields[TEAM].text().parse::<Team>() {
            Ok(Team::Appdev) => self.delivery.first().cloned(),
            Ok(Team::Ams) => Some(crate::domain::project::BAU.to_string()),
            Err(_) => None,
        };
        if let (Some(project), Value::Choice { options, at }) =
            (project, &mut self.fields[PROJECT].value)
            && let Some(p) = options.iter().position(|o| *o == project)
        {
            *at = p;
        }
    }

    fn parsed(&self) -> Result<Parsed, String> {
        let get = |i: usize| self.fields[i].text();
        let points = match get(POINTS).trim() {
            "" => None,
            p => Some(
                p.parse::<u32>()
                    .map_err(|_| format!("Points: '{p}' is not a whole number"))?,
            ),
        };
        let due = match get(DUE).trim() {
            "" => None,
            d => Some(
                NaiveDate::parse_from_str(d, "%Y-%m-%d")
                    .map_err(|_| format!("Due: '{d}' is not a date; write YYYY-MM-DD"))?,
            ),
        };
        Ok(Parsed {
            title: get(TITLE),
            kind: get(KIND).parse().map_err(|e| format!("{e}"))?,
            team: get(TEAM).parse().ok(),
            project: get(PROJECT),
            points,
            class: get(CLASS).parse().map_err(|e| format!("{e}"))?,
            due,
            description: get(DESCRIPTION),
            acceptance: get(ACCEPTANCE),
        })
    }

    /// What to create, or the message for a field that does not parse.
    pub fn new_item(&self) -> Result<NewItem, String> {
        let p = self.parsed()?;
        let mut new = NewItem::titled(&p.title);
        new.kind = p.kind;
        new.team = p.team;
        new.project = p.project;
        new.points = p.points;
        new.class = p.class;
        new.due = p.due;
        new.description = p.description;
        new.acceptance = p.acceptance;
        Ok(new)
    }

    /// The fields that differ from the item being edited.
    pub fn edit(&self) -> Result<ItemEdit, String> {
        let p = self.parsed()?;
        let Some(old) = &self.editing else {
            return Ok(ItemEdit::default());
        };
        Ok(ItemEdit {
            title: (p.title.trim() != old.title).then_some(p.title),
            kind: (p.kind != old.kind).then_some(p.kind),
            team: p.team.filter(|t| old.team != Some(*t)),
            points: (p.points != old.points).then_some(p.points),
            class: (p.class != old.class).then_some(p.class),
            due: (p.due != old.due).then_some(p.due),
            description: (p.description != old.description.replace('\n', " "))
                .then_some(p.description),
            acceptance: (p.acceptance != old.acceptance.replace('\n', " ")).then_some(p.acceptance),
        })
    }
}

const ARMED: &str = "armed";
const NOT_ARMED: &str = "not armed";

/// What the policy form makes: the project, the fields that changed, a new pipeline file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyChange {
    pub project: String,
    pub edit: crate::domain::project::PolicyEdit,
    pub pipeline: Option<std::path::PathBuf>,
}

/// A project's targets as the form shows them: "P1=15m P2=1h P3=1d P4=5d".
fn targets(sla: &crate::domain::sla::Sla, response: bool) -> String {
    use crate::domain::incident::Priority;
    [Priority::P1, Priority::P2, Priority::P3, Priority::P4]
        .iter()
        .map(|p| {
            let t = if response {
                sla.response_of(*p)
            } else {
                sla.resolution_of(*p)
            };
            format!("{p}={t}")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// What the sprint form makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSprint {
    pub name: String,
    pub project: String,
    pub goal: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
}

struct Parsed {
    title: String,
    kind: Kind,
    team: Option<Team>,
    project: String,
    points: Option<u32>,
    class: Class,
    due: Option<NaiveDate>,
    description: String,
    acceptance: String,
}

/// The keys of an open form: between fields, through a choice, typing, and submitting what it
/// makes (a new item, an edit, a new sprint) once it reads.
pub(super) fn key(
    s: &mut super::AppState,
    cmd: Option<super::keymap::Command>,
    k: ratatui::crossterm::event::KeyEvent,
) -> Vec<super::Effect> {
    use super::Effect;
    use super::keymap::Command;
    use ratatui::crossterm::event::KeyCode;
    let Some(super::Overlay::Form(form)) = &mut s.overlay else {
        return vec![];
    };
    let n = form.fields.len();
    match cmd {
        Some(Command::Back) => {
            s.overlay = None;
            super::say::flash(s, "Nothing was saved.");
        }
        Some(Command::NextField) => form.focus = (form.focus + 1) % n,
        Some(Command::PrevField) => form.focus = (form.focus + n - 1) % n,
        Some(Command::ChoiceNext) => form.cycle(1),
        Some(Command::ChoicePrev) => form.cycle(-1),
        Some(Command::Submit) => {
            form.error = None;
            let effect = match &form.editing {
                None if form.purpose == Purpose::Sprint => form.new_sprint().map(Effect::AddSprint),
                None if form.purpose == Purpose::Policy => {
                    form.policy_edit().map(Effect::EditPolicy)
                }
                None => form.new_item().map(Effect::Create),
                Some(old) => form.edit().map(|edit| Effect::Apply {
                    id: old.id,
                    version: old.version,
                    cmd: crate::domain::ItemCommand::Edit(edit),
                }),
            };
            match effect {
                Err(message) => form.error = Some(message),
                Ok(Effect::Apply {
                    cmd: crate::domain::ItemCommand::Edit(e),
                    ..
                }) if e.is_empty() => {
                    s.overlay = None;
                    super::say::flash(s, "Nothing changed.");
                }
                Ok(Effect::EditPolicy(c)) if c.edit.is_empty() && c.pipeline.is_none() => {
                    s.overlay = None;
                    super::say::flash(s, "Nothing changed.");
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

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> Form {
        Form::new(
            None,
            &["bau".into(), "permits-online".into()],
            &["permits-online".into()],
            Some(Team::Ams),
        )
    }

    #[test]
    fn a_new_items_project_follows_its_team() {
        let mut f = form();
        assert_eq!(
            f.fields[PROJECT].text(),
            "bau",
            "the maintenance team's work is bau"
        );
        f.focus = TEAM;
        f.cycle(-1);
        assert_eq!(f.fields[TEAM].text(), "appdev");
        assert_eq!(f.fields[PROJECT].text(), "permits-online");
        f.cycle(1);
        assert_eq!(f.fields[PROJECT].text(), "bau");
    }

    #[test]
    fn a_new_form_defaults_to_a_standard_story_for_the_users_team() {
        let mut f = form();
        f.fields[TITLE].value = Value::Text(LineInput::with("Refund a permit"));
        let new = f.new_item().unwrap();
        assert_eq!(
            (new.kind, new.team, new.class),
            (Kind::Story, Some(Team::Ams), Class::Standard)
        );
        assert_eq!(new.project, "bau");
    }

    #[test]
    fn fields_that_do_not_parse_say_which() {
        let mut f = form();
        f.fields[POINTS].value = Value::Text(LineInput::with("lots"));
        assert_eq!(
            f.new_item().unwrap_err(),
            "Points: 'lots' is not a whole number"
        );
        f.fields[POINTS].value = Value::Text(LineInput::with("3"));
        f.fields[DUE].value = Value::Text(LineInput::with("31/03/2026"));
        assert!(f.new_item().unwrap_err().starts_with("Due:"));
    }

    #[test]
    fn choices_wrap_around() {
        let mut f = form();
        f.focus = KIND;
        f.cycle(-1);
        assert_eq!(f.fields[KIND].text(), "epic");
        f.cycle(1);
        assert_eq!(f.fields[KIND].text(), "story");
    }
}
