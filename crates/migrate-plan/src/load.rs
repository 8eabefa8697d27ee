//! The loading pipeline: a regular file of bounded size (read without blocking) → size and
//! encoding checks → control characters and tabs → YAML tree with spans → shape check against the
//! generated schema (plus an independent `jsonschema` validation) → wire types → semantic checks →
//! [`Plan`]. Every stage reports all it finds (up to [`MAX_DIAGNOSTICS`], then a count of the
//! rest); a later stage runs only on input the earlier ones accepted.
//!
//! Every finding is shown against the text with its literal secrets blanked (`secrets.rs`): found
//! exactly in the parsed document, or conservatively line by line when the text did not parse. Each
//! finding carries a small excerpt of that text (`excerpt.rs`), so showing findings costs time
//! linear in the file whatever its shape.

use std::path::Path;
use std::sync::OnceLock;

use migrate_input::ReadError;

use crate::diagnostic::{Diagnostics, PlanDiagnostic, Severity};
use crate::excerpt::Shown;
use crate::limits::{MAX_BYTES, MAX_DIAGNOSTICS};
use crate::model::Plan;
use crate::node::{Node, NodeValue, Span};
use crate::schema::schema;
use crate::secrets::{self, Secrets};
use crate::semantic::{Cx, build};
use crate::text::{self, Found};
use crate::wire::PlanWire;
use crate::{shape, yaml};

/// How strictly to load.
#[derive(Debug, Clone, Copy, Default)]
pub struct LoadOptions {
    /// Treat warnings (literal secrets, insecure TLS, …) as errors.
    pub strict: bool,
}

/// A plan that passed every check, with the warnings found on the way.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub plan: Plan,
    pub warnings: Diagnostics,
}

/// Reads and loads a plan file: a regular file of at most [`MAX_BYTES`] (a FIFO, a device or a
/// directory is refused without waiting or reading). The error holds every finding (errors and
/// warnings).
pub fn load_file(path: &Path, opts: &LoadOptions) -> Result<Loaded, Diagnostics> {
    match migrate_input::read_limited(path, MAX_BYTES as u64) {
        Ok(bytes) => load_bytes(&path.display().to_string(), &bytes, opts),
        Err(e) => Err(Diagnostics::new(vec![read_error(&e)])),
    }
}

/// A plan file that could not be read, said as the operator needs it.
fn read_error(e: &ReadError) -> PlanDiagnostic {
    let help = match e {
        ReadError::NotAFile { .. } => {
            "give the path of the plan file itself: a plan is read whole, so pipes, devices and directories are refused"
        }
        ReadError::TooLarge { .. } => {
            "a plan is a few kilobytes; check that this is the right file"
        }
        ReadError::Io {
            kind: std::io::ErrorKind::NotFound,
            ..
        } => "check the path; `migrate validate` reads `plan.yaml` when no file is given",
        ReadError::NotText { .. } | ReadError::Io { .. } => {
            "check that the path is a readable file"
        }
    };
    let code = match e {
        ReadError::TooLarge { .. } => "plan::limit",
        _ => "plan::read",
    };
    PlanDiagnostic::error(code, e.to_string()).help(help)
}

/// Loads a plan from text; `name` is shown in diagnostics.
pub fn load_str(name: &str, text: &str, opts: &LoadOptions) -> Result<Loaded, Diagnostics> {
    load_bytes(name, text.as_bytes(), opts)
}

