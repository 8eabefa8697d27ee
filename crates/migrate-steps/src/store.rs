//! From a plan store (repository type and settings) to the `migrate_store::StoreSpec` the transfer
//! opens: the same bucket, base path and endpoint the cluster writes to, with the same credentials.

use std::path::PathBuf;

use migrate_graph::blueprint::{Setting, Store, StoreKind};
use migrate_store::{BucketSpec, Credentials, FsSpec, Secret, SecretSource, StoreSpec};
use serde_json::Value;

use crate::secrets::SecretBook;

/// The object-store location a repository of `store` reads and writes, for the transfer.
///
/// `fs` stores need an absolute `location` (the directory the cluster's `path.repo` allows); bucket
/// stores take `bucket`, `base_path`, `region` and `endpoint`, and the key pair from
/// `access_key_id` + `secret_access_key` (`access_key_secret` for COS) when the plan gives one,
/// otherwise the AWS credential chain.
pub fn store_spec(
    store: &Store,
    secrets: &dyn Fn(&Setting) -> Option<String>,
) -> Result<StoreSpec, String> {
    let text = |k: &str| store.settings.get(k).and_then(secrets);
    match store.kind {
        StoreKind::Fs => {
            let location = text("location")
                .ok_or("an `fs` store needs a `location` setting (the repository directory)")?;
            let root = PathBuf::from(&location);
            if !root.is_absolute() {
                return Err(format!(
                    "the `fs` store location `{location}` is relative to the cluster's `path.repo`; give the absolute directory so the transfer can read it"
                ));
            }
            Ok(StoreSpec::Fs(FsSpec {
                root,
                base_path: String::new(),
            }))
        }
        StoreKind::S3 | StoreKind::Oss | StoreKind::Cos => {
            let bucket = text("bucket").ok_or("a bucket store needs a `bucket` setting")?;
            let secret_key = text("secret_access_key").or_else(|| text("access_key_secret"));
            let credentials = match (text("access_key_id"), secret_key) {
                (Some(id), Some(key)) => Credentials::Static {
                    access_key_id: SecretSource::Value(Secret::new(id)),
                    secret_access_key: SecretSource::Value(Secret::new(key)),
                    session_token: text("security_token")
                        .or_else(|| text("session_token"))
                        .map(|t| SecretSource::Value(Secret::new(t))),
                },
                _ => Credentials::AwsChain,
            };
            let spec = BucketSpec {
                bucket,
                region: text("region"),
                endpoint: text("endpoint"),
                base_path: text("base_path").unwrap_or_default(),
                credentials,
            };
            // A loopback endpoint is a local test server, which cannot serve virtual-hosted
            // buckets (`bucket.127.0.0.1` does not resolve): address it path-style, as plain S3,
            // the way the sandbox's `oss`/`cos` repositories do.
            let loopback = spec.endpoint.as_deref().is_some_and(is_loopback);
            Ok(match store.kind {
                _ if loopback => StoreSpec::S3(spec),
                StoreKind::S3 => StoreSpec::S3(spec),
                StoreKind::Oss => StoreSpec::Oss(spec),
                _ => StoreSpec::Cos(spec),
            })
        }
    }
}

fn is_loopback(endpoint: &str) -> bool {
    url::Url::parse(endpoint)
        .is_ok_and(|u| matches!(u.host_str(), Some("127.0.0.1" | "localhost" | "[::1]")))
}

/// Where a store setting's value comes from, for messages (never the value): `env `NAME``,
/// `file `PATH``, or `written in the plan`; `None` when the store has no such setting.
pub(crate) fn setting_origin(store: &Store, key: &str) -> Option<String> {
    Some(match store.settings.get(key)? {
        Setting::Secret(r) => r.origin(),
        Setting::Plain(_) => "written in the plan".into(),
    })
}

/// A setting's text: plain strings as they are, other plain values as JSON, secrets resolved.
pub(crate) fn setting_text(book: &SecretBook, s: &Setting) -> Option<String> {
    match s {
        Setting::Plain(Value::String(v)) => Some(v.clone()),
        Setting::Plain(Value::Null) => None,
        Setting::Plain(v) => Some(v.to_string()),
        Setting::Secret(r) => book.get(r).map(|v| v.expose().to_owned()),
    }
}
