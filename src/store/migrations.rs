//! Append-only schema migrations, tracked by `PRAGMA user_version`. Never edit a shipped
//! file: add the next one.

use super::StoreError;
use rusqlite::Connection;
use rusqlite_migration::{M, Migrations};

fn steps() -> Vec<M<'static>> {
    vec![
        M::up(include_str!("migrations/0001_board.sql")),
        M::up(include_str!("migrations/0002_problems.sql")),
        M::up(include_str!("migrations/0003_hypercare.sql")),
        M::up(include_str!("migrations/0004_rotations.sql")),
        M::up(include_str!("migrations/0005_pd.sql")),
        M::up(include_str!("migrations/0006_pd_tickets.sql")),
        M::up(include_str!("migrations/0007_ops_reviews.sql")),
        M::up(include_str!("migrations/0008_escapes.sql")),
        M::up(include_str!("migrations/0009_gates.sql")),
        M::up_with_hook(
            include_str!("migrations/0010_seals.sql"),
            |tx: &rusqlite::Transaction| {
                super::audit::seal_unsealed(tx).map_err(|e| {
                    rusqlite_migration::HookError::Hook(format!("sealing the audit trail: {e}"))
                })
            },
        ),
        M::up(include_str!("migrations/0011_events_by_time.sql")),
        M::up(include_str!("migrations/0012_halted_by_project.sql")),
        M::up(include_str!("migrations/0013_release_policy.sql")),
        M::up(include_str!("migrations/0014_labels.sql")),
        M::up(include_str!("migrations/0015_epics.sql")),
        M::up(include_str!("migrations/0016_cases.sql")),
        M::up(include_str!("migrations/0017_sla.sql")),
        M::up(include_str!("migrations/0018_hooks.sql")),
    ]
}

pub fn migrations() -> Migrations<'static> {
    Migrations::new(steps())
}

/// The schema version this program writes.
pub fn latest() -> i64 {
    steps().len() as i64
}

pub fn to_latest(conn: &mut Connection) -> Result<(), StoreError> {
    migrations()
        .to_latest(conn)
        .map_err(|e| StoreError::Migration(e.to_string()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn migrations_validate() {
        assert!(super::migrations().validate().is_ok());
    }
}
