//! Preflight steps (read-only): versions and restore compatibility, the source's indexes exist,
//! closed destination indexes a restore replaces have the source's primary shard count,
//! (reindex) the destination's free disk is at least 1.2 × the source's primary store size
//! ("not checked" when it exposes no `_nodes/stats/fs`, as on Serverless);
//! the destination has the plugin of the destination repository's type (`repository-s3`,
//! `elasticsearch-repository-oss`, `repository-cos`; `fs` needs none; assumed built in: s3 on
//! Elasticsearch ≥ 8.0, where it became a module, and on Amazon OpenSearch Service (`*.amazonaws.com`
//! destinations); self-managed OpenSearch 1.x–3.x still ships it as a plugin; a cluster that does
//! not answer `_cat/plugins` is recorded as "not checked"), (snapshot, when objects are
//! transferred) both stores reachable with the plan's credentials (one LIST of at most one key
//! each, through the transfer's own client; "not checked" when the clusters share one store),
//! repository names, the destination's remote-reindex allowlist, and the reindex update-time
//! field's mapping (a date or numeric type in every source index).

use std::sync::Arc;

use migrate_cluster::Request;
use migrate_core::{Flavor, Release};
use migrate_exec::{Outcome, StepError};
use migrate_graph::blueprint::{Setting, Store, StoreKind};
use migrate_graph::preflight::{repository_name_problem, restore_compatibility};
use migrate_graph::{RemoteAuth, Side, StepKind};
use migrate_store::{ProbeError, ProbeFailure, StoreSpec};
use serde_json::{Map, Value, json};

use crate::resolve::expand;
use crate::runner::Cx;
use crate::store::{setting_text, store_spec};
use crate::watermark::is_numeric_type;

pub(super) async fn versions(
    cx: &Cx<'_>,
    strategy: &str,
    declared_source: Option<Release>,
    declared_destination: Option<Release>,
) -> Result<Outcome, StepError> {
    let mut detected = Vec::with_capacity(2);
    for (side, declared, field) in [
        (Side::Source, declared_source, "source.version"),
        (
            Side::Destination,
            declared_destination,
            "destination.version",
        ),
    ] {
        let info = cx
            .client(side)
            .server_info()
            .await
            .map_err(|e| cx.fail(side, "detecting the version (`GET /`)", &e))?;
        let found = info.release();
        let version = match (declared, found) {
            (Some(d), Some(f)) if d != f => {
                return Err(cx.permanent(format!(
                    "the plan declares {d} for the {} cluster but it reports {f}; fix `{field}` in the plan (compatibility was judged on it)",
                    side.as_str()
                )));
            }
            (d, f) => f.or(d),
        };
        detected.push(version);
    }
    let (src, dst) = (detected[0], detected[1]);
    let mut notes = Vec::new();
    if let (Some(from), Some(into)) = (src, dst) {
        if strategy == "snapshot" {
            restore_compatibility(from, into).map_err(|why| {
                cx.permanent(format!(
                    "{why}; use `strategy: reindex` or a destination version that can restore it"
                ))
            })?;
        } else {
            let key = |r: Release| (r.version.major, r.version.minor, r.version.patch);
            if from.flavor == into.flavor && key(into) < key(from) {
                return Err(cx.permanent(format!(
                    "the destination ({into}) is older than the source ({from}); reindexing into an older version is not supported: upgrade the destination"
                )));
            }
            if from.flavor == Flavor::Elasticsearch
                && into.flavor == Flavor::OpenSearch
                && key(from) > (7, 10, 2)
            {
                notes.push(format!(
                    "{from} is newer than the Elasticsearch 7.10.2 OpenSearch forked from: check mappings for field types OpenSearch lacks"
                ));
            }
        }
    }
    // The plan's indexes exist on the source (patterns resolved).
    let mut indexes = Map::new();
    for entry in cx.graph.indexes() {
        let pairs = expand(cx, entry, entry).await?;
        indexes.insert(
            entry.clone(),
            Value::from(pairs.into_iter().map(|p| p.source).collect::<Vec<_>>()),
        );
    }
    let update_fields = update_fields(cx, &indexes).await?;
    let mut plugin = Value::Null;
    let mut disk = Value::Null;
    let mut stores = Value::Null;
    if strategy == "snapshot" {
        closed_shard_counts(cx).await?;
        plugin = repository_plugin(cx, dst).await?;
        stores = stores_reachable(cx).await?;
    } else {
        disk = disk_space(cx, &indexes).await?;
    }
    let show = |v: Option<Release>| v.map_or(Value::Null, |v| Value::from(v.to_string()));
    Ok(Outcome::Done {
        outputs: json!({
            "source": show(src),
            "destination": show(dst),
            "indexes": indexes,
            "update_fields": update_fields,
            "repository_plugin": plugin,
            "disk": disk,
            "stores": stores,
            "notes": notes,
        }),
    })
}

