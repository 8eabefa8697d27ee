//! Shared by the end-to-end tests of `migrate apply`: sandbox clusters (or real ones from the
//! environment), seeding over HTTP, plan files, and running the `migrate` binary as a child.
//!
//! Real clusters: set `MIGRATE_E2E_SOURCE_URL` and `MIGRATE_E2E_DESTINATION_URL` (and, for reindex,
//! `MIGRATE_E2E_SOURCE_REMOTE_HOST`: the source as the destination's nodes reach it; for snapshots
//! `MIGRATE_E2E_SOURCE_REPO_DIR` / `MIGRATE_E2E_DESTINATION_REPO_DIR`: directories in each cluster's
//! `path.repo`, as seen by the clusters and by this machine). Assertions on what the servers received
//! need the sandboxes' request logs and are skipped against real clusters.

#![allow(dead_code)]

pub mod passes;
pub mod preview;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Mutex;

use migrate_sandbox::{Auth, Flavor, LoggedRequest, RunningSandbox, Sandbox};
use serde_json::{Value, json};

/// The `migrate` binary under test.
pub fn migrate() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_migrate"));
    c.env("NO_COLOR", "1").env_remove("RUST_LOG");
    c
}

/// Runs `migrate` with `args` in `dir` and returns its output.
pub fn run(dir: &Path, args: &[&str], envs: &[(&str, &str)]) -> Output {
    let mut c = migrate();
    c.current_dir(dir).args(args);
    for (k, v) in envs {
        c.env(k, v);
    }
    c.output().expect("run migrate")
}

