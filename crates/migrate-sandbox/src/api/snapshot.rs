//! Snapshot and restore APIs: repositories (`PUT/GET/DELETE _snapshot/<repo>`, `_verify`),
//! snapshots (create, get, `_status`, delete), `_restore`, `_cat/repositories`, `_cat/snapshots`,
//! and the snapshot side of `_recovery` and cluster health. The repository work itself is in
//! [`crate::snapshot`].

use std::sync::Arc;

use axum::http::{Method, StatusCode};
use serde_json::{Map, Value, json};

use super::cat::{Table, render};
use super::{Ctx, Reply};
use crate::error::{ApiError, ApiResult};
use crate::flavor::{Flavor, Product};
use crate::model::cluster::Resolve;
use crate::model::{Index, IndexState, RecoverySource};
use crate::router::RouteTable;
use crate::server::Shared;
use crate::snapshot::info::{iso, now_millis};
use crate::snapshot::read;
use crate::snapshot::registry::{self, Registered};
use crate::snapshot::restore::{self, PlanError};
use crate::snapshot::service::{RecoveryStage, Restore, RunningSnapshot};
use crate::snapshot::{
    Document, IndexImage, NewSnapshot, Release, RepositoryError, ShardStage, ShardStatus,
    SnapshotInfo, SnapshotProgress, create_snapshot, delete_snapshot,
};

/// Registers the routes.
pub fn register(t: &mut RouteTable) {
    t.route(
        Method::GET,
        "/_snapshot",
        "snapshot.get_repository",
        get_repository,
    );
    t.route(
        Method::GET,
        "/_snapshot/{repository}",
        "snapshot.get_repository",
        get_repository,
    );
    t.route(
        Method::PUT,
        "/_snapshot/{repository}",
        "snapshot.create_repository",
        put_repository,
    );
    t.route(
        Method::POST,
        "/_snapshot/{repository}",
        "snapshot.create_repository",
        put_repository,
    );
    t.route(
        Method::DELETE,
        "/_snapshot/{repository}",
        "snapshot.delete_repository",
        delete_repository,
    );
    t.route(
        Method::POST,
        "/_snapshot/{repository}/_verify",
        "snapshot.verify_repository",
        verify_repository,
    );
    t.route(
        Method::POST,
        "/_snapshot/{repository}/_cleanup",
        "snapshot.cleanup_repository",
        cleanup_repository,
    );
    t.route(Method::GET, "/_snapshot/_status", "snapshot.status", status);
    t.route(
        Method::GET,
        "/_snapshot/{repository}/_status",
        "snapshot.status",
        status,
    );
    t.route(
        Method::GET,
        "/_snapshot/{repository}/{snapshot}/_status",
        "snapshot.status",
        status,
    );
    t.route(
        Method::PUT,
        "/_snapshot/{repository}/{snapshot}",
        "snapshot.create",
        create,
    );
    t.route(
        Method::POST,
        "/_snapshot/{repository}/{snapshot}",
        "snapshot.create",
        create,
    );
    t.route(
        Method::GET,
        "/_snapshot/{repository}/{snapshot}",
        "snapshot.get",
        get_snapshots,
    );
    t.route(
        Method::DELETE,
        "/_snapshot/{repository}/{snapshot}",
        "snapshot.delete",
        delete,
    );
    t.route(
        Method::POST,
        "/_snapshot/{repository}/{snapshot}/_restore",
        "snapshot.restore",
        restore,
    );
    t.route(
        Method::GET,
        "/_cat/repositories",
        "cat.repositories",
        cat_repositories,
    );
    t.route(
        Method::GET,
        "/_cat/snapshots",
        "cat.snapshots",
        cat_snapshots,
    );
    t.route(
        Method::GET,
        "/_cat/snapshots/{repository}",
        "cat.snapshots",
        cat_snapshots,
    );
}

/// The release this sandbox impersonates.
pub fn release(product: &Product) -> Release {
    let v = product.version;
    Release {
        opensearch: product.flavor == Flavor::OpenSearch,
        version: (v.major, v.minor, v.patch),
    }
}

fn repository_missing(name: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "repository_missing_exception",
        format!("[{name}] missing"),
    )
}

fn snapshot_missing(repository: &str, snapshot: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "snapshot_missing_exception",
        format!("[{repository}:{snapshot}] is missing"),
    )
}

fn repository_exception(reason: impl Into<String>) -> ApiError {
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "repository_exception",
        reason,
    )
}

