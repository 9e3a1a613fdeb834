//! Incident service levels: each project's response and resolution targets per priority,
//! counted round the clock or in the working hours of a calendar (its time zone, daylight
//! saving included), the clock paused while an incident is on hold. Pure: the clock is read
//! from an incident's transitions and a time.

use super::error::DomainError;
use super::incident::{IncidentState, Priority};
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};

/// A target: minutes, or days (24 hours round the clock; a working day in business hours).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Span {
    Minutes(u32),
    Days(u32),
}

impl std::str::FromStr for Span {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let bad = || {
            DomainError::invalid(format!(
                "'{s}' is not a target: write minutes, hours or days, e.g. 15m, 4h, 5d"
            ))
        };
        let (n, unit) = t.split_at(t.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?);
        let n: u32 = n.parse().map_err(|_| bad())?;
        if n == 0 {
            return Err(DomainError::invalid(format!(
                "a target of {s} is met by nothing: give at least 1m"
            )));
        }
        let span = match unit {
            "m" | "min" => Span::Minutes(n),
            "h" => Span::Minutes(n.checked_mul(60).ok_or_else(bad)?),
            "d" => Span::Days(n),
            _ => return Err(bad()),
        };
        if span.nominal_minutes() > 366 * 24 * 60 {
            return Err(DomainError::invalid(format!(
                "a target of {s} is more than a year: give at most 366d"
            )));
        }
        Ok(span)
    }
}

impl Span {
    fn nominal_minutes(self) -> u64 {
        match self {
            Span::Minutes(m) => u64::from(m),
            Span::Days(d) => u64::from(d) * 24 * 60,
        }
    }
}

impl std::fmt::Display for Span {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Span::Days(d) => write!(f, "{d}d"),
            Span::Minutes(m) if m % 60 == 0 => write!(f, "{}h", m / 60),
            Span::Minutes(m) => write!(f, "{m}m"),
        }
    }
}

impl TryFrom<String> for Span {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<Span> for String {
    fn from(s: Span) -> String {
        s.to_string()
    }
}

/// The working hours targets are counted in: the days of the week, the hours of each (local
/// time in `tz`), and holidays.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Calendar {
    /// An IANA time zone, e.g. Europe/London.
    pub tz: String,
    /// Monday = 0 … Sunday = 6.
    pub days: Vec<u8>,
    pub start: NaiveTime,
    pub end: NaiveTime,
    #[serde(default)]
    pub holidays: Vec<NaiveDate>,
}

const DAY_NAMES: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

impl Calendar {
    /// Reads "Mon-Fri 09:00-17:30 Europe/London" (days as a range or a list: `Mon,Wed,Fri`).
    pub fn parse(text: &str) -> Result<Calendar, DomainError> {
        let bad = |why: &str| {
            DomainError::invalid(format!(
                "'{text}' is not working hours: {why}; write e.g. `Mon-Fri 09:00-17:30 Europe/London`, or `24x7`"
            ))
        };
        let words: Vec<&str> = text.split_whitespace().collect();
        let [days, hours, tz] = words[..] else {
            return Err(bad("give the days, the hours and the time zone"));
        };
        let day = |d: &str| {
            DAY_NAMES
                .iter()
                .position(|n| n.eq_ignore_ascii_case(d))
                .map(|p| p as u8)
                .ok_or_else(|| bad(&format!("'{d}' is not a day (Mon … Sun)")))
        };
        let mut list = Vec::new();
        for part in days.split(',') {
            match part.split_once('-') {
                Some((a, b)) => {
                    let (a, b) = (day(a)?, day(b)?);
                    if a > b {
                        return Err(bad("a range of days runs Monday to Sunday"));
                    }
                    list.extend(a..=b);
                }
                None => list.push(day(part)?),
            }
        }
        list.sort_unstable();
        list.dedup();
        let (start, end) = hours
            .split_once('-')
            .ok_or_else(|| bad("give the hours as 09:00-17:30"))?;
        let time = |t: &str| {
            NaiveTime::parse_from_str(t, "%H:%M").map_err(|_| bad(&format!("'{t}' is not a time")))
        };
        let (start, end) = (time(start)?, time(end)?);
        if start >= end {
            return Err(bad("the day ends after it starts"));
        }
        tz.parse::<chrono_tz::Tz>()
            .map_err(|_| bad(&format!("'{tz}' is not a time zone (an IANA name)")))?;
        Ok(Calendar {
            tz: tz.to_string(),
            days: list,
            start,
            end,
            holidays: Vec::new(),
        })
    }

