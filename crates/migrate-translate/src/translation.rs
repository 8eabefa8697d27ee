//! What a translation returns: the translated object (or one per mapping type when the plan split
//! a multi-type index) and the findings. Plain data, never a `Result`.

use serde::Serialize;
use serde_json::Value;

use crate::finding::{Finding, Severity};

/// The translated object.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Output {
    /// One object.
    One(Value),
    /// The plan chose to split a multi-type index: one object per type name, in source order.
    PerType(Vec<(String, Value)>),
}

/// A translation's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Translation {
    /// The translated object(s). When there are error findings this is the best effort, not to be
    /// written as is.
    pub output: Output,
    /// Every rewrite, strip and rejection, in the order they happened.
    pub findings: Vec<Finding>,
}

impl Translation {
    /// Are there error findings (the object cannot be migrated as is)?
    pub fn is_refused(&self) -> bool {
        self.findings.iter().any(|f| f.severity == Severity::Error)
    }

    /// The error findings.
    pub fn errors(&self) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
    }

    /// The one translated object (`None` when split per type).
    pub fn object(&self) -> Option<&Value> {
        match &self.output {
            Output::One(v) => Some(v),
            Output::PerType(_) => None,
        }
    }
}
