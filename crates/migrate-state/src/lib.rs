//! migrate-state: see Cargo.toml description.
