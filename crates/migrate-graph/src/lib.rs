//! migrate-graph: compiles a validated plan into a petgraph DAG of idempotent steps with stable ids
//! and fingerprints, knows the exact requests each step sends, and renders dry runs.

pub mod blueprint;
mod compile;
mod error;
mod fingerprint;
mod from_plan;
mod graph;
mod id;
mod id_index;
mod kind;
pub mod metadata;
mod name;
mod phase;
pub mod preflight;
pub mod render;
pub mod requests;
mod status;
mod step;
mod until;

pub use compile::{compile_blueprint, compile_blueprint_in};
pub use error::CompileError;
pub use fingerprint::Fingerprint;
pub use from_plan::{compile, compile_in};
pub use graph::StepGraph;
pub use id::StepId;
pub use kind::{CopyBudget, Pass, Remote, RemoteAuth, Round, Side, StepKind};
pub use phase::Phase;
pub use render::{Format, LiveReport, render, render_to, render_with_lint_to, render_with_live};
pub use status::{Progress, Recorded, StatusMap, StepStatus};
pub use step::Step;
pub use until::Until;
