//! One source of truth for translation, end to end between sandboxes: the index `migrate apply`
//! creates on the destination is the one `migrate lint` shows (analysis names renamed, routing
//! allocation stripped), and the proof compares the destination against that same translation.
//! The destination sandbox refuses the old names as the real servers do, so an apply that created
//! the source's definition as is would fail.

use crate::support::*;
use migrate_sandbox::Flavor;
use serde_json::json;

/// `grams` on the source: an `nGram` tokenizer, an `edgeNGram` filter, an allocation filter.
async fn seed_grams(http: &Http, source: &Cluster) {
    source.test_writes_begin();
    http.put(
        format!("{}/grams", source.url),
        json!({
            "settings": {
                "number_of_shards": 1,
                "number_of_replicas": 0,
                "routing": {"allocation": {"require": {"box": "hot"}}},
                "analysis": {
                    "tokenizer": {"grams": {"type": "nGram", "min_gram": 2, "max_gram": 3}},
                    "filter": {"edges": {"type": "edgeNGram", "min_gram": 1, "max_gram": 5}},
                    "analyzer": {"grams": {"type": "custom", "tokenizer": "grams", "filter": ["lowercase", "edges"]}}
                }
            },
            "mappings": {"_doc": {"properties": {
                "title": {"type": "text", "analyzer": "grams"},
                "updated_at": {"type": "date", "format": "epoch_millis"}
            }}}
        }),
    )
    .await;
    let docs: Vec<_> = (0..40)
        .map(|i| {
            (
                "grams",
                Some("_doc"),
                i.to_string(),
                json!({"title": format!("Title number {i}"), "updated_at": 1_700_000_000_000u64 + i}),
            )
        })
        .collect();
    http.bulk(&source.url, &docs).await;
    source.test_writes_done();
}

fn plan(source: &Cluster, destination: &Cluster) -> String {
    format!(
        "version: 1\nname: translated\nsource:\n  url: {}\ndestination:\n  url: {}\n\
         indexes: [grams]\n\
         strategy:\n  copy:\n    slices: 1\n    batch_size: 50\n\
         cutover: {{ approved: true, block_source_writes: true }}\n\
         verify: {{ doc_count: true, health: yellow }}\n",
        source.url, destination.url
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn copy_from_es_6_8_to_opensearch_3_creates_the_index_the_lint_shows_and_proves_it_clean() {
    if real_clusters() {
        return;
    }
    let work = tempfile::tempdir().unwrap();
    let (source, destination) = clusters(
        Pair {
            source: (Flavor::Elasticsearch, "6.8.23"),
            destination: (Flavor::OpenSearch, "3.0.0"),
            source_auth: None,
            snapshot_dirs: false,
        },
        work.path(),
    )
    .await;
    let http = Http::new(None);
    seed_grams(&http, &source).await;

    // The destination refuses the source's definition as it is.
    let refused = reqwest::Client::new()
        .put(format!("{}/as-is", destination.url))
        .json(&json!({"settings": {"analysis": {"tokenizer": {"g": {"type": "nGram"}}}}}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status().as_u16(), 400);

    let path = work.path().join("plan.yaml");
    std::fs::write(&path, plan(&source, &destination)).unwrap();
    let p = path.to_str().unwrap();
    let lint = run(work.path(), &["lint", p], &[]);
    let lt = text(&lint);
    assert_eq!(lint.status.code(), Some(0), "{lt}");
    for rule in ["ngram-names", "strip-routing-allocation"] {
        assert!(lt.contains(rule), "the lint names `{rule}`: {lt}");
    }

    let out = run(work.path(), &["apply", p, "--output", "plain"], &[]);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(0), "{t}");
    assert!(
        t.lines()
            .any(|l| l.starts_with("grams ") && l.trim_end().ends_with("clean")),
        "the proof is clean: {t}"
    );

    let settings = http
        .get(format!(
            "{}/grams/_settings?flat_settings=true",
            destination.url
        ))
        .await;
    let s = &settings["grams"]["settings"];
    assert_eq!(s["index.analysis.tokenizer.grams.type"], "ngram", "{s}");
    assert_eq!(s["index.analysis.filter.edges.type"], "edge_ngram", "{s}");
    assert_eq!(
        s["index.analysis.analyzer.grams.filter"],
        json!(["lowercase", "edges"]),
        "{s}"
    );
    let kept: Vec<&String> = s
        .as_object()
        .map(|m| {
            m.keys()
                .filter(|k| k.starts_with("index.routing.allocation.require"))
                .collect()
        })
        .unwrap_or_default();
    assert!(kept.is_empty(), "allocation filters stripped: {kept:?}");
    let mapping = http
        .get(format!("{}/grams/_mapping", destination.url))
        .await;
    assert_eq!(
        mapping["grams"]["mappings"]["properties"]["title"],
        json!({"type": "text", "analyzer": "grams"}),
        "{mapping}"
    );
    assert_eq!(http.count(&destination.url, "grams").await, 40);
}
