//! Plan index entries to concrete indexes: a name stays itself, a pattern expands on the source
//! (hidden `.` indexes only when the pattern names them, the `.tasks` system index never), less the entry's `exclude` matches. Steps after `create-index` read the pairs
//! it recorded rather than expanding again, so an index created on the source mid-run cannot appear
//! in a later pass without a destination index.

use migrate_exec::{StepCtx, StepError};
use migrate_graph::Side;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::runner::Cx;

/// One concrete source index and its destination name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Pair {
    pub source: String,
    pub destination: String,
}

pub(crate) fn is_pattern(entry: &str) -> bool {
    entry.contains(['*', '?'])
}

/// Expands `source_entry` on the source. A concrete name must exist; a pattern must match at least
/// one index. A pattern entry keeps each index's own name on the destination.
pub(crate) async fn expand(
    cx: &Cx<'_>,
    source_entry: &str,
    destination_entry: &str,
) -> Result<Vec<Pair>, StepError> {
    let src = cx.client(Side::Source);
    if !is_pattern(source_entry) {
        let exists = src.index_exists(source_entry).await.map_err(|e| {
            cx.fail(
                Side::Source,
                &format!("looking up index `{source_entry}`"),
                &e,
            )
        })?;
        if !exists {
            return Err(cx.permanent(format!(
                "source index `{source_entry}` does not exist on the source cluster ({}); fix the name in the plan's `indexes`",
                cx.url(Side::Source)
            )));
        }
        return Ok(vec![Pair {
            source: source_entry.to_owned(),
            destination: destination_entry.to_owned(),
        }]);
    }
    if destination_entry != source_entry {
        return Err(cx.permanent(format!(
            "index pattern `{source_entry}` cannot be renamed to `{destination_entry}`: patterns keep each index's name; list the indexes one by one to rename them"
        )));
    }
    let rows = src.cat_indices(Some(source_entry)).await.map_err(|e| {
        cx.fail(
            Side::Source,
            &format!("expanding pattern `{source_entry}`"),
            &e,
        )
    })?;
    let hidden_ok = source_entry.starts_with('.');
    let exclude = cx
        .env
        .excludes
        .get(source_entry)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let mut names: Vec<String> = rows
        .into_iter()
        .map(|r| r.index)
        .filter(|n| hidden_ok || !n.starts_with('.'))
        .filter(|n| !is_system(n))
        .filter(|n| !exclude.iter().any(|x| matches(x, n)))
        .collect();
    names.sort();
    names.dedup();
    if names.is_empty() {
        let excluded = if exclude.is_empty() {
            String::new()
        } else {
            format!(" outside its excludes ({})", exclude.join(", "))
        };
        return Err(cx.permanent(format!(
            "index pattern `{source_entry}` matches no index{excluded} on the source cluster ({}); fix the pattern in the plan's `indexes`",
            cx.url(Side::Source)
        )));
    }
    Ok(names
        .into_iter()
        .map(|n| Pair {
            source: n.clone(),
            destination: n,
        })
        .collect())
}

/// System indexes a pattern never picks up, even one starting with `.` (they can only be named):
/// `.tasks` holds the cluster's own task results, never migration data.
pub(crate) fn is_system(name: &str) -> bool {
    name == ".tasks"
}

/// True when `name` matches `pattern` (`*` any run of characters, `?` one character).
pub(crate) fn matches(pattern: &str, name: &str) -> bool {
    let (p, n): (Vec<char>, Vec<char>) = (pattern.chars().collect(), name.chars().collect());
    let (mut pi, mut ni) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ni < n.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == n[ni]) {
            pi += 1;
            ni += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ni;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ni = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// The pairs `create-index/<entry>` recorded, or a fresh expansion when there is no such step
/// (the snapshot strategy).
pub(crate) async fn pairs(
    cx: &Cx<'_>,
    ctx: &StepCtx,
    source_entry: &str,
    destination_entry: &str,
) -> Result<Vec<Pair>, StepError> {
    if let Some(out) = ctx.output_of(&format!("create-index/{source_entry}"))
        && let Some(list) = out.get("indices").and_then(Value::as_array)
    {
        let pairs: Vec<Pair> = list
            .iter()
            .filter_map(|v| serde_json::from_value(v.clone()).ok())
            .collect();
        if !pairs.is_empty() {
            return Ok(pairs);
        }
    }
    if !is_pattern(source_entry) {
        return Ok(vec![Pair {
            source: source_entry.to_owned(),
            destination: destination_entry.to_owned(),
        }]);
    }
    expand(cx, source_entry, destination_entry).await
}

/// The create-index record of one pair (original replicas and refresh interval), if any.
pub(crate) fn created(ctx: &StepCtx, source_entry: &str, source: &str) -> Option<Value> {
    ctx.output_of(&format!("create-index/{source_entry}"))?
        .get("indices")?
        .as_array()?
        .iter()
        .find(|v| v.get("source").and_then(Value::as_str) == Some(source))
        .cloned()
}

#[cfg(test)]
mod tests {
    use super::{is_system, matches};

    #[test]
    fn patterns_never_pick_up_the_task_results_index() {
        assert!(is_system(".tasks"));
        assert!(!is_system(".tasks-old") && !is_system("tasks"));
    }

    #[test]
    fn wildcards_match_like_the_cluster() {
        assert!(matches("logs-debug-*", "logs-debug-2026"));
        assert!(matches("logs-?", "logs-a"));
        assert!(matches("logs-a", "logs-a"));
        assert!(!matches("logs-?", "logs-ab"));
        assert!(!matches("logs-debug-*", "logs-2026"));
        assert!(matches("*-old", "movies-old"));
        assert!(!matches("*-old", "movies-older"));
        assert!(matches("a*b*c", "axxbyyc"));
    }
}
