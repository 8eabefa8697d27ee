//! Wire types for the plan's `metadata` section: which templates, pipelines, stored scripts and
//! lifecycle policies and data streams move with the indexes.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Cluster metadata migrated before the indexes: each kind listed here is read from the source, translated for the destination's version, and compared with the destination's copy (equal: nothing to do; different: the step fails naming the differences unless `replace: true`). Kinds left out are not touched.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Metadata")]
pub struct MetadataWire {
    /// Legacy index templates (`_template`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legacy_templates: Option<MetadataSelectionWire>,
    /// Composable index templates (`_index_template`, Elasticsearch 7.8+ and OpenSearch).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index_templates: Option<MetadataSelectionWire>,
    /// Component templates (`_component_template`), migrated before the composable templates that use them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub component_templates: Option<MetadataSelectionWire>,
    /// Ingest pipelines (`_ingest/pipeline`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pipelines: Option<MetadataSelectionWire>,
    /// Stored scripts (`_scripts/<id>`); clusters cannot list them, so `include` names each script (no patterns).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stored_scripts: Option<MetadataSelectionWire>,
    /// Lifecycle policies: Elasticsearch ILM (`_ilm/policy`) or OpenSearch ISM (`_plugins/_ism/policies`); ILM becomes ISM on an OpenSearch destination (see docs/metadata.md), and a policy with an action ISM lacks is refused with the reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifecycle_policies: Option<MetadataSelectionWire>,
    /// Data streams (Elasticsearch 7.9+ and OpenSearch): each selected stream's composable template and its component templates are migrated, the stream is created on the destination and its backing indexes' documents are written to it with `op_type: create` (ids and `@timestamp` kept), after the cutover gate, then proven equal to the source stream (see docs/metadata.md, "Data streams"). `replace` applies to the stream's templates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_streams: Option<MetadataSelectionWire>,
}

/// Which objects of one kind move, and what happens when the destination has a different one.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "MetadataSelection")]
pub struct MetadataSelectionWire {
    /// Names or `*` patterns of the objects to migrate (default: every one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include: Option<Vec<String>>,
    /// Names or `*` patterns left out of what `include` selects.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude: Vec<String>,
    /// Overwrite a destination object that differs from the translated source object (default `false`: the step fails and names the differences).
    #[serde(default)]
    pub replace: bool,
}
