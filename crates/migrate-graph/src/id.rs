//! Stable, readable step ids (`restore/movies/round-1`): the key the state file records steps by.

use std::fmt;

use serde::Serialize;

/// A step's id: `verb`, `verb/qualifier` or `verb/index/qualifier`, stable across compilations of the
/// same plan so a resumed run finds its checkpointed steps again.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct StepId(String);

impl StepId {
    /// An id made of `/`-joined parts, e.g. `["restore", "movies", "round-1"]`.
    pub fn new(parts: &[&str]) -> Self {
        StepId(parts.join("/"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for StepId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for StepId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_parts_with_slashes() {
        assert_eq!(
            StepId::new(&["restore", "movies", "round-1"]).as_str(),
            "restore/movies/round-1"
        );
        assert_eq!(
            StepId::new(&["gate", "cutover"]).to_string(),
            "gate/cutover"
        );
    }
}
