//! One module per subcommand.

pub mod plan;
mod plan_file;
pub mod repo;
