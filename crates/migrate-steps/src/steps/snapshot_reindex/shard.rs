//! Loading one shard: its files fetched from the store and verified, every segment checked, then
//! its live documents decoded on a blocking thread and handed over in batches to the bulk writer,
//! several batches of the shard in flight at once while the thread decodes the next ones (memory
//! stays bounded: [`IN_FLIGHT`] written plus [`DECODED_AHEAD`] decoded); batches are acknowledged
//! in order, and after each the position of its last document goes to the checkpoint.

use std::collections::BTreeSet;
use std::path::PathBuf;

use bytes::Bytes;
use futures::StreamExt;
use migrate_cluster::bulk::{BulkDoc, BulkWriter};
use migrate_shards::{Document, Position, ShardError, ShardReader, ShardRef, SnapshotSource};
use tokio::sync::mpsc;

/// Documents per batch handed to the writer: one `_bulk` request at the writer's default bounds
/// (it cuts its own requests within them).
const BATCH_DOCS: usize = 1_000;
/// `_source` bytes per batch.
const BATCH_BYTES: usize = 5 << 20;
/// Batches of one shard being written at once (the writer's own concurrency limit still applies
/// across shards).
const IN_FLIGHT: usize = 2;
/// Batches decoded ahead of the writes.
const DECODED_AHEAD: usize = 2;

/// One shard to load.
pub(super) struct ShardJob {
    pub source: SnapshotSource,
    pub shard: ShardRef,
    pub destination: String,
    /// The mapping type a typed destination needs (5.x/6.x), when documents carry none.
    pub ty: Option<String>,
    /// Only these segments (incremental round); `None`: all.
    pub only: Option<BTreeSet<String>>,
    pub after: Option<Position>,
    pub scratch: PathBuf,
}

/// What a shard reports to the step.
pub(super) enum Update {
    /// Written up to `position`: `docs` documents and `bytes` source bytes more.
    Written {
        key: String,
        position: Position,
        docs: u64,
        bytes: u64,
    },
    /// Every document is written.
    Done { key: String },
}

/// Why a shard failed: the message, and whether a later attempt may succeed.
pub(super) struct Failure {
    pub message: String,
    pub retryable: bool,
}

impl Failure {
    fn shard(e: ShardError) -> Self {
        // A blob the store could not serve (or local disk trouble) may work next time; damaged
        // data, unknown formats and missing metadata will not.
        let retryable = match &e {
            ShardError::File { detail, .. } => detail.starts_with("reading blob"),
            ShardError::Scratch { .. } | ShardError::Repository(_) => true,
            _ => false,
        };
        Failure {
            message: e.to_string(),
            retryable,
        }
    }
}

struct Batch {
    docs: Vec<BulkDoc>,
    last: Position,
    bytes: u64,
}

/// Loads the shard; updates go to `updates` as batches are acknowledged.
pub(super) async fn load(
    job: ShardJob,
    writer: &BulkWriter<'_>,
    updates: mpsc::UnboundedSender<Update>,
) -> Result<(), Failure> {
    let key = super::checkpoint::key(&job.shard.index, job.shard.shard);
    job.source
        .fetch(&job.shard, &job.scratch)
        .await
        .map_err(Failure::shard)?;
    let (tx, mut rx) = mpsc::channel::<Result<Batch, Failure>>(DECODED_AHEAD);
    let reading = tokio::task::spawn_blocking({
        let shard = job.shard.clone();
        let dir = job.scratch.clone();
        let destination = job.destination.clone();
        let ty = job.ty.clone();
        let only = job.only.clone();
        let after = job.after.clone();
        move || read(&shard, &dir, &destination, ty, only, after, &tx)
    });
    let shard = &job.shard;
    let destination = &job.destination;
    // `buffered` keeps the order: a batch's position is checkpointed only after every batch
    // before it is acknowledged too.
    let mut written = futures::stream::poll_fn(|c| rx.poll_recv(c))
        .map(|batch| async move {
            let batch = batch?;
            let docs = batch.docs.len() as u64;
            writer.write(batch.docs).await.map_err(|e| Failure {
                message: format!("{shard}: writing to `{destination}`: {e}"),
                retryable: true,
            })?;
            Ok::<_, Failure>((batch.last, docs, batch.bytes))
        })
        .buffered(IN_FLIGHT);
    while let Some(done) = written.next().await {
        let (position, docs, bytes) = done?;
        let _ = updates.send(Update::Written {
            key: key.clone(),
            position,
            docs,
            bytes,
        });
    }
    drop(written);
    reading.await.map_err(|e| Failure {
        message: format!("{}: the reading thread stopped: {e}", job.shard),
        retryable: true,
    })?;
    let _ = std::fs::remove_dir_all(&job.scratch);
    let _ = updates.send(Update::Done { key });
    Ok(())
}

