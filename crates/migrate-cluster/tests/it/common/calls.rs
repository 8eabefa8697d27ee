//! The calls these tests make, as planned requests sent through the client: the client itself
//! builds no endpoint (the step kinds do, in migrate-graph), so the tests spell theirs here.
#![allow(dead_code)]

use std::time::Duration;

use migrate_cluster::api::cluster::{CatIndex, Health, HealthStatus, allowlist_entries};
use migrate_cluster::api::indices::{IndexMapping, mapping_for, mappings};
use migrate_cluster::api::reindex::{TaskId, TaskState, parse_task, started_task};
use migrate_cluster::api::search::{Hit, SearchResult, count_of, search_result};
use migrate_cluster::api::snapshot::{SnapshotInfo, is_missing_snapshot, snapshot_named};
use migrate_cluster::{ClusterClient, ClusterError};
use migrate_core::MutatingCall;
use migrate_core::request::{Body, Condition, Fills, Method, Request, Role};
use serde_json::{Value, json};

fn req(c: &ClusterClient, method: Method) -> Request {
    Request::new(Role::Act, c.side(), method)
}

fn decode_err(what: &str, detail: String) -> ClusterError {
    ClusterError::Decode {
        method: "?".into(),
        path: what.into(),
        detail,
    }
}

pub trait Calls {
    async fn count(&self, index: &str, query: Option<Value>) -> Result<u64, ClusterError>;
    async fn search(&self, index: &str, body: Value) -> Result<SearchResult, ClusterError>;
    async fn search_by_ids(&self, index: &str, ids: &[String]) -> Result<Vec<Hit>, ClusterError>;
    async fn start_reindex(&self, body: Value) -> Result<TaskId, ClusterError>;
    async fn task(&self, id: &TaskId) -> Result<TaskState, ClusterError>;
    async fn get_snapshot(
        &self,
        repo: &str,
        snap: &str,
    ) -> Result<Option<SnapshotInfo>, ClusterError>;
    async fn snapshot_status(&self, repo: &str, snap: &str) -> Result<Value, ClusterError>;
    async fn create_snapshot(
        &self,
        repo: &str,
        snap: &str,
        indices: &[String],
        global: bool,
    ) -> Result<(), ClusterError>;
    async fn delete_snapshot(&self, repo: &str, snap: &str) -> Result<(), ClusterError>;
    async fn restore(&self, repo: &str, snap: &str, body: Value) -> Result<(), ClusterError>;
    async fn put_repository(
        &self,
        repo: &str,
        kind: &str,
        settings: Value,
        verify: bool,
    ) -> Result<(), ClusterError>;
    async fn get_repository(&self, repo: &str) -> Result<Option<Value>, ClusterError>;
    async fn verify_repository(&self, repo: &str) -> Result<Value, ClusterError>;
    async fn create_index(
        &self,
        index: &str,
        settings: Option<Value>,
        mapping: Option<Value>,
        aliases: Option<Value>,
    ) -> Result<Value, ClusterError>;
    async fn create_index_typed(
        &self,
        index: &str,
        settings: Option<Value>,
        mapping: Option<Value>,
        aliases: Option<Value>,
        type_name: Option<&str>,
    ) -> Result<Value, ClusterError>;
    async fn delete_index(&self, index: &str) -> Result<(), ClusterError>;
    async fn index_exists(&self, index: &str) -> Result<bool, ClusterError>;
    async fn get_settings(&self, index: &str) -> Result<Value, ClusterError>;
    async fn put_settings(&self, index: &str, settings: Value) -> Result<(), ClusterError>;
    async fn set_write_block(&self, index: &str, on: bool) -> Result<(), ClusterError>;
    async fn get_mappings(&self, index: &str) -> Result<Vec<(String, IndexMapping)>, ClusterError>;
    async fn get_aliases(&self, index: &str) -> Result<Value, ClusterError>;
    async fn update_aliases(&self, actions: Vec<Value>) -> Result<(), ClusterError>;
    async fn close_index(&self, index: &str) -> Result<(), ClusterError>;
    async fn refresh(&self, index: &str) -> Result<(), ClusterError>;
    async fn recovery(&self, index: &str, active_only: bool) -> Result<Value, ClusterError>;
    async fn health(
        &self,
        index: Option<&str>,
        wait_for: Option<HealthStatus>,
        timeout: Option<Duration>,
    ) -> Result<Health, ClusterError>;
    async fn cat_indices(&self, pattern: Option<&str>) -> Result<Vec<CatIndex>, ClusterError>;
    async fn put_cluster_settings(&self, persistent: Value) -> Result<Value, ClusterError>;
    async fn remote_reindex_allowlist(&self) -> Result<Vec<String>, ClusterError>;
}

