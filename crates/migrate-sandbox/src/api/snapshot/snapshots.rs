//! Snapshot APIs: create (running in the background, `wait_for_completion`), get (written and running), delete.

use std::sync::Arc;

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::{
    list_param, lookup, names, release, repository_exception, snapshot_missing, store_error, truthy,
};
use crate::api::{Ctx, Reply};
use crate::error::{ApiError, ApiResult};
use crate::model::Index;
use crate::model::cluster::Resolve;
use crate::snapshot::info::now_millis;
use crate::snapshot::restore::{self};
use crate::snapshot::service::RunningSnapshot;
use crate::snapshot::{
    Document, IndexImage, NewSnapshot, ShardStatus, SnapshotInfo, SnapshotProgress,
    create_snapshot, delete_snapshot,
};

/// Elasticsearch's snapshot name rules.
pub(super) fn validate_name(repository: &str, name: &str) -> ApiResult<()> {
    let problem = if name.is_empty() {
        Some("cannot be empty")
    } else if name.contains('#') {
        Some("must not contain '#'")
    } else if name.starts_with('_') {
        Some("must not start with '_'")
    } else if name.to_lowercase() != name {
        Some("must be lowercase")
    } else if name.contains(['\\', '/', '*', '?', '"', '<', '>', '|', ' ', ',']) {
        Some("must not contain the following characters [\\, /, *, ?, \", <, >, |,  , ,]")
    } else {
        None
    };
    match problem {
        None => Ok(()),
        Some(p) => Err(invalid_name(repository, name, p)),
    }
}

pub(super) fn invalid_name(repository: &str, name: &str, problem: &str) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "invalid_snapshot_name_exception",
        format!("[{repository}:{name}] Invalid snapshot name [{name}], {problem}"),
    )
}

/// Captures an index for a snapshot: definition and documents ordered by sequence number.
pub(super) fn image_of(index: &Index) -> IndexImage {
    let mut docs: Vec<(u64, Document)> = index
        .docs
        .iter()
        .map(|(_, d)| {
            (
                d.seq_no,
                Document {
                    id: d.id.to_string(),
                    doc_type: Some(d.ty.to_string()),
                    routing: d.routing.as_deref().map(str::to_owned),
                    version: d.version,
                    seq_no: d.seq_no,
                    source: String::from_utf8_lossy(&d.source).into_owned(),
                },
            )
        })
        .collect();
    docs.sort_by_key(|(seq, _)| *seq);
    IndexImage {
        name: index.name.clone(),
        uuid: index.uuid.clone(),
        settings: index.settings.clone().into_iter().collect(),
        mappings: Value::Object(index.mappings.clone().into_iter().collect()),
        aliases: index.aliases.clone().into_iter().collect(),
        number_of_shards: index.shards(),
        documents: docs.into_iter().map(|(_, d)| d).collect(),
    }
}

pub(super) async fn create(ctx: Ctx) -> ApiResult<Reply> {
    let registered = lookup(&ctx)?;
    let repository = registered.name.clone();
    let name = ctx.param("snapshot").to_owned();
    validate_name(&repository, &name)?;
    if registered.readonly {
        return Err(repository_exception(format!(
            "[{repository}] cannot create snapshot in a readonly repository"
        )));
    }
    let body = ctx.json()?.unwrap_or(json!({}));
    let shared = Arc::clone(&ctx.shared);
    let current = registered
        .repository
        .current()
        .await
        .map_err(|e| store_error(&repository, &e))?;
    if current.data.snapshot(&name).is_some()
        || shared.snapshots.running(&repository, &name).is_some()
    {
        return Err(invalid_name(
            &repository,
            &name,
            "snapshot with the same name already exists",
        ));
    }
    let images = {
        let cluster = shared.cluster();
        let expr = list_param(body.get("indices")).unwrap_or_else(|| "_all".into());
        let opts = Resolve {
            ignore_unavailable: truthy(body.get("ignore_unavailable"), false),
            include_closed: false,
            allow_no_indices: true,
            // Snapshots take hidden indexes too (`expand_wildcards` defaults to `all`).
            include_hidden: true,
        };
        let selected = cluster.resolve(&expr, opts)?;
        selected
            .iter()
            .filter_map(|n| cluster.indices.get(n))
            .map(image_of)
            .collect::<Vec<_>>()
    };
    let release = release(&shared.product);
    let start_time = now_millis();
    let part_size = crate::snapshot::create::part_size(&registered.settings)
        .map_err(|reason| repository_exception(format!("[{repository}] {reason}")))?;
    let spec = NewSnapshot {
        name: name.clone(),
        uuid: crate::snapshot::repository::new_id(),
        release,
        include_global_state: truthy(body.get("include_global_state"), true),
        global_metadata: json!({"cluster_uuid": shared.cluster_uuid, "persistent": Value::Object(shared.cluster().persistent.clone().into_iter().collect())}),
        metadata: body.get("metadata").cloned(),
        start_time,
        part_size,
    };
    let mut indices: Vec<String> = images.iter().map(|i| i.name.clone()).collect();
    indices.sort();
    let info = SnapshotInfo {
        name: name.clone(),
        uuid: spec.uuid.clone(),
        version_id: release.version_id(),
        indices,
        state: "IN_PROGRESS".into(),
        reason: None,
        include_global_state: spec.include_global_state,
        start_time,
        end_time: 0,
        total_shards: images.iter().map(|i| i.number_of_shards.max(1)).sum(),
        successful_shards: 0,
        failures: Vec::new(),
        metadata: spec.metadata.clone(),
    };
    let (done, _) = tokio::sync::watch::channel(None);
    let running = Arc::new(RunningSnapshot {
        repository: repository.clone(),
        info,
        progress: SnapshotProgress::paced(shared.byte_rate),
        done,
    });
    for image in &images {
        for shard in 0..image.number_of_shards.max(1) {
            running
                .progress
                .set(&image.name, shard, ShardStatus::init(start_time));
        }
    }
    if shared
        .snapshots
        .start(Arc::clone(&running), shared.product.concurrent_snapshots())
        .is_err()
    {
        return Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "concurrent_snapshot_execution_exception",
            format!("[{repository}:{name}] a snapshot is already running"),
        ));
    }
    let task = {
        let running = Arc::clone(&running);
        let shared = Arc::clone(&shared);
        let registered = Arc::clone(&registered);
        tokio::spawn(async move {
            let writer = shared.snapshots.writer(&registered.name);
            let _turn = writer.lock().await;
            // Flush every shard into its Lucene index (CPU work, off the async threads).
            let flushed = {
                let shared = Arc::clone(&shared);
                tokio::task::spawn_blocking(move || {
                    images
                        .into_iter()
                        .map(|image| shared.snapshots.lucene().snapshot_index(image, release))
                        .collect::<Result<Vec<_>, _>>()
                })
                .await
            };
            let outcome = match flushed {
                Ok(Ok(indices)) => {
                    create_snapshot(&registered.repository, &spec, &indices, &running.progress)
                        .await
                        .map_err(|e| e.to_string())
                }
                Ok(Err(e)) => Err(format!("flushing the shards failed: {e}")),
                Err(e) => Err(format!("flushing the shards stopped: {e}")),
            };
            shared.snapshots.finish(&registered.name, &spec.name);
            let _ = running.done.send(Some(outcome));
        })
    };
    drop(task);
    if !ctx.flag("wait_for_completion") {
        return Reply::ok(json!({"accepted": true}));
    }
    match running.wait().await {
        Ok(info) => Reply::ok(json!({"snapshot": info.to_api(&release)})),
        Err(reason) => Err(ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "snapshot_exception",
            format!("[{repository}:{name}] {reason}"),
        )),
    }
}

