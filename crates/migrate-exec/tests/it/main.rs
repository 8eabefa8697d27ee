//! The integration tests of `migrate-exec`: one binary (one link on CI), one module per area.

mod crash;
mod events;
mod executor;
mod from_graph;
mod recheck;
mod support;
