//! `copy`: one pass of the client-side copy of one plan entry, per concrete index: the source read
//! by the scan reader (a point in time paged with `search_after`, or sliced scroll), every page
//! written to the destination with the bulk writer (`_bulk` by id, adaptive rate, dead letters).
//!
//! Exactness: the handle holds, per index and slice, the scan cursor after the last page the
//! destination acknowledged (every document written or dead-lettered), and is recorded before the
//! next page counts. Pages are written in order with a bounded number in flight, and a cursor is
//! recorded only once every earlier page was acknowledged, so a kill at any moment resumes at or
//! before the first unacknowledged document: nothing is skipped; rewrites by `_id` are idempotent.
//! A point-in-time cursor is continued (`search_after` is stateless); a scroll cursor is not (a
//! scroll moves on the server when a page is fetched, so the page fetched before the kill would be
//! lost): its slice is read again from the beginning, as is any slice whose context expired.
//! Where the version slices a point in time (ES 7.15+), the slices read in parallel in ONE point in
//! time, whose id the handle records before any page is read; when it expired (a long pause), every
//! slice of the index starts again in a new one, since slices of two points in time need not
//! partition the documents the same way.
//!
//! Bounds: as for the reindex strategy (shared code): a pass copies `[from, to)` on the update-time
//! field, `from` the previous pass's start less the overlap; the final pass has no upper bound.

use std::collections::BTreeMap;

use futures::StreamExt;
use futures::stream::FuturesOrdered;
use migrate_cluster::bulk::{
    Bounds, BulkConfig, BulkDoc, BulkError, BulkWriter, Ceiling, DeadLetters, Written,
};
use migrate_cluster::scan::{Scan, ScanCursor, ScanError, ScanMethod, ScanPage};
use migrate_cluster::{MappingTypes, Quirks};
use migrate_core::Side;
use migrate_core::request::{Body, Fills};
use migrate_exec::{Outcome, StepCtx, StepError, StepProgress};
use migrate_graph::requests::copy::{copy as planned, scan};
use migrate_graph::requests::reindex::{is_range, pass_query};

use migrate_graph::{CopyBudget, Pass, StepKind};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tokio::sync::Mutex;

use super::reindex::previous_watermark;
use crate::cx::Cx;
use crate::fields::numeric_unit;
use crate::json::to_value;
use crate::pairs::{Pair, pairs};
use crate::until;
use crate::watermark::{fill_range, iso, now_millis};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Handle {
    from: Option<i64>,
    to: i64,
    numeric: bool,
    /// A numeric field counts epoch seconds (bounds are sent in seconds).
    #[serde(default)]
    seconds: bool,
    /// Per concrete source index, per slice.
    #[serde(default)]
    indices: BTreeMap<String, Vec<SliceState>>,
    /// Per concrete source index, the point in time its slices share (sliced PIT sweeps only).
    #[serde(default)]
    pits: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct SliceState {
    /// After the last acknowledged page; `None` before the first.
    cursor: Option<ScanCursor>,
    /// Documents acknowledged (written) and refused (dead letters), replays included.
    written: u64,
    dead: u64,
    /// Times the slice was read again from the beginning (scroll resumed, context expired).
    restarts: u32,
    done: bool,
}

/// What every slice shares: the handle and the step context that records it.
struct Shared<'a> {
    handle: Handle,
    ctx: &'a mut StepCtx,
}

