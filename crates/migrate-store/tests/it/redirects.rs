//! The object-store client never follows a redirect: a bucket endpoint answering 307 (or 301) to
//! another origin gets an error, and the other origin receives nothing, so neither a request body
//! nor a signature ever reaches it.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use futures::StreamExt;
use migrate_store::{BucketSpec, Credentials, Secret, SecretSource, StoreSpec, open};
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A loopback server answering every connection with `answer`; counts connections.
async fn serve(answer: String) -> (String, Arc<AtomicUsize>) {
    migrate_test_support::raw_server(move |mut s| {
        let answer = answer.clone();
        async move {
            let mut buf = vec![0u8; 65536];
            let _ = s.read(&mut buf).await;
            let _ = s.write_all(answer.as_bytes()).await;
            let _ = s.shutdown().await;
        }
    })
    .await
}

fn bucket_at(endpoint: &str) -> StoreSpec {
    StoreSpec::S3(BucketSpec {
        bucket: "bkt".into(),
        region: Some("us-east-1".into()),
        endpoint: Some(endpoint.to_owned()),
        base_path: String::new(),
        credentials: Credentials::Static {
            access_key_id: SecretSource::Value(Secret::new("AKIDREDIRECT")),
            secret_access_key: SecretSource::Value(Secret::new("redirect-secret-key")),
            session_token: None,
        },
    })
}

#[tokio::test]
async fn a_bucket_endpoint_redirecting_elsewhere_is_an_error_and_the_other_origin_gets_nothing() {
    let (other, other_hits) =
        serve("HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n".into()).await;
    for status in [301, 302, 307, 308] {
        let (endpoint, hits) = serve(format!(
            "HTTP/1.1 {status} Moved\r\nlocation: {other}/bkt/x\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
        ))
        .await;
        let store = open(&bucket_at(&endpoint)).unwrap();
        let put = store
            .put(&Path::from("x"), bytes::Bytes::from_static(b"body").into())
            .await;
        assert!(put.is_err(), "{status}: a redirected PUT succeeded");
        let listed: Vec<_> = store.list(None).collect().await;
        assert!(
            listed.iter().any(Result::is_err),
            "{status}: a redirected LIST succeeded"
        );
        assert!(
            hits.load(Ordering::SeqCst) > 0,
            "the endpoint was never asked"
        );
    }
    assert_eq!(other_hits.load(Ordering::SeqCst), 0);
}
