//! Lucene's bit-packed integers.
//!
//! * `PackedInts` (format PACKED, byte-aligned since packed-ints version 1): `count` values of
//!   `bits` bits each, most significant bit first, `ceil(count * bits / 8)` bytes. Used by the
//!   stored-fields chunk headers and the legacy stored-fields index (Lucene 6–8).
//! * `DirectReader`: values of 1, 2, 4, 8, 12, …, 64 bits read at random. Lucene ≤ 8 lays them out
//!   like PACKED (most significant bit first); Lucene 9 least significant bit first, little-endian.
//! * `DirectMonotonicReader`: blocks of `2^shift` values, each `min + (long)(avg * i) + delta[i]`
//!   with the deltas in a `DirectReader`; the per-block metadata (min, avg as float bits, offset,
//!   bits) sits in a metadata file.

use crate::error::Result;
use crate::input::{Endian, Input};

/// Bytes taken by `count` PACKED values of `bits` bits.
pub(crate) fn packed_len(count: usize, bits: u32) -> Option<usize> {
    count.checked_mul(bits as usize).map(|b| b.div_ceil(8))
}

/// Reads `count` PACKED values of `bits` (1..=64) bits from `input`, most significant bit first.
pub(crate) fn read_packed(
    input: &mut Input<'_>,
    count: usize,
    bits: u32,
    out: &mut Vec<u64>,
) -> Result<()> {
    out.clear();
    if bits == 0 {
        out.resize(count, 0);
        return Ok(());
    }
    if bits > 64 {
        return Err(input.corrupt(format!("invalid bits per value {bits}")));
    }
    let Some(len) = packed_len(count, bits) else {
        return Err(input.corrupt(format!("{count} values of {bits} bits overflow")));
    };
    let bytes = input.bytes(len)?;
    out.reserve(count);
    for i in 0..count {
        out.push(get_be(bytes, i as u64 * u64::from(bits), bits));
    }
    Ok(())
}

/// The `bits`-bit value starting at bit `bit` of `bytes`, most significant bit first. Bytes past
/// the end read as zero.
fn get_be(bytes: &[u8], bit: u64, bits: u32) -> u64 {
    let start = (bit / 8) as usize;
    let shift = (bit % 8) as u32;
    let mut window: u128 = 0;
    for k in 0..9 {
        window = (window << 8) | u128::from(bytes.get(start + k).copied().unwrap_or(0));
    }
    // window holds 72 bits starting at byte `start`; the value starts `shift` bits in
    let value = window >> (72 - shift - bits);
    (value & ((1u128 << bits) - 1)) as u64
}

/// The `bits`-bit value starting at bit `bit` of `bytes`, least significant bit first.
fn get_le(bytes: &[u8], bit: u64, bits: u32) -> u64 {
    let start = (bit / 8) as usize;
    let shift = (bit % 8) as u32;
    let mut window: u128 = 0;
    for k in (0..9).rev() {
        window = (window << 8) | u128::from(bytes.get(start + k).copied().unwrap_or(0));
    }
    ((window >> shift) & ((1u128 << bits) - 1)) as u64
}

/// Values of a `DirectReader` over `bytes`.
pub(crate) fn direct_get(bytes: &[u8], endian: Endian, bits: u32, index: u64) -> u64 {
    if bits == 0 {
        return 0;
    }
    match endian {
        Endian::Big => get_be(bytes, index * u64::from(bits), bits),
        Endian::Little => get_le(bytes, index * u64::from(bits), bits),
    }
}

/// One block of a `DirectMonotonicReader`.
#[derive(Debug, Clone)]
struct MonotonicBlock {
    min: i64,
    avg: f32,
    offset: i64,
    bits: u8,
}

/// The metadata of a `DirectMonotonicReader` of `count` values.
#[derive(Debug, Clone)]
pub(crate) struct MonotonicMeta {
    shift: u32,
    count: u64,
    blocks: Vec<MonotonicBlock>,
}

