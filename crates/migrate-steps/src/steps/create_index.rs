//! `create-index`: the destination index from the source's settings and mapping translated by the
//! one translation table (`crate::translate`, what `migrate lint` shows; a refusal fails the step
//! naming the rule and the index), with replicas 0 and refresh -1 for the copy unless the plan's
//! `copy_settings` say otherwise. An existing destination index with compatible mappings counts as
//! done. Outputs record, per concrete index a pattern expanded to, the source's original
//! `number_of_replicas` and `refresh_interval` for `restore-settings`.

use migrate_cluster::api::cluster::CatIndex;
use migrate_cluster::api::indices::{IndexMapping, mapping_for, mappings};
use migrate_core::Side;
use migrate_core::request::{Fills, Request};
use migrate_exec::{Outcome, Recheck, StepError};
use migrate_graph::requests::create_index::create_index as planned;
use migrate_graph::requests::slots::{SOURCE_MAPPINGS, SOURCE_SETTINGS};
use serde_json::{Value, json};

use crate::cx::{Cx, none};
use crate::json::{flat_settings, text};
use crate::pairs::expand;
use crate::translate::{definition, translator};

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

/// The mapping of `index` a `GET /{index}/_mapping` answered, typeless.
async fn read_mapping(
    cx: &Cx<'_>,
    req: &Request,
    index: &str,
) -> Result<Option<IndexMapping>, StepError> {
    let doing = format!("reading the mapping of `{index}`");
    let v: Value = cx.json(req, &none(), &doing).await?;
    let list = mappings(v).ok_or_else(|| {
        cx.fail(
            req.side,
            &doing,
            &migrate_cluster::ClusterError::Decode {
                method: "GET".into(),
                path: req.target(),
                detail: "expected an object keyed by index".into(),
            },
        )
    })?;
    Ok(mapping_of(list, index))
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
    let pairs = expand(cx, source_entry, destination_entry).await?;
    let (translator, dquirks) = translator(cx).await?;
    let mut records = Vec::with_capacity(pairs.len());
    for p in pairs {
        let s = &p.source;
        let d = &p.destination;
        let r = planned(s, d, copy.number_of_replicas, copy.refresh_interval);
        let settings: Value = cx
            .json(
                &r.source_settings,
                &none(),
                &format!("reading the settings of `{s}`"),
            )
            .await?;
        let flat = flat_settings(&settings, s);
        let replicas = flat
            .get("index.number_of_replicas")
            .map(text)
            .unwrap_or_else(|| "1".into());
        let refresh = flat
            .get("index.refresh_interval")
            .map(text)
            .unwrap_or_else(|| "1s".into());
        let m = read_mapping(cx, &r.source_mapping, s)
            .await?
            .ok_or_else(|| cx.permanent(format!("the source returned no mapping for `{s}`")))?;
        let type_name = m.types.first().cloned();
        let def = definition(&translator, s, &flat, &m.raw).map_err(|e| cx.permanent(e))?;
        let wanted = def.mapping;
        let mut create_settings = def.settings;
        create_settings.insert(
            "index.number_of_replicas".into(),
            Value::from(copy.number_of_replicas.to_string()),
        );
        create_settings.insert(
            "index.refresh_interval".into(),
            Value::from(copy.refresh_interval),
        );
        let exists = match cx.try_send(&r.existing, &none()).await {
            Ok(_) => true,
            Err(e) if e.is_not_found() => false,
            Err(e) => return Err(cx.fail(Side::Destination, &format!("looking up `{d}`"), &e)),
        };
        let mut created = false;
        if exists {
            check_compatible(cx, &r.existing_mapping, d, &wanted).await?;
        } else {
            let fills = Fills::new()
                .set(SOURCE_SETTINGS, Value::Object(create_settings))
                .set(
                    SOURCE_MAPPINGS,
                    mapping_for(&dquirks, wanted.clone(), def.type_name.as_deref()),
                );
            match cx.try_send(&r.create, &fills).await {
                Ok(_) => created = true,
                Err(e) if e.error_type() == Some("resource_already_exists_exception") => {
                    check_compatible(cx, &r.existing_mapping, d, &wanted).await?;
                }
                Err(e) => {
                    return Err(cx.fail(Side::Destination, &format!("creating `{d}`"), &e));
                }
            }
        }
        let uuid = index_uuid(cx, &r.identity, d).await?.ok_or_else(|| {
            cx.retryable(format!(
                "destination index `{d}` is not listed right after it was created; trying again"
            ))
        })?;
        records.push(json!({
            "source": s, "destination": d, "created": created, "uuid": uuid,
            "number_of_replicas": replicas, "refresh_interval": refresh, "type": type_name,
        }));
    }
    Ok(Outcome::Done {
        outputs: json!({"indices": records}),
    })
}

/// The uuid of index `index` (`None`: it does not exist), from the planned `_cat/indices` request.
pub(crate) async fn index_uuid(
    cx: &Cx<'_>,
    req: &Request,
    index: &str,
) -> Result<Option<String>, StepError> {
    let doing = format!("looking up the uuid of `{index}`");
    match cx.try_json::<Vec<CatIndex>>(req, &none()).await {
        Ok(list) => Ok(list
            .into_iter()
            .find(|i| i.index == index)
            .and_then(|i| i.uuid)),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(cx.fail(req.side, &doing, &e)),
    }
}

/// The postcondition of a done `create-index`: every destination index it recorded still exists
/// with the recorded uuid. Gone: it is created again (with everything downstream). Another uuid:
/// someone deleted it and something else created it (a `_reindex` auto-create with dynamic
/// mappings, a person): refused, never written to.
pub(crate) async fn recheck(cx: &Cx<'_>, outputs: &Value) -> Result<Recheck, StepError> {
    let records = outputs
        .get("indices")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for rec in records {
        let (Some(d), Some(recorded)) = (
            rec.get("destination").and_then(Value::as_str),
            rec.get("uuid").and_then(Value::as_str),
        ) else {
            continue;
        };
        let r = planned(d, d, 0, "");
        match index_uuid(cx, &r.identity, d).await? {
            None => {
                return Ok(Recheck::Redo {
                    reason: format!(
                        "destination index `{d}` (uuid `{recorded}`) no longer exists; it is created again from the source's settings and mappings"
                    ),
                });
            }
            Some(now) if now != recorded => {
                return Ok(Recheck::Broken {
                    reason: format!(
                        "destination index `{d}` now has uuid `{now}`, but this migration created it with uuid `{recorded}`: it was deleted and created again outside the migration (its settings and mappings may not be the source's); delete `{d}` on the destination and run apply again to have it created from the source's settings and mappings"
                    ),
                });
            }
            Some(_) => {}
        }
    }
    Ok(Recheck::Holds)
}

async fn check_compatible(
    cx: &Cx<'_>,
    req: &Request,
    index: &str,
    wanted: &Value,
) -> Result<(), StepError> {
    let have = read_mapping(cx, req, index)
        .await?
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
