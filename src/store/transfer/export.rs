//! The board written out as one document, row by row.

use super::{EXPORT_SCHEMA, Export, ExportBoard, each_record, read_records, record_tables};
use crate::store::items::event_from_row;
use crate::store::{Store, StoreError};

impl Store {
    /// The whole board, read in one transaction so that it is consistent.
    pub fn export(&self) -> Result<Export, StoreError> {
        let tx = self.conn().unchecked_transaction()?;
        let info = self.info()?;
        let events = {
            let mut stmt = tx.prepare(
                "SELECT at, actor, entity, entity_id, action, from_state, to_state, reason, details
                 FROM events ORDER BY id",
            )?;
            stmt.query_map([], event_from_row)?
                .collect::<Result<Vec<_>, _>>()?
        };
        let seals = {
            let mut stmt = tx.prepare(
                "SELECT coalesce(s.hash, '') FROM events e LEFT JOIN seals s ON s.event = e.id ORDER BY e.id",
            )?;
            stmt.query_map([], |r| r.get(0))?
                .collect::<Result<Vec<String>, _>>()?
        };
        let out = Export {
            schema: EXPORT_SCHEMA,
            seals,
            board: ExportBoard {
                title: info.title,
                identity: info.identity,
                created: info.created,
            },
            people: self.people()?,
            projects: self.projects()?,
            items: self.items_full()?,
            events,
            records: read_records(&tx)?,
        };
        tx.finish()?;
        Ok(out)
    }
}

/// What `export_to` wrote.
#[derive(Debug, Clone, Copy, Default)]
pub struct Exported {
    pub items: u64,
    pub people: u64,
    pub events: u64,
}

impl Store {
    /// Writes the whole board as one compact JSON document, the same document `export` makes,
    /// row by row as it is read, inside one read transaction so that it is consistent. Memory
    /// stays the same however large the board.
    pub fn export_to(&self, w: &mut dyn std::io::Write) -> Result<Exported, StoreError> {
        let io = |e: std::io::Error| StoreError::io(std::path::Path::new("the export's output"), e);
        let json = |w: &mut dyn std::io::Write, v: &dyn erased::Value| -> Result<(), StoreError> {
            v.write_to(w)
                .map_err(|e| StoreError::Migration(format!("cannot write JSON: {e}")))
        };
        let tx = self.conn().unchecked_transaction()?;
        let info = self.info()?;
        let mut counts = Exported::default();
        write!(w, "{{\"schema\":{EXPORT_SCHEMA},\"board\":").map_err(io)?;
        json(
            w,
            &ExportBoard {
                title: info.title,
                identity: info.identity,
                created: info.created,
            },
        )?;
        let people = self.people()?;
        counts.people = people.len() as u64;
        w.write_all(b",\"people\":").map_err(io)?;
        json(w, &people)?;
        w.write_all(b",\"projects\":").map_err(io)?;
        json(w, &self.projects()?)?;
        w.write_all(b",\"items\":[").map_err(io)?;
        self.each_item(&crate::store::ItemFilter::default(), true, |_, item| {
            if counts.items > 0 {
                w.write_all(b",").map_err(io)?;
            }
            counts.items += 1;
            json(w, &item)
        })?;
        w.write_all(b"],\"events\":[").map_err(io)?;
        {
            let mut stmt = tx.prepare(
                "SELECT at, actor, entity, entity_id, action, from_state, to_state, reason, details
                 FROM events ORDER BY id",
            )?;
            let mut rows = stmt.query([])?;
            while let Some(row) = rows.next()? {
                if counts.events > 0 {
                    w.write_all(b",").map_err(io)?;
                }
                counts.events += 1;
                json(w, &event_from_row(row)?)?;
            }
        }
        w.write_all(b"],\"seals\":[").map_err(io)?;
        {
            let mut stmt = tx.prepare(
                "SELECT coalesce(s.hash, '') FROM events e LEFT JOIN seals s ON s.event = e.id ORDER BY e.id",
            )?;
            let mut rows = stmt.query([])?;
            let mut first = true;
            while let Some(row) = rows.next()? {
                if !first {
                    w.write_all(b",").map_err(io)?;
                }
                first = false;
                json(w, &row.get::<_, String>(0)?)?;
            }
        }
        w.write_all(b"],\"records\":{").map_err(io)?;
        for (n, table) in record_tables(&tx)?.iter().enumerate() {
            if n > 0 {
                w.write_all(b",").map_err(io)?;
            }
            json(w, table)?;
            w.write_all(b":[").map_err(io)?;
            let mut first = true;
            each_record(&tx, table, |record| {
                if !first {
                    w.write_all(b",").map_err(io)?;
                }
                first = false;
                json(w, &record)
            })?;
            w.write_all(b"]").map_err(io)?;
        }
        w.write_all(b"}}\n").map_err(io)?;
        tx.finish()?;
        Ok(counts)
    }
}

/// Serializing through `&dyn`: what `export_to` writes, whatever its type.
mod erased {
    pub trait Value {
        fn write_to(&self, w: &mut dyn std::io::Write) -> serde_json::Result<()>;
    }
    impl<T: serde::Serialize> Value for T {
        fn write_to(&self, w: &mut dyn std::io::Write) -> serde_json::Result<()> {
            serde_json::to_writer(w, self)
        }
    }
}
