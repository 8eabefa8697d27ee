//! The live inputs of a plan, read with a read-only client: both clusters' identities, every
//! concrete source index (patterns expanded as the engine expands them) with its uuid, status,
//! documents, primary bytes, shards and mapping hash, and the destination's indexes and templates.

use std::collections::BTreeMap;

use migrate_cluster::{ClusterClient, ClusterError};
use migrate_core::Side;
use migrate_core::request::{Condition, Fills, Method, Request, Role, Segment};
use migrate_graph::requests::expand::is_pattern;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The `_cat/indices` columns read.
const COLUMNS: &str = "index,uuid,status,pri,rep,docs.count,pri.store.size";

/// One cluster's identity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterFacts {
    pub side: String,
    pub name: Option<String>,
    pub uuid: Option<String>,
    pub version: Option<String>,
}

/// One concrete source index.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndexFacts {
    pub entry: String,
    pub name: String,
    pub destination: String,
    pub uuid: Option<String>,
    pub status: Option<String>,
    pub docs: Option<u64>,
    pub primary_bytes: Option<u64>,
    pub shards: Option<u64>,
    /// SHA-256 of the index's mapping as the source returns it (keys sorted).
    pub mapping_hash: Option<String>,
}

/// One destination index.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DestinationFacts {
    pub status: Option<String>,
    pub shards: Option<u64>,
}

/// Everything read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Inventory {
    pub clusters: Vec<ClusterFacts>,
    pub indexes: Vec<IndexFacts>,
    /// Plan entries naming an index the source does not have (the preflight names them too).
    pub missing: Vec<String>,
    pub destination: BTreeMap<String, DestinationFacts>,
    /// Destination templates (legacy and composable): name → index patterns.
    pub templates: BTreeMap<String, Vec<String>>,
    /// Each source index's settings and mappings, for the lint (not saved).
    #[serde(skip)]
    pub metadata: Vec<(String, Value, Value)>,
}

/// One plan entry: source name or pattern, destination name, excludes.
pub struct Entry<'a> {
    pub source: &'a str,
    pub destination: &'a str,
    pub exclude: &'a [String],
}

fn cat(side: Side, target: Option<&str>) -> Request {
    let mut r = Request::new(Role::Read, side, Method::Get)
        .at("_cat")
        .at("indices");
    if let Some(t) = target {
        r = r.segment(Segment::Name(t.to_owned()));
    }
    r.query("format", "json")
        .query("bytes", "b")
        .query("h", COLUMNS)
        .query_when(
            Condition::CatIndicesExpandWildcards,
            "expand_wildcards",
            "all",
        )
}

fn num(row: &Value, key: &str) -> Option<u64> {
    match row.get(key)? {
        Value::String(s) => s.parse().ok(),
        Value::Number(n) => n.as_u64(),
        _ => None,
    }
}

fn text(row: &Value, key: &str) -> Option<String> {
    row.get(key).and_then(Value::as_str).map(str::to_owned)
}

