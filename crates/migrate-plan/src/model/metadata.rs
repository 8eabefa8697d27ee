//! The plan's `metadata` section, validated.

/// One kind of cluster metadata.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MetadataKind {
    /// Lifecycle policies (ILM / ISM).
    LifecyclePolicies,
    /// Component templates.
    ComponentTemplates,
    /// Composable index templates.
    IndexTemplates,
    /// Legacy index templates.
    LegacyTemplates,
    /// Ingest pipelines.
    Pipelines,
    /// Stored scripts.
    StoredScripts,
    /// Data streams (their templates, the streams and their documents).
    DataStreams,
}

/// Which objects of one kind move.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetadataSelection {
    pub kind: MetadataKind,
    /// Names or patterns (at least one; `*` by default).
    pub include: Vec<String>,
    /// Names or patterns left out.
    pub exclude: Vec<String>,
    /// Overwrite a different destination object.
    pub replace: bool,
}
