//! Aliases: `_alias` get/put/delete/exists and `_aliases` actions (add, remove, remove_index).

use axum::http::{Method, StatusCode};
use serde_json::{Map, Value, json};

use super::cat::{Table, render};
use super::indices::resolve_opts;
use super::{Ctx, Reply};
use crate::error::{ApiError, ApiResult};
use crate::model::cluster::Resolve;
use crate::names::glob;
use crate::router::RouteTable;

/// Registers the routes.
pub fn register(t: &mut RouteTable) {
    use Method as M;
    t.api("indices.update_aliases", &[M::POST], &["/_aliases"], update);
    t.api(
        "indices.get_alias",
        &[M::GET],
        &[
            "/_alias",
            "/_alias/{name}",
            "/{index}/_alias",
            "/{index}/_alias/{name}",
            "/_aliases",
            "/{index}/_aliases",
        ],
        get,
    );
    t.api(
        "indices.exists_alias",
        &[M::HEAD],
        &["/_alias/{name}", "/{index}/_alias/{name}"],
        exists,
    );
    t.api(
        "cat.aliases",
        &[M::GET],
        &["/_cat/aliases", "/_cat/aliases/{name}"],
        cat_aliases,
    );
    t.api("indices.put_alias", &[M::PUT], &["/_alias"], put);
    t.api(
        "indices.put_alias",
        &[M::PUT, M::POST],
        &[
            "/_alias/{name}",
            "/_aliases/{name}",
            "/{index}/_alias",
            "/{index}/_aliases",
            "/{index}/_alias/{name}",
            "/{index}/_aliases/{name}",
        ],
        put,
    );
    t.api(
        "indices.delete_alias",
        &[M::DELETE],
        &["/{index}/_alias/{name}", "/{index}/_aliases/{name}"],
        delete,
    );
}

fn meta_of(body: &Value) -> Value {
    crate::model::index::alias_metadata(body)
}

fn strings(v: Option<&Value>) -> Vec<String> {
    crate::json::string_or_list(v, |s| vec![s.to_string()])
}

async fn update(ctx: Ctx) -> ApiResult<Reply> {
    let body = ctx
        .json()?
        .ok_or_else(|| ApiError::validation(&["At least one action must be specified".into()]))?;
    let actions = body
        .get("actions")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if actions.is_empty() {
        return Err(ApiError::validation(&[
            "At least one action must be specified".into(),
        ]));
    }
    let mut c = ctx.shared.cluster();
    let opts = Resolve {
        include_closed: true,
        ..Default::default()
    };
    for action in &actions {
        let Some((kind, spec)) = action.as_object().and_then(|m| m.iter().next()) else {
            continue;
        };
        let mut indices = strings(spec.get("index"));
        indices.extend(strings(spec.get("indices")));
        let mut names = strings(spec.get("alias"));
        names.extend(strings(spec.get("aliases")));
        let concrete = c.resolve(&indices.join(","), opts)?;
        if concrete.is_empty() {
            return Err(ApiError::index_not_found(&indices.join(",")));
        }
        match kind.as_str() {
            "add" => {
                for alias in &names {
                    if c.indices.contains_key(alias) {
                        return Err(ApiError::new(
                            StatusCode::BAD_REQUEST,
                            "invalid_alias_name_exception",
                            format!(
                                "Invalid alias name [{alias}]: an index or data stream exists with the same name as the alias"
                            ),
                        ));
                    }
                    for n in &concrete {
                        if let Some(i) = c.indices.get_mut(n) {
                            i.aliases.insert(alias.clone(), meta_of(spec));
                        }
                    }
                }
            }
            "remove" => {
                let mut removed = false;
                for n in &concrete {
                    if let Some(i) = c.indices.get_mut(n) {
                        let before = i.aliases.len();
                        i.aliases.retain(|a, _| !names.iter().any(|p| glob(p, a)));
                        removed |= i.aliases.len() != before;
                    }
                }
                if !removed && spec.get("must_exist").and_then(Value::as_bool) == Some(true) {
                    return Err(ApiError::new(
                        StatusCode::NOT_FOUND,
                        "aliases_not_found_exception",
                        format!("aliases [{}] missing", names.join(",")),
                    ));
                }
            }
            "remove_index" => {
                for n in &concrete {
                    c.indices.remove(n);
                }
            }
            other => {
                return Err(ApiError::illegal_argument(format!(
                    "[aliases] unknown field [{other}]"
                )));
            }
        }
    }
    Reply::ok(json!({"acknowledged": true}))
}

/// The fields a put-alias body may have.
const PUT_FIELDS: &[&str] = &[
    "index",
    "indices",
    "alias",
    "aliases",
    "filter",
    "routing",
    "index_routing",
    "search_routing",
    "is_write_index",
    "is_hidden",
];

/// Refuses alias names the servers refuse (wildcard and file-name characters, a leading `_`, `-`
/// or `+`, the name of an index).
fn check_alias_name(c: &crate::model::Cluster, alias: &str) -> ApiResult<()> {
    let bad = |why: String| {
        Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_alias_name_exception",
            format!("Invalid alias name [{alias}]: {why}"),
        ))
    };
    if alias.contains(['\\', '/', '*', '?', '"', '<', '>', '|', ' ', ',', '#', ':']) {
        return bad(
            "must not contain the following characters [ , \", *, \\, <, |, ,, >, /, ?]".into(),
        );
    }
    if alias.starts_with(['_', '-', '+']) {
        return bad("must not start with '_', '-', or '+'".into());
    }
    if c.indices.contains_key(alias) {
        return bad("an index or data stream exists with the same name as the alias".into());
    }
    Ok(())
}

