//! Index settings in one shape whatever the input's: flat (`index.number_of_shards`), nested
//! (`{"index": {...}}`), or without the `index.` prefix (as templates write them), with the
//! JSON pointer into the input of every normalised path, for findings.

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::finding::Ptr;

/// Normalised settings: a tree under `index` (and `archived`), and where each path came from.
pub(crate) struct Tree {
    pub root: Map<String, Value>,
    origin: HashMap<String, String>,
}

impl Tree {
    /// Reads settings; a key without a known top-level prefix gets `index.` as Elasticsearch does.
    pub fn read(input: &Map<String, Value>, base: &Ptr) -> Tree {
        let mut tree = Tree {
            root: Map::new(),
            origin: HashMap::new(),
        };
        tree.walk(input, &[], base, true);
        arrays_from_numbered(&mut tree.root);
        tree
    }

    fn walk(&mut self, obj: &Map<String, Value>, path: &[String], ptr: &Ptr, top: bool) {
        for (key, value) in obj {
            let mut segs: Vec<String> = path.to_vec();
            let parts: Vec<&str> = key.split('.').filter(|p| !p.is_empty()).collect();
            if parts.is_empty() {
                continue;
            }
            if top && parts[0] != "index" && parts[0] != "archived" {
                segs.push("index".to_string());
            }
            let here = ptr.key(key);
            for part in parts {
                segs.push(part.to_string());
                self.origin
                    .entry(segs.join("."))
                    .or_insert_with(|| here.as_str().to_string());
            }
            match value {
                Value::Object(inner) => self.walk(inner, &segs, &here, false),
                leaf => insert(&mut self.root, &segs, leaf.clone()),
            }
        }
    }

    /// The pointer into the input for a normalised dotted path (or its nearest recorded parent).
    pub fn ptr(&self, dotted: &str) -> Ptr {
        let mut p = dotted;
        loop {
            if let Some(o) = self.origin.get(p) {
                return Ptr::from_raw(o.clone());
            }
            match p.rfind('.') {
                Some(i) => p = &p[..i],
                None => return Ptr::root(),
            }
        }
    }

    /// The `index` object, created when absent.
    pub fn index_mut(&mut self) -> &mut Map<String, Value> {
        let entry = self
            .root
            .entry("index")
            .or_insert_with(|| Value::Object(Map::new()));
        if !entry.is_object() {
            *entry = Value::Object(Map::new());
        }
        match entry {
            Value::Object(m) => m,
            _ => unreachable!("replaced by an object just above"),
        }
    }
}

fn insert(root: &mut Map<String, Value>, segs: &[String], value: Value) {
    let Some((last, parents)) = segs.split_last() else {
        return;
    };
    let mut node = root;
    for seg in parents {
        let entry = node
            .entry(seg.clone())
            .or_insert_with(|| Value::Object(Map::new()));
        if !entry.is_object() {
            *entry = Value::Object(Map::new());
        }
        node = match entry {
            Value::Object(m) => m,
            _ => return,
        };
    }
    node.insert(last.clone(), value);
}

/// `{"0": a, "1": b}` (how flat settings spell arrays) back into `[a, b]`.
fn arrays_from_numbered(obj: &mut Map<String, Value>) {
    for value in obj.values_mut() {
        if let Value::Object(inner) = value {
            arrays_from_numbered(inner);
            let numbered =
                !inner.is_empty() && (0..inner.len()).all(|i| inner.contains_key(&i.to_string()));
            if numbered {
                let items = (0..inner.len())
                    .filter_map(|i| inner.get(&i.to_string()).cloned())
                    .collect();
                *value = Value::Array(items);
            }
        }
    }
}

/// A nested lookup by dotted path.
pub(crate) fn get<'a>(obj: &'a Map<String, Value>, dotted: &str) -> Option<&'a Value> {
    let mut parts = dotted.split('.');
    let mut cur = obj.get(parts.next()?)?;
    for p in parts {
        cur = cur.as_object()?.get(p)?;
    }
    Some(cur)
}

/// Removes a nested value by dotted path, pruning parents left empty.
pub(crate) fn remove(obj: &mut Map<String, Value>, dotted: &str) -> Option<Value> {
    match dotted.split_once('.') {
        None => obj.shift_remove(dotted),
        Some((head, rest)) => {
            let inner = obj.get_mut(head)?.as_object_mut()?;
            let out = remove(inner, rest);
            if inner.is_empty() {
                obj.shift_remove(head);
            }
            out
        }
    }
}

/// Every leaf under `obj` as (dotted path relative to `obj`, value).
pub(crate) fn leaves(obj: &Map<String, Value>) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    fn go(prefix: &str, obj: &Map<String, Value>, out: &mut Vec<(String, Value)>) {
        for (k, v) in obj {
            let path = if prefix.is_empty() {
                k.clone()
            } else {
                format!("{prefix}.{k}")
            };
            match v {
                Value::Object(inner) if !inner.is_empty() => go(&path, inner, out),
                other => out.push((path, other.clone())),
            }
        }
    }
    go("", obj, &mut out);
    out
}

/// A setting's value as text (`"1"`, `1` and `true` all read as settings do).
pub(crate) fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn flat_nested_and_unprefixed_settings_read_the_same_and_remember_their_pointers() {
        let flat = json!({"index.number_of_shards": "3", "index.analysis.analyzer.a.filter.0": "lowercase"});
        let nested = json!({"index": {"number_of_shards": "3", "analysis": {"analyzer": {"a": {"filter": ["lowercase"]}}}}});
        let bare = json!({"number_of_shards": "3", "analysis": {"analyzer": {"a": {"filter": ["lowercase"]}}}});
        let t1 = Tree::read(flat.as_object().unwrap(), &Ptr::root());
        let t2 = Tree::read(nested.as_object().unwrap(), &Ptr::root());
        let t3 = Tree::read(bare.as_object().unwrap(), &Ptr::root());
        assert_eq!(t1.root, t2.root);
        assert_eq!(t2.root, t3.root);
        assert_eq!(
            t1.ptr("index.number_of_shards").as_str(),
            "/index.number_of_shards"
        );
        assert_eq!(
            t2.ptr("index.analysis.analyzer.a").as_str(),
            "/index/analysis/analyzer/a"
        );
        assert_eq!(
            t3.ptr("index.number_of_shards").as_str(),
            "/number_of_shards"
        );
        assert_eq!(
            t1.ptr("index.analysis.analyzer.a").as_str(),
            "/index.analysis.analyzer.a.filter.0"
        );
    }
}
