//! `create-snapshot` (asynchronous, re-attaches to a snapshot that exists) and `wait-snapshot`.

use migrate_core::Side;
use migrate_core::request::{Body, Method, MutatingCall, Request, Role};
use serde::Serialize;

use crate::kind::Round;
use crate::preflight::plan_snapshots_pattern;

fn at(role: Role, method: Method, repository: &str, snapshot: &str) -> Request {
    Request::new(role, Side::Source, method)
        .at("_snapshot")
        .name(repository)
        .name(snapshot)
}

pub struct Create {
    /// `GET /_snapshot/{repository}/{snapshot}` (`snapshot_missing_exception`: not taken yet).
    pub current: Request,
    /// `PUT /_snapshot/{repository}/{snapshot}?wait_for_completion=false`.
    pub start: Request,
    /// `GET /_snapshot/{repository}/{plan}-*`: this plan's snapshots of other lineages (left by a
    /// run whose state was lost), reported with the `migrate cleanup` advice and never used.
    pub others: Request,
    /// `GET /{indices}/_stats/docs,indexing`: the plan indexes' document and write counters just
    /// before the snapshot starts, so a round's delta says how many documents changed on the
    /// source since the round before (`_all` when the index list is too long for a URL: more
    /// changes counted, never fewer).
    pub changes: Request,
}

/// Longest index list sent in a `_stats` path (Elasticsearch's first line is at most 4 KB).
const STATS_PATH_MAX: usize = 3000;

#[derive(Serialize)]
struct CreateBody<'a> {
    indices: &'a str,
    ignore_unavailable: bool,
    include_global_state: bool,
}

pub fn create(repository: &str, snapshot: &str, indices: &[String], round: Round) -> Create {
    let joined = indices.join(",");
    Create {
        others: at(
            Role::Read,
            Method::Get,
            repository,
            &plan_snapshots_pattern(snapshot, round),
        )
        .note("this plan's snapshots of earlier runs whose state was lost: reported, never used"),
        current: at(Role::Check, Method::Get, repository, snapshot),
        changes: Request::new(Role::Read, Side::Source, Method::Get)
            .name(if joined.len() <= STATS_PATH_MAX {
                joined.as_str()
            } else {
                "_all"
            })
            .at("_stats")
            .at("docs,indexing")
            .query("filter_path", "_all.primaries")
            .note("the plan indexes' write counters before the snapshot: the round's delta in documents"),
        start: at(Role::Act, Method::Put, repository, snapshot)
            .query("wait_for_completion", "false")
            .body(Body::json(&CreateBody {
                indices: &joined,
                ignore_unavailable: false,
                include_global_state: false,
            }))
            .mutates(
                MutatingCall::CreateSnapshot,
                format!("{repository}/{snapshot}"),
            ),
    }
}

impl Create {
    pub fn list(self) -> Vec<Request> {
        vec![self.current, self.others, self.changes, self.start]
    }
}

pub struct Wait {
    /// `GET /_snapshot/{repository}/{snapshot}`, until it is no longer in progress.
    pub poll: Request,
    /// `GET /_snapshot/{repository}/{snapshot}/_status`, for the file and byte counts.
    pub status: Request,
}

pub fn wait(repository: &str, snapshot: &str) -> Wait {
    Wait {
        poll: at(Role::Wait, Method::Get, repository, snapshot),
        status: at(Role::Read, Method::Get, repository, snapshot)
            .at("_status")
            .note("once the snapshot is SUCCESS, for its file and byte counts"),
    }
}

impl Wait {
    pub fn list(self) -> Vec<Request> {
        vec![self.poll, self.status]
    }
}
