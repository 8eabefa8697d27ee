//! Metadata diffs against what the engine intended: paths named, read-back spellings tolerated.

use migrate_proof::metadata::{diff_aliases, diff_json, diff_mappings, diff_settings};
use migrate_proof::{KeyFilter, MetaDiff};
use serde_json::json;

fn described(diffs: &[MetaDiff]) -> Vec<String> {
    diffs
        .iter()
        .map(|d| d.describe("source", "destination"))
        .collect()
}

#[test]
fn a_changed_field_type_is_named_by_its_path() {
    let intended = json!({"properties": {"title": {"type": "keyword"}, "n": {"type": "long"}}});
    let actual = json!({"properties": {"title": {"type": "text"}, "n": {"type": "long"}}});
    assert_eq!(
        described(&diff_mappings(&intended, &actual)),
        ["`properties.title.type`: `keyword` on the source, `text` on the destination"]
    );
}

#[test]
fn fields_present_on_one_side_only_are_named_absent_on_the_other() {
    let intended = json!({"properties": {"a": {"type": "long"}}});
    let actual = json!({"properties": {"b": {"type": "long", "index": false}}});
    assert_eq!(
        described(&diff_mappings(&intended, &actual)),
        [
            "`properties.a`: `{\"type\":\"long\"}` on the source, absent on the destination",
            "`properties.b`: absent on the source, `{\"type\":\"long\",\"index\":false}` on the destination",
        ]
    );
}

#[test]
fn an_implied_object_type_and_read_back_spellings_are_equal() {
    let intended = json!({"dynamic": "false", "properties": {
        "o": {"type": "object", "properties": {"x": {"type": "keyword", "ignore_above": "256", "index": "true"}}},
        "d": {"type": "double", "boost": 1}
    }});
    let actual = json!({"dynamic": false, "properties": {
        "o": {"properties": {"x": {"type": "keyword", "ignore_above": 256, "index": true}}},
        "d": {"type": "double", "boost": 1.0}
    }});
    assert!(diff_mappings(&intended, &actual).is_empty());
}

#[test]
fn arrays_are_compared_in_order_with_indexes_in_the_path() {
    let a = json!({"dynamic_templates": [{"s": {"match": "*_s"}}, {"t": {"match": "*_t"}}]});
    let b = json!({"dynamic_templates": [{"s": {"match": "*_s"}}, {"t": {"match": "*_x"}}]});
    assert_eq!(diff_json(&a, &b)[0].path, "dynamic_templates[1].t.match");
    let shorter = json!({"dynamic_templates": [{"s": {"match": "*_s"}}]});
    assert_eq!(diff_json(&a, &shorter)[0].path, "dynamic_templates");
}

#[test]
fn settings_compare_flat_and_nested_and_leave_ignored_keys_out() {
    let intended = json!({"index.number_of_shards": 3, "index.refresh_interval": "1s",
                          "index.analysis.analyzer.a.type": "standard"});
    let actual = json!({"index": {
        "number_of_shards": "3", "refresh_interval": "30s", "uuid": "Xy", "creation_date": "1",
        "version": {"created": "7100099"}, "provided_name": "i",
        "analysis": {"analyzer": {"a": {"type": "standard"}}}
    }});
    let ignore = KeyFilter::new([
        "index.uuid",
        "index.creation_date",
        "index.provided_name",
        "index.version.*",
    ]);
    assert_eq!(
        described(&diff_settings(&intended, &actual, &ignore)),
        ["`index.refresh_interval`: `1s` on the source, `30s` on the destination"]
    );
    let none = KeyFilter::new(Vec::<String>::new());
    assert_eq!(diff_settings(&intended, &actual, &none).len(), 5);
}

#[test]
fn key_filter_prefixes_end_in_a_dot_or_a_star() {
    let f = KeyFilter::new(["index.version.", "index.routing.allocation.*", "index.uuid"]);
    assert!(f.ignores("index.version.created"));
    assert!(f.ignores("index.routing.allocation.include._tier_preference"));
    assert!(f.ignores("index.uuid"));
    assert!(!f.ignores("index.uuid2"));
    assert!(!f.ignores("index.versioned"));
}

#[test]
fn alias_differences_name_the_alias_and_the_property() {
    let intended = json!({"current": {"is_write_index": true}, "old": {}});
    let actual = json!({"current": {"is_write_index": false, "filter": {"term": {"a": 1}}}});
    assert_eq!(
        described(&diff_aliases(&intended, &actual)),
        [
            "`current.filter`: absent on the source, `{\"term\":{\"a\":1}}` on the destination",
            "`current.is_write_index`: `true` on the source, `false` on the destination",
            "`old`: `{}` on the source, absent on the destination",
        ]
    );
}