    fn zone(&self) -> chrono_tz::Tz {
        self.tz.parse().unwrap_or(chrono_tz::UTC)
    }

    /// A working day's length.
    fn day_seconds(&self) -> i64 {
        (self.end - self.start).num_seconds()
    }

    fn works_on(&self, d: NaiveDate) -> bool {
        self.days
            .contains(&(d.weekday().num_days_from_monday() as u8))
            && !self.holidays.contains(&d)
    }

    /// The instant a local time of day falls on: in the gap of a spring-forward, the first
    /// instant after it; in the overlap of a fall-back, the first of the two.
    fn at(&self, d: NaiveDate, t: NaiveTime) -> DateTime<Utc> {
        let zone = self.zone();
        let mut local = d.and_time(t);
        for _ in 0..4 {
            if let Some(x) = zone.from_local_datetime(&local).earliest() {
                return x.with_timezone(&Utc);
            }
            local += Duration::minutes(30);
        }
        Utc.from_utc_datetime(&d.and_time(t))
    }

    /// The working seconds between two instants.
    fn working_seconds(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
        if to <= from {
            return 0;
        }
        let zone = self.zone();
        let first = from.with_timezone(&zone).date_naive();
        let last = to.with_timezone(&zone).date_naive();
        let mut total = 0;
        let mut d = first;
        while d <= last {
            if self.works_on(d) {
                let open = self.at(d, self.start).max(from);
                let close = self.at(d, self.end).min(to);
                if close > open {
                    total += (close - open).num_seconds();
                }
            }
            d = d.succ_opt().unwrap_or(d);
            if d == NaiveDate::MAX {
                break;
            }
        }
        total
    }

    /// How it is said: "Mon-Fri 09:00-17:30 Europe/London".
    pub fn describe(&self) -> String {
        let contiguous = self.days.windows(2).all(|w| w[1] == w[0] + 1);
        let days = match (self.days.first(), self.days.last()) {
            (Some(a), Some(b)) if contiguous && a != b => {
                format!("{}-{}", DAY_NAMES[*a as usize], DAY_NAMES[*b as usize])
            }
            _ => self
                .days
                .iter()
                .map(|d| DAY_NAMES[*d as usize])
                .collect::<Vec<_>>()
                .join(","),
        };
        format!(
            "{days} {}-{} {}",
            self.start.format("%H:%M"),
            self.end.format("%H:%M"),
            self.tz
        )
    }
}

/// A project's targets: response (someone takes it) and resolution, per priority P1…P4, and
/// the working hours they are counted in (round the clock when none).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sla {
    pub response: [Span; 4],
    pub resolution: [Span; 4],
    #[serde(default)]
    pub calendar: Option<Calendar>,
}

impl Default for Sla {
    /// P1 15 min / 4 h, P2 1 h / 1 d, P3 1 d / 5 d, P4 5 d / 20 d, round the clock.
    fn default() -> Self {
        Sla {
            response: [
                Span::Minutes(15),
                Span::Minutes(60),
                Span::Days(1),
                Span::Days(5),
            ],
            resolution: [
                Span::Minutes(240),
                Span::Days(1),
                Span::Days(5),
                Span::Days(20),
            ],
            calendar: None,
        }
    }
}

