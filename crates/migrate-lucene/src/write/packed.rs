//! Lucene's packed-integer writers, the inverses of [`crate::packed`]:
//!
//! * `PackedInts` PACKED without header: `bits` per value, most significant bit first, padded to
//!   a byte;
//! * `DirectWriter`: the same bit stream plus 3 zero bytes in Lucene 8; in Lucene 9 a
//!   little-endian stream (least significant bit first) padded so any value reads with one load;
//! * `DirectMonotonicWriter`: blocks of `2^shift` values stored as `min + avg × i + delta`, the
//!   block metadata (min, average as float bits, data offset, bits) in a metadata file and the
//!   deltas through a `DirectWriter` in the data file.

use super::lz4::bits_required;
use super::output::Output;
use crate::input::Endian;

/// Appends `values` as PACKED `bits`-bit integers, most significant bit first.
pub(crate) fn write_packed(out: &mut Output, values: &[u64], bits: u32) {
    let mut acc: u128 = 0;
    let mut held = 0u32;
    for &v in values {
        acc = (acc << bits) | u128::from(v & mask(bits));
        held += bits;
        while held >= 8 {
            held -= 8;
            out.byte((acc >> held) as u8);
        }
        acc &= (1u128 << held) - 1;
    }
    if held > 0 {
        out.byte((acc << (8 - held)) as u8);
    }
}

fn mask(bits: u32) -> u64 {
    if bits >= 64 {
        u64::MAX
    } else {
        (1u64 << bits) - 1
    }
}

/// The bits per value `DirectWriter` uses for values up to `max`.
fn direct_bits(max: u64) -> u32 {
    const SUPPORTED: [u32; 14] = [1, 2, 4, 8, 12, 16, 20, 24, 28, 32, 40, 48, 56, 64];
    let bits = bits_required(max);
    SUPPORTED.into_iter().find(|&b| b >= bits).unwrap_or(64)
}

/// `DirectWriter`: `values` at `bits` each, then the padding of the version.
fn write_direct(out: &mut Output, endian: Endian, values: &[u64], bits: u32) {
    match endian {
        Endian::Big => {
            write_packed(out, values, bits);
            for _ in 0..3 {
                out.byte(0);
            }
        }
        Endian::Little => {
            let mut acc: u128 = 0;
            let mut held = 0u32;
            for &v in values {
                acc |= u128::from(v & mask(bits)) << held;
                held += bits;
                while held >= 8 {
                    out.byte(acc as u8);
                    acc >>= 8;
                    held -= 8;
                }
            }
            if held > 0 {
                out.byte(acc as u8);
            }
            let padding_bits = match bits {
                b if b > 32 => 64 - b,
                b if b > 16 => 32 - b,
                b if b > 8 => 16 - b,
                _ => 0,
            };
            for _ in 0..padding_bits.div_ceil(8) {
                out.byte(0);
            }
        }
    }
}

/// `DirectMonotonicWriter` over non-decreasing `values`: metadata to `meta`, deltas to `data`.
pub(crate) fn write_monotonic(meta: &mut Output, data: &mut Output, values: &[i64], shift: u32) {
    let base = data.len();
    let endian = meta.endian();
    for block in values.chunks(1 << shift) {
        let n = block.len();
        let avg = ((block[n - 1] - block[0]) as f64 / (n.max(2) - 1) as f64) as f32;
        let mut deltas: Vec<i64> = block
            .iter()
            .enumerate()
            .map(|(i, &v)| v - (avg * i as f32) as i64)
            .collect();
        let min = deltas.iter().copied().min().unwrap_or(0);
        let mut max_delta = 0u64;
        for d in &mut deltas {
            *d -= min;
            max_delta |= *d as u64;
        }
        meta.long(min);
        meta.int(avg.to_bits() as i32);
        meta.long((data.len() - base) as i64);
        if max_delta == 0 {
            meta.byte(0);
        } else {
            let bits = direct_bits(max_delta);
            let values: Vec<u64> = deltas.iter().map(|&d| d as u64).collect();
            write_direct(data, endian, &values, bits);
            meta.byte(bits as u8);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::Input;
    use crate::packed::{MonotonicMeta, direct_get, read_packed};

    fn bytes_of(out: Output) -> Vec<u8> {
        let mut bytes = out.finish();
        bytes.truncate(bytes.len() - 16);
        bytes
    }

    #[test]
    fn packed_values_read_back() {
        let values = [0b10110, 0b00011, 0b11111, 7, 0];
        let mut out = Output::new(Endian::Big);
        write_packed(&mut out, &values, 5);
        let bytes = bytes_of(out);
        assert_eq!(bytes.len(), 4);
        let mut back = Vec::new();
        read_packed(&mut Input::new(&bytes, "t", Endian::Big), 5, 5, &mut back).unwrap();
        assert_eq!(back, values);
    }

    #[test]
    fn direct_values_read_back_in_both_bit_orders() {
        let values: Vec<u64> = (0..100).map(|i| (i * 37) % 4000).collect();
        for endian in [Endian::Big, Endian::Little] {
            let mut out = Output::new(endian);
            write_direct(&mut out, endian, &values, 12);
            let bytes = bytes_of(out);
            for (i, &v) in values.iter().enumerate() {
                assert_eq!(
                    direct_get(&bytes, endian, 12, i as u64),
                    v,
                    "{endian:?} {i}"
                );
            }
        }
    }

    #[test]
    fn monotonic_values_read_back() {
        let values: Vec<i64> = (0..3000).map(|i| i * 1000 + (i * i) % 77).collect();
        for endian in [Endian::Big, Endian::Little] {
            let mut meta = Output::new(endian);
            let mut data = Output::new(endian);
            write_monotonic(&mut meta, &mut data, &values, 10);
            let meta = bytes_of(meta);
            let data = bytes_of(data);
            let parsed =
                MonotonicMeta::read(&mut Input::new(&meta, "m", endian), values.len() as u64, 10)
                    .unwrap();
            for (i, &v) in values.iter().enumerate() {
                assert_eq!(
                    parsed.get(&data, endian, i as u64),
                    Some(v),
                    "{endian:?} {i}"
                );
            }
        }
    }
}
