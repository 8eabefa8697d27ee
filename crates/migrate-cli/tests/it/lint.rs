//! `migrate lint` end to end against a sandbox source (read-only, whole-output snapshots for two
//! destinations), and the capture read back by `plan --dry-run` and `validate`, which fail with
//! exit 2 naming the rule and the index when the capture holds what the destination cannot take.

use std::path::Path;

use migrate_sandbox::{Flavor, Sandbox};
use serde_json::json;

use crate::support::{Http, run, text};

/// A copy plan from `source_url` to a destination that is never contacted (its version declared).
fn plan(
    dir: &Path,
    name: &str,
    source_url: &str,
    source: &str,
    destination: &str,
) -> std::path::PathBuf {
    let path = dir.join(format!("{name}.yaml"));
    std::fs::write(
        &path,
        format!(
            "version: 1\nname: {name}\nsource:\n  url: {source_url}\n  version: {source}\ndestination:\n  url: http://127.0.0.1:9\n  version: {destination}\nindexes:\n  - products\n  - \"logs-*\"\nstrategy:\n  copy: {{}}\ncutover: {{ approved: false }}\nverify: {{ doc_count: true }}\n"
        ),
    )
    .unwrap();
    path
}

/// The whole output with ports, times and the sandbox's cluster uuid redacted.
fn redacted(out: &std::process::Output) -> String {
    let t = migrate_test_support::filters::apply(&text(out));
    // What the sandbox makes up per run: the cluster's uuid, each index's uuid and creation date.
    let mut t = t;
    for key in ["index.uuid: ", "index.creation_date: "] {
        let mut parts = t.split(key);
        let mut s = parts.next().unwrap_or_default().to_owned();
        for rest in parts {
            let end = rest.find('`').unwrap_or(rest.len());
            s.push_str(key);
            s.push_str("[VARIES]");
            s.push_str(&rest[end..]);
        }
        t = s;
    }
    let mut parts = t.split("(uuid ");
    let mut s = parts.next().unwrap_or_default().to_owned();
    for rest in parts {
        let end = rest.find(')').unwrap_or(rest.len());
        s.push_str("(uuid [CLUSTER-UUID]");
        s.push_str(&rest[end..]);
    }
    s
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_es68_source_linted_for_opensearch_2_and_es_8_lists_every_rule_per_index_and_writes_the_capture()
 {
    let source = Sandbox::builder()
        .flavor(Flavor::Elasticsearch)
        .version("6.8.23")
        .cluster_name("es68")
        .start()
        .await
        .expect("source sandbox");
    let http = Http::new(None);
    http.put(
        format!("{}/products", source.url()),
        json!({
            "settings": {"index": {"number_of_shards": 1, "analysis": {
                "tokenizer": {"grams": {"type": "nGram", "min_gram": 2, "max_gram": 4}},
                "filter": {"edges": {"type": "edgeNGram", "min_gram": 1, "max_gram": 2}},
                "analyzer": {"partial": {"type": "custom", "tokenizer": "grams", "filter": ["standard", "lowercase", "edges"]}}
            }}},
            "mappings": {"_doc": {"properties": {
                "name": {"type": "text", "analyzer": "partial"},
                "sku": {"type": "keyword"}
            }}}
        }),
    )
    .await;
    http.put(
        format!("{}/logs-1", source.url()),
        json!({"mappings": {"_doc": {"properties": {"message": {"type": "text"}}}}}),
    )
    .await;
    source.request_log().clear();
    let dir = tempfile::tempdir().unwrap();
    for (name, destination) in [
        ("to-os2", "opensearch-2.11.0"),
        ("to-es8", "elasticsearch-8.15.0"),
    ] {
        let path = plan(
            dir.path(),
            name,
            &source.url(),
            "elasticsearch-6.8.23",
            destination,
        );
        let out = run(dir.path(), &["lint", path.to_str().unwrap()], &[]);
        insta::assert_snapshot!(format!("lint-es68-{name}"), redacted(&out));
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        // The capture is where the state lives, and the dry run reads it without a cluster.
        let capture = dir.path().join(format!(".migrate/{name}.lint.json"));
        let kept: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&capture).unwrap()).unwrap();
        assert_eq!(kept["cluster"]["name"], "es68");
        assert_eq!(kept["items"][1]["name"], "products");
        let dry = run(
            dir.path(),
            &["plan", "--dry-run", path.to_str().unwrap()],
            &[],
        );
        let dry_text = String::from_utf8_lossy(&dry.stdout);
        assert_eq!(dry.status.code(), Some(0), "{}", text(&dry));
        assert!(
            dry_text.contains(&format!("from `.migrate/{name}.lint.json`, read"))
                && dry_text.contains("ngram-names"),
            "{dry_text}"
        );
        let valid = run(dir.path(), &["validate", path.to_str().unwrap()], &[]);
        assert_eq!(valid.status.code(), Some(0), "{}", text(&valid));
        assert!(String::from_utf8_lossy(&valid.stdout).contains("; lint of the capture read "));
    }
    // Only reads reached the source.
    let log = source.request_log().entries();
    assert!(!log.is_empty());
    assert!(log.iter().all(|r| r.method == "GET"), "{log:?}");
}

