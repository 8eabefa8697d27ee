//! Reading a plan's metadata from the source, read-only: `GET /` for the cluster's identity, `GET
//! /<entry>` for each index entry's settings, mappings and aliases, and the metadata APIs
//! (templates, ingest pipelines, stored scripts, lifecycle policies). An API the source's version
//! lacks (400, 404, 405, 501) or that the credentials may not read (403) is recorded as unread,
//! not an error. Only `GET` requests are sent, through a client whose write-guard allows nothing.

use std::collections::BTreeMap;

use migrate_cluster::{ClusterClient, ClusterError};
use migrate_core::Side;
use migrate_core::request::{Fills, Method, Request, Role};
use migrate_graph::blueprint::Blueprint;
use migrate_translate::lint::{
    CAPTURE_FORMAT_VERSION, Capture, CapturedCluster, CapturedItem, Unread,
};
use migrate_translate::{ObjectKind, Target};
use serde_json::{Value, json};

/// Statuses that mean "this source has no such API" or "may not read it": recorded, not fatal.
const UNREAD: &[u16] = &[400, 403, 404, 405, 501];

/// A metadata API: what it lists and how its answer splits into named objects.
struct Api {
    kind: ObjectKind,
    words: &'static [&'static str],
    query: Option<(&'static str, &'static str)>,
    split: fn(Value) -> Vec<(String, Value)>,
}

/// `{name: body}`.
fn by_name(v: Value) -> Vec<(String, Value)> {
    match v {
        Value::Object(m) => m.into_iter().collect(),
        _ => Vec::new(),
    }
}

/// `{"<list>": [{"name": .., "<inner>": body}]}` (composable and component templates).
fn listed(v: &Value, list: &str, name: &str, inner: &str) -> Vec<(String, Value)> {
    v.get(list)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|e| Some((e.get(name)?.as_str()?.to_owned(), e.get(inner)?.clone())))
        .collect()
}

const APIS: &[Api] = &[
    Api {
        kind: ObjectKind::LegacyTemplate,
        words: &["_template"],
        query: None,
        split: by_name,
    },
    Api {
        kind: ObjectKind::IndexTemplate,
        words: &["_index_template"],
        query: None,
        split: |v| listed(&v, "index_templates", "name", "index_template"),
    },
    Api {
        kind: ObjectKind::ComponentTemplate,
        words: &["_component_template"],
        query: None,
        split: |v| listed(&v, "component_templates", "name", "component_template"),
    },
    Api {
        kind: ObjectKind::Pipeline,
        words: &["_ingest", "pipeline"],
        query: None,
        split: by_name,
    },
    Api {
        kind: ObjectKind::StoredScript,
        words: &["_cluster", "state", "metadata"],
        query: Some(("filter_path", "metadata.stored_scripts")),
        split: |v| {
            let scripts = v.pointer("/metadata/stored_scripts").cloned();
            by_name(scripts.unwrap_or(Value::Null))
                .into_iter()
                .map(|(id, body)| (id, json!({ "script": body })))
                .collect()
        },
    },
    Api {
        kind: ObjectKind::LifecyclePolicy,
        words: &["_ilm", "policy"],
        query: None,
        split: |v| {
            by_name(v)
                .into_iter()
                .filter_map(|(n, e)| Some((n, json!({ "policy": e.get("policy")?.clone() }))))
                .collect()
        },
    },
    Api {
        kind: ObjectKind::LifecyclePolicy,
        words: &["_plugins", "_ism", "policies"],
        query: None,
        split: |v| {
            listed(&v, "policies", "_id", "policy")
                .into_iter()
                .map(|(n, p)| (n, json!({ "policy": p })))
                .collect()
        },
    },
];

/// Built-in objects the cluster makes and manages itself: `.`-named ones and those marked
/// `_meta.managed`; they are never migrated, so they are not linted.
fn built_in(name: &str, body: &Value) -> bool {
    name.starts_with('.')
        || [
            "/_meta/managed",
            "/policy/_meta/managed",
            "/index_template/_meta/managed",
        ]
        .iter()
        .any(|p| body.pointer(p) == Some(&Value::Bool(true)))
}

