//! What a store is: a kind (S3, OSS, COS, Azure Blob Storage, Google Cloud Storage, local
//! filesystem), where, and with which credentials. [`crate::kinds`] builds one from a plan's store
//! (`migrate_core::Store`) or a URL, and opens it.

use std::path::PathBuf;

pub use crate::kinds::{AzureCredentials, AzureSpec, GcsSpec};
use crate::secret::SecretSource;

/// One object store location: a bucket (or directory) and a base path inside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreSpec {
    /// Amazon S3 or any S3-compatible server (path-style when an endpoint is given).
    S3(BucketSpec),
    /// Alibaba Cloud OSS through its S3-compatible API (virtual-hosted style, no aws-chunked uploads).
    Oss(BucketSpec),
    /// Tencent COS through its S3-compatible API (virtual-hosted style, bucket `name-appid`).
    Cos(BucketSpec),
    /// Azure Blob Storage (a container of a storage account).
    Azure(AzureSpec),
    /// Google Cloud Storage.
    Gcs(GcsSpec),
    /// A local directory.
    Fs(FsSpec),
}

/// A bucket in an S3-compatible store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BucketSpec {
    /// The bucket name.
    pub bucket: String,
    /// The region; for OSS and COS derived from the endpoint when absent; `us-east-1` otherwise.
    pub region: Option<String>,
    /// The endpoint URL without the bucket (e.g. `https://s3.oss-cn-hangzhou.aliyuncs.com`,
    /// `http://127.0.0.1:8333`); the provider's default when absent (S3 only).
    pub endpoint: Option<String>,
    /// The prefix inside the bucket under which everything lives (`""` for the bucket root).
    pub base_path: String,
    /// How requests are signed.
    pub credentials: Credentials,
}

/// How requests to an S3-compatible store are signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credentials {
    /// The AWS default chain: environment, shared profile, SSO, web identity, container, instance.
    AwsChain,
    /// A key pair (and optional session token), each read from its source when the store is opened.
    Static {
        /// The access key id.
        access_key_id: SecretSource,
        /// The secret access key.
        secret_access_key: SecretSource,
        /// An STS session token.
        session_token: Option<SecretSource>,
    },
    /// Unsigned requests (public buckets).
    Anonymous,
}

/// A local directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FsSpec {
    /// The directory (created if missing when opened for writing).
    pub root: PathBuf,
    /// The prefix inside it (`""` for the directory itself).
    pub base_path: String,
}

impl StoreSpec {
    /// The base path inside the bucket or directory.
    pub fn base_path(&self) -> &str {
        match self {
            StoreSpec::S3(b) | StoreSpec::Oss(b) | StoreSpec::Cos(b) => &b.base_path,
            StoreSpec::Azure(a) => &a.base_path,
            StoreSpec::Gcs(g) => &g.base_path,
            StoreSpec::Fs(f) => &f.base_path,
        }
    }

    /// The spec without its base path, and the base path (a state's key prefix).
    pub fn split_base_path(mut self) -> (StoreSpec, String) {
        let base = match &mut self {
            StoreSpec::S3(b) | StoreSpec::Oss(b) | StoreSpec::Cos(b) => &mut b.base_path,
            StoreSpec::Azure(a) => &mut a.base_path,
            StoreSpec::Gcs(g) => &mut g.base_path,
            StoreSpec::Fs(f) => &mut f.base_path,
        };
        let prefix = std::mem::take(base);
        (self, prefix)
    }

    /// The endpoint, when the spec names one.
    pub fn endpoint(&self) -> Option<&str> {
        match self {
            StoreSpec::S3(b) | StoreSpec::Oss(b) | StoreSpec::Cos(b) => b.endpoint.as_deref(),
            StoreSpec::Azure(a) => a.endpoint.as_deref(),
            StoreSpec::Gcs(g) => g.endpoint.as_deref(),
            StoreSpec::Fs(_) => None,
        }
    }

