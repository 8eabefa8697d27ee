//! Each shard's Lucene index as a node keeps it between snapshots, so that what a snapshot copies
//! are real Lucene files in the format of the sandbox's version family.
//!
//! A snapshot first flushes the shard, as Elasticsearch does: documents written since the last
//! commit (new, or replaced since: their `_seq_no` moved) go into one new segment, documents
//! replaced or deleted since are marked deleted in a new `.liv` generation of the segment holding
//! them, and a new `segments_N` is committed. Untouched segments keep their files byte for byte,
//! so a repository that has them reuses their blobs and an incremental snapshot uploads only the
//! new segment, the new deletion files and the commit point. A shard with no change since its
//! last commit snapshots that same commit.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use migrate_lucene::write::{
    Commit, IdEncoding, IndexWriter, Layout, LuceneFormat, NewDocument, WriteError,
};
use migrate_repo::writer::LuceneFile;
use serde_json::Value;

use super::model::{Document, IndexImage};
use super::release::Release;

/// The Lucene files of one shard's commit, as a snapshot copies them.
pub type ShardFiles = Vec<LuceneFile>;

/// An index to snapshot: its definition and the files of each shard.
#[derive(Debug, Clone)]
pub struct SnapshotIndex {
    /// The definition (its `documents` are not used).
    pub image: IndexImage,
    /// Per shard, the files of its commit.
    pub shards: Vec<ShardFiles>,
}

/// The Lucene layout a `release` writes for an index with these settings: the format of its
/// version family, and `_uid` ids for indexes created by Elasticsearch 5.x.
pub fn layout(release: Release, settings: &serde_json::Map<String, Value>) -> Layout {
    let format = match (release.opensearch, release.version.0) {
        (false, 0..=5) => LuceneFormat::Lucene6,
        (false, 6) => LuceneFormat::Lucene7,
        (false, 7) | (true, 0..=1) => LuceneFormat::Lucene87,
        _ => LuceneFormat::Lucene9,
    };
    let created = settings
        .get("index.version.created")
        .and_then(|v| {
            v.as_str()
                .and_then(|s| s.parse::<u64>().ok())
                .or(v.as_u64())
        })
        .unwrap_or_else(|| u64::from(release.version_id()));
    let five = !release.opensearch && created < 6_000_000;
    Layout {
        format,
        ids: if five {
            IdEncoding::Uid
        } else {
            IdEncoding::Id
        },
    }
}

struct ShardStore {
    writer: IndexWriter,
    /// The `_seq_no` of each live document as last written into the index.
    written: HashMap<(Option<String>, String), u64>,
    last: Option<Commit>,
}

/// A shard: its index's uuid and its number.
type ShardKey = (String, u32);

/// The shards' Lucene indexes of one sandbox, by index uuid and shard number.
#[derive(Default)]
pub struct ShardStores {
    stores: Mutex<HashMap<ShardKey, Arc<Mutex<ShardStore>>>>,
}

impl std::fmt::Debug for ShardStores {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ShardStores")
            .field("shards", &lock(&self.stores).len())
            .finish()
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn random_id() -> [u8; 16] {
    *uuid::Uuid::new_v4().as_bytes()
}

impl ShardStores {
    /// Flushes and commits every shard of `image` (its documents as they are now) and returns the
    /// files each shard's snapshot copies.
    pub fn snapshot_index(
        &self,
        image: IndexImage,
        release: Release,
    ) -> Result<SnapshotIndex, WriteError> {
        let layout = layout(release, &image.settings);
        let mut shards = Vec::new();
        for (shard, documents) in image.shards().into_iter().enumerate() {
            let key = (image.uuid.clone(), shard as u32);
            let store = {
                let mut stores = lock(&self.stores);
                Arc::clone(stores.entry(key).or_insert_with(|| {
                    Arc::new(Mutex::new(ShardStore {
                        writer: IndexWriter::new(layout, random_id),
                        written: HashMap::new(),
                        last: None,
                    }))
                }))
            };
            let mut store = lock(&store);
            if store.writer.layout() != layout {
                *store = ShardStore {
                    writer: IndexWriter::new(layout, random_id),
                    written: HashMap::new(),
                    last: None,
                };
            }
            let commit = store.commit(&documents, &image, release)?;
            shards.push(
                commit
                    .files()
                    .iter()
                    .map(|f| LuceneFile {
                        physical_name: f.name.clone(),
                        content: f.bytes.to_vec(),
                        written_by: layout.format.version_name(),
                    })
                    .collect(),
            );
        }
        Ok(SnapshotIndex {
            image: IndexImage {
                documents: Vec::new(),
                ..image
            },
            shards,
        })
    }
}

impl ShardStore {
    fn commit(
        &mut self,
        documents: &[&Document],
        image: &IndexImage,
        release: Release,
    ) -> Result<Commit, WriteError> {
        let uid = self.writer.layout().ids == IdEncoding::Uid;
        let key = |d: &Document| (uid.then(|| d.doc_type.clone()).flatten(), d.id.clone());
        let mut changed = false;
        let mut present = HashMap::with_capacity(documents.len());
        for document in documents {
            let key = key(document);
            if self.written.get(&key) != Some(&document.seq_no) {
                self.writer.add(NewDocument {
                    id: &document.id,
                    doc_type: document.doc_type.as_deref(),
                    routing: document.routing.as_deref(),
                    source: Some(document.source.as_bytes()),
                })?;
                changed = true;
            }
            present.insert(key, document.seq_no);
        }
        for (doc_type, id) in self.written.keys() {
            if !present.contains_key(&(doc_type.clone(), id.clone())) {
                self.writer.delete(doc_type.as_deref(), id);
                changed = true;
            }
        }
        self.written = present;
        if let Some(last) = self.last.as_ref().filter(|_| !changed) {
            return Ok(last.clone());
        }
        let max_seq_no = documents.iter().map(|d| d.seq_no).max().unwrap_or(0);
        let max_seq_no = max_seq_no.to_string();
        let history = format!("{}-history", image.uuid);
        let mut user_data = vec![
            ("translog_uuid", image.uuid.as_str()),
            ("max_unsafe_auto_id_timestamp", "-1"),
        ];
        if release.opensearch || release.version.0 >= 6 {
            user_data.extend([
                ("history_uuid", history.as_str()),
                ("local_checkpoint", max_seq_no.as_str()),
                ("max_seq_no", max_seq_no.as_str()),
            ]);
        }
        let commit = self.writer.commit(&user_data)?;
        self.last = Some(commit.clone());
        Ok(commit)
    }
}
