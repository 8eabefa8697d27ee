//! What `_reindex` (started asynchronously) and the task APIs answer: the task id, its state
//! (running, completed with counters and failures, failed), and the list of running tasks.

use serde::Deserialize;
use serde_json::Value;

/// A task id, `node:number`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, Deserialize)]
#[serde(transparent)]
pub struct TaskId(pub String);

impl std::fmt::Display for TaskId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Bulk-by-scroll counters (`task.status` while running, `response` when done).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, serde::Serialize)]
#[serde(default)]
pub struct ReindexStatus {
    pub total: u64,
    pub created: u64,
    pub updated: u64,
    pub deleted: u64,
    pub batches: u64,
    pub version_conflicts: u64,
    pub noops: u64,
    pub throttled_millis: u64,
    pub requests_per_second: Option<f64>,
}

/// What `GET _tasks/{id}` says, normalised over the running and completed shapes.
#[derive(Debug, Clone, PartialEq)]
pub enum TaskState {
    Running {
        status: ReindexStatus,
    },
    /// Finished; `failures` lists per-document/search failures (non-empty means it failed).
    Completed {
        status: ReindexStatus,
        failures: Vec<Value>,
        timed_out: bool,
    },
    /// Finished with a task-level error (`{"error": {...}}`).
    Failed {
        error_type: Option<String>,
        reason: String,
    },
}

#[derive(Debug, Deserialize)]
struct RawTask {
    #[serde(default)]
    completed: bool,
    #[serde(default)]
    task: Option<RawTaskInfo>,
    #[serde(default)]
    response: Option<Value>,
    #[serde(default)]
    error: Option<Value>,
}

#[derive(Debug, Deserialize)]
struct RawTaskInfo {
    #[serde(default)]
    status: Option<ReindexStatus>,
}

/// Parse a `GET _tasks/{id}` body.
pub fn parse_task(body: &Value) -> Result<TaskState, String> {
    let raw: RawTask = serde_json::from_value(body.clone()).map_err(|e| e.to_string())?;
    let running_status = raw.task.and_then(|t| t.status).unwrap_or_default();
    if let Some(err) = raw.error {
        let error_type = err.get("type").and_then(Value::as_str).map(str::to_owned);
        let reason = err
            .get("reason")
            .and_then(Value::as_str)
            .unwrap_or("task failed")
            .to_owned();
        return Ok(TaskState::Failed { error_type, reason });
    }
    if !raw.completed {
        return Ok(TaskState::Running {
            status: running_status,
        });
    }
    let response = raw.response.unwrap_or(Value::Null);
    let status = serde_json::from_value(response.clone()).unwrap_or(running_status);
    let failures = response
        .get("failures")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let timed_out = response
        .get("timed_out")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    Ok(TaskState::Completed {
        status,
        failures,
        timed_out,
    })
}

/// A task seen in `GET _tasks?actions=...`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskSummary {
    pub id: TaskId,
    pub action: String,
    pub description: Option<String>,
    pub running_time_nanos: Option<u64>,
    /// The task's `X-Opaque-Id` header (ES 6.2+, OpenSearch), when the request carried one.
    pub opaque_id: Option<String>,
}

/// The task id a `POST _reindex?wait_for_completion=false` answered with.
pub fn started_task(body: &Value) -> Option<TaskId> {
    body.get("task")
        .and_then(Value::as_str)
        .map(|t| TaskId(t.to_owned()))
}

/// The tasks of a `GET _tasks?actions=...&detailed=true` body, sorted by id.
pub fn task_list(v: &Value) -> Vec<TaskSummary> {
    let mut out = Vec::new();
    if let Some(nodes) = v.get("nodes").and_then(Value::as_object) {
        for node in nodes.values() {
            if let Some(tasks) = node.get("tasks").and_then(Value::as_object) {
                for (id, t) in tasks {
                    out.push(TaskSummary {
                        id: TaskId(id.clone()),
                        action: t
                            .get("action")
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                            .to_owned(),
                        description: t
                            .get("description")
                            .and_then(Value::as_str)
                            .map(str::to_owned),
                        running_time_nanos: t.get("running_time_in_nanos").and_then(Value::as_u64),
                        opaque_id: t
                            .get("headers")
                            .and_then(Value::as_object)
                            .and_then(|h| {
                                h.iter()
                                    .find(|(k, _)| k.eq_ignore_ascii_case("x-opaque-id"))
                            })
                            .and_then(|(_, v)| v.as_str())
                            .map(str::to_owned),
                    });
                }
            }
        }
    }
    out.sort_by(|a, b| a.id.0.cmp(&b.id.0));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn running_and_completed_shapes() {
        let running = json!({"completed": false, "task": {"node": "n", "id": 5, "action": "indices:data/write/reindex",
            "status": {"total": 100, "created": 40, "updated": 0, "deleted": 0, "batches": 1, "version_conflicts": 0,
            "noops": 0, "retries": {"bulk": 0, "search": 0}, "throttled_millis": 0, "requests_per_second": -1.0}}});
        match parse_task(&running).unwrap() {
            TaskState::Running { status } => assert_eq!((status.total, status.created), (100, 40)),
            other => panic!("{other:?}"),
        }
        let done = json!({"completed": true, "task": {"status": {"total": 100, "created": 40}},
            "response": {"took": 5, "timed_out": false, "total": 100, "created": 100, "updated": 0, "deleted": 0,
            "batches": 1, "version_conflicts": 0, "noops": 0, "failures": []}});
        match parse_task(&done).unwrap() {
            TaskState::Completed {
                status,
                failures,
                timed_out,
            } => {
                assert_eq!(status.created, 100);
                assert!(failures.is_empty());
                assert!(!timed_out);
            }
            other => panic!("{other:?}"),
        }
        let failed = json!({"completed": true, "task": {}, "error": {"type": "illegal_argument_exception",
            "reason": "[h:9200] not whitelisted in reindex.remote.whitelist"}});
        assert_eq!(
            parse_task(&failed).unwrap(),
            TaskState::Failed {
                error_type: Some("illegal_argument_exception".into()),
                reason: "[h:9200] not whitelisted in reindex.remote.whitelist".into()
            }
        );
    }
}
