//! Pulling from a remote cluster the way reindex-from-remote does: `GET /` for the version, then
//! `POST /{index}/_search?scroll=5m&size=N&sort=_doc`, `POST /_search/scroll` until empty, and finally
//! `DELETE /_search/scroll`.

use axum::http::StatusCode;
use bytes::Bytes;
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Value, json};

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use super::request::RemoteSource;
use crate::error::{ApiError, ApiResult};
use crate::tasks::Progress;

/// Attempts per search request when the source rejects with 429 (as reindex's search retry policy).
const SEARCH_ATTEMPTS: u32 = 6;

/// Index, version, routing and sequence number of a document pulled from a local index.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    /// Concrete index.
    pub index: String,
    /// `_version`.
    pub version: u64,
    /// `_routing`.
    pub routing: Option<String>,
    /// `_seq_no` and `_primary_term` when read (an update by query writes only if they still hold).
    pub seq_no: (u64, u64),
}

/// One document pulled from a source.
#[derive(Debug, Clone, Default)]
pub struct PulledDoc {
    /// `_id`.
    pub id: String,
    /// `_type` when the source has types.
    pub ty: Option<String>,
    /// Raw `_source`.
    pub source: Bytes,
    /// Where a local document came from (what a script sees as `ctx._index` …).
    pub meta: Option<Origin>,
}

#[derive(Deserialize)]
struct SearchResp<'a> {
    #[serde(rename = "_scroll_id")]
    scroll_id: Option<String>,
    #[serde(borrow)]
    hits: HitsResp<'a>,
}

#[derive(Deserialize)]
struct HitsResp<'a> {
    #[serde(default)]
    total: Value,
    #[serde(borrow, default)]
    hits: Vec<HitResp<'a>>,
}

#[derive(Deserialize)]
struct HitResp<'a> {
    #[serde(rename = "_id")]
    id: String,
    #[serde(rename = "_type")]
    ty: Option<String>,
    #[serde(rename = "_source", borrow)]
    source: Option<&'a RawValue>,
}

/// An open remote scroll.
pub struct RemoteScroll {
    client: reqwest::Client,
    base: String,
    remote: RemoteSource,
    scroll_id: Option<String>,
    /// Remote version number from `GET /`.
    pub version: String,
    /// `hits.total` of the first page.
    pub total: u64,
    progress: Arc<Progress>,
}

fn connect_error(e: &reqwest::Error) -> ApiError {
    let kind = if e.is_timeout() {
        "socket_timeout_exception"
    } else {
        "connect_exception"
    };
    let mut reason = e.to_string();
    if let Some(u) = e.url() {
        // Never echo credentials embedded in a URL.
        reason = reason.replace(
            u.as_str(),
            &format!("{}://{}", u.scheme(), u.host_str().unwrap_or("")),
        );
    }
    ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, kind, reason)
}

async fn check(resp: reqwest::Response) -> ApiResult<Bytes> {
    let status = resp.status();
    let body = resp.bytes().await.map_err(|e| connect_error(&e))?;
    if status.is_success() {
        return Ok(body);
    }
    let v: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let err = &v["error"];
    let kind = err["type"].as_str().unwrap_or("status_exception");
    let reason = err["reason"]
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(|| String::from_utf8_lossy(&body).into_owned());
    Err(ApiError::new(
        StatusCode::from_u16(status.as_u16()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        kind,
        reason,
    ))
}

fn parse_page(body: &[u8]) -> ApiResult<(Option<String>, u64, Vec<PulledDoc>)> {
    let resp: SearchResp<'_> = serde_json::from_slice(body).map_err(|e| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "parsing_exception",
            format!("failed to parse the remote response: {e}"),
        )
    })?;
    let total = match &resp.hits.total {
        Value::Number(n) => n.as_u64().unwrap_or(0),
        Value::Object(o) => o.get("value").and_then(Value::as_u64).unwrap_or(0),
        _ => 0,
    };
    let docs = resp
        .hits
        .hits
        .into_iter()
        .map(|h| PulledDoc {
            id: h.id,
            ty: h.ty,
            source: h
                .source
                .map(|s| Bytes::copy_from_slice(s.get().as_bytes()))
                .unwrap_or_else(|| Bytes::from_static(b"{}")),
            meta: None,
        })
        .collect();
    Ok((resp.scroll_id, total, docs))
}

