//! The lint report: a capture translated for a destination names every rule per object, counts
//! errors and warnings, and renders the same findings in text, Markdown and DOT; without a capture
//! it lists the version pair's rules.

use migrate_translate::lint::{Capture, CapturedCluster, CapturedItem, LintReport, Unread, render};
use migrate_translate::{ObjectKind, Options, Severity, Target};
use serde_json::json;

/// An ES 6.8 source: an index with an `nGram` tokenizer, the `standard` filter, `_all` and a
/// typed mapping; a legacy template; and an index whose mapping has no equivalent anywhere.
fn capture() -> Capture {
    Capture {
        format_version: 1,
        plan: "lint-test".into(),
        destination: None,
        cluster: CapturedCluster {
            uuid: Some("Xk3cJ1c9Q0uU2x7d0b8yHw".into()),
            name: Some("es68".into()),
            version: Target::parse("6.8.23").unwrap(),
        },
        taken_at: "2026-12-03T16:00:00Z".into(),
        items: vec![
            CapturedItem {
                kind: ObjectKind::Index,
                name: "products".into(),
                body: json!({
                    "settings": {"index": {
                        "number_of_shards": "1", "uuid": "abc", "creation_date": "1700000000000",
                        "provided_name": "products", "version": {"created": "6082399"},
                        "analysis": {
                            "tokenizer": {"grams": {"type": "nGram", "min_gram": 2, "max_gram": 5}},
                            "analyzer": {"partial": {"type": "custom", "tokenizer": "grams", "filter": ["standard", "lowercase"]}}
                        }
                    }},
                    "mappings": {"_doc": {
                        "_all": {"enabled": true},
                        "properties": {"name": {"type": "text", "analyzer": "partial"}}
                    }},
                    "aliases": {}
                }),
            },
            CapturedItem {
                kind: ObjectKind::LegacyTemplate,
                name: "logs".into(),
                body: json!({
                    "index_patterns": ["logs-*"], "order": 0,
                    "settings": {"index": {"number_of_shards": "2"}},
                    "mappings": {"_doc": {"properties": {"message": {"type": "text"}}}}
                }),
            },
            CapturedItem {
                kind: ObjectKind::Index,
                name: "unchanged".into(),
                body: json!({"settings": {"index": {"number_of_shards": "1"}}, "mappings": {}, "aliases": {}}),
            },
        ],
        unread: vec![Unread {
            what: "GET /_index_template".into(),
            reason: "404: Elasticsearch 6.8.23 has no such API".into(),
        }],
    }
}

#[test]
fn a_capture_round_trips_through_its_file_and_a_newer_format_is_refused() {
    let c = capture();
    assert_eq!(Capture::from_json(&c.to_json()).unwrap(), c);
    let mut newer = serde_json::to_value(&c).unwrap();
    newer["format_version"] = json!(99);
    let e = Capture::from_json(&newer.to_string()).unwrap_err();
    assert!(e.to_string().contains("run `migrate lint` again"), "{e}");
    assert!(Capture::from_json("{}").is_err());
}

#[test]
fn an_es68_capture_linted_for_opensearch_2_names_each_rule_per_object() {
    let r = LintReport::from_capture(
        &capture(),
        ".migrate/lint-test.lint.json",
        Target::parse("OpenSearch 2.11.0").unwrap(),
        &Options::default(),
    );
    assert_eq!(r.checked, 3);
    // The unchanged index has no finding and is not listed.
    assert_eq!(
        r.items.iter().map(|i| i.name.as_str()).collect::<Vec<_>>(),
        ["products", "logs"]
    );
    let rules: Vec<&str> = r.items[0].findings.iter().map(|f| f.rule).collect();
    for expected in [
        "strip-private-settings",
        "ngram-names",
        "standard-token-filter",
        "max-ngram-diff",
        "include-type-name",
        "all-field",
    ] {
        assert!(
            rules.contains(&expected),
            "{expected} missing from {rules:?}"
        );
    }
    assert!(
        !r.fails(false),
        "{:?}",
        r.at_least(Severity::Error).collect::<Vec<_>>()
    );
    assert_eq!(r.fails(true), r.warnings > 0);
    insta::assert_snapshot!("lint_es68_to_os2_text", render::text(&r));
    insta::assert_snapshot!("lint_es68_to_os2_markdown", render::markdown(&r));
    insta::assert_snapshot!("lint_es68_to_os2_dot", render::dot_comments(&r));
    insta::assert_json_snapshot!("lint_es68_to_os2_json", r);
}

#[test]
fn a_mapping_with_no_equivalent_is_an_error_naming_the_rule_and_the_object() {
    let mut c = capture();
    c.cluster.version = Target::parse("7.17.0").unwrap();
    c.items.push(CapturedItem {
        kind: ObjectKind::Index,
        name: "metrics".into(),
        body: json!({"mappings": {"runtime": {"day": {"type": "keyword"}}, "properties": {}}}),
    });
    let r = LintReport::from_capture(
        &c,
        "capture.json",
        Target::parse("OpenSearch 2.11.0").unwrap(),
        &Options::default(),
    );
    assert!(r.fails(false));
    let (item, f) = r.at_least(Severity::Error).next().unwrap();
    assert_eq!((item.name.as_str(), f.rule), ("metrics", "runtime-fields"));
    assert_eq!(f.path, "/mappings/runtime");
    assert!(render::text(&r).contains("error   runtime-fields  /mappings/runtime"));
    assert!(render::markdown(&r).starts_with("<details open>"));
    assert!(render::dot_comments(&r).contains("// error index `metrics`: runtime-fields"));
}

#[test]
fn without_a_capture_the_report_lists_the_version_pairs_rules_and_what_to_run() {
    let r = LintReport::pending(
        Some(Target::parse("6.8.23").unwrap()),
        Some(Target::parse("8.15.0").unwrap()),
        "run `migrate lint plan.yaml` to check the source's metadata".into(),
    );
    assert!(r.capture.is_none() && r.items.is_empty() && !r.fails(true));
    let ids: Vec<&str> = r.rules.iter().map(|r| r.id).collect();
    assert!(
        ids.contains(&"ngram-names") && ids.contains(&"mapping-boost"),
        "{ids:?}"
    );
    // Rules of other version pairs are not listed.
    assert!(!ids.contains(&"dense-vector-to-knn-vector"), "{ids:?}");
    assert!(!ids.contains(&"timestamp-ttl"), "{ids:?}");
    let text = render::text(&r);
    assert!(
        text.starts_with(
            "Compatibility lint (Elasticsearch 6.8.23 → Elasticsearch 8.15.0): not run:"
        ),
        "{text}"
    );
    assert!(text.contains("run `migrate lint plan.yaml`"));
    insta::assert_snapshot!("lint_pending_es68_to_es8_markdown", render::markdown(&r));
    let unknown = LintReport::pending(None, None, "declare the versions".into());
    assert!(unknown.rules.is_empty());
}
