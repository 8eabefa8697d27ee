//! Where each stored-fields chunk starts: the stored-fields index.
//!
//! * Legacy (`.fdt` version 1, Lucene 6.x–8.4): the `.fdx` holds blocks of chunks, each block a
//!   vint chunk count, the first doc base, the average chunk doc count, PACKED zig-zag deltas of
//!   the doc bases, the first start pointer, the average chunk size and PACKED zig-zag deltas of
//!   the start pointers; a zero chunk count ends the blocks, then the end of the chunks (vlong).
//! * `FieldsIndex` (version 2+ of Lucene 8.5+, and Lucene 9): the `.fdm` holds the document count,
//!   block shift, chunk count, and `DirectMonotonicReader` metadata of the chunks' first doc and
//!   start pointer, whose data sit in the `.fdx`; then the end of the chunks.

use crate::codec::{Expect, ID_LEN};
use crate::error::Result;
use crate::file::LuceneFile;
use crate::input::{Endian, Input};
use crate::packed::{MonotonicMeta, read_packed};

/// The first document and start pointer of each chunk, and where the chunks end.
#[derive(Debug, Clone, Default)]
pub(crate) struct ChunkIndex {
    pub(crate) doc_bases: Vec<u32>,
    pub(crate) starts: Vec<u64>,
    pub(crate) end: u64,
}

fn zigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

/// Parses a legacy `.fdx` after its header (`input` positioned there).
pub(crate) fn read_legacy(input: &mut Input<'_>, max_doc: u32) -> Result<ChunkIndex> {
    let packed_version = input.vint()?;
    if packed_version < 1 {
        return Err(input.corrupt(format!("unsupported packed-ints version {packed_version}")));
    }
    let mut index = ChunkIndex::default();
    let mut deltas = Vec::new();
    loop {
        let chunks = input.vlen("chunk count")?;
        if chunks == 0 {
            break;
        }
        // every chunk holds at least one document
        if index.doc_bases.len() + chunks > max_doc as usize {
            return Err(input.corrupt(format!(
                "more chunks than the segment's {max_doc} documents"
            )));
        }
        let doc_base = i64::from(input.vint()?);
        let avg_docs = i64::from(input.vint()?);
        let bits = input.vlen("bits per doc base")?;
        if bits > 32 {
            return Err(input.corrupt(format!("invalid bits per doc base {bits}")));
        }
        read_packed(input, chunks, bits as u32, &mut deltas)?;
        for (i, &d) in deltas.iter().enumerate() {
            let base = doc_base + avg_docs * i as i64 + zigzag(d);
            let base = u32::try_from(base)
                .map_err(|_| input.corrupt(format!("invalid chunk doc base {base}")))?;
            index.doc_bases.push(base);
        }
        let start = input.vlong()?;
        let avg_size = input.vlong()?;
        let bits = input.vlen("bits per start pointer")?;
        if bits > 64 {
            return Err(input.corrupt(format!("invalid bits per start pointer {bits}")));
        }
        read_packed(input, chunks, bits as u32, &mut deltas)?;
        for (i, &d) in deltas.iter().enumerate() {
            let pointer = start
                .wrapping_add(avg_size.wrapping_mul(i as i64))
                .wrapping_add(zigzag(d));
            let pointer = u64::try_from(pointer)
                .map_err(|_| input.corrupt(format!("invalid chunk start {pointer}")))?;
            index.starts.push(pointer);
        }
    }
    index.end = input.vlong()? as u64;
    check(&index, max_doc, input)?;
    Ok(index)
}

/// Parses the `FieldsIndex` metadata from the `.fdm` (`meta` positioned there), reading the
/// monotonic data from `fdx`.
pub(crate) fn read_fields_index(
    meta: &mut Input<'_>,
    fdx: &LuceneFile,
    codec: &str,
    id: &[u8; ID_LEN],
    max_doc: u32,
    endian: Endian,
) -> Result<ChunkIndex> {
    let docs = meta.i32()?;
    let shift = meta.i32()?;
    let chunks = meta.i32()?;
    // `chunks` counts the chunks plus an end entry (max doc, end of the chunks)
    if i64::from(docs) != i64::from(max_doc)
        || chunks < 1
        || i64::from(chunks) > i64::from(max_doc) + 1
    {
        return Err(meta.corrupt(format!(
            "stored-fields index of {docs} documents in {chunks} chunks, but the segment has {max_doc} documents"
        )));
    }
    let chunks = chunks as u64;
    let docs_start = meta.i64()?;
    let docs_meta = MonotonicMeta::read(meta, chunks, shift)?;
    let docs_end = meta.i64()?;
    let starts_meta = MonotonicMeta::read(meta, chunks, shift)?;
    let starts_end = meta.i64()?;
    let end = meta.i64()?;

    let checked = fdx.read_checked(&Expect {
        codecs: &[(codec, 0, 0)],
        id,
        suffix: "",
    })?;
    let bytes = checked.bytes();
    let base = checked.body_offset();
    let slice = |from: i64, to: i64| -> Result<&[u8]> {
        let range = usize::try_from(from).ok().zip(usize::try_from(to).ok());
        match range {
            Some((from, to)) if base <= from && from <= to && to <= bytes.len() - 16 => {
                Ok(&bytes[from..to])
            }
            _ => Err(meta.corrupt(format!(
                "stored-fields index data at {from}..{to} lies outside `{}`",
                fdx.name()
            ))),
        }
    };
    let docs_data = slice(docs_start, docs_end)?;
    let starts_data = slice(docs_end, starts_end)?;
    let mut index = ChunkIndex::default();
    for i in 0..chunks {
        let doc = docs_meta.get(docs_data, endian, i);
        let start = starts_meta.get(starts_data, endian, i);
        match (
            doc.and_then(|d| u32::try_from(d).ok()),
            start.and_then(|s| u64::try_from(s).ok()),
        ) {
            (Some(doc), Some(start)) => {
                index.doc_bases.push(doc);
                index.starts.push(start);
            }
            _ => return Err(meta.corrupt(format!("stored-fields index entry {i} is out of range"))),
        }
    }
    index.end =
        u64::try_from(end).map_err(|_| meta.corrupt(format!("invalid end of chunks {end}")))?;
    let (last_doc, last_start) = (index.doc_bases.pop(), index.starts.pop());
    if last_doc != Some(max_doc) || last_start != Some(index.end) {
        return Err(meta.corrupt(format!(
            "stored-fields index ends at doc {last_doc:?}, byte {last_start:?}; expected doc {max_doc}, byte {}",
            index.end
        )));
    }
    check(&index, max_doc, meta)?;
    Ok(index)
}

/// Chunks must start at doc 0, cover increasing docs and increasing offsets.
fn check(index: &ChunkIndex, max_doc: u32, input: &Input<'_>) -> Result<()> {
    if max_doc > 0 && index.doc_bases.first() != Some(&0) {
        return Err(input.corrupt("the first stored-fields chunk does not start at doc 0"));
    }
    let sorted_docs = index.doc_bases.windows(2).all(|w| w[0] < w[1]);
    let sorted_starts = index.starts.windows(2).all(|w| w[0] < w[1]);
    let last_ok = index.starts.last().is_none_or(|&s| s < index.end)
        && index.doc_bases.last().is_none_or(|&d| d < max_doc);
    if !sorted_docs || !sorted_starts || !last_ok {
        return Err(input.corrupt("stored-fields index is not increasing"));
    }
    Ok(())
}
