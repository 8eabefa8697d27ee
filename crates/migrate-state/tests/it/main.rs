//! The integration tests of `migrate-state`: one binary (one link on CI), one module per area.

mod file_store;
mod format;
