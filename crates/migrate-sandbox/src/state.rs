//! The state every handler shares: identity of the impersonated node, the cluster model, tasks, the
//! request log, fault rules, authentication and snapshot state. It knows nothing of routing or
//! HTTP dispatch (those import it, never the other way).

use std::sync::{Mutex, MutexGuard, OnceLock};

use crate::auth::Auth;
use crate::faults::Faults;
use crate::flavor::Product;
use crate::model::Cluster;
use crate::request_log::RequestLog;
use crate::tasks::TaskRegistry;

/// Largest accepted body (`http.max_content_length` default, 100 MB).
pub const MAX_BODY: usize = 100 * 1024 * 1024;

/// State shared by all handlers of one sandbox.
pub struct Shared {
    /// Flavour and version.
    pub product: Product,
    /// `cluster.name`.
    pub cluster_name: String,
    /// Cluster UUID.
    pub cluster_uuid: String,
    /// Node id.
    pub node_id: String,
    /// Node name.
    pub node_name: String,
    /// `host:port` the sandbox listens on (set once bound).
    pub publish_address: OnceLock<String>,
    /// The cluster model.
    pub cluster: Mutex<Cluster>,
    /// Tasks.
    pub tasks: Mutex<TaskRegistry>,
    /// Request log.
    pub log: RequestLog,
    /// Fault rules.
    pub faults: Faults,
    /// Required authentication.
    pub auth: Option<Auth>,
    /// HTTP client for remote reindex.
    pub http: reqwest::Client,
    /// Bytes per second snapshot uploads and restore downloads move at (`None`: at once).
    pub byte_rate: Option<u64>,
    /// Snapshot state (repositories, running snapshots, restores), used by the snapshot APIs.
    pub snapshots: crate::snapshot::service::SnapshotService,
}

impl Shared {
    /// Locks the cluster (a poisoned lock is recovered: state stays usable after a panicked handler).
    pub fn cluster(&self) -> MutexGuard<'_, Cluster> {
        self.cluster.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Locks the task registry.
    pub fn tasks(&self) -> MutexGuard<'_, TaskRegistry> {
        self.tasks.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// `host:port`.
    pub fn address(&self) -> String {
        self.publish_address
            .get()
            .cloned()
            .unwrap_or_else(|| "127.0.0.1:9200".into())
    }
}