impl RemoteScroll {
    fn req(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let mut r = self
            .client
            .request(method, format!("{}{}", self.base, path));
        if let Some(u) = &self.remote.username {
            r = r.basic_auth(u, self.remote.password.as_deref());
        }
        r
    }

    /// Sends a search request, retrying with exponential backoff while the source answers 429.
    async fn send_search(
        &self,
        method: reqwest::Method,
        path: &str,
        body: &Value,
    ) -> ApiResult<Bytes> {
        let mut delay = Duration::from_millis(50);
        let mut attempt = 1;
        loop {
            let resp = self
                .req(method.clone(), path)
                .json(body)
                .send()
                .await
                .map_err(|e| connect_error(&e))?;
            if resp.status().as_u16() == 429 && attempt < SEARCH_ATTEMPTS {
                self.progress.search_retries.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(delay).await;
                delay *= 2;
                attempt += 1;
                continue;
            }
            return check(resp).await;
        }
    }

    /// Opens the scroll and returns the first page.
    #[allow(clippy::too_many_arguments)]
    pub async fn open(
        progress: Arc<Progress>,
        client: reqwest::Client,
        remote: RemoteSource,
        indices: &[String],
        query: Option<&Value>,
        source_filter: Option<&Value>,
        size: usize,
    ) -> ApiResult<(RemoteScroll, Vec<PulledDoc>)> {
        let base = remote.host.trim_end_matches('/').to_string();
        let mut s = RemoteScroll {
            client,
            base,
            remote,
            scroll_id: None,
            version: String::new(),
            total: 0,
            progress,
        };
        let info = check(
            s.req(reqwest::Method::GET, "/")
                .send()
                .await
                .map_err(|e| connect_error(&e))?,
        )
        .await?;
        let info: Value = serde_json::from_slice(&info).unwrap_or(Value::Null);
        s.version = info["version"]["number"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let mut body = json!({"query": query.cloned().unwrap_or(json!({"match_all": {}}))});
        if let Some(f) = source_filter {
            body["_source"] = f.clone();
        }
        // Index names are percent-encoded in the path, as Elasticsearch's remote client does.
        let encoded: Vec<String> = indices.iter().map(|i| encode_segment(i)).collect();
        let path = format!(
            "/{}/_search?scroll=5m&size={size}&sort=_doc",
            encoded.join(",")
        );
        let bytes = s.send_search(reqwest::Method::POST, &path, &body).await?;
        let (id, total, docs) = parse_page(&bytes)?;
        s.scroll_id = id;
        s.total = total;
        Ok((s, docs))
    }

    /// The next page (empty at the end).
    pub async fn next(&mut self) -> ApiResult<Vec<PulledDoc>> {
        let Some(id) = self.scroll_id.clone() else {
            return Ok(vec![]);
        };
        let bytes = self
            .send_search(
                reqwest::Method::POST,
                "/_search/scroll",
                &json!({"scroll": "5m", "scroll_id": id}),
            )
            .await?;
        let (id, _, docs) = parse_page(&bytes)?;
        if id.is_some() {
            self.scroll_id = id;
        }
        Ok(docs)
    }

    /// Clears the scroll (errors ignored, as the real client does).
    pub async fn clear(&mut self) {
        if let Some(id) = self.scroll_id.take() {
            let _ = self
                .req(reqwest::Method::DELETE, "/_search/scroll")
                .json(&json!({"scroll_id": [id]}))
                .send()
                .await;
        }
    }
}

/// Percent-encodes a path segment (unreserved characters and `*` stay).
fn encode_segment(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'*') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
