//! A restored destination index is trusted only while it is the one the restore made: each done
//! `restore` records the index's uuid, and on resume an index deleted since is restored again from
//! the latest round's snapshot (the proof then clean), while an index deleted and created again
//! outside the migration fails the run naming it — never a green run over it (ES 5.6 → 6.8, two
//! fs stores).

use std::path::{Path, PathBuf};

use crate::support::*;

/// The snapshot campaign pair and its plan (one incremental round, cutover not approved), applied
/// once: rounds 1 and 2 restored, the run stopped at the gate.
async fn snapshot_to_the_gate(name: &str, work: &Path) -> (Cluster, Cluster, PathBuf) {
    let (source, destination) = strategy_pair("snapshot", work, 40, 7).await;
    let plan = work.join("plan.yaml");
    let body = campaign_plan(name, "snapshot", &source, &destination, 3, 100)
        .replace("approved: true", "approved: false");
    std::fs::write(&plan, body).unwrap();
    let out = run(work, &["apply", "plan.yaml", "--output", "plain"], &[]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(0), "{shown}");
    assert!(shown.contains("gate/cutover"), "{shown}");
    (source, destination, plan)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restored_index_deleted_between_runs_is_restored_again_and_the_proof_is_clean() {
    let work = tempfile::tempdir().unwrap();
    let (source, destination, plan) = snapshot_to_the_gate("gone", work.path()).await;
    delete(format!("{}/movies", destination.url)).await;
    approve(&plan);
    let out = run(
        work.path(),
        &["apply", "plan.yaml", "--output", "plain"],
        &[],
    );
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(0), "{shown}");
    assert!(
        shown.contains("restore/movies/round-2: destination index `movies`")
            && shown.contains("no longer exists; it is restored again from"),
        "the latest round's restore runs again: {shown}"
    );
    assert!(
        !shown.contains("re-check restore/movies/round-1"),
        "round 1's restore is answered for by round 2's: {shown}"
    );
    let http = Http::new(None);
    assert_eq!(
        http.count(&destination.url, "movies").await,
        http.count(&source.url, "movies").await
    );
    assert!(
        shown
            .lines()
            .any(|l| l.starts_with("movies ") && l.trim_end().ends_with("clean")),
        "{shown}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restored_index_replaced_outside_the_migration_fails_the_run_naming_it() {
    let work = tempfile::tempdir().unwrap();
    let (_source, destination, plan) = snapshot_to_the_gate("replaced", work.path()).await;
    delete(format!("{}/movies", destination.url)).await;
    Http::new(None)
        .put(
            format!("{}/movies", destination.url),
            serde_json::json!({"settings": {"number_of_shards": 1}}),
        )
        .await;
    approve(&plan);
    let out = run(
        work.path(),
        &["apply", "plan.yaml", "--output", "plain"],
        &[],
    );
    let shown = text(&out);
    assert_ne!(out.status.code(), Some(0), "never green: {shown}");
    assert!(
        shown.contains("destination index `movies` now has uuid")
            && shown.contains("never restores or copies into an index it did not create")
            && shown.contains("delete `movies` on the destination and run apply again"),
        "{shown}"
    );
    let http = Http::new(None);
    assert_eq!(
        http.count(&destination.url, "movies").await,
        0,
        "nothing was restored or copied into the foreign index"
    );
}
