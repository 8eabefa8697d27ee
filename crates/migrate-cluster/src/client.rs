//! The cluster client: one request path through the write-guard, auth, redaction and error parsing.

use std::sync::RwLock;

use bytes::Bytes;
use reqwest::Method;
use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderValue};
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::sync::OnceCell;
use url::Url;

use crate::auth::Authenticator;
use crate::config::ClusterConfig;
use crate::error::{ClusterError, TransportKind, parse_error_body};
use crate::guard::WriteGuard;
use crate::tls::build_http_client;
use crate::version::{RootInfo, ServerInfo};
use migrate_core::{MutatingCall, Product, Quirks, Redactor, Side};

/// A client for one Elasticsearch / OpenSearch cluster.
#[derive(Debug)]
pub struct ClusterClient {
    http: reqwest::Client,
    base: Url,
    side: Side,
    auth: Authenticator,
    guard: WriteGuard,
    redactor: RwLock<Redactor>,
    serverless: bool,
    info: OnceCell<ServerInfo>,
}

/// A request about to be sent.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    pub method: Method,
    /// Path relative to the cluster URL, starting with `/`; segments already encoded (see [`enc`]).
    pub path: String,
    pub query: Vec<(&'a str, String)>,
    pub body: Option<Value>,
    /// `Some` for a call that changes cluster state: checked by the write-guard first.
    pub mutating: Option<(MutatingCall, String)>,
    /// Extra request headers (e.g. `X-Opaque-Id`), sent as given.
    pub headers: Vec<(&'static str, String)>,
}

impl<'a> Request<'a> {
    pub fn new(method: Method, path: impl Into<String>) -> Self {
        Request {
            method,
            path: path.into(),
            query: Vec::new(),
            body: None,
            mutating: None,
            headers: Vec::new(),
        }
    }
    pub fn get(path: impl Into<String>) -> Self {
        Self::new(Method::GET, path)
    }
    pub fn query(mut self, k: &'a str, v: impl Into<String>) -> Self {
        self.query.push((k, v.into()));
        self
    }
    pub fn body(mut self, body: Value) -> Self {
        self.body = Some(body);
        self
    }
    /// Adds a request header.
    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }
    pub fn mutating(mut self, call: MutatingCall, target: impl Into<String>) -> Self {
        self.mutating = Some((call, target.into()));
        self
    }
}

