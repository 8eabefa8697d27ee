//! Index settings: what is stripped, renamed or refused on the way to the destination. The result
//! is nested (`{"index": {...}}`), which every version accepts in create-index and template bodies.

mod analysis;
pub(crate) mod tree;

use serde_json::{Map, Value};

use crate::context::{Cx, shown};
use crate::finding::Ptr;
use crate::rules;
use tree::{Tree, get, leaves, remove, text};

/// What the settings are for: an index being created, or a template (which may omit the shard
/// count and so inherit the destination's default).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Purpose {
    Index,
    Template,
}

/// Private settings the server sets itself (relative to `index.`).
const PRIVATE: &[&str] = &[
    "creation_date",
    "creation_date_string",
    "uuid",
    "history.uuid",
    "provided_name",
    "verified_before_close",
    "version",
    "resize",
    "shrink",
    "routing.allocation.initial_recovery",
];

/// Elasticsearch-only settings OpenSearch refuses (relative to `index.`).
const XPACK: &[&str] = &[
    "xpack",
    "frozen",
    "search.throttled",
    "routing.allocation.include._tier_preference",
    "routing.allocation.require._tier_preference",
    "routing.allocation.include._tier",
    "routing.allocation.require._tier",
    "routing.allocation.exclude._tier",
];

/// Translates settings; `needs_knn` adds `index.knn: true` (an indexed `dense_vector` became a
/// `knn_vector`).
pub(crate) fn translate(
    cx: &mut Cx,
    input: &Value,
    base: &Ptr,
    purpose: Purpose,
    needs_knn: bool,
) -> Value {
    let Some(obj) = cx.object(input, base, "settings") else {
        return input.clone();
    };
    let mut tree = Tree::read(obj, base);
    if let Some(archived) = tree.root.shift_remove("archived") {
        let p = tree.ptr("archived");
        cx.warn(
            &rules::STRIP_ARCHIVED_SETTINGS,
            &p,
            format!(
                "removed archived settings {}: the source could no longer read them",
                shown(&archived)
            ),
        );
    }
    for key in tree
        .root
        .keys()
        .filter(|k| *k != "index")
        .cloned()
        .collect::<Vec<_>>()
    {
        // Only `index` and `archived` exist at the top after normalisation; anything else came
        // from a malformed key.
        tree.root.shift_remove(&key);
    }
    strip_prefixed(
        cx,
        &mut tree,
        "index.archived",
        &rules::STRIP_ARCHIVED_SETTINGS,
        true,
    );
    for key in PRIVATE {
        strip_prefixed(
            cx,
            &mut tree,
            &format!("index.{key}"),
            &rules::STRIP_PRIVATE_SETTINGS,
            false,
        );
    }
    strip_prefixed(
        cx,
        &mut tree,
        "index.blocks",
        &rules::STRIP_WRITE_BLOCKS,
        true,
    );
    if cx.on(&rules::XPACK_SETTINGS_ON_OPENSEARCH) {
        for key in XPACK {
            strip_prefixed(
                cx,
                &mut tree,
                &format!("index.{key}"),
                &rules::XPACK_SETTINGS_ON_OPENSEARCH,
                true,
            );
        }
    }
    if !cx.opt.keep_allocation {
        for kind in ["require", "include", "exclude"] {
            strip_prefixed(
                cx,
                &mut tree,
                &format!("index.routing.allocation.{kind}"),
                &rules::STRIP_ROUTING_ALLOCATION,
                false,
            );
        }
    }
    if cx.on(&rules::LIFECYCLE_SETTINGS_ON_OPENSEARCH) {
        lifecycle(cx, &mut tree);
    }
    if cx.on(&rules::INDEX_MODE) {
        for key in ["index.mode", "index.time_series", "index.routing_path"] {
            strip_prefixed(cx, &mut tree, key, &rules::INDEX_MODE, true);
        }
    }
    if cx.on(&rules::SETTINGS_REMOVED_IN_7) {
        for key in ["index.mapping.single_type", "index.mapper.dynamic"] {
            strip_prefixed(cx, &mut tree, key, &rules::SETTINGS_REMOVED_IN_7, false);
        }
    }
    if cx.on(&rules::REMOTE_STORE_SETTINGS) {
        strip_prefixed(
            cx,
            &mut tree,
            "index.remote_store",
            &rules::REMOTE_STORE_SETTINGS,
            true,
        );
    }
    if cx.on(&rules::SOFT_DELETES_REQUIRED)
        && let Some(v) = get(&tree.root, "index.soft_deletes.enabled")
        && text(v).as_deref() == Some("false")
    {
        let p = tree.ptr("index.soft_deletes.enabled");
        remove(&mut tree.root, "index.soft_deletes.enabled");
        cx.warn(
            &rules::SOFT_DELETES_REQUIRED,
            &p,
            format!(
                "removed `index.soft_deletes.enabled: false`: {} keeps soft deletes on",
                cx.dst
            ),
        );
    }
    if cx.on(&rules::SIMILARITY_CLASSIC) {
        similarity(cx, &mut tree);
    }
    analysis::translate(cx, &mut tree);
    if purpose == Purpose::Template
        && cx.on(&rules::DEFAULT_SHARDS_PINNED)
        && get(&tree.root, "index.number_of_shards").is_none()
    {
        tree.index_mut()
            .insert("number_of_shards".into(), Value::from("5"));
        cx.info(
            &rules::DEFAULT_SHARDS_PINNED,
            base,
            format!(
                "set `index.number_of_shards: 5`, the source's default ({} would make 1)",
                cx.dst
            ),
        );
    }
    if needs_knn && get(&tree.root, "index.knn").is_none() {
        tree.index_mut().insert("knn".into(), Value::Bool(true));
        cx.info(
            &rules::DENSE_VECTOR_TO_KNN_VECTOR,
            base,
            "set `index.knn: true` for the indexed `knn_vector` fields",
        );
    }
    if tree
        .root
        .get("index")
        .is_some_and(|v| v.as_object().is_some_and(Map::is_empty))
    {
        tree.root.shift_remove("index");
    }
    Value::Object(tree.root)
}

