//! Stored scripts: `PUT|POST /_scripts/{id}` (compiled before it is stored, so a broken script is
//! refused at once), `GET /_scripts/{id}`, `DELETE /_scripts/{id}`.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use super::{Ctx, Reply};
use crate::error::{ApiError, ApiResult};
use crate::painless::Script;
use crate::router::RouteTable;

/// Registers the routes.
pub fn register(t: &mut RouteTable) {
    use Method as M;
    t.api(
        "put_script",
        &[M::PUT, M::POST],
        &["/_scripts/{id}"],
        put_script,
    );
    t.api("get_script", &[M::GET], &["/_scripts/{id}"], get_script);
    t.api(
        "delete_script",
        &[M::DELETE],
        &["/_scripts/{id}"],
        delete_script,
    );
}

async fn put_script(ctx: Ctx) -> ApiResult<Reply> {
    let body = ctx.json()?.unwrap_or(Value::Null);
    let Some(script) = body.get("script") else {
        return Err(ApiError::validation(&[
            "must specify code for stored script".into(),
        ]));
    };
    let lang = script.get("lang").and_then(Value::as_str).unwrap_or("");
    if lang.is_empty() {
        return Err(ApiError::illegal_argument(
            "must specify lang for stored script",
        ));
    }
    let source = match script.get("source") {
        Some(Value::String(s)) => s.clone(),
        _ => {
            return Err(ApiError::illegal_argument(
                "must specify source for stored script",
            ));
        }
    };
    let mut c = ctx.shared.cluster();
    Script::from_request(&json!({"lang": lang, "source": source}), &c)?;
    c.scripts.insert(
        ctx.param("id").to_string(),
        json!({"lang": lang, "source": source}),
    );
    Reply::ok(json!({"acknowledged": true}))
}

async fn get_script(ctx: Ctx) -> ApiResult<Reply> {
    let id = ctx.param("id");
    let c = ctx.shared.cluster();
    Ok(match c.scripts.get(id) {
        Some(s) => Reply::Json(
            StatusCode::OK,
            json!({"_id": id, "found": true, "script": s}),
        ),
        None => Reply::Json(StatusCode::NOT_FOUND, json!({"_id": id, "found": false})),
    })
}

async fn delete_script(ctx: Ctx) -> ApiResult<Reply> {
    let id = ctx.param("id");
    let mut c = ctx.shared.cluster();
    if c.scripts.remove(id).is_none() {
        return Err(ApiError::resource_not_found(format!(
            "stored script [{id}] does not exist"
        )));
    }
    Reply::ok(json!({"acknowledged": true}))
}
