//! Deletes reconciliation end to end on sandboxes, for the reindex and copy strategies: a document
//! deleted on the source after the first pass is deleted on the destination by the final pass and
//! the proof is clean (and stays clean when verified again); with `reconcile_deletes: false` the
//! proof fails naming the extra id.

use crate::support::passes::*;
use crate::support::*;

/// Runs the plan to the gate, deletes documents `5` and `17` on the source, approves and runs it
/// to the end; the second run's exit code and output.
async fn migrate_with_source_deletes(
    strategy: &str,
    reconcile: bool,
) -> (Option<i32>, String, [Cluster; 2], tempfile::TempDir) {
    let work = tempfile::tempdir().unwrap();
    let (source, destination) = pass_pair(strategy, "6.8.23", work.path()).await;
    let hs = Http::new(None);
    create_movies(&hs, &source.url, "movies", Some("_doc")).await;
    let docs: Vec<_> = (0..300)
        .map(|i| {
            let routing_free = movie(i, Some(1_700_000_000_000 + i as u64));
            ("movies", Some("_doc"), i.to_string(), routing_free)
        })
        .collect();
    hs.bulk(&source.url, &docs).await;
    let plan_path = work.path().join("plan.yaml");
    std::fs::write(
        &plan_path,
        pass_plan(
            "deletes",
            strategy,
            &source,
            &destination,
            if reconcile {
                ""
            } else {
                "    reconcile_deletes: false\n"
            },
        ),
    )
    .unwrap();
    let p = plan_path.to_str().unwrap().to_owned();
    let first = run(work.path(), &["apply", &p, "--output", "plain"], &[]);
    assert_eq!(first.status.code(), Some(0), "{}", text(&first));
    let on_destination = reqwest::Client::new()
        .get(format!("{}/movies/_doc/5", destination.url))
        .send()
        .await
        .unwrap();
    assert_eq!(
        on_destination.status().as_u16(),
        200,
        "copied by the first pass"
    );
    // Deleted on the source after the first pass: no update-time range can see a delete.
    for id in [5, 17] {
        let r = reqwest::Client::new()
            .delete(format!("{}/movies/_doc/{id}?refresh=true", source.url))
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success());
    }
    approve(&plan_path);
    let second = run(work.path(), &["apply", &p, "--output", "plain"], &[]);
    (
        second.status.code(),
        text(&second),
        [source, destination],
        work,
    )
}

