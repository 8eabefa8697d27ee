//! URL-parameter validation per flavour and version, as the real servers do it: a parameter the
//! API does not take is refused with `illegal_argument_exception` (400) naming the request path and
//! the parameters (`request [/_cat/indices] contains unrecognized parameter: [expand_wildcards]`),
//! with a `did you mean` suggestion when one is close.
//!
//! The accepted parameters come from the specs ([`tables`], generated): Elasticsearch 8.x from the
//! 8.19 spec, 5.x–7.x from the 7.17 spec less the parameters added after the version
//! ([`ADDED_IN_ES`]); OpenSearch from its OpenAPI document by each parameter's version range. An
//! Elasticsearch API without a spec file uses OpenSearch 1.0's set (OpenSearch 1.0 is Elasticsearch
//! 7.10.2 with renames) for 5.x–7.x, and is not checked on 8.x; an API in no table is not checked.

#[rustfmt::skip]
mod tables;

use std::collections::BTreeSet;

use crate::error::{ApiError, ApiResult};
use crate::flavor::{Flavor, Product, Version};

/// A parameter with the OpenSearch versions that take it: (name, added, removed; `""`: none).
pub type Ranged = (&'static str, &'static str, &'static str);

/// Parameters every API takes (`_common.json` of the specs).
const GLOBAL: &[&str] = &["pretty", "human", "error_trace", "source", "filter_path"];

/// Elasticsearch parameters younger than the 7.17 spec's oldest version: (API, parameter, first
/// version that takes it). Older versions refuse them.
pub const ADDED_IN_ES: &[(&str, &str, Version)] = &[
    // RestIndicesAction: expand_wildcards and include_unloaded_segments arrived in 7.7.
    ("cat.indices", "expand_wildcards", Version::new(7, 7, 0)),
    (
        "cat.indices",
        "include_unloaded_segments",
        Version::new(7, 7, 0),
    ),
    ("search", "ccs_minimize_roundtrips", Version::new(7, 0, 0)),
    (
        "search",
        "min_compatible_shard_node",
        Version::new(7, 12, 0),
    ),
    ("reindex", "max_docs", Version::new(7, 3, 0)),
];

/// The APIs that take `include_type_name` where it exists at all: Elasticsearch 6.7–7.x and
/// OpenSearch 1.x (the typeless transition; 8.x and OpenSearch 2.x removed it, 5.x and 6.0–6.6 never
/// had it). The OpenAPI document describes OpenSearch 2.x+, so it cannot list it.
const INCLUDE_TYPE_NAME: &[&str] = &[
    "indices.create",
    "indices.get",
    "indices.get_mapping",
    "indices.put_mapping",
    // RestPutIndexTemplateAction / RestGetIndexTemplateAction read it in 6.7–7.x too.
    "indices.put_template",
    "indices.get_template",
];

fn takes_include_type_name(product: &Product) -> bool {
    let v = product.version;
    match product.flavor {
        Flavor::Elasticsearch => v >= Version::new(6, 7, 0) && v.major < 8,
        Flavor::OpenSearch => v.major == 1,
    }
}

fn es_table(table: &[(&str, &[&str])], api: &str) -> Option<BTreeSet<String>> {
    table
        .iter()
        .find(|(a, _)| *a == api)
        .map(|(_, p)| p.iter().map(|s| (*s).to_string()).collect())
}

fn opensearch_set(api: &str, version: Version) -> Option<BTreeSet<String>> {
    let (_, params) = tables::OPENSEARCH.iter().find(|(a, _)| *a == api)?;
    let parse = |s: &str| s.parse::<Version>().ok();
    Some(
        params
            .iter()
            .filter(|(_, added, removed)| {
                parse(added).is_none_or(|a| a <= version)
                    && parse(removed).is_none_or(|r| version < r)
            })
            .map(|(p, _, _)| (*p).to_string())
            .collect(),
    )
}

/// The parameters an API takes on this product; `None`: not checked.
pub fn accepted(product: &Product, api: &str) -> Option<BTreeSet<String>> {
    let v = product.version;
    let mut set = match product.flavor {
        Flavor::OpenSearch => opensearch_set(api, v)?,
        Flavor::Elasticsearch if v.major >= 8 => es_table(tables::ES_8_19, api)?,
        Flavor::Elasticsearch => {
            let mut s = match es_table(tables::ES_7_17, api) {
                Some(s) => s,
                None => {
                    let mut s = opensearch_set(api, Version::new(1, 0, 0))?;
                    s.remove("cluster_manager_timeout");
                    s
                }
            };
            for (a, p, since) in ADDED_IN_ES {
                if *a == api && v < *since {
                    s.remove(*p);
                }
            }
            s
        }
    };
    if INCLUDE_TYPE_NAME.contains(&api) {
        if takes_include_type_name(product) {
            set.insert("include_type_name".into());
        } else {
            set.remove("include_type_name");
        }
    }
    set.extend(GLOBAL.iter().map(|s| (*s).to_string()));
    Some(set)
}

/// Lucene's normalised Levenshtein similarity, which Elasticsearch uses for suggestions.
fn similarity(a: &str, b: &str) -> f64 {
    strsim::normalized_levenshtein(a, b)
}

/// Refuses the parameters `api` does not take, in the server's words.
pub fn check<'a>(
    product: &Product,
    api: &str,
    raw_path: &str,
    names: impl Iterator<Item = &'a String>,
) -> ApiResult<()> {
    let Some(ok) = accepted(product, api) else {
        return Ok(());
    };
    let mut unknown: Vec<&String> = names.filter(|n| !ok.contains(n.as_str())).collect();
    if unknown.is_empty() {
        return Ok(());
    }
    unknown.sort();
    unknown.dedup();
    let parts: Vec<String> = unknown
        .iter()
        .map(|u| {
            let mut close: Vec<(f64, &String)> = ok
                .iter()
                .map(|k| (similarity(u, k), k))
                .filter(|(s, _)| *s > 0.7)
                .collect();
            close.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
            match close.as_slice() {
                [] => format!("[{u}]"),
                [(_, one)] => format!("[{u}] -> did you mean [{one}]?"),
                many => format!(
                    "[{u}] -> did you mean any of [{}]?",
                    many.iter()
                        .map(|(_, k)| k.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            }
        })
        .collect();
    let noun = if unknown.len() == 1 {
        "parameter"
    } else {
        "parameters"
    };
    Err(ApiError::illegal_argument(format!(
        "request [{raw_path}] contains unrecognized {noun}: {}",
        parts.join(", ")
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn product(flavor: Flavor, v: &str) -> Product {
        Product::new(flavor, v.parse().unwrap()).unwrap()
    }

    #[test]
    fn cat_indices_takes_expand_wildcards_from_7_7_only() {
        let p6 = product(Flavor::Elasticsearch, "6.8.23");
        let p7 = product(Flavor::Elasticsearch, "7.10.2");
        let names = ["expand_wildcards".to_string()];
        let e = check(&p6, "cat.indices", "/_cat/indices", names.iter()).unwrap_err();
        assert_eq!(
            e.reason,
            "request [/_cat/indices] contains unrecognized parameter: [expand_wildcards]"
        );
        assert!(check(&p7, "cat.indices", "/_cat/indices", names.iter()).is_ok());
    }

    #[test]
    fn the_spec_tables_and_the_engines_quirk_agree_on_cat_indices_expand_wildcards() {
        let names = ["expand_wildcards".to_string()];
        for (flavor, versions) in [
            (
                Flavor::Elasticsearch,
                &[
                    "5.6.16", "6.8.23", "7.0.0", "7.6.2", "7.7.0", "7.17.0", "8.11.0",
                ][..],
            ),
            (Flavor::OpenSearch, &["1.0.0", "1.3.0", "2.11.0"][..]),
        ] {
            for v in versions {
                let p = product(flavor, v);
                let taken = check(&p, "cat.indices", "/_cat/indices", names.iter()).is_ok();
                assert_eq!(taken, p.quirks().cat_indices_expand_wildcards(), "{p}");
            }
        }
    }

    #[test]
    fn a_near_miss_gets_a_suggestion() {
        let p = product(Flavor::OpenSearch, "2.11.0");
        let names = ["expand_wildcard".to_string()];
        let e = check(&p, "cat.indices", "/_cat/indices", names.iter()).unwrap_err();
        assert!(
            e.reason
                .ends_with("[expand_wildcard] -> did you mean [expand_wildcards]?"),
            "{}",
            e.reason
        );
    }
}
