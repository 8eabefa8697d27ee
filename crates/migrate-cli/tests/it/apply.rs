//! `migrate apply` end to end, as a child process against two clusters (sandboxes unless
//! `MIGRATE_E2E_*` name real ones, see tests/support): both strategies run to the cutover gate,
//! resume after approval and verify; `status` and `state show` read the result; the source only
//! ever received the writes the plan declares; a canary secret appears nowhere; a held lock exits 3.

use std::path::Path;

use crate::support::*;
use migrate_sandbox::Flavor;

const CANARY: &str = "canary-7f3a9c1e-secret";

fn reindex_plan(source: &Cluster, destination: &Cluster, auth: bool) -> String {
    let source_auth = if auth {
        "\n  auth: { basic: { username: migrator, password: { env: E2E_SOURCE_PASSWORD } } }"
    } else {
        ""
    };
    let remote = if source.sandbox.is_some() {
        source.url.clone()
    } else {
        std::env::var("MIGRATE_E2E_SOURCE_REMOTE_HOST").unwrap_or_else(|_| source.url.clone())
    };
    format!(
        "version: 1\nname: e2e-reindex\nsource:\n  url: {}{source_auth}\ndestination:\n  url: {}\n\
         indexes: [movies, \"logs-*\"]\n\
         strategy:\n  reindex:\n    remote_host: {remote}\n    batch_size: 100\n    update_field: updated_at\n    incremental_passes: 1\n\
         cutover: {{ approved: false, block_source_writes: true }}\n\
         verify: {{ doc_count: true, health: yellow, sample: 10 }}\n\
         settings: {{ parallelism: 4, retry: {{ max_attempts: 6, initial_backoff_ms: 50, max_backoff_ms: 1000 }} }}\n",
        source.url, destination.url
    )
}

fn snapshot_plan(source: &Cluster, destination: &Cluster) -> String {
    let a = source.repo_dir.as_ref().expect("source repo dir");
    let b = destination.repo_dir.as_ref().expect("destination repo dir");
    format!(
        "version: 1\nname: e2e-snapshot\nsource:\n  url: {}\ndestination:\n  url: {}\n\
         indexes: [movies, \"logs-*\"]\n\
         strategy:\n  snapshot:\n    repository: e2e-repository\n\
         \x20   source_store: {{ fs: {{ location: \"{}\" }} }}\n\
         \x20   destination_store: {{ fs: {{ location: \"{}\" }} }}\n\
         \x20   incremental_rounds: 1\n\
         cutover: {{ approved: false, block_source_writes: true }}\n\
         verify: {{ doc_count: true, health: yellow, recovery: true, sample: 10 }}\n\
         settings: {{ parallelism: 4, retry: {{ max_attempts: 6, initial_backoff_ms: 50, max_backoff_ms: 1000 }} }}\n",
        source.url,
        destination.url,
        a.display(),
        b.display()
    )
}

/// Seeds `movies` (some documents without `updated_at`) and two `logs-*` indexes.
async fn seed(http: &Http, base: &str, ty: Option<&str>, n: usize) {
    create_movies(http, base, "movies", ty).await;
    let docs: Vec<_> = (0..n)
        .map(|i| {
            let updated = (i % 10 != 0).then_some(1_700_000_000_000 + i as u64);
            ("movies", ty, i.to_string(), movie(i, updated))
        })
        .collect();
    http.bulk(base, &docs).await;
    for index in ["logs-a", "logs-b"] {
        create_movies(http, base, index, ty).await;
        let docs: Vec<_> = (0..n / 4)
            .map(|i| {
                (
                    index,
                    ty,
                    i.to_string(),
                    movie(i, Some(1_700_000_000_000 + i as u64)),
                )
            })
            .collect();
        http.bulk(base, &docs).await;
    }
}

/// Documents written while the migration waits at the gate: the final copy must carry them.
async fn write_more(http: &Http, base: &str, ty: Option<&str>, from: usize, n: usize) {
    let docs: Vec<_> = (from..from + n)
        .map(|i| ("movies", ty, i.to_string(), movie(i, Some(now_millis()))))
        .collect();
    http.bulk(base, &docs).await;
}

/// A method and a test on the path: one kind of write the plan declares.
type Allowed<'a> = (&'a str, &'a dyn Fn(&str) -> bool);

