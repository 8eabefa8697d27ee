//! [`IndexWriter`]: a shard's Lucene index built commit by commit, the way Elasticsearch's flushes
//! leave it: documents buffered until [`IndexWriter::flush`] writes them as a new segment,
//! segments never rewritten, deletions (and replaced documents) recorded in a new `.liv`
//! generation of the segment holding them, fully deleted segments dropped at commit.
//!
//! So a commit after more writes shares every file of the untouched segments with the commit
//! before it — what lets an incremental snapshot upload only new files.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use super::commit::{CommitEntry, CommitHeader, write_live_docs, write_segments};
use super::segment::{NewDocument, OwnedDocument, write_segment};
use super::{IdEncoding, Layout, WriteError};
use crate::codec::ID_LEN;
use crate::commit::radix36;
use crate::directory::MemoryDirectory;

/// Lucene's `IndexWriter.MAX_DOCS`.
const MAX_DOCS: usize = i32::MAX as usize - 128;

/// A document's identity: its id, and its type when ids are unique per type (`_uid`).
type Key = (Option<String>, String);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Location {
    Pending(usize),
    Segment(u64, u32),
}

/// One file of a commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexFile {
    /// The Lucene file name (`_0.fdt`, `segments_2`).
    pub name: String,
    /// Its bytes, ending with the checksum footer.
    pub bytes: Arc<[u8]>,
}

/// The files of one commit: every segment's files, their live-docs files, and `segments_N` last.
#[derive(Debug, Clone)]
pub struct Commit {
    generation: u64,
    files: Vec<IndexFile>,
}

impl Commit {
    /// The commit generation (the `N` of `segments_N`).
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// The name of the commit point, `segments_N`.
    pub fn segments_file(&self) -> String {
        format!("segments_{}", radix36(self.generation))
    }

    /// Every file of the commit.
    pub fn files(&self) -> &[IndexFile] {
        &self.files
    }

    /// The commit as a directory the reader opens.
    pub fn to_directory(&self) -> MemoryDirectory {
        let mut dir = MemoryDirectory::new();
        for file in &self.files {
            dir.insert(file.name.clone(), file.bytes.clone());
        }
        dir
    }
}

struct Segment {
    name: String,
    id: [u8; ID_LEN],
    max_doc: u32,
    files: Vec<IndexFile>,
    /// One bit per document, set when live; `None` until the first deletion.
    live: Option<Vec<u64>>,
    del_count: u32,
    del_gen: Option<u64>,
    liv: Option<IndexFile>,
    deletes_changed: bool,
    commit_id: [u8; ID_LEN],
}

impl Segment {
    fn delete(&mut self, doc: u32) {
        let words = (self.max_doc as usize).div_ceil(64);
        let max_doc = self.max_doc;
        let live = self.live.get_or_insert_with(|| {
            let mut all = vec![u64::MAX; words];
            if let Some(last) = all.last_mut().filter(|_| !max_doc.is_multiple_of(64)) {
                *last = (1u64 << (max_doc % 64)) - 1;
            }
            all
        });
        let (word, bit) = ((doc / 64) as usize, doc % 64);
        if live[word] >> bit & 1 == 1 {
            live[word] &= !(1u64 << bit);
            self.del_count += 1;
            self.deletes_changed = true;
        }
    }
}

struct Pending {
    key: Key,
    doc: OwnedDocument,
}

/// Builds a Lucene index commit by commit; see the module docs.
pub struct IndexWriter {
    layout: Layout,
    ids: Box<dyn FnMut() -> [u8; ID_LEN] + Send>,
    segments: BTreeMap<u64, Segment>,
    pending: Vec<Option<Pending>>,
    live: HashMap<Key, Location>,
    next_segment: u64,
    generation: u64,
    version: i64,
}

impl IndexWriter {
    /// An empty index; `ids` gives the 16-byte ids of segments and commits (random in Lucene).
    pub fn new(layout: Layout, ids: impl FnMut() -> [u8; ID_LEN] + Send + 'static) -> Self {
        Self {
            layout,
            ids: Box::new(ids),
            segments: BTreeMap::new(),
            pending: Vec::new(),
            live: HashMap::new(),
            next_segment: 0,
            generation: 0,
            version: 0,
        }
    }

    /// An empty index whose ids come from a seeded generator: the same calls write the same bytes.
    pub fn seeded(layout: Layout, seed: u64) -> Self {
        let mut state = seed;
        Self::new(layout, move || {
            let mut id = [0u8; ID_LEN];
            for half in id.chunks_mut(8) {
                state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
                let mut z = state;
                z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
                z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
                half.copy_from_slice(&(z ^ (z >> 31)).to_le_bytes());
            }
            id
        })
    }

    /// The layout written.
    pub fn layout(&self) -> Layout {
        self.layout
    }

    /// Live documents (flushed or not).
    pub fn live_documents(&self) -> usize {
        self.live.len()
    }

    /// Segments written so far and not dropped.
    pub fn segment_count(&self) -> usize {
        self.segments.len()
    }

