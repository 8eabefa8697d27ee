//! Index settings as the servers check them at create and update time: a key no setting or
//! setting family of the version knows is an `illegal_argument_exception` (`unknown setting [..]`,
//! with a `did you mean` when one is close); soft deletes cannot be disabled on Elasticsearch 8
//! (refused) and are deprecated from Elasticsearch 7.6 and on OpenSearch (a `Warning` header), and do
//! not exist before Elasticsearch 6.5; the `standard` token filter, removed in Elasticsearch 7.0 (and
//! so absent from OpenSearch), refuses the index on those versions.

use crate::error::{ApiError, ApiResult};
use crate::flavor::{Flavor, Product, Version};
use crate::model::settings::FlatSettings;

/// Single index settings (without the `index.` prefix) every supported version knows.
const KNOWN: &[&str] = &[
    "number_of_shards",
    "number_of_replicas",
    "number_of_routing_shards",
    "routing_partition_size",
    "auto_expand_replicas",
    "refresh_interval",
    "max_result_window",
    "max_inner_result_window",
    "max_rescore_window",
    "max_docvalue_fields_search",
    "max_script_fields",
    "max_ngram_diff",
    "max_shingle_diff",
    "max_refresh_listeners",
    "max_terms_count",
    "max_regex_length",
    "max_slices_per_scroll",
    "max_adjacency_matrix_filters",
    "codec",
    "hidden",
    "priority",
    "default_pipeline",
    "final_pipeline",
    "gc_deletes",
    "load_fixed_bitset_filters_eagerly",
    "creation_date",
    "creation_date_string",
    "uuid",
    "provided_name",
    "format",
    "frozen",
    "data_path",
    "shadow_replicas",
    "shared_filesystem",
    "verified_before_close",
    "mode",
    "append_only.enabled",
    "mapper.dynamic",
];

/// OpenSearch-only single settings, with the first version that has them.
const OPENSEARCH_ONLY: &[(&str, Version)] = &[
    ("replication.type", Version::new(2, 0, 0)),
    ("knn", Version::new(1, 0, 0)),
    ("number_of_search_replicas", Version::new(2, 17, 0)),
    ("auto_expand_search_replicas", Version::new(2, 17, 0)),
    // Dual write (OpenSearch 3.x): index, update and delete requests on this index are mirrored
    // to another index.
    ("dual_write.index_name", Version::new(3, 0, 0)),
    ("dual_write.soft_deletes_enabled", Version::new(3, 0, 0)),
];

/// The single settings this version knows.
fn singles(product: &Product) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = KNOWN.to_vec();
    if product.is_opensearch() {
        out.extend(
            OPENSEARCH_ONLY
                .iter()
                .filter(|(_, since)| product.version >= *since)
                .map(|(k, _)| *k),
        );
    }
    out
}

/// Setting families: any key under these prefixes is accepted (their members vary by plugin and
/// version: analysis chains, similarities, allocation filters, slow logs, merge and translog
/// tuning, plugin settings).
const FAMILIES: &[&str] = &[
    "analysis.",
    "similarity.",
    "routing.",
    "allocation.",
    "unassigned.",
    "blocks.",
    "merge.",
    "translog.",
    "store.",
    "search.",
    "indexing.",
    "recovery.",
    "mapping.",
    "query.",
    "query_string.",
    "highlight.",
    "lifecycle.",
    "plugins.",
    "opendistro.",
    "knn.",
    "remote_store.",
    "sort.",
    "shard.",
    "write.",
    "requests.",
    "queries.",
    "version.",
    "history.",
    "resize.",
    "shrink.",
    "fielddata.",
    "warmer.",
    "soft_deletes.",
    "xpack.",
    "ccr.",
    "composite_index.",
    "optimize_auto_generated_id",
    "compound_format",
    "ttl.",
    "percolator.",
    "time_series.",
    "look_ahead_time",
    "look_back_time",
    "routing_path",
    "default_field",
];

fn known(product: &Product, key: &str) -> bool {
    let Some(rest) = key.strip_prefix("index.") else {
        return false;
    };
    if rest.starts_with("soft_deletes.")
        && product.flavor == Flavor::Elasticsearch
        && product.version < Version::new(6, 5, 0)
    {
        return false;
    }
    singles(product).contains(&rest)
        || FAMILIES
            .iter()
            .any(|f| rest.starts_with(f) || rest == f.trim_end_matches('.'))
}

/// The `unknown setting` error, with the server's suggestion.
fn unknown(product: &Product, key: &str) -> ApiError {
    let mut close: Vec<(f64, String)> = singles(product)
        .iter()
        .map(|k| format!("index.{k}"))
        .map(|k| (strsim::normalized_levenshtein(key, &k), k))
        .filter(|(s, _)| *s > 0.7)
        .collect();
    close.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let tail = match close.as_slice() {
        [] => " please check that any required plugins are installed, or check the breaking changes documentation for removed settings".to_string(),
        [(_, one)] => format!(" did you mean [{one}]?"),
        many => format!(
            " did you mean any of [{}]?",
            many.iter().map(|(_, k)| k.as_str()).collect::<Vec<_>>().join(", ")
        ),
    };
    ApiError::illegal_argument(format!("unknown setting [{key}]{tail}"))
}

