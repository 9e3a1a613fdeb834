use super::*;
use chrono::TimeZone;

fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
}

fn t(at: DateTime<Utc>, to: IncidentState) -> Transition {
    Transition { at, to }
}

#[test]
fn the_defaults_are_the_issues_targets_and_read_back_as_written() {
    let sla = Sla::default();
    assert_eq!(
        sla.describe(),
        "P1 15m/4h · P2 1h/1d · P3 1d/5d · P4 5d/20d (round the clock)"
    );
    assert_eq!(sla.seconds(sla.resolution_of(Priority::P2)), 86_400);
    assert_eq!("90m".parse::<Span>().unwrap(), Span::Minutes(90));
    assert_eq!("2h".parse::<Span>().unwrap().to_string(), "2h");
    for bad in ["", "0m", "15", "m", "3w", "-1h", "400d", "99999999999h"] {
        assert!(bad.parse::<Span>().is_err(), "{bad}");
    }
    let set = parse_targets("P1=10m, p2=2h").unwrap();
    assert_eq!(
        set,
        [
            (Priority::P1, Span::Minutes(10)),
            (Priority::P2, Span::Minutes(120))
        ]
    );
    assert!(parse_targets("P5=1h").is_err());
    assert!(parse_targets("P1").is_err());
    let mut sla = Sla::default();
    let err = sla.set(&[(Priority::P1, Span::Days(1))], &[]).unwrap_err();
    assert!(
        err.to_string().contains("longer than its resolution"),
        "{err}"
    );
}

#[test]
fn a_p1_and_a_p4_keep_different_time() {
    let sla = Sla::default();
    let opened = at(2026, 3, 2, 10, 0);
    let now = at(2026, 3, 2, 10, 13);
    let p1 = clock(&sla, Priority::P1, opened, &[], now);
    assert_eq!(p1.running().unwrap().0, "response");
    assert_eq!(p1.response.left(), 2 * 60);
    assert!(p1.response.near(), "2 of 15 minutes left is within a fifth");
    assert_eq!(p1.mark(), "!2m");
    let p4 = clock(&sla, Priority::P4, opened, &[], now);
    assert!(!p4.response.near());
    assert_eq!(p4.mark(), "4d");
    // Twenty minutes on, nobody took the P1: breached, and still unanswered.
    let late = clock(&sla, Priority::P1, opened, &[], at(2026, 3, 2, 10, 20));
    assert_eq!(late.breach().unwrap().0, "response");
    assert_eq!(late.mark(), "✖+5m");
    // Taken at 10:09: response met; resolution runs.
    let taken = [t(at(2026, 3, 2, 10, 9), IncidentState::InProgress)];
    let c = clock(&sla, Priority::P1, opened, &taken, at(2026, 3, 2, 12, 0));
    assert_eq!(c.response.met(), Some(true));
    assert_eq!(c.running().unwrap().0, "resolution");
    assert_eq!(c.resolution.left(), 2 * 3600);
    // Resolved at 15:00, after 5 hours: resolution missed.
    let done = [
        t(at(2026, 3, 2, 10, 9), IncidentState::InProgress),
        t(at(2026, 3, 2, 15, 0), IncidentState::Resolved),
        t(at(2026, 3, 3, 9, 0), IncidentState::Closed),
    ];
    let c = clock(&sla, Priority::P1, opened, &done, at(2026, 3, 9, 0, 0));
    assert_eq!(c.resolution.met(), Some(false));
    assert_eq!(
        c.resolution.elapsed,
        5 * 3600,
        "closing does not move when it was resolved"
    );
    assert!(c.breach().is_none(), "a stopped clock waits on nobody");
    assert_eq!(c.mark(), "✖ late");
    assert_eq!(short(3600), "1h");
    assert_eq!(short(3 * 3600 + 20 * 60), "3h20");
    assert_eq!(short(3 * 86_400), "3d");
}

#[test]
fn on_hold_pauses_both_clocks() {
    let sla = Sla::default();
    let opened = at(2026, 3, 2, 10, 0);
    let steps = [
        t(at(2026, 3, 2, 10, 5), IncidentState::InProgress),
        t(at(2026, 3, 2, 11, 0), IncidentState::OnHold),
        t(at(2026, 3, 2, 14, 0), IncidentState::InProgress),
    ];
    let c = clock(&sla, Priority::P1, opened, &steps, at(2026, 3, 2, 15, 0));
    assert_eq!(c.resolution.elapsed, 2 * 3600, "5 hours less 3 on hold");
    assert!(!c.paused);
    let held = clock(
        &sla,
        Priority::P1,
        opened,
        &steps[..2],
        at(2026, 3, 2, 18, 0),
    );
    assert!(held.paused);
    assert_eq!(held.resolution.elapsed, 3600, "paused since 11:00");
    assert_eq!(held.mark(), "‖ held");
    // Held before anyone took it: the response clock pauses too.
    let early = [t(at(2026, 3, 2, 10, 5), IncidentState::OnHold)];
    let c = clock(&sla, Priority::P1, opened, &early, at(2026, 3, 2, 12, 0));
    assert_eq!(
        c.response.met(),
        Some(true),
        "a hold answers it: someone looked"
    );
}

