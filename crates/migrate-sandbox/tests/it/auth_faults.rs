//! Authentication (basic, SigV4 for service `es`) and fault injection over real HTTP, and the request log.

use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use migrate_sandbox::{Auth, FaultRule, Flavor, Sandbox};

use super::http::start;

/// Signs a request with aws-sigv4 exactly as a client would and sends it.
async fn signed(url: &str, method: &str, path: &str, body: &str, secret: &str) -> u16 {
    let full = format!("{url}{path}");
    let host = url.trim_start_matches("http://").to_string();
    let identity = Credentials::new("AKIDEXAMPLE", secret, None, None, "test").into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region("eu-west-1")
        .name("es")
        .time(SystemTime::now())
        .settings(SigningSettings::default())
        .build()
        .expect("params")
        .into();
    let headers = [
        ("host", host.as_str()),
        ("content-type", "application/json"),
    ];
    let req = SignableRequest::new(
        method,
        full.clone(),
        headers.into_iter(),
        SignableBody::Bytes(body.as_bytes()),
    )
    .expect("signable");
    let (instructions, _) = sign(req, &params).expect("sign").into_parts();
    let mut builder = reqwest::Client::new()
        .request(
            reqwest::Method::from_bytes(method.as_bytes()).expect("method"),
            &full,
        )
        .header("content-type", "application/json")
        .body(body.to_string());
    for (k, v) in instructions.headers() {
        builder = builder.header(k, v);
    }
    builder.send().await.expect("send").status().as_u16()
}

#[tokio::test]
async fn basic_auth_is_enforced() {
    let sb = Sandbox::builder()
        .auth(Auth::basic("admin", "s3cret"))
        .start()
        .await
        .expect("sb");
    let c = reqwest::Client::new();
    let r = c.get(sb.url()).send().await.expect("get");
    assert_eq!(r.status().as_u16(), 401);
    assert!(r.headers().contains_key("www-authenticate"));
    let body = r.text().await.unwrap_or_default();
    assert!(body.contains("security_exception") && !body.contains("s3cret"));
    let r = c
        .get(sb.url())
        .basic_auth("admin", Some("wrong"))
        .send()
        .await
        .expect("get");
    assert_eq!(r.status().as_u16(), 401);
    let r = c
        .get(sb.url())
        .basic_auth("admin", Some("s3cret"))
        .send()
        .await
        .expect("get");
    assert_eq!(r.status().as_u16(), 200);
}

#[tokio::test]
async fn sigv4_signatures_are_verified_over_the_wire() {
    let sb = Sandbox::builder()
        .auth(Auth::sigv4("AKIDEXAMPLE", "right-secret", "eu-west-1"))
        .start()
        .await
        .expect("sb");
    assert_eq!(signed(&sb.url(), "GET", "/", "", "right-secret").await, 200);
    assert_eq!(
        signed(
            &sb.url(),
            "PUT",
            "/signed-index",
            "{\"settings\":{\"number_of_shards\":1}}",
            "right-secret"
        )
        .await,
        200
    );
    assert_eq!(
        signed(
            &sb.url(),
            "GET",
            "/_cat/indices?format=json",
            "",
            "right-secret"
        )
        .await,
        200
    );
    assert_eq!(signed(&sb.url(), "GET", "/", "", "wrong-secret").await, 403);
    let unsigned = reqwest::get(sb.url()).await.expect("get");
    assert_eq!(unsigned.status().as_u16(), 403);
}

