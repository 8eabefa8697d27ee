//! Alibaba Cloud OSS through its S3-compatible API: virtual-hosted buckets, the region taken from
//! the endpoint, no aws-chunked uploads, and `x-oss-forbid-overwrite` on write-once clients.

use migrate_core::store::OssStore;

use super::s3::{bucket_from_url, compatible};
use super::{Resolve, required, secret};
use crate::secret::SecretSource;
use crate::spec::{BucketSpec, Credentials, StoreSpec};
use migrate_core::store::url::{StoreUrl, UrlError};

/// An OSS store of a plan: its AccessKey pair (and STS token); the AWS chain without one (an ECS
/// RAM role is the cluster's, not migrate's).
pub(super) fn spec(s: &OssStore, resolve: Resolve<'_>) -> Result<StoreSpec, String> {
    let credentials = match (&s.access_key_id, &s.secret_access_key) {
        (Some(id), Some(key)) => Credentials::Static {
            access_key_id: required(resolve, id, "access_key_id")?,
            secret_access_key: required(resolve, key, "secret_access_key")?,
            session_token: secret(resolve, s.security_token.as_ref(), "security_token")?
                .map(SecretSource::Value),
        },
        _ => Credentials::AwsChain,
    };
    Ok(compatible(
        BucketSpec {
            bucket: s.bucket.clone(),
            region: None,
            endpoint: Some(s.endpoint.clone()),
            base_path: s.base_path.clone().unwrap_or_default(),
            credentials,
        },
        StoreSpec::Oss,
    ))
}

/// `oss://bucket/prefix?endpoint=…`.
pub(super) fn from_url(u: &StoreUrl) -> Result<StoreSpec, UrlError> {
    Ok(StoreSpec::Oss(bucket_from_url(u)))
}

/// `oss-cn-hangzhou[-internal].aliyuncs.com` or `s3.oss-cn-hangzhou[-internal].aliyuncs.com` → `cn-hangzhou`.
pub(super) fn region(host: &str) -> Option<String> {
    let label = host.split('.').find(|l| l.starts_with("oss-"))?;
    let region = label.strip_prefix("oss-")?;
    let region = region.strip_suffix("-internal").unwrap_or(region);
    (!region.is_empty() && region != "accelerate").then(|| region.to_owned())
}