    /// A display form without credentials, e.g. `s3://bucket/base` or `file:///dir`.
    pub fn display_location(&self) -> String {
        let join = |scheme: &str, bucket: &str, base: &str| {
            if base.is_empty() {
                format!("{scheme}://{bucket}")
            } else {
                format!("{scheme}://{bucket}/{}", base.trim_matches('/'))
            }
        };
        match self {
            StoreSpec::S3(b) => join("s3", &b.bucket, &b.base_path),
            StoreSpec::Oss(b) => join("oss", &b.bucket, &b.base_path),
            StoreSpec::Cos(b) => join("cos", &b.bucket, &b.base_path),
            StoreSpec::Azure(a) => join("azure", &a.container, &a.base_path),
            StoreSpec::Gcs(g) => join("gs", &g.bucket, &g.base_path),
            StoreSpec::Fs(f) => {
                let base = f.base_path.trim_matches('/');
                let dir = if base.is_empty() {
                    f.root.clone()
                } else {
                    f.root.join(base)
                };
                format!("file://{}", dir.display())
            }
        }
    }

    /// Whether two specs address the same objects (same kind, endpoint, bucket and base path), in
    /// which case a transfer between them is skipped.
    pub fn same_location(&self, other: &StoreSpec) -> bool {
        let norm = |s: &str| s.trim_matches('/').to_owned();
        match (self, other) {
            (StoreSpec::S3(a), StoreSpec::S3(b))
            | (StoreSpec::Oss(a), StoreSpec::Oss(b))
            | (StoreSpec::Cos(a), StoreSpec::Cos(b)) => {
                a.bucket == b.bucket
                    && a.endpoint.as_deref().map(|e| e.trim_end_matches('/'))
                        == b.endpoint.as_deref().map(|e| e.trim_end_matches('/'))
                    && norm(&a.base_path) == norm(&b.base_path)
            }
            (StoreSpec::Azure(a), StoreSpec::Azure(b)) => {
                a.account == b.account
                    && a.container == b.container
                    && a.endpoint == b.endpoint
                    && norm(&a.base_path) == norm(&b.base_path)
            }
            (StoreSpec::Gcs(a), StoreSpec::Gcs(b)) => {
                a.bucket == b.bucket
                    && a.endpoint == b.endpoint
                    && norm(&a.base_path) == norm(&b.base_path)
            }
            (StoreSpec::Fs(a), StoreSpec::Fs(b)) => {
                a.root.join(norm(&a.base_path)) == b.root.join(norm(&b.base_path))
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s3(bucket: &str, base: &str, endpoint: Option<&str>) -> StoreSpec {
        StoreSpec::S3(BucketSpec {
            bucket: bucket.into(),
            region: None,
            endpoint: endpoint.map(str::to_owned),
            base_path: base.into(),
            credentials: Credentials::AwsChain,
        })
    }

    #[test]
    fn same_location_ignores_slashes_and_credentials_only() {
        assert!(s3("b", "/snap/", None).same_location(&s3("b", "snap", None)));
        assert!(s3("b", "", Some("http://h:1/")).same_location(&s3("b", "", Some("http://h:1"))));
        assert!(!s3("b", "snap", None).same_location(&s3("b", "snap2", None)));
        assert!(!s3("b", "", None).same_location(&s3("c", "", None)));
        assert!(!s3("b", "", Some("http://h:1")).same_location(&s3("b", "", Some("http://h:2"))));
        let StoreSpec::S3(bucket) = s3("b", "", None) else {
            unreachable!()
        };
        assert!(!StoreSpec::Oss(bucket).same_location(&s3("b", "", None)));
        let fs = |root: &str, base: &str| {
            StoreSpec::Fs(FsSpec {
                root: root.into(),
                base_path: base.into(),
            })
        };
        assert!(fs("/r", "x/").same_location(&fs("/r/x", "")));
        assert_eq!(fs("/r", "x").display_location(), "file:///r/x");
        assert_eq!(fs("/r", "").display_location(), "file:///r");
    }
}
