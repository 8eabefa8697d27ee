//! One index: identity, settings, mappings per type, open/closed state, aliases, documents, recovery source.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::docs::DocStore;
use super::settings::{FlatSettings, is_true};

/// Open or closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndexState {
    /// Searchable and writable.
    Open,
    /// Closed: reads and writes fail with `index_closed_exception`.
    Closed,
}

/// Where an index's shards were recovered from (reported by `_recovery`).
#[derive(Debug, Clone, PartialEq)]
pub enum RecoverySource {
    /// A new, empty index.
    EmptyStore,
    /// Reopened from its own data (after close/open).
    ExistingStore,
    /// Restored from a snapshot (set by the snapshot module).
    Snapshot {
        /// Repository name.
        repository: String,
        /// Snapshot name.
        snapshot: String,
        /// Version that wrote the snapshot.
        version: String,
        /// Index name inside the snapshot.
        index: String,
    },
}

/// An index.
#[derive(Debug)]
pub struct Index {
    /// Name.
    pub name: String,
    /// `index.uuid`.
    pub uuid: String,
    /// Flat settings, `index.`-prefixed keys.
    pub settings: FlatSettings,
    /// Mapping bodies per type name (`_doc` when typeless). Empty when no mapping yet.
    pub mappings: BTreeMap<String, Value>,
    /// Open or closed.
    pub state: IndexState,
    /// Alias name → alias metadata (`filter`, `index_routing`, `search_routing`, `is_write_index`).
    pub aliases: BTreeMap<String, Value>,
    /// Documents.
    pub docs: DocStore,
    /// Primary term (bumped on reopen).
    pub primary_term: u64,
    /// Recovery source of the current shard copies.
    pub recovery: RecoverySource,
    /// Creation time, epoch millis.
    pub creation_date: i64,
}

impl Index {
    /// Number of primary shards.
    pub fn shards(&self) -> u32 {
        self.setting_u32("index.number_of_shards")
            .unwrap_or(1)
            .max(1)
    }

    /// Number of replicas.
    pub fn replicas(&self) -> u32 {
        self.setting_u32("index.number_of_replicas").unwrap_or(1)
    }

    fn setting_u32(&self, key: &str) -> Option<u32> {
        match self.settings.get(key)? {
            Value::String(s) => s.parse().ok(),
            Value::Number(n) => n.as_u64().map(|n| n as u32),
            _ => None,
        }
    }

    /// True when writes are blocked (`index.blocks.write` or `index.blocks.read_only`).
    pub fn write_blocked(&self) -> bool {
        is_true(&self.settings, "index.blocks.write")
            || is_true(&self.settings, "index.blocks.read_only")
    }

    /// False when the mapping turns `_source` off (`_source: {enabled: false}`).
    pub fn stores_source(&self) -> bool {
        !self
            .mappings
            .values()
            .any(|m| m.get("_source").and_then(|s| s.get("enabled")) == Some(&Value::Bool(false)))
    }

    /// True when open.
    pub fn is_open(&self) -> bool {
        self.state == IndexState::Open
    }

    /// Health colour: yellow when replicas are wanted on this single node.
    pub fn health(&self) -> &'static str {
        if self.replicas() > 0 {
            "yellow"
        } else {
            "green"
        }
    }

    /// Merges a mapping body into a type's mapping (new properties added, existing kept when equal).
    pub fn merge_mapping(&mut self, ty: &str, body: &Value) {
        let entry = self
            .mappings
            .entry(ty.to_string())
            .or_insert_with(|| json!({}));
        let mut body = body.clone();
        expand_dotted(&mut body);
        merge_mapping_value(entry, &body);
    }

    /// Whether a field path can be searched: false when the path runs through an object mapped
    /// with `enabled: false` (kept in `_source`, never indexed), as `.tasks`' `task.headers`.
    pub fn searchable(&self, field: &str) -> bool {
        for m in self.mappings.values() {
            let mut node = m;
            for part in field.split('.') {
                if node.get("enabled") == Some(&Value::Bool(false)) {
                    return false;
                }
                match node.get("properties").and_then(|p| p.get(part)) {
                    Some(n) => node = n,
                    None => break,
                }
            }
            if node.get("enabled") == Some(&Value::Bool(false)) {
                return false;
            }
        }
        true
    }

    /// The mapping of a field path, if mapped (`properties` walk; dotted paths).
    pub fn field_mapping(&self, field: &str) -> Option<&Value> {
        self.mappings.values().find_map(|m| {
            let mut node = m;
            for part in field.split('.') {
                node = node.get("properties")?.get(part)?;
            }
            Some(node)
        })
    }

    /// The mapping type of a field path, if mapped (`properties` walk; dotted paths).
    pub fn field_type(&self, field: &str) -> Option<String> {
        for m in self.mappings.values() {
            let mut node = m;
            let mut found = true;
            for part in field.split('.') {
                match node.get("properties").and_then(|p| p.get(part)) {
                    Some(n) => node = n,
                    None => {
                        found = false;
                        break;
                    }
                }
            }
            if found && let Some(t) = node.get("type").and_then(Value::as_str) {
                return Some(t.to_string());
            }
        }
        None
    }
}

