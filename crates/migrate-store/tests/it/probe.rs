//! `probe` against a real S3 server (SeaweedFS) and local directories: each failure is classified
//! (credentials, missing bucket, refused connection, missing directory) and no secret is shown.

use migrate_store::test_support::S3Server;
use migrate_store::{
    BucketSpec, Credentials, FsSpec, ProbeFailure, Secret, SecretSource, StoreSpec, open, probe,
};
use object_store::{ObjectStoreExt, PutPayload, path::Path};

const SECRET: &str = "probe-canary-secret-77c1";

#[tokio::test]
async fn a_bucket_store_is_probed_with_its_credentials() {
    let server = S3Server::start("probe-key", SECRET).await.unwrap();
    server.create_bucket("bkt").await.unwrap();

    let reachable = probe(&server.spec("bkt", "repo/a")).await.unwrap();
    assert_eq!(reachable.location, "s3://bkt/repo/a");
    assert!(reachable.empty && reachable.exists);
    open(&server.spec("bkt", "repo/a"))
        .unwrap()
        .put(&Path::from("index.latest"), PutPayload::from_static(b"x"))
        .await
        .unwrap();
    assert!(!probe(&server.spec("bkt", "repo/a")).await.unwrap().empty);
    // A sibling prefix with a common beginning is not "under" the base path.
    assert!(probe(&server.spec("bkt", "repo")).await.unwrap().exists);
    assert!(probe(&server.spec("bkt", "repo/ab")).await.unwrap().empty);

    let err = probe(&server.spec_with_secret("bkt", "repo/a", "not-the-secret"))
        .await
        .unwrap_err();
    assert_eq!(err.failure, ProbeFailure::Credentials, "{err}");
    assert_eq!(err.status, Some(403));
    assert_eq!(err.code.as_deref(), Some("SignatureDoesNotMatch"), "{err}");
    assert!(!err.is_retryable());
    assert!(
        err.to_string()
            .starts_with("s3://bkt/repo/a: HTTP 403 SignatureDoesNotMatch"),
        "{err}"
    );

    let err = probe(&server.spec("no-such-bucket", "")).await.unwrap_err();
    assert_eq!(err.failure, ProbeFailure::NoSuchBucket, "{err}");
    assert_eq!(err.status, Some(404));
    assert!(!err.is_retryable());

    let shown = format!("{err} {err:?}");
    assert!(!shown.contains(SECRET), "{shown}");
}

#[tokio::test]
async fn a_closed_port_is_a_retryable_connection_failure() {
    // A port nothing listens on: bind, read the port, close.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let spec = StoreSpec::S3(BucketSpec {
        bucket: "bkt".into(),
        region: Some("us-east-1".into()),
        endpoint: Some(format!("http://127.0.0.1:{port}")),
        base_path: String::new(),
        credentials: Credentials::Static {
            access_key_id: SecretSource::Value(Secret::new("probe-key")),
            secret_access_key: SecretSource::Value(Secret::new(SECRET)),
            session_token: None,
        },
    });
    let err = probe(&spec).await.unwrap_err();
    assert_eq!(err.failure, ProbeFailure::Connect, "{err}");
    assert!(err.is_retryable());
    assert_eq!(err.endpoint, Some(format!("http://127.0.0.1:{port}")));
    assert!(
        err.detail.starts_with("cannot connect to the endpoint"),
        "{err}"
    );
}

#[tokio::test]
async fn a_directory_store_must_exist_or_have_its_parent() {
    let tmp = tempfile::tempdir().unwrap();
    let fs = |root: std::path::PathBuf| {
        StoreSpec::Fs(FsSpec {
            root,
            base_path: String::new(),
        })
    };
    let found = probe(&fs(tmp.path().to_owned())).await.unwrap();
    assert!(found.empty && found.exists);
    std::fs::write(tmp.path().join("index.latest"), b"x").unwrap();
    assert!(!probe(&fs(tmp.path().to_owned())).await.unwrap().empty);

    let later = probe(&fs(tmp.path().join("repo"))).await.unwrap();
    assert!(!later.exists, "not created yet, its parent exists");
    assert!(
        !tmp.path().join("repo").exists(),
        "the probe creates nothing"
    );

    let missing = tmp.path().join("nope/repo");
    let err = probe(&fs(missing.clone())).await.unwrap_err();
    assert_eq!(err.failure, ProbeFailure::Missing);
    assert_eq!(
        err.detail,
        format!(
            "the directory `{}` does not exist, nor does its parent `{}`",
            missing.display(),
            tmp.path().join("nope").display()
        )
    );
    let err = probe(&fs(tmp.path().join("index.latest")))
        .await
        .unwrap_err();
    assert_eq!(err.failure, ProbeFailure::NotADirectory);
    assert!(!err.is_retryable());
}

/// A loopback HTTP server that answers every request with `status` and an S3 error body, counting
/// the requests.
async fn failing_server(
    status: &'static str,
    code: &'static str,
) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let seen = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = std::sync::Arc::clone(&seen);
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let mut buf = vec![0u8; 8192];
            let mut read = Vec::new();
            while !read.windows(4).any(|w| w == b"\r\n\r\n") {
                match socket.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => read.extend_from_slice(&buf[..n]),
                }
            }
            let body = format!("<Error><Code>{code}</Code><Message>try later</Message></Error>");
            let reply = format!(
                "HTTP/1.1 {status}\r\nContent-Type: application/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = socket.write_all(reply.as_bytes()).await;
        }
    });
    (endpoint, seen)
}

#[tokio::test]
async fn an_overloaded_store_is_retryable_and_a_refused_listing_is_not() {
    let spec = |endpoint: &str| {
        StoreSpec::S3(BucketSpec {
            bucket: "bkt".into(),
            region: Some("us-east-1".into()),
            endpoint: Some(endpoint.to_owned()),
            base_path: "base".into(),
            credentials: Credentials::Static {
                access_key_id: SecretSource::Value(Secret::new("probe-key")),
                secret_access_key: SecretSource::Value(Secret::new(SECRET)),
                session_token: None,
            },
        })
    };
    for (status, code, failure, retryable) in [
        (
            "503 Service Unavailable",
            "SlowDown",
            ProbeFailure::Unavailable,
            true,
        ),
        (
            "429 Too Many Requests",
            "SlowDown",
            ProbeFailure::Unavailable,
            true,
        ),
        (
            "403 Forbidden",
            "AccessDenied",
            ProbeFailure::Forbidden,
            false,
        ),
        (
            "403 Forbidden",
            "InvalidAccessKeyId",
            ProbeFailure::Credentials,
            false,
        ),
    ] {
        let (endpoint, seen) = failing_server(status, code).await;
        let err = probe(&spec(&endpoint)).await.unwrap_err();
        assert_eq!(err.failure, failure, "{status}: {err}");
        assert_eq!(err.is_retryable(), retryable, "{status}");
        assert_eq!(err.code.as_deref(), Some(code));
        assert_eq!(
            err.detail,
            format!("HTTP {} {code}: try later", &status[..3])
        );
        // Overload is retried a couple of times inside the probe, refusals are not.
        let requests = seen.load(std::sync::atomic::Ordering::SeqCst);
        assert_eq!(requests, if retryable { 3 } else { 1 }, "{status}");
        assert!(!format!("{err:?}").contains(SECRET));
    }
}
