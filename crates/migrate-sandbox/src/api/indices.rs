//! Index APIs: create, get, exists, delete, settings get/put, mappings get/put, close, open, refresh.

use axum::http::{Method, StatusCode};
use serde_json::{Map, Value, json};

use super::{Ctx, Reply, shards};
use crate::error::{ApiError, ApiResult};
use crate::flavor::{Product, TypeMode};
use crate::mapping_body::mapping_bodies;
use crate::model::cluster::Resolve;
use crate::model::index::empty_mapping;
use crate::model::settings::{flatten, normalize_index_keys, render};
use crate::model::{Index, IndexState, RecoverySource};
use crate::names::glob;
use crate::router::RouteTable;
use crate::write::{PRIVATE_SETTINGS, create_index};

/// Registers the routes.
pub fn register(t: &mut RouteTable) {
    use Method as M;
    t.api("indices.create", &[M::PUT], &["/{index}"], create);
    t.api("indices.get", &[M::GET], &["/{index}"], get);
    t.api("indices.exists", &[M::HEAD], &["/{index}"], exists);
    t.api("indices.delete", &[M::DELETE], &["/{index}"], delete);
    t.api(
        "indices.get_settings",
        &[M::GET],
        &[
            "/_settings",
            "/_settings/{name}",
            "/{index}/_settings",
            "/{index}/_settings/{name}",
        ],
        get_settings,
    );
    t.api(
        "indices.put_settings",
        &[M::PUT],
        &["/_settings", "/{index}/_settings"],
        put_settings,
    );
    t.api(
        "indices.get_mapping",
        &[M::GET],
        &[
            "/_mapping",
            "/_mapping/{type}",
            "/{index}/_mapping",
            "/{index}/_mapping/{type}",
        ],
        get_mapping,
    );
    // 5.x/6.x also take the type before `_mapping`. (On 7.x `/{index}/_doc/_mapping` is a document
    // path, as in Elasticsearch's trie, where the static `_doc` wins over `{type}`.)
    t.api(
        "indices.put_mapping",
        &[M::PUT, M::POST],
        &[
            "/{index}/_mapping",
            "/{index}/_mapping/{type}",
            "/{index}/{type}/_mapping",
        ],
        put_mapping,
    );
    t.api("indices.close", &[M::POST], &["/{index}/_close"], close);
    t.api("indices.open", &[M::POST], &["/{index}/_open"], open);
    t.api(
        "indices.refresh",
        &[M::POST, M::GET],
        &["/_refresh", "/{index}/_refresh"],
        refresh,
    );
}

/// Resolve options from the usual parameters.
pub fn resolve_opts(ctx: &Ctx, include_closed: bool) -> Resolve {
    let expand = ctx.q("expand_wildcards").unwrap_or("");
    Resolve {
        ignore_unavailable: ctx.flag("ignore_unavailable"),
        include_closed: include_closed || expand.contains("closed") || expand.contains("all"),
        allow_no_indices: ctx.q("allow_no_indices") != Some("false"),
        include_hidden: expand.contains("hidden") || expand.contains("all"),
    }
}

fn include_type_name(ctx: &Ctx) -> bool {
    ctx.flag("include_type_name")
}

async fn create(ctx: Ctx) -> ApiResult<Reply> {
    let body = ctx.json()?;
    let p = ctx.shared.product;
    if p.type_mode() == TypeMode::None && ctx.q("include_type_name").is_some() {
        return Err(ApiError::illegal_argument(
            "request [/".to_string()
                + ctx.param("index")
                + "] contains unrecognized parameter: [include_type_name]",
        ));
    }
    let name = ctx.param("index").to_string();
    let requested = body
        .as_ref()
        .and_then(|b| b.get("settings"))
        .map(|s| normalize_index_keys(flatten(s)))
        .unwrap_or_default();
    let warnings = crate::index_settings::check_create(&p, &name, &requested)?;
    {
        let mut c = ctx.shared.cluster();
        create_index(&mut c, &p, &name, body.as_ref(), include_type_name(&ctx))?;
    }
    let mut out = Map::new();
    out.insert("acknowledged".into(), json!(true));
    out.insert("shards_acknowledged".into(), json!(true));
    if p.es_major() >= 6 || p.is_opensearch() {
        out.insert("index".into(), json!(name));
    }
    let reply = Reply::Json(StatusCode::OK, Value::Object(out));
    if warnings.is_empty() {
        Ok(reply)
    } else {
        Ok(Reply::Warned(Box::new(reply), warnings))
    }
}

