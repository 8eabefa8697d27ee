//! The proof's shape and memory budget: buckets, partitions, buffer sizes, examples kept.

/// How a proof buckets, spills and reports. `Default` suits any size up to ~100M documents per
/// side; [`ProofConfig::for_documents`] sizes the partitions from the expected count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProofConfig {
    /// `2^buckets_log2` digests per side (24 bytes each, plus one copy per live slice).
    pub buckets_log2: u8,
    /// `2^partitions_log2` spill partitions per side; a drill-down holds one partition of both
    /// sides in memory at a time (only the records of its differing buckets).
    pub partitions_log2: u8,
    /// Bytes of encoded records of committed slices a side keeps in memory before it writes them
    /// to spill files. A side whose slices each stay under `slice_memory` and whose total stays
    /// under this never touches the disk.
    pub side_memory: usize,
    /// Bytes a slice buffers before it writes its own spill files (each live slice has its own
    /// buffers, so a proof holds at most `side_memory` per side plus `slice_memory` per slice).
    pub slice_memory: usize,
}

impl Default for ProofConfig {
    fn default() -> ProofConfig {
        ProofConfig {
            buckets_log2: 14,
            partitions_log2: 8,
            side_memory: 32 << 20,
            slice_memory: 2 << 20,
        }
    }
}

/// Records per partition a drill-down should hold at most (both sides: ~2 × 250k × ~80 bytes).
const RECORDS_PER_PARTITION: u64 = 250_000;

impl ProofConfig {
    /// The default with enough partitions that one holds about 250k records of `expected`
    /// (between 2^4 and 2^12 partitions; buckets always at least 64 per partition).
    pub fn for_documents(expected: u64) -> ProofConfig {
        let parts = expected.div_ceil(RECORDS_PER_PARTITION).max(1);
        let log2 = (64 - (parts - 1).leading_zeros()).clamp(4, 12) as u8;
        let d = ProofConfig::default();
        ProofConfig {
            partitions_log2: log2,
            buckets_log2: d.buckets_log2.max(log2 + 6),
            ..d
        }
    }

    pub(crate) fn partitions(&self) -> usize {
        1 << self.partitions_log2.min(self.buckets_log2)
    }

    /// The partition a bucket's records are kept in.
    pub(crate) fn partition_of(&self, bucket: u32) -> usize {
        (bucket >> (self.buckets_log2 - self.partitions_log2.min(self.buckets_log2))) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partitions_grow_with_the_expected_count() {
        assert_eq!(ProofConfig::for_documents(0).partitions_log2, 4);
        assert_eq!(ProofConfig::for_documents(1_000_000).partitions_log2, 4);
        assert_eq!(ProofConfig::for_documents(100_000_000).partitions_log2, 9);
        let huge = ProofConfig::for_documents(10_000_000_000);
        assert_eq!((huge.partitions_log2, huge.buckets_log2), (12, 18));
    }

    #[test]
    fn every_bucket_maps_to_a_partition_in_range() {
        let c = ProofConfig {
            buckets_log2: 5,
            partitions_log2: 9,
            ..ProofConfig::default()
        };
        assert_eq!(c.partitions(), 32);
        assert!((0..32).all(|b| c.partition_of(b) < c.partitions()));
    }
}
