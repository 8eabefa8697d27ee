//! Templates: legacy (`_template`), composable (`_index_template`) and component
//! (`_component_template`), and what a data-stream template needs on the destination.

use serde_json::{Map, Value};

use crate::context::Cx;
use crate::finding::Ptr;
use crate::mapping::{self, Mapped, Needs};
use crate::settings::{self, Purpose};
use crate::{aliases, rules};

/// Composable-template fields only Elasticsearch has.
const ES_ONLY_FIELDS: &[&str] = &[
    "allow_auto_create",
    "ignore_missing_component_templates",
    "deprecated",
];

pub(crate) fn legacy(cx: &mut Cx, input: &Value, base: &Ptr) -> Value {
    let Some(obj) = cx.object(input, base, "a template") else {
        return input.clone();
    };
    let mut out = Map::new();
    for (k, v) in obj {
        let p = base.key(k);
        match k.as_str() {
            "template" if cx.on(&rules::TEMPLATE_TO_INDEX_PATTERNS) => {
                let patterns = match v {
                    Value::String(s) => {
                        Value::Array(s.split(',').map(|x| Value::from(x.trim())).collect())
                    }
                    other => other.clone(),
                };
                cx.info(
                    &rules::TEMPLATE_TO_INDEX_PATTERNS,
                    &p,
                    format!("`template: {v}` became `index_patterns: {patterns}`"),
                );
                out.insert("index_patterns".into(), patterns);
            }
            "index_patterns" if v.is_string() && cx.dst.typeless_default() => {
                out.insert(k.clone(), Value::Array(vec![v.clone()]));
            }
            "settings" | "mappings" | "aliases" => {}
            _ => {
                out.insert(k.clone(), v.clone());
            }
        }
    }
    let mut needs = Needs::default();
    if let Some(m) = obj.get("mappings") {
        out.insert("mappings".into(), mappings_of(cx, m, base, &mut needs));
    }
    let s = settings_of(cx, obj, base, needs.knn);
    if s.as_object().is_some_and(|m| !m.is_empty()) || obj.contains_key("settings") {
        out.insert("settings".into(), s);
    }
    if let Some(a) = obj.get("aliases") {
        out.insert(
            "aliases".into(),
            aliases::translate(cx, a, &base.key("aliases")),
        );
    }
    Value::Object(out)
}

/// A template's mappings, translated (per-type mappings stay keyed by type).
fn mappings_of(cx: &mut Cx, m: &Value, base: &Ptr, needs: &mut Needs) -> Value {
    match mapping::translate(cx, m, &base.key("mappings"), false, needs) {
        Mapped::One(v) => v,
        Mapped::PerType(types) => Value::Object(types.into_iter().collect()),
    }
}

/// A template's settings (or none, pointing at the template), translated for templates.
fn settings_of(cx: &mut Cx, obj: &Map<String, Value>, base: &Ptr, needs_knn: bool) -> Value {
    let (input, at) = match obj.get("settings") {
        Some(s) => (s.clone(), base.key("settings")),
        None => (Value::Object(Map::new()), base.clone()),
    };
    settings::translate(cx, &input, &at, Purpose::Template, needs_knn)
}

/// The `template` block of composable and component templates.
fn block(cx: &mut Cx, t: &Value, base: &Ptr) -> Value {
    let Some(obj) = t.as_object() else {
        cx.error(
            &rules::MALFORMED_OBJECT,
            base,
            "`template` must be an object",
        );
        return t.clone();
    };
    let mut out = obj.clone();
    let mut needs = Needs::default();
    if let Some(m) = obj.get("mappings") {
        out.insert("mappings".into(), mappings_of(cx, m, base, &mut needs));
    }
    if obj.contains_key("settings") || needs.knn {
        out.insert("settings".into(), settings_of(cx, obj, base, needs.knn));
    }
    if let Some(a) = obj.get("aliases") {
        out.insert(
            "aliases".into(),
            aliases::translate(cx, a, &base.key("aliases")),
        );
    }
    Value::Object(out)
}

pub(crate) fn composable(cx: &mut Cx, input: &Value, base: &Ptr, component: bool) -> Value {
    let Some(obj) = cx.object(input, base, "a template") else {
        return input.clone();
    };
    if cx.on(&rules::COMPOSABLE_TEMPLATE_UNAVAILABLE) {
        let what = if component {
            "component"
        } else {
            "composable index"
        };
        cx.error(&rules::COMPOSABLE_TEMPLATE_UNAVAILABLE, base, format!("{} has no {what} templates (they arrived in 7.8): render it into a legacy template by hand", cx.dst));
        return input.clone();
    }
    let mut out = Map::new();
    for (k, v) in obj {
        let p = base.key(k);
        if ES_ONLY_FIELDS.contains(&k.as_str()) && cx.on(&rules::TEMPLATE_FIELDS_UNKNOWN) {
            cx.warn(
                &rules::TEMPLATE_FIELDS_UNKNOWN,
                &p,
                format!("removed `{k}: {v}` (OpenSearch does not have it)"),
            );
            continue;
        }
        match k.as_str() {
            "template" => {
                out.insert(k.clone(), block(cx, v, &p));
            }
            "data_stream" if !component => {
                out.insert(k.clone(), data_stream(cx, v, &p));
            }
            _ => {
                out.insert(k.clone(), v.clone());
            }
        }
    }
    Value::Object(out)
}

fn data_stream(cx: &mut Cx, v: &Value, p: &Ptr) -> Value {
    if !(cx.dst.es_at_least(7, 9) || cx.dst.is_opensearch()) {
        cx.error(&rules::DATA_STREAM_TEMPLATE, p, format!("{} has no data streams (ES 7.9+ or OpenSearch): the documents must go to an index or alias instead", cx.dst));
        return v.clone();
    }
    let mut out = v.as_object().cloned().unwrap_or_default();
    if cx.on(&rules::TEMPLATE_FIELDS_UNKNOWN) {
        for key in ["hidden", "allow_custom_routing", "failure_store"] {
            if let Some(x) = out.shift_remove(key) {
                cx.warn(
                    &rules::TEMPLATE_FIELDS_UNKNOWN,
                    &p.key(key),
                    format!("removed `data_stream.{key}: {x}` (OpenSearch does not have it)"),
                );
            }
        }
    }
    cx.info(&rules::DATA_STREAM_TEMPLATE, p, "data streams from this template need `@timestamp` (or the template's timestamp field) mapped as a date, and documents written with `op_type: create` to the stream's name; create the template before the first write");
    Value::Object(out)
}
