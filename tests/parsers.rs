//! Fuzz-style properties of every parser that reads what a user or a script hands in: import
//! JSON, pipeline TOML, keymap TOML and the handover template. Any input either loads or is
//! refused with a message; none panics. Inputs are random text and valid files cut and spliced
//! at random.

use firebreak::app::keymap::Keymap;
use firebreak::domain::handover::Template;
use firebreak::domain::pipeline::Pipeline;
use firebreak::store::transfer;
use proptest::prelude::*;
use std::sync::OnceLock;

const PIPELINE: &str = include_str!("../assets/demo-pipeline/pipeline.toml");
const TEMPLATE: &str = include_str!("../assets/handover.toml");
const KEYMAP: &str =
    "# mine\n[backlog]\nrank-top = \"T ctrl-t\"\nfilter = \"f /\"\n\n[global]\nrefresh = \"\"\n";

/// A small real export: the demo board as JSON.
fn export() -> &'static str {
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let mut store = firebreak::store::Store::create(&dir.path().join("b.db")).unwrap();
        firebreak::demo::build(&mut store, chrono::Utc::now()).unwrap();
        serde_json::to_string(&store.export().unwrap()).unwrap()
    })
}

/// A valid text with a random stretch replaced by random text: near misses reach deeper into
/// a parser than noise does.
fn spliced(valid: &'static str) -> impl Strategy<Value = String> {
    let len = valid.len();
    (0..=len, 0..=len, ".{0,12}").prop_map(move |(a, b, insert)| {
        let (from, to) = (a.min(b), a.max(b).min(from_plus(a.min(b), 40, len)));
        let mut out = String::new();
        out.push_str(cut(valid, from, true));
        out.push_str(&insert);
        out.push_str(cut(valid, to, false));
        out
    })
}

fn from_plus(from: usize, n: usize, len: usize) -> usize {
    (from + n).min(len)
}

/// The text before (or after) a byte offset, moved back to a character boundary.
fn cut(text: &str, mut at: usize, before: bool) -> &str {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    if before { &text[..at] } else { &text[at..] }
}

fn message_of<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn pipeline_toml_loads_or_is_refused_with_a_message(text in prop_oneof![".{0,200}", spliced(PIPELINE)]) {
        if let Err(e) = Pipeline::parse(&text) {
            prop_assert!(!message_of(e).is_empty());
        }
    }

    #[test]
    fn handover_templates_load_or_are_refused_with_a_message(text in prop_oneof![".{0,200}", spliced(TEMPLATE)]) {
        if let Err(e) = Template::parse(&text) {
            prop_assert!(!message_of(e).is_empty());
        }
    }

    #[test]
    fn keymaps_load_or_are_refused_line_by_line(text in prop_oneof![".{0,200}", spliced(KEYMAP)]) {
        if let Err(errors) = Keymap::with_overrides(&text) {
            prop_assert!(!errors.is_empty());
            for e in errors {
                prop_assert!(e.starts_with("line "), "{e}");
            }
        }
    }

    #[test]
    fn import_json_loads_or_is_refused_with_a_message(text in prop_oneof![".{0,200}", spliced(export())]) {
        if let Err(e) = transfer::parse(&text) {
            prop_assert!(!message_of(e).is_empty());
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// What parses is then imported whole into a new board, or refused and leaves none; read
    /// as it comes (as `firebreak import` reads a file), any text is one or the other, and what
    /// parses is imported the same way both ways.
    #[test]
    fn a_parsed_export_imports_whole_or_leaves_no_board(text in spliced(export())) {
        let dir = tempfile::tempdir().unwrap();
        let streamed = dir.path().join("streamed.db");
        let by_stream = transfer::import_from(&streamed, text.as_bytes(), chrono::Utc::now());
        match &by_stream {
            Ok(_) => prop_assert!(firebreak::store::Store::open(&streamed, true).is_ok()),
            Err(e) => {
                prop_assert!(!e.to_string().is_empty());
                prop_assert!(!streamed.exists(), "a refused import leaves no board");
            }
        }
        if let Ok(parsed) = transfer::parse(&text) {
            let path = dir.path().join("imported.db");
            match transfer::import(&path, &parsed, chrono::Utc::now()) {
                Ok(made) => {
                    prop_assert!(firebreak::store::Store::open(&path, true).is_ok());
                    prop_assert_eq!(by_stream.ok(), Some(made));
                }
                Err(e) => {
                    prop_assert!(!message_of(e).is_empty());
                    prop_assert!(!path.exists(), "a refused import leaves no board");
                }
            }
        }
    }
}
