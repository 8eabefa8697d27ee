//! Endpoint shapes several step kinds send (settings, mappings, index listings, recoveries, health),
//! so each is spelled once. The step kinds' modules compose them with their roles and notes.

use migrate_core::Side;
use migrate_core::request::{Condition, Method, Request, Role, Segment, Slot};

fn get(role: Role, side: Side) -> Request {
    Request::new(role, side, Method::Get)
}

/// `GET /{index}/_mapping`.
pub fn mapping(role: Role, side: Side, index: Segment) -> Request {
    get(role, side).segment(index).at("_mapping")
}

/// `GET /{index}/_settings?flat_settings=true`.
pub fn settings(role: Role, side: Side, index: Segment) -> Request {
    get(role, side)
        .segment(index)
        .at("_settings")
        .query("flat_settings", "true")
}

/// `GET /_cat/indices?format=json&bytes=b[&expand_wildcards=all]`: every index of the cluster,
/// closed (and hidden, where the version can say so) included.
pub fn all_indices(side: Side) -> Request {
    get(Role::Read, side)
        .at("_cat")
        .at("indices")
        .query("format", "json")
        .query("bytes", "b")
        .query_when(
            Condition::CatIndicesExpandWildcards,
            "expand_wildcards",
            "all",
        )
}

/// `GET /_cat/indices/{index}?h=index,status&format=json`: open or closed.
pub fn status(index: Segment) -> Request {
    get(Role::Check, Side::Destination)
        .at("_cat")
        .at("indices")
        .segment(index)
        .query("h", "index,status")
        .query("format", "json")
}

/// `GET /{index}/_recovery[?active_only=true]`.
pub fn recovery(role: Role, index: Segment, active_only: bool) -> Request {
    let r = get(role, Side::Destination).segment(index).at("_recovery");
    if active_only {
        r.query("active_only", "true")
    } else {
        r
    }
}

/// `GET /{index}/_alias`.
pub fn aliases(role: Role, side: Side, index: Segment) -> Request {
    get(role, side).segment(index).at("_alias")
}

/// `GET /_cluster/health/{index}?wait_for_status={colour}&timeout={wait}`: blocks server-side up
/// to the timeout (a timed-out wait answers with `timed_out: true`).
pub fn health(role: Role, index: Segment, colour: &str, wait: Wait) -> Request {
    let r = get(role, Side::Destination)
        .at("_cluster")
        .at("health")
        .segment(index)
        .query("wait_for_status", colour.to_owned());
    match wait {
        Wait::Fixed(t) => r.query("timeout", t),
        Wait::Slot(s) => r.query_slot("timeout", s),
    }
}

/// The server-side wait of a health request.
#[derive(Debug, Clone, Copy)]
pub enum Wait {
    Fixed(&'static str),
    Slot(Slot),
}