pub(super) async fn run(cx: &Cx<'_>, ctx: &mut StepCtx) -> Result<Outcome, StepError> {
    let StepKind::Copy {
        source_index,
        destination_index,
        pass,
        update_field,
        update_field_unit,
        budget,
        dead_letters,
    } = &cx.step.kind
    else {
        return Err(cx.permanent("not a copy step"));
    };
    if let Some(skipped) = until::skip(cx, ctx, source_index, pass) {
        return Ok(skipped);
    }
    let pairs = pairs(cx, ctx, source_index, destination_index).await?;
    let range = is_range(pass, update_field.as_deref());
    let recorded = ctx
        .handle()
        .and_then(|h| serde_json::from_value::<Handle>(h.clone()).ok());
    let handle = match recorded {
        Some(h) => h,
        None => {
            let mut h = Handle {
                to: now_millis(),
                ..Handle::default()
            };
            if range && let (Some(field), Some(first)) = (update_field, pairs.first()) {
                let overlap = cx.env.options.watermark_overlap.as_millis() as i64;
                h.from = previous_watermark(cx, ctx, source_index, pass).map(|w| w - overlap);
                let r = planned(
                    &first.source,
                    &first.destination,
                    pass,
                    Some(field),
                    budget.batch_size,
                );
                (h.numeric, h.seconds) = numeric_unit(
                    cx,
                    r.field_mapping.as_ref(),
                    r.field_values.as_ref(),
                    *update_field_unit,
                    ("copy", &first.source, field),
                )
                .await?;
            }
            // The bounds are durable before any document is read.
            ctx.record_handle(to_value(&h)).await?;
            h
        }
    };
    let query = query(pass, update_field.as_deref(), &handle, cx)?;
    let dead = DeadLetters::new(crate::dead_letters::copy_path(cx, dead_letters));
    let dest_quirks = cx
        .client(Side::Destination)
        .quirks()
        .await
        .map_err(|e| cx.fail(Side::Destination, "reading the destination's version", &e))?;
    let shared = Mutex::new(Shared { handle, ctx });
    for p in &pairs {
        let writer = BulkWriter::new(
            cx.client(Side::Destination),
            config(budget, &p.destination),
            DeadLetters::new(dead.path()),
        );
        copy_index(cx, &shared, p, budget, &query, &writer, &dest_quirks).await?;
    }
    let Shared {
        handle,
        ctx: shared_ctx,
    } = shared.into_inner();
    let (mut written, mut dead_count, mut restarts, mut reopens) = (0, 0, 0, 0);
    for s in handle.indices.values().flatten() {
        written += s.written;
        dead_count += s.dead;
        restarts += s.restarts;
        reopens += s.cursor.as_ref().map_or(0, |c| c.reopens);
    }
    if dead_count > 0 {
        tracing::warn!(
            step = cx.id(),
            dead = dead_count,
            file = %dead.path().display(),
            "the destination refused documents for good; they are listed in the dead-letter file"
        );
    }
    let delta = until::report(shared_ctx, written, handle.to);
    Ok(Outcome::Done {
        outputs: json!({
            "pass": pass.to_string(),
            "from_ms": handle.from, "to_ms": handle.to,
            "from": handle.from.map(iso), "to": iso(handle.to),
            "documents": written, "seconds": delta.seconds, "delta": delta.to_json(),
            "written": written,
            "dead_letters": dead_count,
            "dead_letter_file": (dead_count > 0).then(|| dead.path().display().to_string()),
            "slice_restarts": restarts,
            "slice_reopens": reopens,
        }),
    })
}

/// The pass's query with its bounds filled.
fn query(
    pass: &Pass,
    update_field: Option<&str>,
    h: &Handle,
    cx: &Cx<'_>,
) -> Result<Value, StepError> {
    let template = pass_query(pass, update_field, &json!({"match_all": {}}));
    let upper = !matches!(pass, Pass::Final);
    let bounds = (h.from, upper.then_some(h.to));
    let fills = fill_range(Fills::new(), bounds, h.numeric, h.seconds);
    Body::json(&template)
        .fill(&fills)
        .map_err(|e| cx.permanent(format!("building the pass's query: {e}")))
}

fn config(budget: &CopyBudget, destination: &str) -> BulkConfig {
    let mut c = BulkConfig::new(migrate_graph::requests::copy::bulk(destination));
    c.bounds = Bounds {
        max_docs: budget.batch_size as usize,
        max_bytes: usize::try_from(budget.batch_bytes).unwrap_or(usize::MAX),
    };
    c.ceiling = Ceiling {
        docs_per_second: budget.documents_per_second,
        bytes_per_second: budget.bytes_per_second,
        concurrency: budget.concurrency as usize,
    };
    c
}

