//! Structural diffs of index metadata against what the engine intended to create: mappings,
//! settings (minus the keys the caller ignores) and aliases, each difference named by its path.
//!
//! Scalars are compared the way Elasticsearch reads them back: `"true"` equals `true`, `"1"`
//! equals `1` and `1.0` (settings come back as strings; mapping parameters as sent or as typed).
//! Objects are compared key by key, arrays element by element.

use serde::Serialize;
use serde_json::{Map, Value};

/// One difference: the path and the value on each side (`None`: absent there).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetaDiff {
    pub path: String,
    pub left: Option<Value>,
    pub right: Option<Value>,
}

impl MetaDiff {
    /// `` `properties.title.type`: `keyword` on the source, `text` on the destination ``.
    pub fn describe(&self, left: &str, right: &str) -> String {
        let show = |v: &Option<Value>| match v {
            None => "absent".to_owned(),
            Some(Value::String(s)) => format!("`{s}`"),
            Some(v) => format!("`{v}`"),
        };
        format!(
            "`{}`: {} on the {left}, {} on the {right}",
            self.path,
            show(&self.left),
            show(&self.right)
        )
    }
}

/// Setting keys to leave out of a comparison: exact flat keys (`index.uuid`), or prefixes ending in
/// `.` or `.*` (`index.version.`, `index.routing.allocation.*`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyFilter {
    exact: Vec<String>,
    prefixes: Vec<String>,
}

impl KeyFilter {
    pub fn new<S: AsRef<str>>(patterns: impl IntoIterator<Item = S>) -> KeyFilter {
        let mut f = KeyFilter::default();
        for p in patterns {
            let p = p.as_ref();
            match p.strip_suffix('*') {
                Some(prefix) => f.prefixes.push(prefix.to_owned()),
                None if p.ends_with('.') => f.prefixes.push(p.to_owned()),
                None => f.exact.push(p.to_owned()),
            }
        }
        f
    }

    pub fn ignores(&self, key: &str) -> bool {
        self.exact.iter().any(|e| e == key) || self.prefixes.iter().any(|p| key.starts_with(p))
    }
}

/// Every difference between two JSON documents, in path order.
pub fn diff_json(left: &Value, right: &Value) -> Vec<MetaDiff> {
    let mut out = Vec::new();
    walk("", Some(left), Some(right), &mut out);
    out
}

/// Mappings: `type: object` beside `properties` is implied (Elasticsearch leaves it out when it
/// reads a mapping back), so it is dropped on both sides before the comparison.
pub fn diff_mappings(intended: &Value, actual: &Value) -> Vec<MetaDiff> {
    diff_json(&without_object_type(intended), &without_object_type(actual))
}

/// Settings, nested (`{"index":{"number_of_shards":"1"}}`) or flat (`index.number_of_shards`),
/// flattened to dotted keys; keys `ignore` names are left out on both sides.
pub fn diff_settings(intended: &Value, actual: &Value, ignore: &KeyFilter) -> Vec<MetaDiff> {
    let flat = |v: &Value| {
        let mut m = Map::new();
        flatten("", v, &mut m);
        m.retain(|k, _| !ignore.ignores(k));
        Value::Object(m)
    };
    let (l, r) = (flat(intended), flat(actual));
    let mut out = Vec::new();
    // Flat keys are one path segment each: `index.number_of_shards`, not `index` › `number_of_shards`.
    for key in keys(l.as_object(), r.as_object()) {
        let (a, b) = (l.get(&key), r.get(&key));
        if !scalar_eq(a, b) {
            out.push(MetaDiff {
                path: key,
                left: a.cloned(),
                right: b.cloned(),
            });
        }
    }
    out
}

/// Aliases (`{"name": {"filter": …, "index_routing": …, "is_write_index": …}}`).
pub fn diff_aliases(intended: &Value, actual: &Value) -> Vec<MetaDiff> {
    diff_json(intended, actual)
}

fn keys(a: Option<&Map<String, Value>>, b: Option<&Map<String, Value>>) -> Vec<String> {
    let mut k: Vec<String> = a
        .into_iter()
        .chain(b)
        .flat_map(|m| m.keys().cloned())
        .collect();
    k.sort();
    k.dedup();
    k
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

fn walk(path: &str, a: Option<&Value>, b: Option<&Value>, out: &mut Vec<MetaDiff>) {
    match (a, b) {
        (Some(Value::Object(x)), Some(Value::Object(y))) => {
            for k in keys(Some(x), Some(y)) {
                walk(&join(path, &k), x.get(&k), y.get(&k), out);
            }
        }
        (Some(Value::Array(x)), Some(Value::Array(y))) if x.len() == y.len() => {
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                walk(&format!("{path}[{i}]"), Some(p), Some(q), out);
            }
        }
        _ if scalar_eq(a, b) => {}
        _ => out.push(MetaDiff {
            path: path.to_owned(),
            left: a.cloned(),
            right: b.cloned(),
        }),
    }
}

/// Equal as Elasticsearch reads metadata: same JSON, or same text, or same number.
fn scalar_eq(a: Option<&Value>, b: Option<&Value>) -> bool {
    let (a, b) = match (a, b) {
        (None, None) => return true,
        (Some(a), Some(b)) => (a, b),
        _ => return false,
    };
    if a == b {
        return true;
    }
    let text = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Bool(_) | Value::Number(_) => Some(v.to_string()),
        _ => None,
    };
    match (text(a), text(b)) {
        (Some(x), Some(y)) if x == y => true,
        (Some(x), Some(y)) => matches!(
            (x.parse::<f64>(), y.parse::<f64>()),
            (Ok(p), Ok(q)) if p == q
        ),
        _ => false,
    }
}

fn flatten(prefix: &str, v: &Value, out: &mut Map<String, Value>) {
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                flatten(&join(prefix, k), v, out);
            }
        }
        other => {
            out.insert(prefix.to_owned(), other.clone());
        }
    }
}

fn without_object_type(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let implied = m.contains_key("properties")
                && m.get("type").and_then(Value::as_str) == Some("object");
            Value::Object(
                m.iter()
                    .filter(|(k, _)| !(implied && k.as_str() == "type"))
                    .map(|(k, v)| (k.clone(), without_object_type(v)))
                    .collect(),
            )
        }
        Value::Array(a) => Value::Array(a.iter().map(without_object_type).collect()),
        other => other.clone(),
    }
}
