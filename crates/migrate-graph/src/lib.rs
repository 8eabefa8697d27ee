//! migrate-graph: see Cargo.toml description.