/// Checks every key is a setting of this version.
pub fn check_known(product: &Product, settings: &FlatSettings) -> ApiResult<()> {
    match settings.keys().find(|k| !known(product, k)) {
        Some(k) => Err(unknown(product, k)),
        None => Ok(()),
    }
}

/// Checks the settings of a new index; returns the deprecation warnings the server sends.
pub fn check_create(
    product: &Product,
    index: &str,
    settings: &FlatSettings,
) -> ApiResult<Vec<String>> {
    check_known(product, settings)?;
    check_analysis(product, settings)?;
    crate::analysis_names::check(product, settings)?;
    let disabled = settings
        .get("index.soft_deletes.enabled")
        .and_then(|v| v.as_str())
        == Some("false");
    if !disabled {
        return Ok(Vec::new());
    }
    match product.flavor {
        Flavor::Elasticsearch if product.version.major >= 8 => Err(ApiError::illegal_argument(
            "Creating indices with soft-deletes disabled is no longer supported. Please do not specify a value for setting [index.soft_deletes.enabled].",
        )),
        Flavor::Elasticsearch if product.version < Version::new(7, 6, 0) => Ok(Vec::new()),
        flavor => {
            let product_name = if flavor == Flavor::OpenSearch {
                "OpenSearch"
            } else {
                "Elasticsearch"
            };
            Ok(vec![format!(
                "Creating indices with soft-deletes disabled is deprecated and will be removed in future {product_name} versions. Please do not specify value for setting [index.soft_deletes.enabled] of index [{index}]."
            )])
        }
    }
}

/// The analysis chains of a new index as the server builds them at create time: an analyzer whose
/// `filter` list names `standard`, or a filter of type `standard`, fails on Elasticsearch 7.0+ and
/// OpenSearch (`illegal_argument_exception`, "The [standard] token filter has been removed.").
fn check_analysis(product: &Product, settings: &FlatSettings) -> ApiResult<()> {
    let removed = product.flavor == Flavor::OpenSearch || product.version.major >= 7;
    if !removed {
        return Ok(());
    }
    let is_standard = |v: &serde_json::Value| v.as_str() == Some("standard");
    let uses_standard = settings.iter().any(|(key, value)| {
        let Some(rest) = key.strip_prefix("index.analysis.") else {
            return false;
        };
        let in_chain = rest.starts_with("analyzer.")
            && rest.ends_with(".filter")
            && match value {
                serde_json::Value::Array(names) => names.iter().any(is_standard),
                one => is_standard(one),
            };
        let as_type = rest.starts_with("filter.") && rest.ends_with(".type") && is_standard(value);
        in_chain || as_type
    });
    if uses_standard {
        return Err(ApiError::illegal_argument(
            "The [standard] token filter has been removed.",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn flat(pairs: &[(&str, &str)]) -> FlatSettings {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_string(), json!(v)))
            .collect()
    }

    #[test]
    fn a_typo_gets_a_suggestion_and_a_stranger_the_plugin_hint() {
        let p = Product::new(Flavor::Elasticsearch, Version::new(7, 10, 2)).unwrap();
        let e = check_known(&p, &flat(&[("index.number_of_shard", "1")])).unwrap_err();
        assert_eq!(
            e.reason,
            "unknown setting [index.number_of_shard] did you mean [index.number_of_shards]?"
        );
        let e = check_known(&p, &flat(&[("index.foo", "1")])).unwrap_err();
        assert!(
            e.reason
                .ends_with("or check the breaking changes documentation for removed settings")
        );
        assert!(check_known(&p, &flat(&[("index.analysis.analyzer.a.type", "custom")])).is_ok());
    }

    #[test]
    fn soft_deletes_off_is_refused_on_8_and_deprecated_on_opensearch() {
        let off = flat(&[("index.soft_deletes.enabled", "false")]);
        let es8 = Product::new(Flavor::Elasticsearch, Version::new(8, 11, 0)).unwrap();
        assert_eq!(
            check_create(&es8, "i", &off).unwrap_err().kind,
            "illegal_argument_exception"
        );
        let os2 = Product::new(Flavor::OpenSearch, Version::new(2, 11, 0)).unwrap();
        assert_eq!(check_create(&os2, "i", &off).unwrap().len(), 1);
        let es5 = Product::new(Flavor::Elasticsearch, Version::new(5, 6, 16)).unwrap();
        assert!(check_create(&es5, "i", &off).is_err());
    }
}
