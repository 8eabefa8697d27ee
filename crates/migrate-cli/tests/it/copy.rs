//! The copy strategy end to end (`migrate apply` as a child process between two sandboxes), for the
//! pairs the other strategies cannot do: ES 7.17 → OpenSearch 2.x, OpenSearch 2.x → ES 8.x and
//! ES 5.6 (typed) → OpenSearch 2.x; routed documents keep their routing; documents written at the
//! gate arrive with the final pass; a document the destination refuses is a dead letter and the run
//! is not clean.

use std::path::Path;

use crate::support::*;
use migrate_sandbox::Flavor;
use serde_json::{Value, json};

fn copy_plan(name: &str, source: &Cluster, destination: &Cluster, indexes: &str) -> String {
    format!(
        "version: 1\nname: {name}\nsource:\n  url: {}\ndestination:\n  url: {}\n\
         indexes: {indexes}\n\
         strategy:\n  copy:\n    slices: 2\n    batch_size: 50\n    concurrency: 3\n    update_field: updated_at\n    incremental_passes: 1\n\
         cutover: {{ approved: false, block_source_writes: true }}\n\
         verify: {{ doc_count: true, health: yellow, sample: 10 }}\n\
         settings: {{ parallelism: 4, retry: {{ max_attempts: 6, initial_backoff_ms: 50, max_backoff_ms: 1000 }} }}\n",
        source.url, destination.url
    )
}

/// `movies` with `n` documents (every tenth without `updated_at`) and `routed` documents stored
/// with a custom routing.
async fn seed(http: &Http, source: &Cluster, ty: Option<&str>, n: usize, routed: usize) {
    source.test_writes_begin();
    create_movies(http, &source.url, "movies", ty).await;
    let docs: Vec<_> = (0..n)
        .map(|i| {
            let updated = (i % 10 != 0).then_some(1_700_000_000_000 + i as u64);
            ("movies", ty, i.to_string(), movie(i, updated))
        })
        .collect();
    http.bulk(&source.url, &docs).await;
    for r in 0..routed {
        let path = ty.unwrap_or("_doc");
        http.put(
            format!(
                "{}/movies/{path}/routed-{r}?routing=user-{r}&refresh=true",
                source.url
            ),
            movie(90_000 + r, Some(1_700_000_000_000)),
        )
        .await;
    }
    source.test_writes_done();
}

