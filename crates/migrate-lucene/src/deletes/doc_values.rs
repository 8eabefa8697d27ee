//! The doc-values metadata (`.dvm`) of `Lucene70DocValuesFormat` (Lucene 7), `Lucene80…` (8) and
//! `Lucene90…` (9), parsed far enough to find which documents have a value for one numeric
//! field: its `docsWithField` (offset and length of an `IndexedDISI` in the `.dvd`, or -1 for
//! every document, -2 for none) and value count.
//!
//! The metadata is a list of entries (field number int, type byte, entry) ended by -1; the
//! entries of other fields are parsed only to be skipped, so every entry kind of each version is
//! known here.

use crate::error::Result;
use crate::field_infos::FieldInfos;
use crate::input::Input;
use crate::packed::MonotonicMeta;

/// Lucene 8.9+: the terms dictionary is LZ4-compressed in blocks of 2^6 terms.
const TERMS_DICT_BLOCK_LZ4_CODE: i32 = 6 << 16 | 1;

/// Which format wrote the metadata.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DvFormat {
    Lucene70,
    /// With its version: 1 compresses binary values, 2 makes that a per-field choice.
    Lucene80(i32),
    Lucene90,
}

/// Where a numeric field's documents-with-a-value live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct NumericDocs {
    /// -2: no document; -1: every document; else the offset of an `IndexedDISI` in the `.dvd`.
    pub(crate) offset: i64,
    pub(crate) length: i64,
    /// -1 when the `IndexedDISI` has no rank tables (Lucene 7, or Lucene 8+ without).
    pub(crate) dense_rank_power: i8,
    pub(crate) num_values: i64,
}

/// Finds the numeric entry of `field` in the metadata after its header.
pub(crate) fn find_numeric(
    input: &mut Input<'_>,
    format: DvFormat,
    infos: &FieldInfos,
    field: u32,
) -> Result<Option<NumericDocs>> {
    let mut found = None;
    loop {
        let number = input.i32()?;
        if number == -1 {
            return Ok(found);
        }
        let info = u32::try_from(number)
            .ok()
            .and_then(|n| infos.by_number(n))
            .ok_or_else(|| input.corrupt(format!("doc values of unknown field number {number}")))?;
        let kind = input.u8()?;
        match kind {
            0 => {
                let docs = numeric(input, format)?;
                if info.number == field {
                    found = Some(docs);
                }
            }
            1 => {
                let compressed = match format {
                    DvFormat::Lucene80(v) if v >= 2 => {
                        info.attribute("Lucene80DocValuesFormat.mode") == Some("BEST_COMPRESSION")
                    }
                    DvFormat::Lucene80(v) => v >= 1,
                    _ => false,
                };
                binary(input, format, compressed)?;
            }
            2 => sorted(input, format)?,
            3 => match input.u8()? {
                0 => sorted(input, format)?,
                1 => sorted_set(input, format)?,
                b => return Err(input.corrupt(format!("invalid multi-valued flag {b}"))),
            },
            4 => sorted_numeric(input, format).map(|_| ())?,
            t => return Err(input.corrupt(format!("invalid doc-values entry type {t}"))),
        }
    }
}

fn numeric(input: &mut Input<'_>, format: DvFormat) -> Result<NumericDocs> {
    let offset = input.i64()?;
    let length = input.i64()?;
    let dense_rank_power = if format == DvFormat::Lucene70 {
        -1
    } else {
        let _jump_table_entries = input.i16()?;
        input.u8()? as i8
    };
    let num_values = input.i64()?;
    let table = input.i32()?;
    if table > 256 {
        return Err(input.corrupt(format!("invalid table size {table}")));
    }
    if table > 0 {
        input.skip(table as usize * 8)?;
    }
    let _bits = input.u8()?;
    // min value, gcd, values offset, values length
    input.skip(32)?;
    if format != DvFormat::Lucene70 {
        let _value_jump_table = input.i64()?;
    }
    Ok(NumericDocs {
        offset,
        length,
        dense_rank_power,
        num_values,
    })
}

