//! The integration tests of `migrate-steps`: one binary (one link on CI), one module per area.

mod canary;
mod common;
mod faults;
mod finished_orphan;
mod plan_fields;
mod preflight;
mod reattach;
mod reindex;
mod rounds_until;
mod snapshot;
mod snapshot_s3;
mod source_guard;
mod until;
