//! `IndexedDISI`: the set of documents that have a doc value, in blocks of 65536 doc ids.
//!
//! Each block: block number (short), value count − 1 (short), then by count: up to 4095 →
//! SPARSE (the low 16 bits of each doc, shorts); 65536 → ALL (nothing); otherwise DENSE (in
//! Lucene 8+ a rank table of `1024 >> (power − 7)` bytes unless the rank power is −1, then a
//! 1024-long bit set). A last block numbered 32767 holding doc 65535 (`NO_MORE_DOCS`) ends the
//! blocks; Lucene 8+ follow it with a jump table the sequential reader does not need. Shorts and
//! longs are big-endian up to Lucene 8, little-endian in Lucene 9.

use crate::error::Result;
use crate::input::Input;

const MAX_ARRAY_LENGTH: usize = 4095;
const LAST_BLOCK: u32 = 0x7fff;

/// Sets, in `bits` (one bit per doc, `max_doc` docs), every doc the `IndexedDISI` in `input`
/// holds, and returns how many it holds.
pub(crate) fn read_disi(
    input: &mut Input<'_>,
    dense_rank_power: i8,
    max_doc: u32,
    bits: &mut [u64],
) -> Result<u64> {
    let rank_bytes = match dense_rank_power {
        -1 => 0,
        p @ 7..=15 => 1024usize >> (p - 7),
        p => return Err(input.corrupt(format!("invalid dense rank power {p}"))),
    };
    let mut count = 0u64;
    let mut previous: Option<u32> = None;
    loop {
        let block = u32::from(input.i16()? as u16);
        let values = usize::from(input.i16()? as u16) + 1;
        if block == LAST_BLOCK {
            if values != 1 || input.i16()? as u16 != 0xffff {
                return Err(input.corrupt("malformed end block of a doc-id set"));
            }
            return Ok(count);
        }
        if previous.is_some_and(|p| p >= block) {
            return Err(input.corrupt(format!("doc-id set block {block} out of order")));
        }
        previous = Some(block);
        let base = block << 16;
        if base >= max_doc {
            return Err(input.corrupt(format!(
                "doc-id set block {block} starts past the segment's {max_doc} docs"
            )));
        }
        if values <= MAX_ARRAY_LENGTH {
            let mut last = None;
            for _ in 0..values {
                let low = u32::from(input.i16()? as u16);
                if last.is_some_and(|l| l >= low) {
                    return Err(input.corrupt("doc-id set values out of order"));
                }
                last = Some(low);
                set(bits, base | low, max_doc, input)?;
            }
        } else if values == 65536 {
            for doc in base..(base + 65536).min(max_doc) {
                set(bits, doc, max_doc, input)?;
            }
            if base + 65536 > max_doc {
                return Err(input.corrupt("full doc-id set block past the end of the segment"));
            }
        } else {
            input.skip(rank_bytes)?;
            let mut found = 0usize;
            for word in 0..1024u32 {
                let mut w = input.i64()? as u64;
                found += w.count_ones() as usize;
                while w != 0 {
                    let bit = w.trailing_zeros();
                    set(bits, base + word * 64 + bit, max_doc, input)?;
                    w &= w - 1;
                }
            }
            if found != values {
                return Err(input.corrupt(format!(
                    "dense doc-id set block {block} holds {found} docs, its header says {values}"
                )));
            }
        }
        count += values as u64;
    }
}

fn set(bits: &mut [u64], doc: u32, max_doc: u32, input: &Input<'_>) -> Result<()> {
    if doc >= max_doc {
        return Err(input.corrupt(format!(
            "doc {doc} in a doc-id set is past the segment's {max_doc} docs"
        )));
    }
    bits[(doc / 64) as usize] |= 1u64 << (doc % 64);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::Endian;

    fn end_block(out: &mut Vec<u8>) {
        out.extend_from_slice(&[0x7f, 0xff, 0x00, 0x00, 0xff, 0xff]);
    }

    fn docs(bits: &[u64], max_doc: u32) -> Vec<u32> {
        (0..max_doc)
            .filter(|&d| bits[(d / 64) as usize] >> (d % 64) & 1 == 1)
            .collect()
    }

    #[test]
    fn a_sparse_block_lists_its_docs() {
        let mut bytes = vec![0x00, 0x00, 0x00, 0x02, 0x00, 0x03, 0x00, 0x07, 0x01, 0x00];
        end_block(&mut bytes);
        let mut bits = vec![0u64; 5];
        let n = read_disi(
            &mut Input::new(&bytes, "t", Endian::Big),
            -1,
            300,
            &mut bits,
        )
        .unwrap();
        assert_eq!(n, 3);
        assert_eq!(docs(&bits, 300), vec![3, 7, 256]);
    }

    #[test]
    fn a_dense_block_skips_its_rank_table_and_reads_the_bit_set() {
        let max_doc = 70_000;
        let mut bytes = vec![0x00, 0x00];
        let set: Vec<u32> = (0..5000).map(|i| i * 13).collect();
        bytes.extend_from_slice(&((set.len() - 1) as u16).to_le_bytes());
        bytes.extend_from_slice(&[0xaa; 256]); // rank table of power 9
        let mut words = [0u64; 1024];
        for &d in &set {
            words[(d / 64) as usize] |= 1 << (d % 64);
        }
        for w in words {
            bytes.extend_from_slice(&w.to_le_bytes());
        }
        bytes.extend_from_slice(&[0xff, 0x7f, 0x00, 0x00, 0xff, 0xff]);
        let mut bits = vec![0u64; 70_000usize.div_ceil(64)];
        let n = read_disi(
            &mut Input::new(&bytes, "t", Endian::Little),
            9,
            max_doc,
            &mut bits,
        )
        .unwrap();
        assert_eq!(n, 5000);
        assert_eq!(docs(&bits, max_doc), set);
    }

    #[test]
    fn an_all_block_sets_every_doc_of_the_block() {
        let mut bytes = vec![0x00, 0x00, 0xff, 0xff];
        end_block(&mut bytes);
        let mut bits = vec![0u64; 1024];
        let n = read_disi(
            &mut Input::new(&bytes, "t", Endian::Big),
            -1,
            65536,
            &mut bits,
        )
        .unwrap();
        assert_eq!(n, 65536);
        assert!(bits.iter().all(|&w| w == u64::MAX));
    }

    #[test]
    fn docs_past_the_segment_and_missing_end_blocks_are_errors() {
        let bytes = [0x00, 0x00, 0x00, 0x00, 0x01, 0x00];
        let mut bits = vec![0u64; 1];
        let err =
            read_disi(&mut Input::new(&bytes, "t", Endian::Big), -1, 10, &mut bits).unwrap_err();
        assert!(err.to_string().contains("past the segment"), "{err}");
        let bytes = [0x00, 0x00, 0x00, 0x00, 0x00, 0x01];
        let err =
            read_disi(&mut Input::new(&bytes, "t", Endian::Big), -1, 10, &mut bits).unwrap_err();
        assert!(err.to_string().contains("truncated"), "{err}");
    }
}
