//! Data streams as writes meet them (Elasticsearch 7.9+, OpenSearch 1.0+): a stream is made from a
//! composable template with `data_stream: {}` (explicitly, or by the first write to a matching
//! name), its backing index `.ds-<name>-<yyyy.MM.dd>-000001` (`.ds-<name>-000001` before ES 7.11
//! and on OpenSearch) has `@timestamp` mapped as a date, and writes to it must be `op_type: create`
//! with an `@timestamp`. A rollover adds the next backing index and makes it the write index.

use serde_json::{Value, json};

use crate::error::{ApiError, ApiResult};
use crate::flavor::{Flavor, Product};
use crate::model::Cluster;
use crate::model::metadata::DataStream;
use crate::templates::composable_for;

/// Whether the product has data streams.
pub fn supported(p: &Product) -> bool {
    match p.flavor {
        Flavor::OpenSearch => true,
        Flavor::Elasticsearch => {
            p.version.major > 7 || (p.version.major == 7 && p.version.minor >= 9)
        }
    }
}

fn backing_name(p: &Product, stream: &str, generation: u64) -> String {
    let dated = p.flavor == Flavor::Elasticsearch && (p.version.major > 7 || p.version.minor >= 11);
    if dated {
        let today = time::OffsetDateTime::now_utc().date();
        format!(
            ".ds-{stream}-{:04}.{:02}.{:02}-{generation:06}",
            today.year(),
            u8::from(today.month()),
            today.day()
        )
    } else {
        format!(".ds-{stream}-{generation:06}")
    }
}

/// Creates stream `name` from its matching data-stream template.
pub fn create(cluster: &mut Cluster, p: &Product, name: &str) -> ApiResult<()> {
    if cluster.meta.data_streams.contains_key(name) {
        return Err(ApiError::new(
            axum::http::StatusCode::BAD_REQUEST,
            "resource_already_exists_exception",
            format!("data_stream [{name}] already exists"),
        ));
    }
    let template = composable_for(&cluster.meta, name)
        .filter(|t| {
            cluster
                .meta
                .index_templates
                .get(*t)
                .is_some_and(|t| t.data_stream())
        })
        .map(str::to_owned)
        .ok_or_else(|| {
            ApiError::illegal_argument(format!(
                "no matching index template found for data stream [{name}]"
            ))
        })?;
    let index = backing_index(cluster, p, name, 1)?;
    cluster.meta.data_streams.insert(
        name.to_owned(),
        DataStream {
            template,
            indices: vec![index],
            generation: 1,
        },
    );
    Ok(())
}

/// Rolls stream `name` over: a new backing index (generation + 1, shaped by the stream's
/// template as it is now) becomes the write index. Returns (old, new) write index.
pub fn rollover(cluster: &mut Cluster, p: &Product, name: &str) -> ApiResult<(String, String)> {
    let Some(d) = cluster.meta.data_streams.get(name) else {
        return Err(ApiError::illegal_argument(format!(
            "the sandbox rolls over data streams only, and [{name}] is not one"
        )));
    };
    let (generation, old) = (
        d.generation + 1,
        d.indices.last().cloned().unwrap_or_default(),
    );
    let index = backing_index(cluster, p, name, generation)?;
    if let Some(d) = cluster.meta.data_streams.get_mut(name) {
        d.generation = generation;
        d.indices.push(index.clone());
    }
    Ok((old, index))
}

/// Creates backing index `generation` of stream `name`: hidden, the stream's template's settings
/// and mappings, `@timestamp` a date.
fn backing_index(
    cluster: &mut Cluster,
    p: &Product,
    name: &str,
    generation: u64,
) -> ApiResult<String> {
    let index = backing_name(p, name, generation);
    // The stream's template shapes its backing indexes (whose names it does not match).
    let defaults = crate::templates::defaults_for(&cluster.meta, p, name);
    let mut settings = defaults.settings.clone();
    settings.insert("index.hidden".into(), json!("true"));
    let mut mapping = defaults
        .mappings
        .values()
        .next()
        .cloned()
        .unwrap_or_else(|| json!({}));
    if mapping.pointer("/properties/@timestamp").is_none() {
        crate::model::index::merge(
            &mut mapping,
            &json!({"properties": {"@timestamp": {"type": "date"}}}),
        );
    }
    let body = json!({"settings": settings, "mappings": mapping});
    crate::write::create_index(cluster, p, &index, Some(&body), false)?;
    Ok(index)
}

/// The backing index a document write to `name` goes to, when `name` is (or, by its template,
/// becomes) a data stream; `None` otherwise.
pub fn write_target(
    cluster: &mut Cluster,
    p: &Product,
    name: &str,
    create_only: bool,
    doc: &Value,
) -> ApiResult<Option<String>> {
    if !supported(p) || cluster.indices.contains_key(name) {
        return Ok(None);
    }
    if !cluster.meta.data_streams.contains_key(name) {
        let by_template = composable_for(&cluster.meta, name)
            .and_then(|t| cluster.meta.index_templates.get(t))
            .is_some_and(|t| t.data_stream());
        if !by_template || cluster.write_index(name)?.is_some() {
            return Ok(None);
        }
        create(cluster, p, name)?;
    }
    if !create_only {
        return Err(ApiError::illegal_argument(
            "only write ops with an op_type of create are allowed in data streams",
        ));
    }
    if doc.get("@timestamp").is_none() {
        return Err(ApiError::new(
            axum::http::StatusCode::BAD_REQUEST,
            "mapper_parsing_exception",
            "data stream timestamp field [@timestamp] is missing",
        ));
    }
    Ok(cluster
        .meta
        .data_streams
        .get(name)
        .and_then(|d| d.indices.last().cloned()))
}
