//! What the pass-strategy end-to-end modules share (`reconcile_deletes`, `update_field_unit`,
//! `must_show`): a reindex or copy plan of `movies` with one incremental pass on `updated_at`
//! stopping at the gate, its sandbox pair, and the verification row of `movies`.

use std::path::Path;

use migrate_sandbox::Flavor;

use super::{Cluster, Pair, clusters};

/// A `reindex` or `copy` plan named `<name>-<strategy>` for `movies`, `extra` lines appended to
/// the strategy, cutover not approved.
pub fn pass_plan(
    name: &str,
    strategy: &str,
    source: &Cluster,
    destination: &Cluster,
    extra: &str,
) -> String {
    let body = match strategy {
        "copy" => format!(
            "strategy:\n  copy:\n    slices: 2\n    batch_size: 1000\n    update_field: updated_at\n    incremental_passes: 1\n{extra}"
        ),
        _ => format!(
            "strategy:\n  reindex:\n    remote_host: {}\n    batch_size: 1000\n    update_field: updated_at\n    incremental_passes: 1\n{extra}",
            source.url
        ),
    };
    format!(
        "version: 1\nname: {name}-{strategy}\nsource: {{ url: \"{}\" }}\ndestination: {{ url: \"{}\" }}\n\
         indexes: [movies]\n{body}\
         cutover: {{ approved: false, block_source_writes: true }}\n",
        source.url, destination.url
    )
}

/// Elasticsearch `source` into Elasticsearch 7.17 (reindex) or OpenSearch 2.11 (copy).
pub async fn pass_pair(strategy: &str, source: &'static str, work: &Path) -> (Cluster, Cluster) {
    clusters(
        Pair {
            source: (Flavor::Elasticsearch, source),
            destination: match strategy {
                "copy" => (Flavor::OpenSearch, "2.11.0"),
                _ => (Flavor::Elasticsearch, "7.17.20"),
            },
            source_auth: None,
            snapshot_dirs: false,
        },
        work,
    )
    .await
}

/// Whether the verification row of `movies` ends with `result`.
pub fn movies_row_says(t: &str, result: &str) -> bool {
    t.lines()
        .any(|l| l.starts_with("movies ") && l.trim_end().ends_with(result))
}
