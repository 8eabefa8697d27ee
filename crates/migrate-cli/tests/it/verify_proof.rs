//! The proof end to end (`migrate apply`, then `migrate verify`), on sandboxes, for both strategies:
//! a clean migration is clean and stays clean when verified again; a destination that differs is
//! FAILED (exit 1), names the documents or the metadata, and stays failed on every re-run until the
//! difference is gone.

use std::path::Path;

use crate::support::*;
use migrate_sandbox::Flavor;
use serde_json::json;

fn reindex_plan(source: &Cluster, destination: &Cluster) -> String {
    format!(
        "version: 1\nname: proof-reindex\nsource:\n  url: {s}\ndestination:\n  url: {d}\n\
         indexes: [movies]\n\
         strategy:\n  reindex:\n    remote_host: {s}\n    batch_size: 1000\n    update_field: updated_at\n    incremental_passes: 1\n\
         cutover: {{ approved: false, block_source_writes: true }}\n",
        s = source.url,
        d = destination.url
    )
}

fn snapshot_plan(source: &Cluster, destination: &Cluster) -> String {
    let a = source.repo_dir.as_ref().expect("source repo dir");
    let b = destination.repo_dir.as_ref().expect("destination repo dir");
    format!(
        "version: 1\nname: proof-snapshot\nsource:\n  url: {}\ndestination:\n  url: {}\n\
         indexes: [movies]\n\
         strategy:\n  snapshot:\n    repository: proof-repository\n\
         \x20   source_store: {{ fs: {{ location: \"{}\" }} }}\n\
         \x20   destination_store: {{ fs: {{ location: \"{}\" }} }}\n\
         \x20   incremental_rounds: 1\n\
         cutover: {{ approved: false, block_source_writes: true }}\n",
        source.url,
        destination.url,
        a.display(),
        b.display()
    )
}

async fn seed(http: &Http, base: &str, n: usize) {
    create_movies(http, base, "movies", None).await;
    let docs: Vec<_> = (0..n)
        .map(|i| {
            (
                "movies",
                None,
                i.to_string(),
                movie(i, Some(1_700_000_000_000 + i as u64)),
            )
        })
        .collect();
    for chunk in docs.chunks(2_000) {
        http.bulk(base, chunk).await;
    }
}

fn verify(work: &Path, plan: &str) -> (Option<i32>, String) {
    let out = run(work, &["verify", plan, "--output", "plain"], &[]);
    (out.status.code(), text(&out))
}

