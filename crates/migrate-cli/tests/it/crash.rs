//! Crash campaign: `migrate apply` as a child process, killed with SIGKILL at seeded random moments
//! (after the k-th event line it printed, k drawn from a seeded RNG), resumed each time, for both
//! strategies against sandboxes. After each migration completes: the state parsed after every kill,
//! counts and sampled documents match (the plan's verify step), no snapshot or restore ran more
//! often than in an uninterrupted run of the same plan (from the sandboxes' request logs), and the
//! `_reindex` POSTs equal a clean run's: a kill between the POST and the recorded task id leaves an
//! orphan task that the resume adopts, running (by its `X-Opaque-Id`) or already finished (from
//! the destination's `.tasks`), so no pass is ever replayed. The summary line reports the repeated
//! actions of every kind, and the campaign fails on any.
//!
//! `MIGRATE_CRASH_KILLS` sets the kills per strategy (default 20), `MIGRATE_CRASH_SEED` the seed.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::Stdio;

use crate::support::*;
use rand::{RngExt, SeedableRng};

fn kills() -> usize {
    std::env::var("MIGRATE_CRASH_KILLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20)
}

fn seed() -> u64 {
    std::env::var("MIGRATE_CRASH_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x5eed_c0de)
}

/// How one `apply` ended.
enum End {
    /// Killed by the test.
    Killed,
    Exited(i32),
}

/// Runs `apply` and kills it with SIGKILL once it has printed `kill_after` transition lines (a step
/// started, done, retried or failed; skips of done steps don't count), if it gets that far. Reading
/// lines is the synchronisation: no timers.
fn apply_and_kill(dir: &Path, plan: &Path, kill_after: usize, progress: bool) -> End {
    let mut child = migrate()
        .current_dir(dir)
        .args(["apply", plan.to_str().unwrap(), "--output", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn migrate apply");
    let stdout = child.stdout.take().unwrap();
    let mut lines = 0;
    for line in BufReader::new(stdout).lines() {
        let Ok(line) = line else { break };
        let transition = [
            "\"step_started\"",
            "\"step_done\"",
            "\"step_retrying\"",
            "\"step_failed\"",
        ]
        .iter()
        .any(|e| line.contains(e))
            || (progress && line.contains("\"event\":\"progress\""));
        if !transition {
            continue;
        }
        lines += 1;
        if lines >= kill_after {
            let _ = child.kill(); // SIGKILL on unix
            let _ = child.wait();
            return End::Killed;
        }
    }
    let status = child.wait().expect("wait");
    End::Exited(status.code().unwrap_or(-1))
}

/// The server-side actions a run starts, counted from the request logs.
#[derive(Debug, PartialEq, Eq, Default, Clone, Copy)]
struct Actions {
    snapshots: usize,
    restores: usize,
    reindexes: usize,
}

fn actions(source: &Cluster, destination: &Cluster) -> Actions {
    Actions {
        snapshots: source
            .count("PUT", |p| {
                p.starts_with("/_snapshot/") && p.split('/').filter(|s| !s.is_empty()).count() == 3
            })
            .unwrap_or(0),
        restores: destination
            .count("POST", |p| {
                p.starts_with("/_snapshot/") && p.ends_with("/_restore")
            })
            .unwrap_or(0),
        reindexes: destination.count("POST", |p| p == "/_reindex").unwrap_or(0),
    }
}

/// Fresh clusters with seeded `movies` and `books`, and the plan written to `work`.
async fn setup(strategy: &str, work: &Path) -> (Cluster, Cluster, std::path::PathBuf) {
    let (source, destination) = strategy_pair(strategy, work, 120, 7).await;
    let plan = work.join("plan.yaml");
    std::fs::write(
        &plan,
        campaign_plan("crash", strategy, &source, &destination, 5, 200),
    )
    .unwrap();
    (source, destination, plan)
}

/// The `properties` of an index's mapping, typed (5.x/6.x `{type: {properties}}`) or not.
fn properties(mapping: &serde_json::Value) -> serde_json::Value {
    let m = &mapping["mappings"];
    if m.get("properties").is_some() {
        return m["properties"].clone();
    }
    m.as_object()
        .and_then(|types| types.values().next())
        .map(|t| t["properties"].clone())
        .unwrap_or_default()
}

/// Every document (`_id` → `_source`) of `index`, at most 1000.
async fn documents(
    http: &Http,
    base: &str,
    index: &str,
) -> serde_json::Map<String, serde_json::Value> {
    let v = http.get(format!("{base}/{index}/_search?size=1000")).await;
    let hits = v["hits"]["hits"].as_array().cloned().unwrap_or_default();
    assert!(hits.len() < 1000, "{index}: more documents than one page");
    hits.into_iter()
        .map(|h| {
            (
                h["_id"].as_str().unwrap_or_default().to_owned(),
                h["_source"].clone(),
            )
        })
        .collect()
}

/// After the last resume the destination's `index` has the source's mappings, primary shard
/// count and every document with the same content (not only the same count).
async fn assert_same_index(http: &Http, source: &str, destination: &str, index: &str) {
    let (s, d) = (
        http.get(format!("{source}/{index}/_mapping")).await,
        http.get(format!("{destination}/{index}/_mapping")).await,
    );
    assert_eq!(
        properties(&s[index]),
        properties(&d[index]),
        "{index}: mappings"
    );
    let shards = |v: serde_json::Value| v[index]["settings"]["index"]["number_of_shards"].clone();
    assert_eq!(
        shards(http.get(format!("{source}/{index}/_settings")).await),
        shards(http.get(format!("{destination}/{index}/_settings")).await),
        "{index}: number_of_shards"
    );
    let (sd, dd) = (
        documents(http, source, index).await,
        documents(http, destination, index).await,
    );
    assert_eq!(sd.len(), dd.len(), "{index}: documents");
    for (id, doc) in &sd {
        assert_eq!(Some(doc), dd.get(id), "{index}: document `{id}`");
    }
}

fn state_parses(plan: &Path, name: &str) -> bool {
    let store = migrate_state::FileStore::for_plan(plan, name).unwrap();
    use migrate_state::StateStore;
    store.load().is_ok()
}

async fn campaign(strategy: &str) {
    if real_clusters() {
        return; // needs the sandboxes' request logs
    }
    let name = format!("crash-{strategy}");
    // The uninterrupted baseline: how many server-side actions one clean run starts.
    let base_dir = tempfile::tempdir().unwrap();
    let (bs, bd, bplan) = setup(strategy, base_dir.path()).await;
    let baseline_run = tokio::task::spawn_blocking({
        let dir = base_dir.path().to_owned();
        let plan = bplan.clone();
        move || {
            run(
                &dir,
                &["apply", plan.to_str().unwrap(), "--output", "plain"],
                &[],
            )
        }
    })
    .await
    .unwrap();
    assert_eq!(
        baseline_run.status.code(),
        Some(0),
        "{}",
        text(&baseline_run)
    );
    let baseline = actions(&bs, &bd);
    // The copy strategy starts no server-side task: its rewrites by id are idempotent.
    assert!(
        strategy == "copy" || baseline.snapshots + baseline.reindexes > 0,
        "{baseline:?}"
    );

    let mut rng = rand::rngs::StdRng::seed_from_u64(seed() ^ strategy.len() as u64);
    let mut killed = 0;
    let mut migrations = 0;
    let mut repeated = 0;
    let mut runs = 0;
    while killed < kills() {
        migrations += 1;
        let work = tempfile::tempdir().unwrap();
        let (source, destination, plan) = setup(strategy, work.path()).await;
        loop {
            let k = if strategy == "copy" {
                rng.random_range(1..=40)
            } else {
                rng.random_range(1..=8)
            };
            runs += 1;
            let end = tokio::task::spawn_blocking({
                let dir = work.path().to_owned();
                let plan = plan.clone();
                // The copy strategy checkpoints inside its steps: its progress lines are kill points too.
                let progress = strategy == "copy";
                move || apply_and_kill(&dir, &plan, k, progress)
            })
            .await
            .unwrap();
            assert!(
                state_parses(&plan, &name),
                "the state did not parse after run {runs}"
            );
            match end {
                End::Killed => killed += 1,
                End::Exited(0) => break,
                End::Exited(code) => panic!("apply exited {code} during the campaign (run {runs})"),
            }
            assert!(runs < 2000, "the campaign does not converge");
        }
        let got = actions(&source, &destination);
        // Snapshots, restores and `_reindex` passes: never started twice (an orphan reindex task,
        // running or finished, is adopted on resume).
        let more = |got: usize, clean: usize| got.saturating_sub(clean);
        repeated += more(got.snapshots, baseline.snapshots)
            + more(got.restores, baseline.restores)
            + more(got.reindexes, baseline.reindexes);
        assert_eq!(
            (got.snapshots, got.restores, got.reindexes),
            (baseline.snapshots, baseline.restores, baseline.reindexes),
            "snapshots, restores and _reindex POSTs under crashes vs a clean run (migration {migrations})"
        );
        // The final apply verified counts and sampled documents; check the counts independently.
        let http = Http::new(None);
        for index in ["movies", "books"] {
            assert_eq!(
                http.count(&source.url, index).await,
                http.count(&destination.url, index).await,
                "{index}"
            );
            assert_same_index(&http, &source.url, &destination.url, index).await;
        }
    }
    println!(
        "crash campaign {strategy}: {runs} runs, {killed} kills survived, {migrations} migrations completed, 0 losses, {repeated} repeated server-side actions (snapshots, restores, reindex passes)"
    );
    assert_eq!(repeated, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crash_campaign_reindex() {
    campaign("reindex").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crash_campaign_snapshot() {
    campaign("snapshot").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crash_campaign_copy() {
    campaign("copy").await;
}