/// Writes `.migrate/<plan>.lint.json` in `dir` as `migrate lint` would: `items` read from the
/// cluster `name` running `version`.
fn write_capture(dir: &Path, plan_name: &str, name: &str, version: &str, items: serde_json::Value) {
    let capture = json!({
        "format_version": 1,
        "plan": plan_name,
        "cluster": {"uuid": "abc", "name": name, "version": version},
        "taken_at": "2026-12-03T16:00:00Z",
        "items": items
    });
    write_capture_text(dir, plan_name, &capture.to_string());
}

fn write_capture_text(dir: &Path, plan_name: &str, text: &str) {
    std::fs::create_dir_all(dir.join(".migrate")).unwrap();
    std::fs::write(dir.join(format!(".migrate/{plan_name}.lint.json")), text).unwrap();
}

/// A capture for a plan whose ES 7.17 index has runtime fields.
fn runtime_fields_capture(dir: &Path, plan_name: &str) {
    let items = json!([
        {"kind": "index", "name": "products", "body": {"mappings": {
            "runtime": {"day": {"type": "keyword", "script": "emit('x')"}},
            "properties": {"sku": {"type": "keyword"}}
        }}},
        {"kind": "index", "name": "logs-1", "body": {"mappings": {"properties": {"at": {"type": "date", "boost": 2}}}}}
    ]);
    write_capture(dir, plan_name, "es717", "Elasticsearch 7.17.0", items);
}

#[test]
fn a_captured_mapping_with_no_equivalent_fails_validate_and_plan_naming_the_rule_and_the_index() {
    let dir = tempfile::tempdir().unwrap();
    let path = plan(
        dir.path(),
        "runtime",
        "http://127.0.0.1:8",
        "elasticsearch-7.17.0",
        "opensearch-2.11.0",
    );
    let p = path.to_str().unwrap();
    // Without a capture both pass and the dry run says what will be checked.
    let before = run(dir.path(), &["plan", "--dry-run", p], &[]);
    assert_eq!(before.status.code(), Some(0), "{}", text(&before));
    assert!(String::from_utf8_lossy(&before.stdout).contains("run `migrate lint` on this plan"));
    assert_eq!(
        run(dir.path(), &["validate", p], &[]).status.code(),
        Some(0)
    );

    runtime_fields_capture(dir.path(), "runtime");
    let named = "error: index `products`: rule `runtime-fields` at /mappings/runtime:";
    let validate = run(dir.path(), &["validate", p], &[]);
    assert_eq!(validate.status.code(), Some(2), "{}", text(&validate));
    assert!(
        String::from_utf8_lossy(&validate.stderr).contains(named),
        "{}",
        text(&validate)
    );
    for format in ["text", "markdown", "json", "dot"] {
        let dry = run(
            dir.path(),
            &["plan", "--dry-run", p, "--format", format],
            &[],
        );
        assert_eq!(dry.status.code(), Some(2), "{format}: {}", text(&dry));
        assert!(
            String::from_utf8_lossy(&dry.stderr).contains(named),
            "{}",
            text(&dry)
        );
        assert!(
            String::from_utf8_lossy(&dry.stdout).contains("runtime-fields"),
            "{format}"
        );
    }
    let json = run(
        dir.path(),
        &["plan", "--dry-run", p, "--format", "json"],
        &[],
    );
    let doc: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(doc["lint"]["errors"], 1);
    assert_eq!(doc["lint"]["capture"]["cluster_name"], "es717");
    assert_eq!(
        run(
            dir.path(),
            &["plan", "--dry-run", p, "--detailed-exitcode"],
            &[]
        )
        .status
        .code(),
        Some(1)
    );
}

