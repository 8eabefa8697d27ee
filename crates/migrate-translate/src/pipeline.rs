//! Ingest pipelines: every processor (with `on_failure` and `foreach` ones) checked against what
//! the destination has. A processor it lacks is refused; one this table does not know is flagged.

use serde_json::Value;

use crate::context::Cx;
use crate::finding::Ptr;
use crate::rules;

/// Processors Elasticsearch has and OpenSearch does not.
const NOT_IN_OPENSEARCH: &[&str] = &[
    "enrich",
    "inference",
    "set_security_user",
    "redact",
    "reroute",
    "terminate",
    "geo_grid",
];

/// Processors known to both products' core (or their bundled modules).
const KNOWN: &[&str] = &[
    "append",
    "bytes",
    "convert",
    "csv",
    "date",
    "date_index_name",
    "dissect",
    "dot_expander",
    "drop",
    "fail",
    "foreach",
    "grok",
    "gsub",
    "html_strip",
    "join",
    "json",
    "kv",
    "lowercase",
    "pipeline",
    "remove",
    "rename",
    "script",
    "set",
    "sort",
    "split",
    "trim",
    "uppercase",
    "urldecode",
    "uri_parts",
    "user_agent",
    "geoip",
    "community_id",
    "fingerprint",
    "network_direction",
    "registered_domain",
    "circle",
];

/// OpenSearch's own processors (kept when the source is OpenSearch).
const OPENSEARCH_ONLY: &[&str] = &[
    "copy",
    "remove_by_pattern",
    "text_embedding",
    "sparse_encoding",
    "text_image_embedding",
    "ml_inference",
    "ip2geo",
    "text_chunking",
];

pub(crate) fn translate(cx: &mut Cx, input: &Value, base: &Ptr) -> Value {
    let Some(obj) = cx.object(input, base, "a pipeline") else {
        return input.clone();
    };
    for list in ["processors", "on_failure"] {
        if let Some(v) = obj.get(list) {
            processors(cx, v, &base.key(list));
        }
    }
    input.clone()
}

fn processors(cx: &mut Cx, list: &Value, p: &Ptr) {
    let Some(items) = list.as_array() else {
        cx.error(&rules::MALFORMED_OBJECT, p, "processors must be a list");
        return;
    };
    for (i, item) in items.iter().enumerate() {
        let ip = p.index(i);
        let Some(one) = item.as_object() else {
            cx.error(
                &rules::MALFORMED_OBJECT,
                &ip,
                "a processor must be an object",
            );
            continue;
        };
        for (name, config) in one {
            processor(cx, name, config, &ip.key(name));
        }
    }
}

fn processor(cx: &mut Cx, name: &str, config: &Value, p: &Ptr) {
    let n = name;
    if cx.dst.is_opensearch() && !cx.src.is_opensearch() && NOT_IN_OPENSEARCH.contains(&n) {
        cx.error(&rules::PROCESSOR_UNAVAILABLE, p, format!("processor `{n}` does not exist on {}: documents through this pipeline would fail; remove it or do its work before ingestion", cx.dst));
    } else if !cx.dst.is_opensearch() && OPENSEARCH_ONLY.contains(&n) {
        cx.error(
            &rules::PROCESSOR_UNAVAILABLE,
            p,
            format!(
                "processor `{n}` is OpenSearch's and does not exist on {}",
                cx.dst
            ),
        );
    } else if !KNOWN.contains(&n)
        && !OPENSEARCH_ONLY.contains(&n)
        && !NOT_IN_OPENSEARCH.contains(&n)
    {
        cx.warn(
            &rules::PROCESSOR_UNVERIFIED,
            p,
            format!(
                "processor `{n}` is not in this table (a plugin's?): check {} has it",
                cx.dst
            ),
        );
    }
    if let Some(obj) = config.as_object() {
        if let Some(v) = obj.get("on_failure") {
            processors(cx, v, &p.key("on_failure"));
        }
        if n == "foreach"
            && let Some(Value::Object(inner)) = obj.get("processor")
        {
            for (inner_name, inner_config) in inner {
                processor(
                    cx,
                    inner_name,
                    inner_config,
                    &p.key("processor").key(inner_name),
                );
            }
        }
    }
}