impl Calls for ClusterClient {
    async fn count(&self, index: &str, query: Option<Value>) -> Result<u64, ClusterError> {
        let mut r = req(self, Method::Post).name(index).at("_count");
        if let Some(q) = query {
            r = r.body(Body::json(&json!({ "query": q })));
        }
        let v: Value = self.json(&r, &Fills::new()).await?;
        count_of(&v).ok_or_else(|| decode_err("_count", "no count".into()))
    }

    async fn search(&self, index: &str, body: Value) -> Result<SearchResult, ClusterError> {
        let r = req(self, Method::Post)
            .name(index)
            .at("_search")
            .body(Body::json(&body));
        let v: Value = self.json(&r, &Fills::new()).await?;
        search_result(v).map_err(|e| decode_err("_search", e))
    }

    async fn search_by_ids(&self, index: &str, ids: &[String]) -> Result<Vec<Hit>, ClusterError> {
        let body = json!({ "size": ids.len(), "query": { "ids": { "values": ids } } });
        Ok(self.search(index, body).await?.hits)
    }

    async fn start_reindex(&self, body: Value) -> Result<TaskId, ClusterError> {
        let dest = body
            .pointer("/dest/index")
            .and_then(Value::as_str)
            .unwrap_or("?")
            .to_owned();
        let r = req(self, Method::Post)
            .at("_reindex")
            .query("wait_for_completion", "false")
            .body(Body::json(&body))
            .mutates(MutatingCall::Reindex, dest);
        let v: Value = self.json(&r, &Fills::new()).await?;
        started_task(&v).ok_or_else(|| decode_err("_reindex", "no task".into()))
    }

    async fn task(&self, id: &TaskId) -> Result<TaskState, ClusterError> {
        let r = req(self, Method::Get).at("_tasks").name(id.0.clone());
        let v: Value = self.json(&r, &Fills::new()).await?;
        parse_task(&v).map_err(|e| decode_err("_tasks", e))
    }

    async fn get_snapshot(
        &self,
        repo: &str,
        snap: &str,
    ) -> Result<Option<SnapshotInfo>, ClusterError> {
        let r = req(self, Method::Get).at("_snapshot").name(repo).name(snap);
        match self.json::<Value>(&r, &Fills::new()).await {
            Ok(v) => Ok(snapshot_named(&v, snap)),
            Err(e) if is_missing_snapshot(&e) => Ok(None),
            Err(e) => Err(e),
        }
    }

    async fn snapshot_status(&self, repo: &str, snap: &str) -> Result<Value, ClusterError> {
        let r = req(self, Method::Get)
            .at("_snapshot")
            .name(repo)
            .name(snap)
            .at("_status");
        self.json(&r, &Fills::new()).await
    }

    async fn create_snapshot(
        &self,
        repo: &str,
        snap: &str,
        indices: &[String],
        global: bool,
    ) -> Result<(), ClusterError> {
        let r = req(self, Method::Put)
            .at("_snapshot")
            .name(repo)
            .name(snap)
            .query("wait_for_completion", "false")
            .body(Body::json(&json!({"indices": indices.join(","), "ignore_unavailable": false, "include_global_state": global})))
            .mutates(MutatingCall::CreateSnapshot, format!("{repo}/{snap}"));
        self.execute(&r, &Fills::new()).await.map(drop)
    }

    async fn delete_snapshot(&self, repo: &str, snap: &str) -> Result<(), ClusterError> {
        let r = req(self, Method::Delete)
            .at("_snapshot")
            .name(repo)
            .name(snap)
            .mutates(MutatingCall::DeleteSnapshot, format!("{repo}/{snap}"));
        self.execute(&r, &Fills::new()).await.map(drop)
    }

