//! A segment's stored fields (`.fdt`, `.fdx`, and `.fdm` from Lucene 8.5 on), written the way
//! Lucene's `CompressingStoredFieldsWriter` (6–8) and `Lucene90CompressingStoredFieldsWriter` (9)
//! write them: documents buffered into chunks of `chunk_size` bytes or `max_docs_per_chunk`
//! documents, each chunk a header (first doc, doc count, sliced and — in 9 — dirty bits, the
//! stored-field counts and lengths of its documents) and the compressed documents.
//!
//! Counts and lengths: one vint for a single document; otherwise PACKED ints (Lucene 6–8, a zero
//! bit count for all-equal values) or `StoredFieldsInts` (Lucene 9: 8/16/32-bit values, 128 at a
//! time interleaved in little-endian longs). A chunk of at least twice `chunk_size` bytes is
//! compressed in `chunk_size` slices. The last, incomplete chunk is "dirty"; the counters of
//! dirty chunks each version keeps are written where it keeps them.

use super::format::{ChunkCompression, LuceneFormat, StoredIndex, StoredSpec};
use super::lz4::{Lz4, Lz4Flavor, bits_required};
use super::output::{Output, push_vlong};
use super::packed::write_packed;
use super::stored_index::{write_fields_index, write_legacy_index};
use crate::codec::ID_LEN;

