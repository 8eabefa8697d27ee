//! `snapshot-reindex`: one index entry's shards of a snapshot, read from the repository's store
//! (not through a cluster) and bulk-loaded into the destination index `create-index` made.
//!
//! Shards are the unit of parallelism (`shard_concurrency` at once) and of checkpoints: after each
//! acknowledged batch the shard's last (segment, document) goes to the step's handle, so a run
//! killed at any instant resumes every shard after its last written batch; writes are by `_id`, so
//! the batch in flight at the kill is written again harmlessly. An incremental round (`previous`
//! set) reads only the segments new since the previous round's snapshot. A shard whose files are
//! damaged fails before any of its documents is written (the reader verifies every segment first).

mod checkpoint;
mod shard;

use std::collections::BTreeSet;
use std::path::PathBuf;

use futures::StreamExt;
use migrate_cluster::bulk::{BulkConfig, BulkWriter, DeadLetters};
use migrate_core::{SecretRef, Side};
use migrate_exec::{Outcome, StepCtx, StepError, StepProgress};
use migrate_graph::StepKind;
use migrate_graph::blueprint::Store;
use migrate_graph::requests::snapshot_reindex::bulk;
use migrate_shards::{ShardRef, SnapshotSource, new_segments};
use migrate_store::{open, spec_of};
use serde_json::{Value, json};
use tokio::sync::mpsc;

use crate::cx::Cx;
use crate::names::{is_pattern, matches};
use checkpoint::{Checkpoint, key};
use shard::{Failure, ShardJob, Update, load};

/// What the step reads.
struct Inputs<'a> {
    store: &'a Store,
    snapshot: &'a str,
    previous: Option<&'a str>,
    source_index: &'a str,
    destination_index: &'a str,
    concurrency: usize,
}

pub(super) async fn run(cx: &Cx<'_>, ctx: &mut StepCtx) -> Result<Outcome, StepError> {
    let StepKind::SnapshotReindex {
        store,
        snapshot,
        previous,
        source_index,
        destination_index,
        shard_concurrency,
        ..
    } = &cx.step.kind
    else {
        return Err(cx.permanent("not a snapshot-reindex step"));
    };
    let inputs = Inputs {
        store,
        snapshot,
        previous: previous.as_deref(),
        source_index,
        destination_index,
        concurrency: (*shard_concurrency).max(1) as usize,
    };
    execute(cx, ctx, &inputs).await
}

async fn open_snapshot(
    cx: &Cx<'_>,
    store: &Store,
    name: &str,
) -> Result<SnapshotSource, StepError> {
    let resolve = |r: &SecretRef| cx.env.secrets.get(r).cloned();
    let spec = spec_of(store, &resolve).map_err(|why| cx.permanent(format!("the store: {why}")))?;
    let location = spec.display_location();
    let client = open(&spec).map_err(|e| cx.permanent(format!("opening {location}: {e}")))?;
    SnapshotSource::open(client, name).await.map_err(|e| {
        let message = format!("reading snapshot `{name}` from {location}: {e}");
        match e {
            migrate_shards::ShardError::Repository(_) => cx.retryable(message),
            _ => cx.permanent(message),
        }
    })
}

/// The snapshot's indices the entry names (a pattern keeps each index's name), with their
/// destination names.
fn pairs(
    cx: &Cx<'_>,
    source: &SnapshotSource,
    i: &Inputs<'_>,
) -> Result<Vec<(String, String)>, StepError> {
    let all = source.indices();
    if !is_pattern(i.source_index) {
        if !all.iter().any(|n| n == i.source_index) {
            return Err(cx.permanent(format!(
                "snapshot `{}` holds no index `{}` (it holds: {}); fix the plan's `indexes` or `strategy.snapshot_reindex.snapshot`",
                i.snapshot,
                i.source_index,
                all.join(", ")
            )));
        }
        return Ok(vec![(
            i.source_index.to_owned(),
            i.destination_index.to_owned(),
        )]);
    }
    let exclude = cx
        .env
        .excludes
        .get(i.source_index)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let hidden_ok = i.source_index.starts_with('.');
    let names: Vec<(String, String)> = all
        .into_iter()
        .filter(|n| matches(i.source_index, n))
        .filter(|n| hidden_ok || !n.starts_with('.'))
        .filter(|n| !exclude.iter().any(|x| matches(x, n)))
        .map(|n| (n.clone(), n))
        .collect();
    if names.is_empty() {
        return Err(cx.permanent(format!(
            "no index of snapshot `{}` matches `{}`",
            i.snapshot, i.source_index
        )));
    }
    Ok(names)
}

