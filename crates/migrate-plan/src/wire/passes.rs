//! The `incremental_passes` / `incremental_rounds` value: a count, or a maximum with an `until`
//! threshold that ends the passes (rounds) early once one's delta is small enough.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Incremental passes (or snapshot rounds) before the cutover: a count (`2`), or
/// `{ max: 5, until: { documents: 1000 } }` — up to `max`, the remaining ones skipped once one's
/// delta is below every threshold of `until`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
#[schemars(rename = "IncrementalPasses")]
pub enum IncrementalPassesWire {
    /// This many passes.
    Count(u32),
    /// Up to `max`, until one's delta is below every threshold `until` gives.
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

    /// The threshold, when there is one.
    pub fn until(&self) -> Option<&UntilWire> {
        match self {
            IncrementalPassesWire::Count(_) => None,
            IncrementalPassesWire::Until(u) => Some(&u.until),
        }
    }
}

/// Up to `max` passes (rounds), until one's delta is below every threshold of `until`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "PassesUntil")]
pub struct PassesUntilWire {
    /// The most incremental passes or rounds (all are planned; those after a small one are skipped).
    pub max: u32,
    /// When a pass's (round's) delta is small enough for the remaining ones to be skipped.
    pub until: UntilWire,
}

/// A delta threshold, at least one measure: once a pass's (round's) delta is below every measure
/// given, the remaining incremental passes (rounds) are skipped and the run goes on to the
/// cutover. The first incremental pass (round) always runs; each later one is decided by the one
/// before it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Until")]
pub struct UntilWire {
    /// Documents: a pass's delta is the documents its range matched and copied; a snapshot round's
    /// is the documents indexed or deleted on the source since the round before (indexing
    /// statistics of the plan's indexes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub documents: Option<u64>,
    /// Bytes the round's snapshot added to the repository (snapshot strategy only: a pass does not
    /// measure bytes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub bytes: Option<u64>,
    /// Whole seconds: how long the pass took (a snapshot round: its snapshot, from start to `SUCCESS`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub seconds: Option<u64>,
}
