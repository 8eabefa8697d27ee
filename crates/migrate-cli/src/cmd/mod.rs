//! One module per subcommand, plus `load`, the plan loading every subcommand shares.

pub mod abort;
pub mod apply;
pub mod approve;
pub mod cleanup;
pub mod completions;
pub mod demo;
pub mod lint;
mod live;
pub mod load;
mod logging;
mod output;
pub mod plan;
mod refresh;
pub mod repo;
mod report;
mod saved_apply;
pub mod schema;
pub mod state;
pub(crate) mod state_store;
pub mod status;
mod stdout;
pub mod validate;
pub mod verify;
