//! Knobs of a transfer: parallelism and the multipart part size.

/// How a transfer runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferOptions {
    /// Objects copied at once (at least 1).
    pub concurrency: usize,
    /// Objects of at least this many bytes are streamed as multipart uploads of this part size;
    /// smaller ones are copied with one GET and one PUT. S3 needs ≥ 5 MiB parts.
    pub part_size: usize,
    /// Parts of one multipart upload in flight at once (at least 1).
    pub parts_in_flight: usize,
}

impl Default for TransferOptions {
    fn default() -> Self {
        TransferOptions {
            concurrency: 16,
            part_size: 8 * 1024 * 1024,
            parts_in_flight: 2,
        }
    }
}

impl TransferOptions {
    /// The most bytes of object content the transfer holds in memory at once.
    pub fn memory_bound(&self) -> usize {
        self.concurrency.max(1) * self.part_size * (self.parts_in_flight.max(1) + 1)
    }
}
