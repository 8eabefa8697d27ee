//! Wire types for the object stores that hold snapshot repositories.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::cluster::SecretWire;

/// An object store holding a snapshot repository: exactly one of `s3`, `oss`, `cos`, `fs`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[schemars(rename = "Store")]
pub enum StoreWire {
    /// Amazon S3 (repository type `s3`).
    S3(S3StoreWire),
    /// Alibaba Cloud OSS (repository type `oss`).
    Oss(OssStoreWire),
    /// Tencent Cloud COS (repository type `cos`).
    Cos(CosStoreWire),
    /// A shared file system mounted on every node (repository type `fs`, under `path.repo`).
    Fs(FsStoreWire),
}

/// An S3 bucket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "S3Store")]
pub struct S3StoreWire {
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
    pub credentials: Option<StoreCredentialsWire>,
    /// Further repository settings passed through unchanged (e.g. `chunk_size`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub settings: BTreeMap<String, Value>,
}

/// An Alibaba Cloud OSS bucket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "OssStore")]
pub struct OssStoreWire {
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
    pub access_key_id: Option<SecretWire>,
    /// The AccessKey secret, as a reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_access_key: Option<SecretWire>,
    /// An STS security token, as a reference, for temporary credentials.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_token: Option<SecretWire>,
    /// A RAM role of the ECS instances, instead of an AccessKey pair.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ecs_ram_role: Option<String>,
    /// Further repository settings passed through unchanged (e.g. `chunk_size`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub settings: BTreeMap<String, Value>,
}

/// A Tencent Cloud COS bucket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "CosStore")]
pub struct CosStoreWire {
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
    pub access_key_id: SecretWire,
    /// The SecretKey, as a reference.
    pub access_key_secret: SecretWire,
    /// Further repository settings passed through unchanged (e.g. `chunk_size`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub settings: BTreeMap<String, Value>,
}

/// A shared file-system repository.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "FsStore")]
pub struct FsStoreWire {
    /// The repository directory as the cluster nodes see it; it must be listed in `path.repo`.
    pub location: String,
    /// Compress snapshot metadata files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compress: Option<bool>,
    /// Further repository settings passed through unchanged.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub settings: BTreeMap<String, Value>,
}

/// Static credentials for `migrate`'s own access to a store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "StoreCredentials")]
pub struct StoreCredentialsWire {
    /// The access key id, as a reference.
    pub access_key_id: SecretWire,
    /// The secret access key, as a reference.
    pub secret_access_key: SecretWire,
    /// A session token for temporary credentials, as a reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_token: Option<SecretWire>,
}
