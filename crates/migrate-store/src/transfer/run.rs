//! Runs a planned transfer phase by phase.

use std::sync::Arc;
use std::time::Instant;

use futures::{StreamExt, TryStreamExt};
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};

use super::copy::copy_object;
use super::options::TransferOptions;
use super::plan::plan;
use super::progress::{ProgressFn, Tracker};
use super::report::{TransferError, TransferReport};
use crate::repository::CopyPhase;
use crate::repository::latest::INDEX_LATEST;

/// Copies the repository at `source` to `destination` (see the module docs for the guarantees).
pub async fn transfer(
    source: Arc<dyn ObjectStore>,
    destination: Arc<dyn ObjectStore>,
    options: &TransferOptions,
    progress: Option<ProgressFn>,
) -> Result<TransferReport, TransferError> {
    let started = Instant::now();
    let mut plan = plan(source.as_ref(), destination.as_ref()).await?;
    let tracker = Arc::new(Tracker::new(plan.objects(), plan.bytes(), progress));
    tracing::info!(
        objects = plan.objects(),
        bytes = plan.bytes(),
        skipped = plan.report.objects_skipped,
        generation = ?plan.report.generation,
        "transfer planned"
    );

    for phase in CopyPhase::ALL {
        let Some(items) = plan.phases.remove(&phase) else {
            continue;
        };
        tracing::debug!(%phase, objects = items.len(), "copying phase");
        futures::stream::iter(items)
            .map(|item| {
                let (source, destination, tracker) = (
                    Arc::clone(&source),
                    Arc::clone(&destination),
                    Arc::clone(&tracker),
                );
                let options = options.clone();
                async move {
                    let mut task = AbortOnDrop(tokio::spawn(async move {
                        let copied = copy_object(
                            source.as_ref(),
                            destination.as_ref(),
                            &item,
                            phase,
                            &options,
                            &tracker,
                        )
                        .await?;
                        tracker.object_done(phase);
                        Ok::<u64, TransferError>(copied)
                    }));
                    (&mut task.0)
                        .await
                        .map_err(|e| TransferError::Task(e.to_string()))?
                }
            })
            .buffer_unordered(options.concurrency.max(1))
            .try_for_each(|_| async { Ok(()) })
            .await?;
    }
    if let Some(bytes) = plan.latest.take() {
        let len = bytes.len() as u64;
        destination
            .put(&Path::from(INDEX_LATEST), PutPayload::from(bytes))
            .await
            .map_err(|source| TransferError::Copy {
                key: INDEX_LATEST.to_owned(),
                source,
            })?;
        tracker.add_bytes(CopyPhase::IndexLatest, len);
        tracker.object_done(CopyPhase::IndexLatest);
    }

    let mut report = plan.report;
    report.objects_copied = tracker.objects_done();
    report.bytes_copied = tracker.bytes_done();
    report.elapsed = started.elapsed();
    tracing::info!(
        copied = report.objects_copied,
        bytes = report.bytes_copied,
        skipped = report.objects_skipped,
        seconds = tracker.elapsed().as_secs_f64(),
        "transfer finished"
    );
    Ok(report)
}

/// A spawned copy (spawned so copies use every core) that is cancelled when the transfer future is
/// dropped, so an interrupted transfer stops copying at once.
struct AbortOnDrop<T>(tokio::task::JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}
