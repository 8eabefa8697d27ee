//! Flavour (Elasticsearch or OpenSearch) and version, and every version-dependent behaviour derived from them.
//!
//! Where the engine's quirks table (`migrate_core::Quirks`) holds the same rule (mapping types,
//! `hits.total`, task headers, point in time, the remote allowlist), the sandbox reads it there;
//! this module's tests pin each rule's value per version, so a change to the table shows here.

use std::fmt;
use std::str::FromStr;

use migrate_core::{MappingTypes, Quirks, Release};
use serde_json::{Value, json};

/// Which product the sandbox impersonates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Flavor {
    /// Elasticsearch (5.x to 8.x).
    Elasticsearch,
    /// OpenSearch (1.x, 2.x).
    OpenSearch,
}

impl FromStr for Flavor {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "elasticsearch" | "es" => Ok(Flavor::Elasticsearch),
            "opensearch" | "os" => Ok(Flavor::OpenSearch),
            other => Err(format!(
                "unknown flavour `{other}`: use `elasticsearch` or `opensearch`"
            )),
        }
    }
}

impl fmt::Display for Flavor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Flavor::Elasticsearch => "elasticsearch",
            Flavor::OpenSearch => "opensearch",
        })
    }
}

/// A `major.minor.patch` version number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    /// Major.
    pub major: u32,
    /// Minor.
    pub minor: u32,
    /// Patch.
    pub patch: u32,
}

impl Version {
    /// A version from its parts.
    pub const fn new(major: u32, minor: u32, patch: u32) -> Self {
        Version {
            major,
            minor,
            patch,
        }
    }
}

impl FromStr for Version {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let core = s.split(['-', '+']).next().unwrap_or(s);
        let mut parts = core.split('.');
        let mut next = |name: &str| -> Result<u32, String> {
            match parts.next() {
                None | Some("") => Ok(0),
                Some(p) => p
                    .parse()
                    .map_err(|_| format!("version `{s}`: {name} part `{p}` is not a number")),
            }
        };
        let major = next("major")?;
        let minor = next("minor")?;
        let patch = next("patch")?;
        if major == 0 {
            return Err(format!("version `{s}` is not a valid version"));
        }
        Ok(Version::new(major, minor, patch))
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// How an index's mappings are keyed by type in this version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeMode {
    /// 5.x: several mapping types per index.
    Multi,
    /// 6.x: exactly one mapping type.
    Single,
    /// 7.x and OpenSearch 1.x: typeless by default, `include_type_name` shows `_doc`; hits carry `_type`.
    TypelessWithDoc,
    /// 8.x and OpenSearch 2.x: no types anywhere.
    None,
}

/// A flavour and version together: the identity of the impersonated cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Product {
    /// Flavour.
    pub flavor: Flavor,
    /// Version.
    pub version: Version,
}

impl Product {
    /// Checks the combination is one the sandbox can impersonate.
    pub fn new(flavor: Flavor, version: Version) -> Result<Self, String> {
        let ok = match flavor {
            Flavor::Elasticsearch => (5..=8).contains(&version.major),
            Flavor::OpenSearch => (1..=3).contains(&version.major),
        };
        if !ok {
            return Err(format!(
                "{flavor} {version} is not supported: use Elasticsearch 5.x-8.x or OpenSearch 1.x-3.x"
            ));
        }
        Ok(Product { flavor, version })
    }

    /// True for OpenSearch.
    pub fn is_opensearch(&self) -> bool {
        self.flavor == Flavor::OpenSearch
    }

    /// The Elasticsearch-equivalent major version (OpenSearch 1.x ≈ ES 7.10, 2.x ≈ "8" for wire shapes).
    pub fn es_major(&self) -> u32 {
        match self.flavor {
            Flavor::Elasticsearch => self.version.major,
            Flavor::OpenSearch => 7,
        }
    }

    /// The engine's quirks table for this product.
    pub fn quirks(&self) -> Quirks {
        let flavor = match self.flavor {
            Flavor::Elasticsearch => migrate_core::Flavor::Elasticsearch,
            Flavor::OpenSearch => migrate_core::Flavor::OpenSearch,
        };
        let v = self.version;
        Quirks::new(migrate_core::Product::Release(Release::new(
            flavor, v.major, v.minor, v.patch,
        )))
    }

    /// Mapping-type behaviour.
    pub fn type_mode(&self) -> TypeMode {
        match self.quirks().mapping_types() {
            MappingTypes::Multiple => TypeMode::Multi,
            MappingTypes::Single => TypeMode::Single,
            MappingTypes::TypelessWithParam => TypeMode::TypelessWithDoc,
            MappingTypes::Typeless => TypeMode::None,
        }
    }

    /// Whether `hits.total` is an object `{value, relation}` by default (7.x onward, all OpenSearch).
    pub fn total_hits_object(&self) -> bool {
        self.quirks().hits_total_is_object()
    }

    /// Whether tasks keep the request's `X-Opaque-Id` under `headers` (ES 6.2+, all OpenSearch).
    pub fn task_headers(&self) -> bool {
        self.quirks().task_headers()
    }

