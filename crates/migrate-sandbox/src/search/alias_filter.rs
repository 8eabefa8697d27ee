//! Filtered aliases: a search through an alias with a `filter` sees only the documents the filter
//! matches, index by index; an index also reached by its own name, a wildcard on index names or an
//! alias without a filter is searched whole (as the servers combine alias filters with `should`).

use std::collections::HashMap;

use serde_json::Value;

use super::query::Query;
use crate::error::ApiResult;
use crate::model::Cluster;
use crate::names::glob;

/// Per concrete index, the filter a search expression applies (absent: no filter).
pub fn alias_filters(c: &Cluster, expr: &str) -> ApiResult<HashMap<String, Query>> {
    let mut filters: HashMap<String, Vec<Query>> = HashMap::new();
    let mut whole: Vec<String> = Vec::new();
    for item in expr.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        if item.starts_with('-') {
            continue;
        }
        for (name, index) in &c.indices {
            if item == "_all" || glob(item, name) {
                whole.push(name.clone());
                continue;
            }
            for (alias, meta) in &index.aliases {
                if !glob(item, alias) {
                    continue;
                }
                match meta.get("filter") {
                    Some(f) if !f.is_null() => filters
                        .entry(name.clone())
                        .or_default()
                        .push(Query::parse(f)?),
                    _ => whole.push(name.clone()),
                }
            }
        }
    }
    Ok(filters
        .into_iter()
        .filter(|(name, _)| !whole.contains(name))
        .map(|(name, mut qs)| {
            let q = if qs.len() == 1 {
                qs.remove(0)
            } else {
                Query::Bool {
                    must: vec![],
                    filter: vec![],
                    must_not: vec![],
                    should: qs,
                    minimum_should_match: 1,
                }
            };
            (name, q)
        })
        .collect())
}

/// Whether a stored filter value is usable (for `_cat/aliases` and validation).
pub fn has_filter(meta: &Value) -> bool {
    meta.get("filter").is_some_and(|f| !f.is_null())
}
