//! The compatibility lint of `plan --refresh`: the hook the full lint (`migrate lint`) plugs into.
//! [`SourceLint`] is what refresh calls with each source index's live settings and mappings;
//! [`TranslatorLint`] is the minimal implementation: `migrate_translate::Translator` over both,
//! counting its warnings and errors.

use migrate_graph::render::LiveLint;
use migrate_translate::{ObjectKind, Options, Severity, Target, Translator};
use serde_json::Value;

/// One source index's live metadata, as `GET /{index}/_settings` and `_mapping` return it.
pub struct IndexMetadata<'a> {
    pub index: &'a str,
    pub settings: &'a Value,
    pub mappings: &'a Value,
}

/// Lints live source metadata for a destination version.
pub trait SourceLint {
    /// The name shown in the report.
    fn name(&self) -> &'static str;
    /// One line per finding (`index: severity rule at pointer: message`).
    fn lint(&self, index: &IndexMetadata<'_>) -> Vec<String>;
}

/// `Translator` over settings and mappings; info findings are left out.
pub struct TranslatorLint {
    translator: Translator,
}

impl TranslatorLint {
    /// `None` when either version is unknown (Serverless, or an unreadable version string).
    pub fn new(source: Option<&str>, destination: Option<&str>) -> Option<Self> {
        let source = Target::parse(source?).ok()?;
        let destination = Target::parse(destination?).ok()?;
        Some(TranslatorLint {
            translator: Translator::new(source, destination, Options::default()),
        })
    }
}

impl SourceLint for TranslatorLint {
    fn name(&self) -> &'static str {
        "translator"
    }

    fn lint(&self, index: &IndexMetadata<'_>) -> Vec<String> {
        let mut out = Vec::new();
        for (kind, object) in [
            (ObjectKind::Settings, index.settings),
            (ObjectKind::Mappings, index.mappings),
        ] {
            for f in self.translator.translate(kind, object).findings {
                if f.severity == Severity::Info {
                    continue;
                }
                out.push(format!(
                    "{}: {:?} {} at `{}`: {}",
                    index.index, f.severity, f.rule, f.path, f.message
                ));
            }
        }
        out
    }
}

/// Runs `lint` over every index's metadata.
pub fn run(lint: Option<&dyn SourceLint>, indexes: &[(String, Value, Value)]) -> LiveLint {
    let Some(lint) = lint else {
        return LiveLint {
            linter: "none".into(),
            findings: 0,
            lines: vec!["not run: a cluster's version is unknown".into()],
        };
    };
    let mut lines = Vec::new();
    for (name, settings, mappings) in indexes {
        lines.extend(lint.lint(&IndexMetadata {
            index: name,
            settings,
            mappings,
        }));
    }
    LiveLint {
        linter: lint.name().into(),
        findings: lines.len(),
        lines,
    }
}