/// Every reindex entry's update-time field is mapped in each concrete source index (`indexes`:
/// entry → concrete names) with a date or numeric type, so range passes select changed documents.
/// Returns `{index: {"field", "type"}}`.
async fn update_fields(cx: &Cx<'_>, indexes: &Map<String, Value>) -> Result<Value, StepError> {
    let mut wanted = std::collections::BTreeSet::new();
    for step in cx.graph.steps() {
        if let StepKind::Reindex {
            source_index,
            update_field: Some(field),
            ..
        } = &step.kind
        {
            wanted.insert((source_index.clone(), field.clone()));
        }
    }
    let mut out = Map::new();
    for (entry, field) in wanted {
        let names: Vec<String> = match indexes.get(&entry).and_then(Value::as_array) {
            Some(list) => list
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
            None => vec![entry.clone()],
        };
        for index in names {
            let ty = crate::steps::reindex::field_type(cx, &index, &field).await?;
            match ty.as_deref() {
                Some(t) if matches!(t, "date" | "date_nanos") || is_numeric_type(t) => {
                    out.insert(index, json!({"field": field, "type": t}));
                }
                Some(t) => {
                    return Err(cx.permanent(format!(
                        "the update-time field `{field}` of source index `{index}` has type `{t}`; incremental passes need a `date` or numeric field: set `update_field` in the plan to one, or reindex `{index}` with `{field}` mapped as `date`"
                    )));
                }
                None => {
                    return Err(cx.permanent(format!(
                        "the update-time field `{field}` is not in the mapping of source index `{index}`; set `update_field` in the plan to a `date` or numeric field the documents carry, or remove `incremental_passes`"
                    )));
                }
            }
        }
    }
    Ok(Value::Object(out))
}

/// Every existing *closed* destination index a restore will replace has as many primary shards as
/// its source index (a restore over a closed index keeps its shard count or fails). Open indexes of
/// the same name are left to the restore step. One `_cat/indices` per side, the source's only when
/// the destination has a closed index.
async fn closed_shard_counts(cx: &Cx<'_>) -> Result<(), StepError> {
    let mut entries = std::collections::BTreeSet::new();
    for step in cx.graph.steps() {
        if let StepKind::Restore {
            source_index,
            destination_index,
            ..
        } = &step.kind
        {
            entries.insert((source_index.clone(), destination_index.clone()));
        }
    }
    if entries.is_empty() {
        return Ok(());
    }
    let what = "listing indexes (`GET /_cat/indices`)";
    let closed: std::collections::BTreeMap<String, String> = cx
        .client(Side::Destination)
        .cat_indices(None)
        .await
        .map_err(|e| cx.fail(Side::Destination, what, &e))?
        .into_iter()
        .filter(|i| i.status.as_deref() == Some("close"))
        .filter_map(|i| Some((i.index, i.pri?)))
        .collect();
    if closed.is_empty() {
        return Ok(());
    }
    let source: std::collections::BTreeMap<String, String> = cx
        .client(Side::Source)
        .cat_indices(None)
        .await
        .map_err(|e| cx.fail(Side::Source, what, &e))?
        .into_iter()
        .filter_map(|i| Some((i.index, i.pri?)))
        .collect();
    for (src_entry, dst_entry) in entries {
        for pair in expand(cx, &src_entry, &dst_entry).await? {
            let (Some(d), Some(s)) = (closed.get(&pair.destination), source.get(&pair.source))
            else {
                continue;
            };
            if d != s {
                return Err(cx.permanent(format!(
                    "`{}` on the destination is closed with {d} primary shards but the source index has {s}: a restore needs the same count — delete or rename the destination index",
                    pair.destination
                )));
            }
        }
    }
    Ok(())
}

/// The plugin a repository type needs on the destination (`fs` is built in everywhere).
fn plugin_for(kind: &str) -> Option<&'static str> {
    match kind {
        "s3" => Some("repository-s3"),
        "oss" => Some("elasticsearch-repository-oss"),
        "cos" => Some("repository-cos"),
        _ => None,
    }
}