    /// Whether point-in-time search exists (ES 7.10+, OpenSearch 2.4+).
    pub fn has_pit(&self) -> bool {
        self.quirks().point_in_time()
    }

    /// Whether several snapshots may run at once (Elasticsearch 7.7+, every OpenSearch); older
    /// versions refuse a second one with `concurrent_snapshot_execution_exception` (503).
    pub fn concurrent_snapshots(&self) -> bool {
        self.is_opensearch() || self.version >= Version::new(7, 7, 0)
    }

    /// A `Warning` header value carrying a deprecation message, as the server's deprecation logger
    /// writes it (`299 <Product>-<version>-<build> "<message>"`).
    pub fn warning_header(&self, message: &str) -> String {
        let agent = match self.flavor {
            Flavor::Elasticsearch => "Elasticsearch",
            Flavor::OpenSearch => "OpenSearch",
        };
        format!(
            "299 {agent}-{}-sandbox \"{}\"",
            self.version,
            message.replace('\\', "\\\\").replace('"', "\\\"")
        )
    }

    /// The name of the remote reindex allowlist setting.
    pub fn allowlist_setting(&self) -> &'static str {
        self.quirks().remote_allowlist_setting()
    }

    /// The verb used in the allowlist rejection message.
    pub fn allowlist_verb(&self) -> &'static str {
        self.quirks().remote_allowlist_verb()
    }

    /// Lucene version shipped with this release.
    pub fn lucene_version(&self) -> &'static str {
        let v = self.version;
        match self.flavor {
            Flavor::Elasticsearch => match (v.major, v.minor) {
                (5, 0..=1) => "6.2.1",
                (5, 2..=4) => "6.4.1",
                (5, _) => "6.6.1",
                (6, 0..=1) => "7.0.1",
                (6, 2..=3) => "7.2.1",
                (6, 4..=5) => "7.5.0",
                (6, 6..=7) => "7.7.0",
                (6, _) => "7.7.3",
                (7, 0..=2) => "8.0.0",
                (7, 3..=6) => "8.4.0",
                (7, 7..=9) => "8.5.1",
                (7, 10..=11) => "8.7.0",
                (7, 12..=13) => "8.8.2",
                (7, 14..=15) => "8.9.0",
                (7, 16) => "8.10.1",
                (7, _) => "8.11.3",
                (8, 0..=5) => "9.3.0",
                (8, 6..=8) => "9.5.0",
                (8, 9..=10) => "9.7.0",
                (8, 11..=13) => "9.8.0",
                (8, 14..=15) => "9.10.0",
                (8, _) => "9.12.2",
                _ => "9.12.2",
            },
            Flavor::OpenSearch => match (v.major, v.minor) {
                (1, 0..=1) => "8.9.0",
                (1, 2) => "8.10.1",
                (1, _) => "8.10.1",
                (2, 0..=3) => "9.3.0",
                (2, 4..=6) => "9.4.2",
                (2, 7..=10) => "9.7.0",
                (2, 11..=13) => "9.9.2",
                (2, 14..=16) => "9.10.0",
                (2, 17..=18) => "9.11.1",
                (2, _) => "9.12.1",
                // OpenSearch 3 moved to Lucene 10.
                (3, 0) => "10.1.0",
                (3, 1) => "10.2.1",
                (3, 2) => "10.2.2",
                _ => "10.3.1",
            },
        }
    }

    /// `minimum_wire_compatibility_version` (absent before ES 6).
    pub fn min_wire(&self) -> Option<&'static str> {
        match (self.flavor, self.version.major) {
            (Flavor::Elasticsearch, 5) => None,
            (Flavor::Elasticsearch, 6) => Some("5.6.0"),
            (Flavor::Elasticsearch, 7) | (Flavor::OpenSearch, 1) => Some("6.8.0"),
            (Flavor::Elasticsearch, _) => Some("7.17.0"),
            (Flavor::OpenSearch, 2) => Some("7.10.0"),
            (Flavor::OpenSearch, _) => Some("2.19.0"),
        }
    }

    /// `minimum_index_compatibility_version` (absent before ES 6).
    pub fn min_index(&self) -> Option<&'static str> {
        match (self.flavor, self.version.major) {
            (Flavor::Elasticsearch, 5) => None,
            (Flavor::Elasticsearch, 6) => Some("5.0.0"),
            (Flavor::Elasticsearch, 7) | (Flavor::OpenSearch, 1) => Some("6.0.0-beta1"),
            (Flavor::Elasticsearch, _) => Some("7.0.0"),
            (Flavor::OpenSearch, 2) => Some("7.0.0"),
            (Flavor::OpenSearch, _) => Some("2.0.0"),
        }
    }

    /// The `tagline` of `GET /`.
    pub fn tagline(&self) -> &'static str {
        match self.flavor {
            Flavor::Elasticsearch => "You Know, for Search",
            Flavor::OpenSearch => "The OpenSearch Project: https://opensearch.org/",
        }
    }

    /// The `version` block of `GET /`.
    pub fn version_block(&self) -> Value {
        let mut v = serde_json::Map::new();
        if self.is_opensearch() {
            v.insert("distribution".into(), json!("opensearch"));
        }
        v.insert("number".into(), json!(self.version.to_string()));
        if !self.is_opensearch() && self.version.major >= 6 {
            v.insert("build_flavor".into(), json!("default"));
        }
        if self.is_opensearch() || self.version.major >= 6 {
            v.insert("build_type".into(), json!("tar"));
        }
        v.insert(
            "build_hash".into(),
            json!("5a3d1c8b0f0e6d2c9a1b7e4f3c2d1e0f9a8b7c6d"),
        );
        v.insert("build_date".into(), json!("2024-01-01T00:00:00.000000Z"));
        v.insert("build_snapshot".into(), json!(false));
        v.insert("lucene_version".into(), json!(self.lucene_version()));
        if let Some(w) = self.min_wire() {
            v.insert("minimum_wire_compatibility_version".into(), json!(w));
        }
        if let Some(i) = self.min_index() {
            v.insert("minimum_index_compatibility_version".into(), json!(i));
        }
        Value::Object(v)
    }

    /// The `index.version.created` number for indexes created by this cluster (ES id scheme).
    pub fn version_created(&self) -> String {
        let v = self.version;
        match self.flavor {
            Flavor::Elasticsearch => {
                (v.major * 1_000_000 + v.minor * 10_000 + v.patch * 100 + 99).to_string()
            }
            // OpenSearch sets bit 27 (0x08000000) on its version ids.
            Flavor::OpenSearch => {
                (134_217_728 + v.major * 1_000_000 + v.minor * 10_000 + v.patch * 100 + 99)
                    .to_string()
            }
        }
    }
}

