//! Cluster-level answers: health, `_cat/indices` rows, the remote-reindex allowlist.

use serde::Deserialize;
use serde_json::Value;

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

/// The remote-reindex allowlist entries a destination accepts, from its node settings (`GET
/// _nodes/settings?flat_settings=true`) and cluster settings (persistent, transient, defaults),
/// under the quirks table's setting name and, as fallbacks, both spellings.
pub fn allowlist_entries(nodes: &Value, cluster: &Value, setting: &str) -> Vec<String> {
    let names = [
        setting,
        "reindex.remote.whitelist",
        "reindex.remote.allowlist",
    ];
    let mut out = Vec::new();
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
    out
}
