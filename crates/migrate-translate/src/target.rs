//! The version of a cluster a translation reads from or writes to: flavour and major/minor/patch.
//!
//! Kept in this one file so that it can be swapped for `migrate-core`'s `Flavor`/`Version` when that
//! crate lands.

use std::fmt;
use std::str::FromStr;

/// Elasticsearch or OpenSearch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Flavor {
    /// Elasticsearch.
    Elasticsearch,
    /// OpenSearch.
    OpenSearch,
}

impl Flavor {
    /// The short name used in the rule table (`ES`, `OpenSearch`).
    pub fn short(self) -> &'static str {
        match self {
            Flavor::Elasticsearch => "ES",
            Flavor::OpenSearch => "OpenSearch",
        }
    }
}

/// A flavour and a version: `Elasticsearch 7.10.2`, `OpenSearch 2.11.0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Target {
    /// The flavour.
    pub flavor: Flavor,
    /// Major version.
    pub major: u32,
    /// Minor version.
    pub minor: u32,
    /// Patch version.
    pub patch: u32,
}

/// A version string that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{input}` is not a version: expected `7.10.2`, `Elasticsearch 7.10`, or `OpenSearch 2.11` ({reason})"
)]
pub struct TargetError {
    /// What was given.
    pub input: String,
    /// Why it was refused.
    pub reason: &'static str,
}

impl Target {
    /// Elasticsearch `major.minor.0`.
    pub const fn es(major: u32, minor: u32) -> Target {
        Target {
            flavor: Flavor::Elasticsearch,
            major,
            minor,
            patch: 0,
        }
    }

    /// OpenSearch `major.minor.0`.
    pub const fn os(major: u32, minor: u32) -> Target {
        Target {
            flavor: Flavor::OpenSearch,
            major,
            minor,
            patch: 0,
        }
    }

    /// Reads `7.10.2` (Elasticsearch), `Elasticsearch 7.10.2`, `ES 6.8`, `OpenSearch 2.11`, `os 3`.
    pub fn parse(input: &str) -> Result<Target, TargetError> {
        let fail = |reason| TargetError {
            input: input.to_string(),
            reason,
        };
        let trimmed = input.trim();
        let (flavor, rest) = match trimmed.split_once(char::is_whitespace) {
            Some((name, rest)) => {
                let flavor = match name.to_ascii_lowercase().as_str() {
                    "elasticsearch" | "es" => Flavor::Elasticsearch,
                    "opensearch" | "os" => Flavor::OpenSearch,
                    _ => return Err(fail("unknown flavour; use Elasticsearch or OpenSearch")),
                };
                (flavor, rest.trim())
            }
            None => (Flavor::Elasticsearch, trimmed),
        };
        // `7.10.2-SNAPSHOT`, `8.0.0-rc1`: the qualifier does not change the rules.
        let numbers = rest.split(['-', '+']).next().unwrap_or_default();
        let mut parts = numbers.split('.');
        let mut next = |required: bool| -> Result<u32, TargetError> {
            match parts.next() {
                Some(p) => p.parse().map_err(|_| fail("a part is not a number")),
                None if required => Err(fail("the major version is missing")),
                None => Ok(0),
            }
        };
        let major = next(true)?;
        let minor = next(false)?;
        let patch = next(false)?;
        if parts.next().is_some() {
            return Err(fail("more than three numbers"));
        }
        Ok(Target {
            flavor,
            major,
            minor,
            patch,
        })
    }

    /// `major.minor`, for ordering within a flavour.
    pub fn major_minor(self) -> (u32, u32) {
        (self.major, self.minor)
    }

    /// Elasticsearch at or above `major.minor`.
    pub fn es_at_least(self, major: u32, minor: u32) -> bool {
        self.flavor == Flavor::Elasticsearch && self.major_minor() >= (major, minor)
    }

    /// OpenSearch at or above `major.minor`.
    pub fn os_at_least(self, major: u32, minor: u32) -> bool {
        self.flavor == Flavor::OpenSearch && self.major_minor() >= (major, minor)
    }

    /// Is this OpenSearch?
    pub fn is_opensearch(self) -> bool {
        self.flavor == Flavor::OpenSearch
    }

    /// Mapping types are gone (ES 8+, OpenSearch 2+) — a typed body is refused.
    pub fn typeless_only(self) -> bool {
        self.es_at_least(8, 0) || self.os_at_least(2, 0)
    }

    /// Typeless bodies are the default (ES 7+, every OpenSearch).
    pub fn typeless_default(self) -> bool {
        self.es_at_least(7, 0) || self.is_opensearch()
    }
}

impl FromStr for Target {
    type Err = TargetError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Target::parse(s)
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self.flavor {
            Flavor::Elasticsearch => "Elasticsearch",
            Flavor::OpenSearch => "OpenSearch",
        };
        write!(f, "{name} {}.{}.{}", self.major, self.minor, self.patch)
    }
}

impl serde::Serialize for Target {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Target {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Target::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_versions_are_elasticsearch_and_named_ones_keep_their_flavour() {
        assert_eq!(
            Target::parse("7.10.2").unwrap(),
            Target {
                patch: 2,
                ..Target::es(7, 10)
            }
        );
        assert_eq!(Target::parse("OpenSearch 2.11").unwrap(), Target::os(2, 11));
        assert_eq!(Target::parse("es 6.8.23").unwrap().major_minor(), (6, 8));
        assert_eq!(Target::parse("os 3").unwrap(), Target::os(3, 0));
        assert_eq!(Target::parse("8.0.0-rc1").unwrap(), Target::es(8, 0));
        assert_eq!(
            Target::parse("OpenSearch 2.11.0").unwrap().to_string(),
            "OpenSearch 2.11.0"
        );
    }

    #[test]
    fn unreadable_versions_say_what_was_expected() {
        let e = Target::parse("Solr 9").unwrap_err();
        assert!(e.to_string().contains("unknown flavour"), "{e}");
        assert!(Target::parse("").is_err());
        assert!(Target::parse("7.x").is_err());
        assert!(Target::parse("1.2.3.4").is_err());
    }
}
