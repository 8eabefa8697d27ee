//! Cluster state: the indexes by name, cluster settings (persistent, transient and the node's startup
//! settings), open scroll and point-in-time contexts, and index-name resolution (names, aliases, wildcards).

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;

use super::index::Index;
use super::settings::{FlatSettings, is_true};
use crate::error::{ApiError, ApiResult};
use crate::names::glob;
use crate::search::context::{PitContext, ScrollContext};

/// The whole mutable state of one sandbox.
#[derive(Debug, Default)]
pub struct Cluster {
    /// Indexes by name.
    pub indices: BTreeMap<String, Index>,
    /// `_cluster/settings` persistent (flat).
    pub persistent: FlatSettings,
    /// `_cluster/settings` transient (flat).
    pub transient: FlatSettings,
    /// Node settings given at startup (like `elasticsearch.yml`), flat.
    pub node_settings: FlatSettings,
    /// Open scrolls by id.
    pub scrolls: HashMap<String, ScrollContext>,
    /// Open points in time by id.
    pub pits: HashMap<String, PitContext>,
    /// Counter for context ids.
    pub next_context: u64,
    /// Repository plugins `_cat/plugins` leaves out (as if not installed), e.g. `repository-s3`.
    pub missing_plugins: std::collections::BTreeSet<String>,
    /// Free disk `_nodes/stats/fs` reports, in bytes (`None`: 1 TiB).
    pub disk_available: Option<u64>,
    /// Wildcards skip system indexes (`.tasks`) unless the pattern starts with `.` (ES 8+).
    pub hide_system: bool,
    /// Stored scripts by id: `{"lang": .., "source": ..}`.
    pub scripts: BTreeMap<String, Value>,
    /// Operation counters per index UUID (`_stats`).
    pub stats: HashMap<String, super::stats::IndexStats>,
    /// What searches see of indexes whose refresh is off, by UUID (see [`super::refresh`]).
    pub searchers: HashMap<String, std::sync::Arc<super::DocStore>>,
    /// Data nodes the sandbox stands for (0 or 1: one node, so replicas stay unassigned).
    pub nodes: u32,
    /// Peer recoveries of replicas by index UUID (see [`super::replicas`]).
    pub replica_recoveries: HashMap<String, super::replicas::ReplicaRecovery>,
    /// Bytes per second transfers move at (`None`: at once).
    pub byte_rate: Option<u64>,
    /// Templates, pipelines, lifecycle policies, data streams (see [`super::metadata`]).
    pub meta: super::metadata::Metadata,
}

/// How to expand an index expression.
#[derive(Debug, Clone, Copy)]
pub struct Resolve {
    /// Missing concrete names are skipped instead of failing.
    pub ignore_unavailable: bool,
    /// Whether wildcards match closed indexes too.
    pub include_closed: bool,
    /// Whether an empty result is an error for concrete names (always false for wildcards).
    pub allow_no_indices: bool,
    /// Whether wildcards match hidden indexes (`index.hidden`) too (`expand_wildcards=hidden|all`).
    pub include_hidden: bool,
}

impl Default for Resolve {
    fn default() -> Self {
        Resolve {
            ignore_unavailable: false,
            include_closed: false,
            allow_no_indices: true,
            include_hidden: false,
        }
    }
}

impl Cluster {
    /// Number of data nodes (at least 1).
    pub fn node_count(&self) -> u64 {
        u64::from(self.nodes.max(1))
    }

