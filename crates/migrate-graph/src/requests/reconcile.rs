//! `reconcile-deletes`: after the final pass, the destination refreshed, the `_id`s (and routings)
//! of both indexes read by the scan without `_source`, and the destination's documents the source
//! no longer has deleted with `_bulk` delete actions by id (routing kept).

use migrate_core::Side;
use migrate_core::request::{
    Body, Method, MutatingCall, Request, Role, ScanRequests, Segment, Slot,
};
use serde_json::Value;

use super::endpoint::mapping;
use super::expand;
use super::scan::{PAGE_SIZE, scan};

/// The NDJSON lines of one batch of deletes.
pub const DELETE_LINES: Slot = Slot::new(
    "lines",
    "one batch: a delete action by _id (routing kept, _type on a 5.x/6.x destination) per document the destination has and the source no longer has",
);

pub struct Reconcile {
    /// `POST /{destination}/_refresh`: the final pass's writes visible to the scan.
    pub refresh: Request,
    /// The source's ids: a scan without `_source`.
    pub source: ScanRequests,
    /// The destination's ids: a scan without `_source`.
    pub destination: ScanRequests,
    /// `GET /{destination}/_mapping`: the mapping types a delete action names (5.x/6.x only).
    pub mapping: Request,
    /// `POST /_bulk`: one batch of delete actions.
    pub bulk: Request,
}

/// A scan that reads ids and routings only.
fn ids_only(side: Side, index: &str) -> ScanRequests {
    let mut r = scan(side, index, PAGE_SIZE);
    for req in [&mut r.pit_page, &mut r.open_scroll] {
        if let Some(body) = &req.body {
            let mut v = body.to_value();
            if let Value::Object(m) = &mut v {
                m.insert("_source".into(), Value::Bool(false));
            }
            req.body = Some(Body::json(&v));
        }
    }
    r
}

pub fn reconcile(source: &str, destination: &str) -> Reconcile {
    Reconcile {
        refresh: Request::new(Role::Act, Side::Destination, Method::Post)
            .name(destination)
            .at("_refresh")
            .mutates(MutatingCall::Refresh, destination),
        source: ids_only(Side::Source, source),
        destination: ids_only(Side::Destination, destination),
        mapping: mapping(
            Role::Read,
            Side::Destination,
            Segment::Name(destination.to_owned()),
        )
        .note("only on a 5.x/6.x destination with documents to delete: each delete names the index's mapping types"),
        bulk: Request::new(Role::Act, Side::Destination, Method::Post)
            .at("_bulk")
            .body(Body::json(&DELETE_LINES.placeholder()))
            .mutates(MutatingCall::DeleteDocuments, destination)
            .note("only for ids on the destination and not on the source (the id sets compared in bounded memory); none when the sets agree"),
    }
}

impl Reconcile {
    pub fn list(self) -> Vec<Request> {
        let mut out = vec![self.refresh];
        out.extend(self.source.list());
        out.extend(self.destination.list());
        out.push(self.mapping);
        out.push(self.bulk);
        out
    }
}

pub fn preview(source: &str, destination: &str) -> Vec<Request> {
    let mut out: Vec<Request> = expand::for_pairs(source).into_iter().collect();
    out.extend(reconcile(source, destination).list());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_id_scans_leave_out_the_source_and_the_deletes_are_declared_on_the_destination() {
        let r = reconcile("movies", "films");
        for s in [&r.source, &r.destination] {
            for req in [&s.pit_page, &s.open_scroll] {
                let body = req.body.as_ref().unwrap().to_value();
                assert_eq!(body["_source"], Value::Bool(false), "{body}");
            }
        }
        assert_eq!(r.source.index, "movies");
        assert_eq!(r.destination.index, "films");
        let m = r.bulk.mutates.as_ref().unwrap();
        assert_eq!(m.call, MutatingCall::DeleteDocuments);
        assert_eq!(m.target, "films");
        assert_eq!(r.bulk.side, Side::Destination);
    }
}
