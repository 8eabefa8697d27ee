//! The index entries: names and patterns valid as Elasticsearch index names, renames, excludes.

use std::collections::HashMap;

use super::{Cx, Path};
use crate::diagnostic::PlanDiagnostic;
use crate::model::is_pattern;
use crate::model::*;
use crate::wire::*;

pub(super) fn indexes(entries: &[IndexEntryWire], p: &Path, cx: &mut Cx<'_>) -> Vec<IndexSelector> {
    let mut out = Vec::with_capacity(entries.len());
    let mut sources: HashMap<&str, usize> = HashMap::with_capacity(entries.len());
    let mut destinations: HashMap<&str, usize> = HashMap::with_capacity(entries.len());
    for (i, e) in entries.iter().enumerate() {
        // Paths (for spans) are built only when there is something to report.
        let ep = || p.i(i);
        let (name, rename, exclude, detailed) = match e {
            IndexEntryWire::Name(n) => (n, None, &[][..], false),
            IndexEntryWire::Detailed(d) => (&d.name, d.destination.as_ref(), &d.exclude[..], true),
        };
        let name_path = || if detailed { ep().k("name") } else { ep() };
        if !index_name_ok(name, name_path, cx) {
            continue;
        }
        let pattern = is_pattern(name);
        if pattern && sweeps_system_indexes(name) && !exclude.iter().any(|x| x == ".*") {
            let span = cx.value(&name_path());
            let help = if name.starts_with('.') {
                "system indexes are only migrated when named explicitly: list them one by one (e.g. `.kibana`)".to_owned()
            } else {
                format!(
                    "name the indexes or use a narrower pattern (e.g. `logs-*`); to keep `{name}`, leave system indexes out: `{{ name: \"{name}\", exclude: [\".*\"] }}`"
                )
            };
            cx.error(
                "plan::system-indexes",
                format!("index pattern `{name}` would also match system indexes (names starting with `.`)"),
                span,
                "matches system indexes",
                help,
            );
        }
        if let (true, Some(_)) = (pattern, rename) {
            let span = cx.value(&ep().k("destination"));
            cx.error(
                "plan::rename-pattern",
                format!("the pattern `{name}` cannot be renamed"),
                span,
                "rename of a pattern",
                "`destination` renames one index: list the indexes by name to rename them".into(),
            );
        }
        if !pattern && !exclude.is_empty() {
            let span = cx.key(&ep().k("exclude"));
            cx.error(
                "plan::exclude-name",
                format!("`exclude` only applies to patterns, and `{name}` is a name"),
                span,
                "nothing to exclude from",
                "remove `exclude`, or make `name` a pattern such as `logs-*`".into(),
            );
        }
        if let Some(r) = rename {
            index_name_ok(r, || ep().k("destination"), cx);
        }
        for (j, x) in exclude.iter().enumerate() {
            index_name_ok(x, || ep().k("exclude").i(j), cx);
        }
        if let Some(&first) = sources.get(name.as_str()) {
            let span = cx.value(&name_path());
            let first_span = cx.value(&first_name_path(entries, p, first));
            cx.diags.push(
                PlanDiagnostic::error(
                    "plan::duplicate-index",
                    format!("index `{name}` is listed twice"),
                )
                .label(span, "listed again here")
                .label(first_span, "first listed here")
                .help("list each index once"),
            );
            continue;
        }
        sources.insert(name, i);
        let dest: &str = rename.map_or(name.as_str(), String::as_str);
        if let Some(&first) = destinations.get(dest) {
            let span = cx.value(&name_path());
            cx.error(
                "plan::duplicate-index",
                format!("two entries would write destination index `{dest}`"),
                span,
                "same destination as an earlier entry",
                format!(
                    "entry {first} already writes `{dest}`; rename one of them with `destination`"
                ),
            );
            continue;
        }
        destinations.insert(dest, i);
        out.push(IndexSelector {
            source: name.clone(),
            rename: rename.filter(|r| *r != name).cloned(),
            exclude: exclude.to_vec(),
        });
    }
    out
}

fn first_name_path(entries: &[IndexEntryWire], p: &Path, i: usize) -> Path {
    match entries.get(i) {
        Some(IndexEntryWire::Detailed(_)) => p.i(i).k("name"),
        _ => p.i(i),
    }
}

/// A pattern that starts with a wildcard (or is `.` followed by one) matches dot-prefixed indexes.
fn sweeps_system_indexes(pattern: &str) -> bool {
    let first = pattern.chars().next();
    matches!(first, Some('*' | '?'))
        || (first == Some('.') && matches!(pattern.chars().nth(1), Some('*' | '?')))
}

/// Elasticsearch index-name rules (wildcards allowed): lowercase, none of `\ / " < > | , # :` or spaces.
fn index_name_ok(name: &str, p: impl FnOnce() -> Path, cx: &mut Cx<'_>) -> bool {
    let bad = if name.is_empty() {
        Some("it is empty".to_owned())
    } else if name.chars().any(|c| c.is_uppercase()) {
        Some("index names are lowercase".to_owned())
    } else if let Some(c) = name.chars().find(|c| r#"\/"<>|,#: "#.contains(*c)) {
        Some(format!("`{c}` is not allowed in index names"))
    } else if name.starts_with(['-', '_', '+']) {
        Some("index names cannot start with `-`, `_` or `+`".to_owned())
    } else if name == "." || name == ".." {
        Some("`.` and `..` are not index names".to_owned())
    } else {
        None
    };
    match bad {
        Some(why) => {
            let span = cx.value(&p());
            cx.error(
                "plan::index-name",
                format!("`{name}` is not a valid index name: {why}"),
                span,
                "invalid index name",
                "use lowercase letters, digits, `-`, `_` and `.`; `*` and `?` make a pattern"
                    .into(),
            );
            false
        }
        None => true,
    }
}
