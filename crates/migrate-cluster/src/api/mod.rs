//! Typed views of the responses the steps read, one file per area. The requests themselves are
//! built by the step kinds (migrate-graph's `requests`) and sent by [`crate::ClusterClient`].

pub mod cluster;
pub mod indices;
pub mod reindex;
pub mod search;
pub mod snapshot;
