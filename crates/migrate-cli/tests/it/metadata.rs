//! Metadata end to end (`migrate apply` as a child process between two sandboxes): an ES 6.8
//! source with a legacy template, an ingest pipeline, a stored script, an ILM policy and a filtered
//! alias, migrated by the copy strategy to OpenSearch 2.x (the ILM policy becomes ISM) and to ES
//! 8.x; what landed equals migrate-translate's translation of the source object, an index created
//! on the destination after the run gets the migrated template's mappings, and a different
//! destination template fails the run until the plan says `replace: true`.

use std::path::Path;

use crate::support::*;
use migrate_sandbox::Flavor;
use migrate_translate::{ObjectKind, Options, Target, Translator, compare};
use serde_json::{Value, json};

const TEMPLATE: &str = "logs-tpl";

fn template() -> Value {
    json!({
        "index_patterns": ["logs-*"], "order": 1,
        "settings": {"number_of_shards": 1},
        "mappings": {"doc": {"properties": {"msg": {"type": "text"}, "level": {"type": "keyword"}}}},
        "aliases": {"all-logs": {}}
    })
}

/// Seeds the ES 6.8 source: `movies` (typed `doc`, 20 documents, alias `recent` with a filter) and
/// the metadata objects.
async fn seed(http: &Http, source: &Cluster) {
    let base = &source.url;
    source.test_writes_begin();
    create_movies(http, base, "movies", Some("doc")).await;
    let docs = movie_docs(0..20, Some("doc"));
    http.bulk(base, &docs).await;
    let alias = json!({"filter": {"range": {"year": {"gte": 1960}}}});
    http.put(format!("{base}/movies/_alias/recent"), alias)
        .await;
    http.put(format!("{base}/_template/{TEMPLATE}"), template())
        .await;
    let pipeline = json!({"description": "marks migrated documents", "processors": [{"set": {"field": "migrated", "value": true}}]});
    http.put(format!("{base}/_ingest/pipeline/mark"), pipeline)
        .await;
    let script = json!({"script": {"lang": "painless", "source": "params.a + params.b"}});
    http.put(format!("{base}/_scripts/score"), script).await;
    let ilm = json!({"policy": {"phases": {
        "hot": {"actions": {"rollover": {"max_age": "7d"}}},
        "delete": {"min_age": "30d", "actions": {"delete": {}}}
    }}});
    http.put(format!("{base}/_ilm/policy/hot-delete"), ilm)
        .await;
    source.test_writes_done();
}

fn plan(name: &str, source: &Cluster, destination: &Cluster, replace: bool) -> String {
    format!(
        "version: 1\nname: {name}\nsource:\n  url: {}\ndestination:\n  url: {}\n\
         indexes: [movies]\n\
         strategy:\n  copy:\n    slices: 1\n    batch_size: 50\n\
         cutover: {{ approved: true, block_source_writes: false }}\n\
         verify: {{ level: counts, doc_count: true }}\n\
         metadata:\n  legacy_templates: {{ include: ['logs-*'], replace: {replace} }}\n  pipelines: {{}}\n  stored_scripts: {{ include: [score] }}\n  lifecycle_policies: {{}}\n\
         settings: {{ retry: {{ max_attempts: 2, initial_backoff_ms: 50, max_backoff_ms: 100 }} }}\n",
        source.url, destination.url
    )
}

fn translator(to: &str) -> Translator {
    Translator::new(
        Target::parse("6.8.23").unwrap(),
        Target::parse(to).unwrap(),
        Options::default(),
    )
}

/// `landed` equals the translation of `source` for `to`.
fn equal_to_translation(to: &str, kind: ObjectKind, source: &Value, landed: &Value) {
    let t = translator(to).translate(kind, source);
    assert!(!t.is_refused(), "{kind}: {:?}", t.findings);
    let diffs = compare(kind, t.object().unwrap(), landed);
    assert!(
        diffs.is_empty(),
        "{kind} differs from its translation: {diffs:?}\nlanded: {landed}"
    );
}

async fn apply(work: &Path) -> std::process::Output {
    let p = work.join("plan.yaml");
    run(
        work,
        &["apply", p.to_str().unwrap(), "--output", "plain"],
        &[],
    )
}

