//! A shared file system (repository type `fs`): a directory every node mounts, listed in `path.repo`.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{
    Credentials, Finding, Plugin, Setting, StoreKind, location, optional, plain, settings,
};
use crate::secret::SecretRef;
use crate::version::Release;

/// A shared file-system repository.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "FsStore")]
pub struct FsStore {
    /// The repository directory as the cluster nodes see it; it must be listed in `path.repo`.
    pub location: String,
    /// Compress snapshot metadata files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compress: Option<bool>,
    /// Further repository settings passed through unchanged.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub settings: BTreeMap<String, Value>,
}

impl StoreKind for FsStore {
    fn repository_type(&self) -> &'static str {
        "fs"
    }

    fn repository_settings(&self) -> BTreeMap<String, Setting> {
        settings([
            ("location", plain(self.location.as_str())),
            ("compress", optional(&self.compress)),
        ])
    }

    fn extra(&self) -> &BTreeMap<String, Value> {
        &self.settings
    }

    fn secrets(&self) -> Vec<(&'static str, &SecretRef)> {
        Vec::new()
    }

    fn checks(&self, out: &mut Vec<Finding>) {
        if !self.location.starts_with('/') {
            out.push(Finding {
                path: vec!["location"],
                at_key: false,
                code: "plan::store",
                message: format!("fs location `{}` is not an absolute path", self.location),
                label: "relative path",
                help: "write the directory as the cluster nodes see it, e.g. `/mnt/snapshots/migration`; it must be listed in `path.repo`".into(),
            });
        }
    }

    fn plugin(&self, _: Option<Release>, _: &str) -> Plugin {
        Plugin::None
    }

    fn location(&self) -> String {
        location("fs", &self.location, None)
    }

    fn credentials(&self) -> Credentials {
        Credentials {
            fields: &[],
            chain: "this machine's file permissions",
        }
    }
}