#[test]
fn business_hours_count_only_working_time_across_weekends_and_holidays() {
    let mut sla = Sla {
        calendar: Some(Calendar::parse("Mon-Fri 09:00-17:00 UTC").unwrap()),
        ..Sla::default()
    };
    assert_eq!(sla.seconds(Span::Days(1)), 8 * 3600, "a working day");
    // Opened Friday 16:00, now Monday 10:00: one hour Friday, one Monday.
    let opened = at(2026, 3, 6, 16, 0);
    let c = clock(&sla, Priority::P2, opened, &[], at(2026, 3, 9, 10, 0));
    assert_eq!(c.response.elapsed, 2 * 3600);
    // Opened at night: nothing counts until nine.
    let c = clock(
        &sla,
        Priority::P1,
        at(2026, 3, 3, 2, 0),
        &[],
        at(2026, 3, 3, 9, 10),
    );
    assert_eq!(c.response.elapsed, 600);
    // Monday a holiday: Friday's hour and Tuesday's.
    sla.calendar.as_mut().unwrap().holidays = vec![NaiveDate::from_ymd_opt(2026, 3, 9).unwrap()];
    let c = clock(&sla, Priority::P2, opened, &[], at(2026, 3, 10, 10, 0));
    assert_eq!(c.response.elapsed, 2 * 3600);
    assert_eq!(
        sla.calendar.as_ref().unwrap().describe(),
        "Mon-Fri 09:00-17:00 UTC"
    );
    for bad in [
        "",
        "Mon-Fri 09:00-17:00",
        "Fri-Mon 09:00-17:00 UTC",
        "Mon-Fri 17:00-09:00 UTC",
        "Mon-Fri 09:00-17:00 Mars/Olympus",
        "Xyz 09:00-17:00 UTC",
    ] {
        assert!(Calendar::parse(bad).is_err(), "{bad}");
    }
    assert_eq!(
        Calendar::parse("Mon,Wed,Fri 08:00-12:00 UTC").unwrap().days,
        [0, 2, 4]
    );
}

#[test]
fn daylight_saving_keeps_working_hours_in_local_time() {
    let sla = Sla {
        calendar: Some(Calendar::parse("Mon-Sun 09:00-17:00 Europe/London").unwrap()),
        ..Sla::default()
    };
    // London springs forward on Sunday 29 March 2026: 09:00 local is 09:00 UTC on the 28th
    // and 08:00 UTC on the 29th. Opened 08:30 UTC each day.
    let before = clock(
        &sla,
        Priority::P1,
        at(2026, 3, 28, 8, 30),
        &[],
        at(2026, 3, 28, 9, 10),
    );
    assert_eq!(
        before.response.elapsed, 600,
        "GMT: work starts at 09:00 UTC"
    );
    let after = clock(
        &sla,
        Priority::P1,
        at(2026, 3, 29, 8, 30),
        &[],
        at(2026, 3, 29, 9, 10),
    );
    assert_eq!(
        after.response.elapsed,
        40 * 60,
        "BST: work started at 08:00 UTC"
    );
    // Across the change: Saturday 16:00 UTC to Sunday 09:00 UTC is 1 hour Saturday (to 17:00
    // GMT) and 1 hour Sunday (from 08:00 UTC).
    let across = clock(
        &sla,
        Priority::P3,
        at(2026, 3, 28, 16, 0),
        &[],
        at(2026, 3, 29, 9, 0),
    );
    assert_eq!(across.response.elapsed, 2 * 3600);
    // In the autumn, the day of the change is still 8 working hours.
    let autumn = clock(
        &sla,
        Priority::P3,
        at(2026, 10, 25, 0, 0),
        &[],
        at(2026, 10, 26, 0, 0),
    );
    assert_eq!(autumn.response.elapsed, 8 * 3600);
}

#[test]
fn targets_met_are_counted_per_priority_per_week() {
    let sla = Sla::default();
    let monday = at(2026, 3, 2, 10, 0);
    let quick = [
        t(at(2026, 3, 2, 10, 5), IncidentState::InProgress),
        t(at(2026, 3, 2, 11, 0), IncidentState::Resolved),
    ];
    let slow = [t(at(2026, 3, 2, 10, 30), IncidentState::InProgress)];
    let now = at(2026, 3, 2, 16, 0);
    let clocks = vec![
        (
            Priority::P1,
            monday,
            clock(&sla, Priority::P1, monday, &quick, now),
        ),
        (
            Priority::P1,
            monday,
            clock(&sla, Priority::P1, monday, &slow, now),
        ),
        (
            Priority::P3,
            at(2026, 3, 10, 9, 0),
            clock(&sla, Priority::P3, at(2026, 3, 10, 9, 0), &[], now),
        ),
    ];
    let met = met_per_week(&clocks);
    assert_eq!(met.len(), 2);
    assert_eq!(met[0].week, NaiveDate::from_ymd_opt(2026, 3, 2).unwrap());
    assert_eq!((met[0].responded, met[0].response_met), (2, 1));
    assert_eq!((met[0].resolved, met[0].resolution_met), (1, 1));
    assert_eq!(met[0].breached_open, 1, "the slow one is open past 4 hours");
    assert_eq!(met[1].priority, "P3");
}
