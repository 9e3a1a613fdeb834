//! Identifiers that the user sees: `FB-123` for work items.

use std::fmt;
use std::str::FromStr;

/// A work item's number, shown as `FB-n`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ItemId(pub u32);

impl fmt::Display for ItemId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FB-{}", self.0)
    }
}

/// Text that is not an item id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not an item id: write it as FB-12 (or just 12)")]
pub struct BadItemId(pub String);

impl FromStr for ItemId {
    type Err = BadItemId;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let digits = t
            .get(..3)
            .filter(|p| p.eq_ignore_ascii_case("fb-"))
            .map_or(t, |_| &t[3..]);
        digits
            .parse::<u32>()
            .ok()
            .filter(|n| *n > 0)
            .map(ItemId)
            .ok_or_else(|| BadItemId(s.to_string()))
    }
}

impl serde::Serialize for ItemId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for ItemId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_parse_with_or_without_prefix() {
        assert_eq!("FB-12".parse(), Ok(ItemId(12)));
        assert_eq!("fb-7".parse(), Ok(ItemId(7)));
        assert_eq!("42".parse(), Ok(ItemId(42)));
        assert!("FB-".parse::<ItemId>().is_err());
        assert!("FB-0".parse::<ItemId>().is_err());
        assert!("ABC-1".parse::<ItemId>().is_err());
        assert_eq!(ItemId(3).to_string(), "FB-3");
    }
}
