//! One segment of a commit, opened: its files verified, its live documents known, and an
//! iterator over its live root documents.

use std::sync::Arc;

use crate::commit::{SegmentCommit, radix36};
use crate::compound::Compound;
use crate::deletes::{LiveDocs, read_live_docs};
use crate::directory::Directory;
use crate::document::{Decoded, Document, EsFields, Position, decode_document};
use crate::error::Result;
use crate::field_infos::read_field_infos;
use crate::file::LuceneFile;
use crate::segment_files::SegmentFiles;
use crate::segment_info::read_segment_info;
use crate::stored::{Chunk, StoredFields, StoredFiles};

/// Counts of a segment's documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SegmentStats {
    /// Documents in the segment, deleted or not, roots and nested ones.
    pub max_doc: u32,
    /// Hard-deleted documents (the `.liv` file).
    pub hard_deleted: u32,
    /// Documents soft-deleted and not also hard-deleted.
    pub soft_deleted: u32,
}

/// An opened segment.
pub struct Segment {
    name: Arc<str>,
    codec: String,
    version: [i32; 3],
    stats: SegmentStats,
    live: LiveDocs,
    stored: StoredFields,
    fields: EsFields,
}

impl Segment {
    pub(crate) fn open(
        dir: &Arc<dyn Directory>,
        commit: &SegmentCommit,
        commit_file: &str,
    ) -> Result<Self> {
        let name = commit.name.as_str();
        let si = LuceneFile::open(dir.as_ref(), &format!("{name}.si"), commit_file)?;
        let info = read_segment_info(&si, &commit.id)?;
        let compound = if info.compound {
            let cfe = LuceneFile::open(dir.as_ref(), &format!("{name}.cfe"), si.name())?;
            let cfs = LuceneFile::open(dir.as_ref(), &format!("{name}.cfs"), si.name())?;
            Some(Compound::open(&cfe, cfs, name, &commit.id)?)
        } else {
            None
        };
        let files = SegmentFiles {
            dir: dir.clone(),
            segment: name.to_string(),
            compound,
        };
        let infos = if commit.field_infos_gen > 0 {
            let generation = radix36(commit.field_infos_gen as u64);
            let fnm = LuceneFile::open(
                dir.as_ref(),
                &format!("{name}_{generation}.fnm"),
                commit_file,
            )?;
            read_field_infos(&fnm, &commit.id, &generation)?
        } else {
            let fnm = files.open(&format!("{name}.fnm"), si.name())?;
            read_field_infos(&fnm, &commit.id, "")?
        };
        let live = read_live_docs(&files, commit, &commit.id, info.max_doc, &infos)?;
        let number = |field: &str| infos.by_name(field).map(|f| f.number);
        let fields = EsFields {
            id: number("_id"),
            uid: number("_uid"),
            source: number("_source"),
            routing: number("_routing"),
            doc_type: number("_type"),
        };
        let stored = StoredFields::open(
            StoredFiles {
                fdt: files.open(&format!("{name}.fdt"), si.name())?,
                fdx: files.open(&format!("{name}.fdx"), si.name())?,
                fdm: files.open_optional(&format!("{name}.fdm"))?,
            },
            &commit.id,
            info.max_doc,
        )?;
        Ok(Self {
            name: name.into(),
            codec: commit.codec.clone(),
            version: info.version,
            stats: SegmentStats {
                max_doc: info.max_doc,
                hard_deleted: live.hard_deleted,
                soft_deleted: live.soft_deleted,
            },
            live,
            stored,
            fields,
        })
    }

    /// The segment's name, e.g. `_3`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The codec the commit names for the segment, e.g. `Lucene87`.
    pub fn codec(&self) -> &str {
        &self.codec
    }

    /// The Lucene version that wrote the segment, e.g. `8.7.0`.
    pub fn lucene_version(&self) -> String {
        format!(
            "{}.{}.{}",
            self.version[0], self.version[1], self.version[2]
        )
    }

    /// Document counts.
    pub fn stats(&self) -> SegmentStats {
        self.stats
    }

    /// Whether Lucene document `doc` is live (neither hard- nor soft-deleted).
    pub fn is_live(&self, doc: u32) -> bool {
        doc < self.stats.max_doc && self.live.is_live(doc)
    }

    /// The live root documents, in document order.
    pub fn documents(self) -> SegmentDocuments {
        self.documents_from(0)
    }

    /// The live root documents numbered `first` or more, in document order.
    pub fn documents_from(self, first: u32) -> SegmentDocuments {
        let chunk = if first < self.stats.max_doc {
            self.stored.chunk_of(first)
        } else {
            self.stored.chunk_count()
        };
        SegmentDocuments {
            segment: self,
            chunk_index: chunk,
            chunk: Chunk::default(),
            next: first,
            loaded: false,
            done: false,
            nested: 0,
        }
    }
}

/// Iterator over the live root documents of a segment.
pub struct SegmentDocuments {
    segment: Segment,
    chunk_index: usize,
    chunk: Chunk,
    next: u32,
    loaded: bool,
    done: bool,
    nested: u64,
}

impl SegmentDocuments {
    /// The segment being read.
    pub fn segment(&self) -> &Segment {
        &self.segment
    }

    /// Live nested documents skipped so far.
    pub fn nested_skipped(&self) -> u64 {
        self.nested
    }

    fn step(&mut self) -> Result<Option<Document>> {
        let seg = &mut self.segment;
        loop {
            if self.chunk_index >= seg.stored.chunk_count() || self.next >= seg.stats.max_doc {
                return Ok(None);
            }
            if !self.loaded {
                // skip chunks whose documents are all deleted without decompressing them
                let (first, end) = seg.stored.chunk_docs(self.chunk_index, seg.stats.max_doc);
                let from = self.next.max(first);
                if !(from..end).any(|d| seg.live.is_live(d)) {
                    self.chunk_index += 1;
                    self.next = end;
                    continue;
                }
                seg.stored.read_chunk(self.chunk_index, &mut self.chunk)?;
                self.loaded = true;
                self.next = from;
            }
            let end = self.chunk.doc_base + self.chunk.docs();
            while self.next < end {
                let doc = self.next;
                self.next += 1;
                if !seg.live.is_live(doc) {
                    continue;
                }
                let i = (doc - self.chunk.doc_base) as usize;
                let bytes = &self.chunk.data[self.chunk.offsets[i]..self.chunk.offsets[i + 1]];
                let position = Position {
                    segment: seg.name.clone(),
                    doc,
                };
                match decode_document(
                    bytes,
                    self.chunk.num_fields[i],
                    &seg.fields,
                    position,
                    seg.stored.name(),
                )? {
                    Decoded::Root(document) => return Ok(Some(document)),
                    Decoded::Nested => self.nested += 1,
                }
            }
            self.chunk_index += 1;
            self.loaded = false;
        }
    }
}

impl Iterator for SegmentDocuments {
    type Item = Result<Document>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match self.step() {
            Ok(Some(doc)) => Some(Ok(doc)),
            Ok(None) => {
                self.done = true;
                None
            }
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }
}