fn assert_only_declared_source_writes(source: &Cluster, allowed: &[Allowed<'_>]) {
    let Some(writes) = source.mutating() else {
        return;
    };
    for w in &writes {
        let ok = allowed
            .iter()
            .any(|(m, pred)| w.method == *m && pred(&w.path));
        assert!(
            ok,
            "undeclared mutating request reached the source: {} {}",
            w.method, w.path
        );
    }
}

async fn counts_match(http_s: &Http, s: &str, http_d: &Http, d: &str) {
    for index in ["movies", "logs-a", "logs-b"] {
        let (a, b) = (http_s.count(s, index).await, http_d.count(d, index).await);
        assert_eq!(
            a, b,
            "document count of `{index}`: source {a}, destination {b}"
        );
        assert!(a > 0);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reindex_runs_to_the_gate_resumes_after_approval_and_verifies() {
    let work = tempfile::tempdir().unwrap();
    let (source, destination) = clusters(
        Pair {
            source: (Flavor::Elasticsearch, "5.6.16"),
            destination: (Flavor::Elasticsearch, "7.10.2"),
            source_auth: Some(("migrator", CANARY.to_owned())),
            snapshot_dirs: false,
        },
        work.path(),
    )
    .await;
    let auth = source.sandbox.is_some();
    let hs = Http::new(auth.then_some(("migrator", CANARY)));
    let hd = Http::new(None);
    source.test_writes_begin();
    seed(&hs, &source.url, Some("movie"), 400).await;
    source.test_writes_done();
    let plan = work.path().join("plan.yaml");
    std::fs::write(&plan, reindex_plan(&source, &destination, auth)).unwrap();
    let envs = [("E2E_SOURCE_PASSWORD", CANARY), ("RUST_LOG", "trace")];
    let p = plan.to_str().unwrap();

    // A dry run first, as a reviewer would.
    let dry = run(
        work.path(),
        &["plan", "--dry-run", p, "--format", "markdown"],
        &envs,
    );
    assert_eq!(dry.status.code(), Some(0), "{}", text(&dry));
    assert!(!text(&dry).contains(CANARY), "canary in the dry run");

    let first = run(work.path(), &["apply", p, "--output", "plain"], &envs);
    let t = text(&first);
    assert_eq!(first.status.code(), Some(0), "{t}");
    assert!(t.contains("cutover.approved: true"), "{t}");
    assert!(!t.contains(CANARY), "canary in apply output");

    let status = run(work.path(), &["status", p], &envs);
    let st = text(&status);
    assert_eq!(status.status.code(), Some(0), "{st}");
    assert!(st.contains("blocked  gate/cutover"), "{st}");

    source.test_writes_begin();
    write_more(&hs, &source.url, Some("movie"), 10_000, 60).await;
    source.test_writes_done();
    approve(&plan);
    let second = run(work.path(), &["apply", p, "--output", "json"], &envs);
    let t2 = text(&second);
    assert_eq!(second.status.code(), Some(0), "{t2}");
    assert!(t2.contains("\"event\":\"step_done\""), "{t2}");
    assert!(
        t2.contains("verification") && t2.contains("doc count"),
        "{t2}"
    );
    assert!(!t2.contains(CANARY), "canary in apply output");
    counts_match(&hs, &source.url, &hd, &destination.url).await;

    let show = run(work.path(), &["state", "show", p], &envs);
    let ts = text(&show);
    assert_eq!(show.status.code(), Some(0), "{ts}");
    assert!(ts.contains("\"verify/movies\""), "{ts}");
    assert!(!ts.contains(CANARY), "canary in state show");
    for entry in walk(&work.path().join(".migrate")) {
        let bytes = std::fs::read(&entry).unwrap();
        assert!(
            !String::from_utf8_lossy(&bytes).contains(CANARY),
            "canary in {}",
            entry.display()
        );
    }

    // Nothing is left: a third apply skips every step and changes nothing.
    let third = run(work.path(), &["apply", p, "--output", "plain"], &envs);
    assert_eq!(third.status.code(), Some(0), "{}", text(&third));
    assert!(
        text(&third).contains("complete: 0 done now"),
        "{}",
        text(&third)
    );

    // The source received only the cutover write blocks.
    assert_only_declared_source_writes(&source, &[("PUT", &|p: &str| p.ends_with("/_settings"))]);
    if let Some(n) = destination.count("POST", |p| p == "/_reindex") {
        // movies: initial, pass-1, missing-field, final, final-missing-field; logs-a/b: the same.
        assert_eq!(n, 15, "one _reindex per index and pass");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_induced_auth_failure_names_the_cluster_but_never_the_secret() {
    if real_clusters() {
        return; // needs a sandbox that requires a password
    }
    let work = tempfile::tempdir().unwrap();
    let (source, destination) = clusters(
        Pair {
            source: (Flavor::Elasticsearch, "7.10.2"),
            destination: (Flavor::OpenSearch, "2.11.0"),
            source_auth: Some(("migrator", "the-right-password".to_owned())),
            snapshot_dirs: false,
        },
        work.path(),
    )
    .await;
    let hs = Http::new(Some(("migrator", "the-right-password")));
    seed(&hs, &source.url, None, 20).await;
    let plan = work.path().join("plan.yaml");
    std::fs::write(&plan, reindex_plan(&source, &destination, true)).unwrap();
    let out = run(
        work.path(),
        &["apply", plan.to_str().unwrap(), "--output", "plain"],
        &[("E2E_SOURCE_PASSWORD", CANARY), ("RUST_LOG", "trace")],
    );
    let t = text(&out);
    assert_eq!(out.status.code(), Some(1), "{t}");
    assert!(t.contains("401"), "{t}");
    assert!(!t.contains(CANARY), "the wrong password leaked: {t}");
    let show = run(work.path(), &["state", "show", plan.to_str().unwrap()], &[]);
    assert!(!text(&show).contains(CANARY));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn snapshot_runs_rounds_transfer_gate_final_round_and_verifies() {
    let work = tempfile::tempdir().unwrap();
    let (source, destination) = clusters(
        Pair {
            source: (Flavor::Elasticsearch, "5.6.16"),
            destination: (Flavor::Elasticsearch, "6.8.23"),
            source_auth: None,
            snapshot_dirs: true,
        },
        work.path(),
    )
    .await;
    if source.repo_dir.is_none() || destination.repo_dir.is_none() {
        return; // real clusters without repository directories
    }
    let hs = Http::new(None);
    let hd = Http::new(None);
    source.test_writes_begin();
    seed(&hs, &source.url, Some("movie"), 300).await;
    source.test_writes_done();
    let plan = work.path().join("plan.yaml");
    std::fs::write(&plan, snapshot_plan(&source, &destination)).unwrap();
    let p = plan.to_str().unwrap();
    let first = run(work.path(), &["apply", p, "--output", "plain"], &[]);
    assert_eq!(first.status.code(), Some(0), "{}", text(&first));
    assert!(text(&first).contains("cutover.approved: true"));

    source.test_writes_begin();
    write_more(&hs, &source.url, Some("movie"), 5_000, 40).await;
    source.test_writes_done();
    approve(&plan);
    let second = run(work.path(), &["apply", p, "--output", "plain"], &[]);
    let t = text(&second);
    assert_eq!(second.status.code(), Some(0), "{t}");
    assert!(t.contains("verification"), "{t}");
    counts_match(&hs, &source.url, &hd, &destination.url).await;

    // The source took the repository, three snapshots (two rounds and the final) and write blocks.
    assert_only_declared_source_writes(
        &source,
        &[
            ("PUT", &|p: &str| p.starts_with("/_snapshot/")),
            ("POST", &|p: &str| p.starts_with("/_snapshot/")),
            ("PUT", &|p: &str| p.ends_with("/_settings")),
        ],
    );
    if let Some(n) = source.count("PUT", |p| p.starts_with("/_snapshot/e2e-repository/")) {
        assert_eq!(n, 3, "one snapshot per round");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_held_lock_exits_3_naming_the_holder_and_unlock_needs_its_id() {
    let work = tempfile::tempdir().unwrap();
    let plan = work.path().join("plan.yaml");
    // Clusters are never contacted: the lock is checked first.
    std::fs::write(
        &plan,
        "version: 1\nname: locked\nsource: { url: \"http://127.0.0.1:9\" }\ndestination: { url: \"http://127.0.0.1:10\" }\n\
         indexes: [movies]\nstrategy: { reindex: { remote_host: \"http://127.0.0.1:9\" } }\n",
    )
    .unwrap();
    let store = std::sync::Arc::new(migrate_state::FileStore::for_plan(&plan, "locked").unwrap())
        as std::sync::Arc<dyn migrate_state::StateStore>;
    let mut info = migrate_state::LockInfo::current("apply");
    info.host = "another-runner".into();
    let id = info.id.to_string();
    let _guard = migrate_state::lock(&store, info).unwrap();

    let p = plan.to_str().unwrap();
    let out = run(work.path(), &["apply", p, "--output", "plain"], &[]);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(3), "{t}");
    assert!(t.contains(&id) && t.contains("another-runner"), "{t}");

    let wrong = run(work.path(), &["state", "unlock", "not-the-id", p], &[]);
    assert_ne!(wrong.status.code(), Some(0), "{}", text(&wrong));
    let status = run(work.path(), &["status", p], &[]);
    assert!(text(&status).contains(&id), "{}", text(&status));
    let right = run(work.path(), &["state", "unlock", &id, p], &[]);
    assert_eq!(right.status.code(), Some(0), "{}", text(&right));
    assert!(store.read_lock().unwrap().is_none());
    std::mem::forget(_guard); // its lock was removed by `state unlock`
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}
