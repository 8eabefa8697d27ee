//! migrate-steps: the real step implementations. [`PlanRunner`] runs every `migrate_graph::StepKind`
//! of a compiled plan against the clusters and object stores of an [`Env`], behind the executor's
//! `migrate_exec::Runner` contract (check → act → wait, handles recorded before waiting, outputs for
//! later steps, backoff, cancellation).

mod cx;
mod env;
mod error;
mod fields;
mod identity;
mod json;
mod names;
mod pairs;
mod proof;
mod runner;
mod secrets;
mod steps;
mod table;
mod translate;
mod wait;
mod watermark;

pub use env::{Env, EnvOptions, HttpOptions, read_only_client};
pub use error::EnvError;
/// Index-name wildcards as the steps match them (`*`, `?`), for commands that expand entries too.
pub use names::matches as index_matches;
pub use runner::PlanRunner;
pub use table::{Row, Table};
pub use wait::{Backoff, DEFAULT_STALL_TIMEOUT};
