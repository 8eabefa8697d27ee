//! The state one translation carries: the two versions, the plan's options, and the findings so
//! far. Every rewrite asks [`Cx::on`] whether its rule applies, so the table decides.

use crate::finding::{Finding, Ptr, Severity};
use crate::options::Options;
use crate::rule::Rule;
use crate::target::Target;

/// One translation in progress.
pub(crate) struct Cx<'a> {
    pub src: Target,
    pub dst: Target,
    pub opt: &'a Options,
    pub findings: Vec<Finding>,
}

impl<'a> Cx<'a> {
    pub fn new(src: Target, dst: Target, opt: &'a Options) -> Self {
        Cx {
            src,
            dst,
            opt,
            findings: Vec::new(),
        }
    }

    /// Does `rule` apply between this translation's versions?
    pub fn on(&self, rule: &Rule) -> bool {
        rule.applies(self.src, self.dst)
    }

    fn push(&mut self, rule: &Rule, severity: Severity, path: &Ptr, message: String) {
        self.findings.push(Finding {
            rule: rule.id,
            severity,
            path: path.as_str().to_string(),
            message,
        });
    }

    pub fn info(&mut self, rule: &Rule, path: &Ptr, message: impl Into<String>) {
        self.push(rule, Severity::Info, path, message.into());
    }

    pub fn warn(&mut self, rule: &Rule, path: &Ptr, message: impl Into<String>) {
        self.push(rule, Severity::Warning, path, message.into());
    }

    /// `input` as an object, or a `malformed-object` error naming `what`.
    pub fn object<'v>(
        &mut self,
        input: &'v serde_json::Value,
        base: &Ptr,
        what: &str,
    ) -> Option<&'v serde_json::Map<String, serde_json::Value>> {
        let obj = input.as_object();
        if obj.is_none() {
            self.error(
                &crate::rules::MALFORMED_OBJECT,
                base,
                format!("{what} must be an object, found {}", shown(input)),
            );
        }
        obj
    }

    pub fn error(&mut self, rule: &Rule, path: &Ptr, message: impl Into<String>) {
        self.push(rule, Severity::Error, path, message.into());
    }
}

/// A JSON value in a message: short, in backticks.
pub(crate) fn shown(v: &serde_json::Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 60 {
        let cut: String = s.chars().take(57).collect();
        format!("`{cut}...`")
    } else {
        format!("`{s}`")
    }
}
