//! Rules preflight steps check without changing anything: which versions can restore which
//! snapshots (REFERENCE.md, "Restore compatibility"), repository names, snapshot names.
//!
//! These are pure functions so the dry-run can evaluate them on versions the plan declares and the
//! executor can evaluate them on versions it detects.

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

/// Whether a cluster at `into` can restore indexes a cluster at `from` wrote, and whether remote
/// reindex can copy between them (the quirks table's pairwise rules, re-exported where the dry run
/// and preflight look for them).
pub use migrate_core::{reindex_compatibility, restore_compatibility};

#[cfg(test)]
mod tests {
    use super::*;

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