async fn copy_index(
    cx: &Cx<'_>,
    shared: &Mutex<Shared<'_>>,
    p: &Pair,
    budget: &CopyBudget,
    query: &Value,
    writer: &BulkWriter<'_>,
    dest: &Quirks,
) -> Result<(), StepError> {
    let reqs = scan(Side::Source, &p.source, budget.batch_size, query);
    let scan = Scan::with_pit_slices(cx.client(Side::Source), reqs, budget.slices)
        .await
        .map_err(|e| scan_error(cx, p, e))?;
    {
        let mut s = shared.lock().await;
        let slices = s.handle.indices.entry(p.source.clone()).or_default();
        if slices.len() != scan.slices() as usize {
            // First attempt, or the sweep changed (an upgrade between attempts): start over.
            *slices = vec![SliceState::default(); scan.slices() as usize];
            s.handle.pits.remove(&p.source);
        }
    }
    if !scan.shared_pit() {
        let lanes =
            (0..scan.slices()).map(|k| slice(cx, shared, p, &scan, k, None, writer, dest, budget));
        futures::future::try_join_all(lanes)
            .await
            .map_err(|e| e.step(cx, p))?;
        return Ok(());
    }
    let mut expiries = 0;
    loop {
        let pit = shared_pit(cx, shared, p, &scan).await?;
        let lanes = (0..scan.slices())
            .map(|k| slice(cx, shared, p, &scan, k, Some(&pit), writer, dest, budget));
        match futures::future::try_join_all(lanes).await {
            Ok(_) => {
                scan.close_pit(&pit).await;
                return Ok(());
            }
            Err(Lane::PitGone) if expiries < MAX_PIT_EXPIRIES => {
                expiries += 1;
                tracing::warn!(
                    index = %p.source,
                    "the point in time the slices shared expired; every slice starts again in a new one"
                );
                let mut s = shared.lock().await;
                let Shared { handle, ctx } = &mut *s;
                handle.pits.remove(&p.source);
                for state in handle.indices.entry(p.source.clone()).or_default() {
                    state.cursor = None;
                    state.done = false;
                    state.restarts += 1;
                }
                ctx.record_handle(to_value(handle)).await?;
            }
            Err(e) => return Err(e.step(cx, p)),
        }
    }
}

/// Times in a row the shared point in time may expire before the step gives up (retryably).
const MAX_PIT_EXPIRIES: u32 = 3;

/// The point in time the slices of `p.source` share: the one recorded, else a new one (recorded
/// before any page is read; slices read in another are started again).
async fn shared_pit(
    cx: &Cx<'_>,
    shared: &Mutex<Shared<'_>>,
    p: &Pair,
    scan: &Scan<'_>,
) -> Result<String, StepError> {
    let mut s = shared.lock().await;
    let Shared { handle, ctx } = &mut *s;
    if let Some(id) = handle.pits.get(&p.source) {
        return Ok(id.clone());
    }
    let id = scan.open_pit().await.map_err(|e| scan_error(cx, p, e))?;
    for state in handle.indices.entry(p.source.clone()).or_default() {
        if state.cursor.is_some() || state.done {
            state.cursor = None;
            state.done = false;
            state.restarts += 1;
        }
    }
    handle.pits.insert(p.source.clone(), id.clone());
    ctx.record_handle(to_value(handle)).await?;
    Ok(id)
}

/// Why a slice stopped.
enum Lane {
    Step(StepError),
    /// The shared point in time is gone: every slice of the index starts again.
    PitGone,
}

impl From<StepError> for Lane {
    fn from(e: StepError) -> Self {
        Lane::Step(e)
    }
}

impl Lane {
    fn step(self, cx: &Cx<'_>, p: &Pair) -> StepError {
        match self {
            Lane::Step(e) => e,
            Lane::PitGone => cx.retryable(format!(
                "reading `{}`: the point in time expired {MAX_PIT_EXPIRIES} times in a row",
                p.source
            )),
        }
    }
}

