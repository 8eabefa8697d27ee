//! Per-bucket digests: for each bucket, the sum (mod 2¹²⁸) of its record hashes and their count.
//!
//! Order independence: addition mod 2¹²⁸ is commutative and associative, so any order of records,
//! and any split of them across threads whose partial digests are added together afterwards, gives
//! the same digest. The count is an ordinary sum for the same reason.
//!
//! Detection: a record hash binds `_id`, `_routing` and content (see `record`). A missing, extra or
//! changed record changes its bucket's count or adds a term that another record hash would have to
//! cancel exactly; two ids that swapped contents replace `h(a,X) + h(b,Y)` by `h(a,Y) + h(b,X)`,
//! equal only by a 128-bit collision (probability about 2⁻¹²⁸ per bucket). A sum, not a xor: with a
//! xor, a record present twice would vanish.

/// The digests of one side of one index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Digests {
    log2: u8,
    sums: Vec<u128>,
    counts: Vec<u64>,
}

impl Digests {
    /// Zeroed digests for `2^log2` buckets.
    pub fn new(log2: u8) -> Digests {
        let n = 1usize << log2;
        Digests {
            log2,
            sums: vec![0; n],
            counts: vec![0; n],
        }
    }

    /// Adds one record hash to its bucket.
    pub fn add(&mut self, bucket: u32, record: u128) {
        let b = bucket as usize;
        self.sums[b] = self.sums[b].wrapping_add(record);
        self.counts[b] += 1;
    }

    /// Adds another set of digests (of the same shape) into this one.
    pub fn merge(&mut self, other: &Digests) {
        debug_assert_eq!(self.log2, other.log2);
        for (a, b) in self.sums.iter_mut().zip(&other.sums) {
            *a = a.wrapping_add(*b);
        }
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += *b;
        }
    }

    /// Records added.
    pub fn total(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// Buckets whose digests differ, in increasing order.
    pub fn differing(&self, other: &Digests) -> Vec<u32> {
        (0..self.sums.len())
            .filter(|&b| self.sums[b] != other.sums[b] || self.counts[b] != other.counts[b])
            .map(|b| b as u32)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_order_and_any_split_give_one_digest() {
        let records: Vec<(u32, u128)> = (0..1000u128)
            .map(|i| {
                (
                    (i % 16) as u32,
                    i.wrapping_mul(0x9e37_79b9_7f4a_7c15_f39c_c060_5ced_c835),
                )
            })
            .collect();
        let mut forward = Digests::new(4);
        records.iter().for_each(|&(b, h)| forward.add(b, h));
        let mut backward = Digests::new(4);
        records.iter().rev().for_each(|&(b, h)| backward.add(b, h));
        let (mut left, mut right) = (Digests::new(4), Digests::new(4));
        for (i, &(b, h)) in records.iter().enumerate() {
            if i % 3 == 0 { &mut left } else { &mut right }.add(b, h);
        }
        right.merge(&left);
        assert_eq!(forward, backward);
        assert_eq!(forward, right);
        assert_eq!(forward.total(), 1000);
        assert!(forward.differing(&right).is_empty());
    }

    #[test]
    fn repeated_records_do_not_cancel_as_they_would_with_a_xor() {
        // {x, y, y} against {x, z, z}: same counts, and a xor of the hashes would be x on both.
        let (mut left, mut right) = (Digests::new(0), Digests::new(0));
        for h in [3, 5, 5] {
            left.add(0, h);
        }
        for h in [3, 9, 9] {
            right.add(0, h);
        }
        assert_eq!(3 ^ 5 ^ 5, 3 ^ 9 ^ 9);
        assert_eq!(left.differing(&right), vec![0]);
    }
}