/// The destination repository's type has its plugin installed on the destination
/// (`GET /_cat/plugins?format=json`, `component` column; a component ending in the plugin's
/// `repository-<type>` suffix counts). Returns the plugin found, `"built in"`, or `"not checked"`
/// when the cluster does not list plugins.
async fn repository_plugin(cx: &Cx<'_>, dst: Option<Release>) -> Result<Value, StepError> {
    let kinds: std::collections::BTreeSet<&str> = cx
        .graph
        .steps()
        .filter_map(|step| match &step.kind {
            StepKind::RegisterRepository {
                side: Side::Destination,
                store,
                ..
            } => Some(store.kind.repository_type()),
            _ => None,
        })
        .collect();
    let Some(plugin) = kinds.into_iter().find_map(plugin_for) else {
        return Ok(Value::Null);
    };
    let suffix = plugin.trim_start_matches("elasticsearch-");
    let built_in = plugin == "repository-s3"
        && (dst.is_some_and(|v| v.flavor == Flavor::Elasticsearch && v.version.major >= 8)
            || cx.url(Side::Destination).contains(".amazonaws.com"));
    if built_in {
        return Ok(Value::from("built in"));
    }
    let rows: Vec<Value> = match cx
        .client(Side::Destination)
        .json(Request::get("/_cat/plugins").query("format", "json"))
        .await
    {
        Ok(rows) => rows,
        Err(e) if matches!(e.status(), Some(400 | 403 | 404 | 405)) => {
            return Ok(Value::from("not checked"));
        }
        Err(e) => {
            return Err(cx.fail(
                Side::Destination,
                "listing plugins (`GET /_cat/plugins`)",
                &e,
            ));
        }
    };
    let installed = rows
        .iter()
        .filter_map(|r| r.get("component").and_then(Value::as_str))
        .any(|c| c.ends_with(suffix));
    if installed {
        Ok(Value::from(plugin))
    } else {
        Err(cx.permanent(format!(
            "the destination cluster ({}) has no `{plugin}` plugin, which `{}` repositories need: install it on every destination node (`bin/elasticsearch-plugin install {plugin}`, or `bin/opensearch-plugin` on OpenSearch) and restart them",
            cx.url(Side::Destination),
            suffix.trim_start_matches("repository-")
        )))
    }
}

/// What the output says when no transfer runs: migrate itself never touches the store.
const STORES_NOT_CHECKED: &str =
    "not checked: transfer skipped, the clusters read the store themselves";

/// The stores the transfer copies between answer a read with the plan's credentials, opened the
/// way the transfer opens them: one LIST of at most one key under each base path (`fs`: the
/// directory, or its parent before the cluster creates it). An empty repository passes. Without a
/// transfer (both clusters read one store) migrate needs no access and nothing is checked.
/// Returns `{"source": "reachable", "destination": "reachable"}` or [`STORES_NOT_CHECKED`].
async fn stores_reachable(cx: &Cx<'_>) -> Result<Value, StepError> {
    let Some((from, to)) = cx.graph.steps().find_map(|step| match &step.kind {
        StepKind::TransferObjects { from, to, .. } => Some((Arc::clone(from), Arc::clone(to))),
        _ => None,
    }) else {
        return Ok(Value::from(STORES_NOT_CHECKED));
    };
    let text = |s: &Setting| setting_text(&cx.env.secrets, s);
    let mut specs = Vec::with_capacity(2);
    for (side, store) in [(Side::Source, &from), (Side::Destination, &to)] {
        let spec = store_spec(store, &text).map_err(|why| {
            cx.permanent(format!(
                "the {} store: {why}; fix `strategy.snapshot.{}_store` in the plan",
                side.as_str(),
                side.as_str()
            ))
        })?;
        specs.push((side, store, spec));
    }
    if specs[0].2.same_location(&specs[1].2) {
        return Ok(Value::from(STORES_NOT_CHECKED));
    }
    let mut out = Map::new();
    for (side, store, spec) in &specs {
        let found = migrate_store::probe(spec)
            .await
            .map_err(|e| store_problem(cx, *side, store, spec, &e))?;
        let status = if found.exists {
            "reachable"
        } else {
            "reachable (the directory is not created yet; its parent exists)"
        };
        out.insert(side.as_str().to_owned(), Value::from(status));
    }
    Ok(Value::Object(out))
}

