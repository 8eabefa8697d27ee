//! migrate-sandbox: see Cargo.toml description.

pub mod snapshot;