    /// Resolves a comma-separated index expression (names, aliases, wildcards, `_all`, `-exclusions`)
    /// to concrete index names, in name order, without duplicates.
    pub fn resolve(&self, expr: &str, opts: Resolve) -> ApiResult<Vec<String>> {
        let mut out: Vec<String> = Vec::new();
        let expr = expr.trim();
        let items: Vec<&str> = if expr.is_empty() || expr == "_all" {
            vec!["*"]
        } else {
            expr.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect()
        };
        for item in items {
            if let Some(excluded) = item.strip_prefix('-')
                && !out.is_empty()
            {
                out.retain(|n| !glob(excluded, n));
                continue;
            }
            if item.contains('*') {
                for (name, idx) in &self.indices {
                    if self.hide_system && crate::names::is_system(name) && !item.starts_with('.') {
                        continue;
                    }
                    if !(opts.include_closed || idx.is_open()) {
                        continue;
                    }
                    // Hidden indexes and hidden aliases stay out of wildcards, except a `.`
                    // pattern for dot-names.
                    let shown = |hidden: bool, n: &str| {
                        !hidden
                            || opts.include_hidden
                            || (item.starts_with('.') && n.starts_with('.'))
                    };
                    if glob(item, name) && shown(is_true(&idx.settings, "index.hidden"), name) {
                        out.push(name.clone());
                    }
                    for (alias, meta) in &idx.aliases {
                        let hidden = meta.get("is_hidden") == Some(&Value::Bool(true));
                        if glob(item, alias) && shown(hidden, alias) {
                            out.push(name.clone());
                        }
                    }
                }
                // A data stream a wildcard matches stands for its backing indexes.
                for (stream, d) in &self.meta.data_streams {
                    if glob(item, stream) {
                        out.extend(self.backing(d));
                    }
                }
                continue;
            }
            if self.indices.contains_key(item) {
                out.push(item.to_string());
                continue;
            }
            if let Some(d) = self.meta.data_streams.get(item) {
                out.extend(self.backing(d));
                continue;
            }
            let via_alias: Vec<String> = self
                .indices
                .iter()
                .filter(|(_, i)| i.aliases.contains_key(item))
                .map(|(n, _)| n.clone())
                .collect();
            if !via_alias.is_empty() {
                out.extend(via_alias);
                continue;
            }
            if !opts.ignore_unavailable {
                return Err(ApiError::index_not_found(item));
            }
        }
        out.sort();
        out.dedup();
        Ok(out)
    }

    /// The backing indexes of stream `d` that exist.
    fn backing<'a>(
        &'a self,
        d: &'a super::metadata::DataStream,
    ) -> impl Iterator<Item = String> + 'a {
        d.indices
            .iter()
            .filter(|i| self.indices.contains_key(*i))
            .cloned()
    }

    /// Resolves a name to exactly one concrete index for writes (an alias must point to one index or
    /// have a write index).
    pub fn write_index(&self, name: &str) -> ApiResult<Option<String>> {
        if self.indices.contains_key(name) {
            return Ok(Some(name.to_string()));
        }
        let targets: Vec<(&String, &Index)> = self
            .indices
            .iter()
            .filter(|(_, i)| i.aliases.contains_key(name))
            .collect();
        match targets.len() {
            0 => Ok(None),
            1 => Ok(Some(targets[0].0.clone())),
            _ => {
                let write: Vec<&String> = targets
                    .iter()
                    .filter(|(_, i)| {
                        i.aliases
                            .get(name)
                            .and_then(|a| a.get("is_write_index"))
                            .and_then(Value::as_bool)
                            == Some(true)
                    })
                    .map(|(n, _)| *n)
                    .collect();
                match write.first() {
                    Some(n) => Ok(Some((*n).clone())),
                    None => Err(ApiError::illegal_argument(format!(
                        "no write index is defined for alias [{name}]. The write index may be explicitly disabled using is_write_index=false or the alias points to multiple indices without one being designated as a write index"
                    ))),
                }
            }
        }
    }

    /// An effective cluster-level setting: transient, then persistent, then node (startup) settings.
    pub fn setting(&self, key: &str) -> Option<&Value> {
        self.transient
            .get(key)
            .or_else(|| self.persistent.get(key))
            .or_else(|| self.node_settings.get(key))
    }

    /// A fresh context id.
    pub fn next_context_id(&mut self, prefix: &str) -> String {
        self.next_context += 1;
        let raw = format!(
            "{prefix}:{}:{}",
            self.next_context,
            uuid::Uuid::new_v4().simple()
        );
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_concrete_name_is_index_not_found() {
        let c = Cluster::default();
        let err = c.resolve("nope", Resolve::default()).unwrap_err();
        assert_eq!(err.kind, "index_not_found_exception");
        assert_eq!(
            c.resolve("nope*", Resolve::default()).unwrap(),
            Vec::<String>::new()
        );
    }
}
