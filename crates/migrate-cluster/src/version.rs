//! Cluster flavour and version, parsed from `GET /` or inferred for endpoints without it.

use std::fmt;

use serde::Deserialize;

/// Which product a cluster runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Flavour {
    Elasticsearch,
    OpenSearch,
    /// Amazon OpenSearch Serverless: no `GET /`, typeless, no snapshots or remote reindex.
    OpenSearchServerless,
}

/// A `major.minor.patch` version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Version {
    pub major: u32,
    pub minor: u32,
    pub patch: u32,
}

impl Version {
    pub const fn new(major: u32, minor: u32, patch: u32) -> Self {
        Version {
            major,
            minor,
            patch,
        }
    }

    /// Parse `7.10.2`, `8.0.0-SNAPSHOT`, `6.8`.
    pub fn parse(s: &str) -> Option<Version> {
        let core = s.split(['-', '+']).next()?;
        let mut it = core.split('.');
        let major = it.next()?.parse().ok()?;
        let minor = it.next().map_or(Some(0), |m| m.parse().ok())?;
        let patch = it.next().map_or(Some(0), |p| p.parse().ok())?;
        Some(Version::new(major, minor, patch))
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// What the client knows about the server it talks to.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ServerInfo {
    pub flavour: Flavour,
    /// `None` for Serverless, which reports no version.
    pub version: Option<Version>,
    pub cluster_name: Option<String>,
    pub cluster_uuid: Option<String>,
}

/// Body of `GET /`.
#[derive(Debug, Clone, Deserialize)]
pub struct RootInfo {
    #[serde(default)]
    pub cluster_name: Option<String>,
    #[serde(default)]
    pub cluster_uuid: Option<String>,
    pub version: RootVersion,
    #[serde(default)]
    pub tagline: Option<String>,
}

/// `version` object of `GET /`.
#[derive(Debug, Clone, Deserialize)]
pub struct RootVersion {
    pub number: String,
    /// `"opensearch"` on OpenSearch; absent on Elasticsearch (some ES forks say `"elasticsearch"`).
    #[serde(default)]
    pub distribution: Option<String>,
}

impl RootInfo {
    /// Flavour and version, or `None` if the version number does not parse.
    pub fn server_info(&self) -> Option<ServerInfo> {
        let flavour = match self.version.distribution.as_deref() {
            Some(d) if d.eq_ignore_ascii_case("opensearch") => Flavour::OpenSearch,
            _ if self
                .tagline
                .as_deref()
                .is_some_and(|t| t.contains("OpenSearch")) =>
            {
                Flavour::OpenSearch
            }
            _ => Flavour::Elasticsearch,
        };
        Some(ServerInfo {
            flavour,
            version: Some(Version::parse(&self.version.number)?),
            cluster_name: self.cluster_name.clone(),
            cluster_uuid: self.cluster_uuid.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_versions() {
        assert_eq!(Version::parse("7.10.2"), Some(Version::new(7, 10, 2)));
        assert_eq!(
            Version::parse("8.0.0-SNAPSHOT"),
            Some(Version::new(8, 0, 0))
        );
        assert_eq!(Version::parse("6.8"), Some(Version::new(6, 8, 0)));
        assert_eq!(Version::parse("x"), None);
        assert!(Version::new(7, 10, 2) < Version::new(7, 11, 0));
    }

    #[test]
    fn detects_flavour() {
        let os: RootInfo = serde_json::from_str(
            r#"{"name":"n","cluster_name":"c","cluster_uuid":"u","version":{"distribution":"opensearch","number":"2.11.0"},"tagline":"The OpenSearch Project: https://opensearch.org/"}"#,
        )
        .unwrap();
        let i = os.server_info().unwrap();
        assert_eq!(i.flavour, Flavour::OpenSearch);
        assert_eq!(i.version, Some(Version::new(2, 11, 0)));
        let es: RootInfo = serde_json::from_str(
            r#"{"name":"n","cluster_name":"c","version":{"number":"7.10.2","build_flavor":"default"},"tagline":"You Know, for Search"}"#,
        )
        .unwrap();
        assert_eq!(es.server_info().unwrap().flavour, Flavour::Elasticsearch);
    }
}