/// The user-facing error for a store that failed the probe: which store, where, what failed and
/// which plan field (or environment) to fix. Connection failures, timeouts and 5xx are retryable.
fn store_problem(
    cx: &Cx<'_>,
    side: Side,
    store: &Store,
    spec: &StoreSpec,
    e: &ProbeError,
) -> StepError {
    let side_name = side.as_str();
    let kind = match store.kind {
        StoreKind::S3 => "s3",
        StoreKind::Oss => "oss",
        StoreKind::Cos => "cos",
        StoreKind::Fs => "fs",
    };
    let field = |key: &str| format!("`strategy.snapshot.{side_name}_store.{kind}.{key}`");
    let location = &e.location;
    let endpoint = match (&e.endpoint, spec) {
        (Some(ep), _) => format!("`{ep}`"),
        (None, StoreSpec::S3(b)) => format!(
            "AWS S3 (region {})",
            b.region.as_deref().unwrap_or("us-east-1")
        ),
        (None, _) => "the provider's endpoint for the region".to_owned(),
    };
    let detail = &e.detail;
    let secret_key = if store.settings.contains_key("access_key_secret") {
        "access_key_secret"
    } else {
        "secret_access_key"
    };
    let from = |key: &str| {
        crate::store::setting_origin(store, key)
            .map(|o| format!(" ({o})"))
            .unwrap_or_default()
    };
    let message = match e.failure {
        ProbeFailure::Credentials
            if store.settings.contains_key("access_key_id")
                && store.settings.contains_key(secret_key) =>
        {
            format!(
                "the {side_name} store {location} at {endpoint} refused the plan's credentials ({detail}): check {}{} and {}{} — they must be a valid key pair for bucket `{}`",
                field("access_key_id"),
                from("access_key_id"),
                field(secret_key),
                from(secret_key),
                bucket_of(spec)
            )
        }
        ProbeFailure::Credentials => format!(
            "the {side_name} store {location} at {endpoint} refused the credentials of the AWS default chain ({detail}): the plan gives no {} and {} for it, so migrate signs with the AWS chain (`AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`, `AWS_PROFILE`, SSO, the instance role); set those, or give the key pair in the plan",
            field("access_key_id"),
            field(secret_key)
        ),
        ProbeFailure::Forbidden => format!(
            "the {side_name} store {location} at {endpoint} accepted the credentials but refused to list the bucket ({detail}): allow them to list bucket `{}` and read{} its objects (`s3:ListBucket`, `s3:GetObject`{}) under the base path",
            bucket_of(spec),
            if side == Side::Destination {
                " and write"
            } else {
                ""
            },
            if side == Side::Destination {
                ", `s3:PutObject`"
            } else {
                ""
            }
        ),
        ProbeFailure::NoSuchBucket => format!(
            "the {side_name} store's bucket `{}` does not exist at {endpoint} ({detail}): create it, or fix {} (and {}/{})",
            bucket_of(spec),
            field("bucket"),
            field("endpoint"),
            field("region")
        ),
        ProbeFailure::Dns => format!(
            "the {side_name} store {location} at {endpoint}: {detail}; fix {} (an `-internal` OSS endpoint resolves only inside Alibaba Cloud's network)",
            field("endpoint")
        ),
        ProbeFailure::Connect | ProbeFailure::Timeout => {
            return cx.retryable(format!(
                "the {side_name} store {location} at {endpoint}: {detail}; check {} and that the store is up and reachable from this machine",
                field("endpoint")
            ));
        }
        ProbeFailure::Unavailable => {
            return cx.retryable(format!(
                "the {side_name} store {location} at {endpoint} is unavailable ({detail}); the next attempt tries again"
            ));
        }
        ProbeFailure::Open => format!(
            "the {side_name} store {location} cannot be opened: {detail}; fix `strategy.snapshot.{side_name}_store` in the plan"
        ),
        ProbeFailure::Missing | ProbeFailure::NotADirectory | ProbeFailure::Unreadable => {
            format!(
                "the {side_name} store {location}: {detail}; migrate reads the repository directory for the transfer, so {} must be the directory as this machine sees it (mount it here, or fix the path)",
                field("location")
            )
        }
        ProbeFailure::Other => format!(
            "the {side_name} store {location} at {endpoint} failed the reachability check ({detail}); check {} and {}",
            field("endpoint"),
            field("bucket")
        ),
    };
    cx.permanent(message)
}

