//! Starting a sandbox: [`Sandbox::builder`] → [`RunningSandbox`] on a loopback port, with its URL,
//! request log, fault rules and a graceful shutdown.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::auth::Auth;
use crate::error::SandboxError;
use crate::faults::Faults;
use crate::flavor::{Flavor, Product, Version};
use crate::model::Cluster;
use crate::model::settings::{FlatSettings, flatten};
use crate::request_log::RequestLog;
use crate::server::{Server, dispatch};
use crate::snapshot::registry::NodeConfig;
use crate::snapshot::service::SnapshotService;
use crate::state::Shared;
use crate::tasks::TaskRegistry;

/// Entry point.
pub struct Sandbox;

impl Sandbox {
    /// A builder with defaults: Elasticsearch 7.10.2, cluster `sandbox`, no auth, random port.
    pub fn builder() -> SandboxBuilder {
        SandboxBuilder {
            flavor: Flavor::Elasticsearch,
            version: "7.10.2".into(),
            cluster_name: "sandbox".into(),
            auth: None,
            port: 0,
            seed: 0x5eed,
            node_settings: FlatSettings::new(),
            remote_allowlist: Vec::new(),
            snapshot_node: NodeConfig::default(),
            expose_request_log: false,
            missing_plugins: Default::default(),
            disk_available: None,
            byte_rate: None,
            nodes: 1,
        }
    }
}

/// Configures a sandbox.
#[derive(Debug, Clone)]
pub struct SandboxBuilder {
    flavor: Flavor,
    version: String,
    cluster_name: String,
    auth: Option<Auth>,
    port: u16,
    seed: u64,
    node_settings: FlatSettings,
    remote_allowlist: Vec<String>,
    snapshot_node: NodeConfig,
    expose_request_log: bool,
    missing_plugins: std::collections::BTreeSet<String>,
    disk_available: Option<u64>,
    byte_rate: Option<u64>,
    nodes: u32,
}

impl SandboxBuilder {
    /// Flavour.
    pub fn flavor(mut self, f: Flavor) -> Self {
        self.flavor = f;
        self
    }

    /// Version, e.g. `5.6.16`.
    pub fn version(mut self, v: &str) -> Self {
        self.version = v.to_string();
        self
    }

    /// `cluster.name`.
    pub fn cluster_name(mut self, n: &str) -> Self {
        self.cluster_name = n.to_string();
        self
    }

    /// Required authentication.
    pub fn auth(mut self, a: Auth) -> Self {
        self.auth = Some(a);
        self
    }

    /// Port (0: random).
    pub fn port(mut self, p: u16) -> Self {
        self.port = p;
        self
    }

    /// Seed of the fault-injection RNG.
    pub fn seed(mut self, s: u64) -> Self {
        self.seed = s;
        self
    }

    /// A node setting as in the yml file (e.g. `reindex.remote.whitelist`).
    pub fn node_setting(mut self, key: &str, value: Value) -> Self {
        self.node_settings
            .extend(flatten(&serde_json::json!({ key: value })));
        self
    }

    /// Hosts (`host:port`, wildcards allowed) remote reindex may pull from, set under the flavour's
    /// setting name as if in the yml file.
    pub fn remote_allowlist<I: IntoIterator<Item = S>, S: Into<String>>(
        mut self,
        hosts: I,
    ) -> Self {
        self.remote_allowlist = hosts.into_iter().map(Into::into).collect();
        self
    }

    /// Node inputs of the snapshot module: `path.repo`, keystore, s3 client settings.
    pub fn snapshot_node(mut self, node: NodeConfig) -> Self {
        self.snapshot_node = node;
        self
    }

    /// A secure setting, as `elasticsearch-keystore add` would store it (e.g.
    /// `s3.client.default.access_key`): used by `s3` repositories, never shown by any API.
    pub fn keystore(mut self, key: &str, value: &str) -> Self {
        self.snapshot_node
            .keystore
            .insert(key.to_string(), migrate_store::Secret::new(value));
        self
    }

    /// Serves the request log at `GET /_sandbox/requests` (a sandbox-only extension, see
    /// [`crate::api::sandbox_ext`]) for tests running in another process.
    pub fn expose_request_log(mut self, on: bool) -> Self {
        self.expose_request_log = on;
        self
    }

    /// Leaves a repository plugin (`repository-s3`, `elasticsearch-repository-oss`,
    /// `repository-cos`) out of `_cat/plugins`, as if it were not installed.
    pub fn without_plugin(mut self, component: &str) -> Self {
        self.missing_plugins.insert(component.to_string());
        self
    }

