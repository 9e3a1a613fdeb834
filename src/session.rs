//! What the command line and the board share about a session: who acts, and a failure as the
//! user sees it, with the contract's exit code. Both shells import it; neither owns it.

use crate::domain::{Actor, DomainError, Identity};
use crate::store::{Store, StoreError};

/// A failure as the user sees it: one sentence, and the exit code of the contract.
#[derive(Debug)]
pub struct Failure {
    pub code: i32,
    pub message: String,
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Domain(d) => d.into(),
            e => Failure {
                code: e.exit_code(),
                message: e.to_string(),
            },
        }
    }
}

impl From<DomainError> for Failure {
    /// A refusal by a rule of the process names the rule, so a script or an auditor can tell
    /// which one: "... (rule: no-self-approval)".
    fn from(e: DomainError) -> Self {
        let message = match &e {
            DomainError::NotAllowed { rule, message } => format!("{message} (rule: {rule})"),
            e => e.to_string(),
        };
        Failure {
            code: e.exit_code(),
            message,
        }
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        Failure {
            code: 1,
            message: e.to_string(),
        }
    }
}

impl Failure {
    pub fn usage(message: impl Into<String>) -> Self {
        Failure {
            code: 2,
            message: message.into(),
        }
    }
}

/// `--as` on a trust board; else the operating-system user if registered; else, on a trust
/// board, its first product owner.
pub fn resolve_actor(
    store: &Store,
    as_name: Option<&str>,
    os_user: &str,
    today: chrono::NaiveDate,
) -> Result<Actor, Failure> {
    let info = store.info()?;
    // As they act today: a rotation gives the duties of the team it puts them in.
    let rotations = store.rotations()?;
    let on_duty =
        |p: &crate::domain::Person| crate::domain::rotation::on_duty(p, &rotations, today);
    if let Some(name) = as_name {
        if info.identity != Identity::Trust {
            return Err(Failure {
                code: 3,
                message: format!(
                    "--as works only on a board created with --identity trust (a demo or test board); here you act as your login, {os_user}"
                ),
            });
        }
        let person = store.person(name)?.ok_or_else(|| {
            Failure::usage(format!(
                "there is no person named '{name}' on this board: see `firebreak person list`"
            ))
        })?;
        return Ok(on_duty(&person));
    }
    if let Some(person) = store.person(os_user)? {
        return Ok(on_duty(&person));
    }
    if info.identity == Identity::Trust
        && let Some(po) = store.first_product_owner()?
    {
        return Ok(on_duty(&po));
    }
    Err(Failure {
        code: 3,
        message: format!(
            "you ({os_user}) are not registered on this board: ask a product owner to run `firebreak person add {os_user} --role ROLE --team appdev|ams`"
        ),
    })
}