fn bucket_of(spec: &StoreSpec) -> &str {
    match spec {
        StoreSpec::S3(b) | StoreSpec::Oss(b) | StoreSpec::Cos(b) => &b.bucket,
        StoreSpec::Fs(_) => "",
    }
}

/// `bytes` in binary units with one decimal (`1.5 GiB`).
fn human(bytes: u64) -> String {
    const UNITS: [&str; 6] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
    let mut v = bytes as f64;
    let mut unit = 0;
    while v >= 1024.0 && unit + 1 < UNITS.len() {
        v /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{v:.1} {}", UNITS[unit])
    }
}

/// The destination's free disk (sum of `fs.total.available_in_bytes` over its data nodes) is at
/// least 1.2 × the primary store size of the concrete source indexes (`indexes`: entry → names).
/// Returns `{"available", "needed", "source_primary_bytes"}` or `"not checked"` when the
/// destination exposes no fs stats (Serverless).
async fn disk_space(cx: &Cx<'_>, indexes: &Map<String, Value>) -> Result<Value, StepError> {
    let mut names = std::collections::BTreeSet::new();
    for list in indexes.values().filter_map(Value::as_array) {
        names.extend(list.iter().filter_map(Value::as_str).map(str::to_owned));
    }
    if names.is_empty() {
        return Ok(Value::Null);
    }
    let mut sizes = std::collections::BTreeMap::new();
    for entry in indexes.keys() {
        let rows: Vec<Value> = cx
            .client(Side::Source)
            .json(
                Request::get(format!("/_cat/indices/{}", migrate_cluster::enc(entry)))
                    .query("bytes", "b")
                    .query("h", "index,pri.store.size")
                    .query("format", "json"),
            )
            .await
            .map_err(|e| {
                cx.fail(
                    Side::Source,
                    &format!("reading the store size of `{entry}` (`GET /_cat/indices`)"),
                    &e,
                )
            })?;
        for row in rows {
            let (Some(index), Some(size)) = (
                row.get("index").and_then(Value::as_str),
                row.get("pri.store.size").and_then(|v| match v {
                    Value::String(s) => s.parse::<u64>().ok(),
                    other => other.as_u64(),
                }),
            ) else {
                continue;
            };
            if names.contains(index) {
                sizes.insert(index.to_owned(), size);
            }
        }
    }
    let source: u64 = sizes.values().sum();
    let stats: Value = match cx
        .client(Side::Destination)
        .json(Request::get("/_nodes/stats/fs"))
        .await
    {
        Ok(v) => v,
        Err(e) if matches!(e.status(), Some(400 | 403 | 404 | 405)) => {
            return Ok(Value::from("not checked"));
        }
        Err(e) => {
            return Err(cx.fail(
                Side::Destination,
                "reading free disk space (`GET /_nodes/stats/fs`)",
                &e,
            ));
        }
    };
    let Some(nodes) = stats.get("nodes").and_then(Value::as_object) else {
        return Ok(Value::from("not checked"));
    };
    let available: u64 = nodes
        .values()
        .filter(|n| {
            n.get("roles")
                .and_then(Value::as_array)
                .is_none_or(|roles| {
                    roles
                        .iter()
                        .filter_map(Value::as_str)
                        .any(|r| r == "data" || r.starts_with("data_"))
                })
        })
        .filter_map(|n| {
            n.pointer("/fs/total/available_in_bytes")
                .and_then(Value::as_u64)
        })
        .sum();
    let needed = source.saturating_mul(6) / 5;
    if available < needed {
        return Err(cx.permanent(format!(
            "the destination cluster ({}) has {} of free disk on its data nodes but the source indexes' primary store size is {} (at least {} free is needed, 1.2 × the source): free disk space or add data nodes on the destination, or migrate fewer indexes per plan",
            cx.url(Side::Destination),
            human(available),
            human(source),
            human(needed)
        )));
    }
    Ok(json!({"available": available, "needed": needed, "source_primary_bytes": source}))
}

pub(super) fn repository_names(
    cx: &Cx<'_>,
    source: &str,
    destination: &str,
) -> Result<Outcome, StepError> {
    let problems: Vec<String> = [source, destination]
        .into_iter()
        .filter_map(repository_name_problem)
        .collect();
    if problems.is_empty() {
        Ok(Outcome::done())
    } else {
        Err(cx.permanent(format!(
            "{}; rename the repository in the plan's `strategy.snapshot`",
            problems.join("; ")
        )))
    }
}

