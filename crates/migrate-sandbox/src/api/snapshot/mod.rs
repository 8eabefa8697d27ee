//! Snapshot and restore APIs: repositories (`PUT/GET/DELETE _snapshot/<repo>`, `_verify`,
//! `_cleanup`), snapshots (create, get, `_status`, delete), `_restore`, `_cat/repositories`,
//! `_cat/snapshots`, and the snapshot side of `_recovery` and cluster health. The repository work
//! itself is in [`crate::snapshot`]; this module holds the routes and the errors they share.

mod cat;
mod clone;
mod repositories;
mod restores;
mod snapshots;
mod status;

pub use restores::patch_recovery;

use std::sync::Arc;

use axum::http::{Method, StatusCode};
use serde_json::Value;

use crate::api::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::flavor::{Flavor, Product};
use crate::router::RouteTable;
use crate::snapshot::registry::Registered;

use crate::snapshot::{Release, RepositoryError};
use cat::{cat_repositories, cat_snapshots};
use repositories::{
    cleanup_repository, delete_repository, get_repository, put_repository, verify_repository,
};
use restores::restore;
use snapshots::{create, delete, get_snapshots};
use status::status;

/// Registers the routes.
pub fn register(t: &mut RouteTable) {
    use Method as M;
    let repository = "/_snapshot/{repository}";
    let snapshot = "/_snapshot/{repository}/{snapshot}";
    t.api(
        "snapshot.get_repository",
        &[M::GET],
        &["/_snapshot", repository],
        get_repository,
    );
    t.api(
        "snapshot.create_repository",
        &[M::PUT, M::POST],
        &[repository],
        put_repository,
    );
    t.api(
        "snapshot.delete_repository",
        &[M::DELETE],
        &[repository],
        delete_repository,
    );
    t.api(
        "snapshot.verify_repository",
        &[M::POST],
        &["/_snapshot/{repository}/_verify"],
        verify_repository,
    );
    t.api(
        "snapshot.cleanup_repository",
        &[M::POST],
        &["/_snapshot/{repository}/_cleanup"],
        cleanup_repository,
    );
    t.api(
        "snapshot.status",
        &[M::GET],
        &[
            "/_snapshot/_status",
            "/_snapshot/{repository}/_status",
            "/_snapshot/{repository}/{snapshot}/_status",
        ],
        status,
    );
    t.api("snapshot.create", &[M::PUT, M::POST], &[snapshot], create);
    t.api("snapshot.get", &[M::GET], &[snapshot], get_snapshots);
    t.api("snapshot.delete", &[M::DELETE], &[snapshot], delete);
    t.api(
        "snapshot.restore",
        &[M::POST],
        &["/_snapshot/{repository}/{snapshot}/_restore"],
        restore,
    );
    t.api(
        "snapshot.clone",
        &[M::PUT],
        &["/_snapshot/{repository}/{snapshot}/_clone/{target_snapshot}"],
        clone::clone,
    );
    t.api(
        "cat.repositories",
        &[M::GET],
        &["/_cat/repositories"],
        cat_repositories,
    );
    t.api(
        "cat.snapshots",
        &[M::GET],
        &["/_cat/snapshots", "/_cat/snapshots/{repository}"],
        cat_snapshots,
    );
}

/// The release this sandbox impersonates.
pub fn release(product: &Product) -> Release {
    let v = product.version;
    Release {
        opensearch: product.flavor == Flavor::OpenSearch,
        version: (v.major, v.minor, v.patch),
    }
}

pub(super) fn repository_missing(name: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "repository_missing_exception",
        format!("[{name}] missing"),
    )
}

pub(super) fn snapshot_missing(repository: &str, snapshot: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "snapshot_missing_exception",
        format!("[{repository}:{snapshot}] is missing"),
    )
}

pub(super) fn repository_exception(reason: impl Into<String>) -> ApiError {
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "repository_exception",
        reason,
    )
}

pub(super) fn restore_exception(
    repository: &str,
    snapshot: &str,
    uuid: &str,
    reason: &str,
) -> ApiError {
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "snapshot_restore_exception",
        format!("[{repository}:{snapshot}/{uuid}] {reason}"),
    )
}

pub(super) fn store_error(repository: &str, e: &RepositoryError) -> ApiError {
    match e {
        RepositoryError::SnapshotMissing(name) => snapshot_missing(repository, name),
        RepositoryError::Concurrent { .. } => ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "repository_exception",
            format!("[{repository}] {e}"),
        ),
        other => repository_exception(format!("[{repository}] {other}")),
    }
}

pub(super) fn lookup(ctx: &Ctx) -> ApiResult<Arc<Registered>> {
    let name = ctx.param("repository");
    ctx.shared
        .snapshots
        .repository(name)
        .ok_or_else(|| repository_missing(name))
}

pub(super) fn names(expr: &str) -> Vec<&str> {
    expr.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

pub(super) fn list_param(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Array(items) => Some(
            items
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(","),
        ),
        _ => None,
    }
}

pub(super) fn truthy(v: Option<&Value>, default: bool) -> bool {
    match v {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s == "true",
        _ => default,
    }
}
