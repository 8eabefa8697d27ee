//! The compatibility lint as the commands share it: where a plan's capture lives (the local state
//! directory, `<plan>.lint.json`), reading it, and the one report `migrate lint`, `migrate plan
//! --dry-run` and `migrate validate` show. Collecting a capture from the source is [`collect`].

pub mod collect;

use std::path::{Path, PathBuf};

use migrate_plan::Plan;
use migrate_translate::lint::{Capture, LintReport};
use migrate_translate::{MultiType, Options, Severity, Target};

pub use collect::collect;

/// The largest capture file read back (the metadata of thousands of indexes fits well within).
const MAX_CAPTURE_BYTES: u64 = 512 * 1024 * 1024;

/// Where the capture of `plan` lives: `<state dir>/<plan>.lint.json`, the state directory being
/// the one `apply` uses (`--state`, the plan's `settings.state`, `.migrate/` next to the plan; for
/// a state in an object store, `.migrate/` next to the plan).
pub fn capture_path(plan_path: &Path, plan: &Plan, state_flag: Option<&str>) -> PathBuf {
    let arg = crate::cmd::state_store::StateArg {
        location: state_flag.map(str::to_owned),
    };
    let dir = crate::cmd::apply::local_state_dir(plan_path, plan, &arg).unwrap_or_else(|| {
        plan_path
            .parent()
            .map_or_else(|| PathBuf::from(".migrate"), |d| d.join(".migrate"))
    });
    dir.join(format!("{}.lint.json", plan.name))
}

/// `path` as shown: relative to the plan's directory when it is under it (outputs stay the same
/// wherever the plan is checked out), else as it is.
fn shown(plan_path: &Path, path: &Path) -> String {
    plan_path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .and_then(|d| path.strip_prefix(d).ok())
        .unwrap_or(path)
        .display()
        .to_string()
}

/// The capture at `path`, `None` when there is none; a file that cannot be read is an error.
pub fn read_capture(path: &Path) -> Result<Option<Capture>, String> {
    if !path.exists() {
        return Ok(None);
    }
    let text = migrate_input::read_text_limited(path, MAX_CAPTURE_BYTES).map_err(|e| {
        format!(
            "cannot read the lint capture `{}`: {}",
            path.display(),
            e.reason()
        )
    })?;
    Capture::from_json(&text)
        .map(Some)
        .map_err(|e| format!("the lint capture `{}`: {e}", path.display()))
}

/// A declared version as the translation table reads it.
fn target(release: Option<&migrate_core::Release>) -> Option<Target> {
    release.and_then(|r| Target::parse(&r.to_string()).ok())
}

/// The plan's choices for the translation (`settings.translate`).
pub fn options(plan: &Plan) -> Options {
    let t = &plan.settings.translate;
    Options {
        multi_type: match t.multi_type {
            migrate_plan::MultiType::Refuse => MultiType::Refuse,
            migrate_plan::MultiType::Union => MultiType::Union,
            migrate_plan::MultiType::Split => MultiType::Split,
        },
        keep_allocation: t.keep_allocation,
        string_keyword_subfield: t.string_keyword_subfield,
        join_field: t.join_field.clone(),
    }
}

/// The report for `plan`: its capture translated for the destination when a capture exists,
/// otherwise the rules its version pair will be checked against and how to get the findings.
pub fn report(
    plan_path: &Path,
    plan: &Plan,
    state_flag: Option<&str>,
) -> Result<LintReport, String> {
    let path = capture_path(plan_path, plan, state_flag);
    let declared_source = target(plan.source.version.as_ref());
    let declared_destination = target(plan.destination.version.as_ref());
    let Some(capture) = read_capture(&path)? else {
        return Ok(LintReport::pending(
            declared_source,
            declared_destination,
            format!(
                "no capture at `{}` (next to the plan): run `migrate lint` on this plan to read the source's metadata (read-only) and check every index and object",
                shown(plan_path, &path)
            ),
        ));
    };
    let Some(destination) = declared_destination.or(capture.destination) else {
        return Ok(LintReport::pending(
            Some(capture.cluster.version),
            None,
            "the destination's version is unknown: declare `destination.version` in the plan, or run `migrate lint` again to ask the destination".into(),
        ));
    };
    let mut report = LintReport::from_capture(
        &capture,
        &shown(plan_path, &path),
        destination,
        &options(plan),
    );
    if let Some(declared) = declared_source
        && declared != capture.cluster.version
    {
        report.note = Some(format!(
            "the plan declares the source as {declared}, the capture was read from {}: run `migrate lint` again if the source changed",
            capture.cluster.version
        ));
    }
    Ok(report)
}

/// The lint of `plan --refresh`: the capture just read from the source (`collect`), translated for
/// the plan's destination version (else the one the destination answered with, `live_destination`);
/// a source that could not be read leaves the lint pending with the reason.
pub fn live_report(
    plan: &Plan,
    capture: Result<migrate_translate::lint::Capture, String>,
    live_destination: Option<&str>,
) -> LintReport {
    let declared_source = target(plan.source.version.as_ref());
    let declared_destination = target(plan.destination.version.as_ref());
    let capture = match capture {
        Ok(c) => c,
        Err(e) => {
            return LintReport::pending(
                declared_source,
                declared_destination,
                format!("the source's metadata could not be read for the lint: {e}"),
            );
        }
    };
    let live_destination = live_destination.and_then(|v| Target::parse(v).ok());
    match declared_destination
        .or(capture.destination)
        .or(live_destination)
    {
        Some(destination) => LintReport::from_capture(
            &capture,
            "the source, read now",
            destination,
            &options(plan),
        ),
        None => LintReport::pending(
            Some(capture.cluster.version),
            None,
            "the destination's version is unknown: declare `destination.version` in the plan"
                .into(),
        ),
    }
}

/// Prints every error (and, with `strict`, every warning) to stderr, naming the object and the
/// rule, and says how to go on; returns whether the lint fails.
pub fn print_failures(report: &LintReport, strict: bool) -> bool {
    let least = if strict {
        Severity::Warning
    } else {
        Severity::Error
    };
    for (item, f) in report.at_least(least) {
        let at = if f.path.is_empty() { "/" } else { &f.path };
        let what = if f.severity == Severity::Error {
            "error"
        } else {
            "warning"
        };
        eprintln!(
            "{what}: {} `{}`: rule `{}` at {at}: {}",
            item.kind, item.name, f.rule, f.message
        );
    }
    let fails = report.fails(strict);
    if fails {
        eprintln!(
            "help: the lint found what the destination cannot take as is (see docs/translation.md for each rule); change the source or the plan, then run `migrate lint` again"
        );
    }
    fails
}
