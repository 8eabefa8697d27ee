//! A store that ignores conditional writes (as an S3-compatible server without `If-None-Match` /
//! `If-Match` support would) is refused before any lock is taken; a store that honours them
//! (object_store's in-memory store, SeaweedFS in the contract tests) passes.

use std::sync::Arc;

use async_trait::async_trait;
use futures::stream::BoxStream;
use migrate_state::{LockInfo, StateError, StateStore};
use migrate_state_remote::ObjectStateStore;
use object_store::memory::InMemory;
use object_store::path::Path;
use object_store::{
    CopyOptions, GetOptions, GetResult, ListResult, MultipartUpload, ObjectMeta, ObjectStore,
    PutMode, PutMultipartOptions, PutOptions, PutPayload, PutResult, Result,
};

/// Forwards to an in-memory store, turning every conditional put into a plain overwrite.
#[derive(Debug)]
struct IgnoresConditions {
    inner: InMemory,
    ignore_if_match_only: bool,
}

impl std::fmt::Display for IgnoresConditions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IgnoresConditions")
    }
}

#[async_trait]
impl ObjectStore for IgnoresConditions {
    async fn put_opts(
        &self,
        location: &Path,
        payload: PutPayload,
        mut opts: PutOptions,
    ) -> Result<PutResult> {
        let ignore = match opts.mode {
            PutMode::Create => !self.ignore_if_match_only,
            PutMode::Update(_) => true,
            PutMode::Overwrite => false,
        };
        if ignore {
            opts.mode = PutMode::Overwrite;
        }
        self.inner.put_opts(location, payload, opts).await
    }
    async fn put_multipart_opts(
        &self,
        location: &Path,
        opts: PutMultipartOptions,
    ) -> Result<Box<dyn MultipartUpload>> {
        self.inner.put_multipart_opts(location, opts).await
    }
    async fn get_opts(&self, location: &Path, options: GetOptions) -> Result<GetResult> {
        self.inner.get_opts(location, options).await
    }
    fn delete_stream(
        &self,
        locations: BoxStream<'static, Result<Path>>,
    ) -> BoxStream<'static, Result<Path>> {
        self.inner.delete_stream(locations)
    }
    fn list(&self, prefix: Option<&Path>) -> BoxStream<'static, Result<ObjectMeta>> {
        self.inner.list(prefix)
    }
    async fn list_with_delimiter(&self, prefix: Option<&Path>) -> Result<ListResult> {
        self.inner.list_with_delimiter(prefix).await
    }
    async fn copy_opts(&self, from: &Path, to: &Path, options: CopyOptions) -> Result<()> {
        self.inner.copy_opts(from, to, options).await
    }
}

fn store_over(inner: Arc<dyn ObjectStore>) -> ObjectStateStore {
    ObjectStateStore::new(inner, "s3://test-bucket", "states", "movies").unwrap()
}

#[test]
fn a_store_that_ignores_if_none_match_is_refused_before_locking() {
    let inner = Arc::new(IgnoresConditions {
        inner: InMemory::new(),
        ignore_if_match_only: false,
    });
    let store = store_over(inner.clone());
    let err = store.lock(LockInfo::current("apply")).unwrap_err();
    assert!(matches!(err, StateError::Io { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        "could not check the conditional writes of `s3://test-bucket/states/movies.probe`: the store accepted a second create-if-absent (`If-None-Match: *`) of one object, so it cannot hold a migrate state safely (two runs could both lock it, or a stale run overwrite it); use another store or the local file backend"
    );
    // No lock was written, and the probe object was removed.
    assert_eq!(store.read_lock().unwrap(), None);
    let left = futures::executor::block_on(async {
        use futures::TryStreamExt;
        inner.list(None).try_collect::<Vec<_>>().await.unwrap()
    });
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn a_store_that_ignores_if_match_is_refused_too() {
    let inner = Arc::new(IgnoresConditions {
        inner: InMemory::new(),
        ignore_if_match_only: true,
    });
    let err = store_over(inner)
        .lock(LockInfo::current("apply"))
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("a write with an ETag the object does not have (`If-Match`)"),
        "{err}"
    );
}

#[test]
fn a_store_that_honours_both_is_checked_once() {
    let store = store_over(Arc::new(InMemory::new()));
    store.check_conditional_writes().unwrap();
    let after_check = store.requests();
    assert_eq!(
        after_check, 4,
        "create, create again, update with a wrong ETag, delete"
    );
    let info = LockInfo::current("apply");
    store.lock(info.clone()).unwrap();
    assert_eq!(
        store.requests() - after_check,
        1,
        "the lock itself is one create"
    );
    assert_eq!(store.read_lock().unwrap(), Some(info));
}