fn get(words: &[&'static str]) -> Request {
    words.iter().fold(
        Request::new(Role::Read, Side::Source, Method::Get),
        |r, w| r.at(w),
    )
}

/// What went wrong reading the source.
#[derive(Debug, thiserror::Error)]
pub enum CollectError {
    #[error("the source cannot be read: {0}")]
    Cluster(#[from] ClusterError),
    #[error("the source answered `{what}` with something that is not JSON: {detail}")]
    Decode { what: String, detail: String },
    #[error("the source is {0}, which the translation table does not cover")]
    Unsupported(String),
}

/// Sends a read; `Ok(None)` with the reason when the status means the API is absent or closed.
async fn read(
    source: &ClusterClient,
    req: &Request,
) -> Result<Result<Value, String>, CollectError> {
    let (wire, status, body) = source.execute_raw(req, &Fills::new()).await?;
    let what = format!("GET /{}", wire.path.trim_start_matches('/'));
    if UNREAD.contains(&status) {
        let (error_type, reason) =
            migrate_cluster::error::parse_error_body(&String::from_utf8_lossy(&body));
        let reason: String = source.redact(&reason).chars().take(200).collect();
        return Ok(Err(match error_type {
            Some(t) => format!("{status} {t}: {reason}"),
            None => format!("{status}: {reason}"),
        }));
    }
    if !(200..300).contains(&status) {
        return Err(ClusterError::Server {
            method: "GET".into(),
            path: wire.path,
            status,
            error_type: None,
            reason: source.redact(&String::from_utf8_lossy(&body)),
        }
        .into());
    }
    serde_json::from_slice(&body)
        .map(Ok)
        .map_err(|e| CollectError::Decode {
            what,
            detail: e.to_string(),
        })
}

/// The source's metadata for `bp`: each index entry's matches (excludes, `.tasks` and, unless the
/// entry names them, `.`-indexes left out) and every metadata object that is not built in.
pub async fn collect(bp: &Blueprint, source: &ClusterClient) -> Result<Capture, CollectError> {
    let info = source.server_info().await?.clone();
    let release = info
        .release()
        .ok_or_else(|| CollectError::Unsupported("Serverless".into()))?;
    let version = Target::parse(&release.to_string())
        .map_err(|_| CollectError::Unsupported(release.to_string()))?;
    let mut unread = Vec::new();
    let mut indexes = BTreeMap::new();
    for entry in &bp.indexes {
        let req = get(&[]).name(entry.source.to_string());
        match read(source, &req).await? {
            Ok(found) => {
                for (name, body) in by_name(found) {
                    let dotted = name.starts_with('.') && !entry.source.starts_with('.');
                    let excluded = entry
                        .exclude
                        .iter()
                        .any(|x| migrate_steps::name_matches(x, &name));
                    if !(dotted || excluded || name == ".tasks") {
                        indexes.insert(name, body);
                    }
                }
            }
            Err(reason) => unread.push(Unread {
                what: format!("index entry `{}`", entry.source),
                reason,
            }),
        }
    }
    let mut items: Vec<CapturedItem> = indexes
        .into_iter()
        .map(|(name, body)| CapturedItem {
            kind: ObjectKind::Index,
            name,
            body,
        })
        .collect();
    for api in APIS {
        if api.words[0] == "_plugins" && !version.is_opensearch()
            || api.words[0] == "_ilm" && version.is_opensearch()
        {
            continue;
        }
        let mut req = get(api.words);
        if let Some((k, v)) = api.query {
            req = req.query(k, v);
        }
        match read(source, &req).await? {
            Ok(found) => {
                let mut objects: Vec<(String, Value)> = (api.split)(found)
                    .into_iter()
                    .filter(|(n, b)| !built_in(n, b))
                    .collect();
                objects.sort_by(|a, b| a.0.cmp(&b.0));
                items.extend(objects.into_iter().map(|(name, body)| CapturedItem {
                    kind: api.kind,
                    name,
                    body,
                }));
            }
            Err(reason) => unread.push(Unread {
                what: format!("GET /{}", api.words.join("/")),
                reason,
            }),
        }
    }
    Ok(Capture {
        format_version: CAPTURE_FORMAT_VERSION,
        plan: bp.name.clone(),
        cluster: CapturedCluster {
            uuid: info.cluster_uuid.clone().filter(|u| u != "_na_"),
            name: info.cluster_name.clone(),
            version,
        },
        destination: None,
        taken_at: now(),
        items,
        unread,
    })
}

/// The current time, RFC 3339 in UTC, to the second.
fn now() -> String {
    let t = time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}
