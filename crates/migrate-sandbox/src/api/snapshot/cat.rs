//! `_cat/repositories` and `_cat/snapshots`.

use std::sync::Arc;

use super::{lookup, store_error};
use crate::api::cat::{Table, render};
use crate::api::{Ctx, Reply};
use crate::error::ApiResult;
use crate::snapshot::info::iso;
use crate::snapshot::registry::Registered;

pub(super) async fn cat_repositories(ctx: Ctx) -> ApiResult<Reply> {
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

pub(super) async fn cat_snapshots(ctx: Ctx) -> ApiResult<Reply> {
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
    let mut columns: Vec<(&'static str, &'static [&'static str])> = vec![
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
    ];
    // The `repository` column exists from Elasticsearch 7.6 (not on OpenSearch).
    let p = ctx.shared.product;
    if p.is_opensearch() || p.version < crate::flavor::Version::new(7, 6, 0) {
        columns.remove(1);
        for r in &mut rows {
            if r.len() > 1 {
                r.remove(1);
            }
        }
    }
    render(
        &ctx,
        Table {
            columns,
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
