//! The LZ4 compressor of Lucene's stored fields (`org.apache.lucene.util.compress.LZ4` with its
//! `FastCompressionHashTable`), reproduced decision for decision so that a chunk compresses to the
//! bytes Lucene writes, and the two stored-fields modes built on it.
//!
//! The match finder keeps one hash table for the life of a compressor (a segment's stored-fields
//! writer) and never clears it: a stale entry is used when it still points before the current
//! position and the four bytes there match. Which bytes a position hashes, and how the table is
//! sized and reallocated, differ between Lucene 8 (big-endian ints, a `PackedInts` table sized by
//! the input length) and Lucene 9 (native little-endian ints, 16- or 32-bit tables), so both are
//! here ([`Lz4Flavor`]).
//!
//! * plain mode (`Lucene50StoredFields…` of Lucene 6–7): one LZ4 block per chunk (or slice);
//! * preset-dictionary mode (`Lucene87…` and `Lucene90StoredFieldsFastData`): a dictionary of
//!   `len / (10 × factor)` bytes compressed alone, then ten blocks each compressed with the
//!   dictionary as history, prefixed by their compressed lengths.

use super::output::Output;

const MEMORY_USAGE: u32 = 14;
const MIN_MATCH: usize = 4;
const MAX_DISTANCE: usize = 1 << 16;
const LAST_LITERALS: usize = 5;

/// Which Lucene's match finder to reproduce.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Lz4Flavor {
    /// Lucene 8 (also used for the Lucene 6/7 formats, whose own encoder is not reproduced: its
    /// output decodes the same).
    Lucene8,
    /// Lucene 9.
    Lucene9,
}

/// An LZ4 compressor with Lucene's persistent hash table.
pub(crate) struct Lz4 {
    flavor: Lz4Flavor,
    table: Vec<u32>,
    /// Bits per value of the allocated table (0 before the first allocation).
    table_bits: u32,
    hash_log: u32,
    scratch: Vec<u8>,
    blocks: Vec<u8>,
}

impl Lz4 {
    pub(crate) fn new(flavor: Lz4Flavor) -> Self {
        Self {
            flavor,
            table: Vec::new(),
            table_bits: 0,
            hash_log: 0,
            scratch: Vec::new(),
            blocks: Vec::new(),
        }
    }

    /// One LZ4 block of `data` (plain mode).
    pub(crate) fn compress_plain(&mut self, data: &[u8], out: &mut Output) {
        let mut block = std::mem::take(&mut self.blocks);
        block.clear();
        self.compress(data, 0, &mut block);
        out.bytes(&block);
        self.blocks = block;
    }

    /// `data` in preset-dictionary mode; `dict_factor` is 16 (Lucene 8.7) or 2 (Lucene 9, whose
    /// dictionary is also capped at 64 kB).
    pub(crate) fn compress_with_preset_dictionary(
        &mut self,
        data: &[u8],
        dict_factor: usize,
        out: &mut Output,
    ) {
        let len = data.len();
        let mut dict_len = len / (10 * dict_factor);
        if self.flavor == Lz4Flavor::Lucene9 {
            dict_len = dict_len.min(MAX_DISTANCE);
        }
        let block_len = (len - dict_len).div_ceil(10);
        out.vint(dict_len as u32);
        out.vint(block_len as u32);
        let mut blocks = std::mem::take(&mut self.blocks);
        let mut buffer = std::mem::take(&mut self.scratch);
        blocks.clear();
        buffer.clear();
        buffer.extend_from_slice(&data[..dict_len]);
        self.compress(&buffer, 0, &mut blocks);
        out.vint(blocks.len() as u32);
        let mut start = dict_len;
        while start < len {
            let end = (start + block_len).min(len);
            buffer.truncate(dict_len);
            buffer.extend_from_slice(&data[start..end]);
            let before = blocks.len();
            self.compress(&buffer, dict_len, &mut blocks);
            out.vint((blocks.len() - before) as u32);
            start = end;
        }
        out.bytes(&blocks);
        self.blocks = blocks;
        self.scratch = buffer;
    }

    fn read_int(&self, buf: &[u8], i: usize) -> u32 {
        let b = [buf[i], buf[i + 1], buf[i + 2], buf[i + 3]];
        match self.flavor {
            Lz4Flavor::Lucene8 => u32::from_be_bytes(b),
            Lz4Flavor::Lucene9 => u32::from_le_bytes(b),
        }
    }