#[tokio::test]
async fn faults_fail_the_nth_call_add_latency_and_drop_connections() {
    let sb = Sandbox::builder().seed(42).start().await.expect("sb");
    sb.faults()
        .add(FaultRule::status(429).path("/_count").nth(2));
    let c = reqwest::Client::new();
    let statuses: Vec<u16> = {
        let mut v = Vec::new();
        for _ in 0..3 {
            v.push(
                c.get(format!("{}/_count", sb.url()))
                    .send()
                    .await
                    .expect("count")
                    .status()
                    .as_u16(),
            );
        }
        v
    };
    assert_eq!(statuses, vec![200, 429, 200]);

    sb.faults().clear();
    sb.faults()
        .add(FaultRule::latency(Duration::from_millis(150)).path("/_cat/health"));
    let start = std::time::Instant::now();
    c.get(format!("{}/_cat/health", sb.url()))
        .send()
        .await
        .expect("health");
    assert!(start.elapsed() >= Duration::from_millis(150));

    sb.faults()
        .add(FaultRule::drop_connection().method("GET").path("/_nodes"));
    let r = c.get(format!("{}/_nodes", sb.url())).send().await;
    let failed = match r {
        Err(_) => true,
        Ok(resp) => resp.bytes().await.is_err(),
    };
    assert!(
        failed,
        "a dropped connection must surface as a transport error"
    );

    let log = sb.request_log();
    assert_eq!(
        log.matching("GET", "/_count")
            .iter()
            .map(|r| r.status)
            .collect::<Vec<_>>(),
        vec![200, 429, 200]
    );
    assert!(log.mutating_requests().is_empty());
    c.put(format!("{}/x", sb.url())).send().await.expect("put");
    assert_eq!(log.mutating_requests().len(), 1);
}

#[tokio::test]
async fn es5_keeps_many_mapping_types() {
    let sb = start(Flavor::Elasticsearch, "5.6.16").await;
    let c = reqwest::Client::new();
    let r = c
        .put(format!("{}/multi", sb.url()))
        .json(&serde_json::json!({"mappings": {"a": {"properties": {"x": {"type": "keyword"}}}, "b": {"properties": {"y": {"type": "long"}}}}}))
        .send()
        .await
        .expect("create");
    assert_eq!(r.status().as_u16(), 200);
    c.put(format!("{}/multi/a/1", sb.url()))
        .json(&serde_json::json!({"x": "v"}))
        .send()
        .await
        .expect("doc a");
    c.put(format!("{}/multi/b/1", sb.url()))
        .json(&serde_json::json!({"y": 2}))
        .send()
        .await
        .expect("doc b");
    let m: serde_json::Value = c
        .get(format!("{}/multi/_mapping", sb.url()))
        .send()
        .await
        .expect("mapping")
        .json()
        .await
        .expect("json");
    assert_eq!(
        m["multi"]["mappings"]["a"]["properties"]["x"]["type"],
        "keyword"
    );
    assert_eq!(
        m["multi"]["mappings"]["b"]["properties"]["y"]["type"],
        "long"
    );
    let s: serde_json::Value = c
        .get(format!("{}/multi/b/_search", sb.url()))
        .send()
        .await
        .expect("search")
        .json()
        .await
        .expect("json");
    assert_eq!(s["hits"]["total"], 1);
    assert_eq!(s["hits"]["hits"][0]["_type"], "b");
    // `_id` is unique per type on 5.x: both documents with id 1 exist.
    let all: serde_json::Value = c
        .get(format!("{}/multi/_count", sb.url()))
        .send()
        .await
        .expect("count")
        .json()
        .await
        .expect("json");
    assert_eq!(all["count"], 2);
    let a: serde_json::Value = c
        .get(format!("{}/multi/a/1", sb.url()))
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert_eq!(a["_source"]["x"], "v");
    // Typed bulk path: the URL's type applies to actions without `_type`.
    let r = c
        .post(format!("{}/multi/c/_bulk", sb.url()))
        .header("content-type", "application/x-ndjson")
        .body("{\"index\":{\"_id\":\"1\"}}\n{\"z\":true}\n")
        .send()
        .await
        .expect("bulk");
    let v: serde_json::Value = r.json().await.expect("json");
    assert_eq!(v["items"][0]["index"]["_type"], "c", "{v}");
    assert_eq!(
        v["items"][0]["index"]["created"], true,
        "5.x items carry `created`"
    );
}
