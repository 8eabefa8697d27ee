//! One module per subcommand, plus `load`, the plan loading every subcommand shares.

pub mod load;
pub mod plan;
pub mod repo;
pub mod schema;
pub mod validate;
