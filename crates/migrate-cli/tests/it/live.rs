//! `plan --refresh`, saved plans, approvals and the estimate, between sandboxes: the refresh of a
//! pattern plan shows the expanded indexes and their counts and writes nothing; a saved plan is
//! refused when a new index appears or a count moves past the tolerance, and applies unchanged; an
//! approval recorded by `approve` is invalidated by a plan change; the estimate from one run's
//! measured rates is within a factor of 2 of a second run of the same size.

use std::path::{Path, PathBuf};

use crate::support::*;
use migrate_sandbox::Flavor;
use serde_json::Value;

async fn pair(work: &Path) -> (Cluster, Cluster) {
    clusters(
        Pair {
            source: (Flavor::Elasticsearch, "6.8.23"),
            destination: (Flavor::OpenSearch, "2.11.1"),
            source_auth: None,
            snapshot_dirs: false,
        },
        work,
    )
    .await
}

/// Creates `index` on `source` with `n` documents (ids from `first`).
async fn seed(http: &Http, source: &Cluster, index: &str, first: usize, n: usize, create: bool) {
    if create {
        create_movies(http, &source.url, index, Some("_doc")).await;
    }
    let docs: Vec<_> = (first..first + n)
        .map(|i| {
            (
                index,
                Some("_doc"),
                i.to_string(),
                movie(i, Some(1_700_000_000_000 + i as u64)),
            )
        })
        .collect();
    http.bulk(&source.url, &docs).await;
}

fn write_plan(
    work: &Path,
    source: &str,
    destination: &str,
    approved: bool,
    extra: &str,
) -> PathBuf {
    let plan = work.join("plan.yaml");
    std::fs::write(
        &plan,
        format!(
            "version: 1\nname: live\nsource: {{ url: \"{source}\" }}\ndestination: {{ url: \"{destination}\" }}\n\
             indexes: [\"logs-*\"]\n\
             strategy: {{ reindex: {{ remote_host: \"{source}\", batch_size: 100, update_field: updated_at, incremental_passes: 1 }} }}\n\
             cutover: {{ approved: {approved}, block_source_writes: true }}\n\
             verify: {{ doc_count: true, health: yellow }}\n\
             settings: {{ parallelism: 1, retry: {{ max_attempts: 2, initial_backoff_ms: 10, max_backoff_ms: 20 }} }}\n{extra}"
        ),
    )
    .unwrap();
    plan
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_of_a_pattern_plan_shows_the_expanded_indexes_and_counts_and_writes_nothing() {
    if real_clusters() {
        return; // the snapshot holds the sandboxes' versions and sizes
    }
    let work = tempfile::tempdir().unwrap();
    let (source, destination) = pair(work.path()).await;
    let http = Http::new(None);
    source.test_writes_begin();
    seed(&http, &source, "logs-a", 0, 30, true).await;
    seed(&http, &source, "logs-b", 0, 20, true).await;
    seed(&http, &source, "other", 0, 5, true).await;
    source.test_writes_done();
    destination.test_writes_begin();
    http.put(format!("{}/logs-b", destination.url), serde_json::json!({}))
        .await;
    destination.test_writes_done();
    let plan = write_plan(work.path(), &source.url, &destination.url, false, "");
    let p = plan.to_str().unwrap();

    let out = run(work.path(), &["plan", "--refresh", p], &[]);
    let mut filters = migrate_test_support::filters::all();
    let dir = work.path().display().to_string();
    filters.insert(0, (dir.as_str(), "[WORK]"));
    filters.push((r"uuid [A-Za-z0-9_-]{16,}", "uuid [ID]"));
    // Step fingerprints hash the clusters' URLs, whose ports change from run to run.
    filters.push((r"fingerprint [0-9a-f]{12}", "fingerprint [FP]"));
    // What the sandbox makes up per index, as the lint section quotes it.
    filters.push((r"index\.uuid: [^`]+", "index.uuid: [VARIES]"));
    filters.push((
        r"index\.creation_date: [0-9]+",
        "index.creation_date: [VARIES]",
    ));
    insta::with_settings!({ filters => filters }, {
        insta::assert_snapshot!("refresh_of_a_pattern_plan", text(&out));
    });
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));

    let json = run(
        work.path(),
        &["plan", "--refresh", p, "--format", "json"],
        &[],
    );
    let doc: Value = serde_json::from_slice(&json.stdout).expect("refresh JSON parses");
    let names: Vec<(&str, u64)> = doc["live"]["indexes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["name"].as_str().unwrap(), i["docs"].as_u64().unwrap()))
        .collect();
    assert_eq!(names, [("logs-a", 30), ("logs-b", 20)]);
    assert_eq!(doc["live"]["indexes"][1]["destination_status"], "open");
    assert!(doc["steps"].as_array().is_some_and(|s| !s.is_empty()));
    for format in ["markdown", "dot"] {
        let o = run(
            work.path(),
            &["plan", "--refresh", p, "--format", format],
            &[],
        );
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        assert!(
            String::from_utf8_lossy(&o.stdout).contains("live"),
            "{format}"
        );
    }
    assert_eq!(
        writes(&source),
        Vec::<String>::new(),
        "refresh wrote to the source"
    );
    assert_eq!(
        writes(&destination),
        Vec::<String>::new(),
        "refresh wrote to the destination"
    );
    assert!(
        !work.path().join(".migrate").exists(),
        "refresh wrote a state"
    );
}

