//! `index.analysis`: camel-case component names renamed, the removed `standard` token filter
//! dropped, and `index.max_ngram_diff` / `index.max_shingle_diff` raised where 7.0 would refuse.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::tree::{Tree, get, text};
use crate::context::Cx;
use crate::rule::Rule;
use crate::rules;

/// Renames of a component's `type` and of built-in names referenced from analyzers, per section.
const RENAMES: &[(&str, &str, &str, &Rule)] = &[
    ("filter", "nGram", "ngram", &rules::NGRAM_NAMES),
    ("filter", "edgeNGram", "edge_ngram", &rules::NGRAM_NAMES),
    (
        "filter",
        "delimited_payload_filter",
        "delimited_payload",
        &rules::DELIMITED_PAYLOAD_NAME,
    ),
    ("tokenizer", "nGram", "ngram", &rules::NGRAM_NAMES),
    ("tokenizer", "edgeNGram", "edge_ngram", &rules::NGRAM_NAMES),
    (
        "tokenizer",
        "PathHierarchy",
        "path_hierarchy",
        &rules::PATH_HIERARCHY_NAME,
    ),
    (
        "char_filter",
        "htmlStrip",
        "html_strip",
        &rules::HTML_STRIP_NAME,
    ),
];

pub(super) fn translate(cx: &mut Cx, tree: &mut Tree) {
    let Some(Value::Object(analysis)) = get(&tree.root, "index.analysis").cloned() else {
        return;
    };
    let mut analysis = analysis;
    let mut removed_filters: BTreeSet<String> = BTreeSet::new();
    let mut custom: BTreeSet<(String, String)> = BTreeSet::new();

    // Component definitions: rename their types, drop custom `standard` filters.
    for section in ["filter", "tokenizer", "char_filter"] {
        let Some(Value::Object(defs)) = analysis.get_mut(section) else {
            continue;
        };
        let names: Vec<String> = defs.keys().cloned().collect();
        for name in names {
            custom.insert((section.to_string(), name.clone()));
            let base = format!("index.analysis.{section}.{name}");
            let Some(def) = defs.get_mut(&name).and_then(Value::as_object_mut) else {
                continue;
            };
            let ty = def
                .get("type")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            if section == "filter" && ty == "standard" && cx.on(&rules::STANDARD_TOKEN_FILTER) {
                defs.shift_remove(&name);
                removed_filters.insert(name.clone());
                cx.info(
                    &rules::STANDARD_TOKEN_FILTER,
                    &tree.ptr(&format!("{base}.type")),
                    format!("removed custom filter `{name}` of type `standard` (it did nothing)"),
                );
                continue;
            }
            for (sec, from, to, rule) in RENAMES {
                if *sec == section && ty == *from && cx.on(rule) {
                    def.insert("type".into(), Value::from(*to));
                    cx.info(
                        rule,
                        &tree.ptr(&format!("{base}.type")),
                        format!("{section} `{name}`: type `{from}` renamed `{to}`"),
                    );
                }
            }
        }
    }

    // References from analyzers and normalizers.
    for holder in ["analyzer", "normalizer"] {
        let Some(Value::Object(defs)) = analysis.get_mut(holder) else {
            continue;
        };
        for (name, def) in defs.iter_mut() {
            let Some(def) = def.as_object_mut() else {
                continue;
            };
            let base = format!("index.analysis.{holder}.{name}");
            references(cx, tree, def, &base, &custom, &removed_filters);
        }
    }

    ngram_diff(cx, tree, &analysis);
    shingle_diff(cx, tree, &analysis);
    tree.index_mut()
        .insert("analysis".into(), Value::Object(analysis));
}