/// Loads a plan from bytes (checked for size and UTF-8 first); `name` is shown in diagnostics.
pub fn load_bytes(name: &str, bytes: &[u8], opts: &LoadOptions) -> Result<Loaded, Diagnostics> {
    let mut stage = Stage::new(name);
    if bytes.len() > MAX_BYTES {
        return Err(stage.fail(
            PlanDiagnostic::error(
                "plan::limit",
                format!("`{name}` is larger than {} MiB", MAX_BYTES / (1024 * 1024)),
            )
            .help("a plan is a few kilobytes; check that this is the right file"),
        ));
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let at = e.valid_up_to();
            // Offsets up to the first bad byte are the same in the lossy text.
            let lossy = String::from_utf8_lossy(bytes);
            stage.show_text(&lossy);
            return Err(stage.fail(
                PlanDiagnostic::error(
                    "plan::encoding",
                    format!("`{name}` is not valid UTF-8 (byte 0x{:02x})", bytes[at]),
                )
                .label(Span::new(at, 1), "not UTF-8")
                .help("save the plan as UTF-8 text"),
            ));
        }
    };
    if text.trim_start_matches('\u{feff}').trim().is_empty() {
        return Err(stage.fail(
            PlanDiagnostic::error("plan::empty", format!("`{name}` is empty"))
                .help("a plan starts with `version: 1`; see the examples in `plans/`, and `migrate schema` for the format"),
        ));
    }
    for check in [text::control_chars, text::tab_indents] {
        let found = check(text);
        if !found.is_empty() {
            stage.show_text(text);
            return Err(stage.finish(found));
        }
    }
    let doc = match yaml::parse(text) {
        Ok(Some(doc)) => doc,
        Ok(None) => {
            return Err(stage.fail(
                PlanDiagnostic::error("plan::empty", format!("`{name}` holds no YAML document"))
                    .help("a plan starts with `version: 1`; see the examples in `plans/`"),
            ));
        }
        Err(errors) => {
            stage.show_text(text);
            return Err(stage.finish(errors));
        }
    };
    stage.show(text, secrets::in_document(&doc, text));
    if let Some(e) = unsupported_version(&doc) {
        return Err(stage.fail(e));
    }
    // The independent validator decides; the shape walker explains what it rejects (and anything
    // it cannot explain is reported as the validator words it).
    let json = doc.to_json();
    let mut found = Found::default();
    if !validator().is_some_and(|v| v.is_valid(&json)) {
        found = shape::check(schema(), &doc);
        if found.is_empty() {
            found = jsonschema_errors(&json, &doc);
        }
    }
    if !found.is_empty() {
        return Err(stage.finish(found));
    }
    let wire: PlanWire = match serde_json::from_value(json) {
        Ok(w) => w,
        Err(e) => {
            // The validator accepts a few values serde does not (`1.0` for an integer): the shape
            // walker, which is strict about them, points at the exact value.
            let found = shape::check(schema(), &doc);
            if !found.is_empty() {
                return Err(stage.finish(found));
            }
            return Err(stage.fail(
                PlanDiagnostic::error(
                    "plan::schema",
                    format!("the plan does not match its format: {e}"),
                )
                .label(doc.span, "in this document")
                .help("compare it with `migrate schema` and the examples in `plans/`"),
            ));
        }
    };
    let mut cx = Cx::new(&doc);
    let plan = build(&wire, &mut cx);
    let mut found = cx.diags;
    for d in &mut found {
        if d.severity == Severity::Warning {
            let help = d.help.take().unwrap_or_default();
            d.help = Some(if opts.strict {
                d.severity = Severity::Error;
                format!("{help} (an error because of `--strict`)")
            } else {
                format!("{help} (an error under `--strict`)")
            });
        }
    }
    let all = stage.finish(Found {
        items: found,
        more: 0,
    });
    match plan {
        Some(plan) if !all.has_errors() => Ok(Loaded {
            plan,
            warnings: all,
        }),
        _ => Err(all),
    }
}

/// Collects findings and shows each against the plan's text with its secrets blanked.
struct Stage {
    name: String,
    shown: Option<Shown>,
    secrets: Secrets,
}

impl Stage {
    fn new(name: &str) -> Self {
        Stage {
            name: name.to_owned(),
            shown: None,
            secrets: Secrets::default(),
        }
    }

    /// Shows `text` with the secrets found in it.
    fn show(&mut self, text: &str, secrets: Secrets) {
        self.shown = Some(Shown::new(
            &self.name,
            secrets::masked(text, &secrets.spans),
        ));
        self.secrets = secrets;
    }

    /// Shows text that did not parse, with its secrets found line by line.
    fn show_text(&mut self, text: &str) {
        self.show(text, secrets::in_text(text));
    }

    fn fail(&self, d: PlanDiagnostic) -> Diagnostics {
        self.finish(Found {
            items: vec![d],
            more: 0,
        })
    }

