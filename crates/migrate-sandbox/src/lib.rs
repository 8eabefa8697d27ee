//! migrate-sandbox: an Elasticsearch/OpenSearch-compatible HTTP server for tests and the demo
//! (version-true responses, remote reindex, snapshots, request log, fault injection, optional auth).

pub mod active_shards;
pub mod analysis_names;
pub mod api;
pub mod auth;
pub mod data_streams;
pub mod dates;
pub mod doc_check;
pub mod dual_write;
pub mod dynamic;
pub mod error;
pub mod faults;
pub mod flavor;
pub mod index_settings;
pub mod json;
pub mod mapping_body;
pub mod model;
pub mod names;
pub mod painless;
pub mod params;
pub mod reindex;
pub mod request_log;
pub mod router;
pub mod sandbox;
pub mod search;
pub mod seed;
pub mod server;
pub mod snapshot;
pub mod state;
pub mod task_results;
pub mod tasks;
pub mod templates;
pub mod update;
pub mod write;

pub use auth::Auth;
pub use error::{ApiError, SandboxError};
pub use faults::{FaultAction, FaultRule, FaultSpecError, Faults};
pub use flavor::{Flavor, Product, Version};
pub use request_log::{LoggedRequest, RequestLog};
pub use sandbox::{RunningSandbox, Sandbox, SandboxBuilder};
