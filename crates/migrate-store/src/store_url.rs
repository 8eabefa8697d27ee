//! Store URLs for the command line: `file:///dir`, `s3://bucket/prefix?endpoint=…&region=…`,
//! `oss://…`, `cos://…`. Credentials for S3-compatible URLs come from the AWS default chain.

use thiserror::Error;
use url::Url;

use crate::spec::{BucketSpec, Credentials, FsSpec, StoreSpec};

/// A store URL that cannot be used.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum UrlError {
    /// Not a URL at all.
    #[error(
        "`{0}` is not a store URL (expected file:///dir, s3://bucket/prefix, oss://… or cos://…)"
    )]
    Malformed(String),
    /// A scheme this tool does not speak.
    #[error("unsupported store scheme `{scheme}` in `{url}` (expected file, s3, oss or cos)")]
    Scheme {
        /// The scheme.
        scheme: String,
        /// The URL.
        url: String,
    },
    /// No bucket in an s3/oss/cos URL.
    #[error("`{0}` names no bucket")]
    NoBucket(String),
    /// User information (`user:password@`): credentials never come from a store URL.
    #[error(
        "`{0}` carries credentials; they are not read from a store URL but from the AWS default chain (environment, profile, instance role)"
    )]
    Credentials(String),
    /// A query parameter this tool does not know, or one given to a `file://` URL.
    #[error("unknown parameter `{key}` in `{url}` (known: endpoint, region)")]
    Parameter {
        /// The parameter.
        key: String,
        /// The URL.
        url: String,
    },
}

/// A URL (or what was meant to be one) as it may be shown: user information and query values
/// replaced with `…`, control characters escaped, at most 200 characters. Store URLs carry no
/// credentials, but an operator may still paste some into one.
pub fn redact_url(input: &str) -> String {
    let (head, rest) = match input.find("://") {
        Some(i) => input.split_at(i + 3),
        None => ("", input),
    };
    let authority = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let rest = match rest[..authority].rfind('@') {
        Some(at) => format!("…@{}", &rest[at + 1..]),
        None => rest.to_owned(),
    };
    let rest = match rest.split_once('?') {
        Some((path, query)) => {
            let keys: Vec<String> = query
                .split('&')
                .map(|kv| match kv.split_once('=') {
                    Some((k, _)) => format!("{k}=…"),
                    None => kv.to_owned(),
                })
                .collect();
            format!("{path}?{}", keys.join("&"))
        }
        None => rest,
    };
    let mut shown: String = format!("{head}{rest}")
        .chars()
        .flat_map(|c| {
            let escaped: Vec<char> = if c.is_control() {
                c.escape_default().collect()
            } else {
                vec![c]
            };
            escaped
        })
        .take(200)
        .collect();
    if shown.chars().count() == 200 {
        shown.push('…');
    }
    shown
}

impl StoreSpec {
    /// Parses a store URL. Errors show it through [`redact_url`].
    pub fn from_url(input: &str) -> Result<StoreSpec, UrlError> {
        let shown = || redact_url(input);
        let url = Url::parse(input).map_err(|_| UrlError::Malformed(shown()))?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err(UrlError::Credentials(shown()));
        }
        let mut endpoint = None;
        let mut region = None;
        for (key, value) in url.query_pairs() {
            match key.as_ref() {
                "endpoint" if url.scheme() != "file" => endpoint = Some(value.into_owned()),
                "region" if url.scheme() != "file" => region = Some(value.into_owned()),
                _ => {
                    return Err(UrlError::Parameter {
                        key: key.into_owned(),
                        url: shown(),
                    });
                }
            }
        }
        if url.scheme() == "file" {
            let root = url
                .to_file_path()
                .map_err(|_| UrlError::Malformed(shown()))?;
            return Ok(StoreSpec::Fs(FsSpec {
                root,
                base_path: String::new(),
            }));
        }
        let bucket = url
            .host_str()
            .filter(|h| !h.is_empty())
            .ok_or_else(|| UrlError::NoBucket(shown()))?;
        let spec = BucketSpec {
            bucket: bucket.to_owned(),
            region,
            endpoint,
            base_path: url.path().trim_matches('/').to_owned(),
            credentials: Credentials::AwsChain,
        };
        match url.scheme() {
            "s3" => Ok(StoreSpec::S3(spec)),
            "oss" => Ok(StoreSpec::Oss(spec)),
            "cos" => Ok(StoreSpec::Cos(spec)),
            other => Err(UrlError::Scheme {
                scheme: other.to_owned(),
                url: shown(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_each_scheme() {
        let s3 = StoreSpec::from_url(
            "s3://bkt/snap/shots?endpoint=http://127.0.0.1:8333&region=eu-west-1",
        )
        .unwrap();
        let StoreSpec::S3(b) = &s3 else {
            panic!("{s3:?}")
        };
        assert_eq!(
            (b.bucket.as_str(), b.base_path.as_str()),
            ("bkt", "snap/shots")
        );
        assert_eq!(b.endpoint.as_deref(), Some("http://127.0.0.1:8333"));
        assert_eq!(b.region.as_deref(), Some("eu-west-1"));
        assert_eq!(s3.display_location(), "s3://bkt/snap/shots");
        assert!(matches!(
            StoreSpec::from_url("oss://b").unwrap(),
            StoreSpec::Oss(_)
        ));
        assert!(matches!(
            StoreSpec::from_url("cos://b-125/x").unwrap(),
            StoreSpec::Cos(_)
        ));
        let fs = StoreSpec::from_url("file:///tmp/repo").unwrap();
        assert_eq!(
            fs,
            StoreSpec::Fs(FsSpec {
                root: "/tmp/repo".into(),
                base_path: String::new()
            })
        );
    }

    #[test]
    fn errors_name_the_problem() {
        assert_eq!(
            StoreSpec::from_url("gs://b").unwrap_err().to_string(),
            "unsupported store scheme `gs` in `gs://b` (expected file, s3, oss or cos)"
        );
        assert_eq!(
            StoreSpec::from_url("s3://b?acl=x").unwrap_err().to_string(),
            "unknown parameter `acl` in `s3://b?acl=…` (known: endpoint, region)"
        );
        assert!(matches!(
            StoreSpec::from_url("/tmp/x"),
            Err(UrlError::Malformed(_))
        ));
        assert!(matches!(
            StoreSpec::from_url("file:///x?region=a"),
            Err(UrlError::Parameter { .. })
        ));
    }

    #[test]
    fn errors_never_show_credentials_or_query_values() {
        assert_eq!(
            StoreSpec::from_url("s3://b/p?secret_access_key=hunter22")
                .unwrap_err()
                .to_string(),
            "unknown parameter `secret_access_key` in `s3://b/p?secret_access_key=…` (known: endpoint, region)"
        );
        assert_eq!(
            StoreSpec::from_url("s3://AKID:hunter22@b/p")
                .unwrap_err()
                .to_string(),
            "`s3://…@b/p` carries credentials; they are not read from a store URL but from the AWS default chain (environment, profile, instance role)"
        );
        assert_eq!(redact_url("s3://b/\u{1b}[2J"), "s3://b/\\u{1b}[2J");
        assert_eq!(redact_url(&"x".repeat(500)).chars().count(), 201);
    }
}
