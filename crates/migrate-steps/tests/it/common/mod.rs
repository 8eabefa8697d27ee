//! Test-only: a tiny sequential driver for a compiled plan (topological order, handles and outputs
//! kept in memory, retryable errors retried), sandbox starters, document seeding and blueprints.
//! The real executor lives in migrate-exec; this exists so the steps can be tested without it.

#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use migrate_exec::{HandleSink, Outcome, ProgressSink, Runner, StepCtx, StepError, StepProgress};
use migrate_graph::blueprint::*;
use migrate_graph::{StepGraph, compile_blueprint};
use migrate_sandbox::{Flavor, RunningSandbox, Sandbox};
use migrate_steps::{Backoff, Env, EnvOptions, PlanRunner};
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

/// Called after a handle is stored.
pub type Hook = Box<dyn Fn(&str, &Value) + Send + Sync>;

/// Decides whether a handle fails to be stored (true: the process "dies" before it is durable).
pub type Refuse = Box<dyn Fn(&str, &Value) -> bool + Send + Sync>;

/// Handles kept in memory; `on_record` runs after each one is stored (tests use it to interrupt);
/// a handle `refuse` says yes to is not stored and the record fails.
#[derive(Default)]
pub struct MemHandles {
    pub map: Mutex<BTreeMap<String, Value>>,
    pub on_record: Mutex<Option<Hook>>,
    pub refuse: Mutex<Option<Refuse>>,
}

#[async_trait]
impl HandleSink for MemHandles {
    async fn record_handle(&self, step_id: &str, handle: Value) -> Result<(), String> {
        if let Some(refuse) = self.refuse.lock().unwrap().as_ref()
            && refuse(step_id, &handle)
        {
            return Err("the process died before the handle was stored".into());
        }
        self.map
            .lock()
            .unwrap()
            .insert(step_id.to_owned(), handle.clone());
        if let Some(hook) = self.on_record.lock().unwrap().as_ref() {
            hook(step_id, &handle);
        }
        Ok(())
    }
}

/// Called after a progress report is stored.
pub type ReportHook = Box<dyn Fn(&str, &StepProgress) + Send + Sync>;

/// Every progress report, in order; `on_report` runs after each (tests use it to interrupt).
#[derive(Default)]
pub struct Reports(
    pub Mutex<Vec<(String, StepProgress)>>,
    pub Mutex<Option<ReportHook>>,
);

impl ProgressSink for Reports {
    fn report(&self, step_id: &str, progress: StepProgress) {
        self.0
            .lock()
            .unwrap()
            .push((step_id.to_owned(), progress.clone()));
        if let Some(hook) = self.1.lock().unwrap().as_ref() {
            hook(step_id, &progress);
        }
    }
}

/// How a `run_all` ended.
#[derive(Debug)]
pub enum End {
    Finished,
    Blocked { step: String, message: String },
}

pub struct Driver {
    pub graph: Arc<StepGraph>,
    pub runner: PlanRunner,
    pub handles: Arc<MemHandles>,
    pub progress: Arc<Reports>,
    pub outputs: BTreeMap<String, Value>,
    pub attempts: BTreeMap<String, u32>,
    /// Every error an attempt answered, retried or not.
    pub errors: Vec<(String, StepError)>,
    pub max_attempts: u32,
}

pub fn test_options() -> EnvOptions {
    EnvOptions {
        backoff: Backoff {
            initial: Duration::from_millis(5),
            max: Duration::from_millis(100),
        },
        watermark_overlap: Duration::from_millis(0),
        health_wait: Duration::from_secs(2),
        sample_seed: Some(7),
        ..EnvOptions::default()
    }
}

impl Driver {
    pub async fn new(bp: &Blueprint) -> Driver {
        Self::with_options(bp, &test_options()).await
    }

    pub async fn with_options(bp: &Blueprint, options: &EnvOptions) -> Driver {
        let graph = Arc::new(compile_blueprint(bp).expect("plan compiles"));
        let env = Env::from_blueprint(bp, options).await.expect("env");
        Driver {
            runner: PlanRunner::new(Arc::clone(&graph), env),
            graph,
            handles: Arc::default(),
            progress: Arc::default(),
            outputs: BTreeMap::new(),
            attempts: BTreeMap::new(),
            errors: Vec::new(),
            max_attempts: 40,
        }
    }

    /// The same plan recompiled from `bp` (e.g. now approved), keeping outputs and handles: what
    /// a resumed run sees in its state.
    pub async fn resume(self, bp: &Blueprint) -> Driver {
        let mut d = Driver::new(bp).await;
        d.outputs = self.outputs;
        d.handles = self.handles;
        d.attempts = self.attempts;
        d
    }

