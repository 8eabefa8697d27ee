//! Which product and version wrote a snapshot, its numeric `version_id`, and which snapshots a
//! cluster can restore (the table in REFERENCE.md "Restore compatibility").

use std::fmt;

/// OpenSearch sets this bit on its version ids.
const OPENSEARCH_MASK: u32 = 0x0800_0000;

/// A product (Elasticsearch or OpenSearch) and version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Release {
    /// OpenSearch (else Elasticsearch).
    pub opensearch: bool,
    /// `major.minor.patch`.
    pub version: (u32, u32, u32),
}

impl Release {
    /// Elasticsearch `major.minor.patch`.
    pub const fn elasticsearch(major: u32, minor: u32, patch: u32) -> Self {
        Release {
            opensearch: false,
            version: (major, minor, patch),
        }
    }

    /// OpenSearch `major.minor.patch`.
    pub const fn opensearch(major: u32, minor: u32, patch: u32) -> Self {
        Release {
            opensearch: true,
            version: (major, minor, patch),
        }
    }

    /// The `version_id` Elasticsearch/OpenSearch store (`7100299` for ES 7.10.2).
    pub fn version_id(&self) -> u32 {
        let (major, minor, patch) = self.version;
        let id = major * 1_000_000 + minor * 10_000 + patch * 100 + 99;
        if self.opensearch {
            id | OPENSEARCH_MASK
        } else {
            id
        }
    }

    /// Decodes a `version_id`.
    pub fn from_version_id(id: u32) -> Self {
        let opensearch = id & OPENSEARCH_MASK != 0;
        let id = id & !OPENSEARCH_MASK;
        Release {
            opensearch,
            version: (id / 1_000_000, (id / 10_000) % 100, (id / 100) % 100),
        }
    }

    /// `major.minor.patch` as text.
    pub fn number(&self) -> String {
        let (major, minor, patch) = self.version;
        format!("{major}.{minor}.{patch}")
    }

    /// Whether repositories written by this release use the 7.x repository data (shard generations,
    /// index metadata identifiers): ES ≥ 7.6 and every OpenSearch.
    pub fn writes_shard_generations(&self) -> bool {
        self.opensearch || self.version >= (7, 6, 0)
    }

    /// Whether this release writes the repository `uuid`/`cluster_id` fields (ES ≥ 7.12), which
    /// OpenSearch cannot read.
    pub fn writes_repository_uuid(&self) -> bool {
        !self.opensearch && self.version >= (7, 12, 0)
    }

    /// Whether a cluster running `self` can restore an index from a snapshot taken by `snapshot`:
    /// the engine's restore-compatibility rule (`migrate_core::restore_compatibility`), pinned
    /// per pair by this module's tests.
    pub fn can_restore(&self, snapshot: &Release) -> bool {
        migrate_core::restore_compatibility(snapshot.core(), self.core()).is_ok()
    }

    fn core(&self) -> migrate_core::Release {
        let flavor = if self.opensearch {
            migrate_core::Flavor::OpenSearch
        } else {
            migrate_core::Flavor::Elasticsearch
        };
        let (major, minor, patch) = self.version;
        migrate_core::Release::new(flavor, major, minor, patch)
    }
}

impl fmt::Display for Release {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let product = if self.opensearch {
            "OpenSearch"
        } else {
            "Elasticsearch"
        };
        write!(f, "{product} {}", self.number())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ES: fn(u32, u32, u32) -> Release = Release::elasticsearch;
    const OS: fn(u32, u32, u32) -> Release = Release::opensearch;

    #[test]
    fn version_ids_round_trip_for_both_products() {
        assert_eq!(ES(5, 5, 2).version_id(), 5_050_299);
        assert_eq!(Release::from_version_id(5_050_299), ES(5, 5, 2));
        assert_eq!(
            Release::from_version_id(OS(2, 11, 0).version_id()),
            OS(2, 11, 0)
        );
    }

    #[test]
    fn follows_the_restore_compatibility_table() {
        assert!(ES(5, 6, 16).can_restore(&ES(5, 5, 2)));
        assert!(ES(6, 8, 23).can_restore(&ES(5, 5, 2)));
        assert!(!ES(5, 6, 16).can_restore(&ES(6, 8, 0)), "never backwards");
        assert!(!ES(6, 8, 23).can_restore(&ES(7, 10, 2)));
        assert!(!ES(7, 10, 2).can_restore(&ES(5, 6, 16)), "one major only");
        assert!(ES(7, 10, 2).can_restore(&ES(6, 8, 0)));
        assert!(
            !ES(7, 1, 0).can_restore(&ES(6, 8, 0)),
            "7.0-7.1 read 6.0-6.7"
        );
        assert!(!ES(7, 5, 0).can_restore(&ES(7, 6, 0)));
        assert!(ES(8, 11, 0).can_restore(&ES(7, 17, 0)));
        assert!(
            !ES(8, 11, 0).can_restore(&OS(1, 3, 0)),
            "OpenSearch → ES fails"
        );
        assert!(OS(1, 3, 0).can_restore(&ES(6, 8, 0)));
        assert!(OS(1, 3, 0).can_restore(&ES(7, 10, 2)));
        assert!(!OS(1, 3, 0).can_restore(&ES(7, 11, 0)));
        assert!(OS(2, 11, 0).can_restore(&ES(7, 10, 2)));
        assert!(
            !OS(2, 11, 0).can_restore(&ES(6, 8, 0)),
            "OS 2 reads no ES 6"
        );
        assert!(
            !OS(2, 11, 0).can_restore(&ES(7, 12, 0)),
            "ES ≥ 7.12 repositories"
        );
        assert!(OS(2, 11, 0).can_restore(&OS(1, 3, 0)));
        assert!(!OS(2, 11, 0).can_restore(&OS(2, 12, 0)));
    }
}
