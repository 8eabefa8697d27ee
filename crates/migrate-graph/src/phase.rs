//! The phases steps are grouped by when rendered, in the order a migration goes through them.

use std::fmt;

use schemars::JsonSchema;
use serde::Serialize;

/// A step's phase. Phases order the dry-run output; edges, not phases, order execution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Phase {
    /// Checks that need no change anywhere: versions, names, allowlists.
    Preflight,
    /// One-time setup: repositories, destination indexes.
    Setup,
    /// The first full copy.
    Copy,
    /// Incremental rounds or passes before the cutover.
    Incremental,
    /// The approval gate and blocking writes on the source.
    Cutover,
    /// The last incremental copy after writes stopped.
    Final,
    /// Putting back replica and refresh settings changed for the copy.
    Finalize,
    /// Comparing source and destination.
    Verify,
}

impl Phase {
    pub const ALL: [Phase; 8] = [
        Phase::Preflight,
        Phase::Setup,
        Phase::Copy,
        Phase::Incremental,
        Phase::Cutover,
        Phase::Final,
        Phase::Finalize,
        Phase::Verify,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Preflight => "preflight",
            Phase::Setup => "setup",
            Phase::Copy => "copy",
            Phase::Incremental => "incremental",
            Phase::Cutover => "cutover",
            Phase::Final => "final",
            Phase::Finalize => "finalize",
            Phase::Verify => "verify",
        }
    }
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