/// Renders an index's mappings for this version.
pub fn mappings_json(p: &Product, index: &Index, typed: bool) -> Value {
    match p.type_mode() {
        TypeMode::Multi | TypeMode::Single => Value::Object(
            index
                .mappings
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        ),
        TypeMode::TypelessWithDoc if typed => Value::Object(
            index
                .mappings
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        ),
        _ => index
            .mappings
            .values()
            .next()
            .cloned()
            .unwrap_or_else(empty_mapping),
    }
}

fn aliases_json(index: &Index) -> Value {
    Value::Object(
        index
            .aliases
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    )
}

async fn get(ctx: Ctx) -> ApiResult<Reply> {
    let p = ctx.shared.product;
    let c = ctx.shared.cluster();
    let names = c.resolve(ctx.param("index"), resolve_opts(&ctx, true))?;
    let flat = ctx.flag("flat_settings");
    let mut out = Map::new();
    for n in names {
        let Some(i) = c.indices.get(&n) else { continue };
        out.insert(
            n.clone(),
            json!({
                "aliases": aliases_json(i),
                "mappings": mappings_json(&p, i, include_type_name(&ctx)),
                "settings": render(&i.settings, flat),
            }),
        );
    }
    Reply::ok(Value::Object(out))
}

async fn exists(ctx: Ctx) -> ApiResult<Reply> {
    let c = ctx.shared.cluster();
    let found = c
        .resolve(ctx.param("index"), resolve_opts(&ctx, true))
        .map(|v| !v.is_empty())
        .unwrap_or(false);
    Ok(Reply::Empty(if found {
        StatusCode::OK
    } else {
        StatusCode::NOT_FOUND
    }))
}

async fn delete(ctx: Ctx) -> ApiResult<Reply> {
    let mut c = ctx.shared.cluster();
    let expr = ctx.param("index");
    // Deleting through an alias is not allowed.
    for item in expr.split(',') {
        if !item.contains('*')
            && !c.indices.contains_key(item)
            && item != "_all"
            && c.indices.values().any(|i| i.aliases.contains_key(item))
        {
            return Err(ApiError::illegal_argument(format!(
                "The provided expression [{item}] matches an alias, specify the corresponding concrete indices instead."
            )));
        }
    }
    let names = c.resolve(expr, resolve_opts(&ctx, true))?;
    for n in &names {
        c.indices.remove(n);
    }
    Reply::ok(json!({"acknowledged": true}))
}

async fn get_settings(ctx: Ctx) -> ApiResult<Reply> {
    let c = ctx.shared.cluster();
    let names = c.resolve(ctx.param("index"), resolve_opts(&ctx, true))?;
    let flat = ctx.flag("flat_settings");
    let filter = ctx.param("name").to_string();
    let mut out = Map::new();
    for n in names {
        let Some(i) = c.indices.get(&n) else { continue };
        let selected = if filter.is_empty() {
            i.settings.clone()
        } else {
            i.settings
                .iter()
                .filter(|(k, _)| filter.split(',').any(|f| glob(f, k)))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        };
        let mut entry = json!({"settings": render(&selected, flat)});
        if ctx.flag("include_defaults") {
            entry["defaults"] = render(&default_index_settings(), flat);
        }
        out.insert(n, entry);
    }
    Reply::ok(Value::Object(out))
}

/// Defaults reported by `include_defaults` (the common subset).
fn default_index_settings() -> crate::model::settings::FlatSettings {
    [
        ("index.refresh_interval", "1s"),
        ("index.max_result_window", "10000"),
        ("index.blocks.write", "false"),
        ("index.blocks.read_only", "false"),
        ("index.codec", "default"),
        ("index.store.type", ""),
        ("index.number_of_routing_shards", "1"),
        ("index.auto_expand_replicas", "false"),
        ("index.mapping.total_fields.limit", "1000"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), json!(v)))
    .collect()
}

const STATIC_SETTINGS: &[&str] = &[
    "index.number_of_shards",
    "index.routing_partition_size",
    "index.codec",
    "index.sort.field",
    "index.sort.order",
];

