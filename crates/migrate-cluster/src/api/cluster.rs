//! Cluster-level calls: health, cat indices, cluster and node settings.

use std::time::Duration;

use reqwest::Method;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::client::{ClusterClient, Request, enc};
use crate::error::ClusterError;
use crate::guard::MutatingCall;

/// `GET _cluster/health[/{index}]`.
#[derive(Debug, Clone, Deserialize)]
pub struct Health {
    #[serde(default)]
    pub cluster_name: String,
    pub status: HealthStatus,
    #[serde(default)]
    pub timed_out: bool,
    #[serde(default)]
    pub number_of_nodes: u64,
    #[serde(default)]
    pub active_shards: u64,
    #[serde(default)]
    pub relocating_shards: u64,
    #[serde(default)]
    pub initializing_shards: u64,
    #[serde(default)]
    pub unassigned_shards: u64,
}

/// Health colour, ordered worst to best.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum HealthStatus {
    Red,
    Yellow,
    Green,
}

impl HealthStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            HealthStatus::Red => "red",
            HealthStatus::Yellow => "yellow",
            HealthStatus::Green => "green",
        }
    }
}

/// One row of `GET _cat/indices?format=json&bytes=b`.
#[derive(Debug, Clone, Deserialize)]
pub struct CatIndex {
    pub index: String,
    #[serde(default)]
    pub health: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub uuid: Option<String>,
    #[serde(rename = "docs.count", default, deserialize_with = "de_opt_u64")]
    pub docs_count: Option<u64>,
    #[serde(rename = "store.size", default, deserialize_with = "de_opt_u64")]
    pub store_size_bytes: Option<u64>,
    #[serde(default)]
    pub pri: Option<String>,
    #[serde(default)]
    pub rep: Option<String>,
}

/// `_cat` returns numbers as strings (or null for closed indices).
fn de_opt_u64<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::String(s)) => s.parse().ok(),
        Some(Value::Number(n)) => n.as_u64(),
        _ => None,
    })
}

impl ClusterClient {
    /// Cluster health; with `index`, that index only. `wait_for` blocks server-side up to `timeout`
    /// (a timed-out wait comes back with `timed_out: true`, not an error).
    pub async fn health(
        &self,
        index: Option<&str>,
        wait_for: Option<HealthStatus>,
        timeout: Option<Duration>,
    ) -> Result<Health, ClusterError> {
        let path = match index {
            Some(i) => format!("/_cluster/health/{}", enc(i)),
            None => "/_cluster/health".to_owned(),
        };
        let mut req = Request::get(path);
        if let Some(s) = wait_for {
            req = req.query("wait_for_status", s.as_str());
        }
        if let Some(t) = timeout {
            req = req.query("timeout", format!("{}s", t.as_secs().max(1)));
        }
        // A wait that times out answers 408 with the health body.
        let (status, body) = self.send_raw(&req).await?;
        if (200..300).contains(&status) || status == 408 {
            serde_json::from_slice(&body).map_err(|e| ClusterError::Decode {
                method: "GET".into(),
                path: req.path.clone(),
                detail: e.to_string(),
            })
        } else {
            Err(self.server_error(&req, status, &body))
        }
    }

    /// `GET _cat/indices[/{pattern}]?format=json&bytes=b[&expand_wildcards=all]` (the last where the
    /// version takes it, see [`crate::Quirks::cat_indices_expand_wildcards`]).
    pub async fn cat_indices(&self, pattern: Option<&str>) -> Result<Vec<CatIndex>, ClusterError> {
        let path = match pattern {
            Some(p) => format!("/_cat/indices/{}", enc(p)),
            None => "/_cat/indices".to_owned(),
        };
        let mut req = Request::get(path)
            .query("format", "json")
            .query("bytes", "b");
        if self.quirks().await?.cat_indices_expand_wildcards() {
            req = req.query("expand_wildcards", "all");
        }
        self.json(req).await
    }

    /// `GET _cluster/settings?include_defaults&flat_settings`: persistent, transient and defaults.
    pub async fn cluster_settings(&self) -> Result<Value, ClusterError> {
        self.json(
            Request::get("/_cluster/settings")
                .query("include_defaults", "true")
                .query("flat_settings", "true"),
        )
        .await
    }

    /// `PUT _cluster/settings {"persistent": settings}`.
    pub async fn put_cluster_settings(&self, persistent: Value) -> Result<Value, ClusterError> {
        self.json(
            Request::new(Method::PUT, "/_cluster/settings")
                .body(json!({ "persistent": persistent }))
                .mutating(MutatingCall::PutClusterSettings, "cluster settings"),
        )
        .await
    }

    /// `GET _nodes/settings`: every node's settings (the remote-reindex allowlist is a node setting
    /// on most versions and lives in `elasticsearch.yml` / `opensearch.yml`).
    pub async fn nodes_settings(&self) -> Result<Value, ClusterError> {
        self.json(Request::get("/_nodes/settings").query("flat_settings", "true"))
            .await
    }

    /// `GET _nodes/http`: every node's `http.publish_address`.
    pub async fn http_publish_addresses(&self) -> Result<Vec<String>, ClusterError> {
        let v: Value = self.json(Request::get("/_nodes/http")).await?;
        Ok(v.get("nodes")
            .and_then(Value::as_object)
            .map(|nodes| {
                nodes
                    .values()
                    .filter_map(|n| n.pointer("/http/publish_address")?.as_str())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default())
    }

    /// The remote-reindex allowlist entries this destination accepts, read from node settings under
    /// the flavour's setting name (and the old name as a fallback) plus cluster settings.
    pub async fn remote_reindex_allowlist(&self) -> Result<Vec<String>, ClusterError> {
        let name = self.quirks().await?.remote_allowlist_setting();
        let names = [name, "reindex.remote.whitelist", "reindex.remote.allowlist"];
        let mut out = Vec::new();
        let nodes = self.nodes_settings().await?;
        let cluster = self.cluster_settings().await?;
        let mut sources: Vec<&Value> = Vec::new();
        if let Some(ns) = nodes.get("nodes").and_then(Value::as_object) {
            sources.extend(ns.values().filter_map(|n| n.get("settings")));
        }
        for scope in ["persistent", "transient", "defaults"] {
            if let Some(s) = cluster.get(scope) {
                sources.push(s);
            }
        }
        for s in sources {
            for n in names {
                match s.get(n) {
                    Some(Value::String(v)) => out.extend(
                        v.split(',')
                            .map(str::trim)
                            .filter(|x| !x.is_empty())
                            .map(str::to_owned),
                    ),
                    Some(Value::Array(a)) => {
                        out.extend(a.iter().filter_map(Value::as_str).map(str::to_owned))
                    }
                    _ => {}
                }
            }
        }
        out.sort();
        out.dedup();
        Ok(out)
    }
}
