//! Snapshot repositories, snapshots (create/get/status/delete) and restore.

use reqwest::Method;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::client::{ClusterClient, Request, enc};
use crate::error::ClusterError;
use migrate_core::MutatingCall;

/// One snapshot from `GET _snapshot/{repo}/{snap}`.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
pub struct SnapshotInfo {
    pub snapshot: String,
    #[serde(default)]
    pub uuid: Option<String>,
    /// `IN_PROGRESS`, `SUCCESS`, `PARTIAL`, `FAILED`, `INCOMPATIBLE`.
    pub state: String,
    #[serde(default)]
    pub indices: Vec<String>,
    #[serde(default)]
    pub version: Option<String>,
    #[serde(default)]
    pub failures: Vec<Value>,
    #[serde(default)]
    pub shards: Option<Value>,
}

impl SnapshotInfo {
    pub fn is_done(&self) -> bool {
        self.state != "IN_PROGRESS" && self.state != "STARTED"
    }
    pub fn is_success(&self) -> bool {
        self.state == "SUCCESS"
    }
}

#[derive(Deserialize)]
struct SnapshotList {
    #[serde(default)]
    snapshots: Vec<SnapshotInfo>,
    /// ES 7.x multi-repository shape: `{"responses":[{"repository","snapshots"}]}`.
    #[serde(default)]
    responses: Vec<SnapshotList>,
}

impl ClusterClient {
    /// `PUT _snapshot/{repo}` `{"type", "settings"}` (declarable on the source). `verify=false` skips
    /// the server's immediate check; use [`Self::verify_repository`] for it.
    pub async fn put_repository(
        &self,
        repo: &str,
        kind: &str,
        settings: Value,
        verify: bool,
    ) -> Result<(), ClusterError> {
        self.send(
            Request::new(Method::PUT, format!("/_snapshot/{}", enc(repo)))
                .query("verify", verify.to_string())
                .body(json!({ "type": kind, "settings": settings }))
                .mutating(MutatingCall::PutRepository, repo),
        )
        .await
        .map(drop)
    }

    /// `GET _snapshot/{repo}`: `{repo: {type, settings}}`; a 404 is `Ok(None)`.
    pub async fn get_repository(&self, repo: &str) -> Result<Option<Value>, ClusterError> {
        match self
            .json::<Value>(Request::get(format!("/_snapshot/{}", enc(repo))))
            .await
        {
            Ok(v) => Ok(v.get(repo).cloned()),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// `POST _snapshot/{repo}/_verify`: the nodes that could write to the repository.
    pub async fn verify_repository(&self, repo: &str) -> Result<Value, ClusterError> {
        self.json(
            Request::new(Method::POST, format!("/_snapshot/{}/_verify", enc(repo)))
                .mutating(MutatingCall::VerifyRepository, repo),
        )
        .await
    }

    /// `PUT _snapshot/{repo}/{snap}?wait_for_completion=false` with `indices` (declarable on the source).
    pub async fn create_snapshot(
        &self,
        repo: &str,
        snapshot: &str,
        indices: &[String],
        include_global_state: bool,
    ) -> Result<(), ClusterError> {
        self.send(
            Request::new(
                Method::PUT,
                format!("/_snapshot/{}/{}", enc(repo), enc(snapshot)),
            )
            .query("wait_for_completion", "false")
            .body(json!({
                "indices": indices.join(","),
                "ignore_unavailable": false,
                "include_global_state": include_global_state,
            }))
            .mutating(MutatingCall::CreateSnapshot, format!("{repo}/{snapshot}")),
        )
        .await
        .map(drop)
    }

    /// `GET _snapshot/{repo}/{snap}`; a missing snapshot is `Ok(None)`.
    pub async fn get_snapshot(
        &self,
        repo: &str,
        snapshot: &str,
    ) -> Result<Option<SnapshotInfo>, ClusterError> {
        let req = Request::get(format!("/_snapshot/{}/{}", enc(repo), enc(snapshot)));
        let list: SnapshotList = match self.json(req).await {
            Ok(l) => l,
            Err(e) if e.error_type() == Some("snapshot_missing_exception") => return Ok(None),
            Err(e) => return Err(e),
        };
        let mut all = list.snapshots;
        for r in list.responses {
            all.extend(r.snapshots);
        }
        Ok(all.into_iter().find(|s| s.snapshot == snapshot))
    }

    /// `GET _snapshot/{repo}/{snap}/_status`: per-shard progress.
    pub async fn snapshot_status(&self, repo: &str, snapshot: &str) -> Result<Value, ClusterError> {
        self.json(Request::get(format!(
            "/_snapshot/{}/{}/_status",
            enc(repo),
            enc(snapshot)
        )))
        .await
    }

    /// `DELETE _snapshot/{repo}/{snap}`.
    pub async fn delete_snapshot(&self, repo: &str, snapshot: &str) -> Result<(), ClusterError> {
        self.send(
            Request::new(
                Method::DELETE,
                format!("/_snapshot/{}/{}", enc(repo), enc(snapshot)),
            )
            .mutating(MutatingCall::DeleteSnapshot, format!("{repo}/{snapshot}")),
        )
        .await
        .map(drop)
    }

    /// `POST _snapshot/{repo}/{snap}/_restore` with a full body (indices, rename, index_settings...),
    /// returning at once; follow with [`Self::recovery`] / [`Self::health`].
    pub async fn restore(
        &self,
        repo: &str,
        snapshot: &str,
        body: Value,
    ) -> Result<(), ClusterError> {
        self.send(
            Request::new(
                Method::POST,
                format!("/_snapshot/{}/{}/_restore", enc(repo), enc(snapshot)),
            )
            .query("wait_for_completion", "false")
            .body(body)
            .mutating(MutatingCall::Restore, format!("{repo}/{snapshot}")),
        )
        .await
        .map(drop)
    }
}