/// A seeded ES 6.8 source and a destination of `into`, in a fresh work directory.
async fn seeded_pair(into: (Flavor, &'static str)) -> (Cluster, Cluster, tempfile::TempDir) {
    let work = tempfile::tempdir().unwrap();
    let (source, destination) = clusters(
        Pair {
            source: (Flavor::Elasticsearch, "6.8.23"),
            destination: into,
            source_auth: None,
            snapshot_dirs: false,
        },
        work.path(),
    )
    .await;
    seed(&Http::new(None), &source).await;
    (source, destination, work)
}

async fn migrate_to(
    name: &str,
    into: (Flavor, &'static str),
    label: &str,
) -> (Cluster, Cluster, tempfile::TempDir) {
    let (source, destination, work) = seeded_pair(into).await;
    let http = Http::new(None);
    std::fs::write(
        work.path().join("plan.yaml"),
        plan(name, &source, &destination, false),
    )
    .unwrap();
    let p = work.path().join("plan.yaml");
    let dry = run(
        work.path(),
        &["plan", "--dry-run", p.to_str().unwrap()],
        &[],
    );
    let dt = text(&dry);
    assert_eq!(dry.status.code(), Some(0), "{dt}");
    assert!(
        dt.contains("migrate-metadata/legacy-templates")
            && dt.contains("PUT destination /_template/<name>"),
        "{dt}"
    );
    let out = apply(work.path()).await;
    let t = text(&out);
    assert_eq!(out.status.code(), Some(0), "{t}");
    assert!(
        t.contains("done     migrate-metadata/legacy-templates"),
        "{t}"
    );

    let (s, d) = (&source.url, &destination.url);
    let src_t = http.get(format!("{s}/_template/{TEMPLATE}")).await;
    let dst_t = http.get(format!("{d}/_template/{TEMPLATE}")).await;
    equal_to_translation(
        label,
        ObjectKind::LegacyTemplate,
        &src_t[TEMPLATE],
        &dst_t[TEMPLATE],
    );
    let src_p = http.get(format!("{s}/_ingest/pipeline/mark")).await;
    let dst_p = http.get(format!("{d}/_ingest/pipeline/mark")).await;
    equal_to_translation(label, ObjectKind::Pipeline, &src_p["mark"], &dst_p["mark"]);
    let src_s = http.get(format!("{s}/_scripts/score")).await;
    let dst_s = http.get(format!("{d}/_scripts/score")).await;
    equal_to_translation(
        label,
        ObjectKind::StoredScript,
        &src_s,
        &json!({"script": dst_s["script"]}),
    );
    let alias = http.get(format!("{d}/movies/_alias/recent")).await;
    assert_eq!(
        alias["movies"]["aliases"]["recent"]["filter"]["range"]["year"]["gte"], 1960,
        "{alias}"
    );
    assert_eq!(http.count(d, "movies").await, 20);

    // An index created on the destination after the run gets the migrated template.
    http.put(format!("{d}/logs-2030"), json!({})).await;
    let created = http.get(format!("{d}/logs-2030")).await;
    assert_eq!(
        created["logs-2030"]["mappings"]["properties"]["msg"]["type"], "text",
        "{created}"
    );
    assert!(
        created["logs-2030"]["aliases"].get("all-logs").is_some(),
        "{created}"
    );

    // A second run finds everything equal and writes nothing new.
    let again = apply(work.path()).await;
    assert_eq!(again.status.code(), Some(0), "{}", text(&again));
    (source, destination, work)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn es_6_8_templates_pipeline_script_ilm_and_filtered_alias_move_to_opensearch_2_with_ilm_as_ism()
 {
    let (source, destination, _work) = migrate_to(
        "meta-os2",
        (Flavor::OpenSearch, "2.11.0"),
        "OpenSearch 2.11.0",
    )
    .await;
    let http = Http::new(None);
    let src = http
        .get(format!("{}/_ilm/policy/hot-delete", source.url))
        .await;
    let ism = http
        .get(format!(
            "{}/_plugins/_ism/policies/hot-delete",
            destination.url
        ))
        .await;
    assert_eq!(ism["policy"]["default_state"], "hot", "{ism}");
    let states: Vec<&str> = ism["policy"]["states"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["hot", "delete"]);
    let t = translator("OpenSearch 2.11.0").translate(
        ObjectKind::LifecyclePolicy,
        &json!({"policy": src["hot-delete"]["policy"]}),
    );
    let diffs = compare(
        ObjectKind::LifecyclePolicy,
        t.object().unwrap(),
        &json!({"policy": ism["policy"]}),
    );
    assert!(diffs.is_empty(), "{diffs:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn es_6_8_metadata_moves_to_es_8_with_ilm_kept_as_ilm() {
    let (source, destination, _work) =
        migrate_to("meta-es8", (Flavor::Elasticsearch, "8.15.0"), "8.15.0").await;
    let http = Http::new(None);
    let src = http
        .get(format!("{}/_ilm/policy/hot-delete", source.url))
        .await;
    let dst = http
        .get(format!("{}/_ilm/policy/hot-delete", destination.url))
        .await;
    assert_eq!(src["hot-delete"]["policy"], dst["hot-delete"]["policy"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_different_destination_template_fails_the_run_until_the_plan_says_replace() {
    let (source, destination, work) = seeded_pair((Flavor::OpenSearch, "2.11.0")).await;
    let http = Http::new(None);
    let other = json!({"index_patterns": ["logs-*"], "mappings": {"properties": {"msg": {"type": "keyword"}}}});
    http.put(format!("{}/_template/{TEMPLATE}", destination.url), other)
        .await;
    let plan_path = work.path().join("plan.yaml");
    std::fs::write(
        &plan_path,
        plan("meta-replace", &source, &destination, false),
    )
    .unwrap();
    let out = apply(work.path()).await;
    let t = text(&out);
    assert_ne!(out.status.code(), Some(0), "{t}");
    assert!(
        t.contains("different legacy template") && t.contains("replace: true"),
        "{t}"
    );
    let kept = http
        .get(format!("{}/_template/{TEMPLATE}", destination.url))
        .await;
    assert_eq!(
        kept[TEMPLATE]["mappings"]["properties"]["msg"]["type"], "keyword",
        "left as it was"
    );

    std::fs::write(
        &plan_path,
        plan("meta-replace", &source, &destination, true),
    )
    .unwrap();
    let out = apply(work.path()).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let src_t = http
        .get(format!("{}/_template/{TEMPLATE}", source.url))
        .await;
    let dst_t = http
        .get(format!("{}/_template/{TEMPLATE}", destination.url))
        .await;
    equal_to_translation(
        "OpenSearch 2.11.0",
        ObjectKind::LegacyTemplate,
        &src_t[TEMPLATE],
        &dst_t[TEMPLATE],
    );
}
