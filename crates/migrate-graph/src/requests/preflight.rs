//! `check-versions` and `check-remote-allowlist`: read-only requests, several of them once per index
//! or entry (slots in the preview).

use migrate_core::Side;
use migrate_core::request::{Body, Method, Request, Role, Segment};
use serde_json::json;

use super::endpoint::{all_indices, mapping};
use super::expand::every_entry;
use super::slots::{ENTRY, INDEX, NEWEST_FIRST, UPDATE_FIELD};

/// What `check-versions` sends.
pub struct Versions {
    /// `GET /` on each side (the client's version detection; not on Serverless).
    pub roots: [Request; 2],
    /// Each index entry resolved on the source.
    pub entries: [Request; 2],
    /// The update-time field's mapping in each concrete source index (reindex with `update_field`).
    pub update_field: Request,
    /// A numeric update-time field's newest values in each concrete source index: whether they
    /// count epoch seconds or milliseconds (refused here, before anything is written, when they do
    /// not say or contradict the plan's `update_field_unit`).
    pub update_field_values: Request,
    pub snapshot: Option<SnapshotChecks>,
    pub reindex: Option<ReindexChecks>,
}

/// The snapshot strategy's checks.
pub struct SnapshotChecks {
    /// Closed destination indexes a restore would replace.
    pub destination_indices: Request,
    /// The source's primary shard counts, when the destination has closed indexes.
    pub source_indices: Request,
    /// The destination repository's plugin.
    pub plugins: Request,
}

/// The reindex strategy's checks.
pub struct ReindexChecks {
    /// The primary store size of each entry's indexes.
    pub store_size: Request,
    /// Free disk on the destination's data nodes.
    pub fs_stats: Request,
}

pub fn versions(strategy: &str) -> Versions {
    let root = Request::root;
    let snapshot = strategy == "snapshot";
    Versions {
        roots: [
            root(Side::Source).note(
                "Serverless collections have no `GET /`; the version is then taken from the plan",
            ),
            root(Side::Destination),
        ],
        entries: every_entry(),
        update_field: mapping(Role::Read, Side::Source, Segment::Slot(INDEX)).note(
            "for each concrete index of an entry with an `update_field`: it must be mapped as a date or number",
        ),
        update_field_values: Request::new(Role::Read, Side::Source, Method::Post)
            .slot(INDEX)
            .at("_search")
            .body(Body::json(&json!({
                "size": 5,
                "_source": [UPDATE_FIELD.placeholder()],
                "query": {"exists": {"field": UPDATE_FIELD.placeholder()}},
                "sort": NEWEST_FIRST.placeholder(),
            })))
            .note("only where the update-time field is numeric: values about 1e9 are epoch seconds, about 1e12 milliseconds; values that say neither, or contradict `update_field_unit`, refuse the plan here"),
        snapshot: snapshot.then(|| SnapshotChecks {
            destination_indices: all_indices(Side::Destination)
                .note("when a restore has steps: closed destination indexes it would replace"),
            source_indices: all_indices(Side::Source).note(
                "only when the destination has closed indexes: their primary shard counts must match the source's",
            ),
            plugins: Request::new(Role::Read, Side::Destination, Method::Get)
                .at("_cat")
                .at("plugins")
                .query("format", "json")
                .note(
                    "only for repository types that need a plugin on the destination's version (the store registry decides): it is installed",
                ),
        }),
        reindex: (!snapshot).then(|| ReindexChecks {
            store_size: Request::new(Role::Read, Side::Source, Method::Get)
                .at("_cat")
                .at("indices")
                .slot(ENTRY)
                .query("bytes", "b")
                .query("h", "index,pri.store.size")
                .query("format", "json")
                .note("once per plan index entry: the source's primary store size"),
            fs_stats: Request::new(Role::Read, Side::Destination, Method::Get)
                .at("_nodes")
                .at("stats")
                .at("fs")
                .note(
                    "free disk on the destination's data nodes must be at least 1.2 x the source's primary store size (not checked where there are no fs stats, e.g. Serverless)",
                ),
        }),
    }
}

impl Versions {
    pub fn list(self) -> Vec<Request> {
        let mut out: Vec<Request> = self.roots.into_iter().chain(self.entries).collect();
        if let Some(s) = self.snapshot {
            out.extend([s.destination_indices, s.source_indices, s.plugins]);
        }
        if let Some(r) = self.reindex {
            out.extend([self.update_field, self.update_field_values]);
            out.extend([r.store_size, r.fs_stats]);
        }
        out
    }
}

/// What `check-remote-allowlist` sends: the allowlist is a node setting on most versions, and a
/// cluster setting on some.
pub struct Allowlist {
    pub nodes: Request,
    pub cluster: Request,
}

pub fn allowlist() -> Allowlist {
    let get = || Request::new(Role::Read, Side::Destination, Method::Get);
    Allowlist {
        nodes: get()
            .at("_nodes")
            .at("settings")
            .query("flat_settings", "true"),
        cluster: get()
            .at("_cluster")
            .at("settings")
            .query("include_defaults", "true")
            .query("flat_settings", "true")
            .note(
                "the setting is `reindex.remote.whitelist`, or `reindex.remote.allowlist` on OpenSearch 2 and later",
            ),
    }
}

impl Allowlist {
    pub fn list(self) -> Vec<Request> {
        vec![self.nodes, self.cluster]
    }
}
