use super::*;
use chrono::TimeZone;
use proptest::prelude::*;

struct Rec {
    title: &'static str,
    assignee: Option<&'static str>,
    labels: &'static [&'static str],
    state: State,
    team: Option<Team>,
    blocked: bool,
    days_old: i64,
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 10, 9, 0, 0).unwrap()
}

impl Fields for Rec {
    fn id(&self) -> ItemId {
        ItemId(7)
    }
    fn title(&self) -> &str {
        self.title
    }
    fn assignee(&self) -> Option<&str> {
        self.assignee
    }
    fn has_label(&self, label: &str) -> bool {
        self.labels.contains(&label)
    }
    fn state(&self) -> State {
        self.state
    }
    fn kind(&self) -> Kind {
        Kind::Defect
    }
    fn team(&self) -> Option<Team> {
        self.team
    }
    fn origin(&self) -> Origin {
        Origin::Incident
    }
    fn class(&self) -> Class {
        Class::Standard
    }
    fn project(&self) -> &str {
        "bau"
    }
    fn created(&self) -> DateTime<Utc> {
        now() - Duration::days(self.days_old)
    }
    fn blocked(&self) -> bool {
        self.blocked
    }
    fn epic(&self) -> Option<ItemId> {
        Some(ItemId(12))
    }
}

fn rec() -> Rec {
    Rec {
        title: "Payment page times out under load",
        assignee: Some("sam"),
        labels: &["payments"],
        state: State::InProgress,
        team: Some(Team::Ams),
        blocked: false,
        days_old: 6,
    }
}

fn passes(q: &str, r: &Rec) -> bool {
    Query::parse(q).unwrap().passes(r, now())
}

#[test]
fn each_field_and_its_negation() {
    let r = rec();
    for yes in [
        "assignee:sam",
        "label:payments",
        "label:PAYMENTS",
        "state:in-progress",
        "kind:defect",
        "team:ams",
        "origin:incident",
        "class:standard",
        "project:bau",
        "epic:FB-12",
        "-epic:none",
        "age:>5d",
        "age:<1w",
        "age:>100h",
        "is:open",
        "-is:blocked",
        "-assignee:none",
        "-label:a11y",
        "-slow",
        "state:in-progress team:ams anything at all",
    ] {
        assert!(passes(yes, &r), "{yes}");
    }
    for no in [
        "assignee:lee",
        "epic:FB-13",
        "epic:none",
        "assignee:none",
        "is:unassigned",
        "label:a11y",
        "-label:payments",
        "state:review",
        "team:appdev",
        "age:<5d",
        "age:>2w",
        "is:blocked",
        "is:closed",
        "-payment",
        "-\"under load\"",
    ] {
        assert!(!passes(no, &r), "{no}");
    }
    let (find, out) = Query::parse("payment -slow \"under load\" state:review")
        .unwrap()
        .words();
    assert_eq!(find, "payment under load");
    assert_eq!(out, ["slow"]);
}

#[test]
fn unknown_fields_and_bad_values_are_refused_with_what_is_right() {
    let err = Query::parse("owner:sam").unwrap_err();
    assert_eq!(err.exit_code(), 2);
    assert!(
        err.to_string().contains("use assignee, label, state"),
        "{err}"
    );
    for (bad, says) in [
        ("state:wat", "state"),
        ("age:soon", "age:>5d"),
        ("is:lost", "is: takes blocked"),
        ("label:two:words", "not a label"),
        ("assignee:Sam Smith\"", "quote"),
        ("kind:", "needs a value"),
    ] {
        let err = Query::parse(bad).unwrap_err().to_string();
        assert!(err.contains(says), "{bad}: {err}");
    }
    // A colon after what is not a word of letters is a free word: a time, a URL's port.
    assert_eq!(
        Query::parse("10:30").unwrap().terms,
        [Term::Word {
            text: "10:30".into(),
            not: false
        }]
    );
}

proptest! {
    #[test]
    fn every_printed_filter_parses_back_to_the_same_query(text in "[ a-z:\\-\"<>0-9.]{0,40}") {
        if let Ok(q) = Query::parse(&text) {
            let printed = q.to_string();
            let again = Query::parse(&printed).unwrap();
            prop_assert_eq!(&again, &q, "{} printed as {}", text, printed);
            prop_assert_eq!(again.to_string(), printed);
        }
    }

    #[test]
    fn any_text_is_parsed_or_refused_with_a_message_never_a_panic(text in "\\PC{0,60}") {
        match Query::parse(&text) {
            Ok(q) => { let _ = q.passes(&rec(), now()); }
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
    }

    #[test]
    fn fields_and_words_built_at_random_round_trip(
        fields in proptest::collection::vec((0usize..9, any::<bool>()), 0..6),
        words in proptest::collection::vec(("[a-z]{1,8}( [a-z]{1,5})?", any::<bool>()), 0..4),
    ) {
        let values = ["assignee:sam", "label:payments", "state:review", "kind:defect",
            "team:ams", "origin:pipeline", "age:>5d", "is:blocked", "epic:FB-3"];
        let mut text = Vec::new();
        for (f, not) in &fields {
            text.push(format!("{}{}", if *not { "-" } else { "" }, values[*f]));
        }
        for (w, not) in &words {
            text.push(format!("{}\"{w}\"", if *not { "-" } else { "" }));
        }
        let q = Query::parse(&text.join(" ")).unwrap();
        prop_assert_eq!(q.terms.len(), fields.len() + words.len());
        prop_assert_eq!(Query::parse(&q.to_string()).unwrap(), q);
    }
}

#[test]
fn views_are_named_filters_kept_in_a_file_that_reads_back() {
    let views = vec![
        View::new("payments", "label:payments  -is:blocked").unwrap(),
        View::new("mine", "assignee:sam is:open").unwrap(),
    ];
    assert_eq!(
        views[0].filter, "label:payments -is:blocked",
        "kept as printed"
    );
    assert_eq!(views_from(&views_text(&views)).unwrap(), views);
    assert!(View::new("two words", "x").is_err());
    assert!(View::new("empty", "  ").is_err());
    assert!(View::new("bad", "owner:x").is_err());
    let twice = "[[view]]\nname = \"a\"\nfilter = \"x\"\n[[view]]\nname = \"a\"\nfilter = \"y\"\n";
    assert!(views_from(twice).unwrap_err().contains("twice"));
    assert!(
        views_from("[[view]]\nname = \"a\"\n").is_err(),
        "a filter is needed"
    );
    assert!(views_from("view = 3").is_err());
    assert_eq!(views_from("").unwrap(), []);
}