    async fn restore(&self, repo: &str, snap: &str, body: Value) -> Result<(), ClusterError> {
        let r = req(self, Method::Post)
            .at("_snapshot")
            .name(repo)
            .name(snap)
            .at("_restore")
            .query("wait_for_completion", "false")
            .body(Body::json(&body))
            .mutates(MutatingCall::Restore, format!("{repo}/{snap}"));
        self.execute(&r, &Fills::new()).await.map(drop)
    }

    async fn put_repository(
        &self,
        repo: &str,
        kind: &str,
        settings: Value,
        verify: bool,
    ) -> Result<(), ClusterError> {
        let r = req(self, Method::Put)
            .at("_snapshot")
            .name(repo)
            .query("verify", verify.to_string())
            .body(Body::json(&json!({"type": kind, "settings": settings})))
            .mutates(MutatingCall::PutRepository, repo);
        self.execute(&r, &Fills::new()).await.map(drop)
    }

    async fn get_repository(&self, repo: &str) -> Result<Option<Value>, ClusterError> {
        let r = req(self, Method::Get).at("_snapshot").name(repo);
        Ok(self
            .optional::<Value>(&r, &Fills::new())
            .await?
            .and_then(|v| v.get(repo).cloned()))
    }

    async fn verify_repository(&self, repo: &str) -> Result<Value, ClusterError> {
        let r = req(self, Method::Post)
            .at("_snapshot")
            .name(repo)
            .at("_verify")
            .mutates(MutatingCall::VerifyRepository, repo);
        self.json(&r, &Fills::new()).await
    }

    async fn create_index(
        &self,
        index: &str,
        settings: Option<Value>,
        mapping: Option<Value>,
        aliases: Option<Value>,
    ) -> Result<Value, ClusterError> {
        self.create_index_typed(index, settings, mapping, aliases, None)
            .await
    }

    async fn create_index_typed(
        &self,
        index: &str,
        settings: Option<Value>,
        mapping: Option<Value>,
        aliases: Option<Value>,
        type_name: Option<&str>,
    ) -> Result<Value, ClusterError> {
        let mut body = serde_json::Map::new();
        if let Some(s) = settings {
            body.insert("settings".into(), s);
        }
        if let Some(m) = mapping {
            let quirks = self.quirks().await?;
            body.insert("mappings".into(), mapping_for(&quirks, m, type_name));
        }
        if let Some(a) = aliases {
            body.insert("aliases".into(), a);
        }
        let r = req(self, Method::Put)
            .name(index)
            .body(Body::json(&Value::Object(body)))
            .mutates(MutatingCall::CreateIndex, index);
        self.json(&r, &Fills::new()).await
    }

    async fn delete_index(&self, index: &str) -> Result<(), ClusterError> {
        let r = req(self, Method::Delete)
            .name(index)
            .mutates(MutatingCall::DeleteIndex, index);
        self.execute(&r, &Fills::new()).await.map(drop)
    }

    async fn index_exists(&self, index: &str) -> Result<bool, ClusterError> {
        self.exists(&req(self, Method::Head).name(index), &Fills::new())
            .await
    }

    async fn get_settings(&self, index: &str) -> Result<Value, ClusterError> {
        let r = req(self, Method::Get)
            .name(index)
            .at("_settings")
            .query("flat_settings", "true");
        self.json(&r, &Fills::new()).await
    }

    async fn put_settings(&self, index: &str, settings: Value) -> Result<(), ClusterError> {
        let r = req(self, Method::Put)
            .name(index)
            .at("_settings")
            .body(Body::json(&settings))
            .mutates(MutatingCall::PutIndexSettings, index);
        self.execute(&r, &Fills::new()).await.map(drop)
    }

    async fn set_write_block(&self, index: &str, on: bool) -> Result<(), ClusterError> {
        let r = req(self, Method::Put)
            .name(index)
            .at("_settings")
            .body(Body::json(&json!({ "index.blocks.write": on })))
            .mutates(MutatingCall::WriteBlock, index);
        self.execute(&r, &Fills::new()).await.map(drop)
    }

