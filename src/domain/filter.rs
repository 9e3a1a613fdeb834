//! The filter that speaks fields, the same in the board's `/` and in `item list --filter`:
//! `assignee:sam label:payments state:review kind:defect team:ams origin:incident age:>5d
//! is:blocked` with free words, each term negated by a leading `-`. Fields are matched here;
//! free words are matched by whoever shows the list (fuzzily on the board, as typed).

use super::error::DomainError;
use super::ids::ItemId;
use super::vocab::{Class, Kind, Origin, State, Team};
use chrono::{DateTime, Duration, Utc};
use std::fmt;

/// The field names, as written before the `:`.
pub const FIELDS: &[&str] = &[
    "assignee", "label", "state", "kind", "team", "origin", "class", "project", "epic", "age", "is",
];

/// What `is:` asks.
pub const IS: &[&str] = &["blocked", "open", "closed", "unassigned", "expedite"];

/// What a record offers a filter. The board's rows and the command line's items both do.
pub trait Fields {
    fn id(&self) -> ItemId;
    fn title(&self) -> &str;
    fn assignee(&self) -> Option<&str>;
    fn has_label(&self, label: &str) -> bool;
    fn state(&self) -> State;
    fn kind(&self) -> Kind;
    fn team(&self) -> Option<Team>;
    fn origin(&self) -> Origin;
    fn class(&self) -> Class;
    fn project(&self) -> &str;
    fn created(&self) -> DateTime<Utc>;
    fn blocked(&self) -> bool;
    /// The epic it is in.
    fn epic(&self) -> Option<ItemId>;
}

/// An item with the labels it carries and the epic it is in, as the command line reads them.
pub struct Labelled<'a>(pub &'a super::Item, pub &'a [String], pub Option<ItemId>);

impl Fields for Labelled<'_> {
    fn id(&self) -> ItemId {
        self.0.id
    }
    fn title(&self) -> &str {
        &self.0.title
    }
    fn assignee(&self) -> Option<&str> {
        self.0.assignee.as_deref()
    }
    fn has_label(&self, label: &str) -> bool {
        self.1.iter().any(|l| l == label)
    }
    fn state(&self) -> State {
        self.0.state
    }
    fn kind(&self) -> Kind {
        self.0.kind
    }
    fn team(&self) -> Option<Team> {
        self.0.team
    }
    fn origin(&self) -> Origin {
        self.0.origin
    }
    fn class(&self) -> Class {
        self.0.class
    }
    fn project(&self) -> &str {
        &self.0.project
    }
    fn created(&self) -> DateTime<Utc> {
        self.0.created
    }
    fn blocked(&self) -> bool {
        self.0.blocked.is_some()
    }
    fn epic(&self) -> Option<ItemId> {
        self.2
    }
}

/// An age bound: older or younger than so many hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Age {
    Over(i64),
    Under(i64),
}

/// One field's condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cond {
    Assignee(Option<String>),
    Label(String),
    State(State),
    Kind(Kind),
    Team(Team),
    Origin(Origin),
    Class(Class),
    Project(String),
    Epic(Option<ItemId>),
    Age(Age),
    Is(&'static str),
}

/// A term of a query: a field's condition or a free word, either negated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Term {
    Field { cond: Cond, not: bool },
    Word { text: String, not: bool },
}

/// A parsed filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    pub terms: Vec<Term>,
}

fn hours(text: &str) -> Option<i64> {
    let (n, unit) = text.split_at(text.find(|c: char| !c.is_ascii_digit())?);
    let n: i64 = n.parse().ok().filter(|n| *n <= 100_000)?;
    match unit {
        "h" => Some(n),
        "d" => Some(n * 24),
        "w" => Some(n * 24 * 7),
        _ => None,
    }
}

fn age_text(h: i64) -> String {
    if h % (24 * 7) == 0 && h > 0 {
        format!("{}w", h / (24 * 7))
    } else if h % 24 == 0 {
        format!("{}d", h / 24)
    } else {
        format!("{h}h")
    }
}

fn bad(field: &str, value: &str, what: &str) -> DomainError {
    DomainError::invalid(format!(
        "'{field}:{}' is not a filter: {what}",
        super::text::safe_line(value)
    ))
}

/// A word of one of the board's vocabularies (a state, a kind...), or why not.
fn word<T: std::str::FromStr<Err = super::vocab::UnknownName>>(
    field: &str,
    value: &str,
) -> Result<T, DomainError> {
    value
        .parse()
        .map_err(|e: super::vocab::UnknownName| bad(field, value, &e.to_string()))
}

