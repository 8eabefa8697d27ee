//! The API as the engine will call it: a whole index through several rules at once, split
//! output, and refusals that leave the object unchanged.

use migrate_translate::{MultiType, ObjectKind, Options, Output, Severity, Target, Translator};
use serde_json::json;

#[test]
fn a_2x_index_becomes_an_opensearch_index_with_every_change_named() {
    let index = json!({
        "settings": {"index": {"number_of_shards": "5", "uuid": "u", "analysis": {"filter": {"g": {"type": "nGram", "min_gram": 1, "max_gram": 4}}, "analyzer": {"a": {"tokenizer": "standard", "filter": ["standard", "g"]}}}}},
        "mappings": {"post": {"_all": {"enabled": true}, "properties": {"title": {"type": "string", "analyzer": "a"}}}}
    });
    let t = Translator::new(Target::es(2, 4), Target::os(2, 11), Options::default())
        .translate(ObjectKind::Index, &index);
    assert_eq!(
        t.object().unwrap(),
        &json!({
            "settings": {"index": {"number_of_shards": "5", "analysis": {"filter": {"g": {"type": "ngram", "min_gram": 1, "max_gram": 4}}, "analyzer": {"a": {"tokenizer": "standard", "filter": ["g"]}}}, "max_ngram_diff": "3"}},
            "mappings": {"properties": {"title": {"type": "text", "analyzer": "a", "fields": {"keyword": {"type": "keyword", "ignore_above": 256}}}}}
        })
    );
    let rules: Vec<&str> = t.findings.iter().map(|f| f.rule).collect();
    for r in [
        "all-field",
        "string-to-text-keyword",
        "include-type-name",
        "strip-private-settings",
        "ngram-names",
        "standard-token-filter",
        "max-ngram-diff",
    ] {
        assert!(rules.contains(&r), "{r} missing from {rules:?}");
    }
    assert!(!t.is_refused());
}

#[test]
fn splitting_a_multi_type_index_gives_one_body_per_type_with_the_same_settings() {
    let index = json!({"settings": {"index.number_of_shards": "2"}, "mappings": {"a": {"properties": {"x": {"type": "long"}}}, "b": {"properties": {"y": {"type": "long"}}}}});
    let t = Translator::new(
        Target::es(5, 6),
        Target::es(7, 10),
        Options {
            multi_type: MultiType::Split,
            ..Options::default()
        },
    )
    .translate(ObjectKind::Index, &index);
    let Output::PerType(types) = &t.output else {
        panic!("{:?}", t.output)
    };
    assert_eq!(
        types.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(),
        ["a", "b"]
    );
    assert_eq!(
        types[1].1["mappings"],
        json!({"properties": {"y": {"type": "long"}}})
    );
    assert_eq!(types[0].1["settings"], types[1].1["settings"]);
    assert!(!t.is_refused());
}

#[test]
fn a_refused_direction_returns_the_object_unchanged_with_one_error() {
    let v = json!({"index.number_of_shards": "1", "index.uuid": "u"});
    let t = Translator::new(Target::es(7, 10), Target::es(6, 8), Options::default())
        .translate(ObjectKind::Settings, &v);
    assert_eq!(t.object(), Some(&v));
    assert_eq!(t.findings.len(), 1);
    assert_eq!(t.findings[0].severity, Severity::Error);
    assert_eq!(t.errors().count(), 1);
}

#[test]
fn opensearch_to_elasticsearch_is_translated_from_the_7_10_fork_with_a_warning() {
    let v = json!({"index.number_of_shards": "1", "index.uuid": "u", "index.version.created": "136327827"});
    let tr = Translator::new(Target::os(2, 11), Target::es(8, 15), Options::default());
    assert_eq!(tr.source, Target::parse("7.10.2").unwrap());
    assert_eq!(tr.fork_of, Some(Target::os(2, 11)));
    let t = tr.translate(ObjectKind::Settings, &v);
    assert!(!t.is_refused(), "{:?}", t.findings);
    assert_eq!(
        t.object(),
        Some(&json!({"index": {"number_of_shards": "1"}})),
        "private settings stripped"
    );
    assert_eq!(t.findings[0].rule, "opensearch-as-fork");
    assert_eq!(t.findings[0].severity, Severity::Warning);
}

#[test]
fn options_read_from_a_plan_refuse_unknown_fields() {
    let o: Options = serde_json::from_value(json!({"multi_type": "union"})).unwrap();
    assert_eq!(o.multi_type, MultiType::Union);
    assert!(o.string_keyword_subfield);
    let e = serde_json::from_value::<Options>(json!({"multi_typ": "union"})).unwrap_err();
    assert!(e.to_string().contains("unknown field `multi_typ`"), "{e}");
}
