//! Which releases can restore which releases' snapshots (REFERENCE.md, "Restore compatibility"):
//! the one pairwise rule of the quirks table, used by the dry run on declared versions and by
//! preflight on detected ones.

use crate::version::{Flavor, Release};

/// Whether a cluster at `into` can restore indexes a cluster at `from` wrote, per REFERENCE.md.
/// `Err` says why not.
pub fn restore_compatibility(from: Release, into: Release) -> Result<(), String> {
    use Flavor::{Elasticsearch as Es, OpenSearch as Os};
    let no = |why: &str| Err(format!("{into} cannot restore a snapshot of {from}: {why}"));
    let key = |r: Release| (r.version.major, r.version.minor, r.version.patch);
    if from.flavor == into.flavor && key(into) < key(from) {
        return no("restores never go to an older version");
    }
    let (fm, fmin) = (from.version.major, from.version.minor);
    let ok = match (from.flavor, into.flavor) {
        (Os, Es) => return no("Elasticsearch cannot read OpenSearch snapshots"),
        (Es, Es) => match (into.version.major, into.version.minor) {
            (5, _) => matches!(fm, 2 | 5),
            (6, _) => matches!(fm, 5 | 6),
            (7, 0..=1) => (fm == 6 && fmin <= 7) || fm == 7,
            (7, _) => matches!(fm, 6 | 7),
            (8, _) => {
                if matches!(fm, 5 | 6) {
                    return no(
                        "Elasticsearch 8 reads 5.x/6.x indexes only as read-only archive indexes (paid)",
                    );
                }
                matches!(fm, 7 | 8)
            }
            (9, _) => matches!(fm, 8 | 9),
            _ => false,
        },
        (Es, Os) => {
            if key(from) >= (7, 12, 0) {
                return no(
                    "repositories written by Elasticsearch 7.12 or later are unreadable by OpenSearch",
                );
            }
            match into.version.major {
                1 => fm == 6 || (fm == 7 && key(from) <= (7, 10, 2)),
                2 => fm == 7,
                _ => false,
            }
        }
        (Os, Os) => match into.version.major {
            1 => fm == 1,
            2 => matches!(fm, 1 | 2),
            3 => matches!(fm, 2 | 3),
            _ => fm == into.version.major,
        },
    };
    if ok {
        Ok(())
    } else {
        no("not in the restore-compatibility table")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn es(major: u32, minor: u32, patch: u32) -> Release {
        Release::new(Flavor::Elasticsearch, major, minor, patch)
    }
    fn os(major: u32, minor: u32, patch: u32) -> Release {
        Release::new(Flavor::OpenSearch, major, minor, patch)
    }

    #[test]
    fn follows_the_reference_table() {
        let ok = [
            (es(2, 4, 0), es(5, 6, 0)),
            (es(5, 5, 2), es(5, 5, 3)),
            (es(5, 6, 0), es(6, 8, 0)),
            (es(6, 7, 0), es(7, 1, 0)),
            (es(6, 8, 0), es(7, 17, 0)),
            (es(7, 17, 0), es(8, 10, 0)),
            (es(8, 1, 0), es(9, 0, 0)),
            (es(6, 8, 0), os(1, 3, 0)),
            (es(7, 10, 2), os(1, 3, 0)),
            (es(7, 10, 2), os(2, 11, 0)),
            (os(1, 3, 0), os(2, 0, 0)),
            (os(2, 19, 0), os(3, 0, 0)),
        ];
        for (from, into) in ok {
            assert_eq!(
                restore_compatibility(from, into),
                Ok(()),
                "{from} -> {into}"
            );
        }
        let bad = [
            (es(7, 6, 0), es(7, 5, 0)),
            (es(5, 3, 3), es(5, 3, 2)),
            (es(6, 8, 0), es(7, 1, 0)),
            (es(5, 6, 0), es(7, 10, 0)),
            (es(6, 8, 0), es(8, 0, 0)),
            (es(7, 17, 0), es(9, 0, 0)),
            (es(7, 11, 0), os(1, 0, 0)),
            (es(7, 12, 0), os(2, 0, 0)),
            (es(6, 8, 0), os(2, 0, 0)),
            (os(1, 3, 0), es(7, 10, 2)),
            (os(1, 3, 0), os(3, 0, 0)),
            (es(7, 10, 2), os(3, 0, 0)),
        ];
        for (from, into) in bad {
            assert!(
                restore_compatibility(from, into).is_err(),
                "{from} -> {into}"
            );
        }
    }

    #[test]
    fn explains_backwards_restores() {
        assert_eq!(
            restore_compatibility(es(7, 6, 0), es(7, 5, 0)),
            Err("Elasticsearch 7.5.0 cannot restore a snapshot of Elasticsearch 7.6.0: restores never go to an older version".into())
        );
    }
}
