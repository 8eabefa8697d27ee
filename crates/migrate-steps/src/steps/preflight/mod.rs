//! Preflight steps (read-only): versions and restore compatibility, the source's indexes exist,
//! closed destination indexes a restore replaces have the source's primary shard count,
//! (reindex) the destination's free disk is at least 1.2 × the source's primary store size
//! ("not checked" when it exposes no `_nodes/stats/fs`, as on Serverless);
//! the destination has the plugin of the destination repository's type (`repository-s3`,
//! `elasticsearch-repository-oss`, `repository-cos`; `fs` needs none; assumed built in: s3 on
//! Elasticsearch ≥ 8.0, where it became a module, and on Amazon OpenSearch Service (`*.amazonaws.com`
//! destinations); self-managed OpenSearch 1.x–3.x still ships it as a plugin; a cluster that does
//! not answer `_cat/plugins` is recorded as "not checked"), (snapshot, when objects are
//! transferred) both stores reachable with the plan's credentials (one LIST of at most one key
//! each, through the transfer's own client; "not checked" when the clusters share one store),
//! repository names, the destination's remote-reindex allowlist, and the reindex update-time
//! field's mapping (a date or numeric type in every source index) and, when numeric, its unit
//! (epoch seconds or milliseconds, from its newest values and the plan's `update_field_unit`).

mod allowlist;
mod disk;
mod plugin;
mod stores;

use std::collections::{BTreeMap, BTreeSet};

use migrate_cluster::api::cluster::CatIndex;
use migrate_core::request::{Fills, Request};
use migrate_core::{Release, Side};
use migrate_exec::{Outcome, Recheck, StepError};
use migrate_graph::StepKind;
use migrate_graph::preflight::{
    reindex_compatibility, repository_name_problem, restore_compatibility,
};
use migrate_graph::requests::preflight::versions as planned;
use migrate_graph::requests::slots::{INDEX, NEWEST_FIRST, UPDATE_FIELD};
use serde_json::{Map, Value, json};

pub(super) use allowlist::remote_allowlist;

use crate::cx::{Cx, none};
use crate::fields::{field_type, unit};
use crate::identity::{Identity, replaced, same_cluster};
use crate::pairs::expand;
use crate::watermark::is_numeric_type;

pub(super) async fn versions(
    cx: &Cx<'_>,
    strategy: &str,
    declared_source: Option<Release>,
    declared_destination: Option<Release>,
) -> Result<Outcome, StepError> {
    let mut detected = Vec::with_capacity(2);
    let mut identities = Vec::with_capacity(2);
    for (side, declared, field) in [
        (Side::Source, declared_source, "source.version"),
        (
            Side::Destination,
            declared_destination,
            "destination.version",
        ),
    ] {
        let info = cx
            .client(side)
            .server_info()
            .await
            .map_err(|e| cx.fail(side, "detecting the version (`GET /`)", &e))?;
        let found = info.release();
        identities.push(Identity::of(info));
        let version = match (declared, found) {
            (Some(d), Some(f)) if d != f => {
                return Err(cx.permanent(format!(
                    "the plan declares {d} for the {} cluster but it reports {f}; fix `{field}` in the plan (compatibility was judged on it)",
                    side.as_str()
                )));
            }
            (d, f) => f.or(d),
        };
        detected.push(version);
    }
    let (src, dst) = (detected[0], detected[1]);
    // One cluster under two names: refused before anything else is asked of it.
    if let Some(why) = same_cluster(
        cx.url(Side::Source),
        cx.url(Side::Destination),
        &identities[0],
        &identities[1],
    ) {
        return Err(cx.permanent(why));
    }
    let mut notes = Vec::new();
    if let (Some(from), Some(into)) = (src, dst) {
        if strategy == "snapshot" {
            restore_compatibility(from, into).map_err(|why| {
                cx.permanent(format!(
                    "{why}; use `strategy: reindex` or a destination version that can restore it"
                ))
            })?;
        } else {
            notes = reindex_compatibility(from, into).map_err(|why| cx.permanent(why))?;
        }
    }
    // The plan's indexes exist on the source (patterns resolved).
    let mut indexes = Map::new();
    for entry in cx.graph.indexes() {
        let pairs = expand(cx, entry, entry).await?;
        indexes.insert(
            entry.to_string(),
            Value::from(pairs.into_iter().map(|p| p.source).collect::<Vec<_>>()),
        );
    }
    let r = planned(strategy);
    let update_fields = update_fields(cx, strategy, &r, &indexes).await?;
    let mut plugin = Value::Null;
    let mut disk = Value::Null;
    let mut stores = Value::Null;
    if let Some(checks) = &r.snapshot {
        closed_shard_counts(cx, &checks.destination_indices, &checks.source_indices).await?;
        plugin = plugin::repository_plugin(cx, &checks.plugins, dst).await?;
        stores = stores::stores_reachable(cx).await?;
    }
    if let Some(checks) = &r.reindex {
        disk = disk::disk_space(cx, checks, &indexes).await?;
    }
    let show = |v: Option<Release>| v.map_or(Value::Null, |v| Value::from(v.to_string()));
    Ok(Outcome::Done {
        outputs: json!({
            "source": show(src),
            "destination": show(dst),
            "indexes": indexes,
            "update_fields": update_fields,
            "repository_plugin": plugin,
            "disk": disk,
            "stores": stores,
            "notes": notes,
            "clusters": {
                "source": identities[0].to_json(),
                "destination": identities[1].to_json(),
            },
        }),
    })
}