/// Every source document is on the destination with the same `_source` (and routing).
async fn same_documents(http: &Http, source: &Cluster, destination: &Cluster, n: u64) {
    let (a, b) = (
        http.count(&source.url, "movies").await,
        http.count(&destination.url, "movies").await,
    );
    assert_eq!(a, b, "document counts: source {a}, destination {b}");
    assert!(a >= n, "{a}");
    let page = |base: &str| {
        let url = format!("{base}/movies/_search");
        async move {
            let body = json!({"size": 10_000, "sort": ["_doc"]});
            let r = reqwest::Client::new()
                .post(url)
                .json(&body)
                .send()
                .await
                .unwrap();
            let v: Value = r.json().await.unwrap();
            let mut docs: Vec<(String, Option<String>, Value)> = v["hits"]["hits"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .map(|h| {
                    (
                        h["_id"].as_str().unwrap_or_default().to_owned(),
                        h["_routing"].as_str().map(str::to_owned),
                        h["_source"].clone(),
                    )
                })
                .collect();
            docs.sort_by(|x, y| x.0.cmp(&y.0));
            docs
        }
    };
    let (s, d) = (page(&source.url).await, page(&destination.url).await);
    assert_eq!(s.len(), d.len());
    for (x, y) in s.iter().zip(&d) {
        assert_eq!(x, y, "document `{}` differs", x.0);
    }
}

async fn run_to_gate_and_finish(
    work: &Path,
    source: &Cluster,
    destination: &Cluster,
    ty: Option<&str>,
) {
    let http = Http::new(None);
    let plan = work.join("plan.yaml");
    let p = plan.to_str().unwrap();
    let dry = run(work, &["plan", "--dry-run", p, "--format", "markdown"], &[]);
    assert_eq!(dry.status.code(), Some(0), "{}", text(&dry));
    assert!(text(&dry).contains("/_bulk"), "{}", text(&dry));

    let first = run(work, &["apply", p, "--output", "plain"], &[]);
    let t = text(&first);
    assert_eq!(first.status.code(), Some(0), "{t}");
    assert!(t.contains("cutover.approved: true"), "{t}");

    // Written at the gate: the final pass carries them.
    source.test_writes_begin();
    let more: Vec<_> = (5_000..5_040)
        .map(|i| ("movies", ty, i.to_string(), movie(i, Some(now_millis()))))
        .collect();
    http.bulk(&source.url, &more).await;
    source.test_writes_done();
    approve(&plan);
    let second = run(work, &["apply", p, "--output", "plain"], &[]);
    let t2 = text(&second);
    assert_eq!(second.status.code(), Some(0), "{t2}");
    same_documents(&http, source, destination, 340).await;
    let routed = http
        .get(format!(
            "{}/movies/{}/routed-1?routing=user-1",
            destination.url, "_doc"
        ))
        .await;
    assert_eq!(routed["_routing"], "user-1", "{routed}");
}

async fn pair(
    source: (Flavor, &'static str),
    destination: (Flavor, &'static str),
    work: &Path,
) -> (Cluster, Cluster) {
    clusters(
        Pair {
            source,
            destination,
            source_auth: None,
            snapshot_dirs: false,
        },
        work,
    )
    .await
}

/// Seeds the source, writes the plan and runs it to the gate and to the end.
async fn migrate_pair(
    name: &str,
    from: (Flavor, &'static str),
    into: (Flavor, &'static str),
    ty: Option<&str>,
) {
    let work = tempfile::tempdir().unwrap();
    let (source, destination) = pair(from, into, work.path()).await;
    seed(&Http::new(None), &source, ty, 300, 3).await;
    std::fs::write(
        work.path().join("plan.yaml"),
        copy_plan(name, &source, &destination, "[movies]"),
    )
    .unwrap();
    run_to_gate_and_finish(work.path(), &source, &destination, ty).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn copy_moves_es_7_17_to_opensearch_2_with_routing_and_writes_made_at_the_gate() {
    migrate_pair(
        "copy-717-os2",
        (Flavor::Elasticsearch, "7.17.22"),
        (Flavor::OpenSearch, "2.11.0"),
        None,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn copy_moves_opensearch_2_to_es_8() {
    migrate_pair(
        "copy-os2-es8",
        (Flavor::OpenSearch, "2.11.0"),
        (Flavor::Elasticsearch, "8.15.0"),
        None,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn copy_moves_typed_es_5_6_documents_to_opensearch_2() {
    migrate_pair(
        "copy-56-os2",
        (Flavor::Elasticsearch, "5.6.16"),
        (Flavor::OpenSearch, "2.11.0"),
        Some("movie"),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_document_the_destination_refuses_is_a_dead_letter_and_the_run_is_not_clean() {
    let work = tempfile::tempdir().unwrap();
    let (source, destination) = pair(
        (Flavor::Elasticsearch, "7.17.22"),
        (Flavor::OpenSearch, "2.11.0"),
        work.path(),
    )
    .await;
    let http = Http::new(None);
    source.test_writes_begin();
    // The source maps nothing dynamically: `rating` is kept in `_source`, never parsed.
    http.put(
        format!("{}/movies", source.url),
        json!({"mappings": {"dynamic": false, "properties": {"title": {"type": "text"}}}}),
    )
    .await;
    let mut docs: Vec<_> = (0..60)
        .map(|i| {
            (
                "movies",
                None,
                i.to_string(),
                json!({"title": format!("m{i}"), "rating": i}),
            )
        })
        .collect();
    docs[17].3 = json!({"title": "m17", "rating": "five stars"});
    http.bulk(&source.url, &docs).await;
    source.test_writes_done();
    // The destination already has the index, with `rating` an integer (compatible mappings).
    http.put(
        format!("{}/movies", destination.url),
        json!({"mappings": {"properties": {"title": {"type": "text"}, "rating": {"type": "integer"}}}}),
    )
    .await;
    let plan = work.path().join("plan.yaml");
    std::fs::write(
        &plan,
        copy_plan("copy-refused", &source, &destination, "[movies]")
            .replace("approved: false", "approved: true")
            .replace(
                "    update_field: updated_at\n    incremental_passes: 1\n",
                "",
            ),
    )
    .unwrap();
    let p = plan.to_str().unwrap();
    let out = run(work.path(), &["apply", p, "--output", "plain"], &[]);
    let t = text(&out);
    assert_ne!(
        out.status.code(),
        Some(0),
        "a run with a refused document is not clean: {t}"
    );
    // The proof counts the refused document apart (dead-lettered, not missing) and names it.
    assert!(
        t.contains("movies  60           59                0        0"),
        "not counted missing: {t}"
    );
    let proof = std::fs::read_to_string(work.path().join(".migrate/verify/verify_movies.jsonl"))
        .unwrap_or_else(|e| panic!("{e}: {t}"));
    assert!(
        proof.contains(r#""id":"17","kind":"missing""#)
            && proof.contains(r#""dead_lettered":true"#),
        "{proof}"
    );
    assert_eq!(http.count(&destination.url, "movies").await, 59, "{t}");
    let dir = work.path().join(".migrate/dead-letters/copy-refused");
    let letters: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}\n{t}", dir.display()))
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    assert_eq!(
        letters.len(),
        1,
        "one dead-letter file for every pass of `movies`"
    );
    let all = letters.concat();
    assert_eq!(
        all.matches("\"id\":\"17\"").count(),
        1,
        "a document refused by several passes is named once: {all}"
    );
    assert!(all.contains("mapper_parsing_exception"), "{all}");
    assert!(
        !all.contains("five stars"),
        "documents never go to the dead-letter file: {all}"
    );
}
