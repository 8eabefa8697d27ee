//! The must-show cases the other modules do not cover, on sandboxes, for the reindex and
//! copy strategies: a document created with a backdated update field, a destination document
//! changed behind the engine's back, and (copy) a document updated past position 10,000 without
//! touching its update field. Each run must not be clean, stays failed when verified again, and is
//! clean (twice) once the destination is repaired.

use crate::support::passes::*;
use crate::support::*;
use serde_json::{Value, json};

/// A started pair with `n` movies on the source and the plan written; the plan's path.
async fn setup(
    strategy: &str,
    work: &std::path::Path,
    n: usize,
) -> (Cluster, Cluster, std::path::PathBuf) {
    let (source, destination) = pass_pair(strategy, "7.10.2", work).await;
    let hs = Http::new(None);
    create_movies(&hs, &source.url, "movies", None).await;
    let docs: Vec<_> = (0..n)
        .map(|i| {
            let d = movie(i, Some(1_700_000_000_000 + i as u64));
            ("movies", None, i.to_string(), d)
        })
        .collect();
    for chunk in docs.chunks(2_000) {
        hs.bulk(&source.url, chunk).await;
    }
    let path = work.join("plan.yaml");
    std::fs::write(
        &path,
        pass_plan("must-show", strategy, &source, &destination, ""),
    )
    .unwrap();
    (source, destination, path)
}

fn verify(work: &std::path::Path, plan: &str) -> (Option<i32>, String) {
    let out = run(work, &["verify", plan, "--output", "plain"], &[]);
    (out.status.code(), text(&out))
}

/// The destination document `id` set to `doc`, then verified clean twice.
async fn repaired_is_clean_twice(
    work: &std::path::Path,
    plan: &str,
    dst: &str,
    id: &str,
    doc: Value,
) {
    Http::new(None)
        .put(format!("{dst}/movies/_doc/{id}?refresh=true"), doc)
        .await;
    for _ in 0..2 {
        let (code, t) = verify(work, plan);
        assert_eq!((code, movies_row_says(&t, "clean")), (Some(0), true), "{t}");
    }
}

/// Runs `n` movies to the gate, writes `doc` as `id` on the source, approves and runs to the end:
/// no pass sees the write, so the run fails naming `id`, fails again verified, and is clean twice
/// once the destination has the document.
async fn a_write_no_pass_sees_fails_until_repaired(strategy: &str, n: usize, id: &str, doc: Value) {
    let work = tempfile::tempdir().unwrap();
    let (source, destination, plan) = setup(strategy, work.path(), n).await;
    let p = plan.to_str().unwrap();
    let first = run(work.path(), &["apply", p, "--output", "plain"], &[]);
    assert_eq!(first.status.code(), Some(0), "{}", text(&first));
    Http::new(None)
        .put(
            format!("{}/movies/_doc/{id}?refresh=true", source.url),
            doc.clone(),
        )
        .await;
    approve(&plan);
    let second = run(work.path(), &["apply", p, "--output", "plain"], &[]);
    let t = text(&second);
    assert_eq!(second.status.code(), Some(1), "{t}");
    assert!(
        movies_row_says(&t, "FAILED") && t.contains(&format!("1 ({id})")),
        "{t}"
    );
    let (code, t) = verify(work.path(), p);
    assert_eq!(
        (code, movies_row_says(&t, "FAILED")),
        (Some(1), true),
        "{t}"
    );
    repaired_is_clean_twice(work.path(), p, &destination.url, id, doc).await;
}

/// Written at the gate with an update time older than every pass's range.
async fn a_backdated_document_fails_the_run(strategy: &str) {
    let late = movie(9, Some(1_600_000_000_000));
    a_write_no_pass_sees_fails_until_repaired(strategy, 200, "late", late).await;
}

/// Changed on the source at the gate, past position 10,000, keeping its update time.
async fn a_source_update_without_its_update_field_fails(strategy: &str) {
    let mut changed = movie(10_040, Some(1_700_000_010_040));
    changed["title"] = json!("Renamed behind the update field");
    a_write_no_pass_sees_fails_until_repaired(strategy, 10_050, "10040", changed).await;
}

/// A clean run, then a destination document changed behind the engine's back.
async fn a_destination_changed_behind_the_engines_back_fails(strategy: &str, n: usize, id: usize) {
    let work = tempfile::tempdir().unwrap();
    let (_source, destination, plan) = setup(strategy, work.path(), n).await;
    approve(&plan);
    let p = plan.to_str().unwrap();
    let out = run(work.path(), &["apply", p, "--output", "plain"], &[]);
    let t = text(&out);
    assert_eq!(
        (out.status.code(), movies_row_says(&t, "clean")),
        (Some(0), true),
        "{t}"
    );
    let (code, t) = verify(work.path(), p);
    assert_eq!((code, movies_row_says(&t, "clean")), (Some(0), true), "{t}");
    let original = movie(id, Some(1_700_000_000_000 + id as u64));
    let mut changed = original.clone();
    changed["title"] = json!("Changed behind the update field");
    Http::new(None)
        .put(
            format!("{}/movies/_doc/{id}?refresh=true", destination.url),
            changed,
        )
        .await;
    for _ in 0..2 {
        let (code, t) = verify(work.path(), p);
        assert_eq!(code, Some(1), "{t}");
        assert!(
            movies_row_says(&t, "FAILED") && t.contains(&format!("1 ({id})")),
            "{t}"
        );
    }
    repaired_is_clean_twice(work.path(), p, &destination.url, &id.to_string(), original).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reindex_a_document_created_with_a_backdated_update_field_fails_until_repaired() {
    if real_clusters() {
        return;
    }
    a_backdated_document_fails_the_run("reindex").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn copy_a_document_created_with_a_backdated_update_field_fails_until_repaired() {
    if real_clusters() {
        return;
    }
    a_backdated_document_fails_the_run("copy").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn copy_a_destination_document_changed_behind_the_engines_back_past_10000_fails_until_repaired()
 {
    if real_clusters() {
        return;
    }
    a_destination_changed_behind_the_engines_back_fails("copy", 10_050, 10_040).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reindex_a_destination_document_changed_behind_the_engines_back_fails_until_repaired() {
    if real_clusters() {
        return;
    }
    a_destination_changed_behind_the_engines_back_fails("reindex", 300, 42).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn copy_a_document_updated_past_10000_without_its_update_field_fails_until_repaired() {
    if real_clusters() {
        return;
    }
    a_source_update_without_its_update_field_fails("copy").await;
}
