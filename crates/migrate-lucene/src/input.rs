//! A bounds-checked cursor over a file's bytes: Lucene's `DataInput` primitives.
//!
//! Lucene writes codec headers and footers big-endian in every version; the bodies of files are
//! big-endian up to Lucene 8 and little-endian from Lucene 9 on, so fixed-width reads take the
//! byte order of the file ([`Endian`]). Every read checks what remains, so a corrupt length can
//! neither panic nor make the reader allocate more than the file holds.

use crate::error::{Error, Result};

/// Byte order of a file's fixed-width integers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Endian {
    /// Lucene 6–8.
    Big,
    /// Lucene 9+.
    Little,
}

/// A cursor over `bytes`, reporting errors against the file `name`.
pub(crate) struct Input<'a> {
    bytes: &'a [u8],
    pos: usize,
    name: &'a str,
    endian: Endian,
}

impl<'a> Input<'a> {
    pub(crate) fn new(bytes: &'a [u8], name: &'a str, endian: Endian) -> Self {
        Self {
            bytes,
            pos: 0,
            name,
            endian,
        }
    }

    /// A cursor at `pos` (at most the end of `bytes`).
    pub(crate) fn at(bytes: &'a [u8], name: &'a str, endian: Endian, pos: usize) -> Self {
        Self {
            bytes,
            pos: pos.min(bytes.len()),
            name,
            endian,
        }
    }

