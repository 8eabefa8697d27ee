//! Rules preflight steps check without changing anything: which versions can restore which
//! snapshots (REFERENCE.md, "Restore compatibility"), repository names, snapshot names.
//!
//! These are pure functions so the dry-run can evaluate them on versions the plan declares and the
//! executor can evaluate them on versions it detects.

use crate::kind::Round;

/// What stands for the lineage in names the dry run shows before a state exists (`apply` creates
/// the state, and with it the lineage, when it starts).
pub const LINEAGE_PLACEHOLDER: &str = "LINEAGE";

/// How many characters of the lineage names carry: 8 hex digits, 32 bits — two runs of one plan
/// meeting the same short form is a one-in-four-billion event, and such a snapshot would still be
/// refused by the create step (its state never asked for it).
pub const SHORT_LINEAGE_LEN: usize = 8;

/// The plan name in the characters snapshot names allow (lower case; anything else becomes `-`).
fn sanitized(plan: &str) -> String {
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
    name
}

/// The part every snapshot name of this migration starts with: `<plan>-<lineage>-`, or `<plan>-`
/// without a lineage (hand-made graphs in tests, and tools with no state).
pub fn snapshot_prefix(plan: &str, lineage: Option<&str>) -> String {
    match lineage {
        Some(l) => format!("{}-{l}-", sanitized(plan)),
        None => format!("{}-", sanitized(plan)),
    }
}

/// The snapshot name for a round without a lineage: `<plan>-round-<n>` or `<plan>-final`, in the
/// characters snapshot names allow (lower case; anything else becomes `-`).
pub fn snapshot_name(plan: &str, round: Round) -> String {
    snapshot_name_in(plan, None, round)
}

/// The snapshot name for a round of the state with this (short) lineage:
/// `<plan>-<lineage>-round-<n>` or `<plan>-<lineage>-final`, so a snapshot of an earlier run whose
/// state was lost never has the name this run looks for.
pub fn snapshot_name_in(plan: &str, lineage: Option<&str>, round: Round) -> String {
    format!("{}{round}", snapshot_prefix(plan, lineage))
}

/// The round a snapshot name stands for when it starts with `prefix` ([`snapshot_prefix`]).
pub fn round_in(prefix: &str, snapshot: &str) -> Option<Round> {
    let rest = snapshot.strip_prefix(prefix)?;
    if rest == "final" {
        return Some(Round::Final);
    }
    let n = rest.strip_prefix("round-")?;
    if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    n.parse().ok().map(Round::Number)
}

/// The pattern matching every snapshot of this plan, whatever its lineage (`<plan>-*`), from the
/// name of one of its snapshots (`<plan>[-<lineage>]-<round>`).
pub fn plan_snapshots_pattern(snapshot: &str, round: Round) -> String {
    let round = round.to_string();
    let stem = snapshot.strip_suffix(round.as_str()).unwrap_or(snapshot);
    let stem = stem.strip_suffix('-').unwrap_or(stem);
    let plan = match stem.rsplit_once('-') {
        Some((plan, last))
            if last == LINEAGE_PLACEHOLDER
                || (last.len() == SHORT_LINEAGE_LEN
                    && last
                        .bytes()
                        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))) =>
        {
            plan
        }
        _ => stem,
    };
    format!("{plan}-*")
}

/// The short lineage of a snapshot this plan's engine made in another run (`<plan>-<8 hex>-round-N`
/// or `…-final`, with a lineage other than `lineage`); `None` for this run's snapshots and for names
/// the engine does not make.
pub fn foreign_lineage<'a>(plan: &str, lineage: &str, snapshot: &'a str) -> Option<&'a str> {
    let rest = snapshot.strip_prefix(&snapshot_prefix(plan, None))?;
    let (other, tail) = rest.split_at_checked(SHORT_LINEAGE_LEN)?;
    let tail = tail.strip_prefix('-')?;
    let hex = other
        .bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    (hex && other != lineage && round_in("", tail).is_some()).then_some(other)
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

    #[test]
    fn snapshot_names_carry_the_lineage_and_name_their_round() {
        let name = snapshot_name_in("Movies", Some("0a1b2c3d"), Round::Number(3));
        assert_eq!(name, "movies-0a1b2c3d-round-3");
        let prefix = snapshot_prefix("Movies", Some("0a1b2c3d"));
        assert_eq!(round_in(&prefix, &name), Some(Round::Number(3)));
        assert_eq!(
            round_in(&prefix, "movies-0a1b2c3d-final"),
            Some(Round::Final)
        );
        assert_eq!(round_in(&prefix, "movies-ffffffff-round-3"), None);
        assert_eq!(round_in(&prefix, "movies-0a1b2c3d-round-x"), None);
    }

    #[test]
    fn the_plan_pattern_covers_every_lineage() {
        let pattern = |s: &str, r| plan_snapshots_pattern(s, r);
        assert_eq!(
            pattern("movies-0a1b2c3d-round-2", Round::Number(2)),
            "movies-*"
        );
        assert_eq!(pattern("movies-LINEAGE-final", Round::Final), "movies-*");
        assert_eq!(pattern("movies-round-1", Round::Number(1)), "movies-*");
    }

    #[test]
    fn another_runs_snapshots_are_foreign_and_this_runs_and_strangers_are_not() {
        let ours = "0a1b2c3d";
        assert_eq!(
            foreign_lineage("movies", ours, "movies-ffff0000-round-1"),
            Some("ffff0000")
        );
        assert_eq!(
            foreign_lineage("movies", ours, "movies-ffff0000-final"),
            Some("ffff0000")
        );
        assert_eq!(
            foreign_lineage("movies", ours, "movies-0a1b2c3d-round-1"),
            None
        );
        assert_eq!(foreign_lineage("movies", ours, "movies-round-1"), None);
        assert_eq!(foreign_lineage("movies", ours, "nightly-2026-12-01"), None);
        assert_eq!(
            foreign_lineage("movies", ours, "movies-ffff0000-extra"),
            None
        );
    }
}
