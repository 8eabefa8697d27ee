//! What the state records besides steps, for the commands around a run: approvals given with
//! `migrate approve` (bound to the plan fingerprint they were given for), the throughput measured at
//! the end of a complete apply (the estimate of `migrate plan --refresh` reads it), and aborts.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// The records of [`crate::State::live`]; empty in a state written before they existed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LiveRecords {
    /// Approvals, newest last.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub approvals: Vec<Approval>,
    /// Per estimate phase (`snapshot`, `transfer`, `restore`, `reindex`, `copy`, `verify`,
    /// `overhead`): what the last complete apply measured.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub measured: BTreeMap<String, Measured>,
    /// Aborts, newest last.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aborts: Vec<AbortRecord>,
}

impl LiveRecords {
    pub fn is_empty(&self) -> bool {
        self.approvals.is_empty() && self.measured.is_empty() && self.aborts.is_empty()
    }

    /// The newest approval of `gate`, whatever fingerprint it was given for.
    pub fn approval(&self, gate: &str) -> Option<&Approval> {
        self.approvals.iter().rev().find(|a| a.gate == gate)
    }
}

/// One `migrate approve PLAN --gate NAME`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Approval {
    pub gate: String,
    /// Who approved (`--by`, else `$USER`).
    pub by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// The plan fingerprint the approval was given for; another fingerprint needs a new approval.
    pub plan_fingerprint: String,
}

/// What one phase of a complete apply took.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Measured {
    pub seconds: f64,
    /// Documents the phase handled, when the run recorded them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub docs: Option<u64>,
    /// Bytes the phase handled, when the run recorded them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bytes: Option<u64>,
}

/// One `migrate abort PLAN`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AbortRecord {
    pub by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub plan_fingerprint: String,
    /// What the abort did, one line per action.
    #[serde(default)]
    pub actions: Vec<String>,
}