async fn put_settings(ctx: Ctx) -> ApiResult<Reply> {
    let body = ctx
        .json()?
        .ok_or_else(|| ApiError::validation(&["no settings to update".into()]))?;
    let inner = body.get("settings").unwrap_or(&body);
    let updates = normalize_index_keys(flatten(inner));
    if updates.is_empty() {
        return Err(ApiError::validation(&["no settings to update".into()]));
    }
    crate::index_settings::check_known(&ctx.shared.product, &updates)?;
    let mut c = ctx.shared.cluster();
    let names = c.resolve(ctx.param("index"), resolve_opts(&ctx, true))?;
    for key in updates.keys() {
        if PRIVATE_SETTINGS.contains(&key.as_str()) || key == "index.creation_date" {
            return Err(ApiError::illegal_argument(format!(
                "can not update private setting [{key}]; this setting is managed by {}",
                if ctx.shared.product.is_opensearch() {
                    "OpenSearch"
                } else {
                    "Elasticsearch"
                }
            )));
        }
    }
    for n in &names {
        let Some(i) = c.indices.get(n) else { continue };
        if let Some(k) = updates
            .keys()
            .find(|k| STATIC_SETTINGS.contains(&k.as_str()))
        {
            let reason = if i.is_open() || k == "index.number_of_shards" {
                if k == "index.number_of_shards" && !i.is_open() {
                    format!("final {n} setting [{k}], not updateable")
                } else {
                    format!(
                        "Can't update non dynamic settings [[{k}]] for open indices [[{n}/{}]]",
                        i.uuid
                    )
                }
            } else {
                continue;
            };
            return Err(ApiError::illegal_argument(reason));
        }
    }
    let preserve = ctx.flag("preserve_existing");
    let replicas_changed = updates.contains_key("index.number_of_replicas");
    for n in &names {
        if let Some(i) = c.indices.get_mut(n) {
            for (k, v) in &updates {
                if v.is_null() {
                    i.settings.remove(k);
                } else if !(preserve && i.settings.contains_key(k)) {
                    i.settings.insert(k.clone(), v.clone());
                }
            }
        }
        c.refresh_setting_changed(n);
        if replicas_changed {
            let rate = c.byte_rate;
            c.start_replica_recovery(n, rate);
        }
    }
    Reply::ok(json!({"acknowledged": true}))
}

async fn get_mapping(ctx: Ctx) -> ApiResult<Reply> {
    let p = ctx.shared.product;
    let c = ctx.shared.cluster();
    let names = c.resolve(ctx.param("index"), resolve_opts(&ctx, true))?;
    let ty = ctx.param("type").to_string();
    let mut out = Map::new();
    for n in names {
        let Some(i) = c.indices.get(&n) else { continue };
        let mut m = mappings_json(&p, i, include_type_name(&ctx) || !ty.is_empty());
        if !ty.is_empty()
            && let Value::Object(map) = &mut m
        {
            map.retain(|k, _| ty.split(',').any(|t| glob(t, k)));
        }
        out.insert(n, json!({"mappings": m}));
    }
    Reply::ok(Value::Object(out))
}

async fn put_mapping(ctx: Ctx) -> ApiResult<Reply> {
    let p = ctx.shared.product;
    let body = ctx
        .json()?
        .ok_or_else(|| ApiError::validation(&["mapping source is missing".into()]))?;
    let url_type = match ctx.param("type") {
        "" => match p.type_mode() {
            // 6.7+: `include_type_name=false` makes the body typeless, under `_doc`.
            TypeMode::Single
                if p.version >= crate::flavor::Version::new(6, 7, 0)
                    && ctx.q("include_type_name") == Some("false") =>
            {
                Some("_doc".to_string())
            }
            TypeMode::Multi | TypeMode::Single if !include_type_name(&ctx) => {
                return Err(ApiError::validation(&["mapping type is missing".into()]));
            }
            _ => None,
        },
        t => {
            match p.type_mode() {
                TypeMode::None => {
                    return Err(ApiError::unrecognized(&ctx.path));
                }
                TypeMode::TypelessWithDoc if !include_type_name(&ctx) => {
                    return Err(ApiError::illegal_argument(
                        "Types cannot be provided in put mapping requests, unless the include_type_name parameter is set to true.",
                    ));
                }
                _ => {}
            }
            Some(t.to_string())
        }
    };
    let bodies = mapping_bodies(
        &p,
        &body,
        include_type_name(&ctx),
        url_type.as_deref(),
        true,
    )?;
    let mut c = ctx.shared.cluster();
    let names = c.resolve(ctx.param("index"), resolve_opts(&ctx, false))?;
    for n in &names {
        let Some(i) = c.indices.get_mut(n) else {
            continue;
        };
        for (ty, m) in &bodies {
            if p.type_mode() == TypeMode::Single
                && let Some(existing) = i.mappings.keys().next()
                && existing != ty
            {
                return Err(ApiError::illegal_argument(format!(
                    "Rejecting mapping update to [{n}] as the final mapping would have more than 1 type: [{existing}, {ty}]"
                )));
            }
            check_mapping_conflicts(&p, i, ty, m)?;
        }
    }
    // Checked everywhere first: a refused update changes no index.
    for n in &names {
        if let Some(i) = c.indices.get_mut(n) {
            for (ty, m) in &bodies {
                i.merge_mapping(ty, m);
            }
        }
    }
    Reply::ok(json!({"acknowledged": true}))
}

