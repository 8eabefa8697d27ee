//! Lifecycle policies: an Elasticsearch ILM policy becomes an OpenSearch ISM policy — one state
//! per phase, in phase order, each moving to the next when the next phase's `min_age` is reached.
//! [`ACTIONS`] is the action mapping (the docs table is generated from it); actions with no ISM
//! equivalent are refused with their reason.

use serde_json::{Map, Value, json};

use crate::context::Cx;
use crate::finding::Ptr;
use crate::rules;

/// ILM phases in the order an index goes through them.
pub const PHASES: &[&str] = &["hot", "warm", "cold", "frozen", "delete"];

/// The ILM → ISM action mapping: (ILM action, ISM action or `None`, how / why not).
pub const ACTIONS: &[(&str, Option<&str>, &str)] = &[
    (
        "rollover",
        Some("rollover"),
        "`max_age` → `min_index_age`, `max_docs` → `min_doc_count`, `max_size` → `min_size`, `max_primary_shard_size` → `min_primary_shard_size` (OpenSearch 2.4+); ILM's `min_*` conditions (all must hold) have no ISM form and are refused",
    ),
    (
        "forcemerge",
        Some("force_merge"),
        "`max_num_segments` kept; `index_codec` dropped with a warning",
    ),
    (
        "shrink",
        Some("shrink"),
        "`number_of_shards` → `num_new_shards`, `max_primary_shard_size` → `max_shard_size`",
    ),
    ("readonly", Some("read_only"), "no parameters"),
    ("set_priority", Some("index_priority"), "`priority` kept"),
    (
        "allocate",
        Some("replica_count + allocation"),
        "`number_of_replicas` → `replica_count`; `include`/`exclude`/`require` → `allocation` (`wait_for: false`); `total_shards_per_node` dropped with a warning",
    ),
    (
        "delete",
        Some("delete"),
        "`delete_searchable_snapshot` has no meaning without searchable snapshots",
    ),
    (
        "unfollow",
        None,
        "cross-cluster replication bookkeeping; a no-op on an index that is not a follower, dropped with a note",
    ),
    (
        "migrate",
        None,
        "data tiers do not exist in OpenSearch: `enabled: false` is dropped, otherwise refused (allocate by node attribute instead)",
    ),
    (
        "searchable_snapshot",
        None,
        "refused: OpenSearch's searchable snapshots are not an ISM action",
    ),
    ("freeze", None, "refused: OpenSearch has no frozen indexes"),
    (
        "downsample",
        None,
        "refused: OpenSearch has no downsampling of time-series indexes",
    ),
    (
        "wait_for_snapshot",
        None,
        "refused: ISM has no action that waits for an SLM policy's snapshot",
    ),
];

