//! Where a state lives, from `--state URL` (or the plan's `settings.state`): a local directory
//! (the file backend) or an object store and a key prefix inside it.
//!
//! - `s3://bucket/prefix?region=…&endpoint=…`, `oss://bucket/prefix?endpoint=…`,
//!   `cos://bucket-appid/prefix?region=…` — parsed by migrate-store's store URL parser; the URL's
//!   path becomes the key prefix; credentials come from the AWS default chain (environment,
//!   profile, …), never from the URL.
//! - `file:///dir` or a plain path `dir` — the file backend in that directory.

use std::path::PathBuf;

use migrate_store::{BucketSpec, StoreSpec, UrlError};

/// A parsed `--state` value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StateLocation {
    /// A directory holding `<plan>.state.json`, `<plan>.journal` and `<plan>.lock` ([`migrate_state::FileStore`]).
    Dir(PathBuf),
    /// An object store (its `base_path` empty) and the key prefix of `<prefix>/<plan>.state.json`
    /// and `<prefix>/<plan>.lock`. The caller may replace `spec`'s credentials (plan secrets).
    Object {
        /// The bucket, endpoint, region and credentials.
        spec: StoreSpec,
        /// The key prefix, without leading or trailing `/` (`""` for the bucket root).
        prefix: String,
    },
}

/// A `--state` value that cannot be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum StateUrlError {
    #[error(
        "the state location is empty; give a directory or an s3://, oss://, cos:// or file:// URL"
    )]
    Empty,
    #[error("state location: {0}")]
    Url(#[from] UrlError),
}

impl StateLocation {
    /// The location as shown in messages (no credentials ever).
    pub fn display(&self) -> String {
        match self {
            StateLocation::Dir(dir) => dir.display().to_string(),
            StateLocation::Object { spec, prefix } => {
                let base = spec.display_location();
                if prefix.is_empty() {
                    base
                } else {
                    format!("{}/{prefix}", base.trim_end_matches('/'))
                }
            }
        }
    }
}

/// Parses a `--state` value: an `s3://`, `oss://`, `cos://` or `file://` URL, or a plain path.
pub fn parse_state_url(input: &str) -> Result<StateLocation, StateUrlError> {
    let input = input.trim();
    if input.is_empty() {
        return Err(StateUrlError::Empty);
    }
    if !input.contains("://") {
        return Ok(StateLocation::Dir(PathBuf::from(input)));
    }
    let (spec, prefix) = match StoreSpec::from_url(input)? {
        StoreSpec::Fs(fs) => return Ok(StateLocation::Dir(fs.root.join(fs.base_path))),
        StoreSpec::S3(b) => split(b, StoreSpec::S3),
        StoreSpec::Oss(b) => split(b, StoreSpec::Oss),
        StoreSpec::Cos(b) => split(b, StoreSpec::Cos),
    };
    Ok(StateLocation::Object {
        spec,
        prefix: prefix.trim_matches('/').to_owned(),
    })
}

/// The bucket without its base path, and the base path (the key prefix).
fn split(mut bucket: BucketSpec, kind: fn(BucketSpec) -> StoreSpec) -> (StoreSpec, String) {
    let prefix = std::mem::take(&mut bucket.base_path);
    (kind(bucket), prefix)
}

#[cfg(test)]
mod tests {
    use super::*;
    use migrate_store::Credentials;

    #[test]
    fn object_urls_split_into_a_store_and_a_prefix() {
        let loc =
            parse_state_url("s3://bkt/ci/states/?region=eu-west-1&endpoint=http://127.0.0.1:8333")
                .unwrap();
        assert_eq!(
            loc,
            StateLocation::Object {
                spec: StoreSpec::S3(BucketSpec {
                    bucket: "bkt".into(),
                    region: Some("eu-west-1".into()),
                    endpoint: Some("http://127.0.0.1:8333".into()),
                    base_path: String::new(),
                    credentials: Credentials::AwsChain,
                }),
                prefix: "ci/states".into(),
            }
        );
        assert_eq!(loc.display(), "s3://bkt/ci/states");
        let oss =
            parse_state_url("oss://b?endpoint=https://s3.oss-cn-hangzhou.aliyuncs.com").unwrap();
        assert!(
            matches!(&oss, StateLocation::Object { spec: StoreSpec::Oss(_), prefix } if prefix.is_empty())
        );
        assert_eq!(oss.display(), "oss://b");
        assert!(matches!(
            parse_state_url("cos://b-1250000000/x?region=ap-guangzhou").unwrap(),
            StateLocation::Object {
                spec: StoreSpec::Cos(_),
                ..
            }
        ));
    }

    #[test]
    fn paths_and_file_urls_are_directories() {
        assert_eq!(
            parse_state_url("file:///srv/state").unwrap(),
            StateLocation::Dir("/srv/state".into())
        );
        assert_eq!(
            parse_state_url(" .migrate ").unwrap(),
            StateLocation::Dir(".migrate".into())
        );
    }

    #[test]
    fn bad_locations_say_what_is_expected() {
        assert_eq!(
            parse_state_url("gs://b/x").unwrap_err().to_string(),
            "state location: unsupported store scheme `gs` in `gs://b/x` (expected file, s3, oss or cos)"
        );
        assert_eq!(
            parse_state_url("s3://b/x?secret=abc")
                .unwrap_err()
                .to_string(),
            "state location: unknown parameter `secret` in `s3://b/x?secret=…` (known: endpoint, region)"
        );
        assert_eq!(
            parse_state_url("  ").unwrap_err().to_string(),
            "the state location is empty; give a directory or an s3://, oss://, cos:// or file:// URL"
        );
    }
}
