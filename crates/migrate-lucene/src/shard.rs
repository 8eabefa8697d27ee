//! A shard: one Lucene index read at one commit, its segments in commit order, and the iterator
//! over all its live root documents with resume support.

use std::sync::Arc;

use crate::commit::{Commit, latest_commit_file, read_commit};
use crate::directory::Directory;
use crate::document::{Document, Position};
use crate::error::{Error, Result};
use crate::segment::{Segment, SegmentDocuments};

/// A Lucene index opened at one commit.
pub struct Shard {
    dir: Arc<dyn Directory>,
    commit: Commit,
}

impl Shard {
    /// Opens the newest commit (`segments_N` with the highest N) of `dir`.
    pub fn open(dir: Arc<dyn Directory>) -> Result<Self> {
        let file = latest_commit_file(dir.as_ref())?;
        Self::open_commit(dir, &file)
    }

    /// Opens the commit `segments_file` (e.g. `segments_5`) of `dir`.
    pub fn open_commit(dir: Arc<dyn Directory>, segments_file: &str) -> Result<Self> {
        let commit = read_commit(dir.as_ref(), segments_file)?;
        Ok(Self { dir, commit })
    }

    /// The commit being read.
    pub fn commit(&self) -> &Commit {
        &self.commit
    }

    /// Opens one segment of the commit by name, verifying its files.
    pub fn segment(&self, name: &str) -> Result<Segment> {
        let Some(commit) = self.commit.segments.iter().find(|s| s.name == name) else {
            return Err(Error::NoSuchSegment {
                segment: name.to_string(),
                commit: self.commit.file_name.clone(),
                segments: self.commit.segment_names().collect::<Vec<_>>().join(", "),
            });
        };
        Segment::open(&self.dir, commit, &self.commit.file_name)
    }

    /// Every live root document, segment by segment in commit order.
    pub fn documents(&self) -> ShardDocuments<'_> {
        ShardDocuments {
            shard: self,
            next_segment: 0,
            first_doc: 0,
            current: None,
            done: false,
        }
    }

    /// The live root documents after `position` (the last one a previous run finished): the rest
    /// of its segment, then the following segments of the commit.
    pub fn documents_after(&self, position: &Position) -> Result<ShardDocuments<'_>> {
        let Some(index) = self
            .commit
            .segments
            .iter()
            .position(|s| *s.name == *position.segment)
        else {
            return Err(Error::BadPosition {
                segment: position.segment.to_string(),
                doc: position.doc,
                detail: format!(
                    "commit `{}` has no such segment (segments: {})",
                    self.commit.file_name,
                    self.commit.segment_names().collect::<Vec<_>>().join(", ")
                ),
            });
        };
        Ok(ShardDocuments {
            shard: self,
            next_segment: index,
            first_doc: position.doc.saturating_add(1),
            current: None,
            done: false,
        })
    }
}

/// Iterator over the live root documents of a shard. After an error it ends.
pub struct ShardDocuments<'a> {
    shard: &'a Shard,
    next_segment: usize,
    first_doc: u32,
    current: Option<SegmentDocuments>,
    done: bool,
}

impl Iterator for ShardDocuments<'_> {
    type Item = Result<Document>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.done {
                return None;
            }
            if let Some(current) = &mut self.current {
                match current.next() {
                    Some(Ok(doc)) => return Some(Ok(doc)),
                    Some(Err(e)) => {
                        self.done = true;
                        return Some(Err(e));
                    }
                    None => self.current = None,
                }
            }
            let Some(commit) = self.shard.commit.segments.get(self.next_segment) else {
                self.done = true;
                return None;
            };
            self.next_segment += 1;
            match Segment::open(&self.shard.dir, commit, &self.shard.commit.file_name) {
                Ok(segment) => {
                    let first = std::mem::take(&mut self.first_doc);
                    self.current = Some(segment.documents_from(first));
                }
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
            }
        }
    }
}