/// The mapping type `create-index` recorded for `source` (typed destinations need one).
fn recorded_type(ctx: &StepCtx, entry: &str, source: &str) -> Option<String> {
    let out = ctx.output_of(&format!("create-index/{entry}"))?;
    out.get("indices")?
        .as_array()?
        .iter()
        .find(|r| r.get("source").and_then(Value::as_str) == Some(source))?
        .get("type")?
        .as_str()
        .map(str::to_owned)
}

/// `<plan>/<step id>` as one relative path of safe names.
fn step_path(cx: &Cx<'_>) -> PathBuf {
    PathBuf::from(clean_name(&cx.env.plan)).join(clean_name(cx.id()))
}

use crate::dead_letters::clean_name;

async fn execute(cx: &Cx<'_>, ctx: &mut StepCtx, i: &Inputs<'_>) -> Result<Outcome, StepError> {
    let source = open_snapshot(cx, i.store, i.snapshot).await?;
    let earlier = match i.previous {
        Some(name) => Some(open_snapshot(cx, i.store, name).await?),
        None => None,
    };
    let dst = cx.client(Side::Destination);
    let typed = {
        let q = dst
            .quirks()
            .await
            .map_err(|e| cx.fail(Side::Destination, "detecting the version", &e))?;
        matches!(
            q.mapping_types(),
            migrate_core::quirks::MappingTypes::Multiple
                | migrate_core::quirks::MappingTypes::Single
        )
        .then(|| q.default_type_name().to_owned())
    };
    let mut checkpoint = Checkpoint::resume(ctx.handle(), i.snapshot);
    // Shard files are re-downloadable: a temporary directory holds them.
    let root = std::env::temp_dir()
        .join("migrate-snapshot-reindex")
        .join(step_path(cx));
    let mut jobs = Vec::new();
    let mut total_bytes = 0u64;
    let mut indices = Vec::new();
    // The shards this attempt starts part-way, at their checkpoint.
    let mut resumed = serde_json::Map::new();
    for (src, dest) in pairs(cx, &source, i)? {
        let ty = typed.as_ref().map(|default| {
            recorded_type(ctx, i.source_index, &src).unwrap_or_else(|| default.clone())
        });
        let shards = source
            .shards(&src)
            .await
            .map_err(|e| cx.permanent(e.to_string()))?;
        indices.push(json!({"source": src, "destination": dest, "shards": shards.len()}));
        for shard in shards {
            let snap = source
                .shard_snapshot(&shard)
                .await
                .map_err(|e| cx.permanent(e.to_string()))?;
            total_bytes += snap.files.iter().map(|f| f.length).sum::<u64>();
            let mark = checkpoint.shards.entry(key(&src, shard.shard)).or_default();
            if mark.done {
                continue;
            }
            if let Some(at) = mark.position() {
                ctx.notice(&format!(
                    "shard `{}` resumes after {at} ({} documents written before)",
                    key(&src, shard.shard),
                    mark.docs
                ));
                resumed.insert(
                    key(&src, shard.shard),
                    json!({"segment": &*at.segment, "doc": at.doc, "documents_before": mark.docs}),
                );
            }
            let only = match &earlier {
                Some(e) => Some(only_new(cx, e, &shard, &snap).await?),
                None => None,
            };
            jobs.push(ShardJob {
                source: source.clone(),
                scratch: root.join(format!("{}-{}", shard.index_id, shard.shard)),
                shard,
                destination: dest.clone(),
                ty: ty.clone(),
                only,
                after: mark.position(),
            });
        }
    }
    // Under the state directory like the copy strategy's, one file per destination index across
    // rounds (each refused document named once, with its latest error).
    let dead_path = crate::dead_letters::snapshot_reindex_path(cx, i.destination_index);
    let writer = BulkWriter::new(
        dst,
        BulkConfig::new(bulk(i.destination_index)),
        DeadLetters::new(&dead_path),
    );
    let (tx, mut rx) = mpsc::unbounded_channel();
    let loads: Vec<_> = jobs
        .into_iter()
        .map(|job| {
            let tx = tx.clone();
            let writer = &writer;
            async move { load(job, writer, tx).await }
        })
        .collect();
    drop(tx);
    let mut running = futures::stream::iter(loads).buffer_unordered(i.concurrency);
    let cancel = ctx.cancel_token().clone();
    loop {
        tokio::select! {
            biased;
            () = cancel.cancelled() => {
                return Err(cx.retryable("cancelled; the next run resumes each shard after its last written batch"));
            }
            Some(update) = rx.recv() => {
                apply(&mut checkpoint, update);
                while let Ok(more) = rx.try_recv() {
                    apply(&mut checkpoint, more);
                }
                ctx.record_handle(checkpoint.to_value()).await?;
                let (docs, bytes) = checkpoint.totals();
                ctx.report(StepProgress {
                    done: Some(docs),
                    total: None,
                    unit: "docs",
                    message: Some(format!("{bytes} source bytes of {total_bytes} shard bytes")),
                });
            }
            next = running.next() => match next {
                Some(Ok(())) => {}
                Some(Err(Failure { message, retryable })) => {
                    let message = format!("step `{}`: {message}", cx.id());
                    return Err(StepError { message, retryable });
                }
                None => break,
            },
        }
    }
    drop(running);
    while let Ok(more) = rx.try_recv() {
        apply(&mut checkpoint, more);
    }
    ctx.record_handle(checkpoint.to_value()).await?;
    let (docs, bytes) = checkpoint.totals();
    let stats = writer.stats();
    let dead = stats.dead;
    if dead > 0 {
        return Err(cx.permanent(format!(
            "the destination refused {dead} documents for good (listed in {}); fix the mapping or the documents, then run again",
            dead_path.display()
        )));
    }
    Ok(Outcome::Done {
        outputs: json!({
            "snapshot": i.snapshot,
            "previous": i.previous,
            "indices": indices,
            "documents": docs,
            "source_bytes": bytes,
            "shard_bytes": total_bytes,
            "bulk_requests": stats.requests,
            "resumed": resumed,
            "written_this_attempt": stats.written,
        }),
    })
}

/// The segments of `shard` new since the earlier snapshot (all of them when it lacked the shard).
async fn only_new(
    cx: &Cx<'_>,
    earlier: &SnapshotSource,
    shard: &ShardRef,
    now: &migrate_shards::ShardSnapshot,
) -> Result<BTreeSet<String>, StepError> {
    if !earlier.indices().contains(&shard.index) {
        return Ok(now
            .files
            .iter()
            .filter_map(|f| f.physical_name.strip_suffix(".si").map(str::to_owned))
            .collect());
    }
    let before = earlier
        .shard_snapshot(shard)
        .await
        .map_err(|e| cx.permanent(e.to_string()))?;
    Ok(new_segments(&before, now))
}

fn apply(checkpoint: &mut Checkpoint, update: Update) {
    match update {
        Update::Written {
            key,
            position,
            docs,
            bytes,
        } => {
            let mark = checkpoint.shards.entry(key).or_default();
            mark.segment = Some(position.segment.to_string());
            mark.doc = Some(position.doc);
            mark.docs += docs;
            mark.bytes += bytes;
        }
        Update::Done { key } => checkpoint.shards.entry(key).or_default().done = true,
    }
}
