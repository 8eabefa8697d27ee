//! What a version allows of the metadata fields a scan positions itself on, in the servers' words:
//! sorting on `_uid` (ES 5.x/6.x only; later versions have no such field), sorting on `_id`
//! (fielddata: refused on 5.x, whose `_id` is not indexed, and wherever
//! `indices.id_field_data.enabled` is false, the default from ES 8.0), and `preference=_shards:…`,
//! which restricts a search to the listed shards.

use serde_json::{Value, json};

use crate::error::{ApiError, ApiResult};
use crate::flavor::{Flavor, Product};
use crate::model::routing::shard_of;
use crate::model::{Cluster, Doc, Index};
use crate::search::sort::SortField;

/// Refuses a sort on `_uid` or `_id` the version cannot run, as a failed search phase.
pub fn check(
    cluster: &Cluster,
    product: &Product,
    sort: &[SortField],
    index: &str,
) -> ApiResult<()> {
    for f in sort {
        let cause = match f.field.as_str() {
            "_uid" if product.is_opensearch() || product.es_major() >= 7 => json!({
                "type": "query_shard_exception",
                "reason": "No mapping found for [_uid] in order to sort on",
                "index": index,
            }),
            "_id" if !id_fielddata(cluster, product) => {
                let reason = if product.es_major() < 6 {
                    "Fielddata access on the _id field is disallowed".to_string()
                } else {
                    "Fielddata access on the _id field is disallowed, you can re-enable it by updating the dynamic cluster setting: indices.id_field_data.enabled".to_string()
                };
                json!({"type": "illegal_argument_exception", "reason": reason})
            }
            _ => continue,
        };
        return Err(ApiError::new(
            axum::http::StatusCode::BAD_REQUEST,
            "search_phase_execution_exception",
            "all shards failed",
        )
        .with("root_cause", json!([cause]))
        .with("phase", "query")
        .with("grouped", true)
        .with(
            "failed_shards",
            json!([{"shard": 0, "index": index, "reason": cause}]),
        ));
    }
    Ok(())
}

/// Whether `_id` has fielddata: never on ES 5.x (multi-type indexes do not index `_id`); on ES
/// 6.x/7.x and OpenSearch unless `indices.id_field_data.enabled` is false; on ES 8+ only when it
/// is set to true.
fn id_fielddata(cluster: &Cluster, product: &Product) -> bool {
    let setting = cluster
        .setting("indices.id_field_data.enabled")
        .and_then(|v| {
            v.as_bool()
                .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
        });
    match (product.flavor, product.es_major()) {
        (Flavor::Elasticsearch, 0..=5) => false,
        (Flavor::Elasticsearch, 8..) => setting == Some(true),
        _ => setting != Some(false),
    }
}

/// The shards of `preference=_shards:0,2` (anything after `|` is another preference); `None`
/// without a shard preference.
pub fn preferred_shards(preference: Option<&str>) -> ApiResult<Option<Vec<u32>>> {
    let Some(list) = preference.and_then(|p| p.strip_prefix("_shards:")) else {
        return Ok(None);
    };
    let list = list.split('|').next().unwrap_or_default();
    list.split(',')
        .map(|s| {
            s.trim().parse().map_err(|_| {
                ApiError::illegal_argument(format!(
                    "Failed to parse int parameter [{s}] with value [{list}]"
                ))
            })
        })
        .collect::<ApiResult<Vec<u32>>>()
        .map(Some)
}

/// Whether a document lives in one of `shards`.
pub fn in_shards(index: &Index, product: &Product, doc: &Doc, shards: &[u32]) -> bool {
    let shard = shard_of(index, product, doc.routing.as_deref().unwrap_or(&doc.id));
    shards.contains(&shard)
}

/// The `_uid` sort value of a document: `type#id`.
pub fn uid(doc: &Doc) -> Value {
    json!(format!("{}#{}", doc.ty, doc.id))
}
