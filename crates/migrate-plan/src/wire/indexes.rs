//! Wire types for the `indexes` list: names, patterns with excludes, renames.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One entry of `indexes`: an index name or pattern as a string, or a map for renames and excludes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
#[schemars(rename = "IndexEntry")]
pub enum IndexEntryWire {
    /// An index name (`movies`) or a pattern (`logs-2026.*`), copied under the same name.
    Name(String),
    /// An index with options.
    Detailed(IndexDetailWire),
}

/// An index entry with options.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "IndexDetail")]
pub struct IndexDetailWire {
    /// The index name or pattern on the source.
    pub name: String,
    /// The index name on the destination, when it differs from `name` (names only, not patterns).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination: Option<String>,
    /// Patterns or names to leave out of a pattern's matches, e.g. `[".*", "logs-debug-*"]` (patterns only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude: Vec<String>,
}