async fn a_source_delete_reaches_the_destination_and_the_proof_is_clean(strategy: &str) {
    let (code, t, [_source, destination], work) = migrate_with_source_deletes(strategy, true).await;
    assert_eq!(code, Some(0), "{t}");
    assert!(movies_row_says(&t, "clean"), "{t}");
    assert!(
        t.contains("movies  298"),
        "298 documents on both sides: {t}"
    );
    for id in [5, 17] {
        let gone = reqwest::Client::new()
            .get(format!("{}/movies/_doc/{id}", destination.url))
            .send()
            .await
            .unwrap();
        assert_eq!(gone.status().as_u16(), 404, "document {id} deleted: {t}");
    }
    // The deleted ids are listed under the work directory.
    let dir = work.path().join(".migrate/reconcile-deletes");
    let listed: String = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    assert!(
        listed.contains(r#""id":"5","kind":"extra""#)
            && listed.contains(r#""id":"17","kind":"extra""#),
        "{listed}"
    );
    // Verified again: still clean.
    let plan = work.path().join("plan.yaml");
    let out = run(
        work.path(),
        &["verify", plan.to_str().unwrap(), "--output", "plain"],
        &[],
    );
    let t = text(&out);
    assert_eq!(
        (out.status.code(), movies_row_says(&t, "clean")),
        (Some(0), true),
        "{t}"
    );
}

async fn without_reconciliation_the_proof_fails_naming_the_extra_ids(strategy: &str) {
    let (code, t, _clusters, work) = migrate_with_source_deletes(strategy, false).await;
    assert_eq!(code, Some(1), "{t}");
    assert!(movies_row_says(&t, "FAILED"), "{t}");
    assert!(
        t.contains("2 (17, 5)") || t.contains("2 (5, 17)"),
        "the extra ids are named: {t}"
    );
    assert!(!work.path().join(".migrate/reconcile-deletes").exists());
    let plan = work.path().join("plan.yaml");
    let out = run(
        work.path(),
        &["verify", plan.to_str().unwrap(), "--output", "plain"],
        &[],
    );
    let t = text(&out);
    assert_eq!(
        (out.status.code(), movies_row_says(&t, "FAILED")),
        (Some(1), true),
        "still failed: {t}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reindex_deletes_a_document_deleted_on_the_source_after_the_first_pass() {
    if real_clusters() {
        return;
    }
    a_source_delete_reaches_the_destination_and_the_proof_is_clean("reindex").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn copy_deletes_a_document_deleted_on_the_source_after_the_first_pass() {
    if real_clusters() {
        return;
    }
    a_source_delete_reaches_the_destination_and_the_proof_is_clean("copy").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reindex_without_reconcile_deletes_fails_the_proof_naming_the_extra_ids() {
    if real_clusters() {
        return;
    }
    without_reconciliation_the_proof_fails_naming_the_extra_ids("reindex").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn copy_without_reconcile_deletes_fails_the_proof_naming_the_extra_ids() {
    if real_clusters() {
        return;
    }
    without_reconciliation_the_proof_fails_naming_the_extra_ids("copy").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reconciliation_interrupted_between_delete_batches_converges_when_run_again() {
    if real_clusters() {
        return;
    }
    let work = tempfile::tempdir().unwrap();
    let (source, destination) = pass_pair("reindex", "7.10.2", work.path()).await;
    let hs = Http::new(None);
    create_movies(&hs, &source.url, "movies", None).await;
    let docs = movie_docs(0..2_000, None);
    hs.bulk(&source.url, &docs).await;
    let plan_path = work.path().join("plan.yaml");
    let text_of = pass_plan("resume", "reindex", &source, &destination, "")
        + "settings: { retry: { max_attempts: 1 } }\n";
    std::fs::write(&plan_path, text_of).unwrap();
    let p = plan_path.to_str().unwrap();
    let first = run(work.path(), &["apply", p, "--output", "plain"], &[]);
    assert_eq!(first.status.code(), Some(0), "{}", text(&first));
    // More deletes than one batch of 1000 holds.
    let r = reqwest::Client::new()
        .post(format!(
            "{}/movies/_delete_by_query?refresh=true",
            source.url
        ))
        .json(&serde_json::json!({"query": {"range": {"year": {"gte": 1960}}}}))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
    let left = hs.count(&source.url, "movies").await;
    assert!(left < 1_000, "{left}");
    // The reindex strategy's only `_bulk` is the reconciliation's: its second batch is cut off.
    let sb = destination.sandbox.as_ref().expect("sandbox");
    sb.faults().add(
        migrate_sandbox::FaultRule::drop_connection()
            .path("_bulk")
            .nth(2),
    );
    approve(&plan_path);
    let cut = run(work.path(), &["apply", p, "--output", "plain"], &[]);
    let t = text(&cut);
    assert_ne!(cut.status.code(), Some(0), "{t}");
    assert!(t.contains("reconcile-deletes/movies"), "{t}");
    let between = hs.count(&destination.url, "movies").await;
    assert!(
        between > left && between < 2_000,
        "one batch deleted, not all: {between} on the destination, {left} on the source"
    );
    sb.faults().clear();
    let again = run(work.path(), &["apply", p, "--output", "plain"], &[]);
    let t = text(&again);
    assert_eq!(again.status.code(), Some(0), "{t}");
    assert!(movies_row_says(&t, "clean"), "{t}");
    assert_eq!(hs.count(&destination.url, "movies").await, left);
}
