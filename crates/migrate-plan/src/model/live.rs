//! What `migrate plan --refresh` and saved plans read from a validated plan: declared rates and the
//! document-count tolerance.

pub use crate::wire::EstimateWire as Estimate;

/// How far a saved plan's live inputs may move.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Drift {
    /// Percent of a saved document count a live count may differ by.
    pub doc_count_tolerance_percent: f64,
}