    /// Free disk space `_nodes/stats/fs` reports, in bytes (default 1 TiB).
    pub fn disk_available(mut self, bytes: u64) -> Self {
        self.disk_available = Some(bytes);
        self
    }

    /// Bytes per second snapshot uploads and restore downloads move at, so their STARTED/INDEX
    /// windows can be observed (default: at once; 0 also means at once).
    pub fn byte_rate(mut self, bytes_per_second: u64) -> Self {
        self.byte_rate = Some(bytes_per_second).filter(|r| *r > 0);
        self
    }

    /// Data nodes the sandbox stands for (default 1: replicas stay unassigned, indexes with
    /// replicas are yellow). With more, replicas are assigned and recover from their primaries at
    /// the byte rate before the index turns green.
    pub fn nodes(mut self, n: u32) -> Self {
        self.nodes = n.max(1);
        self
    }

    /// Binds and serves.
    pub async fn start(self) -> Result<RunningSandbox, SandboxError> {
        let version: Version = self.version.parse().map_err(SandboxError::Config)?;
        let product = Product::new(self.flavor, version).map_err(SandboxError::Config)?;
        let mut cluster = Cluster {
            node_settings: self.node_settings,
            missing_plugins: self.missing_plugins,
            disk_available: self.disk_available,
            hide_system: crate::task_results::hides_system(&product),
            nodes: self.nodes,
            byte_rate: self.byte_rate,
            ..Default::default()
        };
        if !self.remote_allowlist.is_empty() {
            cluster.node_settings.insert(
                product.allowlist_setting().to_string(),
                Value::String(self.remote_allowlist.join(",")),
            );
        }
        // `path.repo` and `s3.client.*` given as node settings count too, as in the yml file.
        let mut snapshot_node = self.snapshot_node;
        let from_settings = NodeConfig::from_settings(&cluster.node_settings, []);
        if snapshot_node.path_repo.is_empty() {
            snapshot_node.path_repo = from_settings.path_repo;
        }
        for (key, value) in from_settings.node_settings {
            snapshot_node.node_settings.entry(key).or_insert(value);
        }
        let listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], self.port))).await?;
        let addr = listener.local_addr()?;
        let uuid = || {
            use base64::Engine;
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .encode(&uuid::Uuid::new_v4().as_bytes()[..16])
        };
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(30))
            .build()
            .map_err(|e| SandboxError::Io(std::io::Error::other(e.to_string())))?;
        let mut routes = crate::api::routes();
        if self.expose_request_log {
            crate::api::sandbox_ext::register_request_log(&mut routes);
        }
        let shared = Arc::new(Shared {
            product,
            cluster_name: self.cluster_name,
            cluster_uuid: uuid(),
            node_id: uuid(),
            node_name: format!("sandbox-{}", addr.port()),
            publish_address: OnceLock::new(),
            cluster: Mutex::new(cluster),
            tasks: Mutex::new(TaskRegistry::default()),
            log: RequestLog::default(),
            faults: Faults::new(self.seed),
            auth: self.auth,
            http,
            byte_rate: self.byte_rate,
            snapshots: SnapshotService::new(snapshot_node),
        });
        let _ = shared.publish_address.set(addr.to_string());
        let server = Arc::new(Server {
            shared: shared.clone(),
            routes,
        });
        let app = axum::Router::new().fallback(dispatch).with_state(server);
        let (tx, rx) = oneshot::channel::<()>();
        let handle = tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await;
        });
        Ok(RunningSandbox {
            addr,
            shared,
            shutdown: Some(tx),
            handle: Some(handle),
        })
    }
}

/// A running sandbox. Dropping it stops the server.
pub struct RunningSandbox {
    addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: Option<oneshot::Sender<()>>,
    handle: Option<JoinHandle<()>>,
}

impl RunningSandbox {
    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `127.0.0.1:PORT`.
    pub fn host_port(&self) -> String {
        self.addr.to_string()
    }

    /// The socket address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The request log.
    pub fn request_log(&self) -> &RequestLog {
        &self.shared.log
    }

    /// Fault rules.
    pub fn faults(&self) -> &Faults {
        &self.shared.faults
    }

    /// Flavour and version.
    pub fn product(&self) -> Product {
        self.shared.product
    }

    /// Shared state, for in-process inspection (and feature modules' tests).
    pub fn shared(&self) -> &Arc<Shared> {
        &self.shared
    }

    /// Stops serving and waits for the server task.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(h) = self.handle.take() {
            let _ = h.await;
        }
    }
}

impl Drop for RunningSandbox {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}