/// The engine's mutating requests as `METHOD path`.
fn writes(c: &Cluster) -> Vec<String> {
    c.mutating()
        .unwrap()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Asserts the exit code and that stderr says `needle`.
fn expect(out: &std::process::Output, code: i32, needle: &str) {
    assert_eq!(out.status.code(), Some(code), "{}", text(out));
    assert!(
        stderr(out).contains(needle),
        "wanted `{needle}`:\n{}",
        text(out)
    );
}

/// A sandbox pair with `logs-a` (10 documents) on the source and the reindex plan of `logs-*`.
async fn small(work: &Path, approved: bool) -> (Cluster, Cluster, Http, PathBuf) {
    let (source, destination) = pair(work).await;
    let http = Http::new(None);
    seed(&http, &source, "logs-a", 0, 10, true).await;
    let plan = write_plan(work, &source.url, &destination.url, approved, "");
    (source, destination, http, plan)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saved_plan_is_refused_when_the_source_moved_and_applies_when_it_did_not() {
    let work = tempfile::tempdir().unwrap();
    let (source, destination) = pair(work.path()).await;
    let http = Http::new(None);
    seed(&http, &source, "logs-a", 0, 30, true).await;
    seed(&http, &source, "logs-b", 0, 20, true).await;
    let extra = "drift: { doc_count_tolerance_percent: 10 }\n";
    let plan = write_plan(work.path(), &source.url, &destination.url, true, extra);
    let p = plan.to_str().unwrap();
    let saved = work.path().join("saved.json");
    let s = saved.to_str().unwrap();
    let save = || {
        let o = run(work.path(), &["plan", "--refresh", p, "--out", s], &[]);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    };

    // A count past the tolerance (30 → 40 is 33%).
    save();
    seed(&http, &source, "logs-a", 30, 10, false).await;
    let o = run(work.path(), &["apply", s, "--output", "plain"], &[]);
    expect(
        &o,
        2,
        "source index `logs-a`: 30 documents when saved, 40 now",
    );

    // A new index matching the pattern.
    save();
    seed(&http, &source, "logs-c", 0, 3, true).await;
    let o = run(work.path(), &["apply", s, "--output", "plain"], &[]);
    expect(
        &o,
        2,
        "new source index `logs-c` (matches plan entry `logs-*`)",
    );
    assert_eq!(
        writes(&destination),
        Vec::<String>::new(),
        "a refused plan wrote"
    );

    // The plan file edited after saving.
    save();
    let original = std::fs::read_to_string(&plan).unwrap();
    std::fs::write(&plan, original.replace("batch_size: 100", "batch_size: 50")).unwrap();
    let o = run(work.path(), &["apply", s, "--output", "plain"], &[]);
    expect(&o, 2, "changed since the plan was saved");
    std::fs::write(&plan, original).unwrap();

    // Unchanged, or within the tolerance (40 → 41): applies the saved graph.
    save();
    seed(&http, &source, "logs-a", 40, 1, false).await;
    let o = run(work.path(), &["apply", s, "--output", "plain"], &[]);
    expect(&o, 0, "matches the plan file and the clusters");
    assert_eq!(http.count(&destination.url, "logs-a").await, 41);
    assert_eq!(http.count(&destination.url, "logs-c").await, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_approval_recorded_by_approve_is_invalidated_by_a_plan_change() {
    let work = tempfile::tempdir().unwrap();
    let (source, destination, http, plan) = small(work.path(), false).await;
    let p = plan.to_str().unwrap();

    let o = run(
        work.path(),
        &["approve", p, "--gate", "cutover", "--by", "alice"],
        &[],
    );
    expect(&o, 0, "approved gate `cutover` of plan `live` by alice");
    let o = run(work.path(), &["approve", p, "--gate", "nope"], &[]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));

    // The plan changes after the approval: apply stops at the gate and says why.
    let original = std::fs::read_to_string(&plan).unwrap();
    std::fs::write(&plan, original.replace("batch_size: 100", "batch_size: 50")).unwrap();
    let o = run(work.path(), &["apply", p, "--output", "plain"], &[]);
    expect(&o, 0, "was for plan fingerprint");
    assert!(stderr(&o).contains("no longer counts"), "{}", text(&o));
    let status = run(work.path(), &["status", p], &[]);
    assert!(!text(&status).contains("complete"), "{}", text(&status));
    assert_eq!(
        source.count("PUT", |path| path.ends_with("/_settings")),
        Some(0),
        "the source was blocked without an approval"
    );

    // Approved again for the plan as it is: the gate passes.
    let o = run(
        work.path(),
        &["approve", p, "--gate", "cutover", "--by", "bob"],
        &[],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let o = run(work.path(), &["apply", p, "--output", "plain"], &[]);
    expect(&o, 0, "cutover approved by bob");
    assert_eq!(http.count(&destination.url, "logs-a").await, 10);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auto_approve_passes_the_gate_of_an_unapproved_plan() {
    let work = tempfile::tempdir().unwrap();
    let (source, destination, http, plan) = small(work.path(), false).await;
    let p = plan.to_str().unwrap();
    let o = run(
        work.path(),
        &["apply", p, "--auto-approve", "--output", "plain"],
        &[],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(http.count(&destination.url, "logs-a").await, 10);
    assert!(
        source
            .count("PUT", |path| path.ends_with("/_settings"))
            .unwrap()
            > 0,
        "the cutover blocked source writes"
    );
}

/// The demo's reindex plan (`migrate demo --strategy reindex`: ES 5.6 → ES 7.10, `movies` and
/// `logs-2026.*`), approved, on a fresh sandbox pair seeded with `n` movies and `n/2` log lines
/// per log index; returns the work directory's plan.
/// The demo's two runbooks: the same seeded source moved by remote reindex (5.6 → 7.10) or by
/// snapshot, transfer between two stores and restore (5.6 → 6.8).
#[derive(Clone, Copy)]
enum Demo {
    Reindex,
    Snapshot,
}

impl Demo {
    fn name(self) -> &'static str {
        match self {
            Demo::Reindex => "demo-reindex",
            Demo::Snapshot => "demo-snapshot",
        }
    }
}

async fn demo_plan(work: &Path, n: usize, demo: Demo) -> (PathBuf, Cluster, Cluster) {
    let (source, destination) = clusters(
        Pair {
            source: (Flavor::Elasticsearch, "5.6.16"),
            destination: match demo {
                Demo::Reindex => (Flavor::Elasticsearch, "7.10.2"),
                Demo::Snapshot => (Flavor::Elasticsearch, "6.8.23"),
            },
            source_auth: None,
            snapshot_dirs: matches!(demo, Demo::Snapshot),
        },
        work,
    )
    .await;
    let http = Http::new(None);
    for (index, count) in [
        ("movies", n),
        ("logs-2026.01", n / 2),
        ("logs-2026.02", n / 2),
    ] {
        create_movies(&http, &source.url, index, Some("doc")).await;
        for chunk in (0..count).collect::<Vec<_>>().chunks(1000) {
            let docs: Vec<_> = chunk
                .iter()
                .map(|&i| {
                    (
                        index,
                        Some("doc"),
                        i.to_string(),
                        movie(i, Some(1_700_000_000_000 + i as u64)),
                    )
                })
                .collect();
            http.bulk(&source.url, &docs).await;
        }
    }
    let strategy = match demo {
        Demo::Reindex => format!(
            "  reindex:\n    remote_host: {}\n    batch_size: 500\n    update_field: updated_at\n    incremental_passes: 1\n",
            source.url
        ),
        Demo::Snapshot => format!(
            "  snapshot:\n    repository: demo-repository\n\
             \x20   source_store: {{ fs: {{ location: \"{}\" }} }}\n\
             \x20   destination_store: {{ fs: {{ location: \"{}\" }} }}\n\
             \x20   incremental_rounds: 1\n",
            source.repo_dir.as_ref().expect("source repo dir").display(),
            destination
                .repo_dir
                .as_ref()
                .expect("destination repo dir")
                .display()
        ),
    };
    let plan = work.join("plan.yaml");
    std::fs::write(
        &plan,
        format!(
            "version: 1\nname: {name}\n\
             source:\n  url: {s}\n  version: elasticsearch-5.6.16\n\
             destination:\n  url: {d}\n\
             indexes: [movies, \"logs-2026.*\"]\n\
             strategy:\n{strategy}\
             cutover: {{ approved: true, block_source_writes: true }}\n\
             verify: {{ doc_count: true, health: yellow, sample: 20 }}\n",
            name = demo.name(),
            s = source.url,
            d = destination.url
        ),
    )
    .unwrap();
    (plan, source, destination)
}

/// The phases a complete apply measured (`live.measured` of its state), summed.
fn measured_seconds(work: &Path, demo: Demo) -> f64 {
    let path = work
        .join(".migrate")
        .join(format!("{}.state.json", demo.name()));
    let state: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let measured = state["live"]["measured"]
        .as_object()
        .expect("measured rates recorded");
    let phase = match demo {
        Demo::Reindex => "reindex",
        Demo::Snapshot => "restore",
    };
    assert!(measured.contains_key(phase), "{measured:?}");
    measured
        .values()
        .map(|m| m["seconds"].as_f64().unwrap())
        .sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_estimate_from_one_runs_measured_rates_is_within_a_factor_of_two_of_the_next_run() {
    estimate_within_a_factor_of_two(Demo::Reindex).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_snapshot_demos_estimate_is_within_a_factor_of_two_of_the_next_run() {
    estimate_within_a_factor_of_two(Demo::Snapshot).await;
}

/// Run 1 measures the phases; `plan --refresh` of a second identical pair with run 1's state
/// estimates; run 2 must take between half and twice the estimate.
async fn estimate_within_a_factor_of_two(demo: Demo) {
    if real_clusters() {
        return; // two identical fresh pairs are needed
    }
    let n = 3000;
    let first = tempfile::tempdir().unwrap();
    let (plan, _s1, _d1) = demo_plan(first.path(), n, demo).await;
    let o = run(
        first.path(),
        &["apply", plan.to_str().unwrap(), "--output", "plain"],
        &[],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let run1 = measured_seconds(first.path(), demo);

    let second = tempfile::tempdir().unwrap();
    let (plan, _s2, _d2) = demo_plan(second.path(), n, demo).await;
    let p = plan.to_str().unwrap();
    let state1 = first.path().join(".migrate");
    let o = run(
        second.path(),
        &[
            "plan",
            "--refresh",
            p,
            "--format",
            "json",
            "--state",
            state1.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let doc: Value = serde_json::from_slice(&o.stdout).unwrap();
    let estimate = &doc["live"]["estimate"];
    for phase in estimate["phases"].as_array().unwrap() {
        assert_eq!(phase["rate_from"], "measured", "{phase}");
    }
    let estimated = estimate["total_seconds"].as_f64().unwrap();
    let o = run(second.path(), &["apply", p, "--output", "plain"], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let run2 = measured_seconds(second.path(), demo);
    let ratio = estimated / run2;
    eprintln!(
        "run 1 measured {run1:.2}s, estimate {estimated:.2}s, run 2 measured {run2:.2}s, ratio {ratio:.2}"
    );
    assert!(
        (0.5..=2.0).contains(&ratio),
        "estimate {estimated:.2}s vs run 2's {run2:.2}s (ratio {ratio:.2}; run 1 took {run1:.2}s)"
    );
}

/// The status of a raw request (no assertion on success).
async fn status_of(method: reqwest::Method, url: String, body: Option<Value>) -> u16 {
    let mut r = reqwest::Client::new().request(method, url);
    if let Some(b) = body {
        r = r.json(&b);
    }
    r.send().await.unwrap().status().as_u16()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn abort_after_cutover_makes_the_source_writable_again_and_leaves_the_destination_data() {
    let work = tempfile::tempdir().unwrap();
    let (source, destination, http, plan) = small(work.path(), true).await;
    http.put(
        format!("{}/logs-a/_alias/logs-live", source.url),
        serde_json::json!({}),
    )
    .await;
    let p = plan.to_str().unwrap();
    let o = run(work.path(), &["apply", p, "--output", "plain"], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    // Written as a user would after the abort: stamped with the current time.
    let now_ms = (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as u64;
    let doc = Some(movie(99, Some(now_ms)));
    let write = format!("{}/logs-a/_doc/99", source.url);
    assert_ne!(
        status_of(reqwest::Method::PUT, write.clone(), doc.clone()).await / 100,
        2,
        "the cutover left the source writable"
    );
    let alias = format!("{}/_alias/logs-live", destination.url);
    assert_eq!(
        status_of(reqwest::Method::GET, alias.clone(), None).await,
        200
    );

    // The dry run shows the plan and changes nothing.
    let puts = source.count("PUT", |path| path.ends_with("/_settings"));
    let o = run(work.path(), &["abort", p], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let shown = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(
        shown.contains("lift the write block on source index `logs-a`"),
        "{shown}"
    );
    assert!(
        shown.contains("remove alias `logs-live` the engine added to destination index `logs-a`"),
        "{shown}"
    );
    assert!(
        stderr(&o).contains("dry run: nothing was changed"),
        "{}",
        text(&o)
    );
    assert_eq!(
        source.count("PUT", |path| path.ends_with("/_settings")),
        puts
    );
    assert_eq!(
        status_of(reqwest::Method::GET, alias.clone(), None).await,
        200
    );

    let o = run(work.path(), &["abort", p, "--yes", "--by", "carol"], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(
        status_of(reqwest::Method::PUT, write, doc).await / 100,
        2,
        "the source is still blocked after the abort"
    );
    assert_eq!(status_of(reqwest::Method::GET, alias, None).await, 404);
    assert_eq!(http.count(&destination.url, "logs-a").await, 10);
    let state: Value = serde_json::from_str(
        &std::fs::read_to_string(work.path().join(".migrate").join("live.state.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(state["live"]["aborts"][0]["by"], "carol");
    assert_eq!(
        state["live"]["aborts"][0]["actions"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    // The cutover was undone, not remembered: a second apply blocks the source again and its final
    // pass copies the document written after the abort.
    let o = run(work.path(), &["apply", p, "--output", "plain"], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_ne!(
        status_of(
            reqwest::Method::PUT,
            format!("{}/logs-a/_doc/100", source.url),
            Some(movie(100, Some(1_700_000_000_100)))
        )
        .await
            / 100,
        2,
        "the apply after the abort left the source writable"
    );
    assert_eq!(http.count(&destination.url, "logs-a").await, 11);
}
