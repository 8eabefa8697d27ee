//! A fetched shard opened for reading: every segment of its commit opened and verified up front
//! (so a damaged or unsupported file fails the shard before a single document is yielded), then its
//! live root documents in commit order, resumable after any [`Position`].

use std::path::Path as FsPath;
use std::sync::Arc;

use migrate_lucene::{Document, FsDirectory, Position, Segment, SegmentDocuments, Shard};

use crate::error::{Result, ShardError};
use crate::snapshot::ShardRef;

/// A shard's Lucene index, every segment verified.
pub struct ShardReader {
    shard: ShardRef,
    commit: String,
    segments: Vec<Segment>,
}

impl ShardReader {
    /// Opens the newest commit in `dir` and every segment it lists (checksums, codecs, deletes).
    pub fn open(shard: &ShardRef, dir: &FsPath) -> Result<Self> {
        let lucene_error = |source| ShardError::Lucene {
            index: shard.index.clone(),
            shard: shard.shard,
            source,
        };
        let lucene = Shard::open(Arc::new(FsDirectory::new(dir))).map_err(lucene_error)?;
        let names: Vec<String> = lucene.commit().segment_names().map(str::to_owned).collect();
        let segments = names
            .iter()
            .map(|name| lucene.segment(name))
            .collect::<Result<Vec<_>, _>>()
            .map_err(lucene_error)?;
        Ok(Self {
            shard: shard.clone(),
            commit: lucene.commit().file_name().to_owned(),
            segments,
        })
    }

    /// The shard.
    pub fn shard(&self) -> &ShardRef {
        &self.shard
    }

    /// The segments that will be read, in commit order.
    pub fn segment_names(&self) -> Vec<String> {
        self.segments.iter().map(|s| s.name().to_owned()).collect()
    }

    /// Live documents (roots and nested children) in the segments that will be read.
    pub fn live_documents(&self) -> u64 {
        self.segments
            .iter()
            .map(|s| {
                let stats = s.stats();
                u64::from(stats.max_doc)
                    .saturating_sub(u64::from(stats.hard_deleted))
                    .saturating_sub(u64::from(stats.soft_deleted))
            })
            .sum()
    }

    /// Keeps only the segments `keep` accepts (an incremental round reads only new ones).
    pub fn retain_segments(&mut self, keep: impl Fn(&str) -> bool) {
        self.segments.retain(|s| keep(s.name()));
    }

    /// The live root documents after `after` (all of them when `None`).
    pub fn documents(self, after: Option<&Position>) -> Result<ShardDocuments> {
        let mut segments = self.segments;
        let mut first = 0;
        if let Some(position) = after {
            let Some(at) = segments.iter().position(|s| s.name() == &*position.segment) else {
                return Err(ShardError::Lucene {
                    index: self.shard.index.clone(),
                    shard: self.shard.shard,
                    source: migrate_lucene::Error::BadPosition {
                        segment: position.segment.to_string(),
                        doc: position.doc,
                        detail: format!(
                            "the segments read from commit `{}` do not include it (the checkpoint belongs to another snapshot?)",
                            self.commit
                        ),
                    },
                });
            };
            segments.drain(..at);
            first = position.doc.saturating_add(1);
        }
        segments.reverse();
        Ok(ShardDocuments {
            shard: self.shard,
            pending: segments,
            first,
            current: None,
            done: false,
        })
    }
}

/// The live root documents of a [`ShardReader`]; ends after the first error.
pub struct ShardDocuments {
    shard: ShardRef,
    /// Segments still to read, the next one last.
    pending: Vec<Segment>,
    first: u32,
    current: Option<SegmentDocuments>,
    done: bool,
}

impl Iterator for ShardDocuments {
    type Item = Result<Document>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.done {
                return None;
            }
            if let Some(current) = &mut self.current {
                match current.next() {
                    Some(Ok(doc)) => return Some(Ok(doc)),
                    Some(Err(source)) => {
                        self.done = true;
                        return Some(Err(ShardError::Lucene {
                            index: self.shard.index.clone(),
                            shard: self.shard.shard,
                            source,
                        }));
                    }
                    None => self.current = None,
                }
            }
            let Some(segment) = self.pending.pop() else {
                self.done = true;
                return None;
            };
            self.current = Some(segment.documents_from(std::mem::take(&mut self.first)));
        }
    }
}
