//! One field of a mapping, and its sub-fields and properties: 2.x `string`, `index`, `norms`,
//! `fielddata` and `precision_step`; `include_in_all` and `boost`; geo_shape prefix trees; classic
//! similarity; Joda date formats; multi-fields in multi-fields; then vectors and field types.

use serde_json::{Map, Value};

use super::{Needs, vectors};
use crate::context::{Cx, shown};
use crate::finding::Ptr;
use crate::rules;

/// Parameters a `text` field does not take (from an analyzed 2.x `string`).
const NOT_FOR_TEXT: &[&str] = &["ignore_above", "doc_values", "null_value"];
/// Parameters a `keyword` field does not take (from a `not_analyzed` 2.x `string`).
const NOT_FOR_KEYWORD: &[&str] = &[
    "analyzer",
    "search_analyzer",
    "search_quote_analyzer",
    "position_increment_gap",
    "term_vector",
    "fielddata",
    "fielddata_frequency_filter",
];
/// geo_shape prefix-tree parameters removed in 8.0.
const PREFIX_TREE: &[&str] = &[
    "tree",
    "strategy",
    "precision",
    "tree_levels",
    "distance_error_pct",
    "points_only",
];

/// Every field of a `properties` object.
pub(crate) fn properties(cx: &mut Cx, props: &mut Value, ptr: &Ptr, needs: &mut Needs) {
    let Some(props) = props.as_object_mut() else {
        cx.error(
            &rules::MALFORMED_OBJECT,
            ptr,
            "`properties` must be an object",
        );
        return;
    };
    for (name, def) in props.iter_mut() {
        let p = ptr.key(name);
        match def.as_object_mut() {
            Some(field_def) => field(cx, name, field_def, &p, false, needs),
            None => cx.error(
                &rules::MALFORMED_OBJECT,
                &p,
                format!("field `{name}` must be an object, found {}", shown(def)),
            ),
        }
    }
}

/// One field. `in_multi` is true for a multi-field (no `.keyword` sub-field is added there).
pub(crate) fn field(
    cx: &mut Cx,
    name: &str,
    f: &mut Map<String, Value>,
    p: &Ptr,
    in_multi: bool,
    needs: &mut Needs,
) {
    string(cx, name, f, p, in_multi);
    legacy_params(cx, f, p);
    if cx.on(&rules::ALL_FIELD) && f.shift_remove("include_in_all").is_some() {
        cx.info(
            &rules::ALL_FIELD,
            &p.key("include_in_all"),
            "removed `include_in_all`",
        );
    }
    if cx.on(&rules::MAPPING_BOOST)
        && let Some(b) = f.shift_remove("boost")
    {
        cx.warn(
            &rules::MAPPING_BOOST,
            &p.key("boost"),
            format!("removed index-time `boost: {b}`: boost this field at query time"),
        );
    }
    let ty = f
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    if ty == "geo_shape" && cx.on(&rules::GEO_SHAPE_PREFIX_TREE) {
        for k in PREFIX_TREE {
            if let Some(v) = f.shift_remove(*k) {
                cx.info(
                    &rules::GEO_SHAPE_PREFIX_TREE,
                    &p.key(k),
                    format!("removed `{k}: {v}` (prefix trees are gone; shapes are BKD-indexed)"),
                );
            }
        }
    }
    if cx.on(&rules::SIMILARITY_CLASSIC)
        && f.get("similarity").and_then(Value::as_str) == Some("classic")
    {
        f.insert("similarity".into(), Value::from("BM25"));
        cx.warn(
            &rules::SIMILARITY_CLASSIC,
            &p.key("similarity"),
            "similarity `classic` became `BM25`: scores differ",
        );
    }
    if let Some(Value::String(format)) = f.get_mut("format")
        && matches!(ty.as_str(), "date" | "date_nanos" | "date_range")
    {
        date_format(cx, format, &p.key("format"));
    }
    vectors::field(cx, name, f, p, needs);
    if let Some(props) = f.get_mut("properties") {
        properties(cx, props, &p.key("properties"), needs);
    }
    multi_fields(cx, name, f, p, in_multi, needs);
}

