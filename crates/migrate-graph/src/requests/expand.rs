//! Turning an index entry into concrete indexes, as the steps that do it send it: a name must exist
//! (`HEAD /{name}`), a pattern is listed (`GET /_cat/indices/{pattern}`; hidden `.` indexes only
//! when the pattern names them, `.tasks` never, excludes left out).

use migrate_core::Side;
use migrate_core::request::{Condition, Method, Request, Role, Segment};

use super::slots::ENTRY;

/// Whether an entry is a pattern (expanded on the source).
pub fn is_pattern(entry: &str) -> bool {
    entry.contains(['*', '?'])
}

/// `HEAD /{name}`: the index (or alias) exists.
pub fn exists(name: Segment) -> Request {
    Request::new(Role::Read, Side::Source, Method::Head).segment(name)
}

/// `GET /_cat/indices/{pattern}?format=json&bytes=b[&expand_wildcards=all]`: every index the
/// pattern matches, closed and hidden ones too where the version can say so.
pub fn list(pattern: Segment) -> Request {
    Request::new(Role::Read, Side::Source, Method::Get)
        .at("_cat")
        .at("indices")
        .segment(pattern)
        .query("format", "json")
        .query("bytes", "b")
        .query_when(
            Condition::CatIndicesExpandWildcards,
            "expand_wildcards",
            "all",
        )
}

/// The request that resolves `entry`: [`exists`] for a name, [`list`] for a pattern.
pub fn entry(entry: &str) -> Request {
    if is_pattern(entry) {
        list(Segment::Name(entry.to_owned()))
    } else {
        exists(Segment::Name(entry.to_owned()))
    }
}

/// The resolution of every entry, for plan-wide steps.
pub fn every_entry() -> [Request; 2] {
    [
        exists(Segment::Slot(ENTRY)).note("for each index entry that is a name: it must exist"),
        list(Segment::Slot(ENTRY))
            .note("for each index entry that is a pattern: it must match an index (hidden `.` indexes only when the pattern names them, `.tasks` never, the entry's excludes left out)"),
    ]
}

/// What a step that works per concrete index sends to find them, when it expands the entry itself
/// (the snapshot strategy; the reindex strategy reuses the indexes `create-index` recorded).
pub fn for_pairs(entry: &str) -> Option<Request> {
    is_pattern(entry).then(|| {
        list(Segment::Name(entry.to_owned())).note(
            "snapshot strategy only: the pattern's indexes (the reindex strategy uses the ones create-index recorded)",
        )
    })
}
