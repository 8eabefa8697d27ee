//! The `incremental_passes` value: a count, or a maximum with an `until` threshold that ends the
//! passes early once one copies few enough documents.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Incremental passes before the cutover: a count (`2`), or `{ max: 5, until: { documents: 1000 } }`
/// — up to `max` passes, the remaining ones skipped once a pass copies fewer than `until` documents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
#[schemars(rename = "IncrementalPasses")]
pub enum IncrementalPassesWire {
    /// This many passes.
    Count(u32),
    /// Up to `max` passes, until one copies fewer documents than `until` says.
    Until(PassesUntilWire),
}

impl Default for IncrementalPassesWire {
    fn default() -> Self {
        IncrementalPassesWire::Count(0)
    }
}

impl IncrementalPassesWire {
    /// The passes compiled (the most that run).
    pub fn max(&self) -> u32 {
        match self {
            IncrementalPassesWire::Count(n) => *n,
            IncrementalPassesWire::Until(u) => u.max,
        }
    }

    /// The documents threshold, when there is one.
    pub fn until_documents(&self) -> Option<u64> {
        match self {
            IncrementalPassesWire::Count(_) => None,
            IncrementalPassesWire::Until(u) => Some(u.until.documents),
        }
    }
}

/// Up to `max` passes, until one copies fewer documents than `until.documents`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "PassesUntil")]
pub struct PassesUntilWire {
    /// The most incremental passes (all are planned; those after a small one are skipped).
    pub max: u32,
    /// When a pass's delta is small enough for the remaining passes to be skipped.
    pub until: UntilWire,
}

/// A delta threshold: a pass that copies fewer documents than this ends the incremental passes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Until")]
pub struct UntilWire {
    /// Documents: once a pass copies fewer (the documents its range matched), the remaining
    /// incremental passes are skipped and the run goes on to the cutover.
    #[schemars(range(min = 1))]
    pub documents: u64,
}
