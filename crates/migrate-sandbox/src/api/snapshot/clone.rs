//! `PUT _snapshot/<repo>/<snapshot>/_clone/<target>` (Elasticsearch 7.10+, every OpenSearch): a new
//! snapshot in the same repository with the indexes of an existing one (`indices` patterns): the
//! same Lucene files of every shard, so its data blobs are the ones already there.

use axum::http::StatusCode;
use serde_json::json;

use super::snapshots::{invalid_name, validate_name};
use super::{list_param, lookup, release, repository_exception, snapshot_missing, store_error};
use crate::api::{Ctx, Reply};
use crate::error::{ApiError, ApiResult};
use crate::flavor::{Flavor, Version};
use crate::names::glob;
use crate::snapshot::info::now_millis;
use crate::snapshot::{NewSnapshot, SnapshotIndex, SnapshotProgress, create_snapshot, read};

pub(super) async fn clone(ctx: Ctx) -> ApiResult<Reply> {
    let p = ctx.shared.product;
    if p.flavor == Flavor::Elasticsearch && p.version < Version::new(7, 10, 0) {
        return Err(ApiError::unrecognized(&ctx.path));
    }
    let registered = lookup(&ctx)?;
    let repository = registered.name.clone();
    let (source, target) = (ctx.param("snapshot"), ctx.param("target_snapshot"));
    validate_name(&repository, target)?;
    if registered.readonly {
        return Err(repository_exception(format!(
            "[{repository}] cannot clone a snapshot in a readonly repository"
        )));
    }
    let body = ctx.json()?.unwrap_or(json!({}));
    let patterns = list_param(body.get("indices"))
        .ok_or_else(|| ApiError::validation(&["indices patterns are empty".into()]))?;
    let current = registered
        .repository
        .current()
        .await
        .map_err(|e| store_error(&repository, &e))?;
    let entry = current
        .data
        .snapshot(source)
        .cloned()
        .ok_or_else(|| snapshot_missing(&repository, source))?;
    if current.data.snapshot(target).is_some() {
        return Err(invalid_name(
            &repository,
            target,
            "snapshot with the same name already exists",
        ));
    }
    let info = registered
        .repository
        .snapshot_info(&entry.uuid)
        .await
        .map_err(|e| store_error(&repository, &e))?;
    let mut indices = Vec::new();
    for index in info
        .indices
        .iter()
        .filter(|i| patterns.split(',').any(|p| glob(p.trim(), i)))
    {
        let image = read::index_definition(&registered.repository, &current.data, &entry, index)
            .await
            .map_err(|e| store_error(&repository, &e))?;
        let mut shards = Vec::new();
        for shard in 0..image.number_of_shards {
            shards.push(
                read::shard_files(&registered.repository, &current.data, &entry, index, shard)
                    .await
                    .map_err(|e| store_error(&repository, &e))?,
            );
        }
        indices.push(SnapshotIndex { image, shards });
    }
    let part_size = crate::snapshot::create::part_size(&registered.settings)
        .map_err(|reason| repository_exception(format!("[{repository}] {reason}")))?;
    let spec = NewSnapshot {
        name: target.to_string(),
        uuid: crate::snapshot::repository::new_id(),
        release: release(&p),
        include_global_state: false,
        global_metadata: json!({"cluster_uuid": ctx.shared.cluster_uuid}),
        metadata: None,
        start_time: now_millis(),
        part_size,
    };
    let writer = ctx.shared.snapshots.writer(&repository);
    let _turn = writer.lock().await;
    create_snapshot(
        &registered.repository,
        &spec,
        &indices,
        &SnapshotProgress::paced(ctx.shared.byte_rate),
    )
    .await
    .map_err(|e| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "snapshot_exception",
            format!("[{repository}:{target}] {e}"),
        )
    })?;
    Reply::ok(json!({"acknowledged": true}))
}