/// Docs-with-field offset/length, plus the jump table and rank of Lucene 8+.
fn docs_with_field(input: &mut Input<'_>, format: DvFormat) -> Result<()> {
    input.skip(16)?;
    if format != DvFormat::Lucene70 {
        input.skip(3)?;
    }
    Ok(())
}

fn monotonic(input: &mut Input<'_>, count: i64) -> Result<()> {
    let shift = input.vint()?;
    let count =
        u64::try_from(count).map_err(|_| input.corrupt(format!("invalid value count {count}")))?;
    MonotonicMeta::read(input, count, shift)?;
    Ok(())
}

fn binary(input: &mut Input<'_>, format: DvFormat, compressed: bool) -> Result<()> {
    input.skip(16)?; // data offset, length
    docs_with_field(input, format)?;
    let docs = input.i32()?;
    let min_len = input.i32()?;
    let max_len = input.i32()?;
    if (compressed && docs > 0) || min_len < max_len {
        let _addresses_offset = input.i64()?;
        let mut count = i64::from(docs) + 1;
        if compressed {
            count = i64::from(input.vint()?);
            let _docs_per_chunk_shift = input.vint()?;
            let _max_chunk_size = input.vint()?;
        }
        monotonic(input, count)?;
        let _addresses_length = input.i64()?;
    }
    Ok(())
}

fn sorted(input: &mut Input<'_>, format: DvFormat) -> Result<()> {
    if format == DvFormat::Lucene90 {
        numeric(input, format)?;
    } else {
        docs_with_field(input, format)?;
        let _docs = input.i32()?;
        let _bits = input.u8()?;
        input.skip(16)?; // ords offset, length
    }
    terms_dict(input, format)
}

fn sorted_set(input: &mut Input<'_>, format: DvFormat) -> Result<()> {
    if format == DvFormat::Lucene90 {
        sorted_numeric(input, format)?;
    } else {
        docs_with_field(input, format)?;
        let _bits = input.u8()?;
        input.skip(16)?; // ords offset, length
        let docs = input.i32()?;
        let _addresses_offset = input.i64()?;
        monotonic(input, i64::from(docs) + 1)?;
        let _addresses_length = input.i64()?;
    }
    terms_dict(input, format)
}

fn sorted_numeric(input: &mut Input<'_>, format: DvFormat) -> Result<NumericDocs> {
    let entry = numeric(input, format)?;
    let docs = input.i32()?;
    if i64::from(docs) != entry.num_values {
        let _addresses_offset = input.i64()?;
        monotonic(input, i64::from(docs) + 1)?;
        let _addresses_length = input.i64()?;
    }
    Ok(entry)
}

fn shifted_count(input: &Input<'_>, size: i64, shift: i32) -> Result<u64> {
    let (Ok(size), Ok(shift)) = (u64::try_from(size), u32::try_from(shift)) else {
        return Err(input.corrupt(format!(
            "invalid terms dictionary size {size} or shift {shift}"
        )));
    };
    if shift > 40 {
        return Err(input.corrupt(format!("invalid terms dictionary shift {shift}")));
    }
    Ok(size.div_ceil(1u64 << shift))
}

fn terms_dict(input: &mut Input<'_>, format: DvFormat) -> Result<()> {
    let size = input.vlong()?;
    // Lucene 9 always LZ4-compresses the terms in blocks of 64; Lucene 8.9+ may, saying so with
    // the code `6 << 16 | 1` in place of the block shift (no version bump)
    let (block_shift, address_count, lz4_blocks) = if format == DvFormat::Lucene90 {
        let block_shift = input.i32()?;
        (block_shift, shifted_count(input, size, 6)?, true)
    } else {
        let code = input.i32()?;
        let block_shift = input.i32()?;
        if code == TERMS_DICT_BLOCK_LZ4_CODE {
            (block_shift, shifted_count(input, size, 6)?, true)
        } else {
            (block_shift, shifted_count(input, size, code)?, false)
        }
    };
    MonotonicMeta::read(input, address_count, block_shift)?;
    let _max_term_length = input.i32()?;
    if lz4_blocks {
        let _max_block_length = input.i32()?;
    }
    input.skip(32)?; // terms data and addresses offsets and lengths
    let index_shift = input.i32()?;
    let index_count = shifted_count(input, size, index_shift)?;
    MonotonicMeta::read(input, index_count + 1, block_shift)?;
    input.skip(32) // terms index and its addresses, offsets and lengths
}

