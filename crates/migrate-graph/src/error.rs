//! Errors compiling a plan into a step graph.

use thiserror::Error;

/// Why a plan could not be compiled. Plans are validated first, so these are the few checks that
/// only make sense once steps exist.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum CompileError {
    #[error("the plan lists no indexes; add at least one entry under `indexes`")]
    NoIndexes,
    #[error("index `{0}` is listed twice under `indexes`; each index may appear once")]
    DuplicateIndex(String),
    #[error(
        "indexes `{first}` and `{second}` would both be written to destination index `{destination}`"
    )]
    DuplicateDestination {
        first: String,
        second: String,
        destination: String,
    },
    #[error("reindex partition `{0}` is listed twice; partition names must be unique")]
    DuplicatePartition(String),
    #[error(
        "two steps would get the same id `{0}`; index names must not collide with step-id parts"
    )]
    DuplicateStep(String),
}