/// A stored value.
#[derive(Debug, Clone, Copy)]
pub(crate) enum StoredValue<'a> {
    String(&'a str),
    Binary(&'a [u8]),
}

/// The files of a segment's stored fields, by extension.
pub(crate) struct StoredFiles {
    pub(crate) fdt: Vec<u8>,
    pub(crate) fdx: Vec<u8>,
    pub(crate) fdm: Option<Vec<u8>>,
}

pub(crate) struct StoredFieldsWriter {
    format: LuceneFormat,
    spec: StoredSpec,
    id: [u8; ID_LEN],
    lz4: Lz4,
    fdt: Output,
    buffered: Vec<u8>,
    num_fields: Vec<u64>,
    ends: Vec<usize>,
    doc_base: u32,
    chunk_docs: Vec<u32>,
    chunk_starts: Vec<u64>,
    num_dirty_chunks: u64,
    num_dirty_docs: u64,
}

impl StoredFieldsWriter {
    pub(crate) fn new(format: LuceneFormat, id: &[u8; ID_LEN]) -> Self {
        let spec = format.stored();
        let mut fdt = Output::new(format.endian());
        fdt.index_header(spec.data_codec, spec.version, id, "");
        if let StoredIndex::Legacy { .. } = spec.index {
            fdt.vint(spec.chunk_size as u32);
            fdt.vint(2); // PackedInts.VERSION_CURRENT
        }
        let flavor = if format.is_lucene9() {
            Lz4Flavor::Lucene9
        } else {
            Lz4Flavor::Lucene8
        };
        Self {
            format,
            spec,
            id: *id,
            lz4: Lz4::new(flavor),
            fdt,
            buffered: Vec::new(),
            num_fields: Vec::new(),
            ends: Vec::new(),
            doc_base: 0,
            chunk_docs: Vec::new(),
            chunk_starts: Vec::new(),
            num_dirty_chunks: 0,
            num_dirty_docs: 0,
        }
    }

    /// Buffers one document: its fields `(number, value)` in order.
    pub(crate) fn add_document(&mut self, fields: &[(u32, StoredValue<'_>)]) {
        for &(number, value) in fields {
            let (kind, bytes) = match value {
                StoredValue::String(s) => (0u64, s.as_bytes()),
                StoredValue::Binary(b) => (1u64, b),
            };
            push_vlong(&mut self.buffered, (u64::from(number) << 3) | kind);
            push_vlong(&mut self.buffered, bytes.len() as u64);
            self.buffered.extend_from_slice(bytes);
        }
        self.finish_document(fields.len() as u64);
    }

    /// Buffers one document already serialized (`num_fields` fields), as a merge copies it.
    #[cfg(test)]
    pub(crate) fn add_serialized(&mut self, bytes: &[u8], num_fields: u64) {
        self.buffered.extend_from_slice(bytes);
        self.finish_document(num_fields);
    }

    fn finish_document(&mut self, num_fields: u64) {
        self.num_fields.push(num_fields);
        self.ends.push(self.buffered.len());
        if self.buffered.len() >= self.spec.chunk_size
            || self.num_fields.len() >= self.spec.max_docs_per_chunk
        {
            self.flush(false);
        }
    }

    fn flush(&mut self, dirty: bool) {
        let docs = self.num_fields.len();
        self.chunk_docs.push(docs as u32);
        self.chunk_starts.push(self.fdt.len());
        let mut lengths = Vec::with_capacity(docs);
        let mut previous = 0;
        for &end in &self.ends {
            lengths.push((end - previous) as u64);
            previous = end;
        }
        let sliced = self.buffered.len() >= 2 * self.spec.chunk_size;
        let lucene9 = self.format.is_lucene9();
        self.fdt.vint(self.doc_base);
        let token = if lucene9 {
            (docs << 2) | (usize::from(dirty) << 1) | usize::from(sliced)
        } else {
            (docs << 1) | usize::from(sliced)
        };
        self.fdt.vint(token as u32);
        save_ints(&mut self.fdt, &self.num_fields, lucene9);
        save_ints(&mut self.fdt, &lengths, lucene9);
        let data = std::mem::take(&mut self.buffered);
        let slice = if sliced {
            self.spec.chunk_size
        } else {
            data.len()
        };
        for piece in data.chunks(slice.max(1)) {
            match self.spec.compression {
                ChunkCompression::Lz4 => self.lz4.compress_plain(piece, &mut self.fdt),
                ChunkCompression::Lz4PresetDictionary { factor } => self
                    .lz4
                    .compress_with_preset_dictionary(piece, factor, &mut self.fdt),
            }
        }
        self.buffered = data;
        self.buffered.clear();
        self.doc_base += docs as u32;
        self.num_fields.clear();
        self.ends.clear();
    }

    /// Flushes the last chunk and writes the index.
    pub(crate) fn finish(mut self) -> StoredFiles {
        let docs = self.num_fields.len();
        if docs > 0 {
            self.num_dirty_chunks += 1;
            self.num_dirty_docs += match self.format {
                // the documents a full chunk would have held, less those it holds
                LuceneFormat::Lucene87 => {
                    let expected = (self.spec.chunk_size as f64 / self.buffered.len() as f64
                        * docs as f64) as u64;
                    expected
                        .min(self.spec.max_docs_per_chunk as u64)
                        .saturating_sub(docs as u64)
                }
                _ => docs as u64,
            };
            self.flush(true);
        }
        let max_pointer = self.fdt.len();
        let num_chunks = self.chunk_docs.len() as u64;
        match self.spec.index {
            StoredIndex::Legacy { codec } => {
                let fdx = write_legacy_index(
                    codec,
                    self.spec.version,
                    &self.id,
                    &self.chunk_docs,
                    &self.chunk_starts,
                    max_pointer,
                );
                self.fdt.vlong(num_chunks);
                self.fdt.vlong(self.num_dirty_chunks);
                StoredFiles {
                    fdt: self.fdt.finish(),
                    fdx,
                    fdm: None,
                }
            }
            StoredIndex::Meta {
                meta_codec,
                index_codec,
                block_shift,
            } => {
                let mut meta = Output::new(self.format.endian());
                meta.index_header(meta_codec, self.spec.version, &self.id, "");
                meta.vint(self.spec.chunk_size as u32);
                if !self.format.is_lucene9() {
                    meta.vint(2); // PackedInts.VERSION_CURRENT
                }
                let fdx = write_fields_index(
                    &mut meta,
                    index_codec,
                    &self.id,
                    block_shift,
                    &self.chunk_docs,
                    &self.chunk_starts,
                    max_pointer,
                );
                if self.format.is_lucene9() {
                    meta.vlong(num_chunks);
                }
                meta.vlong(self.num_dirty_chunks);
                meta.vlong(self.num_dirty_docs);
                StoredFiles {
                    fdt: self.fdt.finish(),
                    fdx,
                    fdm: Some(meta.finish()),
                }
            }
        }
    }
}

/// The per-document counts of a chunk header.
fn save_ints(out: &mut Output, values: &[u64], lucene9: bool) {
    if let [single] = values {
        out.vint(*single as u32);
        return;
    }
    let all_equal = values.iter().all(|&v| v == values[0]);
    let max = values.iter().fold(0, |acc, &v| acc | v);
    if lucene9 {
        if all_equal {
            out.byte(0);
            out.vint(values[0] as u32);
        } else {
            let bits = match max {
                0..=0xff => 8,
                0x100..=0xffff => 16,
                _ => 32,
            };
            out.byte(bits as u8);
            write_interleaved(out, values, bits);
        }
    } else if all_equal {
        out.vint(0);
        out.vint(values[0] as u32);
    } else {
        let bits = bits_required(max);
        out.vint(bits);
        write_packed(out, values, bits);
    }
}

/// Lucene 9's `StoredFieldsInts`: blocks of 128 values, `64 / bits` to a long (value `j + k ×
/// longs` of the block in bits `64 - (k + 1) × bits` of long `j`), then the rest one by one.
fn write_interleaved(out: &mut Output, values: &[u64], bits: u32) {
    let per_long = (64 / bits) as usize;
    let longs = 128 / per_long;
    let mut blocks = values.chunks_exact(128);
    for block in blocks.by_ref() {
        for j in 0..longs {
            let mut l = 0u64;
            for k in 0..per_long {
                l |= block[j + k * longs] << (64 - (k as u32 + 1) * bits);
            }
            out.long(l as i64);
        }
    }
    for &v in blocks.remainder() {
        match bits {
            8 => out.byte(v as u8),
            16 => out.short(v as u16 as i16),
            _ => out.int(v as u32 as i32),
        }
    }
}
