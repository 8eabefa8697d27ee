//! The loading pipeline: bytes → limits and encoding checks → YAML tree with spans → shape check
//! against the generated schema (plus an independent `jsonschema` validation) → wire types →
//! semantic checks → [`Plan`]. Every stage reports all it finds; a later stage runs only on input
//! the earlier ones accepted.

use std::io::Read;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use miette::NamedSource;

use crate::diagnostic::{Diagnostics, PlanDiagnostic, Severity, Source};
use crate::limits::{MAX_BYTES, MAX_DIAGNOSTICS};
use crate::model::Plan;
use crate::node::{Node, NodeValue, Span};
use crate::schema::schema;
use crate::semantic::{Cx, build};
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

/// Reads and loads a plan file. The error holds every finding (errors and warnings).
pub fn load_file(path: &Path, opts: &LoadOptions) -> Result<Loaded, Diagnostics> {
    let name = path.display().to_string();
    let fail = |message: String, help: &str| {
        Err(Diagnostics::new(vec![
            PlanDiagnostic::error("plan::read", message).help(help),
        ]))
    };
    let file = match fs_err::File::open(path) {
        Ok(f) => f,
        Err(e) => {
            return fail(
                e.to_string(),
                "check the path; `migrate validate` reads `plan.yaml` when no file is given",
            );
        }
    };
    let mut bytes = Vec::new();
    if let Err(e) = file.take(MAX_BYTES as u64 + 1).read_to_end(&mut bytes) {
        return fail(
            format!("cannot read `{name}`: {e}"),
            "check that the path is a readable file",
        );
    }
    load_bytes(&name, &bytes, opts)
}

/// Loads a plan from text; `name` is shown in diagnostics.
pub fn load_str(name: &str, text: &str, opts: &LoadOptions) -> Result<Loaded, Diagnostics> {
    load_bytes(name, text.as_bytes(), opts)
}

