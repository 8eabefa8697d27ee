//! The client over real HTTP against a loopback server: auth headers on the wire, SigV4 verified
//! and a wrong secret rejected, error parsing, retry classification, the source write-guard.

use std::collections::BTreeSet;
use std::time::{Duration, SystemTime};

use crate::common::{ES7_ROOT, OS2_ROOT, Recorded, TestServer};
use aws_credential_types::Credentials;
use migrate_cluster::sigv4::{SignInput, SignOptions, sign_request};
use migrate_cluster::{
    Auth, AwsCredentialSource, ClusterClient, ClusterConfig, Flavour, MutatingCall, Role, Secret,
    SigV4Config, Version,
};
use serde_json::json;

const KEY_ID: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

fn cfg(server: &TestServer, auth: Auth) -> ClusterConfig {
    let mut c = ClusterConfig::new(server.url.clone(), Role::Destination);
    c.auth = auth;
    c
}

#[tokio::test]
async fn basic_api_key_bearer_headers_on_the_wire() {
    let server = TestServer::start(|_| (200, ES7_ROOT.into())).await;
    let cases = [
        (
            Auth::Basic {
                username: "elastic".into(),
                password: Secret::new("changeme"),
            },
            "Basic ZWxhc3RpYzpjaGFuZ2VtZQ==",
        ),
        (Auth::ApiKey(Secret::new("aWQ6a2V5")), "ApiKey aWQ6a2V5"),
        (Auth::Bearer(Secret::new("tok.en")), "Bearer tok.en"),
    ];
    for (auth, expected) in cases {
        let client = ClusterClient::new(&cfg(&server, auth)).await.unwrap();
        client.server_info().await.unwrap();
        let last = server.requests().pop().unwrap();
        assert_eq!(last.header("authorization"), Some(expected));
    }
    let client = ClusterClient::new(&cfg(&server, Auth::None)).await.unwrap();
    let info = client.server_info().await.unwrap();
    assert_eq!(info.flavour, Flavour::Elasticsearch);
    assert_eq!(info.version, Some(Version::new(7, 10, 2)));
    assert_eq!(
        server.requests().pop().unwrap().header("authorization"),
        None
    );
}

/// Verify a SigV4 request the way a server does: recompute the signature over the received method,
/// URI, signed headers and body with the secret it knows.
fn verify_sigv4(req: &Recorded, host: &str, secret: &str, service: &str) -> bool {
    let Some(auth) = req.header("authorization") else {
        return false;
    };
    let Some(date) = req.header("x-amz-date") else {
        return false;
    };
    let fmt = time::macros::format_description!("[year][month][day]T[hour][minute][second]Z");
    let Ok(t) = time::PrimitiveDateTime::parse(date, &fmt) else {
        return false;
    };
    let signed_names: Vec<&str> = auth
        .split("SignedHeaders=")
        .nth(1)
        .and_then(|s| s.split(',').next())
        .map(|s| s.split(';').collect())
        .unwrap_or_default();
    let headers: Vec<(&str, &str)> = req
        .headers
        .iter()
        .filter(|(k, _)| signed_names.contains(&k.as_str()) && k != "authorization")
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let uri = format!("http://{host}{}", req.uri);
    let creds = Credentials::new(KEY_ID, secret, None, None, "verifier");
    let Ok(out) = sign_request(
        SignInput {
            method: &req.method,
            uri: &uri,
            headers: &headers,
            body: &req.body,
        },
        &creds,
        &SignOptions {
            region: "ap-southeast-1",
            service,
            time: SystemTime::from(t.assume_utc()),
            content_sha256_header: service == "aoss",
            normalize_path: true,
        },
    ) else {
        return false;
    };
    out.iter().any(|(k, v)| k == "authorization" && v == auth)
}

fn sigv4(secret: &str, service: Option<&str>) -> Auth {
    Auth::AwsSigV4(SigV4Config {
        region: "ap-southeast-1".into(),
        service: service.map(str::to_owned),
        credentials: AwsCredentialSource::Static {
            access_key_id: Secret::new(KEY_ID),
            secret_access_key: Secret::new(secret),
            session_token: None,
        },
    })
}