    fn node(&self, id: &str) -> usize {
        self.graph
            .node(id)
            .unwrap_or_else(|| panic!("no step `{id}`"))
            .index()
    }

    /// One attempt of one step, with the recorded handle and the given cancellation token.
    pub async fn attempt(
        &mut self,
        id: &str,
        cancel: CancellationToken,
    ) -> Result<Outcome, StepError> {
        let n = self.attempts.entry(id.to_owned()).or_insert(0);
        *n += 1;
        let handle = self.handles.map.lock().unwrap().get(id).cloned();
        let mut ctx = StepCtx::new(
            id,
            *n,
            handle,
            Arc::new(self.outputs.clone()),
            self.handles.clone(),
            self.progress.clone(),
            cancel,
        );
        let node = self.node(id);
        let r = self.runner.run(node, &mut ctx).await;
        match &r {
            Ok(Outcome::Done { outputs }) => {
                self.outputs.insert(id.to_owned(), outputs.clone());
            }
            Ok(Outcome::Blocked { .. }) => {}
            Err(e) => self.errors.push((id.to_owned(), e.clone())),
        }
        r
    }

    /// One attempt of `id` that must end `Done`; its outputs.
    pub async fn attempt_done(&mut self, id: &str) -> Value {
        match self.attempt(id, CancellationToken::new()).await {
            Ok(Outcome::Done { outputs }) => outputs,
            other => panic!("`{id}`: {other:?}"),
        }
    }

    /// Runs one step, retrying retryable errors.
    pub async fn step(&mut self, id: &str) -> Result<Outcome, StepError> {
        let mut wait = Duration::from_millis(5);
        for _ in 0..self.max_attempts {
            match self.attempt(id, CancellationToken::new()).await {
                Err(e) if e.retryable => {
                    tokio::time::sleep(wait).await;
                    wait = (wait * 2).min(Duration::from_millis(200));
                }
                other => return other,
            }
        }
        Err(StepError::permanent(format!(
            "`{id}`: gave up after {} attempts",
            self.max_attempts
        )))
    }

    /// Runs every step not done yet, in topological order, up to and including `last` (all when
    /// `None`). Stops at a blocked step or a permanent error.
    pub async fn run_until(&mut self, last: Option<&str>) -> Result<End, (String, StepError)> {
        let ids: Vec<String> = self.graph.steps().map(|s| s.id.to_string()).collect();
        for id in ids {
            if !self.outputs.contains_key(&id) {
                match self.step(&id).await {
                    Ok(Outcome::Done { .. }) => {}
                    Ok(Outcome::Blocked { message }) => {
                        return Ok(End::Blocked { step: id, message });
                    }
                    Err(e) => return Err((id, e)),
                }
            }
            if last == Some(id.as_str()) {
                break;
            }
        }
        Ok(End::Finished)
    }

    pub async fn run_all(&mut self) -> Result<End, (String, StepError)> {
        self.run_until(None).await
    }

    pub fn output(&self, id: &str) -> &Value {
        self.outputs
            .get(id)
            .unwrap_or_else(|| panic!("`{id}` has no outputs"))
    }
}

pub async fn sandbox(flavor: Flavor, version: &str) -> RunningSandbox {
    Sandbox::builder()
        .flavor(flavor)
        .version(version)
        .start()
        .await
        .expect("sandbox")
}

pub async fn sandbox_allowing(
    flavor: Flavor,
    version: &str,
    source: &RunningSandbox,
) -> RunningSandbox {
    Sandbox::builder()
        .flavor(flavor)
        .version(version)
        .remote_allowlist([source.host_port()])
        .start()
        .await
        .expect("sandbox")
}

pub fn http() -> reqwest::Client {
    reqwest::Client::new()
}

