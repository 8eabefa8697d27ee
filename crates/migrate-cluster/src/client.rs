//! The cluster client: every request goes out from a planned `migrate_core::Request` through one
//! path — fill its slots, check the write-guard against its `mutates`, authenticate, send, parse
//! errors, redact. Responses are bounded: a 3xx is an error (never followed), a body longer than
//! the cap is refused as it streams in, never buffered whole. Nothing here builds an endpoint except `GET /` (version detection, which the
//! preflight plans too).

use std::sync::RwLock;

use bytes::Bytes;
use migrate_core::request::{Fills, Method as PlannedMethod, Request, Wire};
use migrate_core::{Product, Quirks, Redactor, Side};
use reqwest::Method;
use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use serde::de::DeserializeOwned;
use tokio::sync::OnceCell;
use url::Url;

use crate::auth::Authenticator;
use crate::config::{ClusterConfig, Limits};
use crate::error::{ClusterError, TransportKind, parse_error_body};
use crate::guard::WriteGuard;
use crate::tls::{build_http_client, tls_help, tls_problem};
use crate::version::{RootInfo, ServerInfo};

/// A client for one Elasticsearch / OpenSearch cluster.
#[derive(Debug)]
pub struct ClusterClient {
    http: reqwest::Client,
    base: Url,
    side: Side,
    auth: Authenticator,
    guard: WriteGuard,
    /// Only reads leave this client (`plan --refresh`).
    read_only: bool,
    redactor: RwLock<Redactor>,
    limits: Limits,
    serverless: bool,
    info: OnceCell<ServerInfo>,
}

