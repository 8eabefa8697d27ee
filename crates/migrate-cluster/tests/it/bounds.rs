//! The client's bounds on what a server sends back: a body over the cap (announced or streamed
//! without end) is refused without being buffered whole, naming the plan field that sets the cap;
//! a redirect is never followed (an error naming its `Location`, nothing sent to the other origin);
//! a server that stops sending mid-response hits the read timeout.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use migrate_cluster::{ClusterClient, ClusterConfig, ClusterError, Limits, Side, TransportKind};
use migrate_core::Request;
use migrate_core::request::Fills;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A loopback server answering every connection with `head` and then `body()` chunks until the
/// client hangs up (`None`: nothing more, hold the connection open). Counts connections.
async fn serve(head: String, body: Option<Vec<u8>>, forever: bool) -> (String, Arc<AtomicUsize>) {
    migrate_test_support::raw_server(move |mut s| {
        let (head, body) = (head.clone(), body.clone());
        async move {
            let mut buf = vec![0u8; 8192];
            let _ = s.read(&mut buf).await;
            if s.write_all(head.as_bytes()).await.is_err() {
                return;
            }
            match body {
                Some(b) if forever => while s.write_all(&b).await.is_ok() {},
                Some(b) => {
                    let _ = s.write_all(&b).await;
                }
                // Hold the connection until the client gives up.
                None => while s.read(&mut buf).await.is_ok_and(|n| n > 0) {},
            }
        }
    })
    .await
}

/// A trace-level subscriber for the test's thread. Besides showing the client's logs, it keeps the
/// callsites these tests reach first interested at every level, so a test running beside them
/// that captures trace output (`canary`) sees its events.
fn traced() -> tracing::subscriber::DefaultGuard {
    tracing::subscriber::set_default(
        tracing_subscriber::fmt()
            .with_test_writer()
            .with_max_level(tracing::Level::TRACE)
            .finish(),
    )
}

async fn client(url: &str, f: impl FnOnce(&mut ClusterConfig)) -> ClusterClient {
    let mut cfg = ClusterConfig::new(url.parse().unwrap(), Side::Destination);
    f(&mut cfg);
    ClusterClient::new(&cfg).await.unwrap()
}

async fn root(c: &ClusterClient) -> ClusterError {
    let wire = Request::root(Side::Destination)
        .fill(&Fills::new())
        .unwrap();
    c.send_wire(&wire).await.unwrap_err()
}

#[tokio::test]
async fn an_endless_chunked_body_is_refused_at_the_cap_naming_the_plan_field() {
    let _trace = traced();
    let mut chunk = b"4000\r\n".to_vec();
    chunk.extend(vec![b'x'; 0x4000]);
    chunk.extend_from_slice(b"\r\n");
    let (url, _) = serve(
        "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n".into(),
        Some(chunk),
        true,
    )
    .await;
    let c = client(&url, |cfg| {
        cfg.limits = Limits {
            max_response_bytes: 256 * 1024,
            ..Limits::default()
        }
    })
    .await;
    let err = root(&c).await;
    assert!(
        matches!(err, ClusterError::TooLarge { limit: 262144, .. }),
        "{err}"
    );
    assert!(!err.is_retryable());
    assert!(
        err.to_string()
            .contains("larger than 262144 bytes; raise `destination.http.max_response_bytes`"),
        "{err}"
    );
}

#[tokio::test]
async fn an_announced_length_over_the_cap_is_refused_before_the_body_is_read() {
    let _trace = traced();
    let (url, _) = serve(
        "HTTP/1.1 200 OK\r\ncontent-length: 2147483648\r\n\r\n".into(),
        Some(vec![b'0'; 65536]),
        true,
    )
    .await;
    let c = client(&url, |_| {}).await;
    let err = root(&c).await;
    assert!(
        matches!(err, ClusterError::TooLarge { limit, .. } if limit == Limits::DEFAULT_MAX_RESPONSE_BYTES),
        "{err}"
    );
}

#[tokio::test]
async fn a_redirect_is_an_error_naming_the_location_and_the_other_origin_gets_nothing() {
    let _trace = traced();
    let (other, other_hits) = serve(
        "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n".into(),
        Some(b"{}".to_vec()),
        false,
    )
    .await;
    for status in [301, 302, 307, 308] {
        let (url, _) = serve(
            format!("HTTP/1.1 {status} Moved\r\nlocation: {other}/x\r\ncontent-length: 0\r\n\r\n"),
            Some(Vec::new()),
            false,
        )
        .await;
        let c = client(&url, |_| {}).await;
        let err = root(&c).await;
        assert!(
            matches!(&err, ClusterError::Redirect { status: s, location, .. } if *s == status && *location == format!("{other}/x")),
            "{err}"
        );
        assert!(!err.is_retryable());
        assert!(
            err.to_string().contains("redirects are never followed"),
            "{err}"
        );
    }
    assert_eq!(other_hits.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn a_server_that_goes_silent_mid_response_hits_the_read_timeout() {
    let _trace = traced();
    let (url, _) = serve(
        "HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{".into(),
        None,
        false,
    )
    .await;
    let c = client(&url, |cfg| {
        cfg.timeouts.read = Duration::from_millis(200);
        cfg.timeouts.request = Duration::from_secs(3600);
    })
    .await;
    let err = root(&c).await;
    assert!(
        matches!(
            err,
            ClusterError::Transport {
                kind: TransportKind::Timeout,
                ..
            }
        ),
        "{err}"
    );
}
