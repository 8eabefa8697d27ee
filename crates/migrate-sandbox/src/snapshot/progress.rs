//! Live progress of a running snapshot, per shard, read by `_snapshot/<repo>/<snap>/_status`.

use std::collections::BTreeMap;
use std::sync::Mutex;

use super::pace::Pace;

/// Where one shard's snapshot is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShardStage {
    /// Not started.
    Init,
    /// Uploading data blobs.
    Started,
    /// Writing shard metadata.
    Finalize,
    /// Finished.
    Done,
    /// Failed.
    Failure,
}

impl ShardStage {
    /// The name the `_status` API uses.
    pub fn as_str(self) -> &'static str {
        match self {
            ShardStage::Init => "INIT",
            ShardStage::Started => "STARTED",
            ShardStage::Finalize => "FINALIZE",
            ShardStage::Done => "DONE",
            ShardStage::Failure => "FAILURE",
        }
    }
}

/// A count of files and their bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FileStats {
    /// Files.
    pub file_count: u64,
    /// Bytes.
    pub size_in_bytes: u64,
}

impl FileStats {
    /// Adds one file.
    pub fn add(&mut self, bytes: u64) {
        self.file_count += 1;
        self.size_in_bytes += bytes;
    }

    /// Adds another count.
    pub fn merge(&mut self, other: FileStats) {
        self.file_count += other.file_count;
        self.size_in_bytes += other.size_in_bytes;
    }
}

/// One shard's snapshot status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShardStatus {
    /// Stage.
    pub stage: ShardStage,
    /// Files this snapshot uploads (not already in the repository).
    pub incremental: FileStats,
    /// All files the shard's snapshot references.
    pub total: FileStats,
    /// Files uploaded so far.
    pub processed: FileStats,
    /// Start, ms since the epoch.
    pub start_time_in_millis: u64,
    /// Time taken so far, ms.
    pub time_in_millis: u64,
}

impl ShardStatus {
    /// A shard that has not started.
    pub fn init(now: u64) -> Self {
        ShardStatus {
            stage: ShardStage::Init,
            incremental: FileStats::default(),
            total: FileStats::default(),
            processed: FileStats::default(),
            start_time_in_millis: now,
            time_in_millis: 0,
        }
    }
}

/// The shards of a running snapshot, by index name and shard number, and the pace of its uploads.
#[derive(Debug, Default)]
pub struct SnapshotProgress {
    shards: Mutex<BTreeMap<(String, u32), ShardStatus>>,
    pace: Pace,
}

impl SnapshotProgress {
    /// Progress of a snapshot whose uploads move at `byte_rate` bytes per second.
    pub fn paced(byte_rate: Option<u64>) -> Self {
        SnapshotProgress {
            shards: Mutex::default(),
            pace: Pace::new(byte_rate),
        }
    }

    /// The pace of the uploads.
    pub fn pace(&self) -> &Pace {
        &self.pace
    }

    /// Sets a shard's status.
    pub fn set(&self, index: &str, shard: u32, status: ShardStatus) {
        if let Ok(mut shards) = self.shards.lock() {
            shards.insert((index.to_owned(), shard), status);
        }
    }

    /// Changes a shard's status in place.
    pub fn update(&self, index: &str, shard: u32, change: impl FnOnce(&mut ShardStatus)) {
        if let Ok(mut shards) = self.shards.lock()
            && let Some(status) = shards.get_mut(&(index.to_owned(), shard))
        {
            change(status);
        }
    }

    /// A copy of every shard's status.
    pub fn snapshot(&self) -> BTreeMap<(String, u32), ShardStatus> {
        self.shards.lock().map(|s| s.clone()).unwrap_or_default()
    }
}
