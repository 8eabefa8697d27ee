//! `_restore`: plans the restore of a snapshot's indexes, creates them and recovers their documents
//! in the background; `_recovery` and cluster health read its progress.

use std::sync::Arc;

use serde_json::{Map, Value, json};

use super::{lookup, release, restore_exception, snapshot_missing, store_error, truthy};
use crate::api::{Ctx, Reply};
use crate::error::{ApiError, ApiResult};
use crate::flavor::TypeMode;
use crate::model::{DocStore, Index, IndexState, RecoverySource};
use crate::snapshot::IndexImage;
use crate::snapshot::info::{iso, now_millis};
use crate::snapshot::pace::Pace;
use crate::snapshot::registry::Registered;
use crate::snapshot::restore::{self, PlanError};
use crate::snapshot::service::{RecoveryStage, Restore};
use crate::snapshot::{read, shard};
use crate::state::Shared;

/// One index to restore.
pub(super) struct Planned {
    target: String,
    image: IndexImage,
    settings: Map<String, Value>,
}

pub(super) async fn restore(ctx: Ctx) -> ApiResult<Reply> {
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
                // 5.x indexes key documents by type and id
                docs: DocStore::new(shared.product.type_mode() == TypeMode::Multi),
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
                    recovered: 0,
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
pub(super) async fn recover(
    shared: &Shared,
    registered: &Registered,
    data: &migrate_store::repository::RepositoryData,
    entry: &migrate_store::repository::SnapshotEntry,
    p: &Planned,
) {
    let service = &shared.snapshots;
    let pace = Pace::new(shared.byte_rate);
    service.update_restore(&p.target, |r| {
        r.stage = RecoveryStage::Index;
        r.bytes = 0;
    });
    let mut documents = Vec::new();
    let mut files = 0;
    let mut bytes = 0;
    for shard in 0..p.image.number_of_shards {
        let loaded = async {
            let s = read::shard_snapshot(&registered.repository, data, entry, &p.image.name, shard)
                .await?;
            let (shard_files, shard_bytes) = shard::totals(&s);
            files += shard_files;
            bytes += shard_bytes;
            service.update_restore(&p.target, |r| r.bytes += shard_bytes);
            pace.transfer(shard_bytes, |n| {
                service.update_restore(&p.target, |r| r.recovered += n);
            })
            .await;
            read::shard_documents(&registered.repository, data, entry, &p.image, shard).await
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
                // A document keeps the `_routing` it was written with (stored in its Lucene files).
                index.docs.put_with(
                    &d.id,
                    ty,
                    bytes::Bytes::from(d.source.into_bytes()),
                    term,
                    d.routing.map(Arc::from),
                    crate::model::VersionSet::Next,
                );
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
        if r.stage != RecoveryStage::Done {
            let percent = if r.bytes == 0 {
                0.0
            } else {
                r.recovered as f64 * 100.0 / r.bytes as f64
            };
            entry["index"]["size"] = json!({
                "total_in_bytes": r.bytes, "reused_in_bytes": 0,
                "recovered_in_bytes": r.recovered, "percent": format!("{percent:.1}%")
            });
        }
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
