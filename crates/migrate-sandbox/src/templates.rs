//! Index templates as index creation applies them: the parsing of a template's `settings`,
//! `mappings` and `aliases` per version, their rendering back, and which templates a new index
//! gets — the composable template of highest priority (its component templates first) on
//! Elasticsearch 7.8+ and OpenSearch, else every matching legacy template in `order`.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::error::ApiResult;
use crate::flavor::{Flavor, Product, TypeMode};
use crate::mapping_body::mapping_bodies;
use crate::model::index::{alias_metadata, empty_mapping};
use crate::model::metadata::{Metadata, TemplateBody};
use crate::model::settings::{flatten, nest, normalize_index_keys};
use crate::names::glob;

/// Whether the product has composable and component templates (Elasticsearch 7.8+, OpenSearch).
pub fn has_composable(p: &Product) -> bool {
    match p.flavor {
        Flavor::OpenSearch => true,
        Flavor::Elasticsearch => {
            p.version.major > 7 || (p.version.major == 7 && p.version.minor >= 8)
        }
    }
}

/// Parses `{settings, mappings, aliases}` of a template body (`typed`: mappings keyed by type).
pub fn parse_body(p: &Product, body: &Value, typed: bool) -> ApiResult<TemplateBody> {
    let mut out = TemplateBody::default();
    if let Some(s) = body.get("settings") {
        out.settings = normalize_index_keys(flatten(s));
    }
    if let Some(m) = body.get("mappings") {
        for (ty, mapping) in mapping_bodies(p, m, typed, None, false)? {
            out.mappings.insert(ty, mapping);
        }
    }
    if let Some(Value::Object(aliases)) = body.get("aliases") {
        for (name, a) in aliases {
            out.aliases.insert(name.clone(), alias_metadata(a));
        }
    }
    Ok(out)
}

/// The mappings as a GET shows them: by type on 5.x/6.x (and 7.x with `include_type_name`),
/// else the one typeless mapping.
pub fn render_mappings(p: &Product, mappings: &BTreeMap<String, Value>, typed: bool) -> Value {
    let by_type = match p.type_mode() {
        TypeMode::Multi | TypeMode::Single => true,
        TypeMode::TypelessWithDoc => typed,
        TypeMode::None => false,
    };
    if by_type {
        return Value::Object(
            mappings
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        );
    }
    mappings
        .values()
        .next()
        .cloned()
        .unwrap_or_else(empty_mapping)
}

/// `{settings, mappings, aliases}` for a GET; `all`: every key even when empty (legacy templates).
pub fn render_body(p: &Product, b: &TemplateBody, typed: bool, all: bool) -> Value {
    let mut m = Map::new();
    if all || !b.settings.is_empty() {
        m.insert("settings".into(), nest(&b.settings));
    }
    if all || !b.mappings.is_empty() {
        m.insert("mappings".into(), render_mappings(p, &b.mappings, typed));
    }
    if all || !b.aliases.is_empty() {
        let aliases = b
            .aliases
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        m.insert("aliases".into(), Value::Object(aliases));
    }
    Value::Object(m)
}

fn layer(into: &mut TemplateBody, b: &TemplateBody) {
    into.settings
        .extend(b.settings.iter().map(|(k, v)| (k.clone(), v.clone())));
    for (ty, m) in &b.mappings {
        let entry = into.mappings.entry(ty.clone()).or_insert_with(|| json!({}));
        crate::model::index::merge(entry, m);
    }
    into.aliases
        .extend(b.aliases.iter().map(|(k, v)| (k.clone(), v.clone())));
}

/// The composable template a new index `name` matches, by highest priority.
pub fn composable_for<'a>(meta: &'a Metadata, name: &str) -> Option<&'a str> {
    meta.index_templates
        .iter()
        .filter(|(_, t)| t.patterns.iter().any(|pat| glob(pat, name)))
        .max_by_key(|(_, t)| t.priority)
        .map(|(n, _)| n.as_str())
}

/// What the templates matching a new index `name` give it, lowest precedence first already
/// layered (the request's own settings, mappings and aliases go on top).
pub fn defaults_for(meta: &Metadata, p: &Product, name: &str) -> TemplateBody {
    let mut out = TemplateBody::default();
    if has_composable(p)
        && let Some(t) = composable_for(meta, name).and_then(|n| meta.index_templates.get(n))
    {
        for c in &t.composed_of {
            if let Some(c) = meta.component_templates.get(c) {
                layer(&mut out, &c.body);
            }
        }
        layer(&mut out, &t.body);
        return out;
    }
    let mut legacy: Vec<_> = meta
        .legacy_templates
        .values()
        .filter(|t| t.patterns.iter().any(|pat| glob(pat, name)))
        .collect();
    legacy.sort_by_key(|t| t.order);
    for t in legacy {
        layer(&mut out, &t.body);
    }
    out
}

