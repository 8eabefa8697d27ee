//! Amazon S3 and S3-compatible stores (repository type `s3`).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{
    AWS_CHAIN, Credentials, Finding, Plugin, Setting, StoreKind, bundled_from_es8, empty, location,
    optional, plain, settings,
};
use crate::secret::SecretRef;
use crate::version::Release;

/// An S3 bucket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "S3Store")]
pub struct S3Store {
    /// The bucket name.
    pub bucket: String,
    /// The bucket's region, e.g. `ap-southeast-1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// An S3 endpoint, when not the region's default (e.g. `s3.amazonaws.com`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    /// The key prefix of the repository inside the bucket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_path: Option<String>,
    /// The IAM role Amazon OpenSearch Service assumes to write the bucket (`arn:aws:iam::<account>:role/<name>`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_arn: Option<String>,
    /// Compress snapshot metadata files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compress: Option<bool>,
    /// Encrypt objects with S3-managed keys.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_side_encryption: Option<bool>,
    /// Credentials `migrate` uses to read or write the bucket during transfers; the AWS chain when omitted. Never sent to a cluster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credentials: Option<S3Credentials>,
    /// Further repository settings passed through unchanged (e.g. `chunk_size`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub settings: BTreeMap<String, Value>,
}

/// Static credentials for `migrate`'s own access to a store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "StoreCredentials")]
pub struct S3Credentials {
    /// The access key id, as a reference.
    pub access_key_id: SecretRef,
    /// The secret access key, as a reference.
    pub secret_access_key: SecretRef,
    /// A session token for temporary credentials, as a reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_token: Option<SecretRef>,
}

impl StoreKind for S3Store {
    fn repository_type(&self) -> &'static str {
        "s3"
    }

    fn repository_settings(&self) -> BTreeMap<String, Setting> {
        settings([
            ("bucket", plain(self.bucket.as_str())),
            ("region", optional(&self.region)),
            ("endpoint", optional(&self.endpoint)),
            ("base_path", optional(&self.base_path)),
            ("role_arn", optional(&self.role_arn)),
            ("compress", optional(&self.compress)),
            (
                "server_side_encryption",
                optional(&self.server_side_encryption),
            ),
        ])
    }

    fn extra(&self) -> &BTreeMap<String, Value> {
        &self.settings
    }

    fn secrets(&self) -> Vec<(&'static str, &SecretRef)> {
        let Some(c) = &self.credentials else {
            return Vec::new();
        };
        let mut out = vec![
            ("credentials.access_key_id", &c.access_key_id),
            ("credentials.secret_access_key", &c.secret_access_key),
        ];
        if let Some(t) = &c.session_token {
            out.push(("credentials.session_token", t));
        }
        out
    }

    fn checks(&self, out: &mut Vec<Finding>) {
        if self.bucket.is_empty() {
            out.push(empty("bucket", "the bucket name"));
        }
        if let Some(arn) = &self.role_arn
            && !arn.starts_with("arn:")
        {
            out.push(Finding {
                path: vec!["role_arn"],
                at_key: false,
                code: "plan::store",
                message: format!("`{arn}` is not an IAM role ARN"),
                label: "not an ARN",
                help: "write it as `arn:aws:iam::<account-id>:role/<role-name>`".into(),
            });
        }
    }

    /// A module from Elasticsearch 8, and built into Amazon OpenSearch Service; a plugin elsewhere
    /// (self-managed OpenSearch 1.x–3.x still ships it as one).
    fn plugin(&self, release: Option<Release>, url: &str) -> Plugin {
        if bundled_from_es8(release) || url.contains(".amazonaws.com") {
            Plugin::BuiltIn
        } else {
            Plugin::Needs("repository-s3")
        }
    }

    fn location(&self) -> String {
        location("s3", &self.bucket, self.base_path.as_deref())
    }

    fn credentials(&self) -> Credentials {
        Credentials {
            fields: &["credentials.access_key_id", "credentials.secret_access_key"],
            chain: AWS_CHAIN,
        }
    }
}