/// Loads a plan from bytes (checked for size and UTF-8 first); `name` is shown in diagnostics.
pub fn load_bytes(name: &str, bytes: &[u8], opts: &LoadOptions) -> Result<Loaded, Diagnostics> {
    let mut diags = Stage::new(name);
    if bytes.len() > MAX_BYTES {
        return Err(diags.fail(
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
            let lossy = String::from_utf8_lossy(bytes);
            diags.source = source(name, &lossy, &[]);
            return Err(diags.fail(
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
        return Err(diags.fail(
            PlanDiagnostic::error("plan::empty", format!("`{name}` is empty"))
                .help("a plan starts with `version: 1`; see the examples in `plans/`, and `migrate schema` for the format"),
        ));
    }
    diags.source = source(name, text, &[]);
    let tabs = tab_indents(text);
    if !tabs.is_empty() {
        return Err(diags.fail_all(tabs));
    }
    let doc = match yaml::parse(text) {
        Ok(Some(doc)) => doc,
        Ok(None) => {
            return Err(diags.fail(
                PlanDiagnostic::error("plan::empty", format!("`{name}` holds no YAML document"))
                    .help("a plan starts with `version: 1`; see the examples in `plans/`"),
            ));
        }
        Err(errors) => {
            diags.source = source(name, text, &secret_spans_in_text(text));
            return Err(diags.fail_all(errors));
        }
    };
    diags.source = source(name, text, &secret_spans(&doc));
    if let Some(e) = unsupported_version(&doc) {
        return Err(diags.fail(e));
    }
    // The independent validator decides; the shape walker explains what it rejects (and anything
    // it cannot explain is reported as the validator words it).
    let json = doc.to_json();
    let mut found = Vec::new();
    if !validator().is_some_and(|v| v.is_valid(&json)) {
        found = shape::check(schema(), &doc);
        if found.is_empty() {
            found = jsonschema_errors(&json, &doc);
        }
    }
    if !found.is_empty() {
        return Err(diags.fail_all(found));
    }
    let wire: PlanWire = match serde_json::from_value(json) {
        Ok(w) => w,
        Err(e) => {
            // The validator accepts a few values serde does not (`1.0` for an integer): the shape
            // walker, which is strict about them, points at the exact value.
            let found = shape::check(schema(), &doc);
            if !found.is_empty() {
                return Err(diags.fail_all(found));
            }
            return Err(diags.fail(
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
    let all = diags.finish(found);
    match plan {
        Some(plan) if !all.has_errors() => Ok(Loaded {
            plan,
            warnings: all,
        }),
        _ => Err(all),
    }
}

/// Collects findings and attaches the source to each.
struct Stage {
    source: Option<Source>,
}

impl Stage {
    fn new(_name: &str) -> Self {
        Stage { source: None }
    }

    fn fail(&self, d: PlanDiagnostic) -> Diagnostics {
        self.finish(vec![d])
    }

    fn fail_all(&self, ds: Vec<PlanDiagnostic>) -> Diagnostics {
        self.finish(ds)
    }

    fn finish(&self, mut ds: Vec<PlanDiagnostic>) -> Diagnostics {
        ds.sort_by_key(|d| d.labels.first().map_or(0, |l| l.span.start));
        if ds.len() > MAX_DIAGNOSTICS {
            let more = ds.len() - MAX_DIAGNOSTICS;
            ds.truncate(MAX_DIAGNOSTICS);
            ds.push(
                PlanDiagnostic::error("plan::too-many", format!("… and {more} more findings"))
                    .help("fix the ones above and validate again"),
            );
        }
        Diagnostics::new(
            ds.into_iter()
                .map(|d| match &self.source {
                    Some(s) => d.with_source(Arc::clone(s)),
                    None => d,
                })
                .collect(),
        )
    }
}

/// The text diagnostics show, with every secret's bytes replaced by `*` (offsets stay valid).
fn source(name: &str, text: &str, secrets: &[Span]) -> Option<Source> {
    let mut bytes = text.as_bytes().to_vec();
    for s in secrets {
        let end = (s.start + s.len).min(bytes.len());
        for b in bytes.get_mut(s.start.min(end)..end).into_iter().flatten() {
            if *b != b'\n' {
                *b = b'*';
            }
        }
    }
    // Masking whole bytes can split a multi-byte character; lossy conversion keeps it printable.
    let masked = String::from_utf8_lossy(&bytes).into_owned();
    Some(Arc::new(NamedSource::new(name, Arc::<str>::from(masked))))
}

/// Keys whose plain string values are secrets.
const SECRET_KEYS: &[&str] = &[
    "password",
    "key",
    "token",
    "access_key_id",
    "secret_access_key",
    "access_key_secret",
    "security_token",
    "session_token",
];

/// Spans of literal secrets in the document: values of secret keys, and credentials inside URLs.
fn secret_spans(doc: &Node) -> Vec<Span> {
    let mut out = Vec::new();
    let mut stack = vec![doc];
    while let Some(n) = stack.pop() {
        match &n.value {
            NodeValue::Map(entries) => {
                for e in entries {
                    if let NodeValue::Str(s) = &e.value.value {
                        if SECRET_KEYS.contains(&e.key.as_str()) {
                            out.push(e.value.span);
                        } else if let Some(userinfo) = url_userinfo(s) {
                            out.push(Span::new(e.value.span.start + userinfo.0, userinfo.1));
                        }
                    }
                    stack.push(&e.value);
                }
            }
            NodeValue::Seq(items) => stack.extend(items.iter()),
            _ => {}
        }
    }
    out
}

/// The same, line by line, for text that did not parse: `password: x`-style lines and URL userinfo.
fn secret_spans_in_text(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        for key in SECRET_KEYS {
            let pat = format!("{key}:");
            if let Some(i) = body.find(&pat) {
                let start = i + pat.len();
                out.push(Span::new(offset + start, body.len() - start));
            }
        }
        if let Some((s, l)) = url_userinfo(body) {
            out.push(Span::new(offset + s, l));
        }
        offset += line.len();
    }
    out
}

/// Offset and length of `user:pass` in `scheme://user:pass@host`.
fn url_userinfo(s: &str) -> Option<(usize, usize)> {
    let start = s.find("://")? + 3;
    let rest = &s[start..];
    let end = rest.find(['/', ' ', '"', '\'']).unwrap_or(rest.len());
    let at = rest[..end].rfind('@')?;
    Some((start, at))
}

/// Tabs in indentation: YAML forbids them, and the parser's own message is obscure.
fn tab_indents(text: &str) -> Vec<PlanDiagnostic> {
    let mut out = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
        if let Some(i) = line[..indent].find('\t') {
            out.push(
                PlanDiagnostic::error("plan::tab", "tab character in indentation")
                    .label(Span::new(offset + i, 1), "tab")
                    .help("YAML indentation must use spaces: replace the tab with spaces"),
            );
        }
        offset += line.len();
    }
    out
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
fn jsonschema_errors(json: &serde_json::Value, doc: &Node) -> Vec<PlanDiagnostic> {
    let Some(v) = validator() else {
        return vec![
            PlanDiagnostic::error("plan::schema", "the plan schema failed to compile")
                .help("this is a bug in migrate; please report it"),
        ];
    };
    v.iter_errors(json)
        .map(|e| {
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
        })
        .collect()
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
        let found = jsonschema_errors(&doc.to_json(), &doc);
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