/// Reads the identities, the source indexes of `entries` and the destination's indexes and templates.
pub async fn read(
    source: &ClusterClient,
    destination: &ClusterClient,
    entries: &[Entry<'_>],
) -> Result<Inventory, ClusterError> {
    let mut clusters = Vec::with_capacity(2);
    for (side, c) in [("source", source), ("destination", destination)] {
        let info = c.server_info().await?;
        clusters.push(ClusterFacts {
            side: side.into(),
            name: info.cluster_name.clone(),
            uuid: info.cluster_uuid.clone(),
            version: info.release().map(|r| r.to_string()),
        });
    }
    let fills = Fills::new();
    let mut indexes = Vec::new();
    let mut missing = Vec::new();
    let mut metadata = Vec::new();
    for e in entries {
        let rows: Option<Vec<Value>> = source
            .optional(&cat(Side::Source, Some(e.source)), &fills)
            .await?;
        let pattern = is_pattern(e.source);
        let mut found: Vec<&Value> = rows
            .as_deref()
            .unwrap_or_default()
            .iter()
            .filter(|r| {
                let n = r.get("index").and_then(Value::as_str).unwrap_or_default();
                !pattern
                    || ((e.source.starts_with('.') || !n.starts_with('.'))
                        && !migrate_steps::is_system_index(n)
                        && !e.exclude.iter().any(|x| migrate_steps::name_matches(x, n)))
            })
            .collect();
        found.sort_by_key(|r| text(r, "index"));
        if found.is_empty() {
            missing.push(e.source.to_owned());
        }
        for row in found {
            let name = text(row, "index").unwrap_or_default();
            let mapping = Request::new(Role::Read, Side::Source, Method::Get)
                .segment(Segment::Name(name.clone()))
                .at("_mapping");
            let mappings = source.optional::<Value>(&mapping, &fills).await?.map(|m| {
                m.get(&name)
                    .and_then(|i| i.get("mappings"))
                    .cloned()
                    .unwrap_or(m)
            });
            let mapping_hash = mappings.as_ref().map(hash_json);
            let settings = Request::new(Role::Read, Side::Source, Method::Get)
                .segment(Segment::Name(name.clone()))
                .at("_settings");
            let settings = source
                .optional::<Value>(&settings, &fills)
                .await?
                .and_then(|s| s.get(&name).and_then(|i| i.get("settings")).cloned())
                .unwrap_or(Value::Null);
            metadata.push((name.clone(), settings, mappings.unwrap_or(Value::Null)));
            indexes.push(IndexFacts {
                entry: e.source.to_owned(),
                destination: if pattern {
                    name.clone()
                } else {
                    e.destination.to_owned()
                },
                name,
                uuid: text(row, "uuid"),
                status: text(row, "status"),
                docs: num(row, "docs.count"),
                primary_bytes: num(row, "pri.store.size"),
                shards: num(row, "pri"),
                mapping_hash,
            });
        }
    }
    let rows: Vec<Value> = destination
        .optional(&cat(Side::Destination, None), &fills)
        .await?
        .unwrap_or_default();
    let destination_indexes = rows
        .iter()
        .filter_map(|r| {
            Some((
                text(r, "index")?,
                DestinationFacts {
                    status: text(r, "status"),
                    shards: num(r, "pri"),
                },
            ))
        })
        .collect();
    let templates = templates(destination).await;
    Ok(Inventory {
        clusters,
        indexes,
        missing,
        destination: destination_indexes,
        templates,
        metadata,
    })
}

/// Legacy (`_template`) and composable (`_index_template`) templates; a version without one of
/// the APIs (or a server refusing it) contributes none.
async fn templates(c: &ClusterClient) -> BTreeMap<String, Vec<String>> {
    let fills = Fills::new();
    let mut out = BTreeMap::new();
    let patterns = |t: &Value| -> Vec<String> {
        match t.get("index_patterns").or_else(|| t.get("template")) {
            Some(Value::Array(a)) => a
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
            Some(Value::String(s)) => vec![s.clone()],
            _ => Vec::new(),
        }
    };
    let legacy = Request::new(Role::Read, Side::Destination, Method::Get).at("_template");
    if let Ok(Some(Value::Object(m))) = c.optional::<Value>(&legacy, &fills).await {
        for (name, t) in m {
            out.insert(name, patterns(&t));
        }
    }
    let composable = Request::new(Role::Read, Side::Destination, Method::Get).at("_index_template");
    if let Ok(Some(v)) = c.optional::<Value>(&composable, &fills).await
        && let Some(list) = v.get("index_templates").and_then(Value::as_array)
    {
        for t in list {
            if let (Some(name), Some(body)) = (
                t.get("name").and_then(Value::as_str),
                t.get("index_template"),
            ) {
                out.insert(name.to_owned(), patterns(body));
            }
        }
    }
    out
}

/// SHA-256 (hex) of `v` with object keys sorted.
pub fn hash_json(v: &Value) -> String {
    let canonical = migrate_core::store::canonical(v);
    let bytes = serde_json::to_vec(&canonical).unwrap_or_default();
    hex(&Sha256::digest(bytes))
}

pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

impl Inventory {
    /// Conflicts waiting on the destination for `i`: an existing index (open or closed), a shard
    /// mismatch with a closed one a restore would replace, templates that match its name.
    pub fn conflicts(&self, i: &IndexFacts, snapshot: bool) -> (String, Vec<String>) {
        let mut out = Vec::new();
        let status = match self.destination.get(&i.destination) {
            None => "absent".to_owned(),
            Some(d) => {
                let s = d.status.clone().unwrap_or_else(|| "open".into());
                out.push(format!(
                    "destination index `{}` exists ({s})",
                    i.destination
                ));
                if snapshot
                    && s == "close"
                    && let (Some(a), Some(b)) = (i.shards, d.shards)
                    && a != b
                {
                    out.push(format!(
                        "shard mismatch: the source has {a} primary shards, the closed destination index {b} (a restore cannot replace it)"
                    ));
                }
                s
            }
        };
        for (name, patterns) in &self.templates {
            if patterns
                .iter()
                .any(|p| migrate_steps::name_matches(p, &i.destination))
            {
                out.push(format!(
                    "destination template `{name}` ({}) applies to it",
                    patterns.join(", ")
                ));
            }
        }
        (status, out)
    }
}
