//! migrate-shards integration tests: real repositories read through a store, damaged blobs,
//! resumable positions and incremental rounds.

mod corrupt;
mod incremental;
mod real;
mod resume;
mod support;
