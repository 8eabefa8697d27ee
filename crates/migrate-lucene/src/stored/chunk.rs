//! One stored-fields chunk: its header (first doc, doc count, sliced flag, stored-field counts
//! and lengths of its documents), its decompressed bytes, and the fields of each document.
//!
//! Lucene 6–8 pack the per-document counts and lengths as PACKED ints (or one vint when all are
//! equal); Lucene 9 uses `StoredFieldsInts` (8/16/32-bit values, 128 at a time interleaved in
//! little-endian longs, then the remainder one by one) and shifts the doc count by two bits.
//! A field is a vlong `number << 3 | type` followed by its value.

use super::compression::{Compression, Scratch};
use crate::error::Result;
use crate::input::{Endian, Input};
use crate::packed::read_packed;

/// A decompressed chunk.
#[derive(Default)]
pub(crate) struct Chunk {
    pub(crate) doc_base: u32,
    pub(crate) num_fields: Vec<u64>,
    /// `docs + 1` offsets into `data`.
    pub(crate) offsets: Vec<usize>,
    pub(crate) data: Vec<u8>,
}

impl Chunk {
    pub(crate) fn docs(&self) -> u32 {
        self.num_fields.len() as u32
    }
}

/// Largest decompression ratio accepted (DEFLATE peaks near 1032:1): a header claiming more is
/// corrupt, and the reader never allocates on its word.
const MAX_RATIO: usize = 2048;

pub(crate) struct ChunkDecoder {
    pub(crate) compression: Compression,
    pub(crate) chunk_size: usize,
    pub(crate) lucene9: bool,
    ints: Vec<u64>,
    scratch: Scratch,
}

impl ChunkDecoder {
    pub(crate) fn new(compression: Compression, chunk_size: usize, lucene9: bool) -> Self {
        Self {
            compression,
            chunk_size,
            lucene9,
            ints: Vec::new(),
            scratch: Scratch::default(),
        }
    }

    /// Decodes the chunk in `raw` (its bytes in the `.fdt`, named `name`), which the index says
    /// starts at `doc_base` and ends before `next_doc_base`.
    pub(crate) fn decode(
        &mut self,
        raw: &[u8],
        name: &str,
        doc_base: u32,
        next_doc_base: u32,
        chunk: &mut Chunk,
    ) -> Result<()> {
        let endian = if self.lucene9 {
            Endian::Little
        } else {
            Endian::Big
        };
        let mut input = Input::new(raw, name, endian);
        let base = input.vint()?;
        let token = input.vint()? as u32;
        let docs = if self.lucene9 { token >> 2 } else { token >> 1 };
        let sliced = token & 1 != 0;
        if base as i64 != i64::from(doc_base)
            || i64::from(doc_base) + i64::from(docs) != i64::from(next_doc_base)
        {
            return Err(input.corrupt(format!(
                "chunk holds docs {base}..{} but the stored-fields index says {doc_base}..{next_doc_base}",
                i64::from(base) + i64::from(docs)
            )));
        }
        let docs = docs as usize;
        chunk.doc_base = doc_base;
        chunk.num_fields.clear();
        chunk.offsets.clear();
        chunk.offsets.push(0);
        if docs == 1 {
            chunk.num_fields.push(input.vint()? as u32 as u64);
            chunk.offsets.push(input.vlen("document length")?);
        } else {
            self.read_ints(&mut input, docs)?;
            chunk.num_fields.extend_from_slice(&self.ints);
            self.read_ints(&mut input, docs)?;
            let mut end = 0usize;
            for &len in &self.ints {
                end = end
                    .checked_add(len as usize)
                    .filter(|&e| e <= u32::MAX as usize)
                    .ok_or_else(|| input.corrupt("chunk length overflows"))?;
                chunk.offsets.push(end);
            }
        }
        for i in 0..docs {
            let len = chunk.offsets[i + 1] - chunk.offsets[i];
            if (len == 0) != (chunk.num_fields[i] == 0) {
                return Err(input.corrupt(format!(
                    "doc {} has {} stored fields in {len} bytes",
                    doc_base as usize + i,
                    chunk.num_fields[i]
                )));
            }
        }
        let total = chunk.offsets[docs];
        if total > raw.len().saturating_mul(MAX_RATIO).max(1 << 16) {
            return Err(input.corrupt(format!(
                "chunk claims {total} bytes of documents from {} compressed bytes",
                raw.len()
            )));
        }
        chunk.data.clear();
        chunk.data.reserve(total);
        if sliced {
            if self.chunk_size == 0 {
                return Err(input.corrupt("sliced chunk with a chunk size of 0"));
            }
            let mut done = 0;
            while done < total {
                let n = (total - done).min(self.chunk_size);
                self.compression
                    .decompress(&mut input, n, &mut chunk.data, &mut self.scratch)?;
                done += n;
            }
        } else {
            self.compression
                .decompress(&mut input, total, &mut chunk.data, &mut self.scratch)?;
        }
        if chunk.data.len() != total {
            return Err(input.corrupt(format!(
                "chunk decompressed to {} bytes, its header says {total}",
                chunk.data.len()
            )));
        }
        Ok(())
    }

    /// Reads `count` per-document ints into `self.ints`.
    fn read_ints(&mut self, input: &mut Input<'_>, count: usize) -> Result<()> {
        self.ints.clear();
        if self.lucene9 {
            let bits = input.u8()?;
            return match bits {
                0 => {
                    let v = input.vint()? as u32 as u64;
                    self.ints.resize(count, v);
                    Ok(())
                }
                8 | 16 | 32 => read_interleaved(input, count, u32::from(bits), &mut self.ints),
                b => Err(input.corrupt(format!("invalid bits per value {b}"))),
            };
        }
        let bits = input.vint()?;
        match bits {
            0 => {
                let v = input.vint()? as u32 as u64;
                self.ints.resize(count, v);
                Ok(())
            }
            1..=32 => read_packed(input, count, bits as u32, &mut self.ints),
            b => Err(input.corrupt(format!("invalid bits per value {b}"))),
        }
    }
}

