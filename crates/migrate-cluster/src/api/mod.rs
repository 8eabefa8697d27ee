//! Typed calls for the APIs the migration steps use, one file per area.

pub mod cluster;
pub mod indices;
pub mod reindex;
pub mod search;
pub mod snapshot;
