//! `verify`: per concrete index, after a refresh of the destination: document counts on both
//! sides, the health colour, no active recovery, and sampled documents compared by `_source` hash.

use migrate_core::Side;
use migrate_core::request::{Body, Method, MutatingCall, Request, Role, Segment};
use serde_json::json;

use super::endpoint::{Wait, health, recovery};
use super::expand;
use super::slots::{SAMPLE_FROM, SAMPLE_IDS};
use crate::blueprint::Verify as Checks;

pub struct Verify {
    pub refresh: Option<Request>,
    pub source_count: Option<Request>,
    pub destination_count: Option<Request>,
    pub health: Option<Request>,
    pub recovery: Option<Request>,
    pub sample: Option<Request>,
    pub fetch: Option<Request>,
}

pub fn verify(source: &str, destination: &str, checks: &Checks) -> Verify {
    let counting = checks.doc_count || checks.sample > 0;
    let post = |side, index: &str, action| {
        Request::new(Role::Read, side, Method::Post)
            .name(index)
            .at(action)
    };
    let sampling = checks.sample > 0;
    Verify {
        refresh: counting.then(|| {
            Request::new(Role::Act, Side::Destination, Method::Post)
                .name(destination)
                .at("_refresh")
                .mutates(MutatingCall::Refresh, destination)
        }),
        source_count: counting.then(|| post(Side::Source, source, "_count")),
        destination_count: checks
            .doc_count
            .then(|| post(Side::Destination, destination, "_count")),
        health: checks.health.as_deref().map(|colour| {
            health(
                Role::Wait,
                Segment::Name(destination.to_owned()),
                colour,
                Wait::Fixed("60s"),
            )
        }),
        recovery: checks
            .recovery
            .then(|| recovery(Role::Read, Segment::Name(destination.to_owned()), true)),
        sample: sampling.then(|| {
            post(Side::Source, source, "_search")
                .body(Body::json(&json!({
                    "size": checks.sample,
                    "from": SAMPLE_FROM.placeholder(),
                    "sort": ["_doc"],
                })))
                .note("the offset is drawn within the first 10000 documents")
        }),
        fetch: sampling.then(|| {
            post(Side::Destination, destination, "_search")
                .body(Body::json(&json!({
                    "size": checks.sample,
                    "query": {"ids": {"values": SAMPLE_IDS.placeholder()}},
                })))
                .note("each sampled document's _source must hash the same on both sides")
        }),
    }
}

impl Verify {
    pub fn list(self) -> Vec<Request> {
        [
            self.refresh,
            self.source_count,
            self.destination_count,
            self.health,
            self.recovery,
            self.sample,
            self.fetch,
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}

pub fn preview(source: &str, destination: &str, checks: &Checks) -> Vec<Request> {
    let mut out: Vec<Request> = expand::for_pairs(source).into_iter().collect();
    out.extend(verify(source, destination, checks).list());
    out
}
