//! The audit trail's seals: each event's seal is the SHA-256 of the seal before it and of the
//! event's content as the file holds it, so that changing, removing or forging an event breaks
//! the chain at that event. `verify` walks the chain and names the first break.
//!
//! Anyone who can write the file can also compute a whole new chain: the last seal, printed by
//! `audit --verify`, is what to keep elsewhere (a CI log, the handover pack) to prove later
//! that the history was not rewritten since.

use super::StoreError;
use rusqlite::Connection;
use rusqlite::types::ValueRef;
use sha2::{Digest, Sha256};

const CONTENT: &str =
    "id, at, actor, entity, entity_id, action, from_state, to_state, reason, details";

/// The seal before the first event.
const GENESIS: &str = "firebreak";

/// An event's content as the file holds it, in one unambiguous line.
fn content(r: &rusqlite::Row<'_>) -> rusqlite::Result<String> {
    let mut fields = Vec::with_capacity(10);
    for i in 0..10 {
        fields.push(match r.get_ref(i)? {
            ValueRef::Null => serde_json::Value::Null,
            ValueRef::Integer(n) => n.into(),
            ValueRef::Real(x) => x.into(),
            ValueRef::Text(t) | ValueRef::Blob(t) => String::from_utf8_lossy(t).into_owned().into(),
        });
    }
    Ok(serde_json::Value::Array(fields).to_string())
}

fn hash(before: &str, content: &str) -> String {
    let mut h = Sha256::new();
    h.update(before.as_bytes());
    h.update(b"\n");
    h.update(content.as_bytes());
    h.finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<String>()
}

fn last_seal(conn: &Connection, below: i64) -> Result<String, StoreError> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .prepare_cached("SELECT hash FROM seals WHERE event < ?1 ORDER BY event DESC LIMIT 1")?
        .query_row([below], |r| r.get(0))
        .optional()?
        .unwrap_or_else(|| GENESIS.to_string()))
}

/// Seals event `id` (just written) to the seal before it.
pub(crate) fn seal(conn: &Connection, id: i64) -> Result<(), StoreError> {
    let before = last_seal(conn, id)?;
    let text = conn.query_row(
        &format!("SELECT {CONTENT} FROM events WHERE id = ?1"),
        [id],
        content,
    )?;
    conn.prepare_cached("INSERT INTO seals (event, hash) VALUES (?1, ?2)")?
        .execute(rusqlite::params![id, hash(&before, &text)])?;
    Ok(())
}

/// Seals every event without a seal, in order: what the migration that brought seals does for
/// the events written before them (and nothing else ever does: an event without a seal after
/// that is one written behind firebreak's back).
pub(crate) fn seal_unsealed(conn: &Connection) -> Result<(), StoreError> {
    let ids: Vec<i64> = {
        let mut stmt = conn.prepare(
            "SELECT id FROM events WHERE id NOT IN (SELECT event FROM seals) ORDER BY id",
        )?;
        stmt.query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?
    };
    for id in ids {
        seal(conn, id)?;
    }
    Ok(())
}

/// What `verify` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Every event is there, as written, in order.
    Whole { events: u64, last: String },
    /// The first event where the chain breaks, and how.
    Broken { event: i64, how: Break },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Break {
    /// Its content is not what was sealed (or an event before it was removed with its seal).
    Changed,
    /// Its seal is there, the event is not.
    Removed,
    /// It has no seal: it was written behind firebreak's back.
    Forged,
}

/// Walks the whole chain, one row at a time.
pub(crate) fn verify(conn: &Connection) -> Result<Verdict, StoreError> {
    // Every id that has an event or a seal, in order, with both sides.
    let mut stmt = conn.prepare(&format!(
        "SELECT {CONTENT}, s.hash FROM events e LEFT JOIN seals s ON s.event = e.id
         UNION ALL
         SELECT event, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, hash FROM seals
         WHERE event NOT IN (SELECT id FROM events)
         ORDER BY 1"
    ))?;
    let mut rows = stmt.query([])?;
    let mut before = GENESIS.to_string();
    let mut events = 0u64;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let seal: Option<String> = r.get(10)?;
        let at: Option<String> = r.get(1)?;
        let Some(seal) = seal else {
            return Ok(Verdict::Broken {
                event: id,
                how: Break::Forged,
            });
        };
        if at.is_none() {
            return Ok(Verdict::Broken {
                event: id,
                how: Break::Removed,
            });
        }
        if hash(&before, &content(r)?) != seal {
            return Ok(Verdict::Broken {
                event: id,
                how: Break::Changed,
            });
        }
        before = seal;
        events += 1;
    }
    Ok(Verdict::Whole {
        events,
        last: before,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seal_depends_on_the_seal_before_and_on_every_byte_of_the_content() {
        let a = hash(GENESIS, "[1,\"x\"]");
        assert_eq!(a.len(), 64);
        assert_ne!(a, hash(GENESIS, "[1,\"y\"]"));
        assert_ne!(a, hash("other", "[1,\"x\"]"));
        assert_eq!(a, hash(GENESIS, "[1,\"x\"]"));
    }
}