impl ClusterClient {
    /// Build a client: TLS, auth (loading AWS credentials providers), write-guard.
    pub async fn new(cfg: &ClusterConfig) -> Result<Self, ClusterError> {
        let http = build_http_client(&cfg.tls, &cfg.timeouts, &cfg.limits, &cfg.url)?;
        let mut redactor = Redactor::new();
        let host = cfg.url.host_str().unwrap_or_default().to_owned();
        let auth = Authenticator::new(&cfg.auth, &host, &mut redactor).await?;
        // Credentials embedded in the URL are never used and never shown.
        let mut base = cfg.url.clone();
        if !base.username().is_empty() || base.password().is_some() {
            if let Some(p) = base.password() {
                redactor.add(p);
                migrate_core::register_global(p);
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
            read_only: cfg.read_only,
            redactor: RwLock::new(redactor),
            limits: cfg.limits,
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

    /// Scrub every secret this client knows, and every secret the process registered
    /// ([`migrate_core::redact_global`]), from `text`.
    pub fn redact(&self, text: &str) -> String {
        match self.redactor.read() {
            Ok(r) => migrate_core::redact_global(&r.redact(text)),
            Err(_) => "(redaction unavailable)".to_owned(),
        }
    }

    /// The plan key of this cluster (`source`, `destination`), for messages naming a field.
    fn plan_key(&self) -> &'static str {
        self.side.as_str()
    }

    /// Flavour and version: from `GET /` once, or Serverless without asking.
    pub async fn server_info(&self) -> Result<&ServerInfo, ClusterError> {
        self.info
            .get_or_try_init(|| async {
                // Sent directly: filling a request may itself need the server's version.
                let req = Request::root(self.side);
                let wire = req
                    .fill(&Fills::new())
                    .map_err(|e| ClusterError::Fill(e.to_string()))?;
                let (status, body) = self.send_wire(&wire).await?;
                if !(200..300).contains(&status) {
                    return Err(self.server_error(&wire, status, &body));
                }
                let root: RootInfo = decode(&req, &body)?;
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

    /// The quirks table's rules for this server.
    pub async fn quirks(&self) -> Result<Quirks, ClusterError> {
        Ok(Quirks::new(self.server_info().await?.product))
    }

    /// Fills `req`'s slots (and, when a query parameter depends on the version, the server's
    /// product), ready to send.
    pub async fn fill(&self, req: &Request, fills: &Fills) -> Result<Wire, ClusterError> {
        if req.side != self.side {
            return Err(ClusterError::Fill(format!(
                "a {} request was handed to the {} client",
                req.side, self.side
            )));
        }
        let wire = if req.has_conditions() && fills.product_of().is_none() {
            let product = self.server_info().await?.product;
            req.fill(&fills.clone().product(product))
        } else {
            req.fill(fills)
        };
        wire.map_err(|e| ClusterError::Fill(e.to_string()))
    }

    fn url_for(&self, wire: &Wire) -> Url {
        let mut url = self.base.clone();
        let prefix = self.base.path().trim_end_matches('/');
        url.set_path(&format!("{prefix}{}", wire.path));
        if !wire.query.is_empty() {
            url.set_query(Some(&wire.query));
        }
        url
    }

    /// Sends a filled request; returns the status and body of a response, success or not.
    pub async fn send_wire(&self, wire: &Wire) -> Result<(u16, Bytes), ClusterError> {
        let body = match &wire.body {
            Some(v) => Some((
                Bytes::from(serde_json::to_vec(v).map_err(|e| ClusterError::Decode {
                    method: wire.method.as_str().to_owned(),
                    path: wire.path.clone(),
                    detail: format!("encoding body: {e}"),
                })?),
                "application/json",
            )),
            None => None,
        };
        self.send_body(wire, body).await
    }

    /// Fills `req` (its path, query and header; its body is a slot standing for the lines) and
    /// sends `lines` as an NDJSON body (`_bulk`); the status and body, success or not.
    pub async fn send_ndjson(
        &self,
        req: &Request,
        fills: &Fills,
        lines: Bytes,
    ) -> Result<(u16, Bytes), ClusterError> {
        let mut bare = req.clone();
        bare.body = None;
        let wire = self.fill(&bare, fills).await?;
        self.send_body(&wire, Some((lines, "application/x-ndjson")))
            .await
    }

    async fn send_body(
        &self,
        wire: &Wire,
        body: Option<(Bytes, &'static str)>,
    ) -> Result<(u16, Bytes), ClusterError> {
        let method = wire.method.as_str().to_owned();
        let path = wire.path.clone();
        if self.read_only && !crate::read_only::allows(wire.method, &wire.path) {
            tracing::warn!(%method, %path, "read-only client refused a request");
            return Err(ClusterError::ReadOnly {
                method,
                path,
                side: self.side.as_str(),
            });
        }
        self.guard
            .check_request(wire.method, &path, wire.mutates.as_ref())
            .inspect_err(|e| {
                tracing::warn!(%method, %path, error = %e, "write-guard refused a request");
            })?;
        let url = self.url_for(wire);
        let (body, content_type) = match body {
            Some((b, t)) => (Some(b), Some(t)),
            None => (None, None),
        };
        let mut headers = HeaderMap::new();
        if let Some(t) = content_type {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static(t));
        }
        if let Some((name, value)) = &wire.header {
            let bad = |detail: String| ClusterError::Decode {
                method: method.clone(),
                path: path.clone(),
                detail,
            };
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|e| bad(format!("header `{name}`: {e}")))?;
            let value =
                HeaderValue::from_str(value).map_err(|e| bad(format!("header `{name}`: {e}")))?;
            headers.insert(name, value);
        }
        let signed: &[u8] = body.as_deref().unwrap_or_default();
        self.auth
            .apply(&mut headers, &method, &url, signed, &self.redactor)
            .await?;
        tracing::debug!(%method, %path, "cluster request");
        let mut rb = self
            .http
            .request(reqwest_method(wire.method), url)
            .headers(headers);
        if let Some(b) = body {
            rb = rb.body(b);
        }
        let resp = rb
            .send()
            .await
            .map_err(|e| self.transport(&method, &path, &e))?;
        let status = resp.status().as_u16();
        if resp.status().is_redirection() {
            let location = resp
                .headers()
                .get(reqwest::header::LOCATION)
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
                .unwrap_or_else(|| "(none)".to_owned());
            return Err(ClusterError::Redirect {
                method,
                path,
                status,
                location: self.redact(&location),
            });
        }
        let bytes = self.read_body(resp, &method, &path).await?;
        tracing::trace!(%method, %path, status, len = bytes.len(), "cluster response");
        Ok((status, bytes))
    }

    /// Reads a response body up to the cap, chunk by chunk: an announced length over the cap is
    /// refused before reading, a streamed one as soon as it passes the cap.
    async fn read_body(
        &self,
        mut resp: reqwest::Response,
        method: &str,
        path: &str,
    ) -> Result<Bytes, ClusterError> {
        let limit = self.limits.max_response_bytes;
        let too_large = || ClusterError::TooLarge {
            method: method.to_owned(),
            path: path.to_owned(),
            limit,
            field: format!("{}.http.max_response_bytes", self.plan_key()),
        };
        if resp.content_length().is_some_and(|n| n > limit) {
            return Err(too_large());
        }
        let mut buf = Vec::with_capacity(
            usize::try_from(resp.content_length().unwrap_or(0).min(limit)).unwrap_or(0),
        );
        while let Some(chunk) = resp
            .chunk()
            .await
            .map_err(|e| self.transport(method, path, &e))?
        {
            let needed = buf.len() + chunk.len();
            if needed as u64 > limit {
                return Err(too_large());
            }
            if needed > buf.capacity() {
                // Grow by doubling, never past the cap: memory stays within the cap plus a chunk.
                let cap = usize::try_from(limit).unwrap_or(usize::MAX);
                let target = buf.capacity().saturating_mul(2).max(needed).min(cap);
                buf.reserve_exact(target - buf.len());
            }
            buf.extend_from_slice(&chunk);
        }
        Ok(Bytes::from(buf))
    }

    /// Fills and sends `req`; the status and body, success or not.
    pub async fn execute_raw(
        &self,
        req: &Request,
        fills: &Fills,
    ) -> Result<(Wire, u16, Bytes), ClusterError> {
        let wire = self.fill(req, fills).await?;
        let (status, body) = self.send_wire(&wire).await?;
        Ok((wire, status, body))
    }

    /// Fills and sends `req`, requiring a status in `ok` (any 2xx when empty); the body.
    pub async fn execute_allowing(
        &self,
        req: &Request,
        fills: &Fills,
        ok: &[u16],
    ) -> Result<Bytes, ClusterError> {
        let (wire, status, body) = self.execute_raw(req, fills).await?;
        if (200..300).contains(&status) || ok.contains(&status) {
            Ok(body)
        } else {
            let err = self.server_error(&wire, status, &body);
            tracing::debug!(error = %err, "cluster error response");
            Err(err)
        }
    }

    /// Fills and sends `req`, requiring a 2xx; the body.
    pub async fn execute(&self, req: &Request, fills: &Fills) -> Result<Bytes, ClusterError> {
        self.execute_allowing(req, fills, &[]).await
    }

    /// [`Self::execute`], then the body decoded as JSON.
    pub async fn json<T: DeserializeOwned>(
        &self,
        req: &Request,
        fills: &Fills,
    ) -> Result<T, ClusterError> {
        let body = self.execute(req, fills).await?;
        decode(req, &body)
    }

    /// [`Self::json`] where a 404 means "nothing there".
    pub async fn optional<T: DeserializeOwned>(
        &self,
        req: &Request,
        fills: &Fills,
    ) -> Result<Option<T>, ClusterError> {
        match self.json(req, fills).await {
            Ok(v) => Ok(Some(v)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// An existence check: 2xx → true, 404 → false, anything else an error.
    pub async fn exists(&self, req: &Request, fills: &Fills) -> Result<bool, ClusterError> {
        let (wire, status, body) = self.execute_raw(req, fills).await?;
        match status {
            200..=299 => Ok(true),
            404 => Ok(false),
            _ => Err(self.server_error(&wire, status, &body)),
        }
    }

    fn transport(&self, method: &str, path: &str, e: &reqwest::Error) -> ClusterError {
        let tls = tls_problem(e);
        let kind = if let Some(p) = tls {
            TransportKind::Tls(p)
        } else if e.is_timeout() {
            TransportKind::Timeout
        } else if e.is_connect() {
            TransportKind::Connect
        } else if e.is_request() || e.is_body() || e.is_decode() {
            // The connection closed or was reset mid-request or mid-response (a node restarting,
            // a load balancer dropping it, a body cut short): transient. Steps check before they act, so retrying
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
        if let Some(p) = tls {
            let host = self.base.host_str().unwrap_or_default();
            detail = format!("{detail}\nhelp: {}", tls_help(p, self.plan_key(), host));
        }
        ClusterError::Transport {
            method: method.to_owned(),
            path: path.to_owned(),
            kind,
            detail: self.redact(&detail),
        }
    }

    pub(crate) fn server_error(&self, wire: &Wire, status: u16, body: &[u8]) -> ClusterError {
        let text = String::from_utf8_lossy(body);
        let (error_type, reason) = parse_error_body(&text);
        ClusterError::Server {
            method: wire.method.as_str().to_owned(),
            path: wire.path.clone(),
            status,
            error_type: error_type.map(|t| self.redact(&t)),
            reason: self.redact(&reason),
        }
    }
}

/// Decodes a response body as JSON, naming the request when it does not fit.
pub fn decode<T: DeserializeOwned>(req: &Request, body: &[u8]) -> Result<T, ClusterError> {
    serde_json::from_slice(body).map_err(|e| ClusterError::Decode {
        method: req.method.as_str().into(),
        path: req.target(),
        detail: e.to_string(),
    })
}

fn reqwest_method(m: PlannedMethod) -> Method {
    match m {
        PlannedMethod::Get => Method::GET,
        PlannedMethod::Head => Method::HEAD,
        PlannedMethod::Put => Method::PUT,
        PlannedMethod::Post => Method::POST,
        PlannedMethod::Delete => Method::DELETE,
    }
}
