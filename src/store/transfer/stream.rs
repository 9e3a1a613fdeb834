//! The document read part by part into the builder. After the first refusal the rest is
//! only read through, not written: a later syntax error or a schema of another version is
//! what the user is told instead, as a check of the whole document first would have said.

use super::ExportBoard;
use super::import::Builder;
use crate::domain::{Event, Item, Person, project::Project};
use crate::store::StoreError;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::collections::BTreeMap;
use std::fmt;

pub(super) struct Document<'b, 'c> {
    pub b: &'b mut Builder<'c>,
    pub failed: &'b mut Option<StoreError>,
}

impl<'de> DeserializeSeed<'de> for Document<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

const PARTS: &[&str] = &[
    "schema", "board", "people", "projects", "items", "events", "seals", "records",
];

impl<'de> Visitor<'de> for Document<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a firebreak export: an object with schema, board, people, items...")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let (b, failed) = (self.b, self.failed);
        let mut seen = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            let Some(part) = PARTS.iter().find(|p| **p == key) else {
                return Err(de::Error::unknown_field(&key, PARTS));
            };
            if seen.contains(part) {
                return Err(de::Error::duplicate_field(part));
            }
            seen.push(*part);
            if key == "schema" {
                let schema: u32 = map.next_value()?;
                if let Err(e) = b.schema(schema) {
                    // Another version explains every other refusal: it is the one told.
                    *failed = Some(e);
                }
                continue;
            }
            if failed.is_some() {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            let done = match key.as_str() {
                "board" => {
                    let board: ExportBoard = map.next_value()?;
                    b.board(&board)
                }
                "people" => map.next_value_seed(Each::new(|p: Person| b.person(&p)))?,
                "projects" => map.next_value_seed(Each::new(|p: Project| b.project(&p)))?,
                "items" => map.next_value_seed(Each::new(|i: Item| b.item(&i)))?,
                "events" => map.next_value_seed(Each::new(|e: Event| b.event(&e)))?,
                "seals" => map.next_value_seed(Each::new(|s: String| b.seal(&s)))?,
                _ => map.next_value_seed(Tables { b })?,
            };
            if let Err(e) = done {
                *failed = Some(e);
            }
        }
        // The parts every export has; seals and records may be left out.
        match PARTS[..6].iter().find(|p| !seen.contains(p)) {
            Some(missing) => Err(de::Error::missing_field(missing)),
            None => Ok(()),
        }
    }
}

/// Each element of an array handed to `f` as it is parsed; after a refusal, the rest read
/// through.
struct Each<T, F> {
    f: F,
    kind: std::marker::PhantomData<T>,
}

impl<T, F> Each<T, F> {
    fn new(f: F) -> Self {
        Each {
            f,
            kind: std::marker::PhantomData,
        }
    }
}

impl<'de, T, F> DeserializeSeed<'de> for Each<T, F>
where
    T: de::Deserialize<'de>,
    F: FnMut(T) -> Result<(), StoreError>,
{
    type Value = Result<(), StoreError>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, T, F> Visitor<'de> for Each<T, F>
where
    T: de::Deserialize<'de>,
    F: FnMut(T) -> Result<(), StoreError>,
{
    type Value = Result<(), StoreError>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array")
    }
    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<Self::Value, A::Error> {
        while let Some(x) = seq.next_element::<T>()? {
            if let Err(e) = (self.f)(x) {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                return Ok(Err(e));
            }
        }
        Ok(Ok(()))
    }
}

/// `records`: each table's rows, handed to the builder one at a time.
struct Tables<'b, 'c> {
    b: &'b mut Builder<'c>,
}

impl<'de> DeserializeSeed<'de> for Tables<'_, '_> {
    type Value = Result<(), StoreError>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Tables<'_, '_> {
    type Value = Result<(), StoreError>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of tables")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let b = self.b;
        let mut outcome = Ok(());
        while let Some(table) = map.next_key::<String>()? {
            if outcome.is_err() {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            outcome =
                map.next_value_seed(Each::new(|row: BTreeMap<String, serde_json::Value>| {
                    b.record(&table, &row)
                }))?;
        }
        Ok(outcome)
    }
}
