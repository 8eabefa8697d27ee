//! The stored-fields index: where each chunk starts and which document it starts with.
//!
//! * Legacy `.fdx` (Lucene 6–7, `CompressingStoredFieldsIndexWriter`): blocks of up to 1024
//!   chunks, each the chunk count, the block's first doc, the average docs per chunk and the
//!   zig-zag deltas of the doc bases from that average (PACKED), then the first start pointer,
//!   the average chunk size and the zig-zag deltas of the start pointers; a zero chunk count ends
//!   the blocks, the end of the chunks follows.
//! * `FieldsIndexWriter` (Lucene 8.5+): the document count, block shift and chunk count + 1 in
//!   the `.fdm`, then two `DirectMonotonic` arrays — the first doc of each chunk with the
//!   document count appended, the start of each chunk with the end of the chunks appended — whose
//!   data go into the `.fdx` and metadata into the `.fdm`.

use super::lz4::bits_required;
use super::output::Output;
use super::packed::{write_monotonic, write_packed};
use crate::codec::ID_LEN;
use crate::input::Endian;

const LEGACY_BLOCK: usize = 1024;

fn zigzag(n: i64) -> u64 {
    ((n >> 63) ^ (n << 1)) as u64
}

/// The legacy `.fdx` of chunks holding `docs[i]` documents starting at `starts[i]`.
pub(crate) fn write_legacy_index(
    codec: &str,
    version: i32,
    id: &[u8; ID_LEN],
    docs: &[u32],
    starts: &[u64],
    max_pointer: u64,
) -> Vec<u8> {
    let mut out = Output::new(Endian::Big);
    out.index_header(codec, version, id, "");
    out.vint(2); // PackedInts.VERSION_CURRENT
    let mut total: i64 = 0;
    for (block_docs, block_starts) in docs.chunks(LEGACY_BLOCK).zip(starts.chunks(LEGACY_BLOCK)) {
        let chunks = block_docs.len() as i64;
        let sum: i64 = block_docs.iter().map(|&d| i64::from(d)).sum();
        out.vint(chunks as u32);
        let avg_docs = if chunks == 1 {
            0
        } else {
            let last = i64::from(block_docs[block_docs.len() - 1]);
            ((sum - last) as f32 / (chunks - 1) as f32).round() as i64
        };
        out.vint(total as u32);
        out.vint(avg_docs as u32);
        let mut deltas = Vec::with_capacity(block_docs.len());
        let mut base: i64 = 0;
        for (i, &d) in block_docs.iter().enumerate() {
            deltas.push(zigzag(base - avg_docs * i as i64));
            base += i64::from(d);
        }
        write_deltas(&mut out, &deltas);

        let first = block_starts[0] as i64;
        out.vlong(first as u64);
        let avg_size = if chunks == 1 {
            0
        } else {
            (block_starts[block_starts.len() - 1] as i64 - first) / (chunks - 1)
        };
        out.vlong(avg_size as u64);
        let deltas: Vec<u64> = block_starts
            .iter()
            .enumerate()
            .map(|(i, &s)| zigzag(s as i64 - first - avg_size * i as i64))
            .collect();
        write_deltas(&mut out, &deltas);
        total += sum;
    }
    out.vint(0);
    out.vlong(max_pointer);
    out.finish()
}

fn write_deltas(out: &mut Output, deltas: &[u64]) {
    let bits = bits_required(deltas.iter().fold(0, |acc, &d| acc | d));
    out.vint(bits);
    write_packed(out, deltas, bits);
}

/// The `.fdx` of a `FieldsIndexWriter`; its metadata goes to `meta`.
pub(crate) fn write_fields_index(
    meta: &mut Output,
    codec: &str,
    id: &[u8; ID_LEN],
    block_shift: u32,
    docs: &[u32],
    starts: &[u64],
    max_pointer: u64,
) -> Vec<u8> {
    let endian = meta.endian();
    let mut fdx = Output::new(endian);
    fdx.index_header(codec, 0, id, "");
    let num_docs: u32 = docs.iter().sum();
    meta.int(num_docs as i32);
    meta.int(block_shift as i32);
    meta.int(docs.len() as i32 + 1);
    meta.long(fdx.len() as i64);
    let mut bases = Vec::with_capacity(docs.len() + 1);
    let mut doc: i64 = 0;
    bases.push(0);
    for &d in docs {
        doc += i64::from(d);
        bases.push(doc);
    }
    write_monotonic(meta, &mut fdx, &bases, block_shift);
    meta.long(fdx.len() as i64);
    let mut pointers: Vec<i64> = starts.iter().map(|&s| s as i64).collect();
    pointers.push(max_pointer as i64);
    write_monotonic(meta, &mut fdx, &pointers, block_shift);
    meta.long(fdx.len() as i64);
    meta.long(max_pointer as i64);
    fdx.finish()
}
