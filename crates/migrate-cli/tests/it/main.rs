//! The integration tests of `migrate-cli`: one binary (one link on CI), one module per area.

mod apply;
mod crash;
mod faults;
mod help;
mod hostile_args;
mod plan_dry_run;
mod remote_state;
mod repo_ls;
mod request_equality;
mod runbooks;
mod snapshot_reindex;
mod store_credentials;
mod support;
mod validate;