fn index(p: Priority) -> usize {
    match p {
        Priority::P1 => 0,
        Priority::P2 => 1,
        Priority::P3 => 2,
        Priority::P4 => 3,
    }
}

/// Reads "P1=15m,P2=1h" (or space separated) into the targets it changes.
pub fn parse_targets(text: &str) -> Result<Vec<(Priority, Span)>, DomainError> {
    let mut out = Vec::new();
    for part in text.split([',', ' ']).filter(|p| !p.trim().is_empty()) {
        let (p, span) = part.split_once('=').ok_or_else(|| {
            DomainError::invalid(format!(
                "'{part}' is not a target: write PRIORITY=TIME, e.g. P1=15m"
            ))
        })?;
        let p: Priority = p
            .trim()
            .to_ascii_uppercase()
            .parse()
            .map_err(|e: super::vocab::UnknownName| DomainError::invalid(e.to_string()))?;
        out.push((p, span.parse()?));
    }
    if out.is_empty() {
        return Err(DomainError::invalid(
            "no target given: write PRIORITY=TIME, e.g. P1=15m,P2=1h",
        ));
    }
    Ok(out)
}

impl Sla {
    pub fn response_of(&self, p: Priority) -> Span {
        self.response[index(p)]
    }

    pub fn resolution_of(&self, p: Priority) -> Span {
        self.resolution[index(p)]
    }

    /// Sets targets; a response target longer than its resolution is refused.
    pub fn set(
        &mut self,
        response: &[(Priority, Span)],
        resolution: &[(Priority, Span)],
    ) -> Result<(), DomainError> {
        for (p, s) in response {
            self.response[index(*p)] = *s;
        }
        for (p, s) in resolution {
            self.resolution[index(*p)] = *s;
        }
        for p in [Priority::P1, Priority::P2, Priority::P3, Priority::P4] {
            if self.seconds(self.response_of(p)) > self.seconds(self.resolution_of(p)) {
                return Err(DomainError::invalid(format!(
                    "{p}'s response target ({}) is longer than its resolution target ({}): an incident is taken before it is resolved",
                    self.response_of(p),
                    self.resolution_of(p)
                )));
            }
        }
        Ok(())
    }

    /// A target in counted seconds: a day is 24 hours round the clock, a working day in
    /// business hours.
    pub fn seconds(&self, span: Span) -> i64 {
        match (span, &self.calendar) {
            (Span::Minutes(m), _) => i64::from(m) * 60,
            (Span::Days(d), None) => i64::from(d) * 86_400,
            (Span::Days(d), Some(c)) => i64::from(d) * c.day_seconds(),
        }
    }

    /// The seconds the clock counts between two instants.
    fn counted(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
        match &self.calendar {
            None => (to - from).num_seconds().max(0),
            Some(c) => c.working_seconds(from, to),
        }
    }

    /// How the targets are said: "P1 15m/4h · P2 1h/1d · … (Mon-Fri 09:00-17:30 Europe/London)".
    pub fn describe(&self) -> String {
        let targets: Vec<String> = [Priority::P1, Priority::P2, Priority::P3, Priority::P4]
            .iter()
            .map(|p| format!("{p} {}/{}", self.response_of(*p), self.resolution_of(*p)))
            .collect();
        let hours = match &self.calendar {
            Some(c) => c.describe(),
            None => "round the clock".into(),
        };
        format!("{} ({hours})", targets.join(" · "))
    }
}

/// An incident's state from a moment on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition {
    pub at: DateTime<Utc>,
    pub to: IncidentState,
}

/// One target's clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Measure {
    /// The target, in counted seconds.
    pub target: i64,
    /// Counted so far (or until it was met), pauses left out.
    pub elapsed: i64,
    /// Whether it stopped: the incident was taken (response) or resolved (resolution).
    pub stopped: bool,
}

impl Measure {
    pub fn left(&self) -> i64 {
        self.target - self.elapsed
    }

