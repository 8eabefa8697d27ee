//! migrate-store: see Cargo.toml description.
