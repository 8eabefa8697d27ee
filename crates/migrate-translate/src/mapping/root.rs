//! A typeless mapping body's root: meta fields (`_all`, `_timestamp`, `_ttl`, `_field_names`,
//! `_source.mode`, `_parent` alone), runtime fields, dynamic templates, then the properties.

use serde_json::{Map, Value};

use super::{Needs, fields};
use crate::context::{Cx, shown};
use crate::finding::Ptr;
use crate::rules;

pub(crate) fn translate(cx: &mut Cx, body: &mut Map<String, Value>, ptr: &Ptr, needs: &mut Needs) {
    if cx.on(&rules::ALL_FIELD) {
        if let Some(all) = body.shift_remove("_all") {
            let enabled = all.get("enabled").and_then(Value::as_bool).unwrap_or(true);
            let msg = format!("removed `_all: {}`", shown(&all));
            if enabled {
                cx.warn(&rules::ALL_FIELD, &ptr.key("_all"), format!("{msg}: it was enabled, so queries on `_all` (and the default field) need `copy_to` or `index.query.default_field`"));
            } else {
                cx.info(&rules::ALL_FIELD, &ptr.key("_all"), msg);
            }
        }
        if body.shift_remove("include_in_all").is_some() {
            cx.info(
                &rules::ALL_FIELD,
                &ptr.key("include_in_all"),
                "removed `include_in_all`",
            );
        }
    }
    if cx.on(&rules::TIMESTAMP_TTL) {
        for meta in ["_timestamp", "_ttl"] {
            if let Some(v) = body.shift_remove(meta) {
                let enabled = v.get("enabled").and_then(Value::as_bool).unwrap_or(false);
                let msg = format!("removed `{meta}: {}`", shown(&v));
                if enabled {
                    let how = if meta == "_ttl" {
                        "expire documents with ILM/ISM or delete-by-query"
                    } else {
                        "write the time into a date field"
                    };
                    cx.warn(
                        &rules::TIMESTAMP_TTL,
                        &ptr.key(meta),
                        format!("{msg}: it was enabled; {how}"),
                    );
                } else {
                    cx.info(&rules::TIMESTAMP_TTL, &ptr.key(meta), msg);
                }
            }
        }
    }
    if cx.on(&rules::PARENT_TO_JOIN) && body.contains_key("_parent") {
        cx.error(&rules::PARENT_TO_JOIN, &ptr.key("_parent"), "`_parent` without its parent type in the same mapping cannot become a join field: translate the whole index with `settings.translate.multi_type: union`");
        body.shift_remove("_parent");
    }
    if cx.on(&rules::FIELD_NAMES_ENABLED)
        && let Some(Value::Object(fnames)) = body.get_mut("_field_names")
        && let Some(v) = fnames.shift_remove("enabled")
    {
        if fnames.is_empty() {
            body.shift_remove("_field_names");
        }
        cx.info(
            &rules::FIELD_NAMES_ENABLED,
            &ptr.key("_field_names").key("enabled"),
            format!("removed `_field_names.enabled: {v}`"),
        );
    }
    if cx.on(&rules::SOURCE_MODE)
        && let Some(Value::Object(source)) = body.get_mut("_source")
        && let Some(mode) = source.shift_remove("mode")
    {
        if source.is_empty() {
            body.shift_remove("_source");
        }
        cx.warn(
            &rules::SOURCE_MODE,
            &ptr.key("_source").key("mode"),
            format!(
                "removed `_source.mode: {mode}`: OpenSearch stores the whole `_source` (more disk)"
            ),
        );
    }
    if cx.on(&rules::RUNTIME_FIELDS)
        && let Some(Value::Object(runtime)) = body.shift_remove("runtime")
    {
        let names = runtime
            .keys()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", ");
        cx.error(&rules::RUNTIME_FIELDS, &ptr.key("runtime"), format!("runtime fields {names} have no OpenSearch equivalent: index them as real fields or drop them"));
    }
    if let Some(Value::Array(formats)) = body.get_mut("dynamic_date_formats") {
        let p = ptr.key("dynamic_date_formats");
        for (i, f) in formats.iter_mut().enumerate() {
            if let Value::String(s) = f {
                fields::date_format(cx, s, &p.index(i));
            }
        }
    }
    if let Some(Value::Array(templates)) = body.get_mut("dynamic_templates") {
        let p = ptr.key("dynamic_templates");
        for (i, entry) in templates.iter_mut().enumerate() {
            let Some(named) = entry.as_object_mut() else {
                continue;
            };
            for (name, t) in named.iter_mut() {
                if let Some(Value::Object(mapping)) = t.get_mut("mapping") {
                    let mp = p.index(i).key(name).key("mapping");
                    fields::field(cx, name, mapping, &mp, false, needs);
                }
            }
        }
    }
    if let Some(props) = body.get_mut("properties") {
        fields::properties(cx, props, &ptr.key("properties"), needs);
    }
}
