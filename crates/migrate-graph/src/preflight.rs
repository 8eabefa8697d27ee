//! Rules preflight steps check without changing anything: which versions can restore which
//! snapshots (REFERENCE.md, "Restore compatibility"), repository names, snapshot names.
//!
//! These are pure functions so the dry-run can evaluate them on versions the plan declares and the
//! executor can evaluate them on versions it detects.

use crate::blueprint::{Flavor, Version};
use crate::kind::Round;

/// The snapshot name for a round: `<plan>-round-<n>` or `<plan>-final`, in the characters snapshot
/// names allow (lower case; anything else becomes `-`).
pub fn snapshot_name(plan: &str, round: Round) -> String {
    let mut name: String = plan
        .chars()
        .map(|c| {
            let c = c.to_ascii_lowercase();
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .collect();
    if name.starts_with(['_', '-', '.']) || name.is_empty() {
        name.insert_str(0, "migrate");
    }
    format!("{name}-{round}")
}

/// Why a repository name cannot be used, if it cannot.
pub fn repository_name_problem(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("the repository name is empty".into());
    }
    if name.starts_with("cs-") {
        return Some(format!(
            "repository `{name}` starts with `cs-`, which Amazon OpenSearch Service reserves for automated snapshots"
        ));
    }
    if name.starts_with('_') {
        return Some(format!("repository `{name}` starts with `_`"));
    }
    if let Some(bad) = name
        .chars()
        .find(|c| c.is_whitespace() || r#"\/*?"<>|,#"#.contains(*c) || c.is_ascii_uppercase())
    {
        return Some(format!(
            "repository `{name}` contains `{bad}`; use lower-case letters, digits, `-`, `_` and `.`"
        ));
    }
    None
}

/// Whether a cluster at `into` can restore indexes a cluster at `from` wrote, per REFERENCE.md.
/// `Err` says why not.
pub fn restore_compatibility(from: Version, into: Version) -> Result<(), String> {
    use Flavor::{Elasticsearch as Es, Opensearch as Os};
    let no = |why: &str| Err(format!("{into} cannot restore a snapshot of {from}: {why}"));
    let key = |v: Version| (v.major, v.minor, v.patch);
    if from.flavor == into.flavor && key(into) < key(from) {
        return no("restores never go to an older version");
    }
    let (fm, fmin) = (from.major, from.minor);
    let ok = match (from.flavor, into.flavor) {
        (Os, Es) => return no("Elasticsearch cannot read OpenSearch snapshots"),
        (Es, Es) => match (into.major, into.minor) {
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
            match into.major {
                1 => fm == 6 || (fm == 7 && key(from) <= (7, 10, 2)),
                2 => fm == 7,
                _ => false,
            }
        }
        (Os, Os) => match into.major {
            1 => fm == 1,
            2 => matches!(fm, 1 | 2),
            3 => matches!(fm, 2 | 3),
            _ => fm == into.major,
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

    fn es(major: u32, minor: u32, patch: u32) -> Version {
        Version {
            flavor: Flavor::Elasticsearch,
            major,
            minor,
            patch,
        }
    }
    fn os(major: u32, minor: u32, patch: u32) -> Version {
        Version {
            flavor: Flavor::Opensearch,
            major,
            minor,
            patch,
        }
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

    #[test]
    fn repository_names() {
        assert_eq!(repository_name_problem("eric-snapshot-repository"), None);
        assert!(
            repository_name_problem("cs-automated")
                .unwrap_or_default()
                .contains("reserves")
        );
        assert!(repository_name_problem("My Repo").is_some());
        assert!(repository_name_problem("").is_some());
    }

    #[test]
    fn snapshot_names_are_valid() {
        assert_eq!(
            snapshot_name("movies-aws-to-hangzhou", Round::Number(2)),
            "movies-aws-to-hangzhou-round-2"
        );
        assert_eq!(
            snapshot_name("Movies to OSS", Round::Final),
            "movies-to-oss-final"
        );
        assert_eq!(snapshot_name("_x", Round::Number(1)), "migrate_x-round-1");
    }
}