impl MonotonicMeta {
    /// Reads the metadata of `count` values in blocks of `2^shift`.
    pub(crate) fn read(input: &mut Input<'_>, count: u64, shift: i32) -> Result<Self> {
        if !(2..=30).contains(&shift) {
            return Err(input.corrupt(format!("invalid monotonic block shift {shift}")));
        }
        let shift = shift as u32;
        let blocks = count.div_ceil(1u64 << shift);
        // each block takes 21 bytes of metadata
        if blocks > (input.remaining() / 21) as u64 {
            return Err(input.corrupt(format!("{blocks} monotonic blocks cannot fit in the file")));
        }
        let mut out = Vec::with_capacity(blocks as usize);
        for _ in 0..blocks {
            let min = input.i64()?;
            let avg = f32::from_bits(input.i32()? as u32);
            let offset = input.i64()?;
            let bits = input.u8()?;
            if bits > 64 {
                return Err(input.corrupt(format!("invalid bits per value {bits}")));
            }
            out.push(MonotonicBlock {
                min,
                avg,
                offset,
                bits,
            });
        }
        Ok(Self {
            shift,
            count,
            blocks: out,
        })
    }

    /// Value `index` (< count); `data` is the data slice the block offsets are relative to.
    pub(crate) fn get(&self, data: &[u8], endian: Endian, index: u64) -> Option<i64> {
        if index >= self.count {
            return None;
        }
        let block = self.blocks.get((index >> self.shift) as usize)?;
        let in_block = index & ((1u64 << self.shift) - 1);
        let delta = if block.bits == 0 {
            0
        } else {
            let start = usize::try_from(block.offset).ok()?;
            direct_get(data.get(start..)?, endian, u32::from(block.bits), in_block)
        };
        // Java: min + (long) (avg * index) + delta, the product in float precision
        let expected = (block.avg * in_block as f32) as i64;
        Some(block.min.wrapping_add(expected).wrapping_add(delta as i64))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_values_are_read_most_significant_bit_first() {
        // 3 values of 5 bits: 10110 00011 11111 -> 1011 0000 1111 1111 (2 bytes, 1 bit pad)
        let bytes = [0b1011_0000, 0b1111_1110];
        let mut input = Input::new(&bytes, "t", Endian::Big);
        let mut out = Vec::new();
        read_packed(&mut input, 3, 5, &mut out).unwrap();
        assert_eq!(out, vec![0b10110, 0b00011, 0b11111]);
        assert_eq!(input.remaining(), 0);
    }

    #[test]
    fn packed_zero_bits_take_no_bytes_and_64_bits_take_eight() {
        let mut out = Vec::new();
        read_packed(&mut Input::new(&[], "t", Endian::Big), 4, 0, &mut out).unwrap();
        assert_eq!(out, vec![0; 4]);
        let bytes = u64::MAX.to_be_bytes();
        read_packed(&mut Input::new(&bytes, "t", Endian::Big), 1, 64, &mut out).unwrap();
        assert_eq!(out, vec![u64::MAX]);
    }

    #[test]
    fn packed_values_past_the_input_are_an_error() {
        let mut out = Vec::new();
        let err =
            read_packed(&mut Input::new(&[0xff], "t", Endian::Big), 3, 5, &mut out).unwrap_err();
        assert!(err.to_string().contains("truncated"), "{err}");
    }

    #[test]
    fn direct_readers_follow_the_bit_order_of_their_version() {
        // 12-bit values 0xabc, 0x123
        let be = [0xab, 0xc1, 0x23];
        assert_eq!(direct_get(&be, Endian::Big, 12, 0), 0xabc);
        assert_eq!(direct_get(&be, Endian::Big, 12, 1), 0x123);
        let le = [0xbc, 0x3a, 0x12];
        assert_eq!(direct_get(&le, Endian::Little, 12, 0), 0xabc);
        assert_eq!(direct_get(&le, Endian::Little, 12, 1), 0x123);
        // 1-bit values
        assert_eq!(direct_get(&[0b1000_0000], Endian::Big, 1, 0), 1);
        assert_eq!(direct_get(&[0b0000_0001], Endian::Little, 1, 0), 1);
    }

    #[test]
    fn monotonic_values_add_min_average_and_delta() {
        // one block of 4 values: min 10, avg 2.5, deltas (8 bits) 0 1 0 3
        let mut meta = Vec::new();
        meta.extend_from_slice(&10i64.to_be_bytes());
        meta.extend_from_slice(&2.5f32.to_bits().to_be_bytes());
        meta.extend_from_slice(&0i64.to_be_bytes());
        meta.push(8);
        let meta = MonotonicMeta::read(&mut Input::new(&meta, "t", Endian::Big), 4, 16).unwrap();
        let data = [0u8, 1, 0, 3];
        let values: Vec<i64> = (0..4)
            .map(|i| meta.get(&data, Endian::Big, i).unwrap())
            .collect();
        assert_eq!(values, vec![10, 13, 15, 20]);
        assert_eq!(meta.get(&data, Endian::Big, 4), None);
    }
}