/// A verification table row for `movies` that ends with `result`.
fn row_says(t: &str, result: &str) -> bool {
    t.lines()
        .any(|l| l.starts_with("movies ") && l.trim_end().ends_with(result))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reindex_a_document_updated_past_10000_without_its_update_field_fails_until_repaired() {
    if real_clusters() {
        return;
    }
    let work = tempfile::tempdir().unwrap();
    let (source, destination) = clusters(
        Pair {
            source: (Flavor::Elasticsearch, "7.10.2"),
            destination: (Flavor::Elasticsearch, "7.17.20"),
            source_auth: None,
            snapshot_dirs: false,
        },
        work.path(),
    )
    .await;
    let (hs, hd) = (Http::new(None), Http::new(None));
    seed(&hs, &source.url, 10_050).await;
    let plan = work.path().join("plan.yaml");
    std::fs::write(&plan, reindex_plan(&source, &destination)).unwrap();
    let p = plan.to_str().unwrap();
    let first = run(work.path(), &["apply", p, "--output", "plain"], &[]);
    assert_eq!(first.status.code(), Some(0), "{}", text(&first));

    // Past position 10,000, changed without touching `updated_at`: no incremental pass sees it.
    let stale = movie(10_040, Some(1_700_000_010_040));
    let mut changed = stale.clone();
    changed["title"] = json!("Renamed behind the update field");
    hs.put(
        format!("{}/movies/_doc/10040?refresh=true", source.url),
        changed.clone(),
    )
    .await;
    approve(&plan);
    let second = run(work.path(), &["apply", p, "--output", "plain"], &[]);
    let t = text(&second);
    assert_eq!(second.status.code(), Some(1), "{t}");
    assert!(row_says(&t, "FAILED"), "{t}");
    assert!(t.contains("10040"), "the differing id is named: {t}");
    assert!(t.contains("every finding: "), "{t}");

    // Nothing changed: verifying again fails again.
    let (code, t) = verify(work.path(), p);
    assert_eq!(code, Some(1), "{t}");
    assert!(row_says(&t, "FAILED") && t.contains("10040"), "{t}");

    // Repaired on the destination: clean, and clean again.
    hd.put(
        format!("{}/movies/_doc/10040?refresh=true", destination.url),
        changed,
    )
    .await;
    let (code, t) = verify(work.path(), p);
    assert_eq!(code, Some(0), "{t}");
    assert!(row_says(&t, "clean"), "{t}");
    let (code, t) = verify(work.path(), p);
    assert_eq!(code, Some(0), "{t}");
    assert!(row_says(&t, "clean"), "{t}");

    // A destination document changed behind the engine's back, and one deleted there.
    hd.put(
        format!("{}/movies/_doc/7?refresh=true", destination.url),
        movie(8, None),
    )
    .await;
    let (code, t) = verify(work.path(), p);
    assert_eq!(code, Some(1), "{t}");
    assert!(row_says(&t, "FAILED") && t.contains("1 (7)"), "{t}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn snapshot_carries_a_source_delete_stays_clean_and_a_missing_alias_or_dynamic_mapping_fails()
{
    if real_clusters() {
        return;
    }
    let work = tempfile::tempdir().unwrap();
    let (source, destination) = clusters(
        Pair {
            source: (Flavor::Elasticsearch, "6.8.23"),
            destination: (Flavor::Elasticsearch, "7.10.2"),
            source_auth: None,
            snapshot_dirs: true,
        },
        work.path(),
    )
    .await;
    let (hs, hd) = (Http::new(None), Http::new(None));
    create_movies(&hs, &source.url, "movies", Some("_doc")).await;
    let docs = movie_docs(0..300, Some("_doc"));
    hs.bulk(&source.url, &docs).await;
    hs.put(format!("{}/movies/_alias/films", source.url), json!({}))
        .await;
    let plan = work.path().join("plan.yaml");
    std::fs::write(&plan, snapshot_plan(&source, &destination)).unwrap();
    let p = plan.to_str().unwrap();
    let first = run(work.path(), &["apply", p, "--output", "plain"], &[]);
    assert_eq!(first.status.code(), Some(0), "{}", text(&first));
    // Deleted on the source after the first round: the final restore replaces the index, so the
    // delete follows and the proof (ids both ways) is clean.
    let r = reqwest::Client::new()
        .delete(format!("{}/movies/_doc/5?refresh=true", source.url))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
    approve(&plan);
    let second = run(work.path(), &["apply", p, "--output", "plain"], &[]);
    let t = text(&second);
    assert_eq!(second.status.code(), Some(0), "{t}");
    assert!(row_says(&t, "clean"), "{t}");
    assert!(
        t.contains("movies  299"),
        "299 documents on both sides: {t}"
    );
    let gone = reqwest::Client::new()
        .get(format!("{}/movies/_doc/5", destination.url))
        .send()
        .await
        .unwrap();
    assert_eq!(gone.status().as_u16(), 404, "the deleted document is gone");
    let (code, t) = verify(work.path(), p);
    assert_eq!((code, row_says(&t, "clean")), (Some(0), true), "{t}");

    // The alias removed on the destination.
    let r = reqwest::Client::new()
        .delete(format!("{}/movies/_alias/films", destination.url))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
    let (code, t) = verify(work.path(), p);
    assert_eq!(code, Some(1), "{t}");
    assert!(t.contains("aliases: 1 difference"), "{t}");
    let (code, _) = verify(work.path(), p);
    assert_eq!(code, Some(1), "still failed");

    // The destination recreated by dynamic mapping with the same documents and the alias.
    let r = reqwest::Client::new()
        .delete(format!("{}/movies", destination.url))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
    let docs = movie_docs(0..300, None);
    hd.bulk(&destination.url, &docs).await;
    hd.put(
        format!("{}/movies/_alias/films", destination.url),
        json!({}),
    )
    .await;
    // The restore's postcondition sees the new uuid before the proof runs and names it.
    let (code, t) = verify(work.path(), p);
    assert_eq!(code, Some(1), "{t}");
    assert!(
        t.contains("deleted and created again outside the migration"),
        "{t}"
    );
}