fn string(cx: &mut Cx, name: &str, f: &mut Map<String, Value>, p: &Ptr, in_multi: bool) {
    if f.get("type").and_then(Value::as_str) != Some("string")
        || !cx.on(&rules::STRING_TO_TEXT_KEYWORD)
    {
        return;
    }
    let index = f.get("index").cloned();
    let mode = match &index {
        Some(Value::String(s)) => s.as_str(),
        Some(Value::Bool(false)) => "no",
        _ => "analyzed",
    };
    let mut dropped = Vec::new();
    let target = if mode == "not_analyzed" {
        f.shift_remove("index");
        for k in NOT_FOR_KEYWORD {
            if f.shift_remove(*k).is_some() {
                dropped.push(*k);
            }
        }
        "keyword"
    } else {
        if mode == "no" {
            f.insert("index".into(), Value::Bool(false));
        } else {
            f.shift_remove("index");
        }
        for k in NOT_FOR_TEXT {
            if f.shift_remove(*k).is_some() {
                dropped.push(*k);
            }
        }
        "text"
    };
    f.insert("type".into(), Value::from(target));
    let mut msg = format!("`{name}`: `string` (index `{mode}`) became `{target}`");
    if !dropped.is_empty() {
        msg.push_str(&format!(
            ", dropping {} that `{target}` does not take",
            dropped
                .iter()
                .map(|d| format!("`{d}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let add_keyword = target == "text"
        && mode != "no"
        && !in_multi
        && cx.opt.string_keyword_subfield
        && f.get("fields").is_none();
    if add_keyword {
        let mut sub = Map::new();
        sub.insert(
            "keyword".into(),
            serde_json::json!({"type": "keyword", "ignore_above": 256}),
        );
        f.insert("fields".into(), Value::Object(sub));
        msg.push_str(", with a `keyword` sub-field (`ignore_above: 256`)");
    }
    cx.info(&rules::STRING_TO_TEXT_KEYWORD, &p.key("type"), msg);
}

/// `index: analyzed|not_analyzed|no`, `norms` objects, `omit_norms`, `fielddata.format`,
/// `precision_step` (5.0).
fn legacy_params(cx: &mut Cx, f: &mut Map<String, Value>, p: &Ptr) {
    if let Some(Value::String(s)) = f.get("index").cloned()
        && cx.on(&rules::INDEX_ANALYZED_BOOLEAN)
    {
        let b = match s.as_str() {
            "no" | "false" => Some(false),
            "analyzed" | "not_analyzed" | "true" => Some(true),
            _ => None,
        };
        if let Some(b) = b {
            f.insert("index".into(), Value::Bool(b));
            cx.info(
                &rules::INDEX_ANALYZED_BOOLEAN,
                &p.key("index"),
                format!("`index: {s}` became `index: {b}`"),
            );
        }
    }
    if cx.on(&rules::NORMS_BOOLEAN) {
        if let Some(Value::Object(norms)) = f.get("norms").cloned() {
            let enabled = norms
                .get("enabled")
                .and_then(Value::as_bool)
                .unwrap_or(true);
            f.insert("norms".into(), Value::Bool(enabled));
            cx.info(
                &rules::NORMS_BOOLEAN,
                &p.key("norms"),
                format!(
                    "`norms: {}` became `norms: {enabled}`",
                    Value::Object(norms)
                ),
            );
        }
        if let Some(omit) = f.shift_remove("omit_norms") {
            let omit = omit.as_bool().unwrap_or(false) || omit.as_str() == Some("true");
            f.insert("norms".into(), Value::Bool(!omit));
            cx.info(
                &rules::NORMS_BOOLEAN,
                &p.key("omit_norms"),
                format!("`omit_norms: {omit}` became `norms: {}`", !omit),
            );
        }
    }
    if cx.on(&rules::FIELDDATA_FORMAT)
        && let Some(Value::Object(fd)) = f.get("fielddata").cloned()
    {
        let disabled = fd.get("format").and_then(Value::as_str) == Some("disabled");
        if disabled {
            f.insert("fielddata".into(), Value::Bool(false));
        } else {
            f.shift_remove("fielddata");
        }
        let now = if disabled {
            "`fielddata: false`"
        } else {
            "removed (the default)"
        };
        cx.info(
            &rules::FIELDDATA_FORMAT,
            &p.key("fielddata"),
            format!("`fielddata: {}` became {now}", Value::Object(fd)),
        );
    }
    if cx.on(&rules::PRECISION_STEP)
        && let Some(v) = f.shift_remove("precision_step")
    {
        cx.warn(
            &rules::PRECISION_STEP,
            &p.key("precision_step"),
            format!("removed `precision_step: {v}`: numbers are indexed as points"),
        );
    }
}

/// Joda → java.time: patterns whose letters read differently are flagged; ES 6.8's `8` prefix
/// (java.time already) is dropped.
pub(crate) fn date_format(cx: &mut Cx, format: &mut String, p: &Ptr) {
    if !cx.on(&rules::JODA_DATE_FORMATS) {
        return;
    }
    let mut parts: Vec<String> = Vec::new();
    let mut changed = false;
    for part in format.split("||") {
        if let Some(java) = part.strip_prefix('8') {
            parts.push(java.to_string());
            changed = true;
            continue;
        }
        let named = part.chars().all(|c| c.is_ascii_lowercase() || c == '_');
        if !named {
            let letters = pattern_letters(part);
            let risky: Vec<char> = ['Y', 'x', 'w', 'e', 'Z', 'z']
                .into_iter()
                .filter(|c| letters.contains(c))
                .collect();
            let year_and_u = letters.contains(&'y') && letters.contains(&'u');
            if !risky.is_empty() || year_and_u {
                let list = risky
                    .iter()
                    .map(|c| format!("`{c}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                cx.warn(&rules::JODA_DATE_FORMATS, p, format!("date format `{part}` uses {} whose java.time meaning differs from Joda's: check it on the destination (e.g. `Y` is week-based year, `x` a zone offset)", if list.is_empty() { "`y` with `u`".to_string() } else { list }));
            }
        }
        parts.push(part.to_string());
    }
    if changed {
        let new = parts.join("||");
        cx.info(
            &rules::JODA_DATE_FORMATS,
            p,
            format!(
                "date format `{format}` became `{new}` (the `8` prefix marked java.time already)"
            ),
        );
        *format = new;
    }
}

/// The pattern letters outside quoted literals.
fn pattern_letters(pattern: &str) -> Vec<char> {
    let mut out = Vec::new();
    let mut quoted = false;
    for c in pattern.chars() {
        if c == '\'' {
            quoted = !quoted;
        } else if !quoted && c.is_ascii_alphabetic() {
            out.push(c);
        }
    }
    out
}

fn multi_fields(
    cx: &mut Cx,
    name: &str,
    f: &mut Map<String, Value>,
    p: &Ptr,
    in_multi: bool,
    needs: &mut Needs,
) {
    let Some(Value::Object(subs)) = f.get_mut("fields") else {
        return;
    };
    let fp = p.key("fields");
    let mut lifted: Vec<(String, Value)> = Vec::new();
    for (sub_name, sub) in subs.iter_mut() {
        let sp = fp.key(sub_name);
        let Some(sub) = sub.as_object_mut() else {
            cx.error(
                &rules::MALFORMED_OBJECT,
                &sp,
                format!("multi-field `{name}.{sub_name}` must be an object"),
            );
            continue;
        };
        field(cx, sub_name, sub, &sp, true, needs);
        if in_multi || !cx.on(&rules::MULTI_FIELDS_IN_MULTI_FIELDS) {
            continue;
        }
        if let Some(Value::Object(inner)) = sub.shift_remove("fields") {
            for (inner_name, def) in inner {
                let new = format!("{sub_name}_{inner_name}");
                cx.error(&rules::MULTI_FIELDS_IN_MULTI_FIELDS, &sp.key("fields").key(&inner_name), format!("`{name}.{sub_name}.{inner_name}` is a multi-field inside a multi-field: moved up as `{name}.{new}`; queries on the old path must change"));
                lifted.push((new, def));
            }
        }
    }
    for (k, v) in lifted {
        subs.entry(k).or_insert(v);
    }
}
