//! `_snapshot/.../_status`: per-shard stages and file statistics of running and finished snapshots.

use serde_json::{Map, Value, json};

use super::{lookup, names, release, repository_missing, snapshot_missing, store_error};
use crate::api::{Ctx, Reply};
use crate::error::ApiResult;
use crate::snapshot::{Release, ShardStage, ShardStatus, SnapshotInfo};
use crate::snapshot::{read, shard};

pub(super) fn stats_json(
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
pub(super) fn status_json(
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

pub(super) async fn status(ctx: Ctx) -> ApiResult<Reply> {
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
                let mut status = ShardStatus::init(u64::try_from(s.start_time).unwrap_or(0));
                status.stage = ShardStage::Done;
                status.time_in_millis = u64::try_from(s.time).unwrap_or(0);
                // the blob counts what the snapshot uploaded; the file list is all it holds
                status.incremental.file_count = u64::try_from(s.number_of_files).unwrap_or(0);
                status.incremental.size_in_bytes = u64::try_from(s.total_size).unwrap_or(0);
                status.processed = status.incremental;
                (status.total.file_count, status.total.size_in_bytes) = shard::totals(&s);
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