#[tokio::test]
async fn sigv4_accepted_with_right_secret_rejected_with_wrong() {
    // The server verifies every request with the real secret; 403 otherwise.
    let server = TestServer::start(|_| (200, "{}".into())).await;
    let host = common_host(&server);
    for (secret, service) in [
        (SECRET, None),
        (SECRET, Some("aoss")),
        ("wrong-secret", None),
    ] {
        let client = ClusterClient::new(&cfg(&server, sigv4(secret, service)))
            .await
            .unwrap();
        // A body-carrying request: the signature must cover the exact bytes.
        client
            .put_settings("logs-2024.01", json!({"index.number_of_replicas": 0}))
            .await
            .unwrap();
        let req = server.requests().pop().unwrap();
        let svc = service.unwrap_or("es");
        assert!(
            req.header("authorization")
                .unwrap()
                .contains(&format!("/ap-southeast-1/{svc}/aws4_request"))
        );
        assert_eq!(req.header("x-amz-content-sha256").is_some(), svc == "aoss");
        assert_eq!(
            verify_sigv4(&req, &host, SECRET, svc),
            secret == SECRET,
            "secret {secret} service {svc}"
        );
        // Tampering with the body after signing is detected.
        let mut tampered = req.clone();
        tampered.body = br#"{"index.number_of_replicas":1}"#.to_vec();
        assert!(!verify_sigv4(&tampered, &host, SECRET, svc));
    }
}

fn common_host(server: &TestServer) -> String {
    format!(
        "{}:{}",
        server.url.host_str().unwrap(),
        server.url.port().unwrap()
    )
}

#[tokio::test]
async fn serverless_detected_without_get_root() {
    let server = TestServer::start(|_| (404, "{}".into())).await;
    let mut c = cfg(&server, sigv4(SECRET, Some("aoss")));
    c.flavour_hint = None;
    let client = ClusterClient::new(&c).await.unwrap();
    let info = client.server_info().await.unwrap();
    assert_eq!(info.flavour, Flavour::OpenSearchServerless);
    assert!(server.requests().is_empty(), "no GET / for Serverless");
}