    fn hash(&self, v: u32) -> usize {
        (v.wrapping_mul(2_654_435_761) >> (32 - self.hash_log)) as usize
    }

    /// `FastCompressionHashTable.reset`: sizes (and maybe reallocates) the table for `len` bytes.
    fn reset(&mut self, len: usize) {
        let bits_per_offset = match self.flavor {
            Lz4Flavor::Lucene8 => bits_required((len - LAST_LITERALS) as u64),
            Lz4Flavor::Lucene9 if len - LAST_LITERALS < 1 << 16 => 16,
            Lz4Flavor::Lucene9 => 32,
        };
        let log = 32 - (bits_per_offset - 1).leading_zeros();
        self.hash_log = MEMORY_USAGE + 3 - log;
        let size = 1usize << self.hash_log;
        if self.table_bits == 0 || self.table.len() < size || self.table_bits < bits_per_offset {
            self.table = vec![0; size];
            self.table_bits = match self.flavor {
                Lz4Flavor::Lucene8 => packed_default_bits(bits_per_offset),
                Lz4Flavor::Lucene9 => bits_per_offset,
            };
        }
    }

    /// `LZ4.compressWithDictionary`: compresses `buf[dict_len..]` with `buf[..dict_len]` as history.
    fn compress(&mut self, buf: &[u8], dict_len: usize, out: &mut Vec<u8>) {
        let end = buf.len();
        let len = end - dict_len;
        let mut off = dict_len;
        let mut anchor = off;
        if len > LAST_LITERALS + MIN_MATCH {
            let limit = end - LAST_LITERALS;
            let match_limit = limit - MIN_MATCH;
            self.reset(end);
            for i in 0..dict_len {
                let h = self.hash(self.read_int(buf, i));
                self.table[h] = i as u32;
            }
            'main: while off <= limit {
                let reference = loop {
                    if off >= match_limit {
                        break 'main;
                    }
                    let v = self.read_int(buf, off);
                    let h = self.hash(v);
                    let candidate = self.table[h] as usize;
                    self.table[h] = off as u32;
                    if candidate < off
                        && off - candidate < MAX_DISTANCE
                        && self.read_int(buf, candidate) == v
                    {
                        break candidate;
                    }
                    off += 1;
                };
                let match_len =
                    MIN_MATCH + common_bytes(buf, reference + MIN_MATCH, off + MIN_MATCH, limit);
                encode_sequence(buf, anchor, reference, off, match_len, out);
                off += match_len;
                anchor = off;
            }
        }
        let literals = end - anchor;
        encode_literals(buf, (literals.min(0x0f) << 4) as u8, anchor, literals, out);
    }
}