/// Deep-merges `src` into `dst` (objects recursively, other values replaced).
pub fn merge(dst: &mut Value, src: &Value) {
    match (dst, src) {
        (Value::Object(d), Value::Object(s)) => {
            for (k, v) in s {
                match d.get_mut(k) {
                    Some(existing) if existing.is_object() && v.is_object() => merge(existing, v),
                    _ => {
                        d.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (d, s) => *d = s.clone(),
    }
}

/// A mapping merge: objects merge key by key, except a field's `meta` parameter, which an update
/// replaces (a *field* named `meta`, under `properties`, merges like any other).
fn merge_mapping_value(dst: &mut Value, src: &Value) {
    merge_in(dst, src, false);
}

fn merge_in(dst: &mut Value, src: &Value, in_properties: bool) {
    match (dst, src) {
        (Value::Object(d), Value::Object(s)) => {
            for (k, v) in s {
                let replaces = k == "meta" && !in_properties;
                match d.get_mut(k) {
                    Some(existing) if !replaces && existing.is_object() && v.is_object() => {
                        merge_in(existing, v, k == "properties" && !in_properties)
                    }
                    _ => {
                        d.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (d, s) => *d = s.clone(),
    }
}

/// `properties` keys with dots (`a.b`) stand for object fields: `a: {properties: {b: ..}}`.
fn expand_dotted(mapping: &mut Value) {
    let Some(Value::Object(props)) = mapping.get_mut("properties") else {
        return;
    };
    let keys: Vec<String> = props.keys().filter(|k| k.contains('.')).cloned().collect();
    for k in keys {
        let Some(v) = props.remove(&k) else { continue };
        let mut parts: Vec<&str> = k.split('.').collect();
        let leaf = parts.pop().unwrap_or_default().to_string();
        let mut node = json!({"properties": {leaf: v}});
        while parts.len() > 1 {
            let p = parts.pop().unwrap_or_default().to_string();
            node = json!({"properties": {p: node}});
        }
        let head = parts.first().copied().unwrap_or_default().to_string();
        match props.get_mut(&head) {
            Some(existing) => merge_mapping_value(existing, &node),
            None => {
                props.insert(head, node);
            }
        }
    }
    for v in props.values_mut() {
        expand_dotted(v);
        if let Some(Value::Object(fields)) = v.get_mut("fields") {
            for f in fields.values_mut() {
                expand_dotted(f);
            }
        }
    }
}

/// An empty mapping object.
pub fn empty_mapping() -> Value {
    Value::Object(Map::new())
}

/// The metadata kept for an alias from an alias definition: `filter`, `index_routing`,
/// `search_routing` (`routing` sets both), `is_write_index`, `is_hidden`.
pub fn alias_metadata(body: &Value) -> Value {
    let mut m = Map::new();
    for k in [
        "filter",
        "index_routing",
        "search_routing",
        "is_write_index",
        "is_hidden",
    ] {
        if let Some(v) = body.get(k) {
            m.insert(k.into(), v.clone());
        }
    }
    if let Some(r) = body.get("routing") {
        m.insert("index_routing".into(), r.clone());
        m.insert("search_routing".into(), r.clone());
    }
    Value::Object(m)
}
