//! The metadata a plan migrates before its indexes, as the compiler and the steps see it: which
//! kind of object ([`MetadataObject`]) and which of them ([`MetadataSpec`]).

use std::fmt;

use serde::Serialize;

/// One kind of cluster metadata, in the order the steps run (lifecycle policies before the
/// templates that name them, component templates before the composable ones that use them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MetadataObject {
    LifecyclePolicies,
    ComponentTemplates,
    IndexTemplates,
    LegacyTemplates,
    Pipelines,
    StoredScripts,
    /// Data streams: not a `migrate-metadata` step but the `copy-data-streams` and
    /// `verify-data-streams` steps after the cutover gate (their templates, the streams, their
    /// documents).
    DataStreams,
}

impl MetadataObject {
    /// The name in step ids and outputs (`legacy-templates`).
    pub fn name(self) -> &'static str {
        match self {
            MetadataObject::LifecyclePolicies => "lifecycle-policies",
            MetadataObject::ComponentTemplates => "component-templates",
            MetadataObject::IndexTemplates => "index-templates",
            MetadataObject::LegacyTemplates => "legacy-templates",
            MetadataObject::Pipelines => "pipelines",
            MetadataObject::StoredScripts => "stored-scripts",
            MetadataObject::DataStreams => "data-streams",
        }
    }

    /// One object, in messages (`legacy template`).
    pub fn singular(self) -> &'static str {
        match self {
            MetadataObject::LifecyclePolicies => "lifecycle policy",
            MetadataObject::ComponentTemplates => "component template",
            MetadataObject::IndexTemplates => "index template",
            MetadataObject::LegacyTemplates => "legacy template",
            MetadataObject::Pipelines => "ingest pipeline",
            MetadataObject::StoredScripts => "stored script",
            MetadataObject::DataStreams => "data stream",
        }
    }
}

impl fmt::Display for MetadataObject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Which objects of one kind the plan migrates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MetadataSpec {
    pub object: MetadataObject,
    /// Names or `*` patterns.
    pub include: Vec<String>,
    /// Names or `*` patterns left out.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub exclude: Vec<String>,
    /// Overwrite a destination object that differs.
    pub replace: bool,
}

impl MetadataSpec {
    /// Whether `name` is selected: matched by an include and by no exclude.
    pub fn selects(&self, name: &str) -> bool {
        self.include.iter().any(|p| glob(p, name)) && !self.exclude.iter().any(|p| glob(p, name))
    }
}

/// `*` globs (`?` is not a wildcard in object names).
fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || text.len() < first.len() + last.len() || !text.ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_object_is_selected_by_an_include_and_no_exclude() {
        let spec = MetadataSpec {
            object: MetadataObject::LegacyTemplates,
            include: vec!["logs-*".into(), "metrics".into()],
            exclude: vec!["logs-old*".into()],
            replace: false,
        };
        assert!(spec.selects("logs-app"));
        assert!(spec.selects("metrics"));
        assert!(!spec.selects("logs-old-1"));
        assert!(!spec.selects("metrics-2"));
        assert!(glob("a*b*c", "aXbYc") && !glob("a*b*c", "ac") && glob("*", ""));
    }
}
