//! migrate-plan: see Cargo.toml description.
