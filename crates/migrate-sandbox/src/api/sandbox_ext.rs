//! Sandbox-only extension, never part of a real cluster's API: `GET /_sandbox/requests` lists the
//! request log as JSON (`?mutating=true` keeps only requests that can change data or state) and
//! `DELETE /_sandbox/requests` clears it. Registered only when the sandbox is started with
//! [`crate::SandboxBuilder::expose_request_log`] (binary: `--expose-request-log`), so out-of-process
//! tests can assert what a client sent. Requests to `/_sandbox/` are neither listed nor faulted.

use axum::http::Method;
use serde_json::{Value, json};

use super::{Ctx, Reply};
use crate::error::ApiResult;
use crate::router::RouteTable;

/// The path prefix of sandbox-only endpoints.
pub const PREFIX: &str = "/_sandbox/";

/// Registers the request-log routes.
pub fn register_request_log(t: &mut RouteTable) {
    t.route(Method::GET, "/_sandbox/requests", "sandbox.requests", list);
    t.route(
        Method::DELETE,
        "/_sandbox/requests",
        "sandbox.requests",
        clear,
    );
}

async fn list(ctx: Ctx) -> ApiResult<Reply> {
    let only_mutating = ctx.flag("mutating");
    let requests: Vec<Value> = ctx
        .shared
        .log
        .entries()
        .iter()
        .filter(|r| !r.path.starts_with(PREFIX))
        .filter(|r| !only_mutating || r.is_mutating())
        .map(|r| r.to_json())
        .collect();
    Reply::ok(json!({"requests": requests}))
}

async fn clear(ctx: Ctx) -> ApiResult<Reply> {
    ctx.shared.log.clear();
    Reply::ok(json!({"acknowledged": true}))
}
