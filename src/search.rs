//! Free words found in a title the way the board's filter finds them: fuzzily, case ignored,
//! shared by the board and `item list --filter`.

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

pub struct Words {
    pattern: Pattern,
    matcher: Matcher,
    buf: Vec<char>,
    any: bool,
}

impl Words {
    pub fn new(words: &str) -> Words {
        Words {
            pattern: Pattern::parse(words, CaseMatching::Ignore, Normalization::Smart),
            matcher: Matcher::new(Config::DEFAULT),
            buf: Vec::new(),
            any: !words.trim().is_empty(),
        }
    }

    /// Whether the title holds the words (always, with none to find).
    pub fn found_in(&mut self, title: &str) -> bool {
        !self.any
            || self
                .pattern
                .score(Utf32Str::new(title, &mut self.buf), &mut self.matcher)
                .is_some()
    }
}
