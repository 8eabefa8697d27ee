//! `incremental_passes: { max: 4, until: { documents: 5 } }` through `migrate apply` between
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
            t.contains(&format!(
                "{}: skipped: delta 3 below until 5 (`{}` copied 3 documents)",
                step(pass),
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
