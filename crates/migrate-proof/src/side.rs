//! Feeding one side of the proof: any number of slices, in any order, from any threads.
//!
//! A [`Slice`] is one stream of documents (a scroll slice, a PIT/search_after sweep, a retry of
//! either). It hashes and buckets on its own thread, with its own digests and spill buffers, and
//! takes the side's lock only on [`Slice::commit`]. A slice dropped without a commit (its scroll
//! expired, the caller restarts it) leaves nothing behind, so a restarted slice is never counted
//! twice. Feed each document once per committed slice: a page fetched again after a retry must be
//! fed once.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use crate::config::ProofConfig;
use crate::digest::Digests;
use crate::error::ProofError;
use crate::page::{Cursor, Page};
use crate::record::{Record, bucket_of, encode};
use crate::spill::Spill;

/// Which side a feed reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Source,
    Destination,
}

impl Side {
    fn tag(self) -> &'static str {
        match self {
            Side::Source => "src",
            Side::Destination => "dst",
        }
    }
}

/// Counts a side collected.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SideStats {
    pub records: u64,
    /// Records fed without `_source` (compared by id and routing only).
    pub without_source: u64,
    /// Bytes written to spill files.
    pub spilled_bytes: u64,
}

/// The committed state of a side.
#[derive(Debug)]
pub(crate) struct Collected {
    pub digests: Digests,
    pub spill: Spill,
    pub without_source: u64,
}

/// One side of one index: a cheap handle (clone it into threads or blocking tasks).
#[derive(Debug, Clone)]
pub struct SideFeed(Arc<Shared>);

#[derive(Debug)]
struct Shared {
    side: Side,
    cfg: ProofConfig,
    dir: PathBuf,
    next_slice: AtomicU64,
    state: Mutex<Collected>,
}

impl Collected {
    fn empty(side: Side, cfg: &ProofConfig, dir: &Path) -> Collected {
        Collected {
            digests: Digests::new(cfg.buckets_log2),
            spill: Spill::new(dir, format!("{}-side", side.tag()), cfg.partitions()),
            without_source: 0,
        }
    }
}

impl SideFeed {
    pub(crate) fn new(side: Side, cfg: &ProofConfig, dir: &Path) -> SideFeed {
        SideFeed(Arc::new(Shared {
            side,
            cfg: cfg.clone(),
            dir: dir.to_owned(),
            next_slice: AtomicU64::new(0),
            state: Mutex::new(Collected::empty(side, cfg, dir)),
        }))
    }

    fn state(&self) -> MutexGuard<'_, Collected> {
        self.0.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn side(&self) -> Side {
        self.0.side
    }

    /// A new stream of documents for this side (`Send + 'static`: it may move between threads
    /// with its pages).
    pub fn slice(&self) -> Slice {
        let sh = &self.0;
        let n = sh.next_slice.fetch_add(1, Ordering::Relaxed);
        let name = format!("{}-slice{n}", sh.side.tag());
        Slice {
            feed: self.clone(),
            digests: Digests::new(sh.cfg.buckets_log2),
            spill: Spill::new(&sh.dir, name, sh.cfg.partitions()),
            without_source: 0,
            committed: false,
        }
    }

    /// What the committed slices collected so far.
    pub fn stats(&self) -> SideStats {
        let s = self.state();
        SideStats {
            records: s.digests.total(),
            without_source: s.without_source,
            spilled_bytes: s.spill.spilled(),
        }
    }

    /// Takes what the committed slices collected; a slice committing later adds to an empty side
    /// that nothing reads.
    pub(crate) fn take(&self) -> Collected {
        let sh = &self.0;
        std::mem::replace(
            &mut *self.state(),
            Collected::empty(sh.side, &sh.cfg, &sh.dir),
        )
    }
}

/// One stream of documents into a side; commit it when the stream is complete.
#[derive(Debug)]
pub struct Slice {
    feed: SideFeed,
    digests: Digests,
    spill: Spill,
    without_source: u64,
    committed: bool,
}

impl Slice {
    /// Takes one document.
    pub fn add(&mut self, record: Record<'_>) -> Result<(), ProofError> {
        let content = record.prepare()?;
        self.take(&record, content)
    }

    /// Takes one document whose content is hashed already.
    fn take(&mut self, record: &Record<'_>, content: u128) -> Result<(), ProofError> {
        let cfg = &self.feed.0.cfg;
        if record.source.is_none() {
            self.without_source += 1;
        }
        let bucket = bucket_of(record.id, cfg.buckets_log2);
        let buf = self.spill.buf(cfg.partition_of(bucket));
        let before = buf.len();
        let hash = encode(buf, bucket, content, record.id, record.routing);
        let grew = buf.len() - before;
        self.digests.add(bucket, hash);
        self.spill.grew(grew);
        if self.spill.buffered() > cfg.slice_memory {
            self.spill.flush()?;
        }
        Ok(())
    }

    /// Takes every hit of a search response page; returns where to continue. Every `_source` is
    /// hashed before any hit is taken, so a page that fails is not taken at all (and may be fed
    /// again).
    pub fn add_page(&mut self, body: &[u8]) -> Result<Cursor, ProofError> {
        let page = Page::parse(body)?;
        let records: Vec<Record<'_>> = page.hits.iter().map(|h| h.record()).collect();
        let contents = records
            .iter()
            .map(Record::prepare)
            .collect::<Result<Vec<u128>, _>>()?;
        for (record, content) in records.iter().zip(contents) {
            self.take(record, content)?;
        }
        Ok(Cursor::from(&page))
    }

    /// Records taken by this slice so far.
    pub fn records(&self) -> u64 {
        self.digests.total()
    }

    /// Adds this slice to its side. Until then, nothing it took counts.
    pub fn commit(mut self) -> Result<(), ProofError> {
        let side_memory = self.feed.0.cfg.side_memory;
        let empty = Spill::new(&self.feed.0.dir, String::new(), 0);
        let spill = std::mem::replace(&mut self.spill, empty);
        let feed = self.feed.clone();
        let mut state = feed.state();
        state.digests.merge(&self.digests);
        state.without_source += self.without_source;
        state.spill.absorb(spill);
        self.committed = true;
        if state.spill.buffered() > side_memory {
            state.spill.flush()?;
        }
        Ok(())
    }
}

impl Drop for Slice {
    fn drop(&mut self) {
        if !self.committed {
            self.spill.discard();
        }
    }
}
