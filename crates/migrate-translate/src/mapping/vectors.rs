//! Field types that change between products: `dense_vector` → `knn_vector`, OpenSearch 3's
//! `nmslib` engine, `flattened` → `flat_object`, 7.x `sparse_vector`, and types a destination lacks.

use serde_json::{Map, Value, json};

use super::Needs;
use crate::context::Cx;
use crate::finding::Ptr;
use crate::rules;
use crate::target::Target;

/// Elasticsearch field types OpenSearch lacks, with the OpenSearch version that added them (if any).
const NOT_IN_OPENSEARCH: &[(&str, Option<(u32, u32)>)] = &[
    ("wildcard", Some((2, 15))),
    ("unsigned_long", Some((2, 8))),
    ("match_only_text", Some((2, 12))),
    ("constant_keyword", Some((2, 14))),
    ("aggregate_metric_double", None),
    ("histogram", None),
    ("version", None),
    ("semantic_text", None),
    ("counted_keyword", None),
    ("passthrough", None),
    ("shape", None),
    ("point", None),
];

pub(super) fn field(
    cx: &mut Cx,
    name: &str,
    f: &mut Map<String, Value>,
    p: &Ptr,
    needs: &mut Needs,
) {
    let ty = f
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    match ty.as_str() {
        "dense_vector" if cx.on(&rules::DENSE_VECTOR_TO_KNN_VECTOR) => {
            dense_vector(cx, name, f, p, needs)
        }
        "knn_vector" if cx.on(&rules::NMSLIB_ENGINE_REMOVED) => nmslib(cx, name, f, p),
        "flattened" if cx.on(&rules::FLATTENED_TO_FLAT_OBJECT) => flattened(cx, name, f, p),
        "sparse_vector" if cx.on(&rules::SPARSE_VECTOR_REMOVED) => {
            cx.error(&rules::SPARSE_VECTOR_REMOVED, &p.key("type"), format!("`{name}`: the 7.x `sparse_vector` type does not exist on {}; drop the field or re-model it (`rank_features`)", cx.dst));
        }
        other if cx.dst.is_opensearch() && !cx.src.is_opensearch() => {
            if let Some((_, since)) = NOT_IN_OPENSEARCH.iter().find(|(t, _)| *t == other) {
                let ok = since.is_some_and(|(a, b)| cx.dst.os_at_least(a, b));
                if !ok {
                    let when = since
                        .map(|(a, b)| format!(" (it arrived in OpenSearch {a}.{b})"))
                        .unwrap_or_default();
                    cx.error(
                        &rules::FIELD_TYPE_UNAVAILABLE,
                        &p.key("type"),
                        format!(
                            "`{name}`: field type `{other}` does not exist on {}{when}",
                            cx.dst
                        ),
                    );
                }
            }
        }
        _ => {}
    }
}

/// The engine new `knn_vector` fields get: `nmslib` on OpenSearch 1–2 (every space type),
/// `lucene` from 3.0 (where `nmslib` is refused).
fn engine(dst: Target) -> &'static str {
    if dst.os_at_least(3, 0) {
        "lucene"
    } else {
        "nmslib"
    }
}

