//! migrate-steps: the real step implementations. [`PlanRunner`] runs every `migrate_graph::StepKind`
//! of a compiled plan against the clusters and object stores of an [`Env`], behind the executor's
//! `migrate_exec::Runner` contract (check → act → wait, handles recorded before waiting, outputs for
//! later steps, backoff, cancellation).

mod cx;
mod dead_letters;
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
mod until;
mod wait;
mod watermark;

pub use env::{Env, EnvOptions, HttpOptions, planned_source_writes, read_only_client};
pub use error::EnvError;
/// Pattern expansion's name rules (`*`, `?`, system indexes), for the commands that expand entries
/// as the steps do (`plan --refresh`, `migrate lint`).
pub use names::{is_system as is_system_index, matches as name_matches};
pub use runner::PlanRunner;
pub use table::{Row, Table};
/// A recorded pass or round delta in words (`3 documents, 4096 bytes in 0.4s`), for `status`.
pub use until::describe_delta;
pub use wait::{Backoff, DEFAULT_STALL_TIMEOUT};
