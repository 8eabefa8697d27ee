//! `snapshot-reindex`: the one request the step sends, `POST /_bulk` with each batch of documents
//! read from the snapshot's shards (the shards themselves are read from the store, not a cluster).

use migrate_core::Side;
use migrate_core::request::{Body, Method, MutatingCall, Request, Role, Slot};

/// The NDJSON lines of one batch.
pub const LINES: Slot = Slot::new(
    "lines",
    "each batch's action and source lines (NDJSON): the live documents of the snapshot's shards, by _id with their routing",
);

/// The planned `POST /_bulk` into `destination_index`.
pub fn bulk(destination_index: &str) -> Request {
    Request::new(Role::Act, Side::Destination, Method::Post)
        .at("_bulk")
        .body(Body::json(&LINES.placeholder()))
        .mutates(MutatingCall::IndexDocuments, destination_index)
}
