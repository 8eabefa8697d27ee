//! The integration tests of `migrate-state-remote`: one binary (one link on CI), one module per area.

mod common;
mod contract;
mod copy;
mod processes;
mod unconditional;
