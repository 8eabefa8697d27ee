//! migrate-exec: see Cargo.toml description.
