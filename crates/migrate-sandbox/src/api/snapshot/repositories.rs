//! Repository APIs: register (with verification), get, delete, `_verify`, `_cleanup`.

use std::sync::Arc;

use axum::http::StatusCode;
use serde_json::{Map, Value, json};

use super::{lookup, names, repository_exception, repository_missing, store_error};
use crate::api::{Ctx, Reply};
use crate::error::{ApiError, ApiResult};
use crate::snapshot::registry::{self, Registered};
use crate::snapshot::restore::{self};
use crate::state::Shared;

pub(super) fn settings_view(settings: &Map<String, Value>) -> Value {
    Value::Object(
        settings
            .iter()
            .map(|(k, v)| {
                let v = match v {
                    Value::String(_) | Value::Object(_) | Value::Array(_) => v.clone(),
                    other => Value::String(other.to_string()),
                };
                (k.clone(), v)
            })
            .collect(),
    )
}

pub(super) async fn get_repository(ctx: Ctx) -> ApiResult<Reply> {
    let service = &ctx.shared.snapshots;
    let expr = ctx.param("repository");
    let all = service.repositories();
    let mut out = Map::new();
    for name in if expr.is_empty() {
        vec!["_all"]
    } else {
        names(expr)
    } {
        let matched: Vec<&Arc<Registered>> = all
            .iter()
            .filter(|r| name == "_all" || restore::glob(name, &r.name))
            .collect();
        if matched.is_empty() && !name.contains('*') && name != "_all" {
            return Err(repository_missing(name));
        }
        for r in matched {
            out.insert(
                r.name.clone(),
                json!({"type": r.kind, "settings": settings_view(&r.settings)}),
            );
        }
    }
    Reply::ok(Value::Object(out))
}

pub(super) async fn put_repository(ctx: Ctx) -> ApiResult<Reply> {
    let name = ctx.param("repository").to_owned();
    let body = ctx.json()?.unwrap_or(Value::Null);
    let service = &ctx.shared.snapshots;
    let registered =
        registry::register(&name, &body, service.node()).map_err(|e| repository_exception(e.0))?;
    if ctx.q("verify") != Some("false") {
        verify(&ctx.shared, &registered).await?;
    }
    service.put_repository(registered);
    Reply::ok(json!({"acknowledged": true}))
}

pub(super) async fn verify(shared: &Shared, registered: &Registered) -> ApiResult<()> {
    let result = if registered.readonly {
        registered.repository.current().await.map(|_| ())
    } else {
        registered.repository.verify(&shared.node_id).await
    };
    result.map_err(|e| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "repository_verification_exception",
            format!(
                "[{}] path  is not accessible on master node",
                registered.name
            ),
        )
        .with(
            "caused_by",
            json!({"type": "i_o_exception", "reason": e.to_string()}),
        )
    })
}

pub(super) async fn delete_repository(ctx: Ctx) -> ApiResult<Reply> {
    let name = ctx.param("repository");
    if !ctx.shared.snapshots.remove_repository(name) {
        return Err(repository_missing(name));
    }
    Reply::ok(json!({"acknowledged": true}))
}

pub(super) async fn verify_repository(ctx: Ctx) -> ApiResult<Reply> {
    let registered = lookup(&ctx)?;
    verify(&ctx.shared, &registered).await?;
    let s = &ctx.shared;
    Reply::ok(json!({"nodes": {s.node_id.clone(): {"name": s.node_name}}}))
}

pub(super) async fn cleanup_repository(ctx: Ctx) -> ApiResult<Reply> {
    let registered = lookup(&ctx)?;
    if registered.readonly {
        return Err(repository_exception(format!(
            "[{}] cannot run cleanup on readonly repository",
            registered.name
        )));
    }
    let r = crate::snapshot::cleanup(&registered.repository)
        .await
        .map_err(|e| store_error(&registered.name, &e))?;
    Reply::ok(
        json!({"results": {"deleted_bytes": r.deleted_bytes, "deleted_blobs": r.deleted_blobs}}),
    )
}
