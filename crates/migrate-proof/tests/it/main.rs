//! The integration tests of migrate-proof (one binary).

mod canonical;
mod sets;
mod support;