/// Percent-encode one path segment (index, alias, repository or snapshot name). `,` and `*` stay
/// literal so multi-index expressions keep working.
pub fn enc(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for b in segment.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b',' | b'*' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

impl ClusterClient {
    /// Build a client: TLS, auth (loading AWS credentials providers), write-guard.
    pub async fn new(cfg: &ClusterConfig) -> Result<Self, ClusterError> {
        let http = build_http_client(&cfg.tls, &cfg.timeouts, &cfg.url)?;
        let mut redactor = Redactor::new();
        let host = cfg.url.host_str().unwrap_or_default().to_owned();
        let auth = Authenticator::new(&cfg.auth, &host, &mut redactor).await?;
        // Credentials embedded in the URL are never used and never shown.
        let mut base = cfg.url.clone();
        if !base.username().is_empty() || base.password().is_some() {
            if let Some(p) = base.password() {
                redactor.add(p);
            }
            return Err(ClusterError::Config(
                "cluster URL must not embed credentials; use `auth`".into(),
            ));
        }
        base.set_query(None);
        base.set_fragment(None);
        let declared = match cfg.side {
            Side::Source => cfg.declared_source_writes.clone(),
            Side::Destination => Default::default(),
        };
        let serverless = cfg.is_serverless();
        let info = OnceCell::new();
        if serverless {
            let _ = info.set(ServerInfo {
                product: Product::Serverless,
                cluster_name: None,
                cluster_uuid: None,
            });
        }
        Ok(ClusterClient {
            http,
            base,
            side: cfg.side,
            auth,
            guard: WriteGuard::new(cfg.side, declared),
            redactor: RwLock::new(redactor),
            serverless,
            info,
        })
    }

    pub fn side(&self) -> Side {
        self.side
    }

    pub fn base_url(&self) -> &Url {
        &self.base
    }

    pub fn is_serverless(&self) -> bool {
        self.serverless
    }

    /// Scrub every secret this client knows from `text`.
    pub fn redact(&self, text: &str) -> String {
        match self.redactor.read() {
            Ok(r) => r.redact(text),
            Err(_) => "(redaction unavailable)".to_owned(),
        }
    }

    /// Flavour and version: from `GET /` once, or Serverless without asking.
    pub async fn server_info(&self) -> Result<&ServerInfo, ClusterError> {
        self.info
            .get_or_try_init(|| async {
                let root: RootInfo = self.json(Request::get("/")).await?;
                root.server_info().ok_or_else(|| ClusterError::Decode {
                    method: "GET".into(),
                    path: "/".into(),
                    detail: format!(
                        "unparseable version `{}`",
                        self.redact(&root.version.number)
                    ),
                })
            })
            .await
    }

    /// Version quirks for this server.
    pub async fn quirks(&self) -> Result<Quirks, ClusterError> {
        Ok(Quirks::new(self.server_info().await?.product))
    }

    fn url_for(&self, req: &Request<'_>) -> Url {
        let mut url = self.base.clone();
        let prefix = self.base.path().trim_end_matches('/');
        url.set_path(&format!("{prefix}{}", req.path));
        if !req.query.is_empty() {
            let mut q = url.query_pairs_mut();
            for (k, v) in &req.query {
                q.append_pair(k, v);
            }
        }
        url
    }

    /// Send a request; returns the status and body of a response, success or not.
    pub async fn send_raw(&self, req: &Request<'_>) -> Result<(u16, Bytes), ClusterError> {
        let method = req.method.as_str().to_owned();
        let path = req.path.clone();
        if let Some((call, target)) = &req.mutating {
            self.guard.check(*call, target).inspect_err(|e| {
                tracing::warn!(%method, %path, error = %e, "write-guard refused a request");
            })?;
        }
        let url = self.url_for(req);
        let body = match &req.body {
            Some(v) => serde_json::to_vec(v).map_err(|e| ClusterError::Decode {
                method: method.clone(),
                path: path.clone(),
                detail: format!("encoding body: {e}"),
            })?,
            None => Vec::new(),
        };
        let mut headers = HeaderMap::new();
        if req.body.is_some() {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        }
        for (name, value) in &req.headers {
            let value = HeaderValue::from_str(value).map_err(|e| ClusterError::Decode {
                method: method.clone(),
                path: path.clone(),
                detail: format!("header `{name}`: {e}"),
            })?;
            headers.insert(*name, value);
        }
        self.auth
            .apply(&mut headers, &method, &url, &body, &self.redactor)
            .await?;
        tracing::debug!(%method, %path, "cluster request");
        let mut rb = self.http.request(req.method.clone(), url).headers(headers);
        if req.body.is_some() {
            rb = rb.body(body);
        }
        let resp = rb
            .send()
            .await
            .map_err(|e| self.transport(&method, &path, &e))?;
        let status = resp.status().as_u16();
        let bytes = resp
            .bytes()
            .await
            .map_err(|e| self.transport(&method, &path, &e))?;
        tracing::trace!(%method, %path, status, len = bytes.len(), "cluster response");
        Ok((status, bytes))
    }

    fn transport(&self, method: &str, path: &str, e: &reqwest::Error) -> ClusterError {
        let kind = if e.is_timeout() {
            TransportKind::Timeout
        } else if e.is_connect() {
            TransportKind::Connect
        } else if e.is_request() || e.is_body() {
            // The connection closed or was reset mid-request or mid-response (a node restarting,
            // a load balancer dropping it): transient. Steps check before they act, so retrying
            // one never repeats an effect that already happened.
            TransportKind::Interrupted
        } else {
            TransportKind::Other
        };
        // reqwest errors may include the URL; ours never carries credentials, but scrub anyway.
        let mut detail = e.to_string();
        let mut src = std::error::Error::source(e);
        while let Some(s) = src {
            detail.push_str(": ");
            detail.push_str(&s.to_string());
            src = s.source();
        }
        ClusterError::Transport {
            method: method.to_owned(),
            path: path.to_owned(),
            kind,
            detail: self.redact(&detail),
        }
    }

    pub(crate) fn server_error(&self, req: &Request<'_>, status: u16, body: &[u8]) -> ClusterError {
        let text = String::from_utf8_lossy(body);
        let (error_type, reason) = parse_error_body(&text);
        ClusterError::Server {
            method: req.method.as_str().to_owned(),
            path: req.path.clone(),
            status,
            error_type: error_type.map(|t| self.redact(&t)),
            reason: self.redact(&reason),
        }
    }

    /// Send and require a 2xx; returns the body.
    pub async fn send(&self, req: Request<'_>) -> Result<Bytes, ClusterError> {
        let (status, body) = self.send_raw(&req).await?;
        if (200..300).contains(&status) {
            Ok(body)
        } else {
            let err = self.server_error(&req, status, &body);
            tracing::debug!(error = %err, "cluster error response");
            Err(err)
        }
    }

    /// Send, require a 2xx, decode JSON.
    pub async fn json<T: DeserializeOwned>(&self, req: Request<'_>) -> Result<T, ClusterError> {
        let method = req.method.as_str().to_owned();
        let path = req.path.clone();
        let body = self.send(req).await?;
        serde_json::from_slice(&body).map_err(|e| ClusterError::Decode {
            method,
            path,
            detail: e.to_string(),
        })
    }

    /// `HEAD`-style existence check: 200 → true, 404 → false, anything else an error.
    pub async fn exists(&self, req: Request<'_>) -> Result<bool, ClusterError> {
        let (status, body) = self.send_raw(&req).await?;
        match status {
            200..=299 => Ok(true),
            404 => Ok(false),
            _ => Err(self.server_error(&req, status, &body)),
        }
    }
}