fn restore_exception(repository: &str, snapshot: &str, uuid: &str, reason: &str) -> ApiError {
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "snapshot_restore_exception",
        format!("[{repository}:{snapshot}/{uuid}] {reason}"),
    )
}

fn store_error(repository: &str, e: &RepositoryError) -> ApiError {
    match e {
        RepositoryError::SnapshotMissing(name) => snapshot_missing(repository, name),
        RepositoryError::Concurrent { .. } => ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "repository_exception",
            format!("[{repository}] {e}"),
        ),
        other => repository_exception(format!("[{repository}] {other}")),
    }
}

fn lookup(ctx: &Ctx) -> ApiResult<Arc<Registered>> {
    let name = ctx.param("repository");
    ctx.shared
        .snapshots
        .repository(name)
        .ok_or_else(|| repository_missing(name))
}

fn names(expr: &str) -> Vec<&str> {
    expr.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

fn settings_view(settings: &Map<String, Value>) -> Value {
    Value::Object(
        settings
            .iter()
            .map(|(k, v)| {
                let v = match v {
                    Value::String(_) | Value::Object(_) | Value::Array(_) => v.clone(),
                    other => Value::String(other.to_string()),
                };
                (k.clone(), v)
            })
            .collect(),
    )
}

async fn get_repository(ctx: Ctx) -> ApiResult<Reply> {
    let service = &ctx.shared.snapshots;
    let expr = ctx.param("repository");
    let all = service.repositories();
    let mut out = Map::new();
    for name in if expr.is_empty() {
        vec!["_all"]
    } else {
        names(expr)
    } {
        let matched: Vec<&Arc<Registered>> = all
            .iter()
            .filter(|r| name == "_all" || restore::glob(name, &r.name))
            .collect();
        if matched.is_empty() && !name.contains('*') && name != "_all" {
            return Err(repository_missing(name));
        }
        for r in matched {
            out.insert(
                r.name.clone(),
                json!({"type": r.kind, "settings": settings_view(&r.settings)}),
            );
        }
    }
    Reply::ok(Value::Object(out))
}

async fn put_repository(ctx: Ctx) -> ApiResult<Reply> {
    let name = ctx.param("repository").to_owned();
    let body = ctx.json()?.unwrap_or(Value::Null);
    let service = &ctx.shared.snapshots;
    let registered =
        registry::register(&name, &body, service.node()).map_err(|e| repository_exception(e.0))?;
    if ctx.q("verify") != Some("false") {
        verify(&ctx.shared, &registered).await?;
    }
    service.put_repository(registered);
    Reply::ok(json!({"acknowledged": true}))
}

async fn verify(shared: &Shared, registered: &Registered) -> ApiResult<()> {
    let result = if registered.readonly {
        registered.repository.current().await.map(|_| ())
    } else {
        registered.repository.verify(&shared.node_id).await
    };
    result.map_err(|e| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "repository_verification_exception",
            format!(
                "[{}] path  is not accessible on master node",
                registered.name
            ),
        )
        .with(
            "caused_by",
            json!({"type": "i_o_exception", "reason": e.to_string()}),
        )
    })
}

async fn delete_repository(ctx: Ctx) -> ApiResult<Reply> {
    let name = ctx.param("repository");
    if !ctx.shared.snapshots.remove_repository(name) {
        return Err(repository_missing(name));
    }
    Reply::ok(json!({"acknowledged": true}))
}

async fn verify_repository(ctx: Ctx) -> ApiResult<Reply> {
    let registered = lookup(&ctx)?;
    verify(&ctx.shared, &registered).await?;
    let s = &ctx.shared;
    Reply::ok(json!({"nodes": {s.node_id.clone(): {"name": s.node_name}}}))
}

async fn cleanup_repository(ctx: Ctx) -> ApiResult<Reply> {
    let registered = lookup(&ctx)?;
    if registered.readonly {
        return Err(repository_exception(format!(
            "[{}] cannot run cleanup on readonly repository",
            registered.name
        )));
    }
    let r = crate::snapshot::cleanup(&registered.repository)
        .await
        .map_err(|e| store_error(&registered.name, &e))?;
    Reply::ok(
        json!({"results": {"deleted_bytes": r.deleted_bytes, "deleted_blobs": r.deleted_blobs}}),
    )
}

