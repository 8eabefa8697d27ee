//! Alibaba Cloud OSS (repository type `oss`, plugin `elasticsearch-repository-oss`).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{
    AWS_CHAIN, Credentials, Finding, Plugin, Setting, StoreKind, bad_endpoint, empty, given,
    http_url, location, optional, plain, secret, settings,
};
use crate::secret::SecretRef;
use crate::version::Release;

/// An Alibaba Cloud OSS bucket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "OssStore")]
pub struct OssStore {
    /// The OSS endpoint, e.g. `http://oss-cn-hangzhou-internal.aliyuncs.com`.
    pub endpoint: String,
    /// The bucket name.
    pub bucket: String,
    /// The key prefix of the repository inside the bucket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_path: Option<String>,
    /// Compress snapshot metadata files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compress: Option<bool>,
    /// The AccessKey ID, as a reference: `{ env: NAME }` or `{ file: PATH }`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_key_id: Option<SecretRef>,
    /// The AccessKey secret, as a reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_access_key: Option<SecretRef>,
    /// An STS security token, as a reference, for temporary credentials.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_token: Option<SecretRef>,
    /// A RAM role of the ECS instances, instead of an AccessKey pair.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ecs_ram_role: Option<String>,
    /// Further repository settings passed through unchanged (e.g. `chunk_size`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub settings: BTreeMap<String, Value>,
}

impl StoreKind for OssStore {
    fn repository_type(&self) -> &'static str {
        "oss"
    }

    fn repository_settings(&self) -> BTreeMap<String, Setting> {
        settings([
            ("endpoint", plain(self.endpoint.as_str())),
            ("bucket", plain(self.bucket.as_str())),
            ("base_path", optional(&self.base_path)),
            ("compress", optional(&self.compress)),
            ("ecs_ram_role", optional(&self.ecs_ram_role)),
            ("access_key_id", secret(self.access_key_id.as_ref())),
            ("secret_access_key", secret(self.secret_access_key.as_ref())),
            ("security_token", secret(self.security_token.as_ref())),
        ])
    }

    fn extra(&self) -> &BTreeMap<String, Value> {
        &self.settings
    }

    fn secrets(&self) -> Vec<(&'static str, &SecretRef)> {
        given([
            ("access_key_id", self.access_key_id.as_ref()),
            ("secret_access_key", self.secret_access_key.as_ref()),
            ("security_token", self.security_token.as_ref()),
        ])
    }

    fn checks(&self, out: &mut Vec<Finding>) {
        if self.bucket.is_empty() {
            out.push(empty("bucket", "the bucket name"));
        }
        if !http_url(&self.endpoint) {
            out.push(bad_endpoint(
                "OSS",
                &self.endpoint,
                "http://oss-cn-hangzhou-internal.aliyuncs.com",
            ));
        }
        if self.ecs_ram_role.is_none()
            && (self.access_key_id.is_none() || self.secret_access_key.is_none())
        {
            out.push(Finding {
                path: Vec::new(),
                at_key: true,
                code: "plan::store",
                message: "the OSS store has no credentials".into(),
                label: "no AccessKey pair or RAM role",
                help: "add `access_key_id: { env: OSS_KEY_ID }` and `secret_access_key: { env: OSS_SECRET }`, or `ecs_ram_role`".into(),
            });
        }
    }

    fn plugin(&self, _: Option<Release>, _: &str) -> Plugin {
        Plugin::Needs("elasticsearch-repository-oss")
    }

    fn location(&self) -> String {
        location("oss", &self.bucket, self.base_path.as_deref())
    }

    fn credentials(&self) -> Credentials {
        Credentials {
            fields: &["access_key_id", "secret_access_key"],
            chain: AWS_CHAIN,
        }
    }
}