fn cond(field: &str, value: &str) -> Result<Cond, DomainError> {
    let vocab = |e: DomainError| bad(field, value, &e.to_string());
    if value.is_empty() && FIELDS.contains(&field) {
        return Err(bad(field, value, "it needs a value after the colon"));
    }
    Ok(match field {
        "assignee" if value == "none" => Cond::Assignee(None),
        "assignee" => {
            super::policy::check_person_name(value)
                .map_err(|_| bad(field, value, "give a person's name, or none"))?;
            Cond::Assignee(Some(value.to_string()))
        }
        "label" => Cond::Label(super::label::check(value).map_err(vocab)?),
        "state" => Cond::State(word(field, value)?),
        "kind" => Cond::Kind(word(field, value)?),
        "team" => Cond::Team(word(field, value)?),
        "origin" => Cond::Origin(word(field, value)?),
        "class" => Cond::Class(word(field, value)?),
        "project" => Cond::Project(value.to_string()),
        "epic" if value == "none" => Cond::Epic(None),
        "epic" => Cond::Epic(Some(value.parse::<ItemId>().map_err(|_| {
            bad(field, value, "give the epic's id (epic:FB-12), or none")
        })?)),
        "age" => {
            let (over, rest) = match value.as_bytes().first() {
                Some(b'>') => (true, &value[1..]),
                Some(b'<') => (false, &value[1..]),
                _ => (true, value),
            };
            let h = hours(rest)
                .ok_or_else(|| bad(field, value, "write age:>5d or age:<2w (h, d or w)"))?;
            Cond::Age(if over { Age::Over(h) } else { Age::Under(h) })
        }
        "is" => Cond::Is(
            IS.iter()
                .find(|w| **w == value)
                .copied()
                .ok_or_else(|| bad(field, value, &format!("is: takes {}", IS.join(", "))))?,
        ),
        _ => {
            return Err(DomainError::invalid(format!(
                "'{}' is no field to filter by: use {}",
                super::text::safe_line(field),
                FIELDS.join(", ")
            )));
        }
    })
}

/// Splits on spaces, keeping "quoted phrases" whole.
fn tokens(text: &str) -> Result<Vec<String>, DomainError> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if quoted {
        return Err(DomainError::invalid(
            "a quote is left open in the filter: close it with \"",
        ));
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    Ok(out)
}

impl Query {
    /// Reads a filter; an unknown field or a value that is not one is refused, saying what
    /// would be right.
    pub fn parse(text: &str) -> Result<Query, DomainError> {
        let mut terms = Vec::new();
        for token in tokens(text)? {
            let (not, body) = match token.strip_prefix('-') {
                Some(rest) if !rest.is_empty() => (true, rest),
                _ => (false, token.as_str()),
            };
            // `field:value` when what comes before the colon is a word of letters.
            match body.split_once(':') {
                Some((field, value))
                    if !field.is_empty() && field.chars().all(|c| c.is_ascii_alphabetic()) =>
                {
                    let field = field.to_ascii_lowercase();
                    terms.push(Term::Field {
                        cond: cond(&field, value)?,
                        not,
                    });
                }
                _ => terms.push(Term::Word {
                    text: body.to_string(),
                    not,
                }),
            }
        }
        Ok(Query { terms })
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// The free words to find, in order (joined by spaces), and those to leave out.
    pub fn words(&self) -> (String, Vec<String>) {
        let mut find = Vec::new();
        let mut out = Vec::new();
        for t in &self.terms {
            if let Term::Word { text, not } = t {
                if *not {
                    out.push(text.to_lowercase());
                } else {
                    find.push(text.as_str());
                }
            }
        }
        (find.join(" "), out)
    }

    /// Whether a record passes every field condition and none of the left-out words is in its
    /// title (the words to find are the caller's to match).
    pub fn passes(&self, r: &impl Fields, now: DateTime<Utc>) -> bool {
        self.terms.iter().all(|t| match t {
            Term::Field { cond, not } => holds(cond, r, now) != *not,
            Term::Word { text, not: true } => {
                !r.title().to_lowercase().contains(&text.to_lowercase())
            }
            Term::Word { .. } => true,
        })
    }
}

fn holds(c: &Cond, r: &impl Fields, now: DateTime<Utc>) -> bool {
    match c {
        Cond::Assignee(who) => r.assignee() == who.as_deref(),
        Cond::Label(l) => r.has_label(l),
        Cond::State(s) => r.state() == *s,
        Cond::Kind(k) => r.kind() == *k,
        Cond::Team(t) => r.team() == Some(*t),
        Cond::Origin(o) => r.origin() == *o,
        Cond::Class(c) => r.class() == *c,
        Cond::Project(p) => r.project() == p,
        Cond::Epic(e) => r.epic() == *e,
        Cond::Age(Age::Over(h)) => now - r.created() > Duration::hours(*h),
        Cond::Age(Age::Under(h)) => now - r.created() < Duration::hours(*h),
        Cond::Is(what) => match *what {
            "blocked" => r.blocked(),
            "open" => r.state().is_open(),
            "closed" => !r.state().is_open(),
            "unassigned" => r.assignee().is_none(),
            _ => r.class() == Class::Expedite,
        },
    }
}

impl fmt::Display for Query {
    /// The query as it would be typed: it reads back as the same query.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for t in &self.terms {
            if !first {
                f.write_str(" ")?;
            }
            first = false;
            let (not, text) = match t {
                Term::Field { cond, not } => (*not, cond_text(cond)),
                Term::Word { text, not }
                    if text.contains(char::is_whitespace) || text.starts_with('-') && !*not =>
                {
                    (*not, format!("\"{text}\""))
                }
                Term::Word { text, not } => (*not, text.clone()),
            };
            if not {
                f.write_str("-")?;
            }
            f.write_str(&text)?;
        }
        Ok(())
    }
}

