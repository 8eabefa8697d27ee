//! The four compressions of Lucene's stored-fields chunks, chosen by the `.fdt` codec name.
//!
//! * LZ4 (`…FastData` of Lucene 6–8.6): one LZ4 block, length implied by the decoded size.
//! * DEFLATE (`…HighData` of Lucene 6–8.6): vint compressed length, raw DEFLATE.
//! * LZ4 with preset dictionary (`…FastData` of 8.7+ and 9): vint dictionary length, vint block
//!   length, the compressed lengths of the dictionary and of each block, then the LZ4-compressed
//!   dictionary and the blocks, each compressed with the dictionary as history.
//! * DEFLATE with preset dictionary (`…HighData` of 8.7+ and 9): vint dictionary length, vint
//!   block length, then the dictionary and each block as vint compressed length + raw DEFLATE,
//!   the blocks inflated with the dictionary preset.

use flate2::{Decompress, FlushDecompress, Status};

use crate::error::Result;
use crate::input::Input;
use crate::lz4;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Compression {
    Lz4,
    Deflate,
    Lz4Dict,
    DeflateDict,
}

/// Reusable buffers and inflater.
pub(crate) struct Scratch {
    block: Vec<u8>,
    lengths: Vec<usize>,
    inflater: Decompress,
}

impl Default for Scratch {
    fn default() -> Self {
        Self {
            block: Vec::new(),
            lengths: Vec::new(),
            inflater: Decompress::new(false),
        }
    }
}

impl Compression {
    /// Decompresses `len` bytes from `input`, appending them to `out`.
    pub(crate) fn decompress(
        self,
        input: &mut Input<'_>,
        len: usize,
        out: &mut Vec<u8>,
        scratch: &mut Scratch,
    ) -> Result<()> {
        if len == 0 {
            // Lucene reads nothing for an empty range either
            return Ok(());
        }
        match self {
            Compression::Lz4 => lz4_block(input, len, out, &[], None),
            Compression::Deflate => inflate_block(input, len, out, None, &mut scratch.inflater),
            Compression::Lz4Dict => lz4_dict(input, len, out, scratch),
            Compression::DeflateDict => deflate_dict(input, len, out, scratch),
        }
    }
}

/// Decodes one LZ4 block of `len` bytes; with `exact`, the block must use exactly that many input
/// bytes.
fn lz4_block(
    input: &mut Input<'_>,
    len: usize,
    out: &mut Vec<u8>,
    dict: &[u8],
    exact: Option<usize>,
) -> Result<()> {
    let start = input.pos();
    let rest = input.bytes(exact.unwrap_or(input.remaining()))?;
    input.seek(start)?;
    let used = lz4::decompress(rest, len, out, dict).map_err(|e| input.corrupt(e))?;
    if exact.is_some_and(|n| n != used) {
        return Err(input.corrupt(format!(
            "LZ4 block used {used} of its {} compressed bytes",
            exact.unwrap_or_default()
        )));
    }
    input.skip(used)
}

/// Reads a vint compressed length and inflates that many bytes of raw DEFLATE into exactly `len`
/// bytes appended to `out`.
fn inflate_block(
    input: &mut Input<'_>,
    len: usize,
    out: &mut Vec<u8>,
    dict: Option<&[u8]>,
    inflater: &mut Decompress,
) -> Result<()> {
    let compressed_len = input.vlen("compressed length")?;
    let compressed = input.bytes(compressed_len)?;
    if compressed_len == 0 {
        if len == 0 {
            return Ok(());
        }
        return Err(input.corrupt(format!("empty DEFLATE block for {len} bytes")));
    }
    inflater.reset(false);
    if let Some(dict) = dict.filter(|d| !d.is_empty()) {
        inflater
            .set_dictionary(dict)
            .map_err(|e| input.corrupt(format!("DEFLATE dictionary refused: {e}")))?;
    }
    let start = out.len();
    out.resize(start + len, 0);
    let status = inflater
        .decompress(compressed, &mut out[start..], FlushDecompress::Finish)
        .map_err(|e| input.corrupt(format!("invalid DEFLATE data: {e}")))?;
    let produced = inflater.total_out() as usize;
    if produced != len || status != Status::StreamEnd {
        out.truncate(start);
        return Err(input.corrupt(format!(
            "DEFLATE block inflates to {produced}{} bytes, expected {len}",
            if status == Status::StreamEnd { "" } else { "+" }
        )));
    }
    Ok(())
}

fn dict_header(input: &mut Input<'_>, len: usize) -> Result<(usize, usize)> {
    let dict_len = input.vlen("dictionary length")?;
    let block_len = input.vlen("block length")?;
    if dict_len > len || (dict_len < len && block_len == 0) {
        return Err(input.corrupt(format!(
            "dictionary of {dict_len} bytes and blocks of {block_len} cannot make {len} bytes"
        )));
    }
    Ok((dict_len, block_len))
}

fn lz4_dict(
    input: &mut Input<'_>,
    len: usize,
    out: &mut Vec<u8>,
    scratch: &mut Scratch,
) -> Result<()> {
    let (dict_len, block_len) = dict_header(input, len)?;
    let dict_compressed = input.vlen("compressed dictionary length")?;
    scratch.lengths.clear();
    let mut total = dict_len;
    while total < len {
        scratch.lengths.push(input.vlen("compressed block length")?);
        total += block_len;
    }
    scratch.block.clear();
    lz4_block(
        input,
        dict_len,
        &mut scratch.block,
        &[],
        Some(dict_compressed),
    )?;
    out.extend_from_slice(&scratch.block);
    let mut remaining = len - dict_len;
    for &compressed in &scratch.lengths {
        let n = remaining.min(block_len);
        lz4_block(input, n, out, &scratch.block, Some(compressed))?;
        remaining -= n;
    }
    Ok(())
}

fn deflate_dict(
    input: &mut Input<'_>,
    len: usize,
    out: &mut Vec<u8>,
    scratch: &mut Scratch,
) -> Result<()> {
    let (dict_len, block_len) = dict_header(input, len)?;
    let dict_start = out.len();
    inflate_block(input, dict_len, out, None, &mut scratch.inflater)?;
    scratch.block.clear();
    scratch.block.extend_from_slice(&out[dict_start..]);
    let mut remaining = len - dict_len;
    while remaining > 0 {
        let n = remaining.min(block_len);
        inflate_block(input, n, out, Some(&scratch.block), &mut scratch.inflater)?;
        remaining -= n;
    }
    Ok(())
}