#[test]
fn lint_warnings_fail_only_under_strict() {
    let dir = tempfile::tempdir().unwrap();
    // ES 6.8 → ES 8: an enabled `_all` is a warning (queries on it need `copy_to`), nothing refused.
    let path = plan(
        dir.path(),
        "warn",
        "http://127.0.0.1:8",
        "elasticsearch-6.8.23",
        "elasticsearch-8.15.0",
    );
    let items = json!([{"kind": "index", "name": "products", "body": {"mappings": {"_doc": {"_all": {"enabled": true}, "properties": {}}}}}]);
    write_capture(dir.path(), "warn", "es68", "Elasticsearch 6.8.23", items);
    let p = path.to_str().unwrap();
    assert_eq!(
        run(dir.path(), &["validate", p], &[]).status.code(),
        Some(0)
    );
    assert_eq!(
        run(dir.path(), &["plan", "--dry-run", p], &[])
            .status
            .code(),
        Some(0)
    );
    let strict = run(dir.path(), &["validate", "--strict", p], &[]);
    assert_eq!(strict.status.code(), Some(2), "{}", text(&strict));
    assert!(
        String::from_utf8_lossy(&strict.stderr)
            .contains("warning: index `products`: rule `all-field`")
    );
    assert_eq!(
        run(dir.path(), &["plan", "--dry-run", "--strict", p], &[])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn a_capture_that_is_not_one_is_refused_with_how_to_fix_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = plan(
        dir.path(),
        "broken",
        "http://127.0.0.1:8",
        "elasticsearch-6.8.23",
        "elasticsearch-8.15.0",
    );
    write_capture_text(dir.path(), "broken", "{\"format_version\": 1");
    let out = run(
        dir.path(),
        &["plan", "--dry-run", path.to_str().unwrap()],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("run `migrate lint` again"),
        "{}",
        text(&out)
    );
}

#[test]
fn a_multi_type_index_is_an_error_until_the_plan_chooses_union_or_split() {
    let dir = tempfile::tempdir().unwrap();
    let path = plan(
        dir.path(),
        "types",
        "http://127.0.0.1:8",
        "elasticsearch-5.6.16",
        "opensearch-2.11.0",
    );
    let items = json!([{"kind": "index", "name": "products", "body": {"mappings": {
        "book": {"properties": {"title": {"type": "text"}}},
        "film": {"properties": {"length": {"type": "integer"}}}
    }}}]);
    write_capture(dir.path(), "types", "es56", "Elasticsearch 5.6.16", items);
    let p = path.to_str().unwrap();
    let refused = run(dir.path(), &["validate", p], &[]);
    assert_eq!(refused.status.code(), Some(2), "{}", text(&refused));
    assert!(
        String::from_utf8_lossy(&refused.stderr)
            .contains("error: index `products`: rule `multi-type`"),
        "{}",
        text(&refused)
    );
    for choice in ["union", "split"] {
        let yaml = std::fs::read_to_string(&path).unwrap();
        let chosen = format!("{yaml}settings:\n  translate: {{ multi_type: {choice} }}\n");
        std::fs::write(&path, chosen).unwrap();
        let out = run(dir.path(), &["plan", "--dry-run", p], &[]);
        assert_eq!(out.status.code(), Some(0), "{choice}: {}", text(&out));
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("multi-type"),
            "{choice}"
        );
        std::fs::write(&path, yaml).unwrap();
    }
}
