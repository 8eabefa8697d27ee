//! The `.tasks` system index: where a finished `wait_for_completion=false` task leaves its result,
//! as real clusters do (ES 5.0+ and OpenSearch, `TaskResultsService`).
//!
//! One document per task, id `<node>:<n>`, type `task` where types exist, source
//! `{"completed": true, "task": {node, id, type, action, status, description, start_time_in_millis,
//! running_time_in_nanos, cancellable, headers}, "response": {...}}` or `"error"` instead of
//! `"response"`. The index is created on the first stored result with the real mapping: `dynamic:
//! strict`, `task.action` a keyword, `task.start_time_in_millis` a long, and `task.status`,
//! `task.headers`, `response` and `error` objects with `enabled: false` (kept in `_source`, not
//! searchable). ES 5.x keeps no task headers, so its documents have none.
//!
//! Visibility, as on real clusters: ES 8.x leaves system indexes out of wildcard expansion unless the
//! pattern starts with `.`; ES 6.x/7.x and OpenSearch expand `*` to them. ES 7.11+ (7.10 warned only
//! in snapshot builds), 8.x and OpenSearch answer a request that names a system index with a
//! `Warning` header ([`access_warning`]).

use serde_json::{Value, json};

use crate::flavor::{Flavor, Product, TypeMode, Version};
use crate::model::Cluster;
use crate::state::Shared;
use crate::write::{DocWrite, create_index, index_doc};

/// The index name.
pub use crate::names::TASK_INDEX;

/// The `.tasks` mapping of ES 6.x–8.x and OpenSearch (`_meta.version` 3).
pub fn mapping() -> Value {
    let off = json!({"type": "object", "enabled": false});
    json!({
        "_meta": {"version": 3},
        "dynamic": "strict",
        "properties": {
            "completed": {"type": "boolean"},
            "task": {"properties": {
                "action": {"type": "keyword"},
                "cancellable": {"type": "boolean"},
                "id": {"type": "long"},
                "parent_task_id": {"type": "keyword"},
                "node": {"type": "keyword"},
                "running_time_in_nanos": {"type": "long"},
                "start_time_in_millis": {"type": "long"},
                "type": {"type": "keyword"},
                "status": off.clone(),
                "description": {"type": "text"},
                "headers": off.clone()
            }},
            "response": off.clone(),
            "error": off
        }
    })
}

/// Whether wildcard expansion leaves system indexes out (ES 8+), unless the pattern starts with `.`.
pub fn hides_system(product: &Product) -> bool {
    product.flavor == Flavor::Elasticsearch && product.version.major >= 8
}

/// The `.tasks` document of task `id` ending with `result` (`Ok`: the response, `Err`: the error);
/// `None` when the task is unknown.
pub fn document(shared: &Shared, id: u64, result: &Result<Value, Value>) -> Option<Value> {
    let tasks = shared.tasks();
    let t = tasks.tasks.get(&id)?;
    let mut info = t.info(&shared.node_id, true);
    if let Value::Object(m) = &mut info {
        m.remove("cancelled");
        if !shared.product.task_headers() {
            m.remove("headers");
        }
    }
    let mut doc = json!({"completed": true, "task": info});
    match result {
        Ok(r) => doc["response"] = r.clone(),
        Err(e) => doc["error"] = e.clone(),
    }
    Some(doc)
}

/// Stores the result of task `id` in `.tasks`, creating the index first when absent. Called before
/// the registry marks the task finished, so the task is always either running or stored. A failure
/// to store is logged and otherwise ignored, as real clusters only log it.
pub fn store(shared: &Shared, id: u64, result: &Result<Value, Value>) {
    let Some(doc) = document(shared, id, result) else {
        return;
    };
    let product = shared.product;
    let typed = matches!(product.type_mode(), TypeMode::Multi | TypeMode::Single);
    let mut c = shared.cluster();
    if let Err(e) = ensure_index(&mut c, &product, typed) {
        tracing::warn!(error = %e.reason, "sandbox: could not create .tasks");
        return;
    }
    let w = DocWrite {
        index: TASK_INDEX,
        ty: typed.then_some("task"),
        id: Some(format!("{}:{id}", shared.node_id)),
        source: bytes::Bytes::from(serde_json::to_vec(&doc).unwrap_or_default()),
        create_only: false,
        if_seq_no: None,
    };
    if let Err(e) = index_doc(&mut c, &product, w) {
        tracing::warn!(error = %e.reason, "sandbox: could not store a task result in .tasks");
    }
}

fn ensure_index(c: &mut Cluster, product: &Product, typed: bool) -> crate::error::ApiResult<()> {
    if c.indices.contains_key(TASK_INDEX) {
        return Ok(());
    }
    let mappings = if typed {
        json!({"task": mapping()})
    } else {
        mapping()
    };
    let body = json!({
        "settings": {"index": {"number_of_shards": 1, "auto_expand_replicas": "0-1", "priority": i32::MAX}},
        "mappings": mappings
    });
    create_index(c, product, TASK_INDEX, Some(&body), false).map(drop)
}

/// The `Warning` header value for a request whose path names a system index that exists, on the
/// versions that warn (see the module docs); `None` otherwise.
pub fn access_warning(product: &Product, cluster: &Cluster, path: &str) -> Option<String> {
    let warns = match product.flavor {
        Flavor::Elasticsearch => product.version >= Version::new(7, 11, 0),
        Flavor::OpenSearch => true,
    };
    if !warns {
        return None;
    }
    let mut segments = path.trim_start_matches('/').split('/');
    let target = segments.next()?;
    if target.is_empty() || target.starts_with('_') {
        return None;
    }
    // APIs that read system indexes as an implementation detail do not warn.
    if matches!(
        segments.next(),
        Some("_recovery" | "_stats" | "_segments" | "_shard_stores")
    ) {
        return None;
    }
    let named: Vec<&str> = cluster
        .indices
        .keys()
        .map(String::as_str)
        .filter(|n| crate::names::is_system(n))
        .filter(|n| {
            target
                .split(',')
                .any(|item| *n == item || (item.starts_with('.') && crate::names::glob(item, n)))
        })
        .collect();
    if named.is_empty() {
        return None;
    }
    Some(product.warning_header(&format!(
        "this request accesses system indices: [{}], but in a future major version, direct access to system indices will be prevented by default",
        named.join(", ")
    )))
}
