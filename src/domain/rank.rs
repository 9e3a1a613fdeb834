//! Fractional rank keys: strings that sort bytewise, so moving an item writes its row only.
//!
//! A key is a base-62 fraction `0.d1d2d3…` written without the leading `0.` and without
//! trailing zero digits. Between any two distinct keys there is always another one, so an
//! item can be placed between two neighbours without touching either.

/// The digits, in ascending byte order: `0-9`, `A-Z`, `a-z`.
const DIGITS: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const BASE: usize = 62;

/// Past this length a key is long enough that the board should re-space its keys.
pub const RESPACE_AT: usize = 24;

fn value(d: u8) -> usize {
    match d {
        b'0'..=b'9' => (d - b'0') as usize,
        b'A'..=b'Z' => (d - b'A') as usize + 10,
        b'a'..=b'z' => (d - b'a') as usize + 36,
        _ => 0,
    }
}

/// Whether `key` is a well-formed rank key: non-empty, base-62 digits, no trailing zero.
pub fn is_valid(key: &str) -> bool {
    !key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric()) && !key.ends_with('0')
}

/// A key strictly between `before` and `after`; `None` stands for the start or the end.
///
/// Callers pass `before < after`; for anything else the result still sorts after `before`.
/// At an end the key steps one digit past its neighbour instead of halving the gap, so
/// moving items to the top (or adding them at the bottom) again and again grows keys by one
/// character per 61 moves rather than per six.
pub fn between(before: Option<&str>, after: Option<&str>) -> String {
    match (before, after) {
        (None, Some(hi)) if is_valid(hi) => return step_before(hi.as_bytes()),
        (Some(lo), None) if is_valid(lo) => return step_after(lo.as_bytes()),
        _ => {}
    }
    let lo = before.unwrap_or("").as_bytes();
    let hi = after.map(str::as_bytes).filter(|h| h > &lo);
    let mut out = Vec::with_capacity(lo.len().max(hi.map_or(0, <[u8]>::len)) + 1);
    midpoint(lo, hi, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// The shortest nearby key below a valid key.
fn step_before(key: &[u8]) -> String {
    let mut out = String::new();
    let mut rest = key;
    loop {
        match rest.first().map(|d| value(*d)) {
            Some(v) if v >= 2 => {
                out.push(DIGITS[v - 1] as char);
                return out;
            }
            Some(1) => {
                out.push_str("0z");
                return out;
            }
            // A leading zero: keep it and step below what follows (a valid key has more).
            Some(_) => {
                out.push('0');
                rest = &rest[1..];
            }
            None => {
                out.push('V');
                return out;
            }
        }
    }
}

/// The shortest nearby key above a valid key.
fn step_after(key: &[u8]) -> String {
    let mut out = String::new();
    let mut rest = key;
    loop {
        match rest.first().map(|d| value(*d)) {
            Some(v) if v + 1 < BASE => {
                out.push(DIGITS[v + 1] as char);
                return out;
            }
            Some(_) => {
                out.push('z');
                rest = &rest[1..];
            }
            None => {
                out.push('1');
                return out;
            }
        }
    }
}

fn midpoint(lo: &[u8], hi: Option<&[u8]>, out: &mut Vec<u8>) {
    let mut lo = lo;
    let mut hi = hi;
    loop {
        // Share the common prefix (with `lo` padded by zeros).
        if let Some(h) = hi {
            let n = h
                .iter()
                .enumerate()
                .take_while(|(i, d)| lo.get(*i).copied().unwrap_or(b'0') == **d)
                .count();
            if n > 0 {
                out.extend_from_slice(&h[..n]);
                lo = lo.get(n..).unwrap_or(&[]);
                hi = Some(&h[n..]);
                continue;
            }
        }
        let dl = lo.first().map_or(0, |d| value(*d));
        let dh = hi.and_then(|h| h.first()).map_or(BASE, |d| value(*d));
        if dh - dl > 1 {
            out.push(DIGITS[(dl + dh) / 2]);
            return;
        }
        // Consecutive first digits.
        if let Some(h) = hi.filter(|h| h.len() > 1) {
            out.push(h[0]);
            return;
        }
        out.push(DIGITS[dl]);
        lo = lo.get(1..).unwrap_or(&[]);
        hi = None;
    }
}

/// `n` keys in ascending order, spread evenly over the key space, all of one short length.
pub fn spaced(n: usize) -> Vec<String> {
    let mut width = 1;
    let mut span = BASE;
    while span <= n {
        width += 1;
        span *= BASE;
    }
    let step = span / (n + 1);
    (1..=n)
        .map(|i| {
            let mut v = i * step;
            let mut digits = vec![b'0'; width];
            for slot in digits.iter_mut().rev() {
                *slot = DIGITS[v % BASE];
                v /= BASE;
            }
            while digits.len() > 1 && digits.last() == Some(&b'0') {
                digits.pop();
            }
            String::from_utf8(digits).unwrap_or_default()
        })
        .collect()
}

/// `n` ascending keys, all after `last` (or anywhere when `None`), all of one short length
/// past a common prefix: how many new items are appended at once.
pub fn spaced_after(last: Option<&str>, n: usize) -> Vec<String> {
    let prefix = match last {
        Some(l) => between(Some(l), None),
        None => String::new(),
    };
    spaced(n)
        .into_iter()
        .map(|k| format!("{prefix}{k}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn between_the_ends_is_the_middle_digit() {
        assert_eq!(between(None, None), "V");
    }

    #[test]
    fn between_consecutive_digits_goes_one_level_deeper() {
        let k = between(Some("A"), Some("B"));
        assert!("A" < k.as_str() && k.as_str() < "B", "{k}");
        assert!(is_valid(&k));
    }

    #[test]
    fn a_key_before_the_smallest_digit_stays_valid() {
        let k = between(None, Some("01"));
        assert!(k.as_str() < "01" && is_valid(&k), "{k}");
    }

    #[test]
    fn repeated_moves_to_either_end_grow_keys_slowly() {
        let (mut first, mut last) = (between(None, None), between(None, None));
        for _ in 0..1000 {
            let k = between(None, Some(&first));
            assert!(k < first && is_valid(&k), "{k} !< {first}");
            first = k;
            let k = between(Some(&last), None);
            assert!(k > last && is_valid(&k), "{k} !> {last}");
            last = k;
        }
        assert!(first.len() < RESPACE_AT, "{first}");
        assert!(last.len() < RESPACE_AT, "{last}");
    }

    #[test]
    fn spaced_keys_are_strictly_ascending_and_valid() {
        for n in [1, 2, 61, 62, 100, 5000] {
            let keys = spaced(n);
            assert_eq!(keys.len(), n);
            assert!(keys.windows(2).all(|w| w[0] < w[1]), "n={n}");
            assert!(keys.iter().all(|k| is_valid(k)), "n={n}");
        }
    }

    #[test]
    fn keys_appended_in_bulk_sort_after_the_last_one() {
        let keys = spaced_after(Some("zzzV"), 1000);
        assert!(keys.first().unwrap().as_str() > "zzzV");
        assert!(keys.windows(2).all(|w| w[0] < w[1]));
        assert!(keys.iter().all(|k| is_valid(k) && k.len() < RESPACE_AT));
    }

    proptest! {
        #[test]
        fn between_is_strictly_between(a in "[0-9A-Za-z]{0,6}[1-9A-Za-z]", b in "[0-9A-Za-z]{0,6}[1-9A-Za-z]") {
            prop_assume!(a != b);
            let (lo, hi) = if a < b { (a, b) } else { (b, a) };
            let k = between(Some(&lo), Some(&hi));
            prop_assert!(lo < k && k < hi, "{} < {} < {}", lo, k, hi);
            prop_assert!(is_valid(&k));
            let top = between(None, Some(&lo));
            prop_assert!(top < lo && is_valid(&top));
            let bottom = between(Some(&hi), None);
            prop_assert!(bottom > hi && is_valid(&bottom));
        }
    }
}
