//! Composable index templates (`/_index_template/{name}`) and component templates
//! (`/_component_template/{name}`), Elasticsearch 7.8+ and OpenSearch: `composed_of` must name
//! existing component templates, two templates of the same priority may not have overlapping
//! patterns, a component template in use cannot be deleted. Older versions have no such paths.

use axum::http::{Method, StatusCode};
use serde_json::{Map, Value, json};

use super::{Ctx, Reply};
use crate::error::{ApiError, ApiResult};
use crate::model::metadata::{ComponentTemplate, IndexTemplate};
use crate::router::RouteTable;
use crate::templates::{has_composable, overlap, parse_body, render_body, select};

/// Registers the routes.
pub fn register(t: &mut RouteTable) {
    use Method as M;
    t.api(
        "indices.put_index_template",
        &[M::PUT, M::POST],
        &["/_index_template/{name}"],
        put_index,
    );
    t.api(
        "indices.get_index_template",
        &[M::GET],
        &["/_index_template", "/_index_template/{name}"],
        get_index,
    );
    t.api(
        "indices.delete_index_template",
        &[M::DELETE],
        &["/_index_template/{name}"],
        delete_index,
    );
    t.api(
        "cluster.put_component_template",
        &[M::PUT, M::POST],
        &["/_component_template/{name}"],
        put_component,
    );
    t.api(
        "cluster.get_component_template",
        &[M::GET],
        &["/_component_template", "/_component_template/{name}"],
        get_component,
    );
    t.api(
        "cluster.delete_component_template",
        &[M::DELETE],
        &["/_component_template/{name}"],
        delete_component,
    );
}

/// Before 7.8 these paths are document paths (`/{index}/{type}`): only `POST` (index a document)
/// exists there, and `_index_template` is no valid index name.
fn absent(ctx: &Ctx) -> Option<ApiResult<Reply>> {
    if has_composable(&ctx.shared.product) {
        return None;
    }
    let first = ctx
        .path
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or("")
        .to_string();
    if ctx.method == Method::POST {
        return Some(Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_index_name_exception",
            format!("Invalid index name [{first}], must not start with '_'."),
        )
        .with("index_uuid", "_na_")
        .with("index", first)));
    }
    let body = json!({
        "error": format!(
            "Incorrect HTTP method for uri [{}] and method [{}], allowed: [POST]",
            ctx.path, ctx.method
        ),
        "status": 405
    });
    Some(Ok(Reply::Json(StatusCode::METHOD_NOT_ALLOWED, body)))
}

fn unknown_field(object: &str, key: &str) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "x_content_parse_exception",
        format!("[1:2] [{object}] unknown field [{key}]"),
    )
}

fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        _ => Vec::new(),
    }
}

async fn put_index(ctx: Ctx) -> ApiResult<Reply> {
    if let Some(r) = absent(&ctx) {
        return r;
    }
    let p = ctx.shared.product;
    let name = ctx.param("name").to_string();
    let body = ctx.json()?.unwrap_or_else(|| json!({}));
    let obj = body.as_object().cloned().unwrap_or_default();
    let mut extra = Map::new();
    for (k, v) in &obj {
        match k.as_str() {
            "index_patterns" | "template" | "composed_of" => {}
            "priority" | "version" | "_meta" | "data_stream" | "allow_auto_create" => {
                extra.insert(k.clone(), v.clone());
            }
            other => return Err(unknown_field("index_template", other)),
        }
    }
    let patterns = strings(obj.get("index_patterns"));
    if patterns.is_empty() {
        return Err(ApiError::validation(&["index patterns are missing".into()]));
    }
    let inner = obj.get("template").cloned().unwrap_or_else(|| json!({}));
    let template = IndexTemplate {
        patterns,
        priority: obj.get("priority").and_then(Value::as_i64).unwrap_or(0),
        composed_of: strings(obj.get("composed_of")),
        body: parse_body(&p, &inner, false)?,
        extra,
    };
    let mut c = ctx.shared.cluster();
    let missing: Vec<&String> = template
        .composed_of
        .iter()
        .filter(|n| !c.meta.component_templates.contains_key(*n))
        .collect();
    if !missing.is_empty() {
        let list: Vec<&str> = missing.iter().map(|s| s.as_str()).collect();
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_index_template_exception",
            format!(
                "index_template [{name}] invalid, cause [index template [{name}] specifies component templates [{}] that do not exist]",
                list.join(", ")
            ),
        ));
    }
    if ctx.flag("create") && c.meta.index_templates.contains_key(&name) {
        return Err(ApiError::illegal_argument(format!(
            "index template [{name}] already exists"
        )));
    }
    let clash: Vec<String> = c
        .meta
        .index_templates
        .iter()
        .filter(|(n, t)| {
            **n != name
                && t.priority == template.priority
                && overlap(&t.patterns, &template.patterns)
        })
        .map(|(n, t)| format!("{n} => [{}]", t.patterns.join(", ")))
        .collect();
    if !clash.is_empty() {
        let names: Vec<&str> = clash
            .iter()
            .filter_map(|c| c.split(" => ").next())
            .collect();
        return Err(ApiError::illegal_argument(format!(
            "index template [{name}] has index patterns [{}] matching patterns from existing templates [{}] with patterns ({}) that have the same priority [{}], multiple index templates may not match during index creation, please use a different priority",
            template.patterns.join(", "),
            names.join(", "),
            clash.join(","),
            template.priority
        )));
    }
    c.meta.index_templates.insert(name, template);
    Reply::ok(json!({"acknowledged": true}))
}