/// The names a `GET` of `expr` (comma list of names or globs; empty or `*`: all) selects.
pub fn select<'a, V>(map: &'a BTreeMap<String, V>, expr: &str) -> Vec<&'a String> {
    if expr.is_empty() || expr == "*" || expr == "_all" {
        return map.keys().collect();
    }
    let items: Vec<&str> = expr.split(',').map(str::trim).collect();
    map.keys()
        .filter(|k| items.iter().any(|i| glob(i, k)))
        .collect()
}

/// Whether two pattern lists can match the same index name (a literal of one matched by the
/// other, or two globs sharing their literal prefix).
pub fn overlap(a: &[String], b: &[String]) -> bool {
    a.iter().any(|x| {
        b.iter().any(|y| {
            let px = x.split('*').next().unwrap_or("");
            let py = y.split('*').next().unwrap_or("");
            glob(x, y)
                || glob(y, x)
                || (x.contains('*')
                    && y.contains('*')
                    && (px.starts_with(py) || py.starts_with(px)))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flavor::Version;
    use crate::model::metadata::{ComponentTemplate, IndexTemplate, LegacyTemplate};

    fn body(shards: &str, field: &str) -> TemplateBody {
        let mut b = TemplateBody::default();
        b.settings
            .insert("index.number_of_shards".into(), json!(shards));
        b.mappings.insert(
            "_doc".into(),
            json!({"properties": {field: {"type": "keyword"}}}),
        );
        b
    }

    #[test]
    fn legacy_templates_layer_by_order_and_the_higher_order_wins() {
        let mut meta = Metadata::default();
        for (name, order, shards, field) in [("b", 1, "3", "b"), ("a", 0, "2", "a")] {
            meta.legacy_templates.insert(
                name.into(),
                LegacyTemplate {
                    order,
                    patterns: vec!["logs-*".into()],
                    version: None,
                    body: body(shards, field),
                },
            );
        }
        let p = Product::new(Flavor::Elasticsearch, Version::new(6, 8, 23)).unwrap();
        let got = defaults_for(&meta, &p, "logs-1");
        assert_eq!(got.settings["index.number_of_shards"], json!("3"));
        assert_eq!(
            got.mappings["_doc"]["properties"]
                .as_object()
                .unwrap()
                .len(),
            2
        );
        assert!(defaults_for(&meta, &p, "metrics").mappings.is_empty());
    }

    #[test]
    fn a_composable_template_replaces_legacy_ones_and_layers_its_components_first() {
        let mut meta = Metadata::default();
        meta.legacy_templates.insert(
            "old".into(),
            LegacyTemplate {
                order: 9,
                patterns: vec!["logs-*".into()],
                version: None,
                body: body("9", "old"),
            },
        );
        meta.component_templates.insert(
            "c".into(),
            ComponentTemplate {
                body: body("4", "c"),
                extra: Map::new(),
            },
        );
        let mut t = body("5", "t");
        t.settings.clear();
        meta.index_templates.insert(
            "t".into(),
            IndexTemplate {
                patterns: vec!["logs-*".into()],
                priority: 1,
                composed_of: vec!["c".into()],
                body: t,
                extra: Map::new(),
            },
        );
        let p = Product::new(Flavor::OpenSearch, Version::new(2, 11, 0)).unwrap();
        let got = defaults_for(&meta, &p, "logs-1");
        assert_eq!(got.settings["index.number_of_shards"], json!("4"));
        let props = got.mappings["_doc"]["properties"].as_object().unwrap();
        assert!(props.contains_key("c") && props.contains_key("t") && !props.contains_key("old"));
        // ES 7.7 has no composable templates: the legacy one applies.
        let p = Product::new(Flavor::Elasticsearch, Version::new(7, 7, 1)).unwrap();
        assert_eq!(
            defaults_for(&meta, &p, "logs-1").settings["index.number_of_shards"],
            json!("9")
        );
    }

    #[test]
    fn patterns_overlap_when_one_can_match_what_the_other_does() {
        let v = |s: &[&str]| s.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(overlap(&v(&["logs-*"]), &v(&["logs-app-*"])));
        assert!(overlap(&v(&["logs-1"]), &v(&["logs-*"])));
        assert!(!overlap(&v(&["logs-*"]), &v(&["metrics-*"])));
    }
}
