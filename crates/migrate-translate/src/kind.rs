//! The kinds of object a translation takes.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::fmt;

/// What the JSON given to a translation is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ObjectKind {
    /// A whole index definition: `{"settings", "mappings", "aliases"}` (the create-index body).
    Index,
    /// Index settings, flat (`index.number_of_shards`) or nested (`{"index": {...}}`).
    Settings,
    /// A mapping, typed (`{"<type>": {...}}`) or typeless (`{"properties": ...}`).
    Mappings,
    /// Aliases by name: `{"<alias>": {filter, routing, is_write_index, ...}}`.
    Aliases,
    /// A legacy index template (`_template`).
    LegacyTemplate,
    /// A composable index template (`_index_template`).
    IndexTemplate,
    /// A component template (`_component_template`).
    ComponentTemplate,
    /// An ingest pipeline.
    Pipeline,
    /// A stored script (`_scripts/<id>` body).
    StoredScript,
    /// A lifecycle policy: Elasticsearch ILM or OpenSearch ISM.
    LifecyclePolicy,
}

impl ObjectKind {
    /// Every kind, in documentation order.
    pub const ALL: [ObjectKind; 10] = [
        ObjectKind::Index,
        ObjectKind::Settings,
        ObjectKind::Mappings,
        ObjectKind::Aliases,
        ObjectKind::LegacyTemplate,
        ObjectKind::IndexTemplate,
        ObjectKind::ComponentTemplate,
        ObjectKind::Pipeline,
        ObjectKind::StoredScript,
        ObjectKind::LifecyclePolicy,
    ];

    /// The kebab-case name.
    pub fn name(self) -> &'static str {
        match self {
            ObjectKind::Index => "index",
            ObjectKind::Settings => "settings",
            ObjectKind::Mappings => "mappings",
            ObjectKind::Aliases => "aliases",
            ObjectKind::LegacyTemplate => "legacy-template",
            ObjectKind::IndexTemplate => "index-template",
            ObjectKind::ComponentTemplate => "component-template",
            ObjectKind::Pipeline => "pipeline",
            ObjectKind::StoredScript => "stored-script",
            ObjectKind::LifecyclePolicy => "lifecycle-policy",
        }
    }
}

impl fmt::Display for ObjectKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
