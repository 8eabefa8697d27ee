//! The `until` threshold of incremental passes and snapshot rounds: the measures a delta must be
//! below (every one given) for the remaining passes or rounds to be skipped.

/// At least one measure is set (the loader refuses an empty `until`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Until {
    /// Documents copied by a pass, or changed on the source since the previous round.
    pub documents: Option<u64>,
    /// Bytes a round's snapshot added (snapshot rounds only).
    pub bytes: Option<u64>,
    /// Whole seconds a pass (a round's snapshot) took.
    pub seconds: Option<u64>,
}
