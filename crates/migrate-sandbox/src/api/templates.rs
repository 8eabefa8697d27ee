//! Legacy index templates: `PUT|POST /_template/{name}` (`template` on 5.x, `index_patterns` from
//! 6.0 with `template` deprecated on 6.x and refused from 7.0; `include_type_name` as index
//! creation takes it), `GET /_template[/{name}]`, `DELETE /_template/{name}`.

use axum::http::{Method, StatusCode};
use serde_json::{Map, Value, json};

use super::{Ctx, Reply};
use crate::error::{ApiError, ApiResult};
use crate::flavor::TypeMode;
use crate::model::metadata::LegacyTemplate;
use crate::router::RouteTable;
use crate::templates::{parse_body, render_body, select};

/// Registers the routes.
pub fn register(t: &mut RouteTable) {
    use Method as M;
    t.api(
        "indices.put_template",
        &[M::PUT, M::POST],
        &["/_template/{name}"],
        put,
    );
    t.api(
        "indices.get_template",
        &[M::GET],
        &["/_template", "/_template/{name}"],
        get,
    );
    t.api(
        "indices.delete_template",
        &[M::DELETE],
        &["/_template/{name}"],
        delete,
    );
}

fn patterns(v: &Value) -> Vec<String> {
    crate::json::comma_list(Some(v))
}

fn unknown_key(key: &str) -> ApiError {
    ApiError::parse(format!("unknown key [{key}] in the template ")).with("caused_by", json!(null))
}

fn int(v: Option<&Value>, key: &str) -> ApiResult<Option<i64>> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_i64()
            .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
            .map(Some)
            .ok_or_else(|| ApiError::parse(format!("failed to parse [{key}]: {v}"))),
    }
}

async fn put(ctx: Ctx) -> ApiResult<Reply> {
    let p = ctx.shared.product;
    let name = ctx.param("name").to_string();
    if p.type_mode() == TypeMode::None && ctx.q("include_type_name").is_some() {
        return Err(ApiError::illegal_argument(format!(
            "request [/_template/{name}] contains unrecognized parameter: [include_type_name]"
        )));
    }
    let body = ctx.json()?.unwrap_or_else(|| json!({}));
    let Some(obj) = body.as_object() else {
        return Err(ApiError::parse("template body must be an object"));
    };
    let es5 = p.es_major() == 5 && !p.is_opensearch();
    let mut pats = Vec::new();
    let mut warnings = Vec::new();
    for (k, v) in obj {
        match k.as_str() {
            "template" if es5 => pats = patterns(v),
            "template" if p.es_major() == 6 && !p.is_opensearch() => {
                warnings
                    .push("Deprecated field [template] used, replaced by [index_patterns]".into());
                pats = patterns(v);
            }
            "index_patterns" if !es5 => pats = patterns(v),
            "order" | "version" | "settings" | "mappings" | "aliases" => {}
            other => return Err(unknown_key(other)),
        }
    }
    if pats.is_empty() {
        let what = if es5 {
            "template is missing"
        } else {
            "index patterns are missing"
        };
        return Err(ApiError::validation(&[what.into()]));
    }
    let typed = ctx.flag("include_type_name");
    let parsed = parse_body(&p, &body, typed)?;
    crate::index_settings::check_create(&p, &name, &parsed.settings)?;
    let template = LegacyTemplate {
        order: int(obj.get("order"), "order")?.unwrap_or(0),
        patterns: pats,
        version: int(obj.get("version"), "version")?,
        body: parsed,
    };
    let mut c = ctx.shared.cluster();
    if ctx.flag("create") && c.meta.legacy_templates.contains_key(&name) {
        return Err(ApiError::illegal_argument(format!(
            "index_template [{name}] already exists"
        )));
    }
    c.meta.legacy_templates.insert(name, template);
    let reply = Reply::Json(StatusCode::OK, json!({"acknowledged": true}));
    Ok(if warnings.is_empty() {
        reply
    } else {
        Reply::Warned(Box::new(reply), warnings)
    })
}

async fn get(ctx: Ctx) -> ApiResult<Reply> {
    let p = ctx.shared.product;
    let es5 = p.es_major() == 5 && !p.is_opensearch();
    let c = ctx.shared.cluster();
    let typed = ctx.flag("include_type_name");
    let mut out = Map::new();
    for name in select(&c.meta.legacy_templates, ctx.param("name")) {
        let t = &c.meta.legacy_templates[name];
        let mut m = Map::new();
        m.insert("order".into(), json!(t.order));
        if let Some(v) = t.version {
            m.insert("version".into(), json!(v));
        }
        if es5 {
            m.insert("template".into(), json!(t.patterns.join(",")));
        } else {
            m.insert("index_patterns".into(), json!(t.patterns));
        }
        if let Value::Object(b) = render_body(&p, &t.body, typed, true) {
            m.extend(b);
        }
        out.insert(name.clone(), Value::Object(m));
    }
    let status = if out.is_empty() && !ctx.param("name").is_empty() {
        StatusCode::NOT_FOUND
    } else {
        StatusCode::OK
    };
    Ok(Reply::Json(status, Value::Object(out)))
}

/// `index_template_missing_exception` (404).
pub fn missing(name: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "index_template_missing_exception",
        format!("index_template [{name}] missing"),
    )
}

async fn delete(ctx: Ctx) -> ApiResult<Reply> {
    let mut c = ctx.shared.cluster();
    let expr = ctx.param("name").to_string();
    let names: Vec<String> = select(&c.meta.legacy_templates, &expr)
        .into_iter()
        .cloned()
        .collect();
    if names.is_empty() {
        return Err(missing(&expr));
    }
    for n in names {
        c.meta.legacy_templates.remove(&n);
    }
    Reply::ok(json!({"acknowledged": true}))
}
