//! The integration tests of `migrate-sandbox`: one binary (one link on CI), one module per area.

mod auth_faults;
mod binary;
mod core_api;
mod http;
mod mappings;
mod metadata_apis;
mod pacing;
mod param_tables;
mod real_repositories;
mod real_restores;
mod reindex;
mod rest_yaml;
mod route_spec;
mod search_cluster;
mod sliced_search;
mod snapshot_http;
mod snapshot_repository;
mod snapshot_segments;
mod snapshot_stores;
mod snapshot_support;
mod stories;
mod strictness;
mod task_results;