/// Every reindex entry's update-time field is mapped in each concrete source index (`indexes`:
/// entry → concrete names) with a date or numeric type, so range passes select changed documents;
/// a numeric one counts epoch seconds or milliseconds, as its newest values say and the plan's
/// `update_field_unit` does not contradict (`fields::unit`). Refused here, before anything is
/// written. Returns `{index: {"field", "type"}}` (plus `"unit"` for a numeric field).
async fn update_fields(
    cx: &Cx<'_>,
    strategy: &str,
    r: &migrate_graph::requests::preflight::Versions,
    indexes: &Map<String, Value>,
) -> Result<Value, StepError> {
    let mut wanted = BTreeMap::new();
    for step in cx.graph.steps() {
        if let StepKind::Reindex {
            source_index,
            update_field: Some(field),
            update_field_unit,
            ..
        }
        | StepKind::Copy {
            source_index,
            update_field: Some(field),
            update_field_unit,
            ..
        } = &step.kind
        {
            wanted.insert((source_index.clone(), field.clone()), *update_field_unit);
        }
    }
    let mut out = Map::new();
    for ((entry, field), declared) in wanted {
        let names: Vec<String> = match indexes.get(&*entry).and_then(Value::as_array) {
            Some(list) => list
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
            None => vec![entry.to_string()],
        };
        for index in names {
            let fills = Fills::new().set(INDEX, index.as_str());
            let ty = field_type(cx, &r.update_field, &fills, &index, &field).await?;
            match ty.as_deref() {
                Some(t) if matches!(t, "date" | "date_nanos") => {
                    out.insert(index, json!({"field": field, "type": t}));
                }
                Some(t) if is_numeric_type(t) => {
                    let fills = fills
                        .set(UPDATE_FIELD, &*field)
                        .set(NEWEST_FIRST, json!([{&*field: {"order": "desc"}}]));
                    let names = (strategy, index.as_str(), &*field);
                    let seconds =
                        unit(cx, (&r.update_field_values, &fills), declared, names).await?;
                    let counts = if seconds { "seconds" } else { "millis" };
                    out.insert(index, json!({"field": field, "type": t, "unit": counts}));
                }
                Some(t) => {
                    return Err(cx.permanent(format!(
                        "the update-time field `{field}` of source index `{index}` has type `{t}`; incremental passes need a `date` or numeric field: set `update_field` in the plan to one, or reindex `{index}` with `{field}` mapped as `date`"
                    )));
                }
                None => {
                    return Err(cx.permanent(format!(
                        "the update-time field `{field}` is not in the mapping of source index `{index}`; set `update_field` in the plan to a `date` or numeric field the documents carry, or remove `incremental_passes`"
                    )));
                }
            }
        }
    }
    Ok(Value::Object(out))
}

/// Every existing *closed* destination index a restore will replace has as many primary shards as
/// its source index (a restore over a closed index keeps its shard count or fails). Open indexes of
/// the same name are left to the restore step. One `_cat/indices` per side, the source's only when
/// the destination has a closed index.
async fn closed_shard_counts(
    cx: &Cx<'_>,
    destination_indices: &Request,
    source_indices: &Request,
) -> Result<(), StepError> {
    let mut entries = BTreeSet::new();
    for step in cx.graph.steps() {
        if let StepKind::Restore {
            source_index,
            destination_index,
            ..
        } = &step.kind
        {
            entries.insert((source_index.clone(), destination_index.clone()));
        }
    }
    if entries.is_empty() {
        return Ok(());
    }
    let what = "listing indexes (`GET /_cat/indices`)";
    let closed: BTreeMap<String, String> = cx
        .json::<Vec<CatIndex>>(destination_indices, &none(), what)
        .await?
        .into_iter()
        .filter(|i| i.status.as_deref() == Some("close"))
        .filter_map(|i| Some((i.index, i.pri?)))
        .collect();
    if closed.is_empty() {
        return Ok(());
    }
    let source: BTreeMap<String, String> = cx
        .json::<Vec<CatIndex>>(source_indices, &none(), what)
        .await?
        .into_iter()
        .filter_map(|i| Some((i.index, i.pri?)))
        .collect();
    for (src_entry, dst_entry) in entries {
        for pair in expand(cx, &src_entry, &dst_entry).await? {
            let (Some(d), Some(s)) = (closed.get(&pair.destination), source.get(&pair.source))
            else {
                continue;
            };
            if d != s {
                return Err(cx.permanent(format!(
                    "`{}` on the destination is closed with {d} primary shards but the source index has {s}: a restore needs the same count — delete or rename the destination index",
                    pair.destination
                )));
            }
        }
    }
    Ok(())
}

/// The postcondition of a done `preflight/versions`: each side is still the cluster it recorded
/// (`cluster_uuid`, else name and flavour). A replaced cluster is never trusted with the state's
/// record: the run stops.
pub(crate) async fn recheck_identity(cx: &Cx<'_>, outputs: &Value) -> Result<Recheck, StepError> {
    for side in [Side::Source, Side::Destination] {
        let Some(recorded) = Identity::recorded(outputs, side) else {
            continue;
        };
        let info = cx
            .client(side)
            .server_info()
            .await
            .map_err(|e| cx.fail(side, "detecting the cluster (`GET /`)", &e))?;
        if let Some(why) = replaced(side, cx.url(side), &recorded, &Identity::of(info)) {
            return Ok(Recheck::Broken { reason: why });
        }
    }
    Ok(Recheck::Holds)
}

pub(super) fn repository_names(
    cx: &Cx<'_>,
    source: &str,
    destination: &str,
) -> Result<Outcome, StepError> {
    let problems: Vec<String> = [source, destination]
        .into_iter()
        .filter_map(repository_name_problem)
        .collect();
    if problems.is_empty() {
        Ok(Outcome::done())
    } else {
        Err(cx.permanent(format!(
            "{}; rename the repository in the plan's `strategy.snapshot`",
            problems.join("; ")
        )))
    }
}
