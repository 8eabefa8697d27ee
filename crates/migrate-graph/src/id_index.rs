//! The id → node lookup of a step graph: a hash table of node handles (4 bytes a step) hashed by
//! the id text the steps already hold, rather than a map holding a second handle to every id.

use hashbrown::{DefaultHashBuilder, HashTable};
use petgraph::graph::{DiGraph, NodeIndex};
use std::hash::BuildHasher;

use crate::step::Step;

#[derive(Clone, Default)]
pub(crate) struct IdIndex {
    table: HashTable<NodeIndex>,
    hasher: DefaultHashBuilder,
}

impl std::fmt::Debug for IdIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "IdIndex({} ids)", self.table.len())
    }
}

impl IdIndex {
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        IdIndex {
            table: HashTable::with_capacity(capacity),
            hasher: DefaultHashBuilder::default(),
        }
    }

    /// The node of the step whose id is `id`.
    pub(crate) fn get(&self, graph: &DiGraph<Step, ()>, id: &str) -> Option<NodeIndex> {
        let hash = self.hasher.hash_one(id);
        self.table
            .find(hash, |&n| graph[n].id.as_str() == id)
            .copied()
    }

    /// Records `node` (already in `graph`) under its step's id; false if that id is taken.
    pub(crate) fn insert(&mut self, graph: &DiGraph<Step, ()>, node: NodeIndex) -> bool {
        let id = graph[node].id.as_str();
        let hasher = &self.hasher;
        match self.table.entry(
            hasher.hash_one(id),
            |&n| graph[n].id.as_str() == id,
            |&n| hasher.hash_one(graph[n].id.as_str()),
        ) {
            hashbrown::hash_table::Entry::Occupied(_) => false,
            hashbrown::hash_table::Entry::Vacant(v) => {
                v.insert(node);
                true
            }
        }
    }
}
