//! Plan index entries to concrete indexes: a name stays itself, a pattern expands on the source
//! (hidden `.` indexes only when the pattern names them, the `.tasks` system index never), less
//! the entry's `exclude` matches. Steps after `create-index` read the pairs it recorded rather than
//! expanding again, so an index created on the source mid-run cannot appear in a later pass
//! without a destination index. The requests are the ones `migrate_graph::requests::expand` plans.

use migrate_cluster::api::cluster::CatIndex;
use migrate_core::Side;
use migrate_exec::{StepCtx, StepError};
use migrate_graph::requests::expand;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::cx::{Cx, none};
use crate::names::{is_pattern, is_system, matches};

/// One concrete source index and its destination name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Pair {
    pub source: String,
    pub destination: String,
}

/// Expands `source_entry` on the source. A concrete name must exist; a pattern must match at least
/// one index. A pattern entry keeps each index's own name on the destination.
pub(crate) async fn expand(
    cx: &Cx<'_>,
    source_entry: &str,
    destination_entry: &str,
) -> Result<Vec<Pair>, StepError> {
    let req = expand::entry(source_entry);
    if !is_pattern(source_entry) {
        let exists = cx
            .client(Side::Source)
            .exists(&req, &none())
            .await
            .map_err(|e| {
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
    list(cx, &req, source_entry).await
}

/// The indexes a pattern entry's listing `req` names, filtered as the module docs say.
async fn list(
    cx: &Cx<'_>,
    req: &migrate_core::Request,
    entry: &str,
) -> Result<Vec<Pair>, StepError> {
    let rows: Vec<CatIndex> = cx
        .json(req, &none(), &format!("expanding pattern `{entry}`"))
        .await?;
    let hidden_ok = entry.starts_with('.');
    let exclude = cx
        .env
        .excludes
        .get(entry)
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
            "index pattern `{entry}` matches no index{excluded} on the source cluster ({}); fix the pattern in the plan's `indexes`",
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

/// The pairs `create-index/<entry>` recorded, or a fresh expansion when there is no such step
/// (the snapshot strategy): a name is itself, a pattern is listed.
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
    match expand::for_pairs(source_entry) {
        None => Ok(vec![Pair {
            source: source_entry.to_owned(),
            destination: destination_entry.to_owned(),
        }]),
        Some(req) => {
            if destination_entry != source_entry {
                return expand(cx, source_entry, destination_entry).await;
            }
            list(cx, &req, source_entry).await
        }
    }
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