pub fn text(out: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// One cluster: a sandbox started by the test, or a real one named by the environment.
pub struct Cluster {
    pub url: String,
    /// `host:port` as the other cluster reaches it.
    pub host_port: String,
    pub sandbox: Option<RunningSandbox>,
    /// A directory in this cluster's `path.repo`.
    pub repo_dir: Option<PathBuf>,
    /// The engine's requests logged before the test's own writes, which are left out.
    kept: Mutex<Vec<LoggedRequest>>,
}

impl Cluster {
    fn new(
        url: String,
        host_port: String,
        sandbox: Option<RunningSandbox>,
        repo_dir: Option<PathBuf>,
    ) -> Self {
        Cluster {
            url,
            host_port,
            sandbox,
            repo_dir,
            kept: Mutex::new(Vec::new()),
        }
    }

    /// Call before the test itself writes to the cluster (seeding): keeps what the engine sent
    /// so far and starts a fresh log, so the test's writes can be dropped by [`Self::test_writes_done`].
    pub fn test_writes_begin(&self) {
        if let Some(sb) = &self.sandbox {
            self.kept.lock().unwrap().extend(sb.request_log().entries());
            sb.request_log().clear();
        }
    }

    /// Drops the requests logged since [`Self::test_writes_begin`].
    pub fn test_writes_done(&self) {
        if let Some(sb) = &self.sandbox {
            sb.request_log().clear();
        }
    }

    /// Requests the engine sent (the test's own writes left out), `None` against a real cluster.
    pub fn log(&self) -> Option<Vec<LoggedRequest>> {
        self.sandbox.as_ref().map(|s| {
            let mut all = self.kept.lock().unwrap().clone();
            all.extend(s.request_log().entries());
            all
        })
    }

    /// The engine's mutating requests.
    pub fn mutating(&self) -> Option<Vec<LoggedRequest>> {
        self.log()
            .map(|l| l.into_iter().filter(|r| r.is_mutating()).collect())
    }

    /// How many logged requests match `method` and `path_pred`; `None` against a real cluster.
    pub fn count(&self, method: &str, path_pred: impl Fn(&str) -> bool) -> Option<usize> {
        self.log().map(|l| {
            l.iter()
                .filter(|r| r.method == method && path_pred(&r.path))
                .count()
        })
    }
}

/// Which pair of clusters a test wants when it runs on sandboxes.
pub struct Pair {
    pub source: (Flavor, &'static str),
    pub destination: (Flavor, &'static str),
    /// Basic auth required by the source sandbox.
    pub source_auth: Option<(&'static str, String)>,
    pub snapshot_dirs: bool,
}

fn from_env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// True when the end-to-end suite targets real clusters.
pub fn real_clusters() -> bool {
    from_env("MIGRATE_E2E_SOURCE_URL").is_some()
}

/// Starts the pair (or takes real clusters from the environment).
pub async fn clusters(pair: Pair, work: &Path) -> (Cluster, Cluster) {
    if let (Some(s), Some(d)) = (
        from_env("MIGRATE_E2E_SOURCE_URL"),
        from_env("MIGRATE_E2E_DESTINATION_URL"),
    ) {
        let host = from_env("MIGRATE_E2E_SOURCE_REMOTE_HOST").unwrap_or_else(|| s.clone());
        let source = Cluster::new(
            s.clone(),
            host.trim_start_matches("http://")
                .trim_start_matches("https://")
                .into(),
            None,
            from_env("MIGRATE_E2E_SOURCE_REPO_DIR").map(PathBuf::from),
        );
        let destination = Cluster::new(
            d.clone(),
            d.trim_start_matches("http://")
                .trim_start_matches("https://")
                .into(),
            None,
            from_env("MIGRATE_E2E_DESTINATION_REPO_DIR").map(PathBuf::from),
        );
        return (source, destination);
    }
    let dir_a = work.join("store-a");
    let dir_b = work.join("store-b");
    std::fs::create_dir_all(&dir_a).unwrap();
    std::fs::create_dir_all(&dir_b).unwrap();
    let mut sb = Sandbox::builder()
        .flavor(pair.source.0)
        .version(pair.source.1)
        .cluster_name("e2e-source");
    if pair.snapshot_dirs {
        sb = sb.node_setting("path.repo", json!([dir_a.display().to_string()]));
    }
    if let Some((u, p)) = &pair.source_auth {
        sb = sb.auth(Auth::basic(u, p));
    }
    let source = sb.start().await.expect("source sandbox");
    let mut db = Sandbox::builder()
        .flavor(pair.destination.0)
        .version(pair.destination.1)
        .cluster_name("e2e-destination")
        .remote_allowlist([source.host_port()]);
    if pair.snapshot_dirs {
        db = db.node_setting("path.repo", json!([dir_b.display().to_string()]));
    }
    let destination = db.start().await.expect("destination sandbox");
    (
        Cluster::new(source.url(), source.host_port(), Some(source), Some(dir_a)),
        Cluster::new(
            destination.url(),
            destination.host_port(),
            Some(destination),
            Some(dir_b),
        ),
    )
}

/// An HTTP client for seeding and checking (basic auth when given).
pub struct Http {
    client: reqwest::Client,
    auth: Option<(String, String)>,
}

impl Http {
    pub fn new(auth: Option<(&str, &str)>) -> Self {
        Http {
            client: reqwest::Client::new(),
            auth: auth.map(|(u, p)| (u.to_owned(), p.to_owned())),
        }
    }

    fn req(&self, method: reqwest::Method, url: String) -> reqwest::RequestBuilder {
        let r = self.client.request(method, url);
        match &self.auth {
            Some((u, p)) => r.basic_auth(u, Some(p)),
            None => r,
        }
    }

    pub async fn put(&self, url: String, body: Value) -> Value {
        let r = self
            .req(reqwest::Method::PUT, url.clone())
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = r.status();
        let v: Value = r.json().await.unwrap_or(Value::Null);
        assert!(status.is_success(), "PUT {url}: {status} {v}");
        v
    }

    pub async fn get(&self, url: String) -> Value {
        let r = self
            .req(reqwest::Method::GET, url.clone())
            .send()
            .await
            .unwrap();
        let status = r.status();
        let v: Value = r.json().await.unwrap_or(Value::Null);
        assert!(status.is_success(), "GET {url}: {status} {v}");
        v
    }

    /// `_bulk` of `(index, type, id, doc)` with refresh.
    pub async fn bulk(&self, base: &str, docs: &[(&str, Option<&str>, String, Value)]) {
        let mut body = String::new();
        for (index, ty, id, doc) in docs {
            let mut meta = json!({"_index": index, "_id": id});
            if let Some(t) = ty {
                meta["_type"] = json!(t);
            }
            body.push_str(&json!({ "index": meta }).to_string());
            body.push('\n');
            body.push_str(&doc.to_string());
            body.push('\n');
        }
        let r = self
            .req(reqwest::Method::POST, format!("{base}/_bulk?refresh=true"))
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

    pub async fn count(&self, base: &str, index: &str) -> u64 {
        self.req(reqwest::Method::POST, format!("{base}/{index}/_refresh"))
            .send()
            .await
            .unwrap();
        self.get(format!("{base}/{index}/_count")).await["count"]
            .as_u64()
            .unwrap()
    }
}

/// A movie document; `updated` is epoch millis, `None` leaves the field out.
pub fn movie(i: usize, updated: Option<u64>) -> Value {
    let genre = ["drama", "comedy"][i % 2];
    let mut v = json!({"title": format!("Movie {i}"), "year": 1950 + i % 70, "genre": genre});
    if let Some(u) = updated {
        v["updated_at"] = json!(u);
    }
    v
}

/// `_bulk` lines for movies `ids` in `movies` (typed `ty` for 5.x/6.x), each updated at
/// 1,700,000,000,000 epoch millis.
pub fn movie_docs(
    ids: impl IntoIterator<Item = usize>,
    ty: Option<&'static str>,
) -> Vec<(&'static str, Option<&'static str>, String, Value)> {
    ids.into_iter()
        .map(|i| {
            (
                "movies",
                ty,
                i.to_string(),
                movie(i, Some(1_700_000_000_000)),
            )
        })
        .collect()
}

/// Creates `index` with a date `updated_at` (typed for 5.x/6.x sources when `ty` is set).
pub async fn create_movies(http: &Http, base: &str, index: &str, ty: Option<&str>) {
    let props = json!({"properties": {
        "title": {"type": "text"}, "year": {"type": "integer"}, "genre": {"type": "keyword"},
        "updated_at": {"type": "date", "format": "epoch_millis"}
    }});
    let mappings = match ty {
        Some(t) => json!({ t: props }),
        None => props,
    };
    http.put(
        format!("{base}/{index}"),
        json!({"settings": {"number_of_shards": 2, "number_of_replicas": 1}, "mappings": mappings}),
    )
    .await;
}

/// Current time in epoch millis.
pub fn now_millis() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
}

/// Replaces `cutover: { approved: false` with `true` in the plan file.
pub fn approve(plan: &Path) {
    let text = std::fs::read_to_string(plan).unwrap();
    assert!(text.contains("approved: false"), "{text}");
    std::fs::write(plan, text.replace("approved: false", "approved: true")).unwrap();
}

/// The campaigns' pair: ES 5.6 → ES 6.8 (snapshot), ES 7.10 (reindex) or OpenSearch 2.11 (copy), with `movies` and `books`
/// seeded with `n` typed documents each, every `missing_every`-th one without `updated_at`.
pub async fn strategy_pair(
    strategy: &str,
    work: &Path,
    n: usize,
    missing_every: usize,
) -> (Cluster, Cluster) {
    let (source, destination) = clusters(
        Pair {
            source: (Flavor::Elasticsearch, "5.6.16"),
            destination: match strategy {
                "snapshot" => (Flavor::Elasticsearch, "6.8.23"),
                "copy" => (Flavor::OpenSearch, "2.11.0"),
                _ => (Flavor::Elasticsearch, "7.10.2"),
            },
            source_auth: None,
            snapshot_dirs: strategy == "snapshot",
        },
        work,
    )
    .await;
    let http = Http::new(None);
    source.test_writes_begin();
    for index in ["movies", "books"] {
        create_movies(&http, &source.url, index, Some("doc")).await;
        let docs: Vec<_> = (0..n)
            .map(|i| {
                let updated = (i % missing_every != 0).then_some(1_700_000_000_000 + i as u64);
                (index, Some("doc"), i.to_string(), movie(i, updated))
            })
            .collect();
        http.bulk(&source.url, &docs).await;
    }
    source.test_writes_done();
    (source, destination)
}

/// The campaigns' plan for `movies` and `books` (`<campaign>-<strategy>`, cutover approved), with
/// `attempts` retries per step backing off up to `cap_ms`.
pub fn campaign_plan(
    campaign: &str,
    strategy: &str,
    source: &Cluster,
    destination: &Cluster,
    attempts: u32,
    cap_ms: u64,
) -> String {
    let body = match strategy {
        "snapshot" => format!(
            "strategy:\n  snapshot:\n    repository: {campaign}-repository\n\
             \x20   source_store: {{ fs: {{ location: \"{}\" }} }}\n\
             \x20   destination_store: {{ fs: {{ location: \"{}\" }} }}\n\
             \x20   incremental_rounds: 1\n",
            source.repo_dir.as_ref().unwrap().display(),
            destination.repo_dir.as_ref().unwrap().display()
        ),
        // Small batches: many checkpoints inside each copy step, so kills land mid-copy.
        "copy" => "strategy:\n  copy:\n    slices: 2\n    batch_size: 10\n    concurrency: 2\n    update_field: updated_at\n    incremental_passes: 1\n".to_owned(),
        _ => format!(
            "strategy:\n  reindex:\n    remote_host: {}\n    batch_size: 50\n    update_field: updated_at\n    incremental_passes: 1\n",
            source.url
        ),
    };
    format!(
        "version: 1\nname: {campaign}-{strategy}\nsource: {{ url: \"{}\" }}\ndestination: {{ url: \"{}\" }}\n\
         indexes: [movies, books]\n{body}\
         cutover: {{ approved: true, block_source_writes: true }}\n\
         verify: {{ doc_count: true, health: yellow, sample: 10 }}\n\
         settings: {{ parallelism: 3, retry: {{ max_attempts: {attempts}, initial_backoff_ms: 20, max_backoff_ms: {cap_ms} }} }}\n",
        source.url, destination.url
    )
}

/// `DELETE url`, which must succeed.
pub async fn delete(url: String) {
    let status = reqwest::Client::new()
        .delete(url)
        .send()
        .await
        .unwrap()
        .status();
    assert!(status.is_success(), "{status}");
}
