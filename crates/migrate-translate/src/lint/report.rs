//! The lint report: each captured object translated for the destination, with every finding
//! named by its rule, or — without a capture — the rules the version pair will be checked against.

use schemars::JsonSchema;
use serde::Serialize;

use crate::finding::{Finding, Severity};
use crate::kind::ObjectKind;
use crate::options::Options;
use crate::rules::RULES;
use crate::target::Target;
use crate::translator::Translator;

use super::capture::Capture;

/// Where a report's findings come from.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct CaptureInfo {
    /// The file the capture was read from.
    pub file: String,
    /// The source cluster's `cluster_uuid`, when it has one.
    pub cluster_uuid: Option<String>,
    /// The source cluster's `cluster_name`.
    pub cluster_name: Option<String>,
    /// When `migrate lint` read it (RFC 3339, UTC).
    pub taken_at: String,
    /// What the source could not answer (an API its version lacks), one line each.
    pub unread: Vec<String>,
}

/// One captured index or metadata object and what the translation did to it.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct LintItem {
    /// What it is.
    pub kind: ObjectKind,
    /// Its name on the source.
    pub name: String,
    /// Every rewrite, strip and rejection, in the order they happened; paths are JSON pointers
    /// into the captured object.
    pub findings: Vec<Finding>,
}

/// A rule of the translation table that applies to the version pair.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct RuleRef {
    /// The rule's id.
    pub id: &'static str,
    /// `rewrite`, `strip`, `reject` or `flag`.
    pub action: &'static str,
    /// What it does and why.
    pub summary: &'static str,
}

/// The compatibility lint of a plan.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct LintReport {
    /// The source's version (the capture's, else the plan's); null when neither says.
    pub source: Option<String>,
    /// The destination's version the objects are translated for; null when unknown.
    pub destination: Option<String>,
    /// The capture the findings come from; null when there is none (then `items` is empty).
    pub capture: Option<CaptureInfo>,
    /// How many captured objects were translated.
    pub checked: usize,
    /// The objects with at least one finding, in capture order.
    pub items: Vec<LintItem>,
    /// Counts over every finding.
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    /// The rules of the table that apply between the two versions.
    pub rules: Vec<RuleRef>,
    /// What to do next, when the lint could not run in full.
    pub note: Option<String>,
}

/// How many of `findings` have `severity`.
fn count(items: &[LintItem], severity: Severity) -> usize {
    items
        .iter()
        .flat_map(|i| &i.findings)
        .filter(|f| f.severity == severity)
        .count()
}

/// The rules that apply from `source` to `destination`.
fn rules_between(source: Target, destination: Target) -> Vec<RuleRef> {
    RULES
        .iter()
        .filter(|r| r.applies(source, destination))
        .filter(|r| {
            !matches!(
                r.id,
                "unsupported-version" | "unsupported-direction" | "malformed-object"
            )
        })
        .map(|r| RuleRef {
            id: r.id,
            action: r.action.name(),
            summary: r.summary,
        })
        .collect()
}

impl LintReport {
    /// The capture's objects translated for `destination` with the plan's `options`. `file` is
    /// where the capture was read from (shown to say which one).
    pub fn from_capture(
        capture: &Capture,
        file: &str,
        destination: Target,
        options: &Options,
    ) -> LintReport {
        let source = capture.cluster.version;
        let translator = Translator::new(source, destination, options.clone());
        let items: Vec<LintItem> = capture
            .items
            .iter()
            .map(|item| LintItem {
                kind: item.kind,
                name: item.name.clone(),
                findings: translator.translate(item.kind, &item.body).findings,
            })
            .filter(|i| !i.findings.is_empty())
            .collect();
        LintReport {
            source: Some(source.to_string()),
            destination: Some(destination.to_string()),
            capture: Some(CaptureInfo {
                file: file.to_string(),
                cluster_uuid: capture.cluster.uuid.clone(),
                cluster_name: capture.cluster.name.clone(),
                taken_at: capture.taken_at.clone(),
                unread: capture
                    .unread
                    .iter()
                    .map(|u| format!("{}: {}", u.what, u.reason))
                    .collect(),
            }),
            checked: capture.items.len(),
            errors: count(&items, Severity::Error),
            warnings: count(&items, Severity::Warning),
            infos: count(&items, Severity::Info),
            items,
            rules: rules_between(source, destination),
            note: None,
        }
    }

    /// No capture yet: the rules the version pair will be checked against (none when a version
    /// is unknown), and `note` saying how to get the findings.
    pub fn pending(
        source: Option<Target>,
        destination: Option<Target>,
        note: String,
    ) -> LintReport {
        let rules = match (source, destination) {
            (Some(s), Some(d)) => rules_between(s, d),
            _ => Vec::new(),
        };
        LintReport {
            source: source.map(|t| t.to_string()),
            destination: destination.map(|t| t.to_string()),
            capture: None,
            checked: 0,
            items: Vec::new(),
            errors: 0,
            warnings: 0,
            infos: 0,
            rules,
            note: Some(note),
        }
    }

    /// Does the lint fail: any error, or with `strict` any warning?
    pub fn fails(&self, strict: bool) -> bool {
        self.errors > 0 || (strict && self.warnings > 0)
    }

    /// Every finding at or above `severity`, with the object it belongs to.
    pub fn at_least(&self, severity: Severity) -> impl Iterator<Item = (&LintItem, &Finding)> {
        self.items
            .iter()
            .flat_map(|i| i.findings.iter().map(move |f| (i, f)))
            .filter(move |(_, f)| f.severity >= severity)
    }

    /// `2 errors, 1 warning, 14 changes in 12 objects` (or what is known without a capture).
    pub fn summary(&self) -> String {
        let n = |k: usize, what: &str| format!("{k} {what}{}", if k == 1 { "" } else { "s" });
        if self.capture.is_none() {
            return format!("not run: {} to check", n(self.rules.len(), "rule"));
        }
        format!(
            "{}, {}, {} in {} of {} checked",
            n(self.errors, "error"),
            n(self.warnings, "warning"),
            n(self.infos, "change"),
            n(self.items.len(), "object"),
            self.checked
        )
    }
}