    /// In document order, at most [`MAX_DIAGNOSTICS`] and a count of the rest; secret values
    /// scrubbed from every text; each with its excerpt.
    fn finish(&self, found: Found) -> Diagnostics {
        let Found {
            items: mut ds,
            mut more,
        } = found;
        ds.sort_by_key(|d| d.labels.first().map_or(0, |l| l.span.start));
        if ds.len() > MAX_DIAGNOSTICS {
            more += ds.len() - MAX_DIAGNOSTICS;
            ds.truncate(MAX_DIAGNOSTICS);
        }
        if more > 0 {
            ds.push(
                PlanDiagnostic::error(
                    "plan::too-many",
                    format!("… and {more} more findings, not shown"),
                )
                .help("fix the ones above and validate again"),
            );
        }
        let scrubber = (!self.secrets.spans.is_empty()).then(|| self.secrets.scrubber());
        Diagnostics::new(
            ds.into_iter()
                .map(|mut d| {
                    if let Some(s) = &scrubber {
                        d.message = s.scrub(&d.message);
                        d.help = d.help.map(|h| s.scrub(&h));
                        for l in &mut d.labels {
                            l.text = s.scrub(&l.text);
                        }
                    }
                    match &self.shown {
                        Some(s) if !d.labels.is_empty() => {
                            let excerpt = s.excerpt(&d.labels);
                            d.with_excerpt(excerpt)
                        }
                        _ => d,
                    }
                })
                .collect(),
        )
    }
}

/// A `version` other than 1: reported alone, since the rest of the file may follow another format.
fn unsupported_version(doc: &Node) -> Option<PlanDiagnostic> {
    let e = doc.get("version")?;
    match e.value.value {
        NodeValue::Int(1) => None,
        NodeValue::Int(v) => Some(
            PlanDiagnostic::error("plan::unsupported-plan-version", format!("plan format version {v} is not supported"))
                .label(e.value.span, "unsupported version")
                .help("this migrate reads plan format version 1: write `version: 1` (a newer migrate may read newer plans)"),
        ),
        _ => None,
    }
}

fn validator() -> Option<&'static jsonschema::Validator> {
    static VALIDATOR: OnceLock<Option<jsonschema::Validator>> = OnceLock::new();
    VALIDATOR
        .get_or_init(|| jsonschema::validator_for(schema()).ok())
        .as_ref()
}

/// Independent validation with the `jsonschema` crate, for anything the shape walker let through.
fn jsonschema_errors(json: &serde_json::Value, doc: &Node) -> Found {
    let mut found = Found::default();
    let Some(v) = validator() else {
        found.push(|| {
            PlanDiagnostic::error("plan::schema", "the plan schema failed to compile")
                .help("this is a bug in migrate; please report it")
        });
        return found;
    };
    for e in v.iter_errors(json) {
        found.push(|| {
            let path: Vec<String> = e
                .instance_path()
                .as_str()
                .split('/')
                .skip(1)
                .map(|s| s.replace("~1", "/").replace("~0", "~"))
                .collect();
            let mut segs: Vec<crate::node::Seg<'_>> = Vec::with_capacity(path.len());
            for s in &path {
                let at = doc.find_nearest(&segs).node;
                match (&at.value, s.parse::<usize>()) {
                    (NodeValue::Seq(_), Ok(i)) => segs.push(crate::node::Seg::Index(i)),
                    _ => segs.push(crate::node::Seg::Key(s)),
                }
            }
            let place = doc.find_nearest(&segs);
            let shown = if path.is_empty() {
                "the plan".to_owned()
            } else {
                format!("`{}`", path.join("."))
            };
            PlanDiagnostic::error("plan::schema", format!("{shown}: {e}"))
                .label(place.value_span(), "does not match the schema")
                .help("compare it with `migrate schema` and the examples in `plans/`")
        });
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jsonschema_findings_point_at_the_instance_path() {
        // The fallback used when the shape walker cannot explain a rejection: it must still land
        // on the offending key, through list indexes and map keys.
        let text = "version: 1\nindexes:\n  - a\n  - { name: b, bogus: 1 }\n";
        let doc = yaml::parse(text).expect("parses").expect("document");
        let found = jsonschema_errors(&doc.to_json(), &doc).items;
        let bogus = found
            .iter()
            .find(|d| d.message.starts_with("`indexes.1`"))
            .expect("a finding for the second entry");
        let span = bogus.labels[0].span;
        assert_eq!(&text[span.start..span.start + 1], "{");
        assert!(
            found
                .iter()
                .any(|d| d.message.contains("\"name\" is a required property"))
        );
    }
}
