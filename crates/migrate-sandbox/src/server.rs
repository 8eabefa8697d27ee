//! The HTTP front: the one axum handler that logs, injects faults, checks auth,
//! routes through the [`RouteTable`] and renders replies and errors.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Instant, SystemTime};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;
use serde_json::json;

use crate::error::ApiError;
use crate::faults::FaultAction;
use crate::flavor::Flavor;
use crate::request_log::LoggedRequest;
use crate::router::{Ctx, JSON_UTF8, Match, Reply, RouteTable, percent_decode};

pub use crate::state::{MAX_BODY, Shared};

/// What the axum handler is given: the shared state and the route table.
pub struct Server {
    /// The state handlers share.
    pub shared: Arc<Shared>,
    /// Routes.
    pub routes: RouteTable,
}

fn json_response(status: StatusCode, body: Vec<u8>, content_type: &'static str) -> Response {
    let mut r = Response::new(Body::from(body));
    *r.status_mut() = status;
    r.headers_mut()
        .insert("content-type", HeaderValue::from_static(content_type));
    r
}

fn error_response(e: &ApiError) -> Response {
    let body = serde_json::to_vec(&e.body()).unwrap_or_default();
    let mut r = json_response(e.status, body, JSON_UTF8);
    if e.status == StatusCode::UNAUTHORIZED {
        r.headers_mut().insert(
            "www-authenticate",
            HeaderValue::from_static("Basic realm=\"security\" charset=\"UTF-8\""),
        );
    }
    r
}

fn fault_error(status: u16, opensearch: bool) -> ApiError {
    let code = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    match status {
        429 => ApiError::rejected(
            opensearch,
            "rejected execution of coordinating operation [sandbox fault injection]",
        ),
        503 => ApiError::new(
            code,
            "cluster_block_exception",
            "blocked by: [SERVICE_UNAVAILABLE/1/state not recovered / initialized];",
        ),
        _ => ApiError::new(code, "exception", format!("injected fault: HTTP {status}")),
    }
}

fn dropped() -> Response {
    let stream = futures::stream::once(async {
        Err::<bytes::Bytes, std::io::Error>(std::io::Error::new(
            std::io::ErrorKind::ConnectionAborted,
            "sandbox fault: connection dropped",
        ))
    });
    let mut r = Response::new(Body::from_stream(stream));
    r.headers_mut()
        .insert("content-type", HeaderValue::from_static("application/json"));
    r
}