/// The blocking side: opens the shard (every segment verified first) and sends batches.
fn read(
    shard: &ShardRef,
    dir: &std::path::Path,
    destination: &str,
    ty: Option<String>,
    only: Option<BTreeSet<String>>,
    after: Option<Position>,
    tx: &mpsc::Sender<Result<Batch, Failure>>,
) {
    let send = |b: Result<Batch, Failure>| tx.blocking_send(b).is_ok();
    let mut reader = match ShardReader::open(shard, dir) {
        Ok(r) => r,
        Err(e) => {
            send(Err(Failure::shard(e)));
            return;
        }
    };
    if let Some(only) = &only {
        reader.retain_segments(|s| only.contains(s));
    }
    let documents = match reader.documents(after.as_ref()) {
        Ok(d) => d,
        Err(e) => {
            send(Err(Failure::shard(e)));
            return;
        }
    };
    let mut docs = Vec::with_capacity(BATCH_DOCS);
    let mut bytes = 0usize;
    let mut last = None;
    for doc in documents {
        let doc = match doc
            .map_err(Failure::shard)
            .and_then(|d| bulk_doc(shard, destination, &ty, d))
        {
            Ok(d) => d,
            Err(f) => {
                send(Err(f));
                return;
            }
        };
        bytes += doc.0.source.len();
        last = Some(doc.1);
        docs.push(doc.0);
        if (docs.len() >= BATCH_DOCS || bytes >= BATCH_BYTES)
            && let Some(last) = last.take()
        {
            let batch = Batch {
                docs: std::mem::replace(&mut docs, Vec::with_capacity(BATCH_DOCS)),
                last,
                bytes: std::mem::take(&mut bytes) as u64,
            };
            if !send(Ok(batch)) {
                return;
            }
        }
    }
    if let Some(last) = last {
        send(Ok(Batch {
            docs,
            last,
            bytes: bytes as u64,
        }));
    }
}

/// A document as the bulk writer takes it: `_source` must be JSON text.
fn bulk_doc(
    shard: &ShardRef,
    destination: &str,
    ty: &Option<String>,
    doc: Document,
) -> Result<(BulkDoc, Position), Failure> {
    let Some(source) = doc.source else {
        return Err(Failure {
            message: format!(
                "{shard}: document `{}` ({}) has no `_source` (disabled in the mapping): it cannot be reindexed; restore the snapshot instead",
                doc.id, doc.position
            ),
            retryable: false,
        });
    };
    let json = source
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| *b == b'{');
    if !json || std::str::from_utf8(&source).is_err() {
        return Err(Failure {
            message: format!(
                "{shard}: the `_source` of document `{}` ({}) is not JSON text (SMILE or CBOR sources are not supported)",
                doc.id, doc.position
            ),
            retryable: false,
        });
    }
    // A stored `_source` may be pretty-printed; NDJSON needs it on one line. In valid JSON a raw
    // line break can only be whitespace between tokens, so blanking it changes nothing else.
    let source = if source.iter().any(|b| matches!(b, b'\n' | b'\r')) {
        source
            .into_iter()
            .map(|b| if matches!(b, b'\n' | b'\r') { b' ' } else { b })
            .collect()
    } else {
        source
    };
    Ok((
        BulkDoc {
            index: destination.to_owned(),
            ty: ty
                .as_ref()
                .map(|t| doc.doc_type.clone().unwrap_or_else(|| t.clone())),
            id: doc.id,
            routing: doc.routing,
            source: Bytes::from(source),
        },
        doc.position,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pretty_printed_source_goes_on_one_line_with_its_strings_unchanged() {
        let shard = ShardRef {
            index: "i".into(),
            index_id: "x".into(),
            shard: 0,
        };
        let doc = Document {
            id: "1".into(),
            doc_type: None,
            routing: Some("r".into()),
            source: Some(b"{\r\n  \"a\": \"x\\ny\",\n  \"b\": 1\n}".to_vec()),
            position: Position {
                segment: "_0".into(),
                doc: 3,
            },
        };
        let (bulk, position) = bulk_doc(&shard, "d", &None, doc).ok().unwrap();
        assert_eq!(&bulk.source[..], b"{    \"a\": \"x\\ny\",   \"b\": 1 }");
        let parsed: serde_json::Value = serde_json::from_slice(&bulk.source).unwrap();
        assert_eq!(parsed["a"], "x\ny");
        assert_eq!((bulk.routing.as_deref(), position.doc), (Some("r"), 3));
    }

    #[test]
    fn a_source_that_is_not_json_text_is_refused_naming_the_document() {
        let shard = ShardRef {
            index: "i".into(),
            index_id: "x".into(),
            shard: 2,
        };
        let doc = Document {
            id: "7".into(),
            doc_type: None,
            routing: None,
            source: Some(b":)\n\x05smile".to_vec()),
            position: Position {
                segment: "_1".into(),
                doc: 0,
            },
        };
        let Err(f) = bulk_doc(&shard, "d", &None, doc) else {
            panic!("a SMILE source was accepted");
        };
        assert!(!f.retryable);
        assert!(
            f.message
                .starts_with("index `i` shard 2: the `_source` of document `7`"),
            "{}",
            f.message
        );
    }
}
