//! The steps every strategy ends with: cutover gate, source write block, settings restore, verify.

use std::sync::Arc;

use petgraph::graph::NodeIndex;

use super::{add_global, add_indexed};
use crate::blueprint::{Blueprint, Strategy};
use crate::error::CompileError;
use crate::graph::GraphBuilder;
use crate::kind::StepKind;
use crate::phase::Phase;

/// Adds the cutover gate after `before_gate` (every index's last pre-cutover steps), then one write block per index
/// if the plan asks for it. Returns the gate and, per index, what the final copy must wait for.
pub(super) fn cutover(
    b: &mut GraphBuilder,
    bp: &Blueprint,
    before_gate: &[NodeIndex],
) -> Result<(NodeIndex, Vec<NodeIndex>), CompileError> {
    let kind = StepKind::Gate {
        approved: bp.cutover.approved,
    };
    let gate = add_global(b, "gate", "cutover", kind, Phase::Cutover, before_gate)?;
    let mut ready = Vec::with_capacity(bp.indexes.len());
    for spec in &bp.indexes {
        if bp.cutover.block_source_writes {
            let kind = StepKind::BlockWrites {
                index: spec.source.clone(),
            };
            ready.push(add_indexed(
                b,
                "block-writes",
                spec,
                None,
                kind,
                Phase::Cutover,
                &[gate],
            )?);
        } else {
            ready.push(gate);
        }
    }
    Ok((gate, ready))
}

/// Adds, per index, the settings restore after its final copy and the verification after that.
///
/// Settings come back before verifying: health `green` only means something once replicas exist again,
/// and counts need the refresh interval back.
pub(super) fn finish(
    b: &mut GraphBuilder,
    bp: &Blueprint,
    last: &[NodeIndex],
) -> Result<(), CompileError> {
    let checks = Arc::new(bp.verify.clone());
    let after_copy = Arc::new(match &bp.strategy {
        Strategy::Snapshot(s) => s.copy_settings.after.clone(),
        Strategy::Reindex(r) => r.copy_settings.after.clone(),
        Strategy::Copy(c) => c.copy_settings.after.clone(),
        Strategy::SnapshotReindex(s) => s.copy_settings.after.clone(),
    });
    for (spec, &after) in bp.indexes.iter().zip(last) {
        let kind = StepKind::RestoreSettings {
            source_index: spec.source.clone(),
            destination_index: spec.destination.clone(),
            after: Arc::clone(&after_copy),
        };
        let restored = add_indexed(
            b,
            "restore-settings",
            spec,
            None,
            kind,
            Phase::Finalize,
            &[after],
        )?;
        if bp.verify.any() {
            let kind = StepKind::Verify {
                source_index: spec.source.clone(),
                destination_index: spec.destination.clone(),
                checks: Arc::clone(&checks),
            };
            add_indexed(b, "verify", spec, None, kind, Phase::Verify, &[restored])?;
        }
    }
    data_streams(b, bp, last)
}

/// With `metadata.data_streams` in the plan, every strategy's data streams after the final copies
/// (so after the cutover gate, when the source's writes have stopped): `copy-data-streams/streams`
/// then, when the plan verifies, `verify-data-streams/streams`. The documents go through the
/// clusters' APIs in every strategy: a snapshot restore cannot make a stream across versions (see
/// docs/metadata.md, "Data streams").
fn data_streams(
    b: &mut GraphBuilder,
    bp: &Blueprint,
    last: &[NodeIndex],
) -> Result<(), CompileError> {
    let Some(spec) = bp
        .metadata
        .iter()
        .find(|s| s.object == crate::metadata::MetadataObject::DataStreams)
    else {
        return Ok(());
    };
    let include: Arc<[String]> = spec.include.clone().into();
    let exclude: Arc<[String]> = spec.exclude.clone().into();
    let kind = StepKind::CopyDataStreams {
        include: Arc::clone(&include),
        exclude: Arc::clone(&exclude),
        replace: spec.replace,
    };
    let copied = add_global(b, "copy-data-streams", "streams", kind, Phase::Final, last)?;
    if bp.verify.any() {
        let kind = StepKind::VerifyDataStreams { include, exclude };
        add_global(
            b,
            "verify-data-streams",
            "streams",
            kind,
            Phase::Verify,
            &[copied],
        )?;
    }
    Ok(())
}

/// With `enabled`, adds per index a deletes reconciliation after its final copy (`last`), while
/// the source write block still holds; returns what the settings restore must wait for.
pub(super) fn reconcile_deletes(
    b: &mut GraphBuilder,
    bp: &Blueprint,
    last: Vec<NodeIndex>,
    enabled: bool,
) -> Result<Vec<NodeIndex>, CompileError> {
    if !enabled {
        return Ok(last);
    }
    let mut out = Vec::with_capacity(last.len());
    for (spec, &after) in bp.indexes.iter().zip(&last) {
        let kind = StepKind::ReconcileDeletes {
            source_index: spec.source.clone(),
            destination_index: spec.destination.clone(),
        };
        out.push(add_indexed(
            b,
            "reconcile-deletes",
            spec,
            None,
            kind,
            Phase::Final,
            &[after],
        )?);
    }
    Ok(out)
}