/// `host:port` of a remote host URL (`scheme://host:port`), or why it is not one.
pub(crate) fn host_port(remote_host: &str) -> Result<String, String> {
    let url: url::Url = remote_host
        .parse()
        .map_err(|e| format!("`{remote_host}` is not a URL ({e})"))?;
    let host = url
        .host_str()
        .ok_or_else(|| format!("`{remote_host}` has no host"))?;
    let authority = remote_host
        .split("://")
        .nth(1)
        .unwrap_or_default()
        .split('/')
        .next()
        .unwrap_or_default();
    let explicit = authority
        .rsplit_once(':')
        .is_some_and(|(_, p)| p.parse::<u16>().is_ok());
    let port = url.port_or_known_default().filter(|_| explicit).ok_or_else(|| {
        format!(
            "`{remote_host}` has no port; remote reindex needs `scheme://host:port` (e.g. `{}://{host}:{}`)",
            url.scheme(),
            if url.scheme() == "https" { 443 } else { 9200 }
        )
    })?;
    Ok(format!("{host}:{port}"))
}

/// Whether an allowlist entry (`host:port`, `*` wildcards) admits `host_port`.
fn admits(entry: &str, host_port: &str) -> bool {
    glob(entry.trim().as_bytes(), host_port.as_bytes())
}

fn glob(p: &[u8], s: &[u8]) -> bool {
    match p.split_first() {
        None => s.is_empty(),
        Some((b'*', rest)) => (0..=s.len()).any(|i| glob(rest, &s[i..])),
        Some((c, rest)) => s
            .split_first()
            .is_some_and(|(d, srest)| c.eq_ignore_ascii_case(d) && glob(rest, srest)),
    }
}

pub(super) async fn remote_allowlist(cx: &Cx<'_>, remote_host: &str) -> Result<Outcome, StepError> {
    // Remote reindex cannot sign requests: say so before anything is copied.
    for step in cx.graph.steps() {
        if let StepKind::Reindex { remote, .. } = &step.kind
            && let RemoteAuth::Unsupported { reason } = &remote.auth
        {
            return Err(cx.permanent(reason));
        }
    }
    let hp = host_port(remote_host).map_err(|why| {
        cx.permanent(format!(
            "{why}; fix `strategy.reindex.remote_host` in the plan"
        ))
    })?;
    let dst = cx.client(Side::Destination);
    let setting = dst
        .quirks()
        .await
        .map_err(|e| cx.fail(Side::Destination, "detecting the version", &e))?
        .remote_allowlist_setting();
    let allowed = dst.remote_reindex_allowlist().await.map_err(|e| {
        cx.fail(
            Side::Destination,
            "reading the remote-reindex allowlist",
            &e,
        )
    })?;
    if allowed.iter().any(|e| admits(e, &hp)) {
        return Ok(Outcome::Done {
            outputs: json!({"host": hp, "allowlist": allowed, "setting": setting}),
        });
    }
    let file = if setting.ends_with("allowlist")
        || dst
            .server_info()
            .await
            .is_ok_and(|i| i.flavor() != Flavor::Elasticsearch)
    {
        "opensearch.yml"
    } else {
        "elasticsearch.yml"
    };
    let now = if allowed.is_empty() {
        "it allows no remote host now".to_owned()
    } else {
        format!(
            "it allows only {}",
            allowed
                .iter()
                .map(|a| format!("`{a}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    Err(cx.permanent(format!(
        "the destination cluster ({}) does not allow remote reindex from `{hp}` ({now}); add this line to {file} on every destination node and restart them:\n    {setting}: \"{}\"",
        cx.url(Side::Destination),
        if allowed.is_empty() {
            hp.clone()
        } else {
            format!("{}, {hp}", allowed.join(", "))
        }
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowlist_globs() {
        assert!(admits("10.0.0.1:9200", "10.0.0.1:9200"));
        assert!(admits("10.0.0.*:9200", "10.0.0.7:9200"));
        assert!(admits("*:*", "h:1"));
        assert!(!admits("10.0.0.1:9200", "10.0.0.1:9201"));
    }

    #[test]
    fn host_port_needs_a_port() {
        assert_eq!(host_port("http://10.0.0.1:9200").unwrap(), "10.0.0.1:9200");
        assert_eq!(host_port("https://h.example:443").unwrap(), "h.example:443");
        assert!(
            host_port("https://search-x.es.amazonaws.com")
                .unwrap_err()
                .contains(":443")
        );
    }
}
