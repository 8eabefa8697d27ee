//! The integration tests of `migrate-cli`: one binary (one link on CI), one module per area.

mod apply;
mod cleanup;
mod copy;
mod crash;
mod faults;
mod help;
mod hostile_args;
mod hostile_server;
mod live;
mod plan_dry_run;
mod redaction;
mod remote_state;
mod repo_ls;
mod request_equality;
mod resume;
mod runbooks;
mod runtime_output;
mod snapshot_reindex;
mod store_credentials;
mod support;
mod validate;
mod verify_proof;