/// Lucene 9's `StoredFieldsInts`: blocks of 128 values packed `64 / bits` to a little-endian long
/// (value `j + k * longs` of the block in bits `64 - (k + 1) * bits` of long `j`), then the
/// remaining values as single little-endian 1/2/4-byte ints.
fn read_interleaved(
    input: &mut Input<'_>,
    count: usize,
    bits: u32,
    out: &mut Vec<u64>,
) -> Result<()> {
    let per_long = (64 / bits) as usize;
    let longs = 128 / per_long;
    let mask = if bits == 64 {
        u64::MAX
    } else {
        (1u64 << bits) - 1
    };
    let width = (bits / 8) as usize;
    if count.saturating_mul(width) > input.remaining() {
        return Err(input.corrupt(format!(
            "{count} values of {bits} bits cannot fit in the chunk"
        )));
    }
    out.resize(count, 0);
    let mut i = 0;
    while i + 128 <= count {
        for j in 0..longs {
            let l = input.i64()? as u64;
            for k in 0..per_long {
                let shift = 64 - (k as u32 + 1) * bits;
                out[i + j + k * longs] = (l >> shift) & mask;
            }
        }
        i += 128;
    }
    for slot in &mut out[i..] {
        *slot = match width {
            1 => u64::from(input.u8()?),
            2 => u64::from(input.i16()? as u16),
            _ => u64::from(input.i32()? as u32),
        };
    }
    Ok(())
}

/// A stored value the reader keeps.
#[derive(Clone, Copy)]
pub(crate) enum Value<'a> {
    Binary(&'a [u8]),
    String(&'a [u8]),
    Number,
}

/// Calls `f` with each field (number, value) of a serialized document.
pub(crate) fn visit_fields<'a>(
    bytes: &'a [u8],
    num_fields: u64,
    name: &'a str,
    mut f: impl FnMut(u32, Value<'a>) -> Result<()>,
) -> Result<()> {
    let mut input = Input::new(bytes, name, Endian::Big);
    for _ in 0..num_fields {
        let info = input.vlong()? as u64;
        let number =
            u32::try_from(info >> 3).map_err(|_| input.corrupt("field number out of range"))?;
        let value = match info & 7 {
            0 => {
                let len = input.vlen("string length")?;
                Value::String(input.bytes(len)?)
            }
            1 => {
                let len = input.vlen("binary length")?;
                Value::Binary(input.bytes(len)?)
            }
            2 => {
                input.vint()?;
                Value::Number
            }
            3 => {
                // zfloat: 0xff + int, small int in one byte, or 4 bytes
                let b = input.u8()?;
                input.skip(if b == 0xff {
                    4
                } else if b & 0x80 != 0 {
                    0
                } else {
                    3
                })?;
                Value::Number
            }
            4 => {
                // tlong: header byte, vlong continuation when bit 0x20 is set
                if input.u8()? & 0x20 != 0 {
                    input.vlong()?;
                }
                Value::Number
            }
            5 => {
                // zdouble: 0xff + long, 0xfe + float, small int in one byte, or 8 bytes
                let b = input.u8()?;
                input.skip(match b {
                    0xff => 8,
                    0xfe => 4,
                    b if b & 0x80 != 0 => 0,
                    _ => 7,
                })?;
                Value::Number
            }
            t => return Err(input.corrupt(format!("unknown stored field type {t}"))),
        };
        f(number, value)?;
    }
    if input.remaining() != 0 {
        return Err(input.corrupt(format!(
            "{} bytes left after the last stored field",
            input.remaining()
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interleaved_8_bit_ints_unpack_blocks_of_128_then_single_bytes() {
        let values: Vec<u64> = (0..130).map(|v| v % 251).collect();
        let mut bytes = Vec::new();
        for j in 0..16 {
            let mut l = 0u64;
            for k in 0..8 {
                l |= values[j + k * 16] << (56 - 8 * k);
            }
            bytes.extend_from_slice(&l.to_le_bytes());
        }
        bytes.push(values[128] as u8);
        bytes.push(values[129] as u8);
        let mut out = Vec::new();
        read_interleaved(
            &mut Input::new(&bytes, "t", Endian::Little),
            130,
            8,
            &mut out,
        )
        .unwrap();
        assert_eq!(out, values);
    }

    #[test]
    fn fields_of_every_type_are_walked_and_trailing_bytes_rejected() {
        // field 1 string "ab", field 2 binary [9], field 3 int, field 4 float (small), field 5 long, field 6 double
        let bytes = [
            0x08, 2, b'a', b'b', 0x11, 1, 9, 0x1a, 0x05, 0x23, 0x81, 0x2c, 0x01, 0x35, 0x82,
        ];
        let mut seen = Vec::new();
        visit_fields(&bytes, 6, "t", |n, v| {
            seen.push((
                n,
                match v {
                    Value::String(s) => format!("s{s:?}"),
                    Value::Binary(b) => format!("b{b:?}"),
                    Value::Number => "n".into(),
                },
            ));
            Ok(())
        })
        .unwrap();
        assert_eq!(seen.len(), 6);
        assert_eq!(seen[0], (1, "s[97, 98]".into()));
        assert_eq!(seen[1], (2, "b[9]".into()));
        let err = visit_fields(&bytes, 5, "t", |_, _| Ok(())).unwrap_err();
        assert!(
            err.to_string().contains("left after the last stored field"),
            "{err}"
        );
    }
}
