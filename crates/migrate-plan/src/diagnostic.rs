//! One finding about a plan (an error or a warning) with labelled spans and a help line, and the
//! miette `Diagnostic` implementation that renders it with the file name, line, column and snippet
//! (from its [`Excerpt`] of the plan, never the whole file).

use std::fmt;
use std::sync::Arc;

use miette::{LabeledSpan, SourceCode};

use crate::excerpt::Excerpt;
use crate::node::Span;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The plan is invalid.
    Error,
    /// The plan is valid, but something should change (an error under `--strict`).
    Warning,
}

/// A labelled span: the first label of a diagnostic is the primary one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub text: String,
}

/// One error or warning about a plan.
#[derive(Debug, Clone)]
pub struct PlanDiagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// A stable code, e.g. `plan::unknown-key`.
    pub code: &'static str,
    /// What is wrong, in one sentence.
    pub message: String,
    /// Where: the primary label first.
    pub labels: Vec<Label>,
    /// How to fix it.
    pub help: Option<String>,
    source: Option<Arc<Excerpt>>,
}

impl PlanDiagnostic {
    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        PlanDiagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            labels: Vec::new(),
            help: None,
            source: None,
        }
    }

    pub fn warning(code: &'static str, message: impl Into<String>) -> Self {
        PlanDiagnostic {
            severity: Severity::Warning,
            ..PlanDiagnostic::error(code, message)
        }
    }

    #[must_use]
    pub fn label(mut self, span: Span, text: impl Into<String>) -> Self {
        self.labels.push(Label {
            span,
            text: text.into(),
        });
        self
    }

    #[must_use]
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Attaches what the diagnostic shows of the plan (built by the loader).
    #[must_use]
    pub(crate) fn with_excerpt(mut self, excerpt: Excerpt) -> Self {
        self.source = Some(Arc::new(excerpt));
        self
    }

    /// The file name the diagnostic points into, if it has a source.
    pub fn file_name(&self) -> Option<&str> {
        self.source.as_deref().map(Excerpt::name)
    }

    /// 1-based line and column of the primary label, if any.
    pub fn line_col(&self) -> Option<(usize, usize)> {
        self.source.as_deref().and_then(Excerpt::line_col)
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for PlanDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for PlanDiagnostic {}

impl miette::Diagnostic for PlanDiagnostic {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        match (&self.source, self.labels.is_empty()) {
            (Some(s), false) => Some(&**s as &dyn SourceCode),
            _ => None,
        }
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let excerpt = self.source.as_deref()?;
        if self.labels.is_empty() {
            return None;
        }
        Some(Box::new(self.labels.iter().enumerate().filter_map(
            move |(i, l)| {
                let span = excerpt.label(i)?;
                let text = (!l.text.is_empty()).then(|| l.text.clone());
                Some(if i == 0 {
                    LabeledSpan::new_primary_with_span(text, span)
                } else {
                    LabeledSpan::new_with_span(text, span)
                })
            },
        )))
    }
}

/// Every finding of one load, in document order (errors and warnings mixed).
#[derive(Debug, Clone, Default)]
pub struct Diagnostics {
    items: Vec<PlanDiagnostic>,
}

impl Diagnostics {
    pub fn new(items: Vec<PlanDiagnostic>) -> Self {
        Diagnostics { items }
    }

    pub fn iter(&self) -> std::slice::Iter<'_, PlanDiagnostic> {
        self.items.iter()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(PlanDiagnostic::is_error)
    }

    pub fn errors(&self) -> impl Iterator<Item = &PlanDiagnostic> {
        self.items.iter().filter(|d| d.is_error())
    }

    pub fn warnings(&self) -> impl Iterator<Item = &PlanDiagnostic> {
        self.items.iter().filter(|d| !d.is_error())
    }

    pub fn into_vec(self) -> Vec<PlanDiagnostic> {
        self.items
    }
}

impl<'a> IntoIterator for &'a Diagnostics {
    type Item = &'a PlanDiagnostic;
    type IntoIter = std::slice::Iter<'a, PlanDiagnostic>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}
