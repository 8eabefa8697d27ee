//! Stable, readable step ids (`restore/movies/round-1`): the key the state file records steps by.

use std::fmt;
use std::sync::Arc;

use serde::Serialize;

/// A step's id: `verb`, `verb/qualifier` or `verb/index/qualifier`, stable across compilations of the
/// same plan so a resumed run finds its checkpointed steps again. Shared text: the graph's id index
/// and the step hold the same string, and cloning an id copies nothing.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct StepId(Arc<str>);

impl StepId {
    /// An id made of `/`-joined parts, e.g. `["restore", "movies", "round-1"]`.
    pub fn new(parts: &[&str]) -> Self {
        thread_local! {
            /// Scratch for joining, so an id costs one allocation (its shared text).
            static JOINED: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
        }
        JOINED.with_borrow_mut(|joined| {
            joined.clear();
            for (i, part) in parts.iter().enumerate() {
                if i > 0 {
                    joined.push('/');
                }
                joined.push_str(part);
            }
            StepId(Arc::from(joined.as_str()))
        })
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
