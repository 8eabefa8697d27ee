//! `verify`: per concrete index, after a refresh of the destination. By default the proof: both
//! indexes read whole by the scan (see [`super::scan`]) and compared document by document, and the
//! destination's mappings, settings and aliases read against the source's. A plan that chose
//! `sampled` or `counts` gets document counts and sampled documents compared by `_source` hash
//! instead. Health colour and active recoveries as the plan asks.

use migrate_core::Side;
use migrate_core::request::{Body, Method, MutatingCall, Request, Role, ScanRequests, Segment};
use serde_json::json;

use super::endpoint::{Wait, aliases, health, mapping, recovery, settings};
use super::expand;
use super::scan::{PAGE_SIZE, scan};
use super::slots::{SAMPLE_FROM, SAMPLE_IDS};
use crate::blueprint::Verify as Checks;

pub struct Verify {
    pub refresh: Option<Request>,
    /// The proof: every document of both sides, and the metadata of both.
    pub proof: Option<Proof>,
    pub source_count: Option<Request>,
    pub destination_count: Option<Request>,
    pub health: Option<Request>,
    pub recovery: Option<Request>,
    pub sample: Option<Request>,
    pub fetch: Option<Request>,
}

/// The requests of the proof of one index pair.
pub struct Proof {
    pub source: ScanRequests,
    pub destination: ScanRequests,
    /// `GET /{index}/_mapping`, `/_settings?flat_settings=true`, `/_alias`: source, destination.
    pub mappings: [Request; 2],
    pub settings: [Request; 2],
    pub aliases: [Request; 2],
}

impl Proof {
    fn list(self) -> Vec<Request> {
        let [ms, md] = self.mappings;
        let [ss, sd] = self.settings;
        let [as_, ad] = self.aliases;
        let mut out = vec![ms, md, ss, sd, as_, ad];
        out.extend(self.source.list());
        out.extend(self.destination.list());
        out
    }
}

pub fn verify(source: &str, destination: &str, checks: &Checks) -> Verify {
    let proving = checks.proof();
    let sample = checks.sample_size();
    let counting = proving || checks.doc_count || sample > 0;
    let post = |side, index: &str, action| {
        Request::new(Role::Read, side, Method::Post)
            .name(index)
            .at(action)
    };
    let sampling = sample > 0;
    let name = |i: &str| Segment::Name(i.to_owned());
    Verify {
        proof: proving.then(|| Proof {
            source: scan(Side::Source, source, PAGE_SIZE),
            destination: scan(Side::Destination, destination, PAGE_SIZE),
            mappings: [
                mapping(Role::Read, Side::Source, name(source)),
                mapping(Role::Read, Side::Destination, name(destination)),
            ],
            settings: [
                settings(Role::Read, Side::Source, name(source)),
                settings(Role::Read, Side::Destination, name(destination)),
            ],
            aliases: [
                aliases(Role::Read, Side::Source, name(source)),
                aliases(Role::Read, Side::Destination, name(destination)),
            ],
        }),
        refresh: counting.then(|| {
            Request::new(Role::Act, Side::Destination, Method::Post)
                .name(destination)
                .at("_refresh")
                .mutates(MutatingCall::Refresh, destination)
        }),
        source_count: counting.then(|| post(Side::Source, source, "_count")),
        destination_count: (checks.doc_count || !proving && !sampling)
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
                    "size": sample,
                    "from": SAMPLE_FROM.placeholder(),
                    "sort": ["_doc"],
                })))
                .note("the offset is drawn within the first 10000 documents")
        }),
        fetch: sampling.then(|| {
            post(Side::Destination, destination, "_search")
                .body(Body::json(&json!({
                    "size": sample,
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
        .chain(self.proof.map(Proof::list).unwrap_or_default())
        .collect()
    }
}

pub fn preview(source: &str, destination: &str, checks: &Checks) -> Vec<Request> {
    let mut out: Vec<Request> = expand::for_pairs(source).into_iter().collect();
    out.extend(verify(source, destination, checks).list());
    out
}