/// The single axum handler.
pub async fn dispatch(State(server): State<Arc<Server>>, req: Request) -> Response {
    let shared = &server.shared;
    let start = Instant::now();
    let at = SystemTime::now();
    let (parts, body) = req.into_parts();
    let method = parts.method.clone();
    let raw_path = parts.uri.path().to_string();
    let path = percent_decode(&raw_path);
    let query_str = parts.uri.query().unwrap_or("").to_string();
    let body = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(b) => b,
        Err(_) => {
            let e = ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "content_too_long_exception",
                "request body is too large",
            );
            return error_response(&e);
        }
    };
    let user_agent = parts
        .headers
        .get("user-agent")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let log = |status: u16| LoggedRequest {
        method: method.to_string(),
        path: path.clone(),
        raw_path: raw_path.clone(),
        query: query_str.clone(),
        body_size: body.len(),
        body: (body.len() <= crate::request_log::LOGGED_BODY_MAX).then(|| body.clone()),
        user_agent: user_agent.clone(),
        status,
        duration: start.elapsed(),
        at,
    };

    let faults = if path.starts_with(crate::api::sandbox_ext::PREFIX) {
        Vec::new()
    } else {
        shared.faults.decide(method.as_str(), &path)
    };
    for action in faults {
        match action {
            FaultAction::Latency(d) => tokio::time::sleep(d).await,
            FaultAction::Status(s) => {
                let e = fault_error(s, shared.product.is_opensearch());
                shared.log.push(log(s));
                return error_response(&e);
            }
            FaultAction::Drop => {
                shared.log.push(log(0));
                return dropped();
            }
            FaultAction::RejectItem => {}
        }
    }

    if let Some(auth) = &shared.auth
        && let Err(e) = auth.verify(&method, &parts.uri, &parts.headers, &body)
    {
        shared.log.push(log(e.status.as_u16()));
        return error_response(&e);
    }

    let query: HashMap<String, String> = url::form_urlencoded::parse(query_str.as_bytes())
        .into_owned()
        .collect();
    let result = match server.routes.find(&method, &path) {
        Match::Found(route, params) => {
            if let Err(e) =
                crate::params::check(&shared.product, route.api, &raw_path, query.keys())
            {
                shared.log.push(log(e.status.as_u16()));
                return error_response(&e);
            }
            let ctx = Ctx {
                shared: shared.clone(),
                method: method.clone(),
                path: path.clone(),
                params,
                query,
                headers: parts.headers.clone(),
                body: body.clone(),
            };
            route.call(ctx).await
        }
        Match::MethodNotAllowed(allowed) => {
            let allowed: Vec<String> = allowed.iter().map(|m| m.to_string()).collect();
            let body = json!({
                "error": format!("Incorrect HTTP method for uri [{}] and method [{}], allowed: [{}]", raw_path, method, allowed.join(", ")),
                "status": 405
            });
            Ok(Reply::Json(StatusCode::METHOD_NOT_ALLOWED, body))
        }
        Match::NotFound => Err(ApiError::unrecognized(&raw_path)),
    };
    let (result, warnings) = match result {
        Ok(Reply::Warned(inner, w)) => (Ok(*inner), w),
        other => (other, Vec::new()),
    };
    let mut response = match result {
        Ok(Reply::Json(status, v)) => {
            let pretty = query_has(&query_str, "pretty");
            let bytes = if pretty {
                serde_json::to_vec_pretty(&v)
            } else {
                serde_json::to_vec(&v)
            }
            .unwrap_or_default();
            json_response(status, bytes, JSON_UTF8)
        }
        Ok(Reply::Raw(status, bytes, ct)) => {
            let bytes = if ct.starts_with("application/json") && query_has(&query_str, "pretty") {
                serde_json::from_slice::<serde_json::Value>(&bytes)
                    .ok()
                    .and_then(|v| serde_json::to_vec_pretty(&v).ok())
                    .unwrap_or(bytes)
            } else {
                bytes
            };
            json_response(status, bytes, ct)
        }
        // HEAD answers carry the JSON content type of the GET they mirror, with no body.
        Ok(Reply::Warned(inner, _)) => {
            let _ = inner;
            json_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                Vec::new(),
                "application/json",
            )
        }
        Ok(Reply::Empty(status)) => json_response(status, Vec::new(), JSON_UTF8),
        Err(e) => {
            if method == axum::http::Method::HEAD {
                json_response(e.status, Vec::new(), JSON_UTF8)
            } else {
                error_response(&e)
            }
        }
    };
    if shared.product.flavor == Flavor::Elasticsearch
        && shared.product.version >= crate::flavor::Version::new(7, 14, 0)
    {
        response.headers_mut().insert(
            "x-elastic-product",
            HeaderValue::from_static("Elasticsearch"),
        );
    }
    for w in warnings {
        if let Ok(v) = HeaderValue::from_str(&shared.product.warning_header(&w)) {
            response.headers_mut().append("warning", v);
        }
    }
    let warning = crate::task_results::access_warning(&shared.product, &shared.cluster(), &path);
    if let Some(w) = warning.and_then(|w| HeaderValue::from_str(&w).ok()) {
        response.headers_mut().append("warning", w);
    }
    shared.log.push(log(response.status().as_u16()));
    response
}

fn query_has(q: &str, key: &str) -> bool {
    url::form_urlencoded::parse(q.as_bytes()).any(|(k, v)| k == key && v != "false")
}
