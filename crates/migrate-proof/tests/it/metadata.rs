//! The metadata columns: differences from `migrate_translate::compare`, named by dotted paths,
//! with the caller's ignored keys left out.

use migrate_proof::metadata::{check, differences, dotted};
use migrate_proof::{KeyFilter, MetaCheck};
use migrate_translate::ObjectKind;
use serde_json::json;

fn none() -> KeyFilter {
    KeyFilter::new(Vec::<String>::new())
}

#[test]
fn a_changed_field_type_is_named_by_its_path() {
    let intended = json!({"properties": {"title": {"type": "keyword"}, "n": {"type": "long"}}});
    let actual = json!({"properties": {"title": {"type": "text"}, "n": {"type": "long"}}});
    assert_eq!(
        check(ObjectKind::Mappings, &intended, &actual, &none(), 5),
        MetaCheck::Differs {
            count: 1,
            examples: vec![
                "`properties.title.type`: `keyword` intended, `text` on the destination".into()
            ]
        }
    );
}

#[test]
fn fields_present_on_one_side_only_are_named_absent_on_the_other() {
    let intended = json!({"properties": {"a": {"type": "long"}}});
    let actual = json!({"properties": {"b": {"type": "long"}}});
    let MetaCheck::Differs { count: 2, examples } =
        check(ObjectKind::Mappings, &intended, &actual, &none(), 5)
    else {
        panic!("two differences expected");
    };
    assert_eq!(
        examples,
        [
            "`properties.a`: `{\"type\":\"long\"}` intended, absent on the destination",
            "`properties.b`: absent intended, `{\"type\":\"long\"}` on the destination",
        ]
    );
}

#[test]
fn an_implied_object_type_and_read_back_spellings_are_equal() {
    let intended = json!({"dynamic": "false", "properties": {
        "o": {"type": "object", "properties": {"x": {"type": "keyword", "ignore_above": "256"}}}
    }});
    let actual = json!({"dynamic": false, "properties": {
        "o": {"properties": {"x": {"type": "keyword", "ignore_above": 256}}}
    }});
    assert_eq!(
        check(ObjectKind::Mappings, &intended, &actual, &none(), 5),
        MetaCheck::Same
    );
}

#[test]
fn settings_compare_flat_and_nested_and_leave_ignored_keys_out() {
    let intended = json!({"index.number_of_shards": 3, "index.refresh_interval": "1s",
                          "index.max_result_window": 20000});
    let actual = json!({"index": {
        "number_of_shards": "3", "refresh_interval": "30s", "uuid": "Xy", "creation_date": "1",
        "version": {"created": "7100099"}, "provided_name": "i", "max_result_window": "50000"
    }});
    assert_eq!(
        differences(ObjectKind::Settings, &intended, &actual, &none())
            .iter()
            .map(|d| dotted(&d.path))
            .collect::<Vec<_>>(),
        ["index.refresh_interval", "index.max_result_window"]
    );
    let ignore = KeyFilter::new(["index.refresh_interval"]);
    assert_eq!(
        check(ObjectKind::Settings, &intended, &actual, &ignore, 5),
        MetaCheck::Differs {
            count: 1,
            examples: vec![
                "`index.max_result_window`: `20000` intended, `50000` on the destination".into()
            ]
        }
    );
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
    let actual = json!({"current": {"is_write_index": false}});
    let MetaCheck::Differs { count: 2, examples } =
        check(ObjectKind::Aliases, &intended, &actual, &none(), 5)
    else {
        panic!("two differences expected");
    };
    assert_eq!(
        examples,
        [
            "`current.is_write_index`: `true` intended, `false` on the destination",
            "`old`: `{}` intended, absent on the destination",
        ]
    );
}

#[test]
fn pointers_read_as_dotted_paths_with_escapes_undone() {
    assert_eq!(dotted("/properties/title/type"), "properties.title.type");
    assert_eq!(dotted("/index.refresh_interval"), "index.refresh_interval");
    assert_eq!(dotted("/a~1b/c~0d"), "a/b.c~d");
    assert_eq!(dotted(""), "");
}
