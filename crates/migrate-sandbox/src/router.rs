//! The route table: `(method, path pattern, API name) → handler`. Static segments win over `{params}`.
//! Feature modules add their routes through [`RouteTable::route`] from their own `register` function
//! (see `api::register_all`), so the table doubles as the list of every path the sandbox serves.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use axum::http::{HeaderMap, Method, StatusCode};
use bytes::Bytes;
use serde_json::Value;

use crate::error::{ApiError, ApiResult};
use crate::state::Shared;

/// A handler's answer.
#[derive(Debug)]
pub enum Reply {
    /// A JSON value.
    Json(StatusCode, Value),
    /// Pre-serialised bytes with a content type.
    Raw(StatusCode, Vec<u8>, &'static str),
    /// Status only (HEAD).
    Empty(StatusCode),
    /// Another reply with `Warning` headers (deprecations), messages only.
    Warned(Box<Reply>, Vec<String>),
}

/// The content type of every JSON answer.
pub const JSON_UTF8: &str = "application/json; charset=UTF-8";

impl Reply {
    /// 200 with a JSON value.
    pub fn ok(v: Value) -> ApiResult<Reply> {
        Ok(Reply::Json(StatusCode::OK, v))
    }

    /// 200 with JSON already serialised into `bytes`.
    pub fn ok_bytes(bytes: Vec<u8>) -> ApiResult<Reply> {
        Ok(Reply::Raw(StatusCode::OK, bytes, JSON_UTF8))
    }
}

/// Everything a handler gets.
#[derive(Clone)]
pub struct Ctx {
    /// The sandbox state.
    pub shared: Arc<Shared>,
    /// HTTP method.
    pub method: Method,
    /// Path, decoded.
    pub path: String,
    /// `{name}` parameters from the pattern.
    pub params: HashMap<String, String>,
    /// Query-string parameters.
    pub query: HashMap<String, String>,
    /// Request headers.
    pub headers: HeaderMap,
    /// Body bytes.
    pub body: Bytes,
}

impl Ctx {
    /// A path parameter (empty when absent).
    pub fn param(&self, name: &str) -> &str {
        self.params.get(name).map(String::as_str).unwrap_or("")
    }

    /// A query parameter.
    pub fn q(&self, name: &str) -> Option<&str> {
        self.query.get(name).map(String::as_str)
    }

    /// A boolean query parameter (`?flag` and `?flag=true` are true).
    pub fn flag(&self, name: &str) -> bool {
        matches!(self.q(name), Some("") | Some("true"))
    }

    /// The body parsed as JSON; `None` when empty.
    pub fn json(&self) -> ApiResult<Option<Value>> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(None);
        }
        serde_json::from_slice(&self.body).map(Some).map_err(|e| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "x_content_parse_exception",
                format!("[1:1] failed to parse request body: {e}"),
            )
        })
    }
}

type BoxFut = Pin<Box<dyn Future<Output = ApiResult<Reply>> + Send>>;
/// A boxed handler.
pub type Handler = Arc<dyn Fn(Ctx) -> BoxFut + Send + Sync>;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Seg {
    Static(String),
    Param(String),
}

/// One registered route.
#[derive(Clone)]
pub struct Route {
    /// Method.
    pub method: Method,
    /// Pattern, e.g. `/{index}/_search`.
    pub pattern: &'static str,
    /// The REST API name in Elasticsearch's spec (`search`, `indices.create`, ...).
    pub api: &'static str,
    segs: Vec<Seg>,
    handler: Handler,
}

/// All routes.
#[derive(Clone, Default)]
pub struct RouteTable {
    routes: Vec<Route>,
}

/// The outcome of matching a request.
pub enum Match<'a> {
    /// A route and its parameters.
    Found(&'a Route, HashMap<String, String>),
    /// The path exists with other methods.
    MethodNotAllowed(Vec<Method>),
    /// Nothing.
    NotFound,
}