    async fn get_mappings(&self, index: &str) -> Result<Vec<(String, IndexMapping)>, ClusterError> {
        let r = req(self, Method::Get).name(index).at("_mapping");
        let v: Value = self.json(&r, &Fills::new()).await?;
        mappings(v)
            .ok_or_else(|| decode_err("_mapping", "expected an object keyed by index".into()))
    }

    async fn get_aliases(&self, index: &str) -> Result<Value, ClusterError> {
        self.json(
            &req(self, Method::Get).name(index).at("_alias"),
            &Fills::new(),
        )
        .await
    }

    async fn update_aliases(&self, actions: Vec<Value>) -> Result<(), ClusterError> {
        let r = req(self, Method::Post)
            .at("_aliases")
            .body(Body::json(&json!({ "actions": actions })))
            .mutates(MutatingCall::UpdateAliases, "aliases");
        self.execute(&r, &Fills::new()).await.map(drop)
    }

    async fn close_index(&self, index: &str) -> Result<(), ClusterError> {
        let r = req(self, Method::Post)
            .name(index)
            .at("_close")
            .mutates(MutatingCall::CloseIndex, index);
        self.execute(&r, &Fills::new()).await.map(drop)
    }

    async fn refresh(&self, index: &str) -> Result<(), ClusterError> {
        let r = req(self, Method::Post)
            .name(index)
            .at("_refresh")
            .mutates(MutatingCall::Refresh, index);
        self.execute(&r, &Fills::new()).await.map(drop)
    }

    async fn recovery(&self, index: &str, active_only: bool) -> Result<Value, ClusterError> {
        let r = req(self, Method::Get)
            .name(index)
            .at("_recovery")
            .query("active_only", active_only.to_string());
        self.json(&r, &Fills::new()).await
    }

    async fn health(
        &self,
        index: Option<&str>,
        wait_for: Option<HealthStatus>,
        timeout: Option<Duration>,
    ) -> Result<Health, ClusterError> {
        let mut r = req(self, Method::Get).at("_cluster").at("health");
        if let Some(i) = index {
            r = r.name(i);
        }
        if let Some(s) = wait_for {
            r = r.query("wait_for_status", s.as_str());
        }
        if let Some(t) = timeout {
            r = r.query("timeout", format!("{}s", t.as_secs().max(1)));
        }
        let body = self.execute_allowing(&r, &Fills::new(), &[408]).await?;
        migrate_cluster::decode(&r, &body)
    }

    async fn cat_indices(&self, pattern: Option<&str>) -> Result<Vec<CatIndex>, ClusterError> {
        let mut r = req(self, Method::Get).at("_cat").at("indices");
        if let Some(p) = pattern {
            r = r.name(p);
        }
        let r = r.query("format", "json").query("bytes", "b").query_when(
            Condition::CatIndicesExpandWildcards,
            "expand_wildcards",
            "all",
        );
        self.json(&r, &Fills::new()).await
    }

    async fn put_cluster_settings(&self, persistent: Value) -> Result<Value, ClusterError> {
        let r = req(self, Method::Put)
            .at("_cluster")
            .at("settings")
            .body(Body::json(&json!({ "persistent": persistent })))
            .mutates(MutatingCall::PutClusterSettings, "cluster settings");
        self.json(&r, &Fills::new()).await
    }

    async fn remote_reindex_allowlist(&self) -> Result<Vec<String>, ClusterError> {
        let setting = self.quirks().await?.remote_allowlist_setting();
        let nodes: Value = self
            .json(
                &req(self, Method::Get)
                    .at("_nodes")
                    .at("settings")
                    .query("flat_settings", "true"),
                &Fills::new(),
            )
            .await?;
        let cluster: Value = self
            .json(
                &req(self, Method::Get)
                    .at("_cluster")
                    .at("settings")
                    .query("include_defaults", "true")
                    .query("flat_settings", "true"),
                &Fills::new(),
            )
            .await?;
        Ok(allowlist_entries(&nodes, &cluster, setting))
    }
}
