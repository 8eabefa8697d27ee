//! Wire types for the `indexes` list: names, patterns with excludes, renames.

use std::fmt;

use schemars::JsonSchema;
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

/// One entry of `indexes`: an index name or pattern as a string, or a map for renames and excludes.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
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

/// By hand instead of `#[serde(untagged)]`: a string or a map picks its variant directly, without
/// buffering the value and building an error for the variant that does not fit (this is per entry,
/// and plans may list thousands).
impl<'de> Deserialize<'de> for IndexEntryWire {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct EntryVisitor;

        impl<'de> Visitor<'de> for EntryVisitor {
            type Value = IndexEntryWire;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an index name or pattern, or a map with `name`")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(IndexEntryWire::Name(v.to_owned()))
            }

            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(IndexEntryWire::Name(v))
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                IndexDetailWire::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(IndexEntryWire::Detailed)
            }
        }

        d.deserialize_any(EntryVisitor)
    }
}