fn check_mapping_conflicts(p: &Product, i: &Index, ty: &str, m: &Value) -> ApiResult<()> {
    match i.mappings.get(ty) {
        Some(existing) => conflicts_in(p, existing, m, ""),
        None => Ok(()),
    }
}

/// Walks `properties` of both mappings (objects recursively, dotted names): a field whose `type`
/// changes is refused with the version's message.
fn conflicts_in(p: &Product, existing: &Value, new: &Value, prefix: &str) -> ApiResult<()> {
    let (Some(old_props), Some(new_props)) = (
        existing.get("properties").and_then(Value::as_object),
        new.get("properties").and_then(Value::as_object),
    ) else {
        return Ok(());
    };
    for (field, def) in new_props {
        let Some(old_def) = old_props.get(field) else {
            continue;
        };
        let path = format!("{prefix}{field}");
        // An object field has no `type` (or `object`); a leaf has one.
        let kind = |d: &Value| {
            d.get("type")
                .and_then(Value::as_str)
                .map(str::to_string)
                .unwrap_or_else(|| {
                    if d.get("properties").is_some() {
                        "object".into()
                    } else {
                        String::new()
                    }
                })
        };
        let (old_t, new_t) = (kind(old_def), kind(def));
        if !old_t.is_empty() && !new_t.is_empty() && old_t != new_t {
            let reason = if p.es_major() < 7 {
                format!(
                    "mapper [{path}] of different type, current_type [{old_t}], merged_type [{new_t}]"
                )
            } else {
                format!("mapper [{path}] cannot be changed from type [{old_t}] to [{new_t}]")
            };
            return Err(ApiError::illegal_argument(reason));
        }
        conflicts_in(p, old_def, def, &format!("{path}."))?;
    }
    Ok(())
}

async fn close(ctx: Ctx) -> ApiResult<Reply> {
    let p = ctx.shared.product;
    let mut c = ctx.shared.cluster();
    let names = c.resolve(ctx.param("index"), resolve_opts(&ctx, true))?;
    let mut indices = Map::new();
    for n in &names {
        if let Some(i) = c.indices.get_mut(n) {
            i.state = IndexState::Closed;
            indices.insert(n.clone(), json!({"closed": true}));
        }
    }
    let mut out = Map::new();
    out.insert("acknowledged".into(), json!(true));
    if p.es_major() >= 7 {
        out.insert("shards_acknowledged".into(), json!(true));
        out.insert("indices".into(), Value::Object(indices));
    }
    Reply::ok(Value::Object(out))
}

async fn open(ctx: Ctx) -> ApiResult<Reply> {
    let mut c = ctx.shared.cluster();
    let names = c.resolve(ctx.param("index"), resolve_opts(&ctx, true))?;
    for n in &names {
        if let Some(i) = c.indices.get_mut(n)
            && i.state == IndexState::Closed
        {
            i.state = IndexState::Open;
            i.primary_term += 1;
            if !matches!(i.recovery, RecoverySource::Snapshot { .. }) {
                i.recovery = RecoverySource::ExistingStore;
            }
        }
    }
    Reply::ok(json!({"acknowledged": true, "shards_acknowledged": true}))
}

async fn refresh(ctx: Ctx) -> ApiResult<Reply> {
    let mut c = ctx.shared.cluster();
    let names = c.resolve(ctx.param("index"), resolve_opts(&ctx, false))?;
    for n in &names {
        c.refresh(n);
    }
    for n in &names {
        if let Some(i) = c.indices.get(n)
            && !i.is_open()
            && !ctx.param("index").contains('*')
            && !ctx.param("index").is_empty()
        {
            return Err(ApiError::index_closed(n, &i.uuid));
        }
    }
    let total: u32 = names
        .iter()
        .filter_map(|n| c.indices.get(n))
        .map(|i| i.shards() * (1 + i.replicas()))
        .sum();
    let ok: u32 = names
        .iter()
        .filter_map(|n| c.indices.get(n))
        .map(Index::shards)
        .sum();
    let mut s = shards(total);
    s["successful"] = json!(ok);
    if let Value::Object(m) = &mut s {
        m.remove("skipped");
    }
    Reply::ok(json!({"_shards": s}))
}
