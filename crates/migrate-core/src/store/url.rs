//! The one parser of store URLs (`--state`, the plan's `settings.state`, `repo ls`): `file:///dir`,
//! `s3://bucket/prefix?endpoint=…&region=…`, `oss://…`, `cos://…`,
//! `azure://container/prefix?account=…&endpoint=…`, `gs://bucket/prefix?endpoint=…`. Each scheme
//! takes its kind's parameters only; credentials never ride in a URL (they come from each
//! provider's chain, or the environment).

use std::collections::BTreeMap;

use thiserror::Error;
use url::Url;

/// A URL's store kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    File,
    S3,
    Oss,
    Cos,
    Azure,
    Gs,
}

impl Scheme {
    /// Every scheme, as messages list them.
    pub const ALL: &'static str = "file, s3, oss, cos, azure or gs";

    fn from_str(s: &str) -> Option<Scheme> {
        Some(match s {
            "file" => Scheme::File,
            "s3" => Scheme::S3,
            "oss" => Scheme::Oss,
            "cos" => Scheme::Cos,
            "azure" => Scheme::Azure,
            "gs" => Scheme::Gs,
            _ => return None,
        })
    }

    /// The query parameters the scheme takes.
    pub fn params(self) -> &'static [&'static str] {
        match self {
            Scheme::File => &[],
            Scheme::S3 | Scheme::Oss | Scheme::Cos => &["endpoint", "region"],
            Scheme::Azure => &["account", "endpoint"],
            Scheme::Gs => &["endpoint"],
        }
    }

    /// The parameters it needs.
    fn required(self) -> &'static [&'static str] {
        match self {
            Scheme::Azure => &["account"],
            _ => &[],
        }
    }
}

/// A parsed store URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreUrl {
    pub input: String,
    pub scheme: Scheme,
    /// The bucket or container (`None` for `file://`).
    pub bucket: Option<String>,
    /// The path after it, without leading or trailing `/` (the prefix); for `file://` the
    /// directory.
    pub path: String,
    pub params: BTreeMap<String, String>,
}

/// A store URL that cannot be used.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum UrlError {
    /// Not a URL at all.
    #[error(
        "`{0}` is not a store URL (expected file:///dir, s3://bucket/prefix, oss://…, cos://…, azure://container/prefix?account=… or gs://bucket/prefix)"
    )]
    Malformed(String),
    /// A scheme this tool does not speak.
    #[error(
        "unsupported store scheme `{scheme}` in `{url}` (expected {})",
        Scheme::ALL
    )]
    Scheme { scheme: String, url: String },
    /// No bucket (or container) in a URL that needs one.
    #[error("`{0}` names no bucket")]
    NoBucket(String),
    /// A query parameter the URL's kind does not take.
    #[error("unknown parameter `{key}` in `{url}` (known: {known})")]
    Parameter {
        key: String,
        url: String,
        known: String,
    },
    /// A parameter the URL's kind needs.
    #[error("`{url}` needs `{key}=…`")]
    Missing { key: &'static str, url: String },
    /// User information in the URL.
    #[error(
        "`{0}` carries credentials; they are not read from a store URL but from the provider's chain (environment, profile, instance role)"
    )]
    Credentials(String),
    /// A `file://` URL that is not absolute.
    #[error("`{0}` needs an absolute path (`file:///dir`)")]
    Relative(String),
}

/// Parses a store URL. Errors show it through [`redact_url`].
pub fn parse(input: &str) -> Result<StoreUrl, UrlError> {
    let shown = || redact_url(input);
    let url = Url::parse(input).map_err(|_| UrlError::Malformed(shown()))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(UrlError::Credentials(shown()));
    }
    let scheme = Scheme::from_str(url.scheme()).ok_or_else(|| UrlError::Scheme {
        scheme: url.scheme().to_owned(),
        url: shown(),
    })?;
    let params: BTreeMap<String, String> = url.query_pairs().into_owned().collect();
    let known = scheme.params();
    if let Some(key) = params.keys().find(|k| !known.contains(&k.as_str())) {
        return Err(UrlError::Parameter {
            key: key.clone(),
            url: shown(),
            known: known.join(", "),
        });
    }
    if let Some(key) = scheme.required().iter().find(|k| !params.contains_key(**k)) {
        return Err(UrlError::Missing { key, url: shown() });
    }
    if scheme == Scheme::File {
        let path = url
            .to_file_path()
            .map_err(|_| UrlError::Relative(shown()))?;
        return Ok(StoreUrl {
            input: input.to_owned(),
            scheme,
            bucket: None,
            path: path.display().to_string(),
            params,
        });
    }
    let bucket = url
        .host_str()
        .filter(|h| !h.is_empty())
        .ok_or_else(|| UrlError::NoBucket(shown()))?;
    Ok(StoreUrl {
        input: input.to_owned(),
        scheme,
        bucket: Some(bucket.to_owned()),
        path: url.path().trim_matches('/').to_owned(),
        params,
    })
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

/// A state location as the plan's `settings.state` or `--state` gives it: a store URL, or
/// (without `://`) a directory path.
pub fn parse_location(input: &str) -> Result<Option<StoreUrl>, UrlError> {
    if input.contains("://") {
        parse(input).map(Some)
    } else {
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_scheme_parses_with_its_own_parameters() {
        let u = parse("s3://bkt/a/b/?region=eu-west-1&endpoint=http://127.0.0.1:1").unwrap();
        assert_eq!(
            (u.scheme, u.bucket.as_deref(), u.path.as_str()),
            (Scheme::S3, Some("bkt"), "a/b")
        );
        assert_eq!(
            parse("azure://c/p?account=a").unwrap().scheme,
            Scheme::Azure
        );
        assert_eq!(parse("gs://b").unwrap().scheme, Scheme::Gs);
        assert_eq!(parse("file:///srv/state").unwrap().path, "/srv/state");
    }

    #[test]
    fn what_is_wrong_is_named() {
        let err = |s| parse(s).unwrap_err().to_string();
        assert_eq!(
            err("hdfs://b"),
            "unsupported store scheme `hdfs` in `hdfs://b` (expected file, s3, oss, cos, azure or gs)"
        );
        assert_eq!(
            err("s3://b?acl=x"),
            "unknown parameter `acl` in `s3://b?acl=…` (known: endpoint, region)"
        );
        assert_eq!(err("azure://c"), "`azure://c` needs `account=…`");
        assert!(err("s3://key:secret@b").contains("carries credentials"));
        assert_eq!(err("gs:///x"), "`gs:///x` names no bucket");
        assert!(err("/tmp/x").contains("is not a store URL"));
        assert_eq!(parse_location(".migrate"), Ok(None));
    }
}
