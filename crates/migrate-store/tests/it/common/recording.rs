//! A store wrapper that records every write (start and end, in order) and can fail after N writes,
//! to check copy order and to interrupt transfers.

use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use futures::stream::BoxStream;
use object_store::path::Path;
use object_store::{
    CopyOptions, GetOptions, GetResult, ListResult, MultipartUpload, ObjectMeta, ObjectStore,
    PutMultipartOptions, PutOptions, PutPayload, PutResult, Result,
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    Start(String),
    End(String),
}

#[derive(Debug)]
pub struct Recording {
    inner: Arc<dyn ObjectStore>,
    pub events: Mutex<Vec<Event>>,
    /// Keys written as multipart uploads.
    pub multipart: Mutex<Vec<String>>,
    fail_after: Option<usize>,
    writes: AtomicUsize,
}

impl Recording {
    pub fn new(inner: Arc<dyn ObjectStore>, fail_after: Option<usize>) -> Arc<Self> {
        Arc::new(Recording {
            inner,
            events: Mutex::new(Vec::new()),
            multipart: Mutex::new(Vec::new()),
            fail_after,
            writes: AtomicUsize::new(0),
        })
    }

    /// Keys whose write started, in order.
    pub fn started(&self) -> Vec<String> {
        self.events
            .lock()
            .unwrap()
            .iter()
            .filter_map(|e| match e {
                Event::Start(k) => Some(k.clone()),
                Event::End(_) => None,
            })
            .collect()
    }

    fn admit(&self, location: &Path) -> Result<()> {
        let n = self.writes.fetch_add(1, Ordering::SeqCst);
        if self.fail_after.is_some_and(|limit| n >= limit) {
            return Err(object_store::Error::Generic {
                store: "Recording",
                source: "injected failure".into(),
            });
        }
        self.events
            .lock()
            .unwrap()
            .push(Event::Start(location.to_string()));
        Ok(())
    }
}

impl fmt::Display for Recording {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Recording({})", self.inner)
    }
}

#[async_trait]
impl ObjectStore for Recording {
    async fn put_opts(
        &self,
        location: &Path,
        payload: PutPayload,
        opts: PutOptions,
    ) -> Result<PutResult> {
        self.admit(location)?;
        let result = self.inner.put_opts(location, payload, opts).await?;
        self.events
            .lock()
            .unwrap()
            .push(Event::End(location.to_string()));
        Ok(result)
    }

    async fn put_multipart_opts(
        &self,
        location: &Path,
        opts: PutMultipartOptions,
    ) -> Result<Box<dyn MultipartUpload>> {
        self.admit(location)?;
        self.multipart.lock().unwrap().push(location.to_string());
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