pub(super) async fn get_snapshots(ctx: Ctx) -> ApiResult<Reply> {
    let registered = lookup(&ctx)?;
    let repository = registered.name.clone();
    let shared = &ctx.shared;
    let release = release(&shared.product);
    // Running snapshots first: one that finishes meanwhile is then in the repository data read
    // next (it is written before it leaves the running list), never in neither.
    let running = shared.snapshots.running_in(Some(&repository));
    let current = registered
        .repository
        .current()
        .await
        .map_err(|e| store_error(&repository, &e))?;
    let written = |n: &str| current.data.snapshots.iter().any(|e| e.name == n);
    let running: Vec<_> = running
        .into_iter()
        .filter(|r| !written(&r.info.name))
        .collect();
    let mut out = Vec::new();
    for name in names(ctx.param("snapshot")) {
        if name == "_current" {
            out.extend(running.iter().map(|r| r.info.to_api(&release)));
            continue;
        }
        let wildcard = name == "_all" || name.contains('*');
        let mut found = false;
        for entry in &current.data.snapshots {
            if name == "_all" || restore::glob(name, &entry.name) {
                found = true;
                let info = registered
                    .repository
                    .snapshot_info(&entry.uuid)
                    .await
                    .map_err(|e| store_error(&repository, &e))?;
                out.push(info.to_api(&release));
            }
        }
        for r in &running {
            if name == "_all" || restore::glob(name, &r.info.name) {
                found = true;
                out.push(r.info.to_api(&release));
            }
        }
        if !found && !wildcard && !ctx.flag("ignore_unavailable") {
            return Err(snapshot_missing(&repository, name));
        }
    }
    if ctx.q("verbose") == Some("false") {
        // The non-verbose listing keeps only what the repository data holds.
        for v in &mut out {
            if let Value::Object(m) = v {
                m.retain(|k, _| {
                    matches!(
                        k.as_str(),
                        "snapshot" | "uuid" | "indices" | "data_streams" | "state"
                    )
                });
            }
        }
    }
    let mut body = json!({"snapshots": out});
    if !release.opensearch && release.version.0 >= 8 {
        body["total"] = json!(out_len(&body));
        body["remaining"] = json!(0);
    }
    Reply::ok(body)
}

pub(super) fn out_len(body: &Value) -> usize {
    body["snapshots"].as_array().map_or(0, Vec::len)
}

pub(super) async fn delete(ctx: Ctx) -> ApiResult<Reply> {
    let registered = lookup(&ctx)?;
    let repository = registered.name.clone();
    let shared = &ctx.shared;
    if registered.readonly {
        return Err(repository_exception(format!(
            "[{repository}] cannot delete snapshot from a readonly repository"
        )));
    }
    let writer = shared.snapshots.writer(&repository);
    let _turn = writer.lock().await;
    for name in names(ctx.param("snapshot")) {
        if shared.snapshots.running(&repository, name).is_some() {
            return Err(ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "concurrent_snapshot_execution_exception",
                format!(
                    "[{repository}:{name}] cannot delete - another snapshot is currently being deleted"
                ),
            ));
        }
        delete_snapshot(&registered.repository, name, release(&shared.product))
            .await
            .map_err(|e| store_error(&repository, &e))?;
    }
    Reply::ok(json!({"acknowledged": true}))
}