/// `PUT /{index}` with a body.
pub async fn create_index(url: &str, index: &str, body: Value) {
    let r = http()
        .put(format!("{url}/{index}"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(
        r.status().is_success(),
        "create {index}: {}",
        r.text().await.unwrap()
    );
}

/// Bulk-indexes `docs` (`(id, source)`) into `index` (with a type on 5.x/6.x when given), refreshed.
pub async fn bulk(url: &str, index: &str, ty: Option<&str>, docs: &[(String, Value)]) {
    let mut body = String::new();
    for (id, src) in docs {
        let action = match ty {
            Some(t) => json!({"index": {"_index": index, "_type": t, "_id": id}}),
            None => json!({"index": {"_index": index, "_id": id}}),
        };
        body.push_str(&format!("{action}\n{src}\n"));
    }
    let r = http()
        .post(format!("{url}/_bulk?refresh=true"))
        .header("content-type", "application/x-ndjson")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = r.status();
    let v: Value = r.json().await.unwrap();
    assert!(
        status.is_success() && v["errors"] == json!(false),
        "bulk: {v}"
    );
}

/// `n` documents `{prefix}{i}` stamped `updated_at` (or without it when `None`).
pub fn docs(
    prefix: &str,
    range: std::ops::Range<usize>,
    updated_at: Option<&str>,
) -> Vec<(String, Value)> {
    range
        .map(|i| {
            let mut v = json!({"title": format!("{prefix} {i}"), "n": i});
            if let Some(t) = updated_at {
                v["updated_at"] = json!(t);
            }
            (format!("{prefix}{i}"), v)
        })
        .collect()
}

pub fn now_iso() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap()
}

pub async fn count(url: &str, index: &str) -> u64 {
    let _ = http()
        .post(format!("{url}/{index}/_refresh"))
        .send()
        .await
        .unwrap();
    let v: Value = http()
        .get(format!("{url}/{index}/_count"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    v["count"]
        .as_u64()
        .unwrap_or_else(|| panic!("count {index}: {v}"))
}

pub fn cluster(url: &str) -> Cluster {
    Cluster {
        url: url.to_owned(),
        auth: Auth::None,
        version: None,
    }
}

pub fn verify_all(sample: u32) -> Verify {
    Verify {
        level: "proof".into(),
        doc_count: true,
        health: Some("yellow".into()),
        recovery: true,
        sample,
    }
}

pub fn reindex_plan(
    src: &RunningSandbox,
    dst: &RunningSandbox,
    indexes: &[&str],
    update_field: Option<&str>,
    passes: u32,
    approved: bool,
) -> Blueprint {
    Blueprint {
        name: "reindex-test".into(),
        source: cluster(&src.url()),
        destination: cluster(&dst.url()),
        indexes: indexes.iter().map(|i| IndexSpec::same(*i)).collect(),
        strategy: Strategy::Reindex(ReindexStrategy {
            remote_host: src.url(),
            remote_auth: None,
            update_field: update_field.map(str::to_owned),
            update_field_unit: None,
            incremental_passes: passes,
            passes_until: None,
            reconcile_deletes: true,
            partitions: Vec::new(),
            batch_size: Some(50),
            requests_per_second: None,
            copy_settings: Default::default(),
        }),
        cutover: Cutover {
            approved,
            block_source_writes: true,
        },
        verify: verify_all(5),
        metadata: Vec::new(),
    }
}

pub fn fs_store(dir: &std::path::Path) -> Store {
    serde_json::from_value(json!({"fs": {"location": dir.display().to_string()}}))
        .expect("an fs store")
}

/// Mutating requests a sandbox answered, as `METHOD path`, bulk writes by the test excluded.
pub fn mutations(sb: &RunningSandbox) -> Vec<String> {
    sb.request_log()
        .mutating_requests()
        .iter()
        .filter(|r| !r.path.contains("_bulk"))
        .map(|r| format!("{} {}", r.method, r.path))
        .collect()
}

pub fn ids(set: &[&str]) -> BTreeSet<String> {
    set.iter().map(|s| (*s).to_owned()).collect()
}

/// Every act request the dry-run shows for `graph` on `side`, as `METHOD path?query`.
pub fn preview_acts(graph: &StepGraph, side: migrate_graph::Side) -> BTreeSet<String> {
    use migrate_graph::requests::{Redacted, Role, requests};
    graph
        .steps()
        .flat_map(|s| requests(&s.kind, &Redacted))
        .filter(|r| r.role == Role::Act && r.side == side)
        .map(|r| format!("{} {}", r.method, r.target()))
        .collect()
}

/// Mutating requests a sandbox answered with success, as `METHOD path?query`, the test's own
/// index creations and bulk writes excluded.
pub fn sent_acts(sb: &RunningSandbox, test_writes: &[&str]) -> BTreeSet<String> {
    sb.request_log()
        .mutating_requests()
        .iter()
        .filter(|r| (200..300).contains(&r.status) && !r.path.contains("_bulk"))
        .map(|r| {
            if r.query.is_empty() {
                format!("{} {}", r.method, r.path)
            } else {
                format!("{} {}?{}", r.method, r.path, r.query)
            }
        })
        .filter(|r| !test_writes.contains(&r.as_str()))
        .collect()
}
