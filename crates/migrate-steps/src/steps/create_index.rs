//! `create-index`: the destination index from the source's settings (stripped, see
//! [`crate::copyable_settings`]) and mapping (type unwrapped when crossing versions), with replicas 0
//! and refresh -1 for the copy unless the plan's `copy_settings` say otherwise. An existing destination index with compatible mappings counts as
//! done. Outputs record, per concrete index a pattern expanded to, the source's original
//! `number_of_replicas` and `refresh_interval` for `restore-settings`.

use migrate_cluster::api::indices::IndexMapping;
use migrate_exec::{Outcome, StepError};
use migrate_graph::Side;
use serde_json::{Map, Value, json};

use crate::resolve::expand;
use crate::runner::Cx;
use crate::settings::{copyable_settings, strip_mapping};

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Fields whose type differs between the two typeless mappings (`field: source vs destination`).
fn conflicts(source: &Value, destination: &Value, prefix: &str, out: &mut Vec<String>) {
    let (Some(sp), Some(dp)) = (
        source.get("properties").and_then(Value::as_object),
        destination.get("properties").and_then(Value::as_object),
    ) else {
        return;
    };
    for (name, s) in sp {
        let Some(d) = dp.get(name) else { continue };
        let ty = |v: &Value| {
            v.get("type")
                .and_then(Value::as_str)
                .unwrap_or("object")
                .to_owned()
        };
        let path = format!("{prefix}{name}");
        if ty(s) != ty(d) {
            out.push(format!(
                "`{path}`: {} on the source, {} on the destination",
                ty(s),
                ty(d)
            ));
        } else {
            conflicts(s, d, &format!("{path}."), out);
        }
    }
}

fn mapping_of(list: Vec<(String, IndexMapping)>, index: &str) -> Option<IndexMapping> {
    let mut list = list;
    match list.iter().position(|(n, _)| n == index) {
        Some(i) => Some(list.swap_remove(i).1),
        None if list.len() == 1 => list.pop().map(|(_, m)| m),
        None => None,
    }
}

/// The copy-time settings of the destination index.
pub(super) struct Copy<'a> {
    pub number_of_replicas: u32,
    pub refresh_interval: &'a str,
}

pub(super) async fn run(
    cx: &Cx<'_>,
    source_entry: &str,
    destination_entry: &str,
    copy: Copy<'_>,
) -> Result<Outcome, StepError> {
    let src = cx.client(Side::Source);
    let dst = cx.client(Side::Destination);
    let pairs = expand(cx, source_entry, destination_entry).await?;
    let dquirks = dst
        .quirks()
        .await
        .map_err(|e| cx.fail(Side::Destination, "detecting the version", &e))?;
    let mut records = Vec::with_capacity(pairs.len());
    for p in pairs {
        let s = &p.source;
        let settings = src
            .get_settings(s)
            .await
            .map_err(|e| cx.fail(Side::Source, &format!("reading the settings of `{s}`"), &e))?;
        let flat: Map<String, Value> = settings
            .get(s)
            .and_then(|v| v.get("settings"))
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let replicas = flat
            .get("index.number_of_replicas")
            .map(text)
            .unwrap_or_else(|| "1".into());
        let refresh = flat
            .get("index.refresh_interval")
            .map(text)
            .unwrap_or_else(|| "1s".into());
        let mappings = src
            .get_mappings(s)
            .await
            .map_err(|e| cx.fail(Side::Source, &format!("reading the mapping of `{s}`"), &e))?;
        let m = mapping_of(mappings, s)
            .ok_or_else(|| cx.permanent(format!("the source returned no mapping for `{s}`")))?;
        let Some(typeless) = m.mapping else {
            return Err(cx.permanent(format!(
                "source index `{s}` has several mapping types ({}); a typeless destination holds one: migrate each type to its own index (one plan entry per type with a query) or merge them first",
                m.types.join(", ")
            )));
        };
        let type_name = m.types.first().cloned();
        let wanted = strip_mapping(&typeless, &dquirks);
        let d = &p.destination;
        let exists = match dst.get_index(d).await {
            Ok(_) => true,
            Err(e) if e.is_not_found() => false,
            Err(e) => return Err(cx.fail(Side::Destination, &format!("looking up `{d}`"), &e)),
        };
        let mut created = false;
        if exists {
            check_compatible(cx, d, &wanted).await?;
        } else {
            let mut body = copyable_settings(&flat, &dquirks);
            body.insert(
                "index.number_of_replicas".into(),
                Value::from(copy.number_of_replicas.to_string()),
            );
            body.insert(
                "index.refresh_interval".into(),
                Value::from(copy.refresh_interval),
            );
            match dst
                .create_index_typed(
                    d,
                    Some(Value::Object(body)),
                    Some(wanted.clone()),
                    None,
                    type_name.as_deref(),
                )
                .await
            {
                Ok(_) => created = true,
                Err(e) if e.error_type() == Some("resource_already_exists_exception") => {
                    check_compatible(cx, d, &wanted).await?;
                }
                Err(e) => {
                    return Err(cx.fail(Side::Destination, &format!("creating `{d}`"), &e));
                }
            }
        }
        records.push(json!({
            "source": s, "destination": d, "created": created,
            "number_of_replicas": replicas, "refresh_interval": refresh, "type": type_name,
        }));
    }
    Ok(Outcome::Done {
        outputs: json!({"indices": records}),
    })
}

async fn check_compatible(cx: &Cx<'_>, index: &str, wanted: &Value) -> Result<(), StepError> {
    let have = cx
        .client(Side::Destination)
        .get_mappings(index)
        .await
        .map_err(|e| {
            cx.fail(
                Side::Destination,
                &format!("reading the mapping of `{index}`"),
                &e,
            )
        })?;
    let have = mapping_of(have, index)
        .and_then(|m| m.mapping)
        .unwrap_or(Value::Null);
    let mut out = Vec::new();
    conflicts(wanted, &have, "", &mut out);
    if out.is_empty() {
        Ok(())
    } else {
        Err(cx.permanent(format!(
            "destination index `{index}` already exists with a different mapping: {}; delete it or rename the destination in the plan",
            out.join("; ")
        )))
    }
}
