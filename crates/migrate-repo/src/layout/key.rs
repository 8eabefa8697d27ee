//! Classifies repository keys by their role in the layout, and orders them for a restorable copy.

use std::fmt;

/// The longest key every supported store accepts (OSS: 1023 bytes of UTF-8).
const MAX_KEY_BYTES: usize = 1023;

/// What a key (relative to the repository's base path) is in the snapshot repository layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyClass {
    /// `indices/<id>/<shard>/__<uuid>` (or `.partN` chunks): write-once segment data.
    DataBlob,
    /// `indices/<id>/<shard>/snap-<uuid>.dat`: one shard's part of a snapshot.
    ShardSnapshot,
    /// `indices/<id>/<shard>/index-<gen>`: the shard's snapshot list.
    ShardIndex,
    /// `indices/<id>/meta-<id>.dat`: index metadata.
    IndexMetadata,
    /// Root `snap-<uuid>.dat`: snapshot info.
    SnapshotInfo,
    /// Root `meta-<uuid>.dat`: global metadata of a snapshot.
    GlobalMetadata,
    /// Root `incompatible-snapshots` (5.x/6.x): snapshots marked incompatible.
    IncompatibleSnapshots,
    /// Root `index-N`: the repository data of generation `N` (write-once).
    RootIndex {
        /// The generation `N`.
        generation: u64,
    },
    /// Root `index.latest`: the pointer to the current generation; the only overwritten blob.
    IndexLatest,
    /// Not part of the layout (e.g. `tests-*` verification leftovers, files put there by hand):
    /// harmless to Elasticsearch, copied with the data blobs, reported.
    Unknown,
    /// A key that cannot be reproduced faithfully at the destination, so a restore would miss it.
    Invalid(KeyIssue),
}

/// Why a key would break a restore if copied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyIssue {
    /// Empty path segment: a leading or trailing `/` (a "directory marker") or `//`.
    EmptySegment,
    /// A `.` or `..` segment.
    DotSegment,
    /// Longer than the 1023 bytes some stores accept.
    TooLong,
}

impl fmt::Display for KeyIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            KeyIssue::EmptySegment => {
                "has an empty path segment (leading, trailing or double `/`), which object stores normalise away"
            }
            KeyIssue::DotSegment => "has a `.` or `..` path segment",
            KeyIssue::TooLong => "is longer than 1023 bytes, which OSS and COS refuse",
        })
    }
}

/// The order in which a copy lands: every phase only after all earlier phases finished, so that a
/// restore started at any instant sees only metadata whose blobs are already there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CopyPhase {
    /// Segment data blobs (and unknown keys): in parallel, first.
    Data,
    /// Shard `snap-*.dat` and shard `index-<gen>`.
    ShardMetadata,
    /// `indices/<id>/meta-*.dat`.
    IndexMetadata,
    /// Root `snap-*.dat`, `meta-*.dat`, `incompatible-snapshots`.
    SnapshotMetadata,
    /// Root `index-N`.
    RootIndex,
    /// `index.latest`, last.
    IndexLatest,
}

impl CopyPhase {
    /// All phases, in copy order.
    pub const ALL: [CopyPhase; 6] = [
        CopyPhase::Data,
        CopyPhase::ShardMetadata,
        CopyPhase::IndexMetadata,
        CopyPhase::SnapshotMetadata,
        CopyPhase::RootIndex,
        CopyPhase::IndexLatest,
    ];
}

impl fmt::Display for CopyPhase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CopyPhase::Data => "data blobs",
            CopyPhase::ShardMetadata => "shard metadata",
            CopyPhase::IndexMetadata => "index metadata",
            CopyPhase::SnapshotMetadata => "snapshot metadata",
            CopyPhase::RootIndex => "root index-N",
            CopyPhase::IndexLatest => "index.latest",
        })
    }
}

impl KeyClass {
    /// The phase in which this key is copied; `None` for keys that must not be copied.
    pub fn phase(&self) -> Option<CopyPhase> {
        Some(match self {
            KeyClass::DataBlob | KeyClass::Unknown => CopyPhase::Data,
            KeyClass::ShardSnapshot | KeyClass::ShardIndex => CopyPhase::ShardMetadata,
            KeyClass::IndexMetadata => CopyPhase::IndexMetadata,
            KeyClass::SnapshotInfo | KeyClass::GlobalMetadata | KeyClass::IncompatibleSnapshots => {
                CopyPhase::SnapshotMetadata
            }
            KeyClass::RootIndex { .. } => CopyPhase::RootIndex,
            KeyClass::IndexLatest => CopyPhase::IndexLatest,
            KeyClass::Invalid(_) => return None,
        })
    }

    /// Whether the blob under this key is never overwritten, so same key and same size means same
    /// content. Only `index.latest` is mutable; unknown keys are not trusted either.
    pub fn is_write_once(&self) -> bool {
        !matches!(
            self,
            KeyClass::IndexLatest | KeyClass::Unknown | KeyClass::Invalid(_)
        )
    }
}