    pub fn breached(&self) -> bool {
        self.elapsed > self.target
    }

    /// Still running, not breached, with a fifth of its target or less left.
    pub fn near(&self) -> bool {
        !self.stopped && !self.breached() && self.left() * 5 <= self.target
    }

    pub fn met(&self) -> Option<bool> {
        self.stopped.then_some(!self.breached())
    }
}

/// An incident's two clocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Clock {
    pub response: Measure,
    pub resolution: Measure,
    /// On hold now: the clocks are paused.
    pub paused: bool,
}

impl Clock {
    /// The clock that matters now: response until someone takes it, then resolution.
    pub fn running(&self) -> Option<(&'static str, &Measure)> {
        if !self.response.stopped {
            Some(("response", &self.response))
        } else if !self.resolution.stopped {
            Some(("resolution", &self.resolution))
        } else {
            None
        }
    }

    /// A target missed and still unanswered: what `status` lists and waits on.
    pub fn breach(&self) -> Option<(&'static str, &Measure)> {
        self.running().filter(|(_, m)| m.breached())
    }

    /// A short mark (at most 7 columns) for a list: time left, `!` when near, `✖` when
    /// breached, `‖` on hold, `✔ met`/`✖ late` once both clocks stopped.
    pub fn mark(&self) -> String {
        match self.running() {
            Some((_, m)) if m.breached() => format!("✖+{}", short(-m.left())),
            Some(_) if self.paused => "‖ held".into(),
            Some((_, m)) if m.near() => format!("!{}", short(m.left())),
            Some((_, m)) => short(m.left()),
            None if self.response.breached() || self.resolution.breached() => "✖ late".into(),
            None => "✔ met".into(),
        }
    }
}

/// "45s", "12m", "3h", "3h20", "2d": at most 5 columns below 1,000 days.
pub fn short(seconds: i64) -> String {
    let s = seconds.max(0);
    if s < 60 {
        format!("{s}s")
    } else if s < 3600 {
        format!("{}m", s / 60)
    } else if s < 2 * 86_400 && s % 3600 < 60 {
        format!("{}h", s / 3600)
    } else if s < 2 * 86_400 {
        format!("{}h{:02}", s / 3600, (s % 3600) / 60)
    } else {
        format!("{}d", s / 86_400)
    }
}

/// The clocks of an incident of `priority` opened at `opened`, from its transitions in order.
/// Response stops when it first leaves `new`; resolution when it is resolved; on hold pauses
/// both.
pub fn clock(
    sla: &Sla,
    priority: Priority,
    opened: DateTime<Utc>,
    transitions: &[Transition],
    now: DateTime<Utc>,
) -> Clock {
    let responded = transitions
        .iter()
        .find(|t| t.to != IncidentState::New)
        .map(|t| t.at);
    // When it was resolved: the first of the run of resolved (then closed) it ends with.
    let resolved = transitions
        .iter()
        .rev()
        .take_while(|t| matches!(t.to, IncidentState::Resolved | IncidentState::Closed))
        .last()
        .map(|t| t.at);
    // The spans on hold.
    let mut holds: Vec<(DateTime<Utc>, DateTime<Utc>)> = Vec::new();
    let mut held_since: Option<DateTime<Utc>> = None;
    for t in transitions {
        match (t.to, held_since) {
            (IncidentState::OnHold, None) => held_since = Some(t.at),
            (IncidentState::OnHold, Some(_)) => {}
            (_, Some(since)) => {
                holds.push((since, t.at));
                held_since = None;
            }
            (_, None) => {}
        }
    }
    if let Some(since) = held_since {
        holds.push((since, now.max(since)));
    }
    let measure = |target: Span, stop: Option<DateTime<Utc>>| {
        let end = stop.unwrap_or(now).max(opened);
        let paused: i64 = holds
            .iter()
            .map(|(a, b)| sla.counted((*a).max(opened), (*b).min(end)))
            .sum();
        Measure {
            target: sla.seconds(target),
            elapsed: (sla.counted(opened, end) - paused).max(0),
            stopped: stop.is_some(),
        }
    };
    Clock {
        response: measure(sla.response_of(priority), responded),
        resolution: measure(sla.resolution_of(priority), resolved),
        paused: held_since.is_some(),
    }
}

