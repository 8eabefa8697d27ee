//! Tencent Cloud COS (repository type `cos`, plugin `repository-cos`).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{
    AWS_CHAIN, Credentials, Finding, Plugin, Setting, StoreKind, empty, location, optional, plain,
    secret, settings,
};
use crate::secret::SecretRef;
use crate::version::Release;

/// A Tencent Cloud COS bucket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "CosStore")]
pub struct CosStore {
    /// The bucket, `<name>-<appid>`.
    pub bucket: String,
    /// The bucket's region, e.g. `ap-guangzhou`.
    pub region: String,
    /// The key prefix of the repository inside the bucket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_path: Option<String>,
    /// Compress snapshot metadata files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compress: Option<bool>,
    /// The SecretId, as a reference: `{ env: NAME }` or `{ file: PATH }`.
    pub access_key_id: SecretRef,
    /// The SecretKey, as a reference.
    pub access_key_secret: SecretRef,
    /// Further repository settings passed through unchanged (e.g. `chunk_size`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub settings: BTreeMap<String, Value>,
}

impl StoreKind for CosStore {
    fn repository_type(&self) -> &'static str {
        "cos"
    }

    fn repository_settings(&self) -> BTreeMap<String, Setting> {
        settings([
            ("bucket", plain(self.bucket.as_str())),
            ("region", plain(self.region.as_str())),
            ("base_path", optional(&self.base_path)),
            ("compress", optional(&self.compress)),
            ("access_key_id", secret(Some(&self.access_key_id))),
            ("access_key_secret", secret(Some(&self.access_key_secret))),
        ])
    }

    fn extra(&self) -> &BTreeMap<String, Value> {
        &self.settings
    }

    fn secrets(&self) -> Vec<(&'static str, &SecretRef)> {
        vec![
            ("access_key_id", &self.access_key_id),
            ("access_key_secret", &self.access_key_secret),
        ]
    }

    fn checks(&self, out: &mut Vec<Finding>) {
        if self.bucket.is_empty() {
            out.push(empty("bucket", "the bucket name"));
        }
        if self.region.is_empty() {
            out.push(empty("region", "the region"));
        }
    }

    fn plugin(&self, _: Option<Release>, _: &str) -> Plugin {
        Plugin::Needs("repository-cos")
    }

    fn location(&self) -> String {
        location("cos", &self.bucket, self.base_path.as_deref())
    }

    fn credentials(&self) -> Credentials {
        Credentials {
            fields: &["access_key_id", "access_key_secret"],
            chain: AWS_CHAIN,
        }
    }
}
