//! The integration tests of migrate-proof (one binary).

mod canonical;
mod metadata;
mod props;
mod report;
mod sets;
mod spill;
mod support;
