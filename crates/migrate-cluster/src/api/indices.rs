//! Index-level calls: exists/get/create/delete, settings, mappings, open/close, refresh, aliases,
//! the write block and recovery.

use reqwest::Method;
use serde_json::{Map, Value, json};

use crate::client::{ClusterClient, Request, enc};
use crate::error::ClusterError;
use crate::shapes::unwrap_mapping;
use migrate_core::MappingTypes;
use migrate_core::MutatingCall;

/// A typeless view of one index's mapping.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexMapping {
    /// Mapping types found (5.x/6.x); empty for a typeless cluster.
    pub types: Vec<String>,
    /// The mapping without a type wrapper; `None` when there are several types (a choice is needed).
    pub mapping: Option<Value>,
    /// The raw mapping object as the server returned it.
    pub raw: Value,
}

impl ClusterClient {
    /// `HEAD /{index}`.
    pub async fn index_exists(&self, index: &str) -> Result<bool, ClusterError> {
        self.exists(Request::new(Method::HEAD, format!("/{}", enc(index))))
            .await
    }

    /// `GET /{index}`: settings, mappings and aliases keyed by concrete index name.
    pub async fn get_index(&self, index: &str) -> Result<Value, ClusterError> {
        self.json(Request::get(format!("/{}", enc(index)))).await
    }

    /// `PUT /{index}` with settings, a typeless mapping (wrapped in the default type on 5.x/6.x, see
    /// [`crate::Quirks::default_type_name`]) and aliases.
    pub async fn create_index(
        &self,
        index: &str,
        settings: Option<Value>,
        mapping: Option<Value>,
        aliases: Option<Value>,
    ) -> Result<Value, ClusterError> {
        self.create_index_typed(index, settings, mapping, aliases, None)
            .await
    }

    /// Like [`Self::create_index`], naming the mapping type used on 5.x/6.x (ignored on typeless
    /// clusters). Match the source's type when documents will be reindexed in with their type.
    pub async fn create_index_typed(
        &self,
        index: &str,
        settings: Option<Value>,
        mapping: Option<Value>,
        aliases: Option<Value>,
        type_name: Option<&str>,
    ) -> Result<Value, ClusterError> {
        let mut body = Map::new();
        if let Some(s) = settings {
            body.insert("settings".into(), s);
        }
        if let Some(m) = mapping {
            let quirks = self.quirks().await?;
            let wrapped = match quirks.mapping_types() {
                MappingTypes::Multiple | MappingTypes::Single => {
                    let ty = type_name.unwrap_or(quirks.default_type_name());
                    let mut outer = Map::new();
                    outer.insert(ty.to_owned(), m);
                    Value::Object(outer)
                }
                MappingTypes::TypelessWithParam | MappingTypes::Typeless => m,
            };
            body.insert("mappings".into(), wrapped);
        }
        if let Some(a) = aliases {
            body.insert("aliases".into(), a);
        }
        self.json(
            Request::new(Method::PUT, format!("/{}", enc(index)))
                .body(Value::Object(body))
                .mutating(MutatingCall::CreateIndex, index),
        )
        .await
    }

    /// `DELETE /{index}`.
    pub async fn delete_index(&self, index: &str) -> Result<(), ClusterError> {
        self.send(
            Request::new(Method::DELETE, format!("/{}", enc(index)))
                .mutating(MutatingCall::DeleteIndex, index),
        )
        .await
        .map(drop)
    }

    /// `GET /{index}/_settings?flat_settings=true`, keyed by index name.
    pub async fn get_settings(&self, index: &str) -> Result<Value, ClusterError> {
        self.json(Request::get(format!("/{}/_settings", enc(index))).query("flat_settings", "true"))
            .await
    }

    /// `PUT /{index}/_settings`.
    pub async fn put_settings(&self, index: &str, settings: Value) -> Result<(), ClusterError> {
        self.send(
            Request::new(Method::PUT, format!("/{}/_settings", enc(index)))
                .body(settings)
                .mutating(MutatingCall::PutIndexSettings, index),
        )
        .await
        .map(drop)
    }

    /// `PUT /{index}/_settings {"index.blocks.write": on}`: the cutover write block (declarable on
    /// the source).
    pub async fn set_write_block(&self, index: &str, on: bool) -> Result<(), ClusterError> {
        self.send(
            Request::new(Method::PUT, format!("/{}/_settings", enc(index)))
                .body(json!({ "index.blocks.write": on }))
                .mutating(MutatingCall::WriteBlock, index),
        )
        .await
        .map(drop)
    }

    /// `GET /{index}/_mapping`, unwrapped to typeless per index.
    pub async fn get_mappings(
        &self,
        index: &str,
    ) -> Result<Vec<(String, IndexMapping)>, ClusterError> {
        let v: Value = self
            .json(Request::get(format!("/{}/_mapping", enc(index))))
            .await?;
        let Value::Object(per_index) = v else {
            return Err(ClusterError::Decode {
                method: "GET".into(),
                path: format!("/{}/_mapping", enc(index)),
                detail: "expected an object keyed by index".into(),
            });
        };
        Ok(per_index
            .into_iter()
            .map(|(name, entry)| {
                let raw = entry.get("mappings").cloned().unwrap_or(Value::Null);
                let (types, mapping) = unwrap_mapping(&raw);
                (
                    name,
                    IndexMapping {
                        types,
                        mapping,
                        raw,
                    },
                )
            })
            .collect())
    }

    /// `POST /{index}/_close`.
    pub async fn close_index(&self, index: &str) -> Result<(), ClusterError> {
        self.send(
            Request::new(Method::POST, format!("/{}/_close", enc(index)))
                .mutating(MutatingCall::CloseIndex, index),
        )
        .await
        .map(drop)
    }

    /// `POST /{index}/_open`.
    pub async fn open_index(&self, index: &str) -> Result<(), ClusterError> {
        self.send(
            Request::new(Method::POST, format!("/{}/_open", enc(index)))
                .mutating(MutatingCall::OpenIndex, index),
        )
        .await
        .map(drop)
    }

    /// `POST /{index}/_refresh`.
    pub async fn refresh(&self, index: &str) -> Result<(), ClusterError> {
        self.send(
            Request::new(Method::POST, format!("/{}/_refresh", enc(index)))
                .mutating(MutatingCall::Refresh, index),
        )
        .await
        .map(drop)
    }

    /// `GET /{index}/_alias`: `{index: {aliases: {name: {...}}}}`.
    pub async fn get_aliases(&self, index: &str) -> Result<Value, ClusterError> {
        self.json(Request::get(format!("/{}/_alias", enc(index))))
            .await
    }

    /// `POST /_aliases {"actions": [...]}` (atomic).
    pub async fn update_aliases(&self, actions: Vec<Value>) -> Result<(), ClusterError> {
        self.send(
            Request::new(Method::POST, "/_aliases")
                .body(json!({ "actions": actions }))
                .mutating(MutatingCall::UpdateAliases, "aliases"),
        )
        .await
        .map(drop)
    }

    /// `GET /{index}/_recovery?active_only=...`.
    pub async fn recovery(&self, index: &str, active_only: bool) -> Result<Value, ClusterError> {
        self.json(
            Request::get(format!("/{}/_recovery", enc(index)))
                .query("active_only", active_only.to_string()),
        )
        .await
    }
}
