//! The task registry: long-running actions (reindex) with live status counters, results kept after
//! completion for `GET _tasks/<id>`, and throttling that `_rethrottle` can change while running.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Instant;

use serde_json::{Value, json};

/// Live counters of a reindex-like task.
#[derive(Debug, Default)]
pub struct Progress {
    /// Documents to process.
    pub total: AtomicU64,
    /// Created.
    pub created: AtomicU64,
    /// Updated.
    pub updated: AtomicU64,
    /// Deleted.
    pub deleted: AtomicU64,
    /// Batches.
    pub batches: AtomicU64,
    /// Version conflicts.
    pub version_conflicts: AtomicU64,
    /// Noops.
    pub noops: AtomicU64,
    /// Bulk retries.
    pub bulk_retries: AtomicU64,
    /// Search retries.
    pub search_retries: AtomicU64,
    /// Time spent throttled.
    pub throttled_millis: AtomicU64,
    /// `requests_per_second` as f64 bits (infinity = unthrottled).
    pub rps_bits: AtomicU64,
    /// Set by `_tasks/<id>/_cancel`.
    pub cancelled: AtomicBool,
    /// The slices' own counters when the task is sliced (`slices` in its status).
    pub slices: std::sync::Mutex<Vec<Arc<Progress>>>,
}

impl Progress {
    /// New counters with a throttle (`None`: unthrottled).
    pub fn new(rps: Option<f64>) -> Self {
        let p = Progress::default();
        p.set_rps(rps);
        p
    }

    /// Changes the throttle.
    pub fn set_rps(&self, rps: Option<f64>) {
        self.rps_bits
            .store(rps.unwrap_or(f64::INFINITY).to_bits(), Ordering::SeqCst);
    }

    /// The throttle (`None`: unthrottled).
    pub fn rps(&self) -> Option<f64> {
        let v = f64::from_bits(self.rps_bits.load(Ordering::SeqCst));
        if v.is_finite() { Some(v) } else { None }
    }

    fn g(a: &AtomicU64) -> u64 {
        a.load(Ordering::SeqCst)
    }

    /// Makes the task a sliced parent of these slices.
    pub fn set_slices(&self, slices: Vec<Arc<Progress>>) {
        if let Ok(mut s) = self.slices.lock() {
            *s = slices;
        }
    }

    /// The `slices` list of a sliced task's status (empty when not sliced).
    pub fn slice_statuses(&self) -> Vec<Value> {
        let slices = self.slices.lock().map(|s| s.clone()).unwrap_or_default();
        slices
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let mut v = s.counts();
                v["slice_id"] = json!(i);
                v
            })
            .collect()
    }

    /// The `status` object of `_tasks`.
    pub fn status(&self) -> Value {
        let mut v = self.counts();
        let slices = self.slice_statuses();
        if !slices.is_empty() {
            v["slices"] = Value::Array(slices);
        }
        v
    }

    fn counts(&self) -> Value {
        json!({
            "total": Self::g(&self.total),
            "updated": Self::g(&self.updated),
            "created": Self::g(&self.created),
            "deleted": Self::g(&self.deleted),
            "batches": Self::g(&self.batches),
            "version_conflicts": Self::g(&self.version_conflicts),
            "noops": Self::g(&self.noops),
            "retries": {"bulk": Self::g(&self.bulk_retries), "search": Self::g(&self.search_retries)},
            "throttled_millis": Self::g(&self.throttled_millis),
            "requests_per_second": self.rps().unwrap_or(-1.0),
            "throttled_until_millis": 0
        })
    }
}

/// One task.
#[derive(Debug)]
pub struct Task {
    /// Numeric id (the `<n>` of `<node>:<n>`).
    pub id: u64,
    /// Action name, e.g. `indices:data/write/reindex`.
    pub action: String,
    /// Description.
    pub description: String,
    /// Start, epoch millis.
    pub start_ms: i64,
    /// Start instant.
    pub started: Instant,
    /// Live counters.
    pub progress: Arc<Progress>,
    /// Final `response` (success) once done.
    pub response: Option<Value>,
    /// Final `error` once failed.
    pub error: Option<Value>,
    /// Request headers the task keeps (`X-Opaque-Id`), shown under `headers` by `_tasks`.
    pub headers: BTreeMap<String, String>,
}

impl Task {
    /// Whether finished.
    pub fn completed(&self) -> bool {
        self.response.is_some() || self.error.is_some()
    }

    /// The `task` object.
    pub fn info(&self, node_id: &str, detailed: bool) -> Value {
        let mut v = json!({
            "node": node_id,
            "id": self.id,
            "type": "transport",
            "action": self.action,
            "status": self.progress.status(),
            "start_time_in_millis": self.start_ms,
            "running_time_in_nanos": self.started.elapsed().as_nanos() as u64,
            "cancellable": true,
            "cancelled": self.progress.cancelled.load(Ordering::SeqCst),
            "headers": self.headers
        });
        if detailed && let Value::Object(m) = &mut v {
            m.insert("description".into(), json!(self.description));
        }
        v
    }
}

/// All tasks of a node.
#[derive(Debug, Default)]
pub struct TaskRegistry {
    next: u64,
    /// Tasks by numeric id.
    pub tasks: BTreeMap<u64, Task>,
}

impl TaskRegistry {
    /// The id the next task will get (a transient task such as a `_tasks` listing shows it).
    pub fn peek_next(&self) -> u64 {
        self.next + 1
    }

    /// Registers a running task and returns its id and counters.
    pub fn start(
        &mut self,
        action: &str,
        description: String,
        rps: Option<f64>,
    ) -> (u64, Arc<Progress>) {
        self.next += 1;
        let progress = Arc::new(Progress::new(rps));
        let start_ms = (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64;
        self.tasks.insert(
            self.next,
            Task {
                id: self.next,
                action: action.to_string(),
                description,
                start_ms,
                started: Instant::now(),
                progress: progress.clone(),
                response: None,
                error: None,
                headers: BTreeMap::new(),
            },
        );
        (self.next, progress)
    }

    /// Keeps request headers on a task (real clusters keep `X-Opaque-Id`).
    pub fn set_headers(&mut self, id: u64, headers: BTreeMap<String, String>) {
        if let Some(t) = self.tasks.get_mut(&id) {
            t.headers = headers;
        }
    }

    /// Records the outcome.
    pub fn finish(&mut self, id: u64, result: Result<Value, Value>) {
        if let Some(t) = self.tasks.get_mut(&id) {
            match result {
                Ok(r) => t.response = Some(r),
                Err(e) => t.error = Some(e),
            }
        }
    }
}