/// What the reading half of a slice hands the writing half, in order.
enum Read {
    /// A page's documents, and the cursor after it.
    Page(Vec<BulkDoc>, ScanCursor),
    /// The slice's context expired and it is read again from the beginning.
    Restart,
}

/// One slice: its pages are read one ahead of the writes (a bounded hand-over), written with up to
/// `concurrency` writes in flight, and each cursor recorded once its page and every earlier one
/// were acknowledged.
#[allow(clippy::too_many_arguments)] // one slice of one index: every part is a different input
async fn slice(
    cx: &Cx<'_>,
    shared: &Mutex<Shared<'_>>,
    p: &Pair,
    scan: &Scan<'_>,
    k: u32,
    pit: Option<&str>,
    writer: &BulkWriter<'_>,
    dest: &Quirks,
    budget: &CopyBudget,
) -> Result<(), Lane> {
    let saved = {
        let s = shared.lock().await;
        s.handle
            .indices
            .get(&p.source)
            .and_then(|v| v.get(k as usize))
            .cloned()
            .unwrap_or_default()
    };
    if saved.done {
        return Ok(());
    }
    let mut reader = match (saved.cursor, pit) {
        (Some(c), _) => {
            let scroll = c.method == ScanMethod::Scroll && c.context().is_some();
            let mut r = scan.resume(c).map_err(|e| scan_error(cx, p, e))?;
            // The scroll may have moved past pages fetched before the interruption and never
            // written: reopen after the last acknowledged document, or (a slice that is a hash
            // share of a shard) read the slice again from the beginning.
            if scroll && !r.reopen().await {
                let _ = r.close().await;
                r.restart();
                bump(shared, p, k, |s| s.restarts += 1).await;
            }
            r
        }
        (None, Some(pit)) => scan.slice_in(k, pit),
        (None, None) => scan.slice(k),
    };
    let depth = budget.concurrency.max(1) as usize;
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Read>(1);
    let reads = async {
        loop {
            match reader.next_page().await {
                Ok(Some(page)) => {
                    let docs = to_bulk(&page, &p.destination, dest)
                        .map_err(|why| cx.permanent(format!("copying `{}`: {why}", p.source)))?;
                    let cursor = reader.cursor().clone();
                    if tx.send(Read::Page(docs, cursor)).await.is_err() {
                        break;
                    }
                }
                Ok(None) => break,
                // The slices' shared point in time is gone: all of them start again.
                Err(e) if e.is_expired() && pit.is_some() => return Err(Lane::PitGone),
                Err(e) if e.is_expired() => {
                    reader.restart();
                    if tx.send(Read::Restart).await.is_err() {
                        break;
                    }
                }
                Err(e) => return Err(Lane::Step(scan_error(cx, p, e))),
            }
        }
        drop(tx);
        Ok(reader.cursor().clone())
    };
    let writes = async {
        let mut in_flight: FuturesOrdered<_> = FuturesOrdered::new();
        let mut open = true;
        loop {
            tokio::select! {
                Some((w, cursor)) = in_flight.next(), if !in_flight.is_empty() => {
                    let w: Result<Written, BulkError> = w;
                    let w = w.map_err(|e| bulk_error(cx, p, e))?;
                    checkpoint(shared, p, k, Some(cursor), &w, writer, false).await?;
                }
                read = rx.recv(), if open && in_flight.len() < depth => match read {
                    Some(Read::Page(docs, cursor)) => {
                        in_flight.push_back(async move { (writer.write(docs).await, cursor) });
                    }
                    Some(Read::Restart) => {
                        // Drain what is in flight (rewrites are harmless), then read again.
                        while let Some((w, _)) = in_flight.next().await {
                            w.map_err(|e| bulk_error(cx, p, e))?;
                        }
                        bump(shared, p, k, |s| {
                            s.restarts += 1;
                            s.cursor = None;
                        })
                        .await;
                    }
                    None => open = false,
                },
                else => break,
            }
        }
        Ok::<(), Lane>(())
    };
    let (finished, ()) = futures::future::try_join(reads, writes).await?;
    checkpoint(
        shared,
        p,
        k,
        Some(finished),
        &Written::default(),
        writer,
        true,
    )
    .await?;
    Ok(())
}

