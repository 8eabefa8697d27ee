//! HTTP helpers the test modules share: start a sandbox, call it, expect a 200.

use migrate_sandbox::RunningSandbox;
use reqwest::Method;
use serde_json::Value;

/// A sandbox of this flavour and version on a random port.
pub use migrate_test_support::sandboxes::sandbox as start;

/// Sends a request the sandbox must refuse with `status`; returns the body's `error` object
/// (`type`, `reason`).
pub async fn refused(
    sb: &RunningSandbox,
    method: Method,
    path: &str,
    body: Option<Value>,
    status: u16,
) -> Value {
    let (got, value) = call(sb, method, path, body).await;
    assert_eq!(got, status, "{path}: {value}");
    value["error"].clone()
}

/// The `reason` of an error object, as text (empty when there is none).
pub fn reason(error: &Value) -> &str {
    error["reason"].as_str().unwrap_or_default()
}

/// One request with an optional JSON body: the status and the body (JSON, else its text).
pub async fn call(
    sb: &RunningSandbox,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    call_url(&sb.url(), method, path, body).await
}

/// [`call`] for a server known by its URL (e.g. a sandbox in another process).
pub async fn call_url(url: &str, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
    let mut req = reqwest::Client::new().request(method, format!("{url}{path}"));
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().await.expect("request");
    let status = resp.status().as_u16();
    let text = resp.text().await.expect("body");
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// [`call`] that must answer 200; returns the body.
pub async fn ok(sb: &RunningSandbox, method: Method, path: &str, body: Option<Value>) -> Value {
    let (status, value) = call(sb, method, path, body).await;
    assert_eq!(status, 200, "{path}: {value}");
    value
}