/// Translated settings (`{"index": {...}}`) as flat `index.*` keys, the form `GET
/// /{index}/_settings?flat_settings=true` answers and create-index accepts.
pub fn flatten(settings: &Value) -> Map<String, Value> {
    settings
        .as_object()
        .map(|obj| leaves(obj).into_iter().collect())
        .unwrap_or_default()
}

/// Removes `dotted` (a leaf or a whole subtree) with one finding per removed leaf.
fn strip_prefixed(
    cx: &mut Cx,
    tree: &mut Tree,
    dotted: &str,
    rule: &crate::rule::Rule,
    warn: bool,
) {
    let Some(value) = get(&tree.root, dotted).cloned() else {
        return;
    };
    let removed: Vec<(String, Value)> = match &value {
        Value::Object(inner) => leaves(inner)
            .into_iter()
            .map(|(k, v)| (format!("{dotted}.{k}"), v))
            .collect(),
        leaf => vec![(dotted.to_string(), leaf.clone())],
    };
    remove(&mut tree.root, dotted);
    for (key, v) in removed {
        let p = tree.ptr(&key);
        let message = format!(
            "removed `{key}: {}`",
            text(&v).unwrap_or_else(|| v.to_string())
        );
        if warn {
            cx.warn(rule, &p, message);
        } else {
            cx.info(rule, &p, message);
        }
    }
}

fn lifecycle(cx: &mut Cx, tree: &mut Tree) {
    let Some(Value::Object(lifecycle)) = get(&tree.root, "index.lifecycle").cloned() else {
        return;
    };
    remove(&mut tree.root, "index.lifecycle");
    for (key, v) in leaves(&lifecycle) {
        let dotted = format!("index.lifecycle.{key}");
        let p = tree.ptr(&dotted);
        if key == "rollover_alias" {
            let index = tree.index_mut();
            let plugins = index
                .entry("plugins")
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(plugins) = plugins {
                let ism = plugins
                    .entry("index_state_management")
                    .or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(ism) = ism {
                    ism.insert("rollover_alias".into(), v.clone());
                }
            }
            cx.info(
                &rules::LIFECYCLE_SETTINGS_ON_OPENSEARCH,
                &p,
                format!("`{dotted}` became `index.plugins.index_state_management.rollover_alias` for ISM's rollover"),
            );
        } else if key == "name" {
            cx.warn(
                &rules::LIFECYCLE_SETTINGS_ON_OPENSEARCH,
                &p,
                format!("removed `{dotted}: {}`: attach the translated ISM policy to this index (its `ism_template` or the add-policy API)", text(&v).unwrap_or_default()),
            );
        } else {
            cx.info(
                &rules::LIFECYCLE_SETTINGS_ON_OPENSEARCH,
                &p,
                format!("removed `{dotted}`: ILM's own state"),
            );
        }
    }
}

fn similarity(cx: &mut Cx, tree: &mut Tree) {
    let names: Vec<String> = match get(&tree.root, "index.similarity") {
        Some(Value::Object(m)) => m.keys().cloned().collect(),
        _ => return,
    };
    for name in names {
        let dotted = format!("index.similarity.{name}.type");
        if get(&tree.root, &dotted).and_then(Value::as_str) != Some("classic") {
            continue;
        }
        let p = tree.ptr(&dotted);
        if let Some(Value::Object(sim)) = tree
            .index_mut()
            .get_mut("similarity")
            .and_then(|s| s.get_mut(&name))
        {
            sim.insert("type".into(), Value::from("BM25"));
        }
        cx.warn(
            &rules::SIMILARITY_CLASSIC,
            &p,
            format!("similarity `{name}` changed from `classic` to `BM25`: scores differ"),
        );
    }
}