async fn get_index(ctx: Ctx) -> ApiResult<Reply> {
    if let Some(r) = absent(&ctx) {
        return r;
    }
    let p = ctx.shared.product;
    let c = ctx.shared.cluster();
    let expr = ctx.param("name");
    let mut list = Vec::new();
    for name in select(&c.meta.index_templates, expr) {
        let t = &c.meta.index_templates[name];
        let mut m = Map::new();
        m.insert("index_patterns".into(), json!(t.patterns));
        let body = render_body(&p, &t.body, false, false);
        if body.as_object().is_some_and(|b| !b.is_empty()) {
            m.insert("template".into(), body);
        }
        m.insert("composed_of".into(), json!(t.composed_of));
        m.extend(t.extra.clone());
        list.push(json!({"name": name, "index_template": Value::Object(m)}));
    }
    listed(list, expr, "index template", "index_templates")
}

/// The GET answer `{key: list}`; 404 when a concrete name matched nothing.
fn listed(list: Vec<Value>, expr: &str, what: &str, key: &str) -> ApiResult<Reply> {
    if list.is_empty() && !expr.is_empty() && !expr.contains('*') {
        return Err(ApiError::resource_not_found(format!(
            "{what} matching [{expr}] not found"
        )));
    }
    Reply::ok(json!({ key: list }))
}

async fn delete_index(ctx: Ctx) -> ApiResult<Reply> {
    if let Some(r) = absent(&ctx) {
        return r;
    }
    let mut c = ctx.shared.cluster();
    let name = ctx.param("name").to_string();
    if let Some(ds) = c.meta.data_streams.iter().find(|(_, d)| d.template == name) {
        return Err(ApiError::illegal_argument(format!(
            "unable to remove composable templates [{name}] as they are in use by a data streams [{}]",
            ds.0
        )));
    }
    if c.meta.index_templates.remove(&name).is_none() {
        return Err(super::templates::missing(&name));
    }
    Reply::ok(json!({"acknowledged": true}))
}

async fn put_component(ctx: Ctx) -> ApiResult<Reply> {
    if let Some(r) = absent(&ctx) {
        return r;
    }
    let p = ctx.shared.product;
    let name = ctx.param("name").to_string();
    let body = ctx.json()?.unwrap_or_else(|| json!({}));
    let obj = body.as_object().cloned().unwrap_or_default();
    let mut extra = Map::new();
    for (k, v) in &obj {
        match k.as_str() {
            "template" => {}
            "version" | "_meta" => {
                extra.insert(k.clone(), v.clone());
            }
            other => return Err(unknown_field("component_template", other)),
        }
    }
    let Some(inner) = obj.get("template") else {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "x_content_parse_exception",
            "[1:2] Required [template]",
        ));
    };
    let template = ComponentTemplate {
        body: parse_body(&p, inner, false)?,
        extra,
    };
    let mut c = ctx.shared.cluster();
    if ctx.flag("create") && c.meta.component_templates.contains_key(&name) {
        return Err(ApiError::illegal_argument(format!(
            "component template [{name}] already exists"
        )));
    }
    c.meta.component_templates.insert(name, template);
    Reply::ok(json!({"acknowledged": true}))
}

async fn get_component(ctx: Ctx) -> ApiResult<Reply> {
    if let Some(r) = absent(&ctx) {
        return r;
    }
    let p = ctx.shared.product;
    let c = ctx.shared.cluster();
    let expr = ctx.param("name");
    let mut list = Vec::new();
    for name in select(&c.meta.component_templates, expr) {
        let t = &c.meta.component_templates[name];
        let mut m = Map::new();
        m.insert("template".into(), render_body(&p, &t.body, false, false));
        m.extend(t.extra.clone());
        list.push(json!({"name": name, "component_template": Value::Object(m)}));
    }
    listed(list, expr, "component template", "component_templates")
}

async fn delete_component(ctx: Ctx) -> ApiResult<Reply> {
    if let Some(r) = absent(&ctx) {
        return r;
    }
    let mut c = ctx.shared.cluster();
    let name = ctx.param("name").to_string();
    let users: Vec<&str> = c
        .meta
        .index_templates
        .iter()
        .filter(|(_, t)| t.composed_of.contains(&name))
        .map(|(n, _)| n.as_str())
        .collect();
    if !users.is_empty() {
        return Err(ApiError::illegal_argument(format!(
            "component templates [{name}] cannot be removed as they are still in use by index templates [{}]",
            users.join(", ")
        )));
    }
    if c.meta.component_templates.remove(&name).is_none() {
        return Err(ApiError::resource_not_found(format!(
            "component template matching [{name}] not found"
        )));
    }
    Reply::ok(json!({"acknowledged": true}))
}