#[cfg(test)]
mod tests {
    //! Hand-built metadata of each format, with one entry of every kind before and after the
    //! numeric field sought: the skipping must land exactly on each next entry.

    use super::*;
    use crate::field_infos::{DocValuesType, FieldInfo};
    use crate::input::Endian;

    struct W {
        out: Vec<u8>,
        endian: Endian,
    }

    impl W {
        fn i64(&mut self, v: i64) {
            match self.endian {
                Endian::Big => self.out.extend_from_slice(&v.to_be_bytes()),
                Endian::Little => self.out.extend_from_slice(&v.to_le_bytes()),
            }
        }
        fn i32(&mut self, v: i32) {
            match self.endian {
                Endian::Big => self.out.extend_from_slice(&v.to_be_bytes()),
                Endian::Little => self.out.extend_from_slice(&v.to_le_bytes()),
            }
        }
        fn i16(&mut self, v: i16) {
            match self.endian {
                Endian::Big => self.out.extend_from_slice(&v.to_be_bytes()),
                Endian::Little => self.out.extend_from_slice(&v.to_le_bytes()),
            }
        }
        fn u8(&mut self, v: u8) {
            self.out.push(v);
        }
        fn vint(&mut self, mut v: u32) {
            while v >= 0x80 {
                self.out.push((v as u8) | 0x80);
                v >>= 7;
            }
            self.out.push(v as u8);
        }
        /// Metadata of a monotonic reader of `count` values in blocks of 2^16.
        fn monotonic(&mut self, count: u64) {
            for _ in 0..count.div_ceil(1 << 16) {
                self.i64(0);
                self.i32(0);
                self.i64(0);
                self.u8(0);
            }
        }
        fn docs_with_field(&mut self, format: DvFormat) {
            self.i64(-1);
            self.i64(0);
            if format != DvFormat::Lucene70 {
                self.i16(-1);
                self.u8(0xff);
            }
        }
        fn numeric(&mut self, format: DvFormat, offset: i64, length: i64, values: i64) {
            self.i64(offset);
            self.i64(length);
            if format != DvFormat::Lucene70 {
                self.i16(-1);
                self.u8(9);
            }
            self.i64(values);
            self.i32(2); // a table of two values
            self.i64(7);
            self.i64(8);
            self.u8(1);
            for v in [0, 1, 100, 16] {
                self.i64(v);
            }
            if format != DvFormat::Lucene70 {
                self.i64(-1);
            }
        }
        fn terms_dict(&mut self, format: DvFormat, size: u32, lz4: bool) {
            self.vint(size);
            if format != DvFormat::Lucene90 {
                self.i32(if lz4 { TERMS_DICT_BLOCK_LZ4_CODE } else { 4 });
            }
            self.i32(16);
            let shift = if lz4 || format == DvFormat::Lucene90 {
                6
            } else {
                4
            };
            self.monotonic(u64::from(size).div_ceil(1 << shift));
            self.i32(12);
            if lz4 || format == DvFormat::Lucene90 {
                self.i32(300);
            }
            for _ in 0..4 {
                self.i64(0);
            }
            self.i32(10);
            self.monotonic(1 + u64::from(size).div_ceil(1 << 10));
            for _ in 0..4 {
                self.i64(0);
            }
        }
    }

    fn infos() -> FieldInfos {
        let field = |number: u32, doc_values| FieldInfo {
            name: format!("f{number}"),
            number,
            soft_deletes: number == 2,
            doc_values,
            dv_gen: -1,
            attributes: vec![(
                "Lucene80DocValuesFormat.mode".into(),
                "BEST_COMPRESSION".into(),
            )],
        };
        FieldInfos {
            file: "_0.fnm".into(),
            fields: vec![
                field(0, DocValuesType::SortedSet),
                field(1, DocValuesType::Binary),
                field(2, DocValuesType::Numeric),
                field(3, DocValuesType::Sorted),
                field(4, DocValuesType::SortedNumeric),
            ],
        }
    }

