//! One entry of the plan's `indexes`.

/// An index name or pattern on the source, with an optional rename and excludes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexSelector {
    /// Name or pattern on the source.
    pub source: String,
    /// Name on the destination, when renamed (names only).
    pub rename: Option<String>,
    /// Names or patterns left out of a pattern's matches.
    pub exclude: Vec<String>,
}

impl IndexSelector {
    /// True for a pattern (`*` or `?`), expanded on the source at run time.
    pub fn is_pattern(&self) -> bool {
        is_pattern(&self.source)
    }

    /// The destination name: the rename, or the source name.
    pub fn destination(&self) -> &str {
        self.rename.as_deref().unwrap_or(&self.source)
    }
}

pub(crate) fn is_pattern(s: &str) -> bool {
    s.contains(['*', '?'])
}
