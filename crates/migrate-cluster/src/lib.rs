//! migrate-cluster: see Cargo.toml description.
