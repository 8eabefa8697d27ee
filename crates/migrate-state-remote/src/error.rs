//! Errors of opening a state backend and of copying a state between backends.

use migrate_state::StateError;
use migrate_store::OpenError;

use crate::location::StateUrlError;

/// A state backend could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenStateError {
    #[error(transparent)]
    Url(#[from] StateUrlError),
    #[error("state store: {0}")]
    Store(#[from] OpenError),
    #[error(transparent)]
    State(#[from] StateError),
    #[error(
        "`{path}` is the state file of plan `{file_plan}`, not of plan `{plan}`; name `{plan}.state.json` or its directory"
    )]
    OtherPlansFile {
        path: String,
        file_plan: String,
        plan: String,
    },
}

/// `migrate state pull|push` refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum CopyError {
    #[error("there is no state at `{from}` to copy")]
    NoSource { from: String },

    #[error(
        "`{to}` holds a state of another history (lineage {to_lineage}, the source's is {from_lineage}); nothing was copied — pass --force to replace it"
    )]
    OtherLineage {
        to: String,
        to_lineage: uuid::Uuid,
        from_lineage: uuid::Uuid,
    },

    #[error(
        "`{to}` is ahead of the source (serial {to_serial} > {from_serial} of the same lineage); nothing was copied — copy the other way, or pass --force to replace it"
    )]
    DestinationNewer {
        to: String,
        to_serial: u64,
        from_serial: u64,
    },

    /// Reading, locking or writing failed (a newer format is [`StateError::TooNew`]).
    #[error(transparent)]
    State(#[from] StateError),
}
