//! Random JSON never panics the translator, for any kind and any pair of versions, and findings
//! always point into the input.

use migrate_translate::{MultiType, ObjectKind, Options, Target, Translator, compare};
use proptest::prelude::*;
use serde_json::{Map, Value};

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("type".to_string()),
        Just("properties".to_string()),
        Just("fields".to_string()),
        Just("index".to_string()),
        Just("settings".to_string()),
        Just("mappings".to_string()),
        Just("analysis".to_string()),
        Just("filter".to_string()),
        Just("tokenizer".to_string()),
        Just("_default_".to_string()),
        Just("_parent".to_string()),
        Just("policy".to_string()),
        Just("phases".to_string()),
        Just("actions".to_string()),
        Just("processors".to_string()),
        Just("script".to_string()),
        Just("template".to_string()),
        Just("dims".to_string()),
        Just("index.lifecycle.name".to_string()),
        Just("a.b..c".to_string()),
        Just("~/".to_string()),
        "[a-z_.]{0,8}",
    ]
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        prop_oneof![
            Just("string"),
            Just("not_analyzed"),
            Just("no"),
            Just("nGram"),
            Just("standard"),
            Just("dense_vector"),
            Just("flattened"),
            Just("classic"),
            Just("8YYYY"),
            Just("0"),
            Just("rollover"),
            Just("enrich"),
            Just("groovy"),
            Just("false"),
            Just("nmslib"),
        ]
        .prop_map(Value::from),
        "[a-zA-Z0-9 |]{0,6}".prop_map(Value::from),
    ]
}

fn json() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(6, 96, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

fn target() -> impl Strategy<Value = Target> {
    (any::<bool>(), 0u32..10, 0u32..20).prop_map(|(os, major, minor)| {
        if os {
            Target::os(major, minor)
        } else {
            Target::es(major, minor)
        }
    })
}

fn kind() -> impl Strategy<Value = ObjectKind> {
    (0..ObjectKind::ALL.len()).prop_map(|i| ObjectKind::ALL[i])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]
    #[test]
    fn random_json_never_panics_and_findings_point_into_it(src in target(), dst in target(), k in kind(), v in json(), mt in 0u8..3) {
        let options = Options { multi_type: [MultiType::Refuse, MultiType::Union, MultiType::Split][mt as usize], ..Options::default() };
        let t = Translator::new(src, dst, options).translate(k, &v);
        for f in &t.findings {
            prop_assert!(v.pointer(&f.path).is_some(), "{} `{}` not in {}", f.rule, f.path, v);
        }
        let _ = compare(k, &v, &v);
    }

    #[test]
    fn an_object_compared_with_itself_has_no_difference(k in kind(), v in json()) {
        prop_assert!(compare(k, &v, &v).is_empty());
    }
}
