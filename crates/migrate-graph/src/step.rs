//! One node of the DAG: an idempotent step with a stable id, its kind and inputs, and a fingerprint.

use crate::fingerprint::Fingerprint;
use crate::id::StepId;
use crate::kind::{Name, StepKind};
use crate::phase::Phase;

/// An idempotent unit of work. It checks whether its effect exists, acts only if not, and records any
/// server-side handle before waiting, so a resumed run re-attaches instead of starting it twice.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub id: StepId,
    /// What the step does, with all its inputs.
    pub kind: StepKind,
    /// The plan index entry (source name or pattern) the step belongs to; `None` for plan-wide steps.
    pub index: Option<Name>,
    pub phase: Phase,
    /// SHA-256 over the step's inputs (its kind's fields and the clusters it talks to).
    pub fingerprint: Fingerprint,
}
