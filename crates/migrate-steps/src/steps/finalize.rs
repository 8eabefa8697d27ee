//! `restore-settings`: the destination index gets back the source's replica count and refresh
//! interval (recorded by `create-index`, or read from the source for restored indexes), or, with
//! `copy_settings.after: { set: ... }`, the plan's explicit settings. A restored
//! index also inherits the source's cutover write block; it is lifted here, since the destination
//! is the one taking writes after the cutover. For indexes `create-index` made (the reindex
//! strategy), the source index's aliases are added to the destination index too, unless it has
//! them already (a restore brings its aliases itself).

use migrate_core::request::{Fills, Request};
use migrate_exec::{Outcome, StepCtx, StepError};
use migrate_graph::blueprint::AfterCopy;
use migrate_graph::requests::finalize::{RestoreSettings, restore_settings as planned};
use migrate_graph::requests::slots::{ALIAS_ACTIONS, LIFT_WRITE_BLOCK, REFRESH, REPLICAS};
use serde_json::{Map, Value, json};

use crate::cx::{Cx, none};
use crate::json::{flat_settings, text};
use crate::pairs::{created, pairs};

async fn flat(cx: &Cx<'_>, req: &Request, index: &str) -> Result<Map<String, Value>, StepError> {
    let v: Value = cx
        .json(req, &none(), &format!("reading the settings of `{index}`"))
        .await?;
    Ok(flat_settings(&v, index))
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
        let r = planned(&p.source, &p.destination, after);
        let record = created(ctx, source_index, &p.source);
        let aliases = if record.is_some() {
            copy_aliases(cx, &r, &p.source, &p.destination).await?
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
                let s = flat(cx, &r.source_settings, &p.source).await?;
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
        let d = flat(cx, &r.destination_settings, &p.destination).await?;
        let blocked = d.get("index.blocks.write").map(text).as_deref() == Some("true");
        let same = wanted
            .iter()
            .all(|(k, v)| d.get(&format!("index.{k}")).map(text) == Some(text(v)));
        if !same || blocked {
            let lift = blocked.then(|| json!({"blocks": {"write": false}}));
            let mut fills = Fills::new().maybe(LIFT_WRITE_BLOCK, lift);
            if let AfterCopy::Original = after {
                for (slot, key) in [
                    (REPLICAS, "number_of_replicas"),
                    (REFRESH, "refresh_interval"),
                ] {
                    fills = fills.maybe(slot, wanted.get(key).cloned());
                }
            }
            cx.send(
                &r.put,
                &fills,
                &format!("restoring the settings of `{}`", p.destination),
            )
            .await?;
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

/// The aliases of `index` (`GET /{index}/_alias`), by name.
async fn read_aliases(
    cx: &Cx<'_>,
    req: &Request,
    index: &str,
) -> Result<Map<String, Value>, StepError> {
    let v: Value = cx
        .json(req, &none(), &format!("reading the aliases of `{index}`"))
        .await?;
    Ok(v.get(index)
        .and_then(|i| i.get("aliases"))
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default())
}

/// Adds the source index's aliases (with their filters and routing) to the destination index;
/// returns the names added.
async fn copy_aliases(
    cx: &Cx<'_>,
    r: &RestoreSettings,
    source: &str,
    destination: &str,
) -> Result<Vec<String>, StepError> {
    let want = read_aliases(cx, &r.source_aliases, source).await?;
    if want.is_empty() {
        return Ok(Vec::new());
    }
    let have = read_aliases(cx, &r.destination_aliases, destination).await?;
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
        cx.send(
            &r.add_aliases,
            &Fills::new().set(ALIAS_ACTIONS, actions),
            &format!("adding the aliases of `{source}` to `{destination}`"),
        )
        .await?;
    }
    Ok(added)
}
