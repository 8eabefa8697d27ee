//! Equality with what the destination already has: server-added fields and defaults ignored,
//! real differences reported with their paths.

use migrate_translate::{ObjectKind, Options, Target, Translator, compare};
use serde_json::json;

#[test]
fn an_index_the_destination_created_from_our_translation_is_equal_despite_what_it_added() {
    let source = json!({
        "settings": {"index": {"number_of_shards": "3", "uuid": "src", "creation_date": "1", "version": {"created": "6082399"}}},
        "mappings": {"_doc": {"properties": {"title": {"type": "text"}, "meta": {"properties": {"n": {"type": "long"}}}}}},
        "aliases": {"current": {}}
    });
    let ours = Translator::new(Target::es(6, 8), Target::os(2, 11), Options::default())
        .translate(ObjectKind::Index, &source);
    let ours = ours.object().unwrap();
    // What GET /<index> on OpenSearch 2.11 answers for the index created from `ours`.
    let existing = json!({
        "settings": {"index": {
            "number_of_shards": "3", "number_of_replicas": "1", "refresh_interval": "1s",
            "uuid": "dst", "creation_date": "1700000000000", "provided_name": "posts",
            "version": {"created": "136327827"}, "replication": {"type": "DOCUMENT"}
        }},
        "mappings": {"properties": {"title": {"type": "text"}, "meta": {"type": "object", "properties": {"n": {"type": "long"}}}}},
        "aliases": {"current": {}}
    });
    assert_eq!(compare(ObjectKind::Index, ours, &existing), vec![]);
}

#[test]
fn a_different_field_type_or_shard_count_is_a_difference_naming_its_path() {
    let ours = json!({"settings": {"index.number_of_shards": "3"}, "mappings": {"properties": {"title": {"type": "text"}}}});
    let existing = json!({"settings": {"index": {"number_of_shards": "1", "uuid": "x"}}, "mappings": {"properties": {"title": {"type": "keyword"}, "extra": {"type": "long"}}}});
    let diffs = compare(ObjectKind::Index, &ours, &existing);
    let paths: Vec<&str> = diffs.iter().map(|d| d.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "/settings/index.number_of_shards",
            "/mappings/properties/title/type",
            "/mappings/properties/extra"
        ]
    );
    assert_eq!(diffs[0].translated, Some(json!("3")));
    assert_eq!(diffs[0].existing, Some(json!("1")));
    assert_eq!(diffs[2].translated, None);
}

#[test]
fn a_setting_the_destination_holds_at_a_non_default_value_is_a_difference() {
    let ours = json!({"index": {"number_of_shards": "1"}});
    let existing = json!({"index": {"number_of_shards": "1", "number_of_replicas": "2"}});
    let diffs = compare(ObjectKind::Settings, &ours, &existing);
    assert_eq!(diffs.len(), 1, "{diffs:?}");
    assert_eq!(diffs[0].path, "/index.number_of_replicas");
}

#[test]
fn an_ism_policy_read_back_with_its_bookkeeping_and_default_retries_is_equal() {
    let ilm = json!({"policy": {"phases": {"hot": {"actions": {"rollover": {"max_age": "1d"}}}, "delete": {"min_age": "30d", "actions": {"delete": {}}}}}});
    let t = Translator::new(Target::es(7, 10), Target::os(2, 11), Options::default())
        .translate(ObjectKind::LifecyclePolicy, &ilm);
    let ours = t.object().unwrap().clone();
    let mut existing = json!({"_id": "logs", "_version": 1, "_seq_no": 0, "_primary_term": 1, "policy": ours["policy"].clone()});
    let policy = existing["policy"].as_object_mut().unwrap();
    policy.insert("policy_id".into(), json!("logs"));
    policy.insert("last_updated_time".into(), json!(1700000000000_i64));
    policy.insert("schema_version".into(), json!(21));
    policy.insert("error_notification".into(), json!(null));
    let retry = json!({"count": 3, "backoff": "exponential", "delay": "1m"});
    for state in policy["states"].as_array_mut().unwrap() {
        for action in state["actions"].as_array_mut().unwrap() {
            action
                .as_object_mut()
                .unwrap()
                .insert("retry".into(), retry.clone());
        }
    }
    assert_eq!(
        compare(ObjectKind::LifecyclePolicy, &ours, &existing),
        vec![]
    );
    existing["policy"]["default_state"] = json!("delete");
    assert_eq!(
        compare(ObjectKind::LifecyclePolicy, &ours, &existing).len(),
        1
    );
}
