//! The snapshot-reindex strategy end to end (`migrate apply` as a child process, sandboxes): real
//! Elasticsearch 6.8 and 7.10 repositories (copied to a temp dir) read from their store by the
//! strategy and loaded into OpenSearch 2 and Elasticsearch 8; the source restores the same snapshot
//! so the plan's verify step (and the test) compare both sides. And a run killed with SIGKILL in
//! the middle of loading a shard resumes after its checkpoint and ends equal to the source.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::Stdio;

use crate::support::*;
use migrate_sandbox::Flavor;
use serde_json::{Value, json};

fn fixtures() -> PathBuf {
    let shared = std::env::var_os("MIGRATE_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    shared.join("fixtures/real-snapshots")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Every document of `index` on `base` (a scroll): id → `_source`.
async fn documents(http: &Http, base: &str, index: &str) -> BTreeMap<String, Value> {
    http.count(base, index).await;
    let client = reqwest::Client::new();
    let mut page: Value = client
        .post(format!("{base}/{index}/_search?scroll=1m"))
        .json(&json!({"size": 5000, "sort": ["_doc"]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut out = BTreeMap::new();
    loop {
        let hits = page["hits"]["hits"].as_array().cloned().unwrap_or_default();
        if hits.is_empty() {
            return out;
        }
        for h in hits {
            out.insert(h["_id"].as_str().unwrap().to_owned(), h["_source"].clone());
        }
        let id = page["_scroll_id"].as_str().unwrap().to_owned();
        page = client
            .post(format!("{base}/_search/scroll"))
            .json(&json!({"scroll": "1m", "scroll_id": id}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    }
}

/// A plan reading `snapshot` of the fs repository at `location`.
fn plan(
    name: &str,
    source: &Cluster,
    destination: &Cluster,
    indexes: &[&str],
    strategy: &str,
) -> String {
    format!(
        "version: 1\nname: {name}\nsource: {{ url: \"{}\" }}\ndestination: {{ url: \"{}\" }}\n\
         indexes: [{}]\n{strategy}\
         cutover: {{ approved: true }}\n\
         verify: {{ doc_count: true, health: yellow, sample: 10 }}\n\
         settings: {{ parallelism: 2, retry: {{ max_attempts: 3, initial_backoff_ms: 20, max_backoff_ms: 200 }} }}\n",
        source.url,
        destination.url,
        indexes.join(", ")
    )
}

/// Copies real repository `repo` into the source's `path.repo`, registers it and restores
/// `indexes` from its one snapshot on the source; returns the repository's location.
async fn with_real_repository(
    http: &Http,
    source: &Cluster,
    repo: &str,
    snapshot: &str,
    indexes: &[&str],
) -> PathBuf {
    let location = source.repo_dir.as_ref().unwrap().join(repo);
    copy_dir(&fixtures().join(repo), &location);
    source.test_writes_begin();
    http.put(
        format!("{}/_snapshot/real", source.url),
        json!({"type": "fs", "settings": {"location": location, "readonly": true}}),
    )
    .await;
    let restored = reqwest::Client::new()
        .post(format!(
            "{}/_snapshot/real/{snapshot}/_restore?wait_for_completion=true",
            source.url
        ))
        .json(&json!({"indices": indexes.join(",")}))
        .send()
        .await
        .unwrap();
    assert!(
        restored.status().is_success(),
        "{:?}",
        restored.text().await
    );
    source.test_writes_done();
    location
}

/// Migrates `indexes` of real repository `repo` (snapshot `snapshot`, taken by `version`) into
/// `destination` and checks every document arrived as the source holds it.
async fn real_into(
    repo: &str,
    snapshot: &str,
    version: &str,
    indexes: &[&str],
    destination: (Flavor, &'static str),
) -> BTreeMap<String, BTreeMap<String, Value>> {
    let work = tempfile::tempdir().unwrap();
    let (source, dest) = clusters(
        Pair {
            source: (Flavor::Elasticsearch, leak(version)),
            destination,
            source_auth: None,
            snapshot_dirs: true,
        },
        work.path(),
    )
    .await;
    let http = Http::new(None);
    let location = with_real_repository(&http, &source, repo, snapshot, indexes).await;
    let strategy = format!(
        "strategy:\n  snapshot_reindex:\n    repository: real\n\
         \x20   store: {{ fs: {{ location: \"{}\" }} }}\n    snapshot: {snapshot}\n",
        location.display()
    );
    let path = work.path().join("plan.yaml");
    std::fs::write(
        &path,
        plan("e2e-snapread", &source, &dest, indexes, &strategy),
    )
    .unwrap();
    let out = run(
        work.path(),
        &["apply", path.to_str().unwrap(), "--output", "plain"],
        &[],
    );
    assert!(out.status.success(), "{}", text(&out));
    let mut all = BTreeMap::new();
    for index in indexes {
        let expected = documents(&http, &source.url, index).await;
        let got = documents(&http, &dest.url, index).await;
        assert!(
            !expected.is_empty(),
            "{repo} {index}: the source restored nothing"
        );
        assert_eq!(got, expected, "{repo} {index} into {destination:?}");
        all.insert((*index).to_owned(), got);
    }
    if let Some(bulk) = dest.count("POST", |p| p == "/_bulk") {
        assert!(bulk > 0, "no _bulk reached the destination");
    }
    all
}

fn leak(s: &str) -> &'static str {
    Box::leak(s.to_owned().into_boxed_str())
}

const POSTS: [&str; 2] = ["posts_2023_02_25", "posts_2024_01_01"];

#[tokio::test(flavor = "multi_thread")]
async fn a_real_es_6_8_repository_is_loaded_into_opensearch_2() {
    let docs = real_into(
        "ES_6_8_Single",
        "global_state_snapshot",
        // taken by 6.8.24, newer than the 6.8 sandbox: a 7.10 source restores it for verification
        "7.10.2",
        &POSTS,
        (Flavor::OpenSearch, "2.11.0"),
    )
    .await;
    assert_eq!(docs["posts_2024_01_01"].len(), 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_real_es_6_8_repository_is_loaded_into_elasticsearch_8() {
    let docs = real_into(
        "ES_6_8_Single",
        "global_state_snapshot",
        // taken by 6.8.24, newer than the 6.8 sandbox: a 7.10 source restores it for verification
        "7.10.2",
        &POSTS,
        (Flavor::Elasticsearch, "8.11.0"),
    )
    .await;
    assert_eq!(docs["posts_2023_02_25"].len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_real_es_7_10_repository_is_loaded_into_opensearch_2() {
    let docs = real_into(
        "ES_7_10_Single",
        "global_state_snapshot",
        "7.10.2",
        &POSTS,
        (Flavor::OpenSearch, "2.11.0"),
    )
    .await;
    assert_eq!(docs["posts_2024_01_01"].len(), 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_real_es_7_10_repository_with_soft_deletes_loads_exactly_the_live_documents_into_elasticsearch_8()
 {
    let docs = real_into(
        "ES_7_10_Updates_Deletes_w_Soft",
        "rfs_snapshot",
        "7.10.2",
        &["test_updates_deletes"],
        (Flavor::Elasticsearch, "8.11.0"),
    )
    .await;
    let ids: Vec<&str> = docs["test_updates_deletes"]
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(ids, ["complexdoc", "unchangeddoc", "updateddoc"]);
    assert_eq!(
        docs["test_updates_deletes"]["updateddoc"],
        json!({"title": "This is doc that will be updated", "content": "Updated!"})
    );
}

/// Runs `apply` and kills it (SIGKILL) on the first progress line of a `snapshot-reindex` step
/// that reports written documents; returns the event lines seen when it was not killed.
fn apply_killed_mid_load(dir: &Path, plan: &Path) -> Result<(), Vec<String>> {
    let mut child = migrate()
        .current_dir(dir)
        .args(["apply", plan.to_str().unwrap(), "--output", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn migrate apply");
    let stdout = child.stdout.take().unwrap();
    let mut seen = Vec::new();
    for line in BufReader::new(stdout).lines() {
        let Ok(line) = line else { break };
        seen.push(line.clone());
        let Ok(event) = serde_json::from_str::<Value>(&line) else {
            continue;
        };
        let loading = event["event"] == "progress"
            && event["id"]
                .as_str()
                .is_some_and(|id| id.starts_with("snapshot-reindex/"))
            && event["progress"]["done"].as_u64().is_some_and(|d| d > 0);
        if loading {
            let _ = child.kill();
            let _ = child.wait();
            return Ok(());
        }
    }
    let _ = child.wait();
    Err(seen)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_run_killed_mid_shard_resumes_after_its_checkpoint_and_the_destination_equals_the_source()
{
    if real_clusters() {
        return; // needs the sandboxes' request logs
    }
    let work = tempfile::tempdir().unwrap();
    let (source, dest) = clusters(
        Pair {
            source: (Flavor::Elasticsearch, "7.10.2"),
            destination: (Flavor::OpenSearch, "2.11.0"),
            source_auth: None,
            snapshot_dirs: true,
        },
        work.path(),
    )
    .await;
    let http = Http::new(None);
    source.test_writes_begin();
    create_movies(&http, &source.url, "movies", None).await;
    let n = 30_000;
    for chunk in (0..n).collect::<Vec<_>>().chunks(5_000) {
        let docs = movie_docs(chunk.iter().copied(), None);
        http.bulk(&source.url, &docs).await;
    }
    source.test_writes_done();
    let location = source.repo_dir.as_ref().unwrap().join("snapread");
    let strategy = format!(
        "strategy:\n  snapshot_reindex:\n    repository: snapread\n\
         \x20   store: {{ fs: {{ location: \"{}\" }} }}\n    shard_concurrency: 1\n",
        location.display()
    );
    let path = work.path().join("plan.yaml");
    std::fs::write(
        &path,
        plan("e2e-snapread-kill", &source, &dest, &["movies"], &strategy),
    )
    .unwrap();

    let killed = tokio::task::spawn_blocking({
        let dir = work.path().to_owned();
        let path = path.clone();
        move || apply_killed_mid_load(&dir, &path)
    })
    .await
    .unwrap();
    if let Err(seen) = killed {
        panic!(
            "the run ended before loading any document:\n{}",
            seen.join("\n")
        );
    }
    let first_run_bulks = dest.count("POST", |p| p == "/_bulk").unwrap();
    assert!(first_run_bulks > 0);
    let written_before = http.count(&dest.url, "movies").await;
    assert!(
        written_before > 0 && written_before < n as u64,
        "killed after {written_before} of {n} documents"
    );

    let out = run(
        work.path(),
        &["apply", path.to_str().unwrap(), "--output", "plain"],
        &[],
    );
    assert!(out.status.success(), "{}", text(&out));
    let expected = documents(&http, &source.url, "movies").await;
    assert_eq!(expected.len(), n);
    assert_eq!(documents(&http, &dest.url, "movies").await, expected);
    // The resumed run started after the checkpoint: a step names the shards it resumed part-way,
    // and the steps wrote no more than the documents after those checkpoints, never a shard again
    // from its first document. Round 1 was killed and resumed; the final round loads the rest.
    let show = run(work.path(), &["state", "show", path.to_str().unwrap()], &[]);
    assert!(show.status.success(), "{}", text(&show));
    let state: Value = serde_json::from_slice(&show.stdout).expect("state show prints JSON");
    let steps: Vec<Value> = state["steps"]
        .as_object()
        .map(|steps| {
            steps
                .iter()
                .filter(|(id, _)| id.starts_with("snapshot-reindex/"))
                .map(|(_, step)| step["outputs"].clone())
                .collect()
        })
        .unwrap_or_default();
    assert!(!steps.is_empty(), "no snapshot-reindex step in the state");
    let resumed: serde_json::Map<String, Value> = steps
        .iter()
        .filter_map(|s| s["resumed"].as_object())
        .flat_map(|r| r.clone())
        .collect();
    let before: u64 = resumed
        .values()
        .filter_map(|r| r["documents_before"].as_u64())
        .sum();
    let written: u64 = steps
        .iter()
        .map(|s| s["written_this_attempt"].as_u64().unwrap_or(u64::MAX / 4))
        .sum();
    assert!(
        !resumed.is_empty() && before > 0 && written <= n as u64 - before,
        "resumed {} shards part-way after {before} documents, wrote {written} of {n} this attempt: {steps:?}",
        resumed.len()
    );
}
