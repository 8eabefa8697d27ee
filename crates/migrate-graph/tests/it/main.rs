//! The integration tests of `migrate-graph`: one binary (one link on CI), one module per area.

mod common;
mod compile;
mod field_effects;
mod from_plan;
mod metadata;
mod paced_rounds;
mod properties;
mod render;
mod requests;
mod until;
