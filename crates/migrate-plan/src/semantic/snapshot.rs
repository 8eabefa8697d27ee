//! The snapshot strategy: repository names and the stores (checked by the store registry).

use migrate_core::Store;

use super::reindex::copy_settings;
use super::until::{Measures, until};
use super::{Cx, Path};
use crate::model::*;
use crate::wire::*;

pub(super) fn snapshot(w: &SnapshotWire, p: &Path, cx: &mut Cx<'_>) -> Option<SnapshotStrategy> {
    repository_name(&w.repository, &p.k("repository"), cx);
    if let Some(d) = &w.destination_repository {
        repository_name(d, &p.k("destination_repository"), cx);
    }
    let source_store = store(&w.source_store, &p.k("source_store"), cx);
    let destination_store = w
        .destination_store
        .as_ref()
        .map(|s| store(s, &p.k("destination_store"), cx));
    let copy_settings = copy_settings(w.copy_settings.as_ref());
    let rounds_until = until(
        &w.incremental_rounds,
        p,
        "incremental_rounds",
        Measures::Rounds,
        cx,
    )
    .ok()?;
    Some(SnapshotStrategy {
        repository: w.repository.clone(),
        destination_repository: w
            .destination_repository
            .clone()
            .unwrap_or_else(|| w.repository.clone()),
        source_store: source_store?,
        destination_store: match destination_store {
            None => None,
            Some(s) => Some(s?),
        },
        incremental_rounds: w.incremental_rounds.max(),
        rounds_until,
        index_settings: w.index_settings.clone(),
        copy_settings,
    })
}

pub(super) fn repository_name(name: &str, p: &Path, cx: &mut Cx<'_>) {
    let span = cx.value(p);
    if name.is_empty()
        || name
            .chars()
            .any(|c| c.is_whitespace() || r#"\/"<>|,*?#"#.contains(c))
        || name.starts_with('_')
    {
        cx.error(
            "plan::repository",
            format!("`{name}` is not a valid snapshot repository name"),
            span,
            "invalid repository name",
            "use letters, digits, `-` and `_`, e.g. `migration-repo`".into(),
        );
    } else if name.starts_with("cs-") {
        cx.error(
            "plan::repository",
            format!("repository name `{name}` starts with `cs-`"),
            span,
            "reserved prefix",
            "Amazon OpenSearch Service keeps its automated snapshots in `cs-*` repositories; choose another name".into(),
        );
    }
}

/// A store is checked by its kind (`migrate_core::store`): findings become diagnostics at the
/// field they name, and every secret is checked like any other.
pub(super) fn store(w: &Store, p: &Path, cx: &mut Cx<'_>) -> Option<Store> {
    let kp = p.k(w.repository_type());
    let mut ok = true;
    for f in w.checks() {
        let mut at = kp.clone();
        for seg in &f.path {
            at = at.k(seg);
        }
        let span = if f.at_key { cx.key(&at) } else { cx.value(&at) };
        let message = if f.label == "empty" {
            format!("`{}` is empty", at.display())
        } else {
            f.message
        };
        cx.error(f.code, message, span, f.label, f.help);
        ok = false;
    }
    for (field, r) in w.secrets() {
        let mut at = kp.clone();
        for seg in field.split('.') {
            at = at.k(seg);
        }
        ok &= super::cluster::secret(r, &at, cx).is_some();
    }
    ok.then(|| w.clone())
}
