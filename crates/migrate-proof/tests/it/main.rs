//! The integration tests of migrate-proof (one binary).

mod canonical;
mod props;
mod sets;
mod spill;
mod support;