fn references(
    cx: &mut Cx,
    tree: &Tree,
    def: &mut Map<String, Value>,
    base: &str,
    custom: &BTreeSet<(String, String)>,
    removed: &BTreeSet<String>,
) {
    let is_custom =
        |section: &str, name: &str| custom.contains(&(section.to_string(), name.to_string()));
    if let Some(Value::String(tok)) = def.get("tokenizer").cloned() {
        for (sec, from, to, rule) in RENAMES {
            if *sec == "tokenizer" && tok == *from && !is_custom("tokenizer", &tok) && cx.on(rule) {
                def.insert("tokenizer".into(), Value::from(*to));
                cx.info(
                    rule,
                    &tree.ptr(&format!("{base}.tokenizer")),
                    format!("built-in tokenizer `{from}` renamed `{to}`"),
                );
            }
        }
    }
    for section in ["filter", "char_filter"] {
        let list = match def.get_mut(section) {
            Some(Value::Array(list)) => list,
            _ => continue,
        };
        let mut kept = Vec::with_capacity(list.len());
        for (i, item) in list.iter().enumerate() {
            let Some(name) = item.as_str() else {
                kept.push(item.clone());
                continue;
            };
            let p = tree.ptr(&format!("{base}.{section}.{i}"));
            let p = if p.as_str().is_empty() {
                tree.ptr(&format!("{base}.{section}"))
            } else {
                p
            };
            if section == "filter"
                && cx.on(&rules::STANDARD_TOKEN_FILTER)
                && ((name == "standard" && !is_custom("filter", name)) || removed.contains(name))
            {
                cx.info(
                    &rules::STANDARD_TOKEN_FILTER,
                    &p,
                    format!("removed filter `{name}` from the chain"),
                );
                continue;
            }
            let mut renamed = None;
            for (sec, from, to, rule) in RENAMES {
                if *sec == section && name == *from && !is_custom(section, name) && cx.on(rule) {
                    cx.info(
                        rule,
                        &p,
                        format!("built-in {section} `{from}` renamed `{to}`"),
                    );
                    renamed = Some(*to);
                }
            }
            kept.push(Value::from(renamed.unwrap_or(name)));
        }
        *list = kept;
    }
}

fn int(def: &Map<String, Value>, key: &str, default: i64) -> i64 {
    def.get(key)
        .and_then(text)
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

/// The widest (max - min) over the components of `types` in the filter and tokenizer sections.
fn widest(
    analysis: &Map<String, Value>,
    types: &[&str],
    min: (&str, i64),
    max: (&str, i64),
) -> Option<(i64, String)> {
    let mut best: Option<(i64, String)> = None;
    for section in ["filter", "tokenizer"] {
        let Some(Value::Object(defs)) = analysis.get(section) else {
            continue;
        };
        for (name, def) in defs {
            let Some(def) = def.as_object() else { continue };
            let ty = def.get("type").and_then(Value::as_str).unwrap_or_default();
            if !types.contains(&ty) {
                continue;
            }
            let diff = int(def, max.0, max.1).saturating_sub(int(def, min.0, min.1));
            if best.as_ref().is_none_or(|(d, _)| diff > *d) {
                best = Some((diff, format!("index.analysis.{section}.{name}")));
            }
        }
    }
    best
}

fn raise(
    cx: &mut Cx,
    tree: &mut Tree,
    setting: &str,
    default: i64,
    widest: Option<(i64, String)>,
    rule: &Rule,
) {
    let Some((diff, at)) = widest else { return };
    let current = get(&tree.root, &format!("index.{setting}"))
        .and_then(text)
        .and_then(|s| s.parse::<i64>().ok())
        .unwrap_or(default);
    if diff <= current || !cx.on(rule) {
        return;
    }
    tree.index_mut()
        .insert(setting.into(), Value::from(diff.to_string()));
    cx.info(
        rule,
        &tree.ptr(&at),
        format!("set `index.{setting}: {diff}` (was {current}) so `{at}` is accepted"),
    );
}

fn ngram_diff(cx: &mut Cx, tree: &mut Tree, analysis: &Map<String, Value>) {
    let w = widest(
        analysis,
        &["ngram", "nGram"],
        ("min_gram", 1),
        ("max_gram", 2),
    );
    raise(cx, tree, "max_ngram_diff", 1, w, &rules::MAX_NGRAM_DIFF);
}

fn shingle_diff(cx: &mut Cx, tree: &mut Tree, analysis: &Map<String, Value>) {
    let w = widest(
        analysis,
        &["shingle"],
        ("min_shingle_size", 2),
        ("max_shingle_size", 2),
    );
    raise(cx, tree, "max_shingle_diff", 3, w, &rules::MAX_SHINGLE_DIFF);
}
