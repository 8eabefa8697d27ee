//! `restore-settings`: the destination index gets back the source's replica count and refresh
//! interval (recorded by `create-index`, or read from the source for restored indexes), or, with
//! `copy_settings.after: { set: ... }`, the plan's explicit settings. A restored
//! index also inherits the source's cutover write block; it is lifted here, since the destination
//! is the one taking writes after the cutover. For indexes `create-index` made (the reindex
//! strategy), the source index's aliases are added to the destination index too, unless it has
//! them already (a restore brings its aliases itself).

use migrate_exec::{Outcome, StepCtx, StepError};
use migrate_graph::Side;
use migrate_graph::blueprint::AfterCopy;
use serde_json::{Map, Value, json};

use crate::resolve::{created, pairs};
use crate::runner::Cx;

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

async fn flat(cx: &Cx<'_>, side: Side, index: &str) -> Result<Map<String, Value>, StepError> {
    let v = cx
        .client(side)
        .get_settings(index)
        .await
        .map_err(|e| cx.fail(side, &format!("reading the settings of `{index}`"), &e))?;
    Ok(v.get(index)
        .and_then(|i| i.get("settings"))
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default())
}

pub(super) async fn restore_settings(
    cx: &Cx<'_>,
    ctx: &mut StepCtx,
    source_index: &str,
    destination_index: &str,
    after: &AfterCopy,
) -> Result<Outcome, StepError> {
    let mut rows = Vec::new();
    for p in pairs(cx, ctx, source_index, destination_index).await? {
        let record = created(ctx, source_index, &p.source);
        let aliases = if record.is_some() {
            copy_aliases(cx, &p.source, &p.destination).await?
        } else {
            Vec::new()
        };
        let wanted: Map<String, Value> = match (after, record) {
            (AfterCopy::Set(values), _) => values
                .iter()
                .map(|(k, v)| (k.clone(), Value::from(text(v))))
                .collect(),
            (AfterCopy::Original, Some(rec)) => original(
                rec.get("number_of_replicas")
                    .map(text)
                    .unwrap_or_else(|| "1".into()),
                rec.get("refresh_interval")
                    .map(text)
                    .unwrap_or_else(|| "1s".into()),
            ),
            (AfterCopy::Original, None) => {
                let s = flat(cx, Side::Source, &p.source).await?;
                original(
                    s.get("index.number_of_replicas")
                        .map(text)
                        .unwrap_or_else(|| "1".into()),
                    s.get("index.refresh_interval")
                        .map(text)
                        .unwrap_or_else(|| "1s".into()),
                )
            }
        };
        let d = flat(cx, Side::Destination, &p.destination).await?;
        let blocked = d.get("index.blocks.write").map(text).as_deref() == Some("true");
        let same = wanted
            .iter()
            .all(|(k, v)| d.get(&format!("index.{k}")).map(text) == Some(text(v)));
        if !same || blocked {
            let mut index = Value::Object(wanted.clone());
            if blocked {
                index["blocks"] = json!({"write": false});
            }
            cx.client(Side::Destination)
                .put_settings(&p.destination, json!({ "index": index }))
                .await
                .map_err(|e| {
                    cx.fail(
                        Side::Destination,
                        &format!("restoring the settings of `{}`", p.destination),
                        &e,
                    )
                })?;
        }
        let mut row = json!({
            "index": p.destination, "settings": Value::Object(wanted.clone()),
            "changed": !same || blocked, "write_block_lifted": blocked, "aliases_added": aliases,
        });
        for key in ["number_of_replicas", "refresh_interval"] {
            if let Some(v) = wanted.get(key) {
                row[key] = v.clone();
            }
        }
        rows.push(row);
    }
    Ok(Outcome::Done {
        outputs: json!({"indices": rows}),
    })
}

fn original(replicas: String, refresh: String) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("number_of_replicas".into(), Value::from(replicas));
    m.insert("refresh_interval".into(), Value::from(refresh));
    m
}

/// Adds the source index's aliases (with their filters and routing) to the destination index;
/// returns the names added.
async fn copy_aliases(
    cx: &Cx<'_>,
    source: &str,
    destination: &str,
) -> Result<Vec<String>, StepError> {
    let read = |side: Side, index: String| async move {
        cx.client(side)
            .get_aliases(&index)
            .await
            .map(|v| {
                v.get(&index)
                    .and_then(|i| i.get("aliases"))
                    .and_then(Value::as_object)
                    .cloned()
                    .unwrap_or_default()
            })
            .map_err(|e| cx.fail(side, &format!("reading the aliases of `{index}`"), &e))
    };
    let want = read(Side::Source, source.to_owned()).await?;
    if want.is_empty() {
        return Ok(Vec::new());
    }
    let have = read(Side::Destination, destination.to_owned()).await?;
    let mut actions = Vec::new();
    let mut added = Vec::new();
    for (name, spec) in want {
        if have.contains_key(&name) {
            continue;
        }
        let mut add = spec.as_object().cloned().unwrap_or_default();
        add.insert("index".into(), Value::from(destination));
        add.insert("alias".into(), Value::from(name.as_str()));
        actions.push(json!({ "add": Value::Object(add) }));
        added.push(name);
    }
    if !actions.is_empty() {
        cx.client(Side::Destination)
            .update_aliases(actions)
            .await
            .map_err(|e| {
                cx.fail(
                    Side::Destination,
                    &format!("adding the aliases of `{source}` to `{destination}`"),
                    &e,
                )
            })?;
    }
    Ok(added)
}
