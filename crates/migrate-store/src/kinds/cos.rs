//! Tencent Cloud COS through its S3-compatible API: virtual-hosted buckets (`name-appid`), the
//! region taken from the endpoint.

use migrate_core::store::CosStore;

use super::s3::{bucket_from_url, compatible};
use super::{Resolve, required};
use crate::spec::{BucketSpec, Credentials, StoreSpec};
use migrate_core::store::url::{StoreUrl, UrlError};

/// A COS store of a plan: its SecretId and SecretKey.
pub(super) fn spec(s: &CosStore, resolve: Resolve<'_>) -> Result<StoreSpec, String> {
    Ok(compatible(
        BucketSpec {
            bucket: s.bucket.clone(),
            region: Some(s.region.clone()),
            endpoint: None,
            base_path: s.base_path.clone().unwrap_or_default(),
            credentials: Credentials::Static {
                access_key_id: required(resolve, &s.access_key_id, "access_key_id")?,
                secret_access_key: required(resolve, &s.access_key_secret, "access_key_secret")?,
                session_token: None,
            },
        },
        StoreSpec::Cos,
    ))
}

/// `cos://bucket-appid/prefix?region=…`.
pub(super) fn from_url(u: &StoreUrl) -> Result<StoreSpec, UrlError> {
    Ok(StoreSpec::Cos(bucket_from_url(u)))
}

/// `cos.ap-guangzhou.myqcloud.com` → `ap-guangzhou`.
pub(super) fn region(host: &str) -> Option<String> {
    let mut labels = host.split('.');
    while let Some(label) = labels.next() {
        if label == "cos" {
            return labels
                .next()
                .filter(|r| !r.is_empty() && *r != "myqcloud")
                .map(str::to_owned);
        }
    }
    None
}
