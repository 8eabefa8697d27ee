//! Lucene's `DataOutput` primitives into a growing buffer, and the codec header and checksum
//! footer every file begins and ends with (`CodecUtil`).
//!
//! Headers and footers are big-endian in every version; the fixed-width numbers of a file's body
//! follow its [`Endian`] (big up to Lucene 8, little from Lucene 9 on). Variable-length numbers,
//! strings, maps and sets are the same in every version.

use crate::codec::{CODEC_MAGIC, FOOTER_MAGIC, ID_LEN};
use crate::input::Endian;

/// Appends a variable-length number: 7 bits a byte, low bits first.
pub(crate) fn push_vlong(buf: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        buf.push((v as u8 & 0x7f) | 0x80);
        v >>= 7;
    }
    buf.push(v as u8);
}

/// A file being written.
pub(crate) struct Output {
    buf: Vec<u8>,
    endian: Endian,
}

impl Output {
    pub(crate) fn new(endian: Endian) -> Self {
        Self {
            buf: Vec::new(),
            endian,
        }
    }

    pub(crate) fn endian(&self) -> Endian {
        self.endian
    }

    /// Bytes written so far (Lucene's file pointer).
    pub(crate) fn len(&self) -> u64 {
        self.buf.len() as u64
    }

    pub(crate) fn byte(&mut self, b: u8) {
        self.buf.push(b);
    }

    pub(crate) fn bytes(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    pub(crate) fn short(&mut self, v: i16) {
        match self.endian {
            Endian::Big => self.bytes(&v.to_be_bytes()),
            Endian::Little => self.bytes(&v.to_le_bytes()),
        }
    }

    pub(crate) fn int(&mut self, v: i32) {
        match self.endian {
            Endian::Big => self.bytes(&v.to_be_bytes()),
            Endian::Little => self.bytes(&v.to_le_bytes()),
        }
    }

    pub(crate) fn long(&mut self, v: i64) {
        match self.endian {
            Endian::Big => self.bytes(&v.to_be_bytes()),
            Endian::Little => self.bytes(&v.to_le_bytes()),
        }
    }

    pub(crate) fn be_int(&mut self, v: i32) {
        self.bytes(&v.to_be_bytes());
    }

    pub(crate) fn be_long(&mut self, v: i64) {
        self.bytes(&v.to_be_bytes());
    }

    /// A variable-length int: 7 bits a byte, low bits first (a negative int takes 5 bytes).
    pub(crate) fn vint(&mut self, v: u32) {
        self.vlong(u64::from(v));
    }

    pub(crate) fn vlong(&mut self, v: u64) {
        push_vlong(&mut self.buf, v);
    }

    /// Length (vint) and UTF-8 bytes.
    pub(crate) fn string(&mut self, s: &str) {
        self.vint(s.len() as u32);
        self.bytes(s.as_bytes());
    }

    pub(crate) fn map_of_strings(&mut self, map: &[(&str, &str)]) {
        self.vint(map.len() as u32);
        for (k, v) in map {
            self.string(k);
            self.string(v);
        }
    }

    pub(crate) fn set_of_strings<S: AsRef<str>>(&mut self, set: &[S]) {
        self.vint(set.len() as u32);
        for s in set {
            self.string(s.as_ref());
        }
    }

    /// `CodecUtil.writeHeader`: magic, codec name, version.
    pub(crate) fn header(&mut self, codec: &str, version: i32) {
        self.be_int(CODEC_MAGIC);
        self.string(codec);
        self.be_int(version);
    }

    /// `CodecUtil.writeIndexHeader`: the header, the segment (or commit) id and a suffix.
    pub(crate) fn index_header(
        &mut self,
        codec: &str,
        version: i32,
        id: &[u8; ID_LEN],
        suffix: &str,
    ) {
        self.header(codec, version);
        self.bytes(id);
        self.byte(suffix.len() as u8);
        self.bytes(suffix.as_bytes());
    }

    /// `CodecUtil.writeFooter`: footer magic, algorithm 0, and the CRC32 of every byte before the
    /// checksum; returns the whole file.
    pub(crate) fn finish(mut self) -> Vec<u8> {
        self.be_int(FOOTER_MAGIC);
        self.be_int(0);
        let crc = crc32fast::hash(&self.buf);
        self.be_long(i64::from(crc));
        self.buf
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::verify_checksum;

    #[test]
    fn variable_length_numbers_take_seven_bits_a_byte() {
        let mut out = Output::new(Endian::Big);
        out.vint(0);
        out.vint(127);
        out.vint(128);
        out.vlong(u64::from(u32::MAX));
        assert_eq!(
            out.buf,
            [0x00, 0x7f, 0x80, 0x01, 0xff, 0xff, 0xff, 0xff, 0x0f]
        );
    }

    #[test]
    fn fixed_width_numbers_follow_the_file_endianness_but_headers_do_not() {
        let mut big = Output::new(Endian::Big);
        big.int(1);
        let mut little = Output::new(Endian::Little);
        little.int(1);
        little.header("x", 1);
        assert_eq!(big.buf, [0, 0, 0, 1]);
        assert_eq!(&little.buf[..4], [1, 0, 0, 0]);
        assert_eq!(&little.buf[4..8], CODEC_MAGIC.to_be_bytes());
        assert_eq!(&little.buf[10..], [0, 0, 0, 1]);
    }

    #[test]
    fn a_finished_file_verifies_against_its_footer() {
        let mut out = Output::new(Endian::Little);
        out.index_header("Test", 3, &[9; 16], "a");
        out.string("body");
        let file = out.finish();
        verify_checksum(&file, "t").unwrap();
        assert_eq!(
            &file[file.len() - 16..file.len() - 12],
            FOOTER_MAGIC.to_be_bytes()
        );
    }
}
