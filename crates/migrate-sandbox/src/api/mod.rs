//! REST API handlers, one file per API family, and the route table they register into.
//!
//! Extension point: a feature module (e.g. snapshots, in `api/snapshot.rs` + `src/snapshot/`) exposes
//! `pub fn register(t: &mut RouteTable)` and is added to [`routes`]. Handlers get a [`Ctx`] with the
//! shared state (`ctx.shared.cluster()` for the model) and answer a [`Reply`] or an
//! [`crate::error::ApiError`].

pub mod aliases;
pub mod bulk;
pub mod by_query;
pub mod cat;
pub mod cat_binary;
pub mod cluster;
pub mod data_streams;
pub mod delete_by_query;
pub mod docs;
pub mod index_templates;
pub mod indices;
pub mod ingest;
pub mod lifecycle;
pub mod recovery;
pub mod reindex;
pub mod root;
pub mod sandbox_ext;
pub mod scripts;
pub mod search;
pub mod snapshot;
pub mod stats;
pub mod tasks;
pub mod templates;
pub mod update;
pub mod update_by_query;

use crate::router::RouteTable;
#[allow(unused_imports)]
pub(crate) use crate::router::{Ctx, Reply};

/// The full route table of a sandbox.
pub fn routes() -> RouteTable {
    let mut t = RouteTable::default();
    root::register(&mut t);
    cat::register(&mut t);
    cluster::register(&mut t);
    indices::register(&mut t);
    aliases::register(&mut t);
    docs::register(&mut t);
    delete_by_query::register(&mut t);
    update_by_query::register(&mut t);
    bulk::register(&mut t);
    search::register(&mut t);
    scripts::register(&mut t);
    stats::register(&mut t);
    reindex::register(&mut t);
    tasks::register(&mut t);
    update::register(&mut t);
    recovery::register(&mut t);
    snapshot::register(&mut t);
    templates::register(&mut t);
    index_templates::register(&mut t);
    ingest::register(&mut t);
    lifecycle::register(&mut t);
    data_streams::register(&mut t);
    t
}

/// `_shards` block for `n` shards.
pub fn shards(n: u32) -> serde_json::Value {
    serde_json::json!({"total": n, "successful": n, "skipped": 0, "failed": 0})
}