    fn key(&self, doc_type: Option<&str>, id: &str) -> Key {
        let doc_type = match self.layout.ids {
            IdEncoding::Uid => doc_type.map(str::to_owned),
            IdEncoding::Id => None,
        };
        (doc_type, id.to_owned())
    }

    /// Adds a document, replacing the live one with the same id (and type, for `_uid` indexes).
    pub fn add(&mut self, doc: NewDocument<'_>) -> Result<(), WriteError> {
        let owned = OwnedDocument::new(&doc, self.layout.ids)?;
        let key = self.key(doc.doc_type, doc.id);
        if let Some(location) = self.live.remove(&key) {
            self.delete_at(location);
        }
        self.live
            .insert(key.clone(), Location::Pending(self.pending.len()));
        self.pending.push(Some(Pending { key, doc: owned }));
        Ok(())
    }

    /// Deletes the live document with this id (and type, for `_uid` indexes); `false` when there
    /// is none.
    pub fn delete(&mut self, doc_type: Option<&str>, id: &str) -> bool {
        let key = self.key(doc_type, id);
        match self.live.remove(&key) {
            Some(location) => {
                self.delete_at(location);
                true
            }
            None => false,
        }
    }

    fn delete_at(&mut self, location: Location) {
        match location {
            Location::Pending(i) => {
                if let Some(slot) = self.pending.get_mut(i) {
                    *slot = None;
                }
            }
            Location::Segment(segment, doc) => {
                if let Some(segment) = self.segments.get_mut(&segment) {
                    segment.delete(doc);
                }
            }
        }
    }

    /// Writes the buffered documents as a new segment (nothing when none is buffered).
    pub fn flush(&mut self) -> Result<(), WriteError> {
        let pending: Vec<Pending> = std::mem::take(&mut self.pending)
            .into_iter()
            .flatten()
            .collect();
        if pending.is_empty() {
            return Ok(());
        }
        if pending.len() > MAX_DOCS {
            return Err(WriteError::TooManyDocuments {
                count: pending.len(),
            });
        }
        let number = self.next_segment;
        self.next_segment += 1;
        let name = format!("_{}", radix36(number));
        let id = (self.ids)();
        let docs: Vec<&OwnedDocument> = pending.iter().map(|p| &p.doc).collect();
        let max_doc = docs.len() as u32;
        let flushed = write_segment(self.layout.format, self.layout.ids, &name, &id, &docs);
        for (doc, p) in pending.into_iter().enumerate() {
            self.live
                .insert(p.key, Location::Segment(number, doc as u32));
        }
        let commit_id = (self.ids)();
        self.segments.insert(
            number,
            Segment {
                name,
                id,
                max_doc,
                files: flushed
                    .files
                    .into_iter()
                    .map(|(name, bytes)| IndexFile {
                        name,
                        bytes: bytes.into(),
                    })
                    .collect(),
                live: None,
                del_count: 0,
                del_gen: None,
                liv: None,
                deletes_changed: false,
                commit_id,
            },
        );
        self.version += 1;
        Ok(())
    }

    /// Flushes, writes the live-docs files of segments whose deletions changed, drops fully
    /// deleted segments, and writes the next `segments_N` with `user_data`.
    pub fn commit(&mut self, user_data: &[(&str, &str)]) -> Result<Commit, WriteError> {
        self.flush()?;
        self.segments.retain(|_, s| s.del_count < s.max_doc);
        let format = self.layout.format;
        for segment in self.segments.values_mut() {
            if !segment.deletes_changed {
                continue;
            }
            let generation = segment.del_gen.map_or(1, |g| g + 1);
            let live = segment.live.as_deref().unwrap_or_default();
            segment.liv = Some(IndexFile {
                name: format!("{}_{}.liv", segment.name, radix36(generation)),
                bytes: write_live_docs(format, &segment.id, generation, live).into(),
            });
            segment.del_gen = Some(generation);
            segment.deletes_changed = false;
            segment.commit_id = (self.ids)();
            self.version += 1;
        }
        self.generation += 1;
        let id = (self.ids)();
        let entries: Vec<CommitEntry<'_>> = self
            .segments
            .values()
            .map(|s| CommitEntry {
                name: &s.name,
                id: &s.id,
                del_gen: s.del_gen,
                del_count: s.del_count,
                commit_id: &s.commit_id,
            })
            .collect();
        let segments_file = write_segments(
            format,
            &CommitHeader {
                generation: self.generation,
                id: &id,
                version: self.version,
                counter: self.next_segment,
            },
            &entries,
            user_data,
        );
        let mut files: Vec<IndexFile> = Vec::new();
        for segment in self.segments.values() {
            files.extend(segment.files.iter().cloned());
            files.extend(segment.liv.iter().cloned());
        }
        files.push(IndexFile {
            name: format!("segments_{}", radix36(self.generation)),
            bytes: segments_file.into(),
        });
        Ok(Commit {
            generation: self.generation,
            files,
        })
    }
}