/// Elasticsearch's snapshot name rules.
fn validate_name(repository: &str, name: &str) -> ApiResult<()> {
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

fn invalid_name(repository: &str, name: &str, problem: &str) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "invalid_snapshot_name_exception",
        format!("[{repository}:{name}] Invalid snapshot name [{name}], {problem}"),
    )
}

fn list_param(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Array(items) => Some(
            items
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(","),
        ),
        _ => None,
    }
}

fn truthy(v: Option<&Value>, default: bool) -> bool {
    match v {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s == "true",
        _ => default,
    }
}

/// Captures an index for a snapshot: definition and documents ordered by sequence number.
fn image_of(index: &Index) -> IndexImage {
    let mut docs: Vec<(u64, Document)> = index
        .docs
        .iter()
        .map(|(_, d)| {
            (
                d.seq_no,
                Document {
                    id: d.id.to_string(),
                    doc_type: Some(d.ty.to_string()),
                    routing: None,
                    version: d.version,
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

async fn create(ctx: Ctx) -> ApiResult<Reply> {
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
    let spec = NewSnapshot {
        name: name.clone(),
        uuid: crate::snapshot::repository::new_id(),
        release,
        include_global_state: truthy(body.get("include_global_state"), true),
        global_metadata: json!({"cluster_uuid": shared.cluster_uuid, "persistent": Value::Object(shared.cluster().persistent.clone().into_iter().collect())}),
        metadata: body.get("metadata").cloned(),
        start_time,
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
        progress: SnapshotProgress::default(),
        done,
    });
    for image in &images {
        for shard in 0..image.number_of_shards.max(1) {
            running
                .progress
                .set(&image.name, shard, ShardStatus::init(start_time));
        }
    }
    if shared.snapshots.start(Arc::clone(&running)).is_err() {
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
            let outcome =
                create_snapshot(&registered.repository, &spec, &images, &running.progress)
                    .await
                    .map_err(|e| e.to_string());
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

async fn get_snapshots(ctx: Ctx) -> ApiResult<Reply> {
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
    let mut body = json!({"snapshots": out});
    if !release.opensearch && release.version.0 >= 8 {
        body["total"] = json!(out_len(&body));
        body["remaining"] = json!(0);
    }
    Reply::ok(body)
}

fn out_len(body: &Value) -> usize {
    body["snapshots"].as_array().map_or(0, Vec::len)
}

fn stats_json(
    release: &Release,
    incremental: (u64, u64),
    total: (u64, u64),
    processed: (u64, u64),
    start: u64,
    time: u64,
) -> Value {
    if release.opensearch || release.version >= (7, 4, 0) {
        json!({
            "incremental": {"file_count": incremental.0, "size_in_bytes": incremental.1},
            "processed": {"file_count": processed.0, "size_in_bytes": processed.1},
            "total": {"file_count": total.0, "size_in_bytes": total.1},
            "start_time_in_millis": start, "time_in_millis": time
        })
    } else {
        json!({
            "number_of_files": incremental.0, "processed_files": processed.0,
            "total_size_in_bytes": incremental.1, "processed_size_in_bytes": processed.1,
            "start_time_in_millis": start, "time_in_millis": time
        })
    }
}

/// `_status` of shards: (index, shard) → status.
fn status_json(
    release: &Release,
    repository: &str,
    info: &SnapshotInfo,
    state: &str,
    shards: &std::collections::BTreeMap<(String, u32), ShardStatus>,
) -> Value {
    let counts = |list: &mut dyn Iterator<Item = &ShardStatus>| {
        let (mut init, mut started, mut fin, mut done, mut failed, mut total) = (0, 0, 0, 0, 0, 0);
        for s in list {
            total += 1;
            match s.stage {
                ShardStage::Init => init += 1,
                ShardStage::Started => started += 1,
                ShardStage::Finalize => fin += 1,
                ShardStage::Done => done += 1,
                ShardStage::Failure => failed += 1,
            }
        }
        json!({"initializing": init, "started": started, "finalizing": fin, "done": done, "failed": failed, "total": total})
    };
    let sum = |list: &mut dyn Iterator<Item = &ShardStatus>| {
        let mut inc = (0, 0);
        let mut tot = (0, 0);
        let mut pro = (0, 0);
        let mut start = u64::MAX;
        let mut time = 0;
        for s in list {
            inc = (
                inc.0 + s.incremental.file_count,
                inc.1 + s.incremental.size_in_bytes,
            );
            tot = (tot.0 + s.total.file_count, tot.1 + s.total.size_in_bytes);
            pro = (
                pro.0 + s.processed.file_count,
                pro.1 + s.processed.size_in_bytes,
            );
            start = start.min(s.start_time_in_millis);
            time = time.max(s.time_in_millis);
        }
        stats_json(
            release,
            inc,
            tot,
            pro,
            if start == u64::MAX { 0 } else { start },
            time,
        )
    };
    let mut indices = Map::new();
    for index in &info.indices {
        let mine: Vec<(u32, &ShardStatus)> = shards
            .iter()
            .filter(|((i, _), _)| i == index)
            .map(|((_, s), st)| (*s, st))
            .collect();
        let mut per_shard = Map::new();
        for (shard, st) in &mine {
            let stats = sum(&mut std::iter::once(*st));
            per_shard.insert(
                shard.to_string(),
                json!({"stage": st.stage.as_str(), "stats": stats}),
            );
        }
        indices.insert(
            index.clone(),
            json!({
                "shards_stats": counts(&mut mine.iter().map(|(_, s)| *s)),
                "stats": sum(&mut mine.iter().map(|(_, s)| *s)),
                "shards": per_shard
            }),
        );
    }
    json!({
        "snapshot": info.name, "repository": repository, "uuid": info.uuid, "state": state,
        "include_global_state": info.include_global_state,
        "shards_stats": counts(&mut shards.values()),
        "stats": sum(&mut shards.values()),
        "indices": indices
    })
}

async fn status(ctx: Ctx) -> ApiResult<Reply> {
    let shared = &ctx.shared;
    let release = release(&shared.product);
    let snapshot_expr = ctx.param("snapshot");
    let repo_name = ctx.param("repository");
    let mut out = Vec::new();
    if snapshot_expr.is_empty() {
        let repository = (!repo_name.is_empty()).then_some(repo_name);
        if let Some(name) = repository
            && shared.snapshots.repository(name).is_none()
        {
            return Err(repository_missing(name));
        }
        for r in shared.snapshots.running_in(repository) {
            out.push(status_json(
                &release,
                &r.repository,
                &r.info,
                "STARTED",
                &r.progress.snapshot(),
            ));
        }
        return Reply::ok(json!({"snapshots": out}));
    }
    let registered = lookup(&ctx)?;
    let repository = registered.name.clone();
    let current = registered
        .repository
        .current()
        .await
        .map_err(|e| store_error(&repository, &e))?;
    for name in names(snapshot_expr) {
        if let Some(r) = shared.snapshots.running(&repository, name) {
            out.push(status_json(
                &release,
                &repository,
                &r.info,
                "STARTED",
                &r.progress.snapshot(),
            ));
            continue;
        }
        let Some(entry) = current.data.snapshot(name) else {
            if ctx.flag("ignore_unavailable") {
                continue;
            }
            return Err(snapshot_missing(&repository, name));
        };
        let info = registered
            .repository
            .snapshot_info(&entry.uuid)
            .await
            .map_err(|e| store_error(&repository, &e))?;
        let mut shards = std::collections::BTreeMap::new();
        for index in &info.indices {
            let definition =
                read::index_definition(&registered.repository, &current.data, entry, index)
                    .await
                    .map_err(|e| store_error(&repository, &e))?;
            for shard in 0..definition.number_of_shards {
                let s = read::shard_snapshot(
                    &registered.repository,
                    &current.data,
                    entry,
                    index,
                    shard,
                )
                .await
                .map_err(|e| store_error(&repository, &e))?;
                let mut status = ShardStatus::init(s.start_time);
                status.stage = ShardStage::Done;
                status.time_in_millis = s.time;
                status.incremental.file_count = s.incremental_file_count;
                status.incremental.size_in_bytes = s.incremental_size;
                status.processed = status.incremental;
                status.total.file_count = s.number_of_files;
                status.total.size_in_bytes = s.total_size;
                shards.insert((index.clone(), shard), status);
            }
        }
        let state = if info.state == "SUCCESS" {
            "SUCCESS"
        } else {
            info.state.as_str()
        };
        out.push(status_json(&release, &repository, &info, state, &shards));
    }
    Reply::ok(json!({"snapshots": out}))
}

async fn delete(ctx: Ctx) -> ApiResult<Reply> {
    let registered = lookup(&ctx)?;
    let repository = registered.name.clone();
    let shared = &ctx.shared;
    if registered.readonly {
        return Err(repository_exception(format!(
            "[{repository}] cannot delete snapshot from a readonly repository"
        )));
    }
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

/// One index to restore.
struct Planned {
    target: String,
    image: IndexImage,
    settings: Map<String, Value>,
}

async fn restore(ctx: Ctx) -> ApiResult<Reply> {
    let registered = lookup(&ctx)?;
    let repository = registered.name.clone();
    let name = ctx.param("snapshot").to_owned();
    let shared = Arc::clone(&ctx.shared);
    let body = ctx.json()?.unwrap_or(json!({}));
    let cluster_release = release(&shared.product);
    let current = registered
        .repository
        .current()
        .await
        .map_err(|e| store_error(&repository, &e))?;
    let Some(entry) = current.data.snapshot(&name).cloned() else {
        return Err(snapshot_missing(&repository, &name));
    };
    let uuid = entry.uuid.clone();
    let info = registered
        .repository
        .snapshot_info(&uuid)
        .await
        .map_err(|e| store_error(&repository, &e))?;
    let refuse = |reason: &str| restore_exception(&repository, &name, &uuid, reason);
    if info.state != "SUCCESS" && !truthy(body.get("partial"), false) {
        return Err(refuse(&format!(
            "unsupported snapshot state [{}]",
            info.state
        )));
    }
    let selected = restore::select(
        &info.indices,
        body.get("indices"),
        truthy(body.get("ignore_unavailable"), false),
    )
    .map_err(|e| match e {
        PlanError::MissingIndex(i) => ApiError::index_not_found(&i),
        PlanError::Refused(r) => refuse(&r),
    })?;
    let snapshot_release = info.release();
    let include_aliases = truthy(body.get("include_aliases"), true);
    let mut plan: Vec<Planned> = Vec::new();
    for index in &selected {
        let target = restore::rename(
            index,
            body.get("rename_pattern").and_then(Value::as_str),
            body.get("rename_replacement").and_then(Value::as_str),
        )
        .map_err(|e| match e {
            PlanError::Refused(r) | PlanError::MissingIndex(r) => refuse(&r),
        })?;
        if !cluster_release.can_restore(&snapshot_release) {
            return Err(refuse(&format!(
                "cannot restore index [{index}] because it cannot be upgraded"
            )));
        }
        if plan.iter().any(|p| p.target == target) {
            return Err(refuse(&format!(
                "indices [{index}] and [{}] are renamed into the same index [{target}]",
                plan.iter()
                    .find(|p| p.target == target)
                    .map_or("", |p| p.image.name.as_str())
            )));
        }
        let mut image =
            read::index_definition(&registered.repository, &current.data, &entry, index)
                .await
                .map_err(|e| store_error(&repository, &e))?;
        let settings = restore::settings(
            &image.settings,
            body.get("index_settings"),
            body.get("ignore_index_settings"),
        )
        .map_err(|e| match e {
            PlanError::Refused(r) | PlanError::MissingIndex(r) => refuse(&r),
        })?;
        if !include_aliases {
            image.aliases.clear();
        }
        plan.push(Planned {
            target,
            image,
            settings,
        });
    }

    // include_global_state (false by default on restore): the snapshot's persistent cluster settings.
    let global_settings = if truthy(body.get("include_global_state"), false) {
        let key = migrate_store::repository::paths::global_metadata(&uuid);
        let meta = registered
            .repository
            .get_framed(&key, crate::snapshot::blob::Codec::Metadata)
            .await
            .map_err(|e| store_error(&repository, &e))?;
        meta["meta-data"]["persistent"].as_object().cloned()
    } else {
        None
    };
    let start = now_millis();
    {
        let mut cluster = shared.cluster();
        for p in &plan {
            if let Some(existing) = cluster.indices.get(&p.target) {
                if existing.is_open() {
                    return Err(refuse(&format!(
                        "cannot restore index [{}] because an open index with same name already exists in the cluster. Either close or delete the existing index or restore the index under a different name by providing a rename pattern and replacement name",
                        p.target
                    )));
                }
                if existing.shards() != p.image.number_of_shards {
                    return Err(refuse(&format!(
                        "cannot restore index [{}] with [{}] shards from a snapshot of index [{}] with [{}] shards",
                        p.target,
                        existing.shards(),
                        p.image.name,
                        p.image.number_of_shards
                    )));
                }
            }
        }
        if let Some(persistent) = global_settings {
            cluster.persistent.extend(persistent);
        }
        for p in &plan {
            let existing_uuid = cluster.indices.get(&p.target).map(|i| i.uuid.clone());
            let index_uuid = existing_uuid.unwrap_or_else(crate::snapshot::repository::new_id);
            let mut settings: crate::model::settings::FlatSettings =
                p.settings.clone().into_iter().collect();
            settings.insert("index.uuid".into(), json!(index_uuid));
            settings.insert("index.creation_date".into(), json!(start.to_string()));
            settings.insert("index.provided_name".into(), json!(p.target));
            let mappings = match &p.image.mappings {
                Value::Object(m) => m.clone().into_iter().collect(),
                _ => Default::default(),
            };
            let aliases = p
                .image
                .aliases
                .iter()
                .filter(|(alias, _)| !cluster.indices.contains_key(*alias))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            let index = Index {
                name: p.target.clone(),
                uuid: index_uuid,
                settings,
                mappings,
                state: IndexState::Open,
                aliases,
                docs: Default::default(),
                primary_term: 1,
                recovery: RecoverySource::Snapshot {
                    repository: repository.clone(),
                    snapshot: name.clone(),
                    version: snapshot_release.number(),
                    index: p.image.name.clone(),
                },
                creation_date: i64::try_from(start).unwrap_or(0),
            };
            cluster.indices.insert(p.target.clone(), index);
            shared.snapshots.set_restore(
                &p.target,
                Restore {
                    repository: repository.clone(),
                    snapshot: name.clone(),
                    version: snapshot_release.number(),
                    source_index: p.image.name.clone(),
                    stage: RecoveryStage::Init,
                    start_time: start,
                    stop_time: 0,
                    files: 0,
                    bytes: 0,
                    documents: 0,
                    failed: None,
                },
            );
        }
    }

    let targets: Vec<String> = plan.iter().map(|p| p.target.clone()).collect();
    let total_shards: u32 = plan.iter().map(|p| p.image.number_of_shards).sum();
    let task = {
        let shared = Arc::clone(&shared);
        let registered = Arc::clone(&registered);
        let data = current.data.clone();
        tokio::spawn(async move {
            for p in plan {
                recover(&shared, &registered, &data, &entry, &p).await;
            }
        })
    };
    if !ctx.flag("wait_for_completion") {
        drop(task);
        return Reply::ok(json!({"accepted": true}));
    }
    let _ = task.await;
    let failed: u32 = targets
        .iter()
        .filter_map(|t| shared.snapshots.restore(t))
        .filter(|r| r.failed.is_some())
        .count() as u32;
    Reply::ok(json!({"snapshot": {
        "snapshot": name,
        "indices": targets,
        "shards": {"total": total_shards, "failed": failed, "successful": total_shards.saturating_sub(failed)}
    }}))
}

/// Copies one index's documents from the repository into the restored index (INIT → INDEX → DONE).
async fn recover(
    shared: &Shared,
    registered: &Registered,
    data: &migrate_store::repository::RepositoryData,
    entry: &migrate_store::repository::SnapshotEntry,
    p: &Planned,
) {
    let service = &shared.snapshots;
    service.update_restore(&p.target, |r| r.stage = RecoveryStage::Index);
    let mut documents = Vec::new();
    let mut files = 0;
    let mut bytes = 0;
    for shard in 0..p.image.number_of_shards {
        let loaded = async {
            let s = read::shard_snapshot(&registered.repository, data, entry, &p.image.name, shard)
                .await?;
            files += s.number_of_files;
            bytes += s.total_size;
            read::shard_documents(&registered.repository, data, entry, &p.image.name, shard).await
        }
        .await;
        match loaded {
            Ok(docs) => documents.extend(docs),
            Err(e) => {
                service.update_restore(&p.target, |r| {
                    r.failed = Some(e.to_string());
                    r.stage = RecoveryStage::Done;
                    r.stop_time = now_millis();
                });
                return;
            }
        }
    }
    let count = documents.len() as u64;
    {
        let mut cluster = shared.cluster();
        if let Some(index) = cluster.indices.get_mut(&p.target) {
            let term = index.primary_term;
            for d in documents {
                let ty: Arc<str> = Arc::from(d.doc_type.as_deref().unwrap_or("_doc"));
                index
                    .docs
                    .put(&d.id, ty, bytes::Bytes::from(d.source.into_bytes()), term);
            }
        }
    }
    let stop = now_millis();
    service.update_restore(&p.target, |r| {
        r.files = files;
        r.bytes = bytes;
        r.documents = count;
        r.stage = RecoveryStage::Done;
        r.stop_time = stop;
    });
}

/// Adjusts `_recovery` shard entries of an index restored from a snapshot to the restore's progress.
pub fn patch_recovery(shared: &Shared, index: &str, entries: &mut [Value]) {
    let Some(r) = shared.snapshots.restore(index) else {
        return;
    };
    for entry in entries.iter_mut() {
        if entry["type"] != "SNAPSHOT" {
            continue;
        }
        entry["stage"] = json!(r.stage.as_str());
        entry["start_time_in_millis"] = json!(r.start_time);
        entry["start_time"] = json!(iso(r.start_time));
        if r.stage == RecoveryStage::Done {
            entry["stop_time_in_millis"] = json!(r.stop_time);
            entry["stop_time"] = json!(iso(r.stop_time));
            entry["total_time_in_millis"] = json!(r.stop_time.saturating_sub(r.start_time));
        } else {
            entry["stop_time_in_millis"] = json!(0);
        }
    }
}

async fn cat_repositories(ctx: Ctx) -> ApiResult<Reply> {
    let rows = ctx
        .shared
        .snapshots
        .repositories()
        .iter()
        .map(|r| vec![r.name.clone(), r.kind.clone()])
        .collect();
    render(
        &ctx,
        Table {
            columns: vec![("id", &["repoId"]), ("type", &["t"])],
            defaults: vec!["id", "type"],
            rows,
        },
    )
}

async fn cat_snapshots(ctx: Ctx) -> ApiResult<Reply> {
    let name = ctx.param("repository");
    let repos: Vec<Arc<Registered>> = if name.is_empty() {
        ctx.shared.snapshots.repositories()
    } else {
        vec![lookup(&ctx)?]
    };
    let mut rows = Vec::new();
    for registered in repos {
        let current = registered
            .repository
            .current()
            .await
            .map_err(|e| store_error(&registered.name, &e))?;
        for entry in &current.data.snapshots {
            let info = registered
                .repository
                .snapshot_info(&entry.uuid)
                .await
                .map_err(|e| store_error(&registered.name, &e))?;
            let hms = |ms: u64| iso(ms).get(11..19).unwrap_or_default().to_owned();
            let failed = info.total_shards.saturating_sub(info.successful_shards);
            rows.push(vec![
                info.name.clone(),
                registered.name.clone(),
                info.state.clone(),
                (info.start_time / 1000).to_string(),
                hms(info.start_time),
                (info.end_time / 1000).to_string(),
                hms(info.end_time),
                format!("{}ms", info.end_time.saturating_sub(info.start_time)),
                info.indices.len().to_string(),
                info.successful_shards.to_string(),
                failed.to_string(),
                info.total_shards.to_string(),
                info.reason.clone().unwrap_or_default(),
            ]);
        }
        for r in ctx.shared.snapshots.running_in(Some(&registered.name)) {
            rows.push(vec![
                r.info.name.clone(),
                registered.name.clone(),
                "IN_PROGRESS".into(),
                (r.info.start_time / 1000).to_string(),
                iso(r.info.start_time)
                    .get(11..19)
                    .unwrap_or_default()
                    .to_owned(),
                "0".into(),
                "00:00:00".into(),
                "0s".into(),
                r.info.indices.len().to_string(),
                "0".into(),
                "0".into(),
                "0".into(),
                String::new(),
            ]);
        }
    }
    render(
        &ctx,
        Table {
            columns: vec![
                ("id", &["snapshot"]),
                ("repository", &["re", "repo"]),
                ("status", &["s"]),
                ("start_epoch", &["ste", "startEpoch"]),
                ("start_time", &["sti", "startTime"]),
                ("end_epoch", &["ete", "endEpoch"]),
                ("end_time", &["eti", "endTime"]),
                ("duration", &["dur"]),
                ("indices", &["i"]),
                ("successful_shards", &["ss"]),
                ("failed_shards", &["fs"]),
                ("total_shards", &["ts"]),
                ("reason", &["r"]),
            ],
            defaults: vec![
                "id",
                "status",
                "start_epoch",
                "start_time",
                "end_epoch",
                "end_time",
                "duration",
                "indices",
                "successful_shards",
                "failed_shards",
                "total_shards",
            ],
            rows,
        },
    )
}
