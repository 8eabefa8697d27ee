//! The `metadata` section: defaults filled in (`include: ["*"]`), kinds put in the order their
//! steps run, stored scripts named one by one (clusters have no API that lists them).

use super::{Cx, Path};
use crate::model::{MetadataKind, MetadataSelection, is_pattern};
use crate::wire::{MetadataSelectionWire, MetadataWire};

pub(super) fn metadata(
    w: Option<&MetadataWire>,
    p: &Path,
    cx: &mut Cx<'_>,
) -> Vec<MetadataSelection> {
    let Some(w) = w else { return Vec::new() };
    let kinds: [(MetadataKind, &'static str, &Option<MetadataSelectionWire>); 7] = [
        (
            MetadataKind::LifecyclePolicies,
            "lifecycle_policies",
            &w.lifecycle_policies,
        ),
        (
            MetadataKind::ComponentTemplates,
            "component_templates",
            &w.component_templates,
        ),
        (
            MetadataKind::IndexTemplates,
            "index_templates",
            &w.index_templates,
        ),
        (
            MetadataKind::LegacyTemplates,
            "legacy_templates",
            &w.legacy_templates,
        ),
        (MetadataKind::Pipelines, "pipelines", &w.pipelines),
        (
            MetadataKind::StoredScripts,
            "stored_scripts",
            &w.stored_scripts,
        ),
        (MetadataKind::DataStreams, "data_streams", &w.data_streams),
    ];
    let mut out = Vec::new();
    for (kind, key, sel) in kinds {
        let Some(sel) = sel else { continue };
        let include = sel.include.clone().unwrap_or_else(|| vec!["*".into()]);
        let kp = p.k(key);
        if include.is_empty() {
            let span = cx.value(&kp.k("include"));
            cx.error(
                "plan::metadata_include",
                format!("`metadata.{key}.include` is empty: nothing would be migrated"),
                span,
                "empty list",
                format!("name the objects or patterns to migrate, or leave `include` out for every one (or remove `{key}`)"),
            );
            continue;
        }
        if kind == MetadataKind::StoredScripts {
            for (i, name) in include.iter().enumerate().filter(|(_, n)| is_pattern(n)) {
                let span = cx.value(&kp.k("include").i(i));
                cx.error(
                    "plan::stored_script_pattern",
                    format!("stored script `{name}` is a pattern, but clusters cannot list stored scripts"),
                    span,
                    "a pattern",
                    "name each stored script by its id, e.g. `include: [calculate-score]`".into(),
                );
            }
        }
        out.push(MetadataSelection {
            kind,
            include,
            exclude: sel.exclude.clone(),
            replace: sel.replace,
        });
    }
    out
}
