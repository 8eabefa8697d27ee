//! Mappings: typed or typeless input, `_default_` merged, several types unioned or split as the
//! plan chose, the root's meta fields translated, then every field (see [`fields`]).

mod fields;
mod root;
mod types;
mod vectors;

use serde_json::{Map, Value};

use crate::context::{Cx, shown};
use crate::finding::Ptr;
use crate::options::MultiType;
use crate::rules;

/// A translated mapping: one, or one per type when the plan split a multi-type index.
pub(crate) enum Mapped {
    One(Value),
    PerType(Vec<(String, Value)>),
}

/// What the mapping needs from the index's settings.
#[derive(Default)]
pub(crate) struct Needs {
    /// An indexed `knn_vector` field: `index.knn: true`.
    pub knn: bool,
}

/// Root parameters of a typeless mapping: a mapping whose keys are all outside this list (and
/// whose values are objects) is typed.
const ROOT_PARAMS: &[&str] = &[
    "properties",
    "dynamic",
    "dynamic_templates",
    "_source",
    "_all",
    "_routing",
    "_meta",
    "_field_names",
    "_size",
    "date_detection",
    "numeric_detection",
    "dynamic_date_formats",
    "enabled",
    "include_in_all",
    "_timestamp",
    "_ttl",
    "_parent",
    "_id",
    "_index",
    "_type",
    "_uid",
    "_analyzer",
    "_boost",
    "runtime",
    "subobjects",
    "_data_stream_timestamp",
];

fn is_typed(cx: &Cx, obj: &Map<String, Value>) -> bool {
    !cx.src.typeless_only()
        && !obj.is_empty()
        && obj
            .iter()
            .all(|(k, v)| !ROOT_PARAMS.contains(&k.as_str()) && v.is_object())
}

/// Translates a mapping. `allow_split` is false for templates, which cannot become one per type.
pub(crate) fn translate(
    cx: &mut Cx,
    input: &Value,
    base: &Ptr,
    allow_split: bool,
    needs: &mut Needs,
) -> Mapped {
    let Some(obj) = input.as_object() else {
        cx.error(
            &rules::MALFORMED_OBJECT,
            base,
            format!("mappings must be an object, found {}", shown(input)),
        );
        return Mapped::One(input.clone());
    };
    if !is_typed(cx, obj) {
        let mut body = obj.clone();
        root::translate(cx, &mut body, base, needs);
        return Mapped::One(wrap_for_old_destination(cx, body, base));
    }
    let mut typed: Vec<(String, Ptr, Map<String, Value>)> = obj
        .iter()
        .filter_map(|(k, v)| v.as_object().map(|m| (k.clone(), base.key(k), m.clone())))
        .collect();
    types::merge_default(cx, &mut typed, needs);
    if typed.len() > 1 && cx.on(&rules::MULTI_TYPE) {
        return types::several(cx, typed, base, allow_split, needs);
    }
    let mut out = Map::new();
    let single = typed.len() == 1;
    for (name, ptr, mut body) in typed {
        root::translate(cx, &mut body, &ptr, needs);
        if single && cx.dst.typeless_default() {
            if cx.on(&rules::INCLUDE_TYPE_NAME) {
                cx.info(
                    &rules::INCLUDE_TYPE_NAME,
                    &ptr,
                    format!(
                        "unwrapped mapping type `{name}`: {} takes typeless mappings",
                        cx.dst
                    ),
                );
            }
            return Mapped::One(Value::Object(body));
        }
        out.insert(name, Value::Object(body));
    }
    Mapped::One(Value::Object(out))
}

/// A typeless mapping for ES 5/6 gets the type those versions need.
fn wrap_for_old_destination(cx: &mut Cx, body: Map<String, Value>, base: &Ptr) -> Value {
    if !cx.on(&rules::TYPELESS_TO_TYPED) {
        return Value::Object(body);
    }
    let name = if cx.dst.major >= 6 { "_doc" } else { "doc" };
    cx.info(
        &rules::TYPELESS_TO_TYPED,
        base,
        format!(
            "wrapped the typeless mapping in type `{name}` for {}",
            cx.dst
        ),
    );
    let mut out = Map::new();
    out.insert(name.to_string(), Value::Object(body));
    Value::Object(out)
}

/// The plan's multi-type choice, as text for messages.
pub(crate) fn choice(m: MultiType) -> &'static str {
    match m {
        MultiType::Refuse => "refuse",
        MultiType::Union => "union",
        MultiType::Split => "split",
    }
}
