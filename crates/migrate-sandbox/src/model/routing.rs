//! Which shard a document lives on, as the servers compute it: Murmur3 (x86, 32-bit, seed 0) of
//! the routing value's UTF-16LE bytes (the `_id` when there is no routing), modulo the routing
//! shards, divided by the routing factor. A get with another routing value than the write's looks
//! on another shard and finds nothing.

use super::Index;
use crate::flavor::Product;

/// Murmur3 x86 32-bit.
fn murmur3_32(data: &[u8], seed: u32) -> u32 {
    const C1: u32 = 0xcc9e_2d51;
    const C2: u32 = 0x1b87_3593;
    let mut h = seed;
    let chunks = data.chunks_exact(4);
    let tail = chunks.remainder();
    for c in chunks {
        let mut k = u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
        k = k.wrapping_mul(C1).rotate_left(15).wrapping_mul(C2);
        h ^= k;
        h = h.rotate_left(13).wrapping_mul(5).wrapping_add(0xe654_6b64);
    }
    let mut k = 0u32;
    for (i, b) in tail.iter().enumerate() {
        k ^= u32::from(*b) << (8 * i);
    }
    if !tail.is_empty() {
        h ^= k.wrapping_mul(C1).rotate_left(15).wrapping_mul(C2);
    }
    h ^= data.len() as u32;
    h ^= h >> 16;
    h = h.wrapping_mul(0x85eb_ca6b);
    h ^= h >> 13;
    h = h.wrapping_mul(0xc2b2_ae35);
    h ^ (h >> 16)
}

/// `index.number_of_routing_shards`: as set, else (7.0+ and OpenSearch) the shard count doubled
/// up to 1024, else the shard count.
fn routing_shards(index: &Index, product: &Product) -> u32 {
    let shards = index.shards();
    if let Some(n) = index
        .settings
        .get("index.number_of_routing_shards")
        .and_then(|v| {
            v.as_str()
                .and_then(|s| s.parse().ok())
                .or(v.as_u64().map(|n| n as u32))
        })
    {
        return n;
    }
    if product.es_major() < 7 {
        return shards;
    }
    let log2_shards = 32 - (shards - 1).leading_zeros();
    let splits = 10u32.saturating_sub(log2_shards).max(1);
    shards << splits
}

/// The shard of a routing value (or `_id`).
pub fn shard_of(index: &Index, product: &Product, routing: &str) -> u32 {
    let bytes: Vec<u8> = routing.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let hash = murmur3_32(&bytes, 0) as i32;
    let routing_shards = routing_shards(index, product).max(1);
    let factor = (routing_shards / index.shards()).max(1);
    (hash.rem_euclid(routing_shards as i32) as u32) / factor
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn murmur3_matches_the_reference_vectors() {
        assert_eq!(murmur3_32(b"", 0), 0);
        assert_eq!(murmur3_32(b"hello", 0), 0x248b_fa47);
        assert_eq!(
            murmur3_32(b"The quick brown fox jumps over the lazy dog", 0),
            0x2e4f_f723
        );
    }
}
