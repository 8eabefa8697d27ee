//! The LZ4 block decoder of Lucene's stored fields (`org.apache.lucene.util.compress.LZ4`).
//!
//! Lucene writes LZ4 blocks without their compressed length and decodes until the expected
//! number of bytes came out, stopping after the literals or the match that reaches it. So the
//! decoder here takes the expected length, appends to an output that may already hold a preset
//! dictionary (matches may reach back into it), and reports how many input bytes it used.
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

/// Decodes one block from `src` until `len` more bytes have been appended to `out`, and returns
/// the number of `src` bytes used. Bytes already in `out` (a preset dictionary) can be matched.
pub(crate) fn decompress(src: &[u8], len: usize, out: &mut Vec<u8>) -> Result<usize, Lz4Error> {
    let end = out.len() + len;
    out.reserve(len);
    let mut pos = 0usize;
    loop {
        let token = *src.get(pos).ok_or(Lz4Error::Truncated)?;
        pos += 1;
        let mut literals = usize::from(token >> 4);
        if literals == 0x0f {
            literals += read_length(src, &mut pos)?;
        }
        if literals > 0 {
            let lit = src.get(pos..pos + literals).ok_or(Lz4Error::Truncated)?;
            if out.len() + literals > end {
                return Err(Lz4Error::TooLong {
                    expected: len,
                    actual: out.len() + literals - (end - len),
                });
            }
            out.extend_from_slice(lit);
            pos += literals;
        }
        if out.len() >= end {
            return Ok(pos);
        }

        let offset_bytes = src.get(pos..pos + 2).ok_or(Lz4Error::Truncated)?;
        let offset = usize::from(offset_bytes[0]) | (usize::from(offset_bytes[1]) << 8);
        pos += 2;
        let mut match_len = usize::from(token & 0x0f);
        if match_len == 0x0f {
            match_len += read_length(src, &mut pos)?;
        }
        match_len += 4;
        if offset == 0 || offset > out.len() {
            return Err(Lz4Error::BadOffset {
                offset,
                available: out.len(),
            });
        }
        if out.len() + match_len > end {
            return Err(Lz4Error::TooLong {
                expected: len,
                actual: out.len() + match_len - (end - len),
            });
        }
        let start = out.len() - offset;
        if offset >= match_len {
            out.extend_from_within(start..start + match_len);
        } else {
            // overlapping: the match repeats the last `offset` bytes
            for i in 0..match_len {
                let b = out[start + i];
                out.push(b);
            }
        }
        if out.len() >= end {
            return Ok(pos);
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
        assert_eq!(decompress(&src, 5, &mut out), Ok(6));
        assert_eq!(out, b"hello");
    }

    #[test]
    fn an_overlapping_match_repeats_bytes() {
        // "ab" then a match of offset 2, length 6 -> "abababab"
        let src = [0x22, b'a', b'b', 0x02, 0x00];
        let mut out = Vec::new();
        assert_eq!(decompress(&src, 8, &mut out), Ok(5));
        assert_eq!(out, b"abababab");
    }

    #[test]
    fn long_literal_and_match_lengths_use_extra_bytes() {
        // 15 + 3 = 18 literals 'x', then a match offset 1 of 15 + 0 + 4 = 19 bytes
        let mut src = vec![0xff, 0x03];
        src.extend_from_slice(&[b'x'; 18]);
        src.extend_from_slice(&[0x01, 0x00, 0x00]);
        let mut out = Vec::new();
        assert_eq!(decompress(&src, 37, &mut out), Ok(src.len()));
        assert_eq!(out, vec![b'x'; 37]);
    }

    #[test]
    fn matches_may_reach_into_a_preset_dictionary() {
        let mut out = b"dictionary".to_vec();
        // match offset 10 (start of the dictionary) length 4, then 1 literal
        let src = [0x10, b'!', 0x0a, 0x00, 0x10, b'?'];
        // 1 literal "!", then 4 bytes from 10 back ("icti"), then 1 literal "?"
        assert_eq!(decompress(&src, 6, &mut out), Ok(6));
        assert_eq!(&out[10..], b"!icti?");
    }

    #[test]
    fn corrupt_blocks_are_errors() {
        let mut out = Vec::new();
        assert_eq!(
            decompress(&[0x50, b'a'], 5, &mut out),
            Err(Lz4Error::Truncated)
        );
        out.clear();
        assert_eq!(
            decompress(&[0x10, b'a', 0x05, 0x00], 8, &mut out),
            Err(Lz4Error::BadOffset {
                offset: 5,
                available: 1
            })
        );
        out.clear();
        assert!(matches!(
            decompress(&[0x50, b'a', b'b', b'c', b'd', b'e'], 3, &mut out),
            Err(Lz4Error::TooLong { .. })
        ));
        out.clear();
        assert_eq!(decompress(&[], 1, &mut out), Err(Lz4Error::Truncated));
    }
}
