//! Comparing the two sides of a proof: digests first, then a drill-down into the partitions that
//! hold differing buckets, which names every missing, extra and differing id.
//!
//! Per partition, only the records of its differing buckets are decoded, sorted by
//! `(id, routing, content)` and joined by id. One id may occur more than once on a side (the same
//! `_id` with two routings lands on two shards); an id's records are compared as a multiset.

use std::io::Write;

use serde::Serialize;

use crate::config::ProofConfig;
use crate::error::ProofError;
use crate::findings::{DeadLetters, Finding, Findings, Kind};
use crate::record::Owned;
use crate::report::Column;
use crate::side::Collected;

/// The document half of an index's verification.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct DocDiff {
    pub source_docs: u64,
    pub destination_docs: u64,
    pub missing: Column,
    pub extra: Column,
    pub differing: Column,
    /// Findings excused because the run dead-lettered those ids.
    pub dead_lettered: Column,
    /// Documents without `_source` on (source, destination): content not compared.
    pub without_source: (u64, u64),
    /// Buckets whose digests differed (drilled into).
    pub buckets_drilled: u64,
    /// Bytes written to spill files, both sides.
    pub spilled_bytes: u64,
}

impl DocDiff {
    /// Unexcused findings.
    pub fn failures(&self) -> u64 {
        self.missing.count + self.extra.count + self.differing.count
    }
}

/// Compares two collected sides; findings go to `sink`.
pub(crate) fn compare<W: Write>(
    cfg: &ProofConfig,
    index: &str,
    src: &Collected,
    dst: &Collected,
    sink: &mut Findings<W>,
    dead: &dyn DeadLetters,
) -> Result<DocDiff, ProofError> {
    let mut diff = DocDiff {
        source_docs: src.digests.total(),
        destination_docs: dst.digests.total(),
        without_source: (src.without_source, dst.without_source),
        spilled_bytes: src.spill.spilled() + dst.spill.spilled(),
        ..DocDiff::default()
    };
    let bad = src.digests.differing(&dst.digests);
    diff.buckets_drilled = bad.len() as u64;
    let mut rest = &bad[..];
    while let Some(&first) = rest.first() {
        let p = cfg.partition_of(first);
        let n = rest
            .iter()
            .take_while(|&&b| cfg.partition_of(b) == p)
            .count();
        let (here, after) = rest.split_at(n);
        rest = after;
        let keep = |b: u32| here.binary_search(&b).is_ok();
        let mut s = src.spill.read(p, keep)?;
        let mut d = dst.spill.read(p, keep)?;
        s.sort_unstable();
        d.sort_unstable();
        join(index, &s, &d, sink, dead, &mut diff)?;
    }
    Ok(diff)
}

/// The run of records at the front of `recs` that share the first one's id.
fn group(recs: &[Owned]) -> &[Owned] {
    match recs.first() {
        None => recs,
        Some(first) => {
            let n = recs.iter().take_while(|r| r.id == first.id).count();
            &recs[..n]
        }
    }
}

fn join<W: Write>(
    index: &str,
    mut s: &[Owned],
    mut d: &[Owned],
    sink: &mut Findings<W>,
    dead: &dyn DeadLetters,
    diff: &mut DocDiff,
) -> Result<(), ProofError> {
    loop {
        let (gs, gd) = match (s.first(), d.first()) {
            (None, None) => return Ok(()),
            (Some(a), Some(b)) if a.id == b.id => (group(s), group(d)),
            (Some(a), Some(b)) if a.id < b.id => (group(s), &d[..0]),
            (Some(_), None) => (group(s), &d[..0]),
            _ => (&s[..0], group(d)),
        };
        s = &s[gs.len()..];
        d = &d[gd.len()..];
        if let Some(f) = judge(index, gs, gd) {
            let column = if dead.contains(f.id) {
                &mut diff.dead_lettered
            } else {
                match f.kind {
                    Kind::Missing => &mut diff.missing,
                    Kind::Extra => &mut diff.extra,
                    Kind::Differing => &mut diff.differing,
                }
            };
            let f = Finding {
                dead_lettered: dead.contains(f.id),
                ..f
            };
            sink.record(&f, column)?;
        }
    }
}

const CONTENT: &str = "content";
const ROUTING: &str = "routing";
const COPIES: &str = "copies";

/// The finding for one id's records on both sides, if they differ (both slices sorted).
fn judge<'a>(index: &'a str, s: &'a [Owned], d: &'a [Owned]) -> Option<Finding<'a>> {
    let same = s.len() == d.len()
        && s.iter()
            .zip(d)
            .all(|(a, b)| a.routing == b.routing && a.content == b.content);
    if same {
        return None;
    }
    let (kind, first) = match (s.first(), d.first()) {
        (Some(a), None) => (Kind::Missing, a),
        (None, Some(b)) => (Kind::Extra, b),
        (Some(a), Some(_)) => (Kind::Differing, a),
        (None, None) => return None,
    };
    let mut finding = Finding {
        index,
        id: &first.id,
        kind,
        routing: first.routing.as_deref(),
        destination_routing: None,
        differs: &[],
        dead_lettered: false,
    };
    if kind == Kind::Differing {
        let routings = |g: &'a [Owned]| g.iter().map(|r| r.routing.as_deref());
        let routing_differs = !routings(s).eq(routings(d));
        let contents = |g: &[Owned]| {
            let mut c: Vec<u128> = g.iter().map(|r| r.content).collect();
            c.sort_unstable();
            c
        };
        let content_differs = contents(s) != contents(d);
        finding.differs = match (s.len() != d.len(), routing_differs, content_differs) {
            (true, _, _) => &[COPIES],
            (false, true, true) => &[CONTENT, ROUTING],
            (false, true, false) => &[ROUTING],
            _ => &[CONTENT],
        };
        if d[0].routing != s[0].routing {
            finding.destination_routing = d[0].routing.as_deref();
        }
    }
    Some(finding)
}