pub(crate) fn translate(cx: &mut Cx, input: &Value, base: &Ptr) -> Value {
    let Some(obj) = cx.object(input, base, "a lifecycle policy") else {
        return input.clone();
    };
    let (policy, pp) = match obj.get("policy") {
        Some(Value::Object(p)) => (p, base.key("policy")),
        _ => (obj, base.clone()),
    };
    let is_ilm = policy.contains_key("phases");
    if !is_ilm {
        if !cx.src.is_opensearch() {
            cx.error(
                &rules::MALFORMED_OBJECT,
                &pp,
                "an Elasticsearch lifecycle policy needs `phases`",
            );
        }
        return input.clone();
    }
    if !cx.on(&rules::ILM_TO_ISM) {
        return input.clone();
    }
    let Some(phases) = policy.get("phases").and_then(Value::as_object) else {
        cx.error(
            &rules::MALFORMED_OBJECT,
            &pp.key("phases"),
            "`phases` must be an object",
        );
        return input.clone();
    };
    let php = pp.key("phases");
    for name in phases.keys().filter(|n| !PHASES.contains(&n.as_str())) {
        cx.error(
            &rules::ILM_ACTION_UNSUPPORTED,
            &php.key(name),
            format!("unknown ILM phase `{name}`"),
        );
    }
    let present: Vec<&str> = PHASES
        .iter()
        .copied()
        .filter(|p| phases.contains_key(*p))
        .collect();
    let has_rollover = phases
        .values()
        .any(|p| p.get("actions").and_then(|a| a.get("rollover")).is_some());
    let mut states = Vec::new();
    for (i, name) in present.iter().enumerate() {
        let phase = &phases[*name];
        let p = php.key(name);
        let actions = phase
            .get("actions")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let mut ism_actions = Vec::new();
        for (action, config) in &actions {
            ism_actions.extend(action_of(cx, action, config, &p.key("actions").key(action)));
        }
        if matches!(*name, "warm" | "cold")
            && !actions.contains_key("allocate")
            && !actions.contains_key("migrate")
        {
            cx.warn(&rules::ILM_TO_ISM, &p, format!("ILM moves indexes to the `data_{name}` tier in the {name} phase by itself; ISM will not: add an `allocation` action if the destination has such nodes"));
        }
        let mut transitions = Vec::new();
        if let Some(next) = present.get(i + 1) {
            let min_age = phases[*next]
                .get("min_age")
                .and_then(Value::as_str)
                .unwrap_or("0ms");
            transitions.push(json!({"state_name": next, "conditions": {"min_index_age": min_age}}));
            if has_rollover && min_age != "0ms" {
                cx.warn(&rules::ILM_TO_ISM, &php.key(next).key("min_age"), format!("`min_age: {min_age}` counted from rollover in ILM; the ISM transition counts `min_index_age` from index creation"));
            }
        }
        states.push(json!({"name": name, "actions": ism_actions, "transitions": transitions}));
    }
    let Some(first) = present.first() else {
        cx.error(
            &rules::ILM_ACTION_UNSUPPORTED,
            &php,
            "the policy has no phase to translate",
        );
        return input.clone();
    };
    cx.info(
        &rules::ILM_TO_ISM,
        &pp,
        format!(
            "ILM phases {} became ISM states with `default_state: {first}`",
            present
                .iter()
                .map(|p| format!("`{p}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    );
    cx.warn(&rules::ILM_TO_ISM, &pp, "ILM attached this policy through `index.lifecycle.name`; in ISM add an `ism_template` with the index patterns of the templates that named it (or use the add-policy API)");
    let mut description = "Translated from an Elasticsearch ILM policy by migrate".to_string();
    if let Some(meta) = policy
        .get("_meta")
        .and_then(|m| m.get("description"))
        .and_then(Value::as_str)
    {
        description = format!("{meta} ({description})");
    }
    json!({"policy": {"description": description, "default_state": first, "states": states}})
}

fn action_of(cx: &mut Cx, action: &str, config: &Value, p: &Ptr) -> Vec<Value> {
    let c = config.as_object().cloned().unwrap_or_default();
    let refuse = |cx: &mut Cx, why: &str| {
        cx.error(
            &rules::ILM_ACTION_UNSUPPORTED,
            p,
            format!("ILM action `{action}` has no ISM equivalent: {why}"),
        );
        Vec::new()
    };
    match action {
        "rollover" => rollover(cx, &c, p),
        "forcemerge" => {
            if let Some(codec) = c.get("index_codec") {
                cx.warn(&rules::ILM_TO_ISM, &p.key("index_codec"), format!("dropped `index_codec: {codec}`: ISM's force_merge does not change the codec"));
            }
            vec![
                json!({"force_merge": {"max_num_segments": c.get("max_num_segments").cloned().unwrap_or(json!(1))}}),
            ]
        }
        "shrink" => {
            let mut s = Map::new();
            if let Some(n) = c.get("number_of_shards") {
                s.insert("num_new_shards".into(), n.clone());
            }
            if let Some(n) = c.get("max_primary_shard_size") {
                s.insert("max_shard_size".into(), n.clone());
            }
            vec![json!({"shrink": s})]
        }
        "readonly" => vec![json!({"read_only": {}})],
        "set_priority" => vec![
            json!({"index_priority": {"priority": c.get("priority").cloned().unwrap_or(Value::Null)}}),
        ],
        "allocate" => {
            let mut out = Vec::new();
            if let Some(n) = c.get("number_of_replicas") {
                out.push(json!({"replica_count": {"number_of_replicas": n}}));
            }
            let mut alloc = Map::new();
            for k in ["require", "include", "exclude"] {
                if let Some(v) = c.get(k) {
                    alloc.insert(k.into(), v.clone());
                }
            }
            if !alloc.is_empty() {
                alloc.insert("wait_for".into(), Value::Bool(false));
                out.push(json!({"allocation": alloc}));
            }
            if let Some(t) = c.get("total_shards_per_node") {
                cx.warn(&rules::ILM_TO_ISM, &p.key("total_shards_per_node"), format!("dropped `total_shards_per_node: {t}`: ISM's allocation action does not set it"));
            }
            out
        }
        "delete" => vec![json!({"delete": {}})],
        "unfollow" => {
            cx.info(
                &rules::ILM_TO_ISM,
                p,
                "dropped `unfollow`: a no-op for an index that is not a cross-cluster follower",
            );
            Vec::new()
        }
        "migrate" if c.get("enabled").and_then(Value::as_bool) == Some(false) => {
            cx.info(
                &rules::ILM_TO_ISM,
                p,
                "dropped `migrate: {enabled: false}` (ISM never migrates by itself)",
            );
            Vec::new()
        }
        _ => match ACTIONS.iter().find(|(a, _, _)| *a == action) {
            Some((_, _, why)) => refuse(cx, why),
            None => refuse(cx, "unknown action"),
        },
    }
}

fn rollover(cx: &mut Cx, c: &Map<String, Value>, p: &Ptr) -> Vec<Value> {
    let mut r = Map::new();
    for (ilm, ism) in [
        ("max_age", "min_index_age"),
        ("max_docs", "min_doc_count"),
        ("max_size", "min_size"),
    ] {
        if let Some(v) = c.get(ilm) {
            r.insert(ism.into(), v.clone());
        }
    }
    if let Some(v) = c.get("max_primary_shard_size") {
        if cx.dst.os_at_least(2, 4) {
            r.insert("min_primary_shard_size".into(), v.clone());
        } else {
            cx.error(&rules::ILM_ACTION_UNSUPPORTED, &p.key("max_primary_shard_size"), format!("`max_primary_shard_size` needs ISM's `min_primary_shard_size` (OpenSearch 2.4+), not on {}", cx.dst));
        }
    }
    for k in c
        .keys()
        .filter(|k| k.starts_with("min_") || *k == "max_primary_shard_docs")
    {
        cx.error(&rules::ILM_ACTION_UNSUPPORTED, &p.key(k), format!("rollover condition `{k}` has no ISM equivalent (ISM rolls over when any condition holds)"));
    }
    cx.info(&rules::ILM_TO_ISM, p, "ISM's rollover needs `index.plugins.index_state_management.rollover_alias` on the write index (the settings translation sets it from `index.lifecycle.rollover_alias`)");
    vec![json!({"rollover": r})]
}
