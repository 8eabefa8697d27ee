//! The throughput model of `migrate plan --refresh` (docs/estimates.md): each phase's duration is
//! its amount (documents or primary bytes, read live) over a rate — declared in the plan's
//! `estimate:`, else measured by the last complete apply of the same state, else a default — plus a
//! fixed `overhead` for everything else. [`measure`] is what apply records at its end.

use std::collections::BTreeMap;

use migrate_graph::render::{LiveEstimate, LivePhase, LiveStore};
use migrate_graph::{Phase, StepGraph, StepKind};
use migrate_plan::{Estimate, Plan, Strategy};
use migrate_state::{Measured, State};
use serde_json::Value;
use time::OffsetDateTime;

/// What a phase is measured in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    Docs,
    Bytes,
    Seconds,
}

impl Unit {
    fn as_str(self) -> &'static str {
        match self {
            Unit::Docs => "docs",
            Unit::Bytes => "bytes",
            Unit::Seconds => "seconds",
        }
    }
}

/// The phases of the model, their unit and default rate (units per second; seconds for overhead).
const PHASES: [(&str, Unit, f64); 7] = [
    ("snapshot", Unit::Bytes, 50.0e6),
    ("transfer", Unit::Bytes, 50.0e6),
    ("restore", Unit::Bytes, 50.0e6),
    ("reindex", Unit::Docs, 5_000.0),
    ("copy", Unit::Docs, 5_000.0),
    ("verify", Unit::Docs, 10_000.0),
    ("overhead", Unit::Seconds, 30.0),
];

fn declared(e: &Estimate, phase: &str) -> Option<f64> {
    match phase {
        "snapshot" => e.snapshot_bytes_per_s,
        "transfer" => e.transfer_bytes_per_s,
        "restore" => e.restore_bytes_per_s,
        "reindex" => e.reindex_docs_per_s,
        "copy" => e.copy_docs_per_s,
        "verify" => e.verify_docs_per_s,
        _ => e.overhead_s,
    }
}

/// The model phase of a step of the first full copy, verify, or `overhead` for anything else.
fn phase_of(kind: &StepKind, phase: Phase) -> &'static str {
    if phase == Phase::Verify {
        return "verify";
    }
    if phase != Phase::Copy {
        return "overhead";
    }
    match kind {
        StepKind::CreateSnapshot { .. } | StepKind::WaitSnapshot { .. } => "snapshot",
        StepKind::TransferObjects { .. } => "transfer",
        StepKind::CloseIndex { .. }
        | StepKind::Restore { .. }
        | StepKind::OpenIndex { .. }
        | StepKind::WaitRecovery { .. } => "restore",
        StepKind::Reindex { .. } => "reindex",
        StepKind::Copy { .. } | StepKind::SnapshotReindex { .. } => "copy",
        _ => "overhead",
    }
}

/// The model phases `graph` has, in model order.
fn phases_in(graph: &StepGraph) -> Vec<&'static str> {
    let present: Vec<&str> = graph.steps().map(|s| phase_of(&s.kind, s.phase)).collect();
    PHASES
        .iter()
        .map(|p| p.0)
        .filter(|p| *p == "overhead" || present.contains(p))
        .collect()
}

/// The estimate for `graph` over `docs` documents and `bytes` primary bytes.
pub fn estimate(
    plan: &Plan,
    graph: &StepGraph,
    measured: &BTreeMap<String, Measured>,
    docs: u64,
    bytes: u64,
) -> LiveEstimate {
    let mut phases = Vec::new();
    for name in phases_in(graph) {
        let Some(&(_, unit, default)) = PHASES.iter().find(|p| p.0 == name) else {
            continue;
        };
        let amount = match unit {
            Unit::Docs => docs as f64,
            Unit::Bytes => bytes as f64,
            Unit::Seconds => 1.0,
        };
        let from_run = measured.get(name).and_then(|m| rate(m, unit));
        let (rate, from) = match (declared(&plan.estimate, name), from_run) {
            (Some(r), _) => (r, "plan"),
            (None, Some(r)) => (r, "measured"),
            (None, None) => (default, "default"),
        };
        let seconds = match unit {
            Unit::Seconds => rate,
            _ if rate > 0.0 => amount / rate,
            _ => 0.0,
        };
        phases.push(LivePhase {
            phase: name.into(),
            unit: unit.as_str().into(),
            amount: if unit == Unit::Seconds { 0.0 } else { amount },
            rate: if unit == Unit::Seconds { 0.0 } else { rate },
            rate_from: from.into(),
            seconds,
        });
    }
    let total_seconds = phases.iter().map(|p| p.seconds).sum();
    LiveEstimate {
        phases,
        total_seconds,
        stores: stores(plan, bytes),
    }
}

