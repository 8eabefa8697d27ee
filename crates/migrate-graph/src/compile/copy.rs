//! Steps of the client-side copy strategy: create the destination index, copy it (slices read by
//! migrate, written with `_bulk`), incremental passes on the update-time field with a missing-field
//! pass, cutover, final pass. The same pass layout as the reindex strategy; no allowlist check (the
//! destination never reaches the source).

use std::sync::Arc;

use petgraph::graph::NodeIndex;

use super::{add_indexed, tail};
use crate::blueprint::{Blueprint, CopyStrategy, IndexSpec};
use crate::error::CompileError;
use crate::graph::GraphBuilder;
use crate::kind::{CopyBudget, Name, Pass, StepKind};
use crate::phase::Phase;

/// The initial copy's pass: one, whole index (slices split it at run time).
pub const INITIAL: &str = "all";

pub(super) fn compile(
    b: &mut GraphBuilder,
    bp: &Blueprint,
    c: &CopyStrategy,
) -> Result<(), CompileError> {
    let versions = super::add_versions(b, bp, "copy")?;
    let meta = super::metadata::add(b, bp, versions)?;
    let budget = Arc::new(CopyBudget {
        slices: c.slices,
        batch_size: c.batch_size,
        batch_bytes: c.batch_bytes,
        documents_per_second: c.documents_per_second,
        bytes_per_second: c.bytes_per_second,
        concurrency: c.concurrency,
    });
    let update_field = c.update_field.as_deref().map(Name::from);
    let copy = |spec: &IndexSpec, pass: Pass| StepKind::Copy {
        dead_letters: dead_letters(&bp.name, &spec.source),
        source_index: spec.source.clone(),
        destination_index: spec.destination.clone(),
        pass,
        update_field: update_field.clone(),
        update_field_unit: c.update_field.as_ref().and(c.update_field_unit),
        budget: Arc::clone(&budget),
    };
    let step = |b: &mut GraphBuilder, spec: &IndexSpec, pass: Pass, phase, deps: &[NodeIndex]| {
        let q = pass.to_string();
        add_indexed(b, "copy", spec, Some(&q), copy(spec, pass), phase, deps)
    };

    // One threshold shared by every pass.
    let until = c.passes_until.map(Arc::new);
    let mut before_gate = Vec::with_capacity(bp.indexes.len());
    for spec in &bp.indexes {
        let create = super::create_index(b, spec, &c.copy_settings, &meta)?;
        let initial = Pass::Initial {
            partition: INITIAL.into(),
        };
        let mut at = step(b, spec, initial, Phase::Copy, &[create])?;
        if c.update_field.is_some() {
            for n in 1..=c.incremental_passes {
                let until = until.clone();
                let pass = Pass::Incremental { n, until };
                at = step(b, spec, pass, Phase::Incremental, &[at])?;
            }
            at = step(b, spec, Pass::MissingField, Phase::Incremental, &[at])?;
        }
        before_gate.push(at);
    }

    let (_, ready) = tail::cutover(b, bp, &before_gate)?;
    let mut finals = Vec::with_capacity(bp.indexes.len());
    for (spec, &after) in bp.indexes.iter().zip(&ready) {
        let mut at = step(b, spec, Pass::Final, Phase::Final, &[after])?;
        if c.update_field.is_some() {
            at = step(b, spec, Pass::FinalMissingField, Phase::Final, &[at])?;
        }
        finals.push(at);
    }
    let finals = tail::reconcile_deletes(b, bp, finals, c.reconcile_deletes)?;
    tail::finish(b, bp, &finals)
}

/// `dead-letters/<plan>/copy_<index>.jsonl`, the index's characters outside `[A-Za-z0-9-]` as `_`
/// (a pattern's `*` included): one file for every pass of the index (they run one after the
/// other), which names each refused document once, with its latest error.
fn dead_letters(plan: &str, index: &str) -> String {
    let clean: String = index
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("dead-letters/{plan}/copy_{clean}.jsonl")
}
