//! What a cluster runs: a flavour and version ([`Release`]), or Amazon OpenSearch Serverless, which
//! reports none ([`Product`]); and their two spellings: the plan's `elasticsearch-7.10.2` and the
//! `7.10.2` a cluster answers `GET /` with.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The product family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Flavor {
    #[serde(rename = "elasticsearch")]
    Elasticsearch,
    #[serde(rename = "opensearch")]
    OpenSearch,
}

impl Flavor {
    /// `elasticsearch` / `opensearch`: the plan's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Flavor::Elasticsearch => "elasticsearch",
            Flavor::OpenSearch => "opensearch",
        }
    }

    /// `Elasticsearch` / `OpenSearch`: the product's name in messages.
    pub fn name(self) -> &'static str {
        match self {
            Flavor::Elasticsearch => "Elasticsearch",
            Flavor::OpenSearch => "OpenSearch",
        }
    }

    /// The major versions migrate supports.
    pub fn supported_majors(self) -> std::ops::RangeInclusive<u32> {
        match self {
            Flavor::Elasticsearch => 5..=8,
            Flavor::OpenSearch => 1..=3,
        }
    }

    /// Parses `elasticsearch` / `opensearch` (also `es` / `os`, any case).
    pub fn parse(s: &str) -> Option<Flavor> {
        match s.to_ascii_lowercase().as_str() {
            "elasticsearch" | "es" => Some(Flavor::Elasticsearch),
            "opensearch" | "os" => Some(Flavor::OpenSearch),
            _ => None,
        }
    }
}

impl fmt::Display for Flavor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A `major.minor.patch` version number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
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

    /// Parses what clusters report: `7.10.2`, `8.0.0-SNAPSHOT`, `6.8` (missing parts are 0).
    pub fn parse(s: &str) -> Option<Version> {
        let core = s.split(['-', '+']).next()?;
        let mut it = core.split('.');
        let major = number(it.next()?)?;
        let minor = it.next().map_or(Some(0), number)?;
        let patch = it.next().map_or(Some(0), number)?;
        if it.next().is_some() {
            return None;
        }
        Some(Version::new(major, minor, patch))
    }
}

/// A decimal part: digits only (no sign, no spaces).
fn number(part: &str) -> Option<u32> {
    if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    part.parse().ok()
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// A flavour at a version: `Elasticsearch 7.10.2`. Ordered by flavour, then version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Release {
    pub flavor: Flavor,
    #[serde(flatten)]
    pub version: Version,
}

impl Release {
    pub const fn new(flavor: Flavor, major: u32, minor: u32, patch: u32) -> Self {
        Release {
            flavor,
            version: Version::new(major, minor, patch),
        }
    }

    /// Parses the plan's spelling, `elasticsearch-X[.Y[.Z]]` / `opensearch-X[.Y[.Z]]` (missing parts
    /// are 0; nothing else is accepted, not even a pre-release suffix).
    pub fn parse_declared(s: &str) -> Option<Release> {
        let (flavor, number) = s.split_once('-')?;
        let flavor = match flavor {
            "elasticsearch" => Flavor::Elasticsearch,
            "opensearch" => Flavor::OpenSearch,
            _ => return None,
        };
        let mut parts = number.split('.');
        let major = number_part(parts.next())?;
        let minor = parts.next().map_or(Some(0), |p| number_part(Some(p)))?;
        let patch = parts.next().map_or(Some(0), |p| number_part(Some(p)))?;
        if parts.next().is_some() {
            return None;
        }
        Some(Release::new(flavor, major, minor, patch))
    }

    /// The plan's spelling: `elasticsearch-7.10.2`.
    pub fn declared(&self) -> String {
        format!("{}-{}", self.flavor.as_str(), self.version)
    }

    /// Whether migrate supports this major version of the flavour.
    pub fn is_supported(&self) -> bool {
        self.flavor.supported_majors().contains(&self.version.major)
    }

    pub fn is_elasticsearch(&self) -> bool {
        self.flavor == Flavor::Elasticsearch
    }

    /// True at or after `major.minor.patch` (any flavour).
    pub fn at_least(&self, major: u32, minor: u32, patch: u32) -> bool {
        self.version >= Version::new(major, minor, patch)
    }
}

fn number_part(p: Option<&str>) -> Option<u32> {
    number(p?)
}

impl fmt::Display for Release {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.flavor.name(), self.version)
    }
}

/// What a cluster runs, as far as its behaviour goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Product {
    /// A self-managed or hosted Elasticsearch / OpenSearch of a known version.
    Release(Release),
    /// Amazon OpenSearch Serverless: no `GET /`, no version, typeless, no snapshots or remote
    /// reindex; otherwise it behaves like the newest OpenSearch.
    Serverless,
}

impl Product {
    /// The release, `None` for Serverless.
    pub fn release(&self) -> Option<Release> {
        match self {
            Product::Release(r) => Some(*r),
            Product::Serverless => None,
        }
    }

    /// The flavour (OpenSearch for Serverless).
    pub fn flavor(&self) -> Flavor {
        match self {
            Product::Release(r) => r.flavor,
            Product::Serverless => Flavor::OpenSearch,
        }
    }
}

impl fmt::Display for Product {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Product::Release(r) => r.fmt(f),
            Product::Serverless => f.write_str("Amazon OpenSearch Serverless"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cluster_versions_parse_leniently_and_plan_versions_strictly() {
        assert_eq!(Version::parse("7.10.2"), Some(Version::new(7, 10, 2)));
        assert_eq!(
            Version::parse("8.0.0-SNAPSHOT"),
            Some(Version::new(8, 0, 0))
        );
        assert_eq!(Version::parse("6.8"), Some(Version::new(6, 8, 0)));
        assert_eq!(Version::parse("x"), None);
        assert_eq!(Version::parse("7.+1"), None);
        assert_eq!(
            Release::parse_declared("opensearch-2"),
            Some(Release::new(Flavor::OpenSearch, 2, 0, 0))
        );
        assert_eq!(
            Release::parse_declared("elasticsearch-5.5.2"),
            Some(Release::new(Flavor::Elasticsearch, 5, 5, 2))
        );
        for bad in [
            "es-7",
            "elasticsearch-7.1.2.3",
            "elasticsearch-7.x",
            "elasticsearch-",
            "7.10",
        ] {
            assert_eq!(Release::parse_declared(bad), None, "{bad}");
        }
    }

    #[test]
    fn releases_show_and_serialise_as_before() {
        let r = Release::new(Flavor::OpenSearch, 2, 11, 0);
        assert_eq!(r.to_string(), "OpenSearch 2.11.0");
        assert_eq!(r.declared(), "opensearch-2.11.0");
        assert_eq!(
            serde_json::to_string(&r).unwrap(),
            r#"{"flavor":"opensearch","major":2,"minor":11,"patch":0}"#
        );
        assert!(
            Release::new(Flavor::Elasticsearch, 7, 10, 2)
                < Release::new(Flavor::Elasticsearch, 7, 11, 0)
        );
        assert_eq!(Product::Serverless.flavor(), Flavor::OpenSearch);
    }
}
