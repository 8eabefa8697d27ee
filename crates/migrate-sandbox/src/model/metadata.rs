//! Cluster metadata beside the indexes: legacy, composable and component index templates, ingest
//! pipelines, ILM and ISM lifecycle policies. Stored normalised (settings flat with `index.` keys,
//! mappings by type); the API files render them per version.

use std::collections::BTreeMap;

use serde_json::Value;

use super::settings::FlatSettings;

/// What a template gives a new index: settings, mappings by type, aliases.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TemplateBody {
    /// Flat settings with `index.` keys.
    pub settings: FlatSettings,
    /// Mappings by type name (`_doc` when typeless).
    pub mappings: BTreeMap<String, Value>,
    /// Aliases by name (as [`super::index::alias_metadata`] keeps them).
    pub aliases: BTreeMap<String, Value>,
}

/// A legacy index template (`_template`).
#[derive(Debug, Clone, PartialEq)]
pub struct LegacyTemplate {
    /// `order`: higher orders are applied later and win.
    pub order: i64,
    /// `index_patterns` (`template` on 5.x, one pattern).
    pub patterns: Vec<String>,
    /// `version`, when given.
    pub version: Option<i64>,
    /// What it gives.
    pub body: TemplateBody,
}

/// A composable index template (`_index_template`).
#[derive(Debug, Clone, PartialEq)]
pub struct IndexTemplate {
    /// `index_patterns`.
    pub patterns: Vec<String>,
    /// `priority` (0 when absent).
    pub priority: i64,
    /// `composed_of`: component template names, applied in order.
    pub composed_of: Vec<String>,
    /// `template`.
    pub body: TemplateBody,
    /// `version`, `_meta`, `data_stream` as given.
    pub extra: serde_json::Map<String, Value>,
}

impl IndexTemplate {
    /// Whether the template makes data streams (`data_stream: {}`).
    pub fn data_stream(&self) -> bool {
        self.extra.contains_key("data_stream")
    }
}

/// A component template (`_component_template`).
#[derive(Debug, Clone, PartialEq)]
pub struct ComponentTemplate {
    /// `template`.
    pub body: TemplateBody,
    /// `version`, `_meta` as given.
    pub extra: serde_json::Map<String, Value>,
}

/// A stored lifecycle policy with the bookkeeping its API shows.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredPolicy {
    /// The policy object as given (ILM: the `policy` value; ISM: the `policy` value).
    pub policy: Value,
    /// `version` (ILM) / `_version` (ISM), from 1.
    pub version: u64,
    /// `_seq_no` (ISM).
    pub seq_no: u64,
    /// When it was last written, epoch milliseconds.
    pub modified: i64,
}

/// A data stream: its name, template and backing indexes (oldest first).
#[derive(Debug, Clone, PartialEq)]
pub struct DataStream {
    /// The composable template that matched when the stream was created.
    pub template: String,
    /// Backing index names, oldest first; the last is the write index.
    pub indices: Vec<String>,
    /// `generation`.
    pub generation: u64,
}

/// Every metadata object of one cluster.
#[derive(Debug, Default)]
pub struct Metadata {
    /// Legacy templates by name.
    pub legacy_templates: BTreeMap<String, LegacyTemplate>,
    /// Composable templates by name.
    pub index_templates: BTreeMap<String, IndexTemplate>,
    /// Component templates by name.
    pub component_templates: BTreeMap<String, ComponentTemplate>,
    /// Ingest pipelines by id, as given.
    pub pipelines: BTreeMap<String, Value>,
    /// ILM policies by name.
    pub ilm: BTreeMap<String, StoredPolicy>,
    /// ISM policies by id.
    pub ism: BTreeMap<String, StoredPolicy>,
    /// The next `_seq_no` of the ISM config index.
    pub ism_seq_no: u64,
    /// Data streams by name.
    pub data_streams: BTreeMap<String, DataStream>,
}
