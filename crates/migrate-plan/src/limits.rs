//! Limits that keep hostile input (huge files, deep nesting, alias bombs) cheap to reject.

/// Largest plan file read, in bytes.
pub const MAX_BYTES: usize = 8 * 1024 * 1024;
/// Deepest nesting of lists and maps.
pub const MAX_DEPTH: usize = 64;
/// Most nodes in the document, counting every alias expansion in full.
pub const MAX_NODES: usize = 1_000_000;
/// Most diagnostics reported for one file (the rest are summarised).
pub const MAX_DIAGNOSTICS: usize = 100;