async fn bump(shared: &Mutex<Shared<'_>>, p: &Pair, k: u32, f: impl FnOnce(&mut SliceState)) {
    let mut s = shared.lock().await;
    if let Some(state) = s
        .handle
        .indices
        .get_mut(&p.source)
        .and_then(|v| v.get_mut(k as usize))
    {
        f(state);
    }
}

/// Records a slice's cursor after an acknowledged page (or at its end) and reports progress.
async fn checkpoint(
    shared: &Mutex<Shared<'_>>,
    p: &Pair,
    k: u32,
    cursor: Option<ScanCursor>,
    w: &Written,
    writer: &BulkWriter<'_>,
    done: bool,
) -> Result<(), StepError> {
    let mut s = shared.lock().await;
    let Shared { handle, ctx } = &mut *s;
    if let Some(state) = handle
        .indices
        .get_mut(&p.source)
        .and_then(|v| v.get_mut(k as usize))
    {
        state.cursor = cursor;
        state.written += w.written;
        state.dead += w.dead.len() as u64;
        state.done = done;
    }
    let written: u64 = handle.indices.values().flatten().map(|s| s.written).sum();
    let value = to_value(handle);
    ctx.record_handle(value).await?;
    let rate = writer.rate();
    let pace = rate
        .docs_per_second
        .map_or_else(|| "unpaced".to_owned(), |d| format!("{d:.0} docs/s"));
    ctx.report(StepProgress {
        done: Some(written),
        total: None,
        unit: "docs",
        message: Some(format!(
            "rate {pace}, {} requests in flight at most, {} cuts, {} dead letters",
            rate.concurrency,
            rate.decreases,
            writer.stats().dead
        )),
    });
    Ok(())
}

/// The page's documents as `_bulk` index actions into `destination`.
fn to_bulk(page: &ScanPage, destination: &str, dest: &Quirks) -> Result<Vec<BulkDoc>, String> {
    let docs = page.docs()?;
    let mut out = Vec::with_capacity(docs.len());
    for d in docs {
        let Some(source) = d.source else {
            return Err(format!(
                "document `{}` has no `_source` (the index does not keep it), so it cannot be copied",
                d.id
            ));
        };
        let ty = match dest.mapping_types() {
            MappingTypes::Multiple | MappingTypes::Single => Some(
                d.doc_type
                    .as_deref()
                    .filter(|t| *t != "_doc")
                    .map_or_else(|| dest.default_type_name().to_owned(), str::to_owned),
            ),
            MappingTypes::TypelessWithParam | MappingTypes::Typeless => None,
        };
        out.push(BulkDoc {
            index: destination.to_owned(),
            ty,
            id: d.id.into_owned(),
            routing: d.routing.map(|r| r.into_owned()),
            // A view into the page's bytes: the source is passed through as the cluster sent it.
            source: page.body.slice_ref(source.get().as_bytes()),
        });
    }
    Ok(out)
}

fn scan_error(cx: &Cx<'_>, p: &Pair, e: ScanError) -> StepError {
    match e {
        ScanError::Cluster(c) => cx.fail(Side::Source, &format!("reading `{}`", p.source), &c),
        other => cx.retryable(format!("reading `{}`: {other}", p.source)),
    }
}

fn bulk_error(cx: &Cx<'_>, p: &Pair, e: BulkError) -> StepError {
    let doing = format!("writing `{}` into `{}`", p.source, p.destination);
    match e {
        BulkError::Cluster(c) => cx.fail(Side::Destination, &doing, &c),
        BulkError::Exhausted { .. } => cx.retryable(format!("{doing}: {e}")),
        other => cx.permanent(format!("{doing}: {other}")),
    }
}
