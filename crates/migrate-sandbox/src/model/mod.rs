//! The in-memory cluster model: indexes (settings, mappings, state, aliases, documents), cluster settings,
//! scroll and point-in-time contexts. Everything lives behind one lock in [`crate::state::Shared`].

pub mod cluster;
pub mod docs;
pub mod index;
pub mod metadata;
pub mod refresh;
pub mod replicas;
pub mod routing;
pub mod settings;
pub mod stats;

pub use cluster::Cluster;
pub use docs::{Doc, DocStore, VersionSet, WriteOutcome};
pub use index::{Index, IndexState, RecoverySource};