fn split(path: &str) -> Vec<&str> {
    path.split('/').filter(|s| !s.is_empty()).collect()
}

impl RouteTable {
    /// Adds a route.
    pub fn route<F, Fut>(&mut self, method: Method, pattern: &'static str, api: &'static str, f: F)
    where
        F: Fn(Ctx) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ApiResult<Reply>> + Send + 'static,
    {
        let segs = split(pattern)
            .into_iter()
            .map(
                |s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                    Some(p) => Seg::Param(p.to_string()),
                    None => Seg::Static(s.to_string()),
                },
            )
            .collect();
        let handler: Handler = Arc::new(move |ctx| Box::pin(f(ctx)));
        self.routes.push(Route {
            method,
            pattern,
            api,
            segs,
            handler,
        });
    }

    /// Adds the routes of one API: every pattern with every method, pattern by pattern.
    pub fn api<F, Fut>(
        &mut self,
        api: &'static str,
        methods: &[Method],
        patterns: &[&'static str],
        f: F,
    ) where
        F: Fn(Ctx) -> Fut + Clone + Send + Sync + 'static,
        Fut: Future<Output = ApiResult<Reply>> + Send + 'static,
    {
        for pattern in patterns {
            for method in methods {
                self.route(method.clone(), pattern, api, f.clone());
            }
        }
    }

    /// Every route (for the spec-conformance test).
    pub fn routes(&self) -> impl Iterator<Item = (&Method, &'static str, &'static str)> {
        self.routes.iter().map(|r| (&r.method, r.pattern, r.api))
    }

    /// Finds the route for a method and decoded path.
    pub fn find(&self, method: &Method, path: &str) -> Match<'_> {
        let parts = split(path);
        let mut best: Option<(&Route, Vec<bool>)> = None;
        let mut allowed = Vec::new();
        for r in &self.routes {
            if r.segs.len() != parts.len() {
                continue;
            }
            let ok = r.segs.iter().zip(&parts).all(|(s, p)| match s {
                Seg::Static(s) => s == p,
                Seg::Param(_) => true,
            });
            if !ok {
                continue;
            }
            let score: Vec<bool> = r.segs.iter().map(|s| matches!(s, Seg::Static(_))).collect();
            let method_ok =
                r.method == method || (method == Method::HEAD && r.method == Method::GET);
            if !method_ok {
                allowed.push((r.method.clone(), score));
                continue;
            }
            let better = match &best {
                None => true,
                Some((b, bs)) => {
                    score > *bs || (score == *bs && b.method != *method && r.method == *method)
                }
            };
            if better {
                best = Some((r, score));
            }
        }
        match best {
            Some((r, score)) => {
                // A more specific path that exists only with other methods wins over a param match.
                if allowed.iter().any(|(_, s)| *s > score) {
                    let methods = allowed
                        .into_iter()
                        .filter(|(_, s)| *s > score)
                        .map(|(m, _)| m)
                        .collect();
                    return Match::MethodNotAllowed(methods);
                }
                let params = r
                    .segs
                    .iter()
                    .zip(&parts)
                    .filter_map(|(s, p)| match s {
                        Seg::Param(name) => Some((name.clone(), (*p).to_string())),
                        Seg::Static(_) => None,
                    })
                    .collect();
                Match::Found(r, params)
            }
            None if !allowed.is_empty() => {
                Match::MethodNotAllowed(allowed.into_iter().map(|(m, _)| m).collect())
            }
            None => Match::NotFound,
        }
    }
}

impl Route {
    /// Runs the handler.
    pub async fn call(&self, ctx: Ctx) -> ApiResult<Reply> {
        (self.handler)(ctx).await
    }
}

/// Decodes `%XX` escapes in a path.
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Some(h) = bytes.get(i + 1..i + 3)
            && let Ok(hex) = std::str::from_utf8(h)
            && let Ok(b) = u8::from_str_radix(hex, 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