/// How many bytes `b[o2..limit]` shares with `b[o1..]` from the start (`o1 < o2`).
fn common_bytes(b: &[u8], o1: usize, o2: usize, limit: usize) -> usize {
    let n = limit - o2;
    let mut i = 0;
    while i + 8 <= n {
        let x = u64::from_le_bytes(b[o1 + i..o1 + i + 8].try_into().unwrap_or_default());
        let y = u64::from_le_bytes(b[o2 + i..o2 + i + 8].try_into().unwrap_or_default());
        if x != y {
            return i + ((x ^ y).trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < n && b[o1 + i] == b[o2 + i] {
        i += 1;
    }
    i
}

fn encode_len(mut l: usize, out: &mut Vec<u8>) {
    while l >= 0xff {
        out.push(0xff);
        l -= 0xff;
    }
    out.push(l as u8);
}

fn encode_literals(b: &[u8], token: u8, anchor: usize, literals: usize, out: &mut Vec<u8>) {
    out.push(token);
    if literals >= 0x0f {
        encode_len(literals - 0x0f, out);
    }
    out.extend_from_slice(&b[anchor..anchor + literals]);
}

fn encode_sequence(
    b: &[u8],
    anchor: usize,
    reference: usize,
    off: usize,
    match_len: usize,
    out: &mut Vec<u8>,
) {
    let literals = off - anchor;
    let token = (literals.min(0x0f) << 4) | (match_len - MIN_MATCH).min(0x0f);
    encode_literals(b, token as u8, anchor, literals, out);
    let distance = off - reference;
    out.push(distance as u8);
    out.push((distance >> 8) as u8);
    if match_len >= MIN_MATCH + 0x0f {
        encode_len(match_len - 0x0f - MIN_MATCH, out);
    }
}

/// `PackedInts.bitsRequired`: at least 1.
pub(crate) fn bits_required(max: u64) -> u32 {
    (64 - max.leading_zeros()).max(1)
}

/// The bits per value `PackedInts.getMutable(…, bits, PackedInts.DEFAULT)` really allocates
/// (`fastestFormatAndBits` with an acceptable overhead of 25 %).
fn packed_default_bits(bits: u32) -> u32 {
    let acceptable = 0.25f32 * bits as f32;
    let max = bits + acceptable as u32;
    for width in [8, 16, 32, 64] {
        if bits <= width && max >= width {
            return width;
        }
    }
    for width in [24, 48] {
        if bits <= width && max >= width {
            return width;
        }
    }
    const SINGLE_BLOCK: [u32; 14] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 16, 21, 32];
    for bpv in bits..=max {
        if SINGLE_BLOCK.contains(&bpv) {
            let overhead = (64 % bpv) as f32 / (64 / bpv) as f32;
            if overhead <= acceptable + bits as f32 - bpv as f32 {
                return bpv;
            }
        }
    }
    bits
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::Endian;

    fn decode(block: &[u8], len: usize, dict: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        let used = crate::lz4::decompress(block, len, &mut out, dict).unwrap();
        assert_eq!(used, block.len());
        out
    }

    #[test]
    fn short_inputs_are_literals_only() {
        let mut lz4 = Lz4::new(Lz4Flavor::Lucene8);
        let mut out = Vec::new();
        lz4.compress(b"abcdefgh", 0, &mut out);
        assert_eq!(out, b"\x80abcdefgh");
    }

    #[test]
    fn repetitive_input_compresses_and_decodes_in_both_flavors() {
        let data: Vec<u8> = b"{\"title\":\"movie\",\"year\":1999}"
            .iter()
            .copied()
            .cycle()
            .take(5000)
            .collect();
        for flavor in [Lz4Flavor::Lucene8, Lz4Flavor::Lucene9] {
            let mut lz4 = Lz4::new(flavor);
            let mut out = Vec::new();
            lz4.compress(&data, 0, &mut out);
            assert!(out.len() < 200, "{flavor:?}: {}", out.len());
            assert_eq!(decode(&out, data.len(), &[]), data);
        }
    }

    #[test]
    fn blocks_reach_back_into_their_preset_dictionary() {
        let mut buf = b"the dictionary holds this phrase; ".to_vec();
        let dict_len = buf.len();
        buf.extend_from_slice(b"and the block repeats: the dictionary holds this phrase.");
        let mut lz4 = Lz4::new(Lz4Flavor::Lucene9);
        let mut out = Vec::new();
        lz4.compress(&buf, dict_len, &mut out);
        assert!(out.len() < buf.len() - dict_len);
        assert_eq!(
            decode(&out, buf.len() - dict_len, &buf[..dict_len]),
            &buf[dict_len..]
        );
    }

    #[test]
    fn the_preset_dictionary_mode_writes_lengths_then_blocks() {
        let data: Vec<u8> = (0..3000u32).map(|i| (i * 7 % 251) as u8).collect();
        let mut lz4 = Lz4::new(Lz4Flavor::Lucene8);
        let mut out = Output::new(Endian::Big);
        lz4.compress_with_preset_dictionary(&data, 16, &mut out);
        let bytes = out.finish();
        // dictionary: 3000 / 160 = 18 bytes; blocks of (3000 - 18 + 9) / 10 = 299
        assert_eq!(&bytes[..3], &[18, 0xab, 0x02]);
    }

    #[test]
    fn packed_tables_round_bits_like_lucene() {
        assert_eq!(packed_default_bits(13), 16);
        assert_eq!(packed_default_bits(17), 17);
        assert_eq!(packed_default_bits(11), 12);
        assert_eq!(packed_default_bits(7), 8);
        assert_eq!(packed_default_bits(20), 24);
        assert_eq!(bits_required(0), 1);
        assert_eq!(bits_required(300), 9);
    }
}