impl fmt::Display for Product {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.flavor, self.version)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_versions_and_rejects_garbage() {
        assert_eq!("7.10.2".parse::<Version>(), Ok(Version::new(7, 10, 2)));
        assert_eq!("8.0.0-rc1".parse::<Version>(), Ok(Version::new(8, 0, 0)));
        assert!("seven".parse::<Version>().is_err());
    }

    #[test]
    fn allowlist_name_follows_flavour() {
        let es = Product::new(Flavor::Elasticsearch, Version::new(7, 10, 2)).unwrap();
        let os1 = Product::new(Flavor::OpenSearch, Version::new(1, 3, 0)).unwrap();
        let os2 = Product::new(Flavor::OpenSearch, Version::new(2, 11, 0)).unwrap();
        assert_eq!(es.allowlist_setting(), "reindex.remote.whitelist");
        assert_eq!(os1.allowlist_setting(), "reindex.remote.whitelist");
        assert_eq!(os2.allowlist_setting(), "reindex.remote.allowlist");
        let os3 = Product::new(Flavor::OpenSearch, Version::new(3, 1, 0)).unwrap();
        assert_eq!(os3.allowlist_setting(), "reindex.remote.allowlist");
        assert_eq!(os3.lucene_version(), "10.2.1");
        assert_eq!(os3.min_index(), Some("2.0.0"));
        assert!(Product::new(Flavor::OpenSearch, Version::new(4, 0, 0)).is_err());
    }

    #[test]
    fn version_rules_read_from_the_quirks_table_hold_per_version() {
        let p = |f, major, minor| Product::new(f, Version::new(major, minor, 0)).unwrap();
        let (es, os) = (Flavor::Elasticsearch, Flavor::OpenSearch);
        let modes = [
            (p(es, 5, 6), TypeMode::Multi),
            (p(es, 6, 8), TypeMode::Single),
            (p(es, 7, 17), TypeMode::TypelessWithDoc),
            (p(os, 1, 3), TypeMode::TypelessWithDoc),
            (p(es, 8, 11), TypeMode::None),
            (p(os, 2, 11), TypeMode::None),
        ];
        for (product, mode) in modes {
            assert_eq!(product.type_mode(), mode, "{product}");
        }
        assert!(!p(es, 6, 8).total_hits_object() && p(es, 7, 0).total_hits_object());
        assert!(p(os, 1, 0).total_hits_object());
        assert!(!p(es, 6, 1).task_headers() && p(es, 6, 2).task_headers());
        assert!(p(os, 1, 0).task_headers());
        assert!(!p(es, 7, 9).has_pit() && p(es, 7, 10).has_pit());
        assert!(!p(os, 2, 3).has_pit() && p(os, 2, 4).has_pit());
        assert_eq!(p(os, 2, 0).allowlist_verb(), "allowlisted");
        assert_eq!(p(es, 8, 11).allowlist_verb(), "whitelisted");
    }

    #[test]
    fn es5_has_no_wire_compat_and_types() {
        let es5 = Product::new(Flavor::Elasticsearch, Version::new(5, 6, 16)).unwrap();
        assert!(
            es5.version_block()
                .get("minimum_wire_compatibility_version")
                .is_none()
        );
        assert_eq!(es5.type_mode(), TypeMode::Multi);
        assert!(!es5.total_hits_object());
    }
}