    pub(crate) fn name(&self) -> &'a str {
        self.name
    }

    pub(crate) fn pos(&self) -> usize {
        self.pos
    }

    pub(crate) fn remaining(&self) -> usize {
        self.bytes.len() - self.pos
    }

    pub(crate) fn corrupt(&self, detail: impl std::fmt::Display) -> Error {
        Error::corrupt(self.name, format!("{detail} (at byte {})", self.pos))
    }

    /// Moves to `pos` (at most the end of the input).
    pub(crate) fn seek(&mut self, pos: usize) -> Result<()> {
        if pos > self.bytes.len() {
            return Err(self.corrupt(format!(
                "offset {pos} is past the end ({} bytes)",
                self.bytes.len()
            )));
        }
        self.pos = pos;
        Ok(())
    }

    pub(crate) fn bytes(&mut self, n: usize) -> Result<&'a [u8]> {
        if n > self.remaining() {
            return Err(self.corrupt(format!(
                "truncated: {n} bytes needed, {} left",
                self.remaining()
            )));
        }
        let out = &self.bytes[self.pos..self.pos + n];
        self.pos += n;
        Ok(out)
    }

    pub(crate) fn skip(&mut self, n: usize) -> Result<()> {
        self.bytes(n).map(|_| ())
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N]> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.bytes(N)?);
        Ok(out)
    }

    pub(crate) fn u8(&mut self) -> Result<u8> {
        Ok(self.bytes(1)?[0])
    }

    pub(crate) fn be_i32(&mut self) -> Result<i32> {
        Ok(i32::from_be_bytes(self.array()?))
    }

    pub(crate) fn be_i64(&mut self) -> Result<i64> {
        Ok(i64::from_be_bytes(self.array()?))
    }

    pub(crate) fn i16(&mut self) -> Result<i16> {
        let a = self.array()?;
        Ok(match self.endian {
            Endian::Big => i16::from_be_bytes(a),
            Endian::Little => i16::from_le_bytes(a),
        })
    }

    pub(crate) fn i32(&mut self) -> Result<i32> {
        let a = self.array()?;
        Ok(match self.endian {
            Endian::Big => i32::from_be_bytes(a),
            Endian::Little => i32::from_le_bytes(a),
        })
    }

    pub(crate) fn i64(&mut self) -> Result<i64> {
        let a = self.array()?;
        Ok(match self.endian {
            Endian::Big => i64::from_be_bytes(a),
            Endian::Little => i64::from_le_bytes(a),
        })
    }

    /// A variable-length int (1–5 bytes, 7 bits each, low bits first); may be negative.
    pub(crate) fn vint(&mut self) -> Result<i32> {
        let mut value: u32 = 0;
        for shift in [0u32, 7, 14, 21] {
            let b = self.u8()?;
            value |= u32::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(value as i32);
            }
        }
        let b = self.u8()?;
        if b & 0xf0 != 0 {
            return Err(self.corrupt("invalid vInt (more than 32 bits)"));
        }
        Ok((value | (u32::from(b) << 28)) as i32)
    }

    /// A vint that must be in `0..=i32::MAX`, as a `usize`.
    pub(crate) fn vlen(&mut self, what: &str) -> Result<usize> {
        let v = self.vint()?;
        usize::try_from(v).map_err(|_| self.corrupt(format!("negative {what}: {v}")))
    }

    /// A variable-length long (1–9 bytes), never negative.
    pub(crate) fn vlong(&mut self) -> Result<i64> {
        let mut value: u64 = 0;
        for shift in (0..63).step_by(7) {
            let b = self.u8()?;
            value |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(value as i64);
            }
        }
        Err(self.corrupt("invalid vLong (negative values are not allowed)"))
    }

    /// A vint-length-prefixed UTF-8 string.
    pub(crate) fn string(&mut self) -> Result<String> {
        let len = self.vlen("string length")?;
        let bytes = self.bytes(len)?;
        String::from_utf8(bytes.to_vec()).map_err(|_| self.corrupt("string is not valid UTF-8"))
    }

    pub(crate) fn set_of_strings(&mut self) -> Result<Vec<String>> {
        let n = self.vlen("set size")?;
        // each string takes at least one byte
        if n > self.remaining() {
            return Err(self.corrupt(format!("set of {n} strings is longer than the file")));
        }
        (0..n).map(|_| self.string()).collect()
    }

    pub(crate) fn map_of_strings(&mut self) -> Result<Vec<(String, String)>> {
        let n = self.vlen("map size")?;
        if n > self.remaining() / 2 {
            return Err(self.corrupt(format!("map of {n} strings is longer than the file")));
        }
        (0..n)
            .map(|_| Ok((self.string()?, self.string()?)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(bytes: &[u8]) -> Input<'_> {
        Input::new(bytes, "t", Endian::Big)
    }

    #[test]
    fn vints_decode_one_to_five_bytes_including_negative_values() {
        assert_eq!(input(&[0x00]).vint().unwrap(), 0);
        assert_eq!(input(&[0x7f]).vint().unwrap(), 127);
        assert_eq!(input(&[0x80, 0x01]).vint().unwrap(), 128);
        assert_eq!(input(&[0xff, 0x7f]).vint().unwrap(), 16383);
        assert_eq!(
            input(&[0xff, 0xff, 0xff, 0xff, 0x07]).vint().unwrap(),
            i32::MAX
        );
        assert_eq!(input(&[0xff, 0xff, 0xff, 0xff, 0x0f]).vint().unwrap(), -1);
    }

    #[test]
    fn a_vint_with_more_than_32_bits_or_cut_short_is_an_error() {
        let err = input(&[0xff, 0xff, 0xff, 0xff, 0x1f]).vint().unwrap_err();
        assert!(err.to_string().contains("more than 32 bits"), "{err}");
        let err = input(&[0x80, 0x80]).vint().unwrap_err();
        assert!(err.to_string().contains("truncated"), "{err}");
    }

    #[test]
    fn vlongs_decode_up_to_nine_bytes_and_reject_a_tenth() {
        assert_eq!(input(&[0x81, 0x01]).vlong().unwrap(), 129);
        let max = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f];
        assert_eq!(input(&max).vlong().unwrap(), i64::MAX);
        let too_long = [0xff; 10];
        assert!(input(&too_long).vlong().is_err());
    }

    #[test]
    fn fixed_width_reads_follow_the_file_byte_order() {
        let bytes = [1, 2, 3, 4];
        assert_eq!(input(&bytes).i32().unwrap(), 0x0102_0304);
        assert_eq!(
            Input::new(&bytes, "t", Endian::Little).i32().unwrap(),
            0x0403_0201
        );
        assert_eq!(
            Input::new(&bytes, "t", Endian::Little).be_i32().unwrap(),
            0x0102_0304
        );
    }

    #[test]
    fn a_string_longer_than_the_input_is_an_error_not_an_allocation() {
        let err = input(&[0xff, 0xff, 0xff, 0xff, 0x07, b'a'])
            .string()
            .unwrap_err();
        assert!(err.to_string().contains("truncated"), "{err}");
        let err = input(&[0xff, 0xff, 0xff, 0x07])
            .set_of_strings()
            .unwrap_err();
        assert!(err.to_string().contains("longer than the file"), "{err}");
    }
}
