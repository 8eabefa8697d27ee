//! The metadata columns of the report: mappings, settings and aliases of the destination against
//! what the engine intended to create. The comparison itself is `migrate_translate::compare` (one
//! place decides what "equal" means for metadata: server-set settings, defaults, implied
//! `type: object`, scalars as text); this module leaves out the keys the caller ignores and names
//! each difference by its path.

use migrate_translate::{Difference, ObjectKind};
use serde_json::Value;

use crate::report::MetaCheck;

/// Keys to leave out of a comparison, matched against the difference's path in dotted form
/// (`index.refresh_interval`, `properties.title.type`): exact paths, or prefixes ending in `.` or
/// `.*` (`index.version.`, `index.routing.allocation.*`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyFilter {
    exact: Vec<String>,
    prefixes: Vec<String>,
}

impl KeyFilter {
    pub fn new<S: AsRef<str>>(patterns: impl IntoIterator<Item = S>) -> KeyFilter {
        let mut f = KeyFilter::default();
        for p in patterns {
            let p = p.as_ref();
            match p.strip_suffix('*') {
                Some(prefix) => f.prefixes.push(prefix.to_owned()),
                None if p.ends_with('.') => f.prefixes.push(p.to_owned()),
                None => f.exact.push(p.to_owned()),
            }
        }
        f
    }

    pub fn ignores(&self, key: &str) -> bool {
        self.exact.iter().any(|e| e == key) || self.prefixes.iter().any(|p| key.starts_with(p))
    }
}

/// A JSON pointer as a dotted path: `/properties/title/type` → `properties.title.type`,
/// `/index.refresh_interval` → `index.refresh_interval`, `/a~1b` → `a/b`.
pub fn dotted(pointer: &str) -> String {
    pointer
        .strip_prefix('/')
        .unwrap_or(pointer)
        .split('/')
        .map(|seg| seg.replace("~1", "/").replace("~0", "~"))
        .collect::<Vec<_>>()
        .join(".")
}

/// `` `properties.title.type`: `keyword` intended, `text` on the destination ``.
pub fn describe(d: &Difference) -> String {
    let show = |v: &Option<Value>| match v {
        None => "absent".to_owned(),
        Some(Value::String(s)) => format!("`{s}`"),
        Some(v) => format!("`{v}`"),
    };
    format!(
        "`{}`: {} intended, {} on the destination",
        dotted(&d.path),
        show(&d.translated),
        show(&d.existing)
    )
}

/// The differences between `intended` and `actual` of one kind (`Mappings`, `Settings`,
/// `Aliases`), without the paths `ignore` names.
pub fn differences(
    kind: ObjectKind,
    intended: &Value,
    actual: &Value,
    ignore: &KeyFilter,
) -> Vec<Difference> {
    let mut diffs = migrate_translate::compare(kind, intended, actual);
    diffs.retain(|d| !ignore.ignores(&dotted(&d.path)));
    diffs
}

/// One report column: the differences, the first `examples` of them described.
pub fn check(
    kind: ObjectKind,
    intended: &Value,
    actual: &Value,
    ignore: &KeyFilter,
    examples: usize,
) -> MetaCheck {
    let diffs = differences(kind, intended, actual, ignore);
    if diffs.is_empty() {
        return MetaCheck::Same;
    }
    MetaCheck::Differs {
        count: diffs.len(),
        examples: diffs.iter().take(examples).map(describe).collect(),
    }
}
