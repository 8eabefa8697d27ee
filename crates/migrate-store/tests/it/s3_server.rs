//! What the SeaweedFS test server really enforces: SigV4 signatures and `If-None-Match: *`.
//! (The state backend's locking and the transfer's guarantees rely on both.)

use crate::common::read;
use migrate_store::open;
use migrate_test_support::S3Server;
use object_store::{ObjectStoreExt, PutMode, PutOptions, PutPayload, path::Path};

async fn server() -> S3Server {
    let server = S3Server::start("store-test-key", "store-test-secret")
        .await
        .unwrap();
    server.create_bucket("bkt").await.unwrap();
    server
}

#[tokio::test]
async fn a_wrong_secret_is_refused_with_403() {
    let server = server().await;
    let good = open(&server.spec("bkt", "")).unwrap();
    good.put(&Path::from("a"), PutPayload::from_static(b"hello"))
        .await
        .unwrap();
    assert_eq!(read(good.as_ref(), &Path::from("a")).await, b"hello");

    let bad = open(&server.spec_with_secret("bkt", "", "not-the-secret")).unwrap();
    let err = bad.get(&Path::from("a")).await.unwrap_err();
    let shown = format!("{err}");
    assert!(shown.contains("403"), "{shown}");
    assert!(!shown.contains("store-test-secret"), "{shown}");
    let err = bad
        .put(&Path::from("b"), PutPayload::from_static(b"x"))
        .await
        .unwrap_err();
    assert!(format!("{err}").contains("403"), "{err}");
    assert!(matches!(
        good.head(&Path::from("b")).await,
        Err(object_store::Error::NotFound { .. })
    ));
}

#[tokio::test]
async fn if_none_match_star_refuses_to_overwrite() {
    let server = server().await;
    let store = open(&server.spec("bkt", "locks")).unwrap();
    let create = || PutOptions {
        mode: PutMode::Create,
        ..PutOptions::default()
    };
    let key = Path::from("lock");
    store
        .put_opts(&key, PutPayload::from_static(b"first"), create())
        .await
        .unwrap();
    let err = store
        .put_opts(&key, PutPayload::from_static(b"second"), create())
        .await
        .unwrap_err();
    assert!(
        matches!(err, object_store::Error::AlreadyExists { .. }),
        "{err:?}"
    );
    assert_eq!(read(store.as_ref(), &key).await, b"first");
}

#[tokio::test]
async fn if_match_refuses_a_stale_etag() {
    let server = server().await;
    let store = open(&server.spec("bkt", "state")).unwrap();
    let key = Path::from("plan.state.json");
    let first = store
        .put(&key, PutPayload::from_static(b"v1"))
        .await
        .unwrap();
    let update = |r: &object_store::PutResult| PutOptions {
        mode: PutMode::Update(object_store::UpdateVersion {
            e_tag: r.e_tag.clone(),
            version: r.version.clone(),
        }),
        ..PutOptions::default()
    };
    let second = store
        .put_opts(&key, PutPayload::from_static(b"v2"), update(&first))
        .await
        .unwrap();
    assert_ne!(first.e_tag, second.e_tag);
    let err = store
        .put_opts(&key, PutPayload::from_static(b"stale"), update(&first))
        .await
        .unwrap_err();
    assert!(
        matches!(err, object_store::Error::Precondition { .. }),
        "{err:?}"
    );
    assert_eq!(read(store.as_ref(), &key).await, b"v2");
}
