//! `_reindex`: the request (parsed and validated with the real error texts), the remote allowlist check,
//! and the runner that pulls batches from a local or remote source and writes them with `op_type`,
//! `conflicts`, `max_docs` and throttling, updating live task counters.

pub mod remote;
pub mod request;
pub mod run;
pub mod script;

pub use request::{ReindexRequest, RemoteSource};
pub use run::run_reindex;
