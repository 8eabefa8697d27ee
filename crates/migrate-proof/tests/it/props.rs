//! Properties: the canonical hash ignores what must not matter and sees what must; for random
//! document sets and random mutations, the proof names exactly the mutated ids.

use std::collections::BTreeMap;

use migrate_proof::{NoDeadLetters, ProofConfig, source_hash};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

use crate::support::{Doc, prove_with};

fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        // Finite, and not -0.0 (which `Value` equates with 0.0 but the hash does not).
        (-1e12f64..1e12)
            .prop_filter("not -0", |f| *f != 0.0 || f.is_sign_positive())
            .prop_map(Value::from),
        "[a-zé\"\\\\/\\n😀]{0,6}".prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 40, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::btree_map("[a-d]{1,2}", inner, 0..5)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// The same value with every object's keys in reverse order.
fn reversed(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut out = Map::new();
            for (k, v) in m.iter().rev() {
                out.insert(k.clone(), reversed(v));
            }
            Value::Object(out)
        }
        Value::Array(a) => Value::Array(a.iter().map(reversed).collect()),
        other => other.clone(),
    }
}

fn hash(v: &Value) -> u128 {
    source_hash(serde_json::to_string(v).unwrap().as_bytes()).unwrap()
}

proptest! {
    #[test]
    fn key_order_and_layout_never_change_the_hash(v in value()) {
        let pretty = serde_json::to_string_pretty(&reversed(&v)).unwrap();
        prop_assert_eq!(hash(&v), source_hash(pretty.as_bytes()).unwrap());
    }

    #[test]
    fn different_values_hash_differently(a in value(), b in value()) {
        prop_assume!(a != b);
        prop_assert_ne!(hash(&a), hash(&b));
    }
}

#[derive(Debug, Clone)]
enum Mutation {
    Delete,
    Content(Value),
    Routing,
    SwapWithNext,
    Add(Value),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        Just(Mutation::Delete),
        value().prop_map(Mutation::Content),
        Just(Mutation::Routing),
        Just(Mutation::SwapWithNext),
        value().prop_map(Mutation::Add),
    ]
}

fn doc(k: usize, routing: Option<u8>, v: &Value) -> Doc {
    Doc {
        id: format!("id-{k}"),
        routing: routing.map(|r| format!("r{r}")),
        source: Some(json!({"k": k, "v": v}).to_string()),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn the_proof_names_exactly_the_mutated_ids(
        base in prop::collection::vec((prop::option::of(0u8..3), value()), 0..120),
        mutations in prop::collection::btree_map(0usize..120, mutation(), 0..12),
        threads in 1usize..4,
        spill in any::<bool>(),
        seed in any::<u64>(),
    ) {
        let src: Vec<Doc> = base.iter().enumerate().map(|(k, (r, v))| doc(k, *r, v)).collect();
        let mut dst = src.clone();
        let mut expected = BTreeMap::new();
        let mut touched = vec![false; src.len()];
        let mut added = Vec::new();
        for (&k, m) in &mutations {
            if k >= src.len() || touched[k] {
                continue;
            }
            let id = src[k].id.clone();
            match m {
                Mutation::Delete => {
                    expected.insert(id, "missing");
                }
                Mutation::Content(v) => {
                    // Wrapped, so the new content always differs from the old.
                    dst[k].source = Some(json!({"changed": v, "k": k}).to_string());
                    expected.insert(id, "differing");
                }
                Mutation::Routing => {
                    dst[k].routing = Some("moved".into());
                    expected.insert(id, "differing");
                }
                Mutation::SwapWithNext if k + 1 < src.len() && !touched[k + 1] => {
                    // The contents carry their `k`, so a swap always changes both documents.
                    let (a, b) = (dst[k].source.clone(), dst[k + 1].source.clone());
                    dst[k].source = b;
                    dst[k + 1].source = a;
                    touched[k + 1] = true;
                    expected.insert(id, "differing");
                    expected.insert(src[k + 1].id.clone(), "differing");
                }
                Mutation::SwapWithNext => continue,
                Mutation::Add(v) => {
                    let id = format!("new-{k}");
                    added.push(Doc { id: id.clone(), routing: None, source: Some(v.to_string()) });
                    expected.insert(id, "extra");
                }
            }
            touched[k] = true;
        }
        let mut dst: Vec<Doc> = dst
            .into_iter()
            .filter(|d| expected.get(&d.id) != Some(&"missing"))
            .chain(added)
            .collect();
        // Any order on the destination.
        let n = dst.len().max(1);
        dst.rotate_left((seed as usize) % n);
        if seed % 2 == 0 {
            dst.reverse();
        }
        let cfg = if spill {
            ProofConfig { side_memory: 0, slice_memory: 512, partitions_log2: 2, buckets_log2: 6 }
        } else {
            ProofConfig::default()
        };
        let o = prove_with(cfg, &src, &dst, threads, &NoDeadLetters);
        let named: BTreeMap<String, &str> = o
            .lines
            .iter()
            .map(|l| {
                let v: Value = serde_json::from_str(l).unwrap();
                let kind = match v["kind"].as_str().unwrap() {
                    "missing" => "missing",
                    "extra" => "extra",
                    _ => "differing",
                };
                (v["id"].as_str().unwrap().to_owned(), kind)
            })
            .collect();
        prop_assert_eq!(named.len(), o.lines.len(), "an id named twice");
        prop_assert_eq!(&named, &expected);
        prop_assert_eq!(o.diff.failures(), expected.len() as u64);
        prop_assert_eq!(o.diff.source_docs, src.len() as u64);
        prop_assert_eq!(o.diff.destination_docs, dst.len() as u64);
    }
}
