//! Comparing a translated object with what the destination already has, ignoring what the
//! destination adds by itself (defaults, `uuid`, `creation_date`, version fields, ISM's
//! bookkeeping), so that "equal → nothing to do; different → an error unless the plan says
//! replace" can be decided.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::finding::Ptr;
use crate::kind::ObjectKind;
use crate::settings::tree::{Tree, leaves, text};

/// One place where the two objects differ.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Difference {
    /// A JSON pointer into the normalised object (settings are flat: `/index.number_of_shards`).
    pub path: String,
    /// The translated value (`None`: the destination has something the translation does not).
    pub translated: Option<Value>,
    /// The destination's value (`None`: the destination lacks it).
    pub existing: Option<Value>,
}

/// Settings the server sets itself: never compared.
const SERVER_SETTINGS: &[&str] = &[
    "index.uuid",
    "index.creation_date",
    "index.creation_date_string",
    "index.provided_name",
    "index.history.uuid",
    "index.version.",
    "index.resize.",
    "index.shrink.",
    "index.routing.allocation.initial_recovery.",
    "index.verified_before_close",
    "index.routing.allocation.include._tier_preference",
];

/// Settings a destination fills in with these defaults when not given.
const DEFAULT_SETTINGS: &[(&str, &str)] = &[
    ("index.number_of_shards", "1"),
    ("index.number_of_replicas", "1"),
    ("index.refresh_interval", "1s"),
    ("index.hidden", "false"),
    ("index.replication.type", "DOCUMENT"),
];

/// Fields of GET answers that are bookkeeping, not the object (ISM, ILM, stored objects).
const BOOKKEEPING: &[&str] = &[
    "_id",
    "_version",
    "_seq_no",
    "_primary_term",
    "policy_id",
    "last_updated_time",
    "schema_version",
    "modified_date",
    "in_use_by",
    "found",
];

/// The differences between `translated` and `existing` (empty: equal).
pub fn compare(kind: ObjectKind, translated: &Value, existing: &Value) -> Vec<Difference> {
    let mut out = Vec::new();
    let (a, b) = (canonical(kind, translated), canonical(kind, existing));
    diff(&a, &b, &Ptr::root(), &mut out);
    out
}

fn canonical(kind: ObjectKind, v: &Value) -> Value {
    match (kind, v) {
        (ObjectKind::Settings, Value::Object(_)) => flat_settings(v),
        (ObjectKind::Mappings, _) => mapping(v),
        (ObjectKind::Index | ObjectKind::LegacyTemplate, Value::Object(m)) => {
            let mut out = m.clone();
            if let Some(s) = m.get("settings") {
                out.insert("settings".into(), flat_settings(s));
            }
            if let Some(x) = m.get("mappings") {
                out.insert("mappings".into(), mapping(x));
            }
            if kind == ObjectKind::LegacyTemplate
                && out
                    .get("order")
                    .is_some_and(|o| text(o).as_deref() == Some("0"))
            {
                out.shift_remove("order");
            }
            for k in ["aliases", "mappings"] {
                if out
                    .get(k)
                    .is_some_and(|x| x.as_object().is_some_and(Map::is_empty))
                {
                    out.shift_remove(k);
                }
            }
            Value::Object(out)
        }
        (ObjectKind::IndexTemplate | ObjectKind::ComponentTemplate, Value::Object(m)) => {
            let mut out = m.clone();
            if let Some(Value::Object(t)) = m.get("template") {
                out.insert(
                    "template".into(),
                    canonical(ObjectKind::Index, &Value::Object(t.clone())),
                );
            }
            Value::Object(out)
        }
        (ObjectKind::LifecyclePolicy, _) => strip_bookkeeping(v),
        _ => strip_bookkeeping(v),
    }
}

/// Settings as `{ "index.x.y": "text" }` with server-managed keys removed.
fn flat_settings(v: &Value) -> Value {
    let Some(obj) = v.as_object() else {
        return v.clone();
    };
    let tree = Tree::read(obj, &Ptr::root());
    let mut out = Map::new();
    for (k, val) in leaves(&tree.root) {
        if SERVER_SETTINGS
            .iter()
            .any(|s| k == *s || (s.ends_with('.') && k.starts_with(s)))
        {
            continue;
        }
        let val = match &val {
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|i| text(i).map(Value::from).unwrap_or_else(|| i.clone()))
                    .collect(),
            ),
            other => text(other)
                .map(Value::from)
                .unwrap_or_else(|| other.clone()),
        };
        out.insert(k, val);
    }
    Value::Object(out)
}

/// A mapping with implied `type: object` removed and scalars compared as text.
fn mapping(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut out = Map::new();
            for (k, x) in m {
                if k == "type" && x.as_str() == Some("object") && m.contains_key("properties") {
                    continue;
                }
                out.insert(k.clone(), mapping(x));
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(mapping).collect()),
        Value::Number(_) | Value::Bool(_) => Value::from(text(v).unwrap_or_default()),
        other => other.clone(),
    }
}

/// Removes GET-answer bookkeeping and ISM's default `retry` at any depth.
fn strip_bookkeeping(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut out = Map::new();
            for (k, x) in m {
                if BOOKKEEPING.contains(&k.as_str()) || (k == "error_notification" && x.is_null()) {
                    continue;
                }
                if k == "retry"
                    && x == &serde_json::json!({"count": 3, "backoff": "exponential", "delay": "1m"})
                {
                    continue;
                }
                out.insert(k.clone(), strip_bookkeeping(x));
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(strip_bookkeeping).collect()),
        other => other.clone(),
    }
}

fn is_default(path: &Ptr, key: &str, existing: &Value) -> bool {
    // Only flat settings maps have `index.*` keys at one level.
    let _ = path;
    DEFAULT_SETTINGS
        .iter()
        .any(|(k, d)| *k == key && text(existing).as_deref() == Some(*d))
}

fn diff(a: &Value, b: &Value, p: &Ptr, out: &mut Vec<Difference>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, av) in x {
                match y.get(k) {
                    Some(bv) => diff(av, bv, &p.key(k), out),
                    None => out.push(Difference {
                        path: p.key(k).as_str().into(),
                        translated: Some(av.clone()),
                        existing: None,
                    }),
                }
            }
            for (k, bv) in y {
                if !x.contains_key(k) && !is_default(p, k, bv) {
                    out.push(Difference {
                        path: p.key(k).as_str().into(),
                        translated: None,
                        existing: Some(bv.clone()),
                    });
                }
            }
        }
        _ if a == b => {}
        _ => out.push(Difference {
            path: p.as_str().into(),
            translated: Some(a.clone()),
            existing: Some(b.clone()),
        }),
    }
}