/// The targets an incident counts against: those it was logged with, else (logged before
/// they were kept) its project's now, else the defaults.
pub fn targets_of<'a>(i: &'a super::incident::Incident, projects: &'a [super::Project]) -> &'a Sla {
    static DEFAULT: std::sync::LazyLock<Sla> = std::sync::LazyLock::new(Sla::default);
    i.sla.as_ref().unwrap_or_else(|| {
        projects
            .iter()
            .find(|p| p.name == i.project)
            .map_or(&*DEFAULT, |p| &p.sla)
    })
}

/// An incident's clocks as of `now`, from its transitions in order.
pub fn incident_clock(
    i: &super::incident::Incident,
    projects: &[super::Project],
    transitions: &[Transition],
    now: DateTime<Utc>,
) -> Clock {
    clock(
        targets_of(i, projects),
        i.priority,
        i.opened,
        transitions,
        now,
    )
}

/// The Monday of the ISO week `at` falls in: how reports group incidents by week.
pub fn week_of(at: DateTime<Utc>) -> NaiveDate {
    let d = at.date_naive();
    d - Duration::days(i64::from(d.weekday().num_days_from_monday()))
}

/// Targets met in one week for one priority: of the incidents opened that week whose clock
/// stopped, how many within target.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Met {
    pub week: NaiveDate,
    pub priority: String,
    pub responded: u32,
    pub response_met: u32,
    pub resolved: u32,
    pub resolution_met: u32,
    /// Still open with a target already missed.
    pub breached_open: u32,
}

/// Targets met per priority per week, oldest week first, from each incident's priority,
/// opening and clock.
pub fn met_per_week(clocks: &[(Priority, DateTime<Utc>, Clock)]) -> Vec<Met> {
    let mut out: std::collections::BTreeMap<(NaiveDate, String), Met> = Default::default();
    for (p, opened, c) in clocks {
        let week = week_of(*opened);
        let m = out.entry((week, p.to_string())).or_insert_with(|| Met {
            week,
            priority: p.to_string(),
            ..Met::default()
        });
        if let Some(ok) = c.response.met() {
            m.responded += 1;
            m.response_met += u32::from(ok);
        }
        if let Some(ok) = c.resolution.met() {
            m.resolved += 1;
            m.resolution_met += u32::from(ok);
        }
        if c.breach().is_some() {
            m.breached_open += 1;
        }
    }
    out.into_values().collect()
}

/// Targets met as lines of a report: a heading, then a line per week and priority, e.g.
/// "2026-03-02  P1  response 1/2 (50%)  resolution 1/1 (100%)  1 open late".
pub fn met_lines(met: &[Met]) -> Vec<String> {
    let mut out = vec!["Incident targets met, by week opened and priority".to_string()];
    if met.is_empty() {
        out.push("  No incident was opened in the period.".into());
        return out;
    }
    let part = |what: &str, met: u32, of: u32| match (met * 100).checked_div(of) {
        Some(share) => format!("{what} {met}/{of} ({share}%)"),
        None => format!("{what} -"),
    };
    for m in met {
        let mut line = format!(
            "  {}  {}  {:<20}  {:<22}",
            m.week,
            m.priority,
            part("response", m.response_met, m.responded),
            part("resolution", m.resolution_met, m.resolved)
        );
        if m.breached_open > 0 {
            line.push_str(&format!("  {} open late", m.breached_open));
        }
        out.push(line.trim_end().to_string());
    }
    out
}

#[cfg(test)]
mod tests;