    fn metadata(format: DvFormat, lz4_terms: bool) -> Vec<u8> {
        let endian = if format == DvFormat::Lucene90 {
            Endian::Little
        } else {
            Endian::Big
        };
        let mut w = W {
            out: Vec::new(),
            endian,
        };
        // field 0: multi-valued sorted set
        w.i32(0);
        w.u8(3);
        w.u8(1);
        if format == DvFormat::Lucene90 {
            w.numeric(format, -1, 0, 70_000);
            w.i32(40);
            w.i64(0);
            w.vint(16);
            w.monotonic(41);
            w.i64(0);
        } else {
            w.docs_with_field(format);
            w.u8(4);
            w.i64(0);
            w.i64(0);
            w.i32(40);
            w.i64(0);
            w.vint(16);
            w.monotonic(41);
            w.i64(0);
        }
        w.terms_dict(format, 1000, lz4_terms);
        // field 1: binary of varying lengths
        w.i32(1);
        w.u8(1);
        w.i64(0);
        w.i64(0);
        w.docs_with_field(format);
        w.i32(30);
        w.i32(1);
        w.i32(9);
        w.i64(0);
        if matches!(format, DvFormat::Lucene80(_)) {
            // compressed: chunk count, docs-per-chunk shift, max chunk size
            w.vint(1);
            w.vint(5);
            w.vint(1000);
            w.vint(16);
            w.monotonic(1);
        } else {
            w.vint(16);
            w.monotonic(31);
        }
        w.i64(0);
        // field 2: the numeric field sought
        w.i32(2);
        w.u8(0);
        w.numeric(format, 1234, 56, 78);
        // field 3: single-valued sorted
        w.i32(3);
        w.u8(2);
        if format == DvFormat::Lucene90 {
            w.numeric(format, -1, 0, 10);
        } else {
            w.docs_with_field(format);
            w.i32(10);
            w.u8(2);
            w.i64(0);
            w.i64(0);
        }
        w.terms_dict(format, 3, false);
        // field 4: multi-valued sorted numeric
        w.i32(4);
        w.u8(4);
        w.numeric(format, -1, 0, 50);
        w.i32(20);
        w.i64(0);
        w.vint(16);
        w.monotonic(21);
        w.i64(0);
        w.i32(-1);
        w.out
    }

    #[test]
    fn the_numeric_entry_is_found_among_entries_of_every_kind_in_every_format() {
        for (format, lz4) in [
            (DvFormat::Lucene70, false),
            (DvFormat::Lucene80(2), false),
            (DvFormat::Lucene80(2), true),
            (DvFormat::Lucene90, false),
        ] {
            let bytes = metadata(format, lz4);
            let endian = if format == DvFormat::Lucene90 {
                Endian::Little
            } else {
                Endian::Big
            };
            let mut input = Input::new(&bytes, "_0.dvm", endian);
            let found = find_numeric(&mut input, format, &infos(), 2).unwrap();
            let rank = if format == DvFormat::Lucene70 { -1 } else { 9 };
            assert_eq!(
                found,
                Some(NumericDocs {
                    offset: 1234,
                    length: 56,
                    dense_rank_power: rank,
                    num_values: 78,
                }),
                "{format:?} lz4 terms {lz4}"
            );
            assert_eq!(input.remaining(), 0, "{format:?}: every entry consumed");
        }
    }

    #[test]
    fn an_entry_of_an_unknown_field_or_type_is_an_error() {
        for (field, entry_type, wanted) in [
            (9i32, 0u8, "unknown field number 9"),
            (0, 7, "invalid doc-values entry type 7"),
        ] {
            let mut bytes = field.to_be_bytes().to_vec();
            bytes.push(entry_type);
            let err = find_numeric(
                &mut Input::new(&bytes, "_0.dvm", Endian::Big),
                DvFormat::Lucene70,
                &infos(),
                2,
            )
            .unwrap_err()
            .to_string();
            assert!(err.contains(wanted), "{err}");
        }
    }
}
