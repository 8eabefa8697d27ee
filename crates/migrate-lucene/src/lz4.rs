//! The LZ4 block decoder of Lucene's stored fields (`org.apache.lucene.util.compress.LZ4`).
//!
//! Lucene writes LZ4 blocks without their compressed length and decodes until the expected
//! number of bytes came out, stopping after the literals or the match that reaches it. So the
//! decoder here takes the expected length, appends to an output, may be given a preset
//! dictionary that matches reach back into, and reports how many input bytes it used.
//! Every offset and length is checked: corrupt input is an error, never a panic.

/// Why a block did not decode.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Lz4Error {
    /// The input ended inside a sequence.
    Truncated,
    /// A match offset of zero or reaching before the start of the output (and dictionary).
    BadOffset { offset: usize, available: usize },
    /// The block decodes to more bytes than expected.
    TooLong { expected: usize, actual: usize },
}

impl std::fmt::Display for Lz4Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Lz4Error::Truncated => write!(f, "LZ4 block cut short"),
            Lz4Error::BadOffset { offset, available } => write!(
                f,
                "LZ4 match offset {offset} reaches before the start of the block ({available} bytes decoded)"
            ),
            Lz4Error::TooLong { expected, actual } => {
                write!(
                    f,
                    "LZ4 block decodes to {actual} bytes, expected {expected}"
                )
            }
        }
    }
}

/// Room left after the output so short copies can move 16 bytes at a time.
const SLACK: usize = 32;

/// Decodes one block from `src`, appending exactly `len` bytes to `out`, and returns the number
/// of `src` bytes used. Matches may reach back past the start of this block's output into
/// `dict`, the preset dictionary that precedes it (empty when there is none).
pub(crate) fn decompress(
    src: &[u8],
    len: usize,
    out: &mut Vec<u8>,
    dict: &[u8],
) -> Result<usize, Lz4Error> {
    let base = out.len();
    let end = base + len;
    out.resize(end + SLACK, 0);
    let result = decode(src, out, base, end, dict);
    out.truncate(if result.is_ok() { end } else { base });
    result
}

fn decode(
    src: &[u8],
    dst: &mut [u8],
    base: usize,
    end: usize,
    dict: &[u8],
) -> Result<usize, Lz4Error> {
    let mut s = 0usize;
    let mut d = base;
    loop {
        let token = *src.get(s).ok_or(Lz4Error::Truncated)?;
        s += 1;
        let mut literals = usize::from(token >> 4);
        if literals == 0x0f {
            literals += read_length(src, &mut s)?;
        }
        if d + literals > end {
            return Err(Lz4Error::TooLong {
                expected: end - base,
                actual: d + literals - base,
            });
        }
        if literals <= 16 && s + 16 <= src.len() {
            // dst has SLACK bytes past `end`: copy 16 and keep `literals`
            let mut chunk = [0u8; 16];
            chunk.copy_from_slice(&src[s..s + 16]);
            dst[d..d + 16].copy_from_slice(&chunk);
        } else {
            let lit = src.get(s..s + literals).ok_or(Lz4Error::Truncated)?;
            dst[d..d + literals].copy_from_slice(lit);
        }
        s += literals;
        d += literals;
        if d >= end {
            return Ok(s);
        }

        let offset_bytes = src.get(s..s + 2).ok_or(Lz4Error::Truncated)?;
        let offset = usize::from(offset_bytes[0]) | (usize::from(offset_bytes[1]) << 8);
        s += 2;
        let mut match_len = usize::from(token & 0x0f);
        if match_len == 0x0f {
            match_len += read_length(src, &mut s)?;
        }
        match_len += 4;
        if d + match_len > end {
            return Err(Lz4Error::TooLong {
                expected: end - base,
                actual: d + match_len - base,
            });
        }
        let produced = d - base;
        if offset == 0 || offset > produced + dict.len() {
            return Err(Lz4Error::BadOffset {
                offset,
                available: produced + dict.len(),
            });
        }
        let mut copied = 0;
        if offset > produced {
            // the match starts in the dictionary
            let from = dict.len() - (offset - produced);
            let n = match_len.min(offset - produced);
            dst[d..d + n].copy_from_slice(&dict[from..from + n]);
            copied = n;
        }
        let at = d + copied;
        let rest = match_len - copied;
        if rest > 0 {
            // what is left starts in this block's output (at or after its start)
            let from = at - offset;
            if offset >= 16 && rest <= 16 {
                let mut chunk = [0u8; 16];
                chunk.copy_from_slice(&dst[from..from + 16]);
                dst[at..at + 16].copy_from_slice(&chunk);
            } else if offset >= rest {
                dst.copy_within(from..from + rest, at);
            } else {
                // overlapping: the match repeats the last `offset` bytes
                for i in 0..rest {
                    dst[at + i] = dst[from + i];
                }
            }
        }
        d += match_len;
        if d >= end {
            return Ok(s);
        }
    }
}