fn cond_text(c: &Cond) -> String {
    match c {
        Cond::Assignee(None) => "assignee:none".into(),
        Cond::Assignee(Some(n)) => format!("assignee:{n}"),
        Cond::Label(l) => format!("label:{l}"),
        Cond::State(s) => format!("state:{s}"),
        Cond::Kind(k) => format!("kind:{k}"),
        Cond::Team(t) => format!("team:{t}"),
        Cond::Origin(o) => format!("origin:{o}"),
        Cond::Class(c) => format!("class:{c}"),
        Cond::Project(p) => format!("project:{p}"),
        Cond::Epic(None) => "epic:none".into(),
        Cond::Epic(Some(e)) => format!("epic:{e}"),
        Cond::Age(Age::Over(h)) => format!("age:>{}", age_text(*h)),
        Cond::Age(Age::Under(h)) => format!("age:<{}", age_text(*h)),
        Cond::Is(w) => format!("is:{w}"),
    }
}

#[cfg(test)]
mod tests;

/// A filter saved under a name, for `F1`..`F4` and `:view NAME` on the board and
/// `item list --view NAME`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct View {
    pub name: String,
    pub filter: String,
}

impl View {
    /// A view whose name is a word and whose filter reads.
    pub fn new(name: &str, filter: &str) -> Result<View, DomainError> {
        let ok = !name.is_empty()
            && name.chars().count() <= 32
            && name
                .chars()
                .all(|c| c.is_alphanumeric() || "-_.".contains(c));
        if !ok {
            return Err(DomainError::invalid(format!(
                "'{}' is not a view's name: use one word of up to 32 letters, digits, '-', '_' or '.'",
                super::text::safe_line(name)
            )));
        }
        let q = Query::parse(filter)?;
        if q.is_empty() {
            return Err(DomainError::invalid(
                "a view needs a filter: e.g. \"label:payments -is:blocked\"",
            ));
        }
        Ok(View {
            name: name.to_string(),
            filter: q.to_string(),
        })
    }
}

/// The views file's text as read: its views, or its mistake.
pub fn views_from(text: &str) -> Result<Vec<View>, String> {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct File {
        #[serde(default)]
        view: Vec<View>,
    }
    let file: File = toml::from_str(text).map_err(|e| e.to_string())?;
    let mut out: Vec<View> = Vec::new();
    for v in file.view {
        let v = View::new(&v.name, &v.filter).map_err(|e| e.to_string())?;
        if out.iter().any(|o| o.name == v.name) {
            return Err(format!("the view '{}' is there twice", v.name));
        }
        out.push(v);
    }
    Ok(out)
}

/// The views file's text for `views`.
pub fn views_text(views: &[View]) -> String {
    #[derive(serde::Serialize)]
    struct File<'a> {
        view: &'a [View],
    }
    let body = toml::to_string(&File { view: views }).unwrap_or_default();
    format!(
        "# firebreak's saved views: F1..F4 on the Backlog, :view NAME, item list --view NAME\n{body}"
    )
}
