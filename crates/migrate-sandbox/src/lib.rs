//! migrate-sandbox: see Cargo.toml description.
