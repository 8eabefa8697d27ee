//! One module per subcommand, plus `load`, the plan loading every subcommand shares.

pub mod apply;
pub mod cleanup;
pub mod completions;
pub mod demo;
pub mod load;
mod logging;
mod output;
pub mod plan;
pub mod repo;
mod report;
pub mod schema;
pub mod state;
mod state_store;
pub mod status;
mod stdout;
pub mod validate;
pub mod verify;