fn read_length(src: &[u8], pos: &mut usize) -> Result<usize, Lz4Error> {
    let mut len = 0usize;
    loop {
        let b = *src.get(*pos).ok_or(Lz4Error::Truncated)?;
        *pos += 1;
        len += usize::from(b);
        if b != 0xff {
            return Ok(len);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_only_stop_at_the_expected_length_leaving_the_rest_of_the_input() {
        // token: 5 literals, no match; then unrelated bytes of the next block
        let src = [0x50, b'h', b'e', b'l', b'l', b'o', 0xaa, 0xbb];
        let mut out = Vec::new();
        assert_eq!(decompress(&src, 5, &mut out, &[]), Ok(6));
        assert_eq!(out, b"hello");
    }

    #[test]
    fn an_overlapping_match_repeats_bytes() {
        // "ab" then a match of offset 2, length 6 -> "abababab"
        let src = [0x22, b'a', b'b', 0x02, 0x00];
        let mut out = Vec::new();
        assert_eq!(decompress(&src, 8, &mut out, &[]), Ok(5));
        assert_eq!(out, b"abababab");
    }

    #[test]
    fn long_literal_and_match_lengths_use_extra_bytes() {
        // 15 + 3 = 18 literals 'x', then a match offset 1 of 15 + 0 + 4 = 19 bytes
        let mut src = vec![0xff, 0x03];
        src.extend_from_slice(&[b'x'; 18]);
        src.extend_from_slice(&[0x01, 0x00, 0x00]);
        let mut out = Vec::new();
        assert_eq!(decompress(&src, 37, &mut out, &[]), Ok(src.len()));
        assert_eq!(out, vec![b'x'; 37]);
    }

    #[test]
    fn matches_may_reach_into_a_preset_dictionary_and_across_its_end() {
        let mut out = b"output so far:".to_vec();
        // 1 literal "!", then 4 bytes from 10 back ("icti" of the dictionary), then 1 literal "?"
        let src = [0x10, b'!', 0x0a, 0x00, 0x10, b'?'];
        assert_eq!(decompress(&src, 6, &mut out, b"dictionary"), Ok(6));
        assert_eq!(&out[14..], b"!icti?");
        // 2 literals "ab", then 6 bytes from 4 back: "ry" of the dictionary, then "abry"
        let mut out = Vec::new();
        let src = [0x22, b'a', b'b', 0x04, 0x00];
        assert_eq!(decompress(&src, 8, &mut out, b"dictionary"), Ok(5));
        assert_eq!(out, b"abryabry");
    }

    #[test]
    fn a_match_wholly_inside_the_dictionary_decodes_into_an_empty_output() {
        // 1 literal "!", then 4 bytes from 9 back ("ctio"): all four in the dictionary
        let src = [0x10, b'!', 0x09, 0x00, 0x10, b'?'];
        let mut out = Vec::new();
        assert_eq!(decompress(&src, 6, &mut out, b"dictionary"), Ok(6));
        assert_eq!(out, b"!ctio?");
    }

    #[test]
    fn corrupt_blocks_are_errors() {
        let mut out = Vec::new();
        assert_eq!(
            decompress(&[0x50, b'a'], 5, &mut out, &[]),
            Err(Lz4Error::Truncated)
        );
        out.clear();
        assert_eq!(
            decompress(&[0x10, b'a', 0x05, 0x00], 8, &mut out, &[]),
            Err(Lz4Error::BadOffset {
                offset: 5,
                available: 1
            })
        );
        out.clear();
        assert!(matches!(
            decompress(&[0x50, b'a', b'b', b'c', b'd', b'e'], 3, &mut out, &[]),
            Err(Lz4Error::TooLong { .. })
        ));
        out.clear();
        assert_eq!(decompress(&[], 1, &mut out, &[]), Err(Lz4Error::Truncated));
        assert!(out.is_empty(), "a failed block leaves the output as it was");
    }
}
