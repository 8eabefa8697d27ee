//! Aliases: filters, routing, `is_write_index`, `is_hidden`. Filters are searched for queries the
//! destination removed.

use serde_json::{Map, Value};

use crate::context::Cx;
use crate::finding::Ptr;
use crate::rules;

/// Queries removed in 5.0 (`filtered`, `and`, `or`, `missing`; `not` is still a no-go in
/// filters) and, from ES 8 / OpenSearch 2, the `type` query.
fn removed_query(cx: &Cx, name: &str) -> bool {
    match name {
        "filtered" | "and" | "or" | "missing" | "not" => true,
        "type" => cx.dst.typeless_only(),
        _ => false,
    }
}

pub(crate) fn translate(cx: &mut Cx, input: &Value, base: &Ptr) -> Value {
    let Some(obj) = cx.object(input, base, "aliases by alias name") else {
        return input.clone();
    };
    let mut out = Map::new();
    for (name, def) in obj {
        let p = base.key(name);
        let Some(def) = def.as_object() else {
            cx.error(
                &rules::MALFORMED_OBJECT,
                &p,
                format!("alias `{name}` must be an object"),
            );
            out.insert(name.clone(), def.clone());
            continue;
        };
        let mut def = def.clone();
        if cx.on(&rules::ALIAS_WRITE_INDEX) {
            for key in ["is_write_index", "is_hidden"] {
                if let Some(v) = def.shift_remove(key) {
                    cx.warn(
                        &rules::ALIAS_WRITE_INDEX,
                        &p.key(key),
                        format!("removed `{key}: {v}` ({} does not have it)", cx.dst),
                    );
                }
            }
        }
        if let Some(filter) = def.get("filter") {
            scan(cx, filter, &p.key("filter"), name);
        }
        out.insert(name.clone(), Value::Object(def));
    }
    Value::Object(out)
}

fn scan(cx: &mut Cx, v: &Value, p: &Ptr, alias: &str) {
    match v {
        Value::Object(m) => {
            for (k, inner) in m {
                if removed_query(cx, k) {
                    cx.error(&rules::ALIAS_FILTER_QUERIES, &p.key(k), format!("alias `{alias}`: the `{k}` query does not exist on {}: rewrite the filter (`bool` with `filter`/`must_not`/`exists`{})", cx.dst, if k == "type" { ", or a field holding the type" } else { "" }));
                }
                scan(cx, inner, &p.key(k), alias);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                scan(cx, item, &p.index(i), alias);
            }
        }
        _ => {}
    }
}
