//! Wire → domain: builds the validated [`Plan`] from a shape-checked [`PlanWire`], filling in defaults
//! and running the checks a schema cannot express. Every check adds to one list; nothing stops at the
//! first finding. A straight list of named checks, easy to read and to extend.

mod cluster;
mod copy;
mod indexes;
mod metadata;
mod passes;
mod reindex;
mod settings;
mod snapshot;
mod snapshot_reindex;
mod until;

use crate::diagnostic::PlanDiagnostic;
use crate::model::*;
use crate::node::{Node, Seg, Span};
use crate::wire::*;

use cluster::{check_distinct, cluster};
use copy::copy;
use indexes::indexes;
use reindex::reindex;
use settings::settings;
use snapshot::snapshot;
use snapshot_reindex::snapshot_reindex;

/// The conversion context: the document (for spans) and the findings so far.
pub(crate) struct Cx<'d> {
    doc: &'d Node,
    pub diags: Vec<PlanDiagnostic>,
}

/// An owned path into the document.
#[derive(Clone, Default)]
pub(super) struct Path(Vec<PathSeg>);

#[derive(Clone)]
enum PathSeg {
    Key(&'static str),
    Index(usize),
}

impl Path {
    pub(super) fn k(&self, key: &'static str) -> Path {
        let mut p = self.clone();
        p.0.push(PathSeg::Key(key));
        p
    }

    pub(super) fn i(&self, index: usize) -> Path {
        let mut p = self.clone();
        p.0.push(PathSeg::Index(index));
        p
    }

    pub(super) fn display(&self) -> String {
        let mut out = String::new();
        for s in &self.0 {
            match s {
                PathSeg::Key(k) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(k);
                }
                PathSeg::Index(i) => out.push_str(&format!("[{i}]")),
            }
        }
        out
    }
}

pub(super) fn root() -> Path {
    Path::default()
}

impl<'d> Cx<'d> {
    pub(crate) fn new(doc: &'d Node) -> Self {
        Cx {
            doc,
            diags: Vec::new(),
        }
    }

    fn segs(p: &Path) -> Vec<Seg<'_>> {
        p.0.iter()
            .map(|s| match s {
                PathSeg::Key(k) => Seg::Key(k),
                PathSeg::Index(i) => Seg::Index(*i),
            })
            .collect()
    }

    /// The span of the value at `p` (or of the nearest existing parent).
    pub(super) fn value(&self, p: &Path) -> Span {
        self.doc.find_nearest(&Self::segs(p)).value_span()
    }

    /// The span of the key at `p` (or its value when it has no key).
    pub(super) fn key(&self, p: &Path) -> Span {
        self.doc.find_nearest(&Self::segs(p)).key_or_value_span()
    }

    pub(super) fn error(
        &mut self,
        code: &'static str,
        message: String,
        span: Span,
        label: &str,
        help: String,
    ) {
        self.diags.push(
            PlanDiagnostic::error(code, message)
                .label(span, label)
                .help(help),
        );
    }

    pub(super) fn warn(
        &mut self,
        code: &'static str,
        message: String,
        span: Span,
        label: &str,
        help: String,
    ) {
        self.diags.push(
            PlanDiagnostic::warning(code, message)
                .label(span, label)
                .help(help),
        );
    }
}

/// Builds the plan; `None` when a check failed (the findings are in `cx.diags`).
pub(crate) fn build(w: &PlanWire, cx: &mut Cx<'_>) -> Option<Plan> {
    let r = root();
    check_name(&w.name, &r.k("name"), cx);
    let source = cluster(&w.source, &r.k("source"), cx);
    let destination = cluster(&w.destination, &r.k("destination"), cx);
    if let (Some(s), Some(d)) = (&source, &destination) {
        check_distinct(s, d, cx);
    }
    let indexes = indexes(&w.indexes, &r.k("indexes"), cx);
    let strategy = match &w.strategy {
        StrategyWire::Snapshot(s) => {
            snapshot(s, &r.k("strategy").k("snapshot"), cx).map(Strategy::Snapshot)
        }
        StrategyWire::Reindex(x) => {
            reindex(x, &w.source, &r.k("strategy").k("reindex"), cx).map(Strategy::Reindex)
        }
        StrategyWire::Copy(c) => copy(c, &r.k("strategy").k("copy"), cx).map(Strategy::Copy),
        StrategyWire::SnapshotReindex(x) => {
            snapshot_reindex(x, &r.k("strategy").k("snapshot_reindex"), cx)
                .map(Strategy::SnapshotReindex)
        }
    };
    let cutover = w
        .cutover
        .as_ref()
        .map_or_else(Cutover::default, |c| Cutover {
            approved: c.approved,
            block_source_writes: c.block_source_writes,
        });
    let verify = w.verify.as_ref().map_or_else(Verify::default, |v| Verify {
        level: match v.level {
            None | Some(VerifyLevelWire::Proof) => VerifyLevel::Proof,
            Some(VerifyLevelWire::Sampled) => VerifyLevel::Sampled,
            Some(VerifyLevelWire::Counts) => VerifyLevel::Counts,
        },
        doc_count: v.doc_count,
        health: v.health.map(|h| match h {
            HealthWire::Green => Health::Green,
            HealthWire::Yellow => Health::Yellow,
        }),
        recovery: v.recovery,
        sample: v.sample,
    });
    let settings = settings(w.settings.as_ref(), &r.k("settings"), cx);
    let metadata = metadata::metadata(w.metadata.as_ref(), &r.k("metadata"), cx);
    if cx.diags.iter().any(PlanDiagnostic::is_error) {
        return None;
    }
    Some(Plan {
        name: w.name.clone(),
        source: source?,
        destination: destination?,
        indexes,
        strategy: strategy?,
        cutover,
        verify,
        settings,
        estimate: w.estimate.unwrap_or_default(),
        drift: Drift {
            doc_count_tolerance_percent: w
                .drift
                .and_then(|d| d.doc_count_tolerance_percent)
                .unwrap_or(0.0),
        },
        metadata,
    })
}

fn check_name(name: &str, p: &Path, cx: &mut Cx<'_>) {
    let ok = name
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        && name.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_' | b'.')
        });
    if !ok && !name.is_empty() {
        let span = cx.value(p);
        let suggestion: String = name
            .to_ascii_lowercase()
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                    c
                } else {
                    '-'
                }
            })
            .collect();
        cx.error(
            "plan::name",
            format!("plan name `{name}` cannot be used in snapshot names"),
            span,
            "invalid name",
            format!("use lowercase letters, digits, `-`, `_` and `.`, starting with a letter or digit, e.g. `{}`", suggestion.trim_start_matches(['-', '_', '.'])),
        );
    }
}
