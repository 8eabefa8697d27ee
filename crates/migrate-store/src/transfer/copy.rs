//! Copies one object between two stores: one GET and one PUT when small, a streamed multipart
//! upload with a bounded number of parts in flight when large.

use futures::StreamExt;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload, WriteMultipart};

use super::options::TransferOptions;
use super::plan::Item;
use super::progress::Tracker;
use super::report::TransferError;
use crate::repository::CopyPhase;

pub(crate) async fn copy_object(
    source: &dyn ObjectStore,
    destination: &dyn ObjectStore,
    item: &Item,
    phase: CopyPhase,
    options: &TransferOptions,
    tracker: &Tracker,
) -> Result<u64, TransferError> {
    let error = |source| TransferError::Copy {
        key: item.key.clone(),
        source,
    };
    let location = Path::from(item.key.as_str());
    let got = source.get(&location).await.map_err(error)?;
    let part_size = options.part_size.max(1);
    if item.size < part_size as u64 {
        let bytes = got.bytes().await.map_err(error)?;
        let len = bytes.len() as u64;
        destination
            .put(&location, PutPayload::from(bytes))
            .await
            .map_err(error)?;
        tracker.add_bytes(phase, len);
        return Ok(len);
    }
    let upload = destination.put_multipart(&location).await.map_err(error)?;
    let mut writer = WriteMultipart::new_with_chunk_size(upload, part_size);
    let mut stream = got.into_stream();
    let mut copied = 0u64;
    let outcome: Result<(), object_store::Error> = async {
        while let Some(chunk) = stream.next().await {
            let chunk = chunk?;
            writer
                .wait_for_capacity(options.parts_in_flight.max(1))
                .await?;
            copied += chunk.len() as u64;
            tracker.add_bytes(phase, chunk.len() as u64);
            writer.put(chunk);
        }
        Ok(())
    }
    .await;
    match outcome {
        Ok(()) => {
            writer.finish().await.map_err(error)?;
            Ok(copied)
        }
        Err(e) => {
            // Best effort: a dangling upload is invisible to readers and expires by lifecycle rules.
            let _ = writer.abort().await;
            Err(error(e))
        }
    }
}
