//! `incremental_passes: { max: 4, until: { documents: 5 } }` (and the snapshot strategy's
//! `incremental_rounds` with `until`, at the end) through `migrate apply` between
//! sandboxes, for the reindex and copy strategies: three documents changed just before the run are
//! pass 1's whole delta (the older ones are the initial copy's), below 5, so passes 2 to 4 finish
//! without copying, each saying why in the run's output; every pass's delta is printed; the run goes
//! on to the cutover and the proof is clean.

use std::time::{SystemTime, UNIX_EPOCH};

use crate::support::passes::*;
use crate::support::*;

async fn passes_stop_once_a_delta_is_below_until(strategy: &str) {
    let work = tempfile::tempdir().unwrap();
    let (source, destination) = pass_pair(strategy, "7.10.2", work.path()).await;
    let hs = Http::new(None);
    create_movies(&hs, &source.url, "movies", None).await;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64;
    // 200 documents last changed in 2023 (the initial copy's), 3 changed now (also pass 1's).
    let docs: Vec<_> = (0..203)
        .map(|i| {
            let at = if i < 200 {
                1_700_000_000_000 + i as u64
            } else {
                now
            };
            ("movies", None, i.to_string(), movie(i, Some(at)))
        })
        .collect();
    hs.bulk(&source.url, &docs).await;
    let plan = pass_plan("until", strategy, &source, &destination, "").replace(
        "incremental_passes: 1",
        "incremental_passes: { max: 4, until: { documents: 5 } }",
    );
    let plan_path = work.path().join("plan.yaml");
    std::fs::write(&plan_path, plan).unwrap();
    let p = plan_path.to_str().unwrap().to_owned();

    let first = run(work.path(), &["apply", &p, "--output", "plain"], &[]);
    let t = text(&first);
    assert_eq!(first.status.code(), Some(0), "{t}");
    let step = |pass: &str| format!("{strategy}/movies/{pass}");
    assert!(
        t.contains(&format!("{}: delta 203 documents in ", step("part-all"))),
        "the initial copy's delta: {t}"
    );
    assert!(
        t.contains(&format!("{}: delta 3 documents in ", step("pass-1"))),
        "pass 1's delta: {t}"
    );
    for pass in ["pass-2", "pass-3", "pass-4"] {
        assert!(
            t.contains(&format!("{}: skipped: delta 3 documents in ", step(pass)))
                && t.contains(&format!(
                    "s is below until (fewer than 5 documents), measured by `{}`; going on to the cutover",
                    step("pass-1")
                )),
            "{pass} skipped with the reason: {t}"
        );
        assert!(
            !t.contains(&format!("{}: delta", step(pass))),
            "{pass} copied nothing: {t}"
        );
    }

    approve(&plan_path);
    let second = run(work.path(), &["apply", &p, "--output", "plain"], &[]);
    let t = text(&second);
    assert_eq!(second.status.code(), Some(0), "{t}");
    assert!(movies_row_says(&t, "clean"), "{t}");
    assert!(
        t.contains("movies  203"),
        "203 documents on both sides: {t}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reindex_passes_after_one_below_until_are_skipped_and_the_proof_is_clean() {
    passes_stop_once_a_delta_is_below_until("reindex").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn copy_passes_after_one_below_until_are_skipped_and_the_proof_is_clean() {
    passes_stop_once_a_delta_is_below_until("copy").await;
}

/// `incremental_rounds: { max: 3, until: { documents: 5 } }` through `migrate apply` (ES 5.6 → 6.8
/// through two fs stores): nothing is written on the source during the run, so round 2's delta is
/// 0 documents, below 5, and rounds 3 and 4 are skipped — each saying why in the output and in
/// `status` — while rounds 1 and 2 print their deltas (documents, bytes, seconds); after approval
/// the final round restores and the proof is clean.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn snapshot_rounds_after_one_below_until_are_skipped_and_the_final_round_proves_clean() {
    let work = tempfile::tempdir().unwrap();
    let (source, destination) = strategy_pair("snapshot", work.path(), 40, 1000).await;
    let plan = campaign_plan("until", "snapshot", &source, &destination, 3, 200)
        .replace(
            "incremental_rounds: 1",
            "incremental_rounds: { max: 3, until: { documents: 5 } }",
        )
        .replace("approved: true", "approved: false");
    let plan_path = work.path().join("plan.yaml");
    std::fs::write(&plan_path, plan).unwrap();
    let p = plan_path.to_str().unwrap().to_owned();

    let first = run(work.path(), &["apply", &p, "--output", "plain"], &[]);
    let t = text(&first);
    assert_eq!(first.status.code(), Some(0), "{t}");
    assert!(
        t.contains("wait-snapshot/round-1: delta 80 documents, "),
        "round 1's delta: the 80 documents it holds: {t}"
    );
    assert!(
        t.contains("wait-snapshot/round-2: delta 0 documents, "),
        "round 2's delta: nothing changed since round 1: {t}"
    );
    for round in ["round-3", "round-4"] {
        assert!(
            t.contains(&format!("snapshot/{round}: skipped: delta 0 documents, "))
                && t.contains("is below until (fewer than 5 documents), measured by `wait-snapshot/round-2`; going on to the cutover"),
            "{round} skipped with the reason: {t}"
        );
        assert!(
            !t.contains(&format!("wait-snapshot/{round}: delta")),
            "{round} took no snapshot: {t}"
        );
    }
    let status = run(work.path(), &["status", &p], &[]);
    let s = text(&status);
    assert_eq!(status.status.code(), Some(0), "{s}");
    assert!(s.contains("rounds and passes"), "{s}");
    assert!(
        s.contains("delta    wait-snapshot/round-2: 0 documents, "),
        "{s}"
    );
    assert!(
        s.contains("skipped  snapshot/round-3: delta 0 documents, ")
            && s.contains("skipped  snapshot/round-4: delta 0 documents, "),
        "{s}"
    );

    approve(&plan_path);
    let second = run(work.path(), &["apply", &p, "--output", "plain"], &[]);
    let t = text(&second);
    assert_eq!(second.status.code(), Some(0), "{t}");
    assert!(
        t.contains("wait-snapshot/final: delta 0 documents, "),
        "the final round's delta counts from round 2: {t}"
    );
    assert!(movies_row_says(&t, "clean"), "{t}");
}
