//! What a scroll may not do, in the servers' words: use the request cache, ask for `size: 0`, keep
//! its context longer than `search.max_keep_alive` (default 24h); and sliced scrolls (`slice:
//! {id, max}`): `max` at most `index.max_slices_per_scroll` (default 1024), a slice taking the
//! shards `shard % max == id` (and, with more slices than shards, a share of each shard's
//! documents by `_id` hash). A `slice` outside a scroll is refused, except in a point in time
//! where the version slices one (ES 7.15+, OpenSearch 2.4+), with each version's words.

use std::time::Duration;

use serde_json::Value;

use crate::error::{ApiError, ApiResult};
use crate::flavor::Product;
use crate::model::routing::shard_of;
use crate::model::{Cluster, Doc, Index};
use crate::search::context::parse_time;

/// Refuses `request_cache` and `size: 0` in a scroll (both listed when both apply).
pub fn check_scroll_request(request_cache: bool, size: usize) -> ApiResult<()> {
    let mut problems = Vec::new();
    if request_cache {
        problems.push("[request_cache] cannot be used in a scroll context".to_string());
    }
    if size == 0 {
        problems.push("[size] cannot be [0] in a scroll context".to_string());
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(ApiError::validation(&problems))
    }
}

fn show(d: Duration) -> String {
    let s = d.as_secs();
    if s > 0 && s.is_multiple_of(3600) {
        format!("{}h", s / 3600)
    } else if s > 0 && s.is_multiple_of(60) {
        format!("{}m", s / 60)
    } else if s > 0 {
        format!("{s}s")
    } else {
        format!("{}ms", d.as_millis())
    }
}

/// Refuses a keep-alive above `search.max_keep_alive`.
pub fn check_keep_alive(c: &Cluster, keep: Duration) -> ApiResult<()> {
    let max = c
        .setting("search.max_keep_alive")
        .and_then(Value::as_str)
        .and_then(parse_time)
        .unwrap_or(Duration::from_secs(24 * 3600));
    if keep > max {
        return Err(ApiError::illegal_argument(format!(
            "Keep alive for request ({}) is too large. It must be less than ({}). This limit can be set by changing the [search.max_keep_alive] cluster level setting.",
            show(keep),
            show(max)
        )));
    }
    Ok(())
}

/// Refuses a `slice` where the version has no sliced context for it: outside a scroll, unless the
/// search is in a point in time and the version slices points in time (ES 7.15+, OpenSearch
/// 2.4+). The servers refuse it on every shard (`search_phase_execution_exception`, 500, root
/// cause `search_context_exception` on ES 5.x/6.x, `search_exception` later), in their words.
pub fn check_slice_context(product: &Product, scroll: bool, pit: bool) -> ApiResult<()> {
    let pit_slices = product.quirks().pit_slicing();
    if scroll || (pit && pit_slices) {
        return Ok(());
    }
    let reason = match (product.is_opensearch(), pit_slices) {
        (true, true) => "`slice` cannot be used outside of a scroll context or PIT context",
        (false, true) => "[slice] can only be used with [scroll] or [point-in-time] requests",
        (_, false) => "`slice` cannot be used outside of a scroll context",
    };
    let kind = if !product.is_opensearch() && product.es_major() < 7 {
        "search_context_exception"
    } else {
        "search_exception"
    };
    let cause = serde_json::json!({"type": kind, "reason": reason});
    Err(ApiError::new(
        axum::http::StatusCode::INTERNAL_SERVER_ERROR,
        "search_phase_execution_exception",
        "all shards failed",
    )
    .with("root_cause", serde_json::json!([cause.clone()]))
    .with("phase", "query")
    .with("grouped", true)
    .with(
        "failed_shards",
        serde_json::json!([{"shard": 0, "reason": cause}]),
    ))
}

/// A `slice` of a scroll.
#[derive(Debug, Clone, Copy)]
pub struct Slice {
    /// This slice.
    pub id: u32,
    /// Number of slices.
    pub max: u32,
}

impl Slice {
    /// Parses `slice` from a search body.
    pub fn parse(body: Option<&Value>) -> ApiResult<Option<Slice>> {
        let Some(s) = body.and_then(|b| b.get("slice")) else {
            return Ok(None);
        };
        let num = |k: &str| s.get(k).and_then(Value::as_u64).map(|n| n as u32);
        let (Some(id), Some(max)) = (num("id"), num("max")) else {
            return Err(ApiError::parse("[slice] requires [id] and [max]"));
        };
        if max <= 1 {
            return Err(ApiError::illegal_argument("max must be greater than 1"));
        }
        if id >= max {
            return Err(ApiError::illegal_argument("id must be lower than max"));
        }
        Ok(Some(Slice { id, max }))
    }

    /// Refuses more slices than an index allows.
    pub fn check(&self, index: &Index) -> ApiResult<()> {
        let limit = index
            .settings
            .get("index.max_slices_per_scroll")
            .and_then(|v| v.as_str().and_then(|s| s.parse().ok()).or(v.as_u64()))
            .unwrap_or(1024);
        if u64::from(self.max) > limit {
            return Err(ApiError::illegal_argument(format!(
                "The number of slices [{}] is too large. It must be less than [{limit}]. This limit can be set by changing the [index.max_slices_per_scroll] index level setting.",
                self.max
            )));
        }
        Ok(())
    }

    /// Whether a document belongs to this slice.
    pub fn contains(&self, index: &Index, product: &Product, doc: &Doc) -> bool {
        let shards = index.shards();
        let shard = shard_of(index, product, doc.routing.as_deref().unwrap_or(&doc.id));
        if self.max <= shards {
            return shard % self.max == self.id;
        }
        // More slices than shards: slice `id` reads shard `id % shards`, split further by `_id`.
        if shard != self.id % shards {
            return false;
        }
        let per_shard = self.max / shards + u32::from(shard < self.max % shards);
        let part = shard_of(index, product, &format!("{}#slice", doc.id)) % per_shard.max(1);
        part == self.id / shards
    }
}
