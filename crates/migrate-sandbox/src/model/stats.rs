//! Per-index operation counters behind `_stats`: writes, deletes, no-op updates, gets, and the
//! translog/segment life cycle (operations pile up in the translog until a flush turns them into a
//! segment).

/// Counters of one index (keyed by its UUID in [`super::Cluster::stats`]).
#[derive(Debug, Clone, Default)]
pub struct IndexStats {
    /// Index operations (`indexing.index_total`).
    pub index_total: u64,
    /// Delete operations.
    pub delete_total: u64,
    /// Updates that changed nothing (`indexing.noop_update_total`).
    pub noop_update_total: u64,
    /// Realtime gets.
    pub get_total: u64,
    /// Operations in the translog since the last flush.
    pub translog_ops: u64,
    /// Bytes of those operations.
    pub translog_bytes: u64,
    /// Segments written by flushes.
    pub segments: u64,
    /// Flushes.
    pub flush_total: u64,
}

/// The size of an empty translog (its header), as the servers report for a fresh shard.
pub const EMPTY_TRANSLOG_BYTES: u64 = 55;

impl IndexStats {
    /// Records one write (index or delete) of `bytes`.
    pub fn record_write(&mut self, bytes: u64, delete: bool) {
        if delete {
            self.delete_total += 1;
        } else {
            self.index_total += 1;
        }
        self.translog_ops += 1;
        self.translog_bytes += bytes + 40;
    }

    /// A flush: pending operations become a segment and the translog is trimmed.
    pub fn flush(&mut self) {
        if self.translog_ops > 0 {
            self.segments += 1;
        }
        self.translog_ops = 0;
        self.translog_bytes = 0;
        self.flush_total += 1;
    }
}
