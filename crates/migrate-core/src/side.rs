//! Which cluster of the migration something belongs to.

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The cluster a request goes to, a step talks to, or a repository is registered on.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// The cluster the indexes are copied from (its client refuses undeclared writes).
    Source,
    /// The cluster the indexes are copied to.
    Destination,
}

impl Side {
    /// Both sides, source first.
    pub const BOTH: [Side; 2] = [Side::Source, Side::Destination];

    /// `source` or `destination`, as every message and output spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Source => "source",
            Side::Destination => "destination",
        }
    }
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