/// A measured phase's rate in `unit` (for overhead: its seconds).
fn rate(m: &Measured, unit: Unit) -> Option<f64> {
    let amount = match unit {
        Unit::Docs => m.docs? as f64,
        Unit::Bytes => m.bytes? as f64,
        Unit::Seconds => return Some(m.seconds),
    };
    (m.seconds > 0.0 && amount > 0.0).then(|| amount / m.seconds)
}

/// The object stores of the plan and the primary bytes each will hold (a full snapshot).
fn stores(plan: &Plan, bytes: u64) -> Vec<LiveStore> {
    let mut out = Vec::new();
    let mut push = |s: &migrate_core::Store| {
        out.push(LiveStore {
            store: s.kind().location(),
            bytes,
        })
    };
    match &plan.strategy {
        Strategy::Snapshot(s) => {
            push(&s.source_store);
            if let Some(d) = &s.destination_store {
                push(d);
            }
        }
        Strategy::SnapshotReindex(s) if s.snapshot.is_none() => push(&s.store),
        _ => {}
    }
    out
}

/// What a complete apply measured per model phase, from the step records of `state`: each phase's
/// seconds are the span from its first step's start to its last step's end (overhead: the time
/// during which at least one of its steps ran, so steps that ran side by side count once);
/// documents are the sources' counts the verification compared (else what
/// the first pass copied); bytes are what the first round transferred.
pub fn measure(graph: &StepGraph, state: &State) -> BTreeMap<String, Measured> {
    let mut spans: BTreeMap<&str, (OffsetDateTime, OffsetDateTime)> = BTreeMap::new();
    let mut overhead: Vec<(OffsetDateTime, OffsetDateTime)> = Vec::new();
    let (mut verified, mut copied, mut transferred) = (0u64, 0u64, 0u64);
    for step in graph.steps() {
        let Some(rec) = state.step(step.id.as_str()) else {
            continue;
        };
        let (Some(a), Some(b)) = (rec.started_at, rec.finished_at) else {
            continue;
        };
        let name = phase_of(&step.kind, step.phase);
        let e = spans.entry(name).or_insert((a, b));
        e.0 = e.0.min(a);
        e.1 = e.1.max(b);
        if name == "overhead" {
            overhead.push((a, b));
        }
        let out = rec.outputs.as_ref();
        let get = |k: &str| out.and_then(|o| o.get(k)).and_then(Value::as_u64);
        match name {
            "reindex" => copied += get("total").unwrap_or(0),
            "copy" => copied += get("written").unwrap_or(0),
            "transfer" => transferred += get("bytes_copied").unwrap_or(0),
            "verify" => verified += doc_count_rows(out),
            _ => {}
        }
    }
    let docs = [verified, copied].into_iter().find(|&n| n > 0);
    let bytes = (transferred > 0).then_some(transferred);
    spans
        .into_iter()
        .map(|(name, (a, b))| {
            let seconds = if name == "overhead" {
                covered_seconds(&mut overhead)
            } else {
                (b - a).as_seconds_f64().max(0.0)
            };
            (
                name.to_owned(),
                Measured {
                    seconds,
                    docs,
                    bytes,
                },
            )
        })
        .collect()
}

/// The length of the union of `intervals` in seconds (sorted in place).
fn covered_seconds(intervals: &mut [(OffsetDateTime, OffsetDateTime)]) -> f64 {
    intervals.sort();
    let mut total = 0.0;
    let mut current: Option<(OffsetDateTime, OffsetDateTime)> = None;
    for &(a, b) in intervals.iter() {
        current = match current {
            Some((start, end)) if a <= end => Some((start, end.max(b))),
            Some((start, end)) => {
                total += (end - start).as_seconds_f64().max(0.0);
                Some((a, b))
            }
            None => Some((a, b)),
        };
    }
    if let Some((start, end)) = current {
        total += (end - start).as_seconds_f64().max(0.0);
    }
    total
}

/// The source counts of a verify step's `doc count` rows.
fn doc_count_rows(outputs: Option<&Value>) -> u64 {
    outputs
        .and_then(|o| o.get("table"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|r| r.get("check").and_then(Value::as_str) == Some("doc count"))
        .filter_map(|r| r.get("source").and_then(Value::as_str)?.parse::<u64>().ok())
        .sum()
}

#[cfg(test)]
mod tests {
    use super::covered_seconds;
    use time::{Duration, OffsetDateTime};

    #[test]
    fn overhead_steps_that_ran_side_by_side_count_once() {
        let t0 = OffsetDateTime::UNIX_EPOCH;
        let at = |s: i64| t0 + Duration::seconds(s);
        // Two steps over [0, 10] and [5, 12] side by side, then one alone over [20, 23].
        let mut spans = vec![(at(20), at(23)), (at(5), at(12)), (at(0), at(10))];
        assert_eq!(covered_seconds(&mut spans), 15.0);
        assert_eq!(covered_seconds(&mut []), 0.0);
    }
}