/// Classifies a key relative to the repository's base path.
pub fn classify(key: &str) -> KeyClass {
    if key.len() > MAX_KEY_BYTES {
        return KeyClass::Invalid(KeyIssue::TooLong);
    }
    let segments: Vec<&str> = key.split('/').collect();
    if segments.iter().any(|s| s.is_empty()) {
        return KeyClass::Invalid(KeyIssue::EmptySegment);
    }
    if segments.iter().any(|s| *s == "." || *s == "..") {
        return KeyClass::Invalid(KeyIssue::DotSegment);
    }
    match segments.as_slice() {
        ["index.latest"] => KeyClass::IndexLatest,
        ["incompatible-snapshots"] => KeyClass::IncompatibleSnapshots,
        [name] => {
            if let Some(generation) = name.strip_prefix("index-").and_then(parse_generation) {
                KeyClass::RootIndex { generation }
            } else if is_dat(name, "snap-") {
                KeyClass::SnapshotInfo
            } else if is_dat(name, "meta-") {
                KeyClass::GlobalMetadata
            } else {
                KeyClass::Unknown
            }
        }
        ["indices", _, name] if is_dat(name, "meta-") => KeyClass::IndexMetadata,
        ["indices", _, shard, name] if is_shard_number(shard) => {
            if name.len() > 2 && name.starts_with("__") {
                KeyClass::DataBlob
            } else if is_dat(name, "snap-") {
                KeyClass::ShardSnapshot
            } else if name.len() > "index-".len() && name.starts_with("index-") {
                KeyClass::ShardIndex
            } else {
                KeyClass::Unknown
            }
        }
        _ => KeyClass::Unknown,
    }
}

fn parse_generation(digits: &str) -> Option<u64> {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

fn is_shard_number(segment: &str) -> bool {
    parse_generation(segment).is_some()
}

fn is_dat(name: &str, prefix: &str) -> bool {
    name.len() > prefix.len() + ".dat".len() && name.starts_with(prefix) && name.ends_with(".dat")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_every_role_of_the_layout() {
        let cases = [
            ("index-0", KeyClass::RootIndex { generation: 0 }),
            ("index-42", KeyClass::RootIndex { generation: 42 }),
            ("index.latest", KeyClass::IndexLatest),
            ("incompatible-snapshots", KeyClass::IncompatibleSnapshots),
            ("snap-5imyqv54TKyHTPTCOAOt2g.dat", KeyClass::SnapshotInfo),
            ("meta-5imyqv54TKyHTPTCOAOt2g.dat", KeyClass::GlobalMetadata),
            (
                "indices/nkLPabE1RNC2nvGEnmRO2Q/meta-5imy.dat",
                KeyClass::IndexMetadata,
            ),
            ("indices/-KQKQKwfQ8-nhYQ8JfijxQ/0/__1", KeyClass::DataBlob),
            ("indices/x/12/__abc.part3", KeyClass::DataBlob),
            ("indices/x/0/___SuhYGFrRD-2TKsAxqzGAw", KeyClass::DataBlob),
            ("indices/x/0/snap-u.dat", KeyClass::ShardSnapshot),
            ("indices/x/0/index-1", KeyClass::ShardIndex),
            (
                "indices/x/0/index-cbs2bGwwSy66JeQOO9vNbQ",
                KeyClass::ShardIndex,
            ),
        ];
        for (key, class) in cases {
            assert_eq!(classify(key), class, "{key}");
        }
    }

    #[test]
    fn keys_outside_the_layout_are_unknown() {
        for key in [
            "index-",
            "index-1.tmp",
            "index-x",
            "snap-.dat",
            "README",
            "tests-abc/master.dat",
            "indices/x/notashard/__1",
            "indices/x/0/other",
            "indices/x/0/__",
            "indices/x/meta-.dat",
            "indices/x/0/sub/__1",
        ] {
            assert_eq!(classify(key), KeyClass::Unknown, "{key}");
        }
    }

    #[test]
    fn keys_that_break_restores_are_invalid_and_not_copied() {
        for (key, issue) in [
            ("indices/", KeyIssue::EmptySegment),
            ("/index-0", KeyIssue::EmptySegment),
            ("indices//0/__1", KeyIssue::EmptySegment),
            ("", KeyIssue::EmptySegment),
            ("indices/../index-0", KeyIssue::DotSegment),
            ("indices/./x", KeyIssue::DotSegment),
        ] {
            let class = classify(key);
            assert_eq!(class, KeyClass::Invalid(issue), "{key}");
            assert_eq!(class.phase(), None);
        }
        let long = format!("indices/{}/0/__1", "a".repeat(1100));
        assert_eq!(classify(&long), KeyClass::Invalid(KeyIssue::TooLong));
    }

    #[test]
    fn phases_follow_the_restorable_order() {
        let order: Vec<CopyPhase> = [
            "index.latest",
            "index-3",
            "snap-u.dat",
            "indices/i/meta-u.dat",
            "indices/i/0/snap-u.dat",
            "indices/i/0/__b",
        ]
        .iter()
        .filter_map(|k| classify(k).phase())
        .collect();
        let mut sorted = order.clone();
        sorted.sort();
        sorted.reverse();
        assert_eq!(order, sorted);
        assert_eq!(CopyPhase::ALL.first(), Some(&CopyPhase::Data));
        assert_eq!(CopyPhase::ALL.last(), Some(&CopyPhase::IndexLatest));
    }

    #[test]
    fn only_index_latest_and_unknown_keys_are_mutable() {
        assert!(!classify("index.latest").is_write_once());
        assert!(!classify("README").is_write_once());
        assert!(classify("index-3").is_write_once());
        assert!(classify("indices/i/0/__b").is_write_once());
    }
}