async fn put(ctx: Ctx) -> ApiResult<Reply> {
    let body = ctx.json()?.unwrap_or(json!({}));
    if let Some(k) = body
        .as_object()
        .and_then(|m| m.keys().find(|k| !PUT_FIELDS.contains(&k.as_str())))
    {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "x_content_parse_exception",
            format!("[1:2] [alias] unknown field [{k}]"),
        ));
    }
    // The body's index and alias take precedence over the path's.
    let mut indices = strings(body.get("index"));
    indices.extend(strings(body.get("indices")));
    let expr = if indices.is_empty() {
        ctx.param("index").to_string()
    } else {
        indices.join(",")
    };
    if expr.is_empty() {
        return Err(ApiError::validation(&["index is missing".into()]));
    }
    let alias = match body.get("alias").and_then(Value::as_str) {
        Some(a) => a.to_string(),
        None if !ctx.param("name").is_empty() => ctx.param("name").to_string(),
        None => return Err(ApiError::validation(&["[name] is missing".into()])),
    };
    let mut c = ctx.shared.cluster();
    check_alias_name(&c, &alias)?;
    let names = c.resolve(
        &expr,
        Resolve {
            include_closed: true,
            ..Default::default()
        },
    )?;
    for n in names {
        if let Some(i) = c.indices.get_mut(&n) {
            i.aliases.insert(alias.clone(), meta_of(&body));
        }
    }
    Reply::ok(json!({"acknowledged": true}))
}

async fn delete(ctx: Ctx) -> ApiResult<Reply> {
    let mut c = ctx.shared.cluster();
    let names = c.resolve(
        ctx.param("index"),
        Resolve {
            include_closed: true,
            ..Default::default()
        },
    )?;
    let pattern = ctx.param("name").to_string();
    let mut removed = false;
    for n in names {
        if let Some(i) = c.indices.get_mut(&n) {
            let before = i.aliases.len();
            i.aliases
                .retain(|a, _| !pattern.split(',').any(|p| p == "_all" || glob(p, a)));
            removed |= before != i.aliases.len();
        }
    }
    if !removed {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "aliases_not_found_exception",
            format!("aliases [{pattern}] missing"),
        )
        .with("resource.type", "aliases")
        .with("resource.id", pattern.as_str()));
    }
    Reply::ok(json!({"acknowledged": true}))
}

fn collect(ctx: &Ctx) -> ApiResult<(Map<String, Value>, bool)> {
    let c = ctx.shared.cluster();
    let names = c.resolve(ctx.param("index"), resolve_opts(ctx, true))?;
    let pattern = ctx.param("name");
    let mut out = Map::new();
    let mut any = false;
    for n in names {
        let Some(i) = c.indices.get(&n) else { continue };
        let aliases: Map<String, Value> = i
            .aliases
            .iter()
            .filter(|(a, _)| {
                pattern.is_empty() || pattern.split(',').any(|p| p == "_all" || glob(p, a))
            })
            .map(|(a, m)| (a.clone(), m.clone()))
            .collect();
        any |= !aliases.is_empty();
        if pattern.is_empty() || !aliases.is_empty() {
            out.insert(n, json!({"aliases": Value::Object(aliases)}));
        }
    }
    Ok((out, any))
}

async fn get(ctx: Ctx) -> ApiResult<Reply> {
    let (out, any) = collect(&ctx)?;
    let name = ctx.param("name");
    if !name.is_empty() && !any && !name.contains('*') {
        let mut body = out;
        body.insert("error".into(), json!(format!("alias [{name}] missing")));
        body.insert("status".into(), json!(404));
        return Ok(Reply::Json(StatusCode::NOT_FOUND, Value::Object(body)));
    }
    Reply::ok(Value::Object(out))
}

async fn exists(ctx: Ctx) -> ApiResult<Reply> {
    let found = collect(&ctx).map(|(_, any)| any).unwrap_or(false);
    Ok(Reply::Empty(if found {
        StatusCode::OK
    } else {
        StatusCode::NOT_FOUND
    }))
}

/// `_cat/aliases`: alias, index, filter (`*` when filtered), routing, write flag.
async fn cat_aliases(ctx: Ctx) -> ApiResult<Reply> {
    let pattern = ctx.param("name").to_string();
    let mut rows = Vec::new();
    {
        let c = ctx.shared.cluster();
        for (index, i) in &c.indices {
            for (alias, meta) in &i.aliases {
                if !pattern.is_empty() && !pattern.split(',').any(|p| glob(p, alias)) {
                    continue;
                }
                let text = |k: &str| {
                    meta.get(k)
                        .map(|v| match v {
                            Value::String(s) => s.clone(),
                            other => other.to_string(),
                        })
                        .unwrap_or_else(|| "-".into())
                };
                rows.push(vec![
                    alias.clone(),
                    index.clone(),
                    if meta.get("filter").is_some() {
                        "*".into()
                    } else {
                        "-".into()
                    },
                    text("index_routing"),
                    text("search_routing"),
                    text("is_write_index"),
                ]);
            }
        }
    }
    rows.sort();
    render(
        &ctx,
        Table {
            columns: vec![
                ("alias", &["a"]),
                ("index", &["i", "idx"]),
                ("filter", &["f", "fi"]),
                ("routing.index", &["ri", "routingIndex"]),
                ("routing.search", &["rs", "routingSearch"]),
                ("is_write_index", &["w", "isWriteIndex"]),
            ],
            defaults: vec![
                "alias",
                "index",
                "filter",
                "routing.index",
                "routing.search",
                "is_write_index",
            ],
            rows,
        },
    )
}