fn dense_vector(cx: &mut Cx, name: &str, f: &mut Map<String, Value>, p: &Ptr, needs: &mut Needs) {
    let Some(dims) = f.get("dims").and_then(Value::as_u64) else {
        cx.error(&rules::DENSE_VECTOR_TO_KNN_VECTOR, p, format!("`{name}`: a `dense_vector` without `dims` cannot become a `knn_vector` (which needs `dimension`): set it"));
        return;
    };
    let element = f
        .get("element_type")
        .and_then(Value::as_str)
        .unwrap_or("float");
    if element != "float" {
        cx.error(&rules::DENSE_VECTOR_TO_KNN_VECTOR, &p.key("element_type"), format!("`{name}`: `element_type: {element}` has no automatic `knn_vector` equivalent: choose a `data_type` by hand"));
        return;
    }
    // Indexed by default from 8.11; never indexed on 7.x.
    let default_indexed = cx.src.es_at_least(8, 11);
    let indexed = f
        .get("index")
        .and_then(Value::as_bool)
        .unwrap_or(default_indexed);
    let mut out = Map::new();
    out.insert("type".into(), Value::from("knn_vector"));
    out.insert("dimension".into(), Value::from(dims));
    if !indexed {
        *f = out;
        cx.info(&rules::DENSE_VECTOR_TO_KNN_VECTOR, &p.key("type"), format!("`{name}`: unindexed `dense_vector` became `knn_vector` (dimension {dims}, exact scoring only)"));
        return;
    }
    let similarity = f
        .get("similarity")
        .and_then(Value::as_str)
        .unwrap_or("cosine")
        .to_string();
    let space = match similarity.as_str() {
        "l2_norm" => "l2",
        "dot_product" | "max_inner_product" => "innerproduct",
        _ => "cosinesimil",
    };
    let opts = f.get("index_options").and_then(Value::as_object);
    let kind = opts
        .and_then(|o| o.get("type"))
        .and_then(Value::as_str)
        .unwrap_or("hnsw")
        .to_string();
    let m = opts
        .and_then(|o| o.get("m"))
        .and_then(Value::as_u64)
        .unwrap_or(16);
    let ef = opts
        .and_then(|o| o.get("ef_construction"))
        .and_then(Value::as_u64)
        .unwrap_or(100);
    let engine = engine(cx.dst);
    out.insert("method".into(), json!({"name": "hnsw", "space_type": space, "engine": engine, "parameters": {"m": m, "ef_construction": ef}}));
    *f = out;
    needs.knn = true;
    cx.info(&rules::DENSE_VECTOR_TO_KNN_VECTOR, &p.key("type"), format!("`{name}`: `dense_vector` ({similarity}, {kind}) became `knn_vector` (dimension {dims}, hnsw on {engine}, space `{space}`, m {m}, ef_construction {ef})"));
    if kind != "hnsw" {
        cx.warn(&rules::DENSE_VECTOR_TO_KNN_VECTOR, &p.key("index_options").key("type"), format!("`{name}`: `index_options.type: {kind}` (quantized or flat) was not carried over: the graph is full-precision HNSW"));
    }
}

fn nmslib(cx: &mut Cx, name: &str, f: &mut Map<String, Value>, p: &Ptr) {
    let Some(Value::Object(method)) = f.get_mut("method") else {
        return;
    };
    if method.get("engine").and_then(Value::as_str) != Some("nmslib") {
        return;
    }
    method.insert("engine".into(), Value::from("faiss"));
    cx.warn(&rules::NMSLIB_ENGINE_REMOVED, &p.key("method").key("engine"), format!("`{name}`: engine `nmslib` became `faiss` ({} refuses new nmslib fields); recall and scores can differ slightly", cx.dst));
}

fn flattened(cx: &mut Cx, name: &str, f: &mut Map<String, Value>, p: &Ptr) {
    if !cx.dst.os_at_least(2, 7) {
        cx.error(&rules::FLATTENED_TO_FLAT_OBJECT, &p.key("type"), format!("`{name}`: `flattened` needs `flat_object`, which arrived in OpenSearch 2.7 ({} has neither)", cx.dst));
        return;
    }
    let dropped: Vec<String> = f.keys().filter(|k| *k != "type").cloned().collect();
    f.clear();
    f.insert("type".into(), Value::from("flat_object"));
    if dropped.is_empty() {
        cx.info(
            &rules::FLATTENED_TO_FLAT_OBJECT,
            &p.key("type"),
            format!("`{name}`: `flattened` became `flat_object`"),
        );
    } else {
        let list = dropped
            .iter()
            .map(|d| format!("`{d}`"))
            .collect::<Vec<_>>()
            .join(", ");
        cx.warn(
            &rules::FLATTENED_TO_FLAT_OBJECT,
            &p.key("type"),
            format!("`{name}`: `flattened` became `flat_object`, dropping {list} (no equivalent)"),
        );
    }
}