#[tokio::test]
async fn server_errors_parsed_with_type_reason_status_method_path() {
    let server = TestServer::start(|r| match r.uri.as_str() {
        "/" => (200, OS2_ROOT.into()),
        u if u.starts_with("/missing") => (404, r#"{"error":{"root_cause":[{"type":"index_not_found_exception","reason":"no such index [missing]"}],"type":"index_not_found_exception","reason":"no such index [missing]","index":"missing"},"status":404}"#.into()),
        u if u.starts_with("/_reindex") => (400, r#"{"error":{"root_cause":[{"type":"illegal_argument_exception","reason":"[old:9200] not allowlisted in reindex.remote.allowlist"}],"type":"illegal_argument_exception","reason":"[old:9200] not allowlisted in reindex.remote.allowlist"},"status":400}"#.into()),
        u if u.contains("_restore") => (500, r#"{"error":{"root_cause":[{"type":"snapshot_restore_exception","reason":"[repo:s1/abc] cannot restore index [x] because it cannot be upgraded"}],"type":"snapshot_restore_exception","reason":"[repo:s1/abc] cannot restore index [x] because it cannot be upgraded"},"status":500}"#.into()),
        u if u.starts_with("/busy") => (429, r#"{"error":{"type":"es_rejected_execution_exception","reason":"rejected execution"},"status":429}"#.into()),
        u if u.starts_with("/gw") => (502, "<html>Bad Gateway</html>".into()),
        _ => (200, "{}".into()),
    })
    .await;
    let client = ClusterClient::new(&cfg(&server, Auth::None)).await.unwrap();
    let e = client.get_settings("missing").await.unwrap_err();
    assert_eq!(e.status(), Some(404));
    assert_eq!(e.error_type(), Some("index_not_found_exception"));
    assert!(e.is_not_found() && !e.is_retryable());
    assert_eq!(
        e.to_string(),
        "GET /missing/_settings → HTTP 404: index_not_found_exception: no such index [missing]"
    );
    assert!(!client.index_exists("missing").await.unwrap());

    let e = client.start_reindex(json!({"source": {"remote": {"host": "http://old:9200"}, "index": "a"}, "dest": {"index": "a"}})).await.unwrap_err();
    assert_eq!(e.error_type(), Some("illegal_argument_exception"));
    assert!(e.reason().unwrap().contains("not allowlisted"));
    assert!(!e.is_retryable());

    let e = client
        .restore("repo", "s1", json!({"indices": "x"}))
        .await
        .unwrap_err();
    assert_eq!(e.error_type(), Some("snapshot_restore_exception"));
    assert!(e.to_string().contains("POST /_snapshot/repo/s1/_restore"));

    let e = client.count("busy", None).await.unwrap_err();
    assert!(e.is_retryable());
    let e = client.count("gw", None).await.unwrap_err();
    assert!(e.is_retryable());
    assert_eq!(e.reason(), Some("<html>Bad Gateway</html>"));
}

#[tokio::test]
async fn connection_refused_and_timeout_are_retryable() {
    // A port with nothing listening: bind, note the port, drop the listener.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let c = ClusterConfig::new(
        format!("http://127.0.0.1:{port}/").parse().unwrap(),
        Role::Destination,
    );
    let client = ClusterClient::new(&c).await.unwrap();
    let e = client.server_info().await.unwrap_err();
    assert!(e.is_retryable(), "{e}");

    // A server that accepts and never answers: the request timeout fires.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (held_tx, mut held_rx) = tokio::sync::mpsc::channel(4);
    tokio::spawn(async move {
        while let Ok((sock, _)) = listener.accept().await {
            if held_tx.send(sock).await.is_err() {
                break;
            }
        }
    });
    let mut c = ClusterConfig::new(
        format!("http://{addr}/").parse().unwrap(),
        Role::Destination,
    );
    c.timeouts.request = Duration::from_millis(300);
    let client = ClusterClient::new(&c).await.unwrap();
    let e = client.server_info().await.unwrap_err();
    assert!(e.is_retryable(), "{e}");
    assert!(e.to_string().contains("timed out"), "{e}");
    held_rx.close();
}

#[tokio::test]
async fn write_guard_refuses_before_the_wire() {
    let server = TestServer::start(|r| match r.uri.as_str() {
        "/" => (200, ES7_ROOT.into()),
        _ => (200, r#"{"acknowledged":true,"accepted":true}"#.into()),
    })
    .await;
    let mut c = ClusterConfig::new(server.url.clone(), Role::Source);
    c.declared_source_writes = BTreeSet::from([
        MutatingCall::PutRepository,
        MutatingCall::CreateSnapshot,
        MutatingCall::WriteBlock,
    ]);
    let client = ClusterClient::new(&c).await.unwrap();
    // Declared calls go through.
    client
        .put_repository("r", "fs", json!({"location": "/x"}), false)
        .await
        .unwrap();
    client
        .create_snapshot("r", "s1", &["logs".into()], false)
        .await
        .unwrap();
    client.set_write_block("logs", true).await.unwrap();
    // Reads always go through.
    client.get_aliases("logs").await.unwrap();
    let before = server.requests().len();
    assert_eq!(before, 4);

    let refused = [
        client.delete_index("logs").await.unwrap_err(),
        client
            .put_settings("logs", json!({"index.number_of_replicas": 0}))
            .await
            .unwrap_err(),
        client
            .create_index("logs", None, None, None)
            .await
            .unwrap_err(),
        client.update_aliases(vec![]).await.unwrap_err(),
        client
            .start_reindex(json!({"dest": {"index": "logs"}}))
            .await
            .unwrap_err(),
        client.restore("r", "s1", json!({})).await.unwrap_err(),
        client.delete_snapshot("r", "s1").await.unwrap_err(),
        client.close_index("logs").await.unwrap_err(),
        client.put_cluster_settings(json!({})).await.unwrap_err(),
    ];
    for e in &refused {
        assert!(
            matches!(e, migrate_cluster::ClusterError::WriteRefused { .. }),
            "{e}"
        );
        assert!(!e.is_retryable());
    }
    assert!(
        refused[0].to_string().contains("delete index"),
        "{}",
        refused[0]
    );
    assert!(refused[0].to_string().contains("logs"));
    assert_eq!(
        server.requests().len(),
        before,
        "a refused call reached the server"
    );
    let methods: Vec<String> = server
        .requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.uri))
        .collect();
    assert_eq!(
        methods,
        [
            "PUT /_snapshot/r?verify=false",
            "PUT /_snapshot/r/s1?wait_for_completion=false",
            "PUT /logs/_settings",
            "GET /logs/_alias",
        ]
    );
}
