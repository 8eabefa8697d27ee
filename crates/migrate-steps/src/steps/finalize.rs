//! `restore-settings`: the destination index gets back the source's replica count and refresh
//! interval (recorded by `create-index`, or read from the source for restored indexes). A restored
//! index also inherits the source's cutover write block; it is lifted here, since the destination
//! is the one taking writes after the cutover.

use migrate_exec::{Outcome, StepCtx, StepError};
use migrate_graph::Side;
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
) -> Result<Outcome, StepError> {
    let mut rows = Vec::new();
    for p in pairs(cx, ctx, source_index, destination_index).await? {
        let (replicas, refresh) = match created(ctx, source_index, &p.source) {
            Some(rec) => (
                rec.get("number_of_replicas")
                    .map(text)
                    .unwrap_or_else(|| "1".into()),
                rec.get("refresh_interval")
                    .map(text)
                    .unwrap_or_else(|| "1s".into()),
            ),
            None => {
                let s = flat(cx, Side::Source, &p.source).await?;
                (
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
        let same = d.get("index.number_of_replicas").map(text).as_deref()
            == Some(replicas.as_str())
            && d.get("index.refresh_interval").map(text).as_deref() == Some(refresh.as_str());
        if !same || blocked {
            let mut index = json!({"number_of_replicas": replicas, "refresh_interval": refresh});
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
        rows.push(json!({
            "index": p.destination, "number_of_replicas": replicas, "refresh_interval": refresh,
            "changed": !same || blocked, "write_block_lifted": blocked,
        }));
    }
    Ok(Outcome::Done {
        outputs: json!({"indices": rows}),
    })
}
