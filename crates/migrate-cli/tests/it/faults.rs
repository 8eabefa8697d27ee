//! Fault campaign: `migrate apply` (child process) against sandboxes that answer a share of all
//! requests with 429 or 503, drop connections and add latency, at 5 %, 10 % and 20 %, for both
//! strategies. Each run must either complete with the right result (counts equal, the plan's own
//! verification passed) or fail with a clear, resumable error — after which an apply with the
//! faults lifted completes. A wrong result reported as success fails the test.
//!
//! `MIGRATE_FAULT_ROUNDS` repeats the three rates that many times (default 1) for longer runs.

use std::path::Path;
use std::time::Duration;

use crate::support::*;
use migrate_sandbox::FaultRule;

fn inject(cluster: &Cluster, rate: f64) {
    let Some(sb) = &cluster.sandbox else { return };
    let f = sb.faults();
    f.add(FaultRule::status(429).rate(rate * 0.4));
    f.add(FaultRule::status(503).rate(rate * 0.4));
    f.add(FaultRule::drop_connection().rate(rate * 0.1));
    f.add(FaultRule::latency(Duration::from_millis(30)).rate(rate * 0.1));
    // Single `_bulk` items rejected with 429 (only the copy strategy sends `_bulk`).
    f.add(FaultRule::reject_item().path("_bulk").rate(rate));
}

fn injected(cluster: &Cluster) -> usize {
    cluster
        .log()
        .map(|l| {
            l.iter()
                .filter(|r| r.status == 429 || r.status == 503)
                .count()
        })
        .unwrap_or(0)
}

async fn one(strategy: &str, rate: f64, work: &Path) -> (bool, usize) {
    let (source, destination) = strategy_pair(strategy, work, 150, 9).await;
    let http = Http::new(None);
    let plan = work.join("plan.yaml");
    std::fs::write(
        &plan,
        campaign_plan("faults", strategy, &source, &destination, 8, 300),
    )
    .unwrap();
    inject(&source, rate);
    inject(&destination, rate);

    let apply = |dir: std::path::PathBuf, plan: std::path::PathBuf| {
        tokio::task::spawn_blocking(move || {
            run(
                &dir,
                &["apply", plan.to_str().unwrap(), "--output", "plain"],
                &[],
            )
        })
    };
    let out = apply(work.to_owned(), plan.clone()).await.unwrap();
    let faults = injected(&source) + injected(&destination);
    let completed_under_faults = match out.status.code() {
        Some(0) => true,
        Some(1) => {
            // A clear, resumable failure: it names the step, and an apply without faults resumes.
            let t = text(&out);
            if std::env::var_os("MIGRATE_FAULTS_VERBOSE").is_some() {
                eprintln!("{t}");
            }
            assert!(t.contains("failed") && t.contains("migrate apply"), "{t}");
            for c in [&source, &destination] {
                if let Some(sb) = &c.sandbox {
                    sb.faults().clear();
                }
            }
            let again = apply(work.to_owned(), plan.clone()).await.unwrap();
            assert_eq!(
                again.status.code(),
                Some(0),
                "resume after faults: {}",
                text(&again)
            );
            false
        }
        other => panic!("apply exited {other:?} under {rate} faults: {}", text(&out)),
    };
    for c in [&source, &destination] {
        if let Some(sb) = &c.sandbox {
            sb.faults().clear();
        }
    }
    for index in ["movies", "books"] {
        let (a, b) = (
            http.count(&source.url, index).await,
            http.count(&destination.url, index).await,
        );
        assert_eq!(
            a, b,
            "{strategy} at {rate}: `{index}` source {a}, destination {b}"
        );
    }
    (completed_under_faults, faults)
}

async fn campaign(strategy: &str) {
    if real_clusters() {
        return; // faults are injected by the sandboxes
    }
    let mut runs = 0;
    let mut completed = 0;
    let mut faults = 0;
    let rounds: usize = std::env::var("MIGRATE_FAULT_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    for rate in [0.05, 0.10, 0.20].repeat(rounds.max(1)) {
        let work = tempfile::tempdir().unwrap();
        let (ok, n) = one(strategy, rate, work.path()).await;
        runs += 1;
        completed += usize::from(ok);
        faults += n;
    }
    assert!(faults > 0, "no fault was injected");
    println!(
        "fault campaign {strategy}: {runs} runs at 5/10/20 %, {faults} error answers injected (plus dropped connections and latency), {completed} completed under faults, {} failed clearly and resumed, 0 wrong results",
        runs - completed
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_campaign_reindex() {
    campaign("reindex").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_campaign_snapshot() {
    campaign("snapshot").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_campaign_copy() {
    campaign("copy").await;
}
