//! The choices a plan makes for a translation: what to do with multi-type indexes, whether to keep
//! shard allocation filters, whether 2.x `string` fields get a `.keyword` sub-field.

use serde::{Deserialize, Serialize};

/// What to do with an index (or template) that holds more than one mapping type.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MultiType {
    /// Refuse it: an error finding asks the plan to choose.
    #[default]
    Refuse,
    /// One index whose mapping is the union of the types' mappings (refused when two types map
    /// the same field differently).
    Union,
    /// One index per type; the translation returns one object per type name.
    Split,
}

/// The plan's choices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Options {
    /// Multi-type indexes: refuse (default), union, or split.
    pub multi_type: MultiType,
    /// Keep `index.routing.allocation.{require,include,exclude}.*` (only when the destination's
    /// nodes carry the same attributes). Default: strip.
    pub keep_allocation: bool,
    /// Give 2.x `string` fields turned into `text` a `.keyword` sub-field (`ignore_above: 256`), as
    /// 5.x dynamic mapping does. Default: true.
    pub string_keyword_subfield: bool,
    /// The name of the `join` field made from 5.x `_parent` (with `multi_type: union`).
    pub join_field: String,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            multi_type: MultiType::Refuse,
            keep_allocation: false,
            string_keyword_subfield: true,
            join_field: "join_field".to_string(),
        }
    }
}
