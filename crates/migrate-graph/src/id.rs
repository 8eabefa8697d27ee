//! Stable, readable step ids (`restore/movies/round-1`): the key the state file records steps by.

use std::fmt;
use std::sync::Arc;

use serde::Serialize;

/// A step's id: `verb`, `verb/qualifier` or `verb/index/qualifier`, stable across compilations of the
/// same plan so a resumed run finds its checkpointed steps again. Shared text: a compiled graph
/// keeps its ids in a few large blocks and each id is a slice of one (no allocation per step), and
/// cloning an id copies nothing. Compared, hashed and serialised as its text.
/// 16 bytes: the shared text is one pointer wide (`Arc<String>`, where an `Arc<str>` is two).
#[derive(Clone)]
pub struct StepId {
    text: Arc<String>,
    start: u32,
    len: u32,
}

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
            StepId::whole(Arc::new(joined.clone()))
        })
    }

    /// An id that is all of `text`.
    fn whole(text: Arc<String>) -> Self {
        // Ids are a few words long; a longer one is cut to the 4 GiB an id can address.
        let len = u32::try_from(text.len()).unwrap_or(u32::MAX);
        StepId {
            text,
            start: 0,
            len,
        }
    }

    /// The id `self` as a slice of `block`, where its text starts at byte `start` (the graph
    /// builder's shared id blocks). Falls back to `self` if `block` does not hold it there.
    pub(crate) fn within(&self, block: &Arc<String>, start: usize) -> StepId {
        let text = self.as_str();
        match (u32::try_from(start), block.get(start..start + text.len())) {
            (Ok(at), Some(there)) if there == text => StepId {
                text: Arc::clone(block),
                start: at,
                len: self.len,
            },
            _ => self.clone(),
        }
    }

    pub fn as_str(&self) -> &str {
        let start = self.start as usize;
        self.text
            .get(start..start + self.len as usize)
            .unwrap_or_default()
    }
}

impl PartialEq for StepId {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for StepId {}

impl PartialOrd for StepId {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for StepId {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl std::hash::Hash for StepId {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        // As `str` hashes, so maps keyed by ids can be searched with `&str` (`Borrow<str>`).
        self.as_str().hash(state);
    }
}

impl Serialize for StepId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl fmt::Debug for StepId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for StepId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl AsRef<str> for StepId {
    fn as_ref(&self) -> &str {
        self.as_str()
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

    #[test]
    fn an_id_moved_into_a_shared_block_is_the_same_id() {
        let id = StepId::new(&["restore", "movies", "round-1"]);
        let block = Arc::new(String::from("wait/x/round-1restore/movies/round-1"));
        let moved = id.within(&block, 14);
        assert_eq!(moved, id);
        assert_eq!(moved.as_str(), "restore/movies/round-1");
        assert!(Arc::ptr_eq(&moved.text, &block));
        // Not where the block says: the id keeps its own text.
        assert!(Arc::ptr_eq(&id.within(&block, 0).text, &id.text));
    }
}
