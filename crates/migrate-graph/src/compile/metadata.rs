//! The plan's metadata steps, shared by every strategy: one `migrate-metadata/<kind>` step per
//! kind the plan lists, after the version check and before any index is created or restored.
//! Lifecycle policies come before the templates that name them, component templates before the
//! composable templates that use them; pipelines and scripts only wait for the version check.

use petgraph::graph::NodeIndex;

use super::add_global;
use crate::blueprint::{Blueprint, MetadataObject};
use crate::error::CompileError;
use crate::graph::GraphBuilder;
use crate::kind::StepKind;
use crate::phase::Phase;

/// Adds the metadata steps after `versions`; returns what index creation must wait for
/// (`versions` itself when the plan migrates no metadata).
pub(super) fn add(
    b: &mut GraphBuilder,
    bp: &Blueprint,
    versions: NodeIndex,
) -> Result<Vec<NodeIndex>, CompileError> {
    let mut added: Vec<(MetadataObject, NodeIndex)> = Vec::with_capacity(bp.metadata.len());
    // Data streams are not a `migrate-metadata` step: see `tail::data_streams`.
    let mut specs: Vec<_> = bp
        .metadata
        .iter()
        .filter(|s| s.object != MetadataObject::DataStreams)
        .collect();
    specs.sort_by_key(|s| s.object);
    for spec in specs {
        let before = |o: MetadataObject| added.iter().find(|(x, _)| *x == o).map(|(_, n)| *n);
        let mut deps = Vec::new();
        match spec.object {
            MetadataObject::IndexTemplates => {
                deps.extend(before(MetadataObject::ComponentTemplates));
                deps.extend(before(MetadataObject::LifecyclePolicies));
            }
            MetadataObject::ComponentTemplates | MetadataObject::LegacyTemplates => {
                deps.extend(before(MetadataObject::LifecyclePolicies));
            }
            _ => {}
        }
        if deps.is_empty() {
            deps.push(versions);
        }
        let kind = StepKind::MigrateMetadata {
            object: spec.object,
            include: spec.include.clone().into(),
            exclude: spec.exclude.clone().into(),
            replace: spec.replace,
        };
        let node = add_global(
            b,
            "migrate-metadata",
            spec.object.name(),
            kind,
            Phase::Setup,
            &deps,
        )?;
        added.push((spec.object, node));
    }
    if added.is_empty() {
        return Ok(vec![versions]);
    }
    Ok(added.into_iter().map(|(_, n)| n).collect())
}
