//! Lucene's codec header and checksum footer (`CodecUtil`), present on every file since Lucene 5.
//!
//! Header: magic `0x3fd76c17`, codec name (vint-prefixed ASCII), version (int); an *index* header
//! adds the 16-byte segment (or commit) id and a suffix (byte-prefixed). Footer: magic
//! `!0x3fd76c17`, algorithm id 0, and the CRC32 of every byte before the checksum as a long. All
//! big-endian in every Lucene version.

use crate::error::{Error, Result};
use crate::input::Input;

pub(crate) const CODEC_MAGIC: i32 = 0x3fd7_6c17;
pub(crate) const FOOTER_MAGIC: i32 = !CODEC_MAGIC;
pub(crate) const FOOTER_LEN: usize = 16;
pub(crate) const ID_LEN: usize = 16;

/// A parsed index header.
#[derive(Debug, Clone)]
pub(crate) struct IndexHeader {
    pub(crate) codec: String,
    pub(crate) version: i32,
}

/// What a file's index header must say.
pub(crate) struct Expect<'a> {
    /// Accepted codec names with their accepted version range.
    pub(crate) codecs: &'a [(&'a str, i32, i32)],
    /// The segment's (or commit's) id.
    pub(crate) id: &'a [u8; ID_LEN],
    pub(crate) suffix: &'a str,
}

/// Reads the magic, codec name and version; checks the name and version against `codecs`.
pub(crate) fn check_header(
    input: &mut Input<'_>,
    codecs: &[(&str, i32, i32)],
) -> Result<IndexHeader> {
    let magic = input.be_i32()?;
    if magic != CODEC_MAGIC {
        return Err(input.corrupt(format!(
            "not a Lucene file: codec header magic is 0x{:08x}, expected 0x{CODEC_MAGIC:08x}",
            magic as u32
        )));
    }
    let len = input.vlen("codec name length")?;
    let name = input.bytes(len.min(input.remaining()).min(256))?;
    if name.len() != len || !name.iter().all(|b| b.is_ascii_graphic()) {
        return Err(input.corrupt("codec name is not ASCII"));
    }
    let codec = String::from_utf8_lossy(name).into_owned();
    let version = input.be_i32()?;
    let Some(&(_, min, max)) = codecs.iter().find(|(name, _, _)| *name == codec) else {
        let known: Vec<String> = codecs.iter().map(|(n, _, _)| format!("`{n}`")).collect();
        return Err(Error::unsupported(
            input.name(),
            format!(
                "unsupported codec `{codec}` (this reader knows {})",
                known.join(", ")
            ),
        ));
    };
    if version < min || version > max {
        return Err(Error::unsupported(
            input.name(),
            format!(
                "unsupported version {version} of codec `{codec}` (this reader knows {min} to {max})"
            ),
        ));
    }
    Ok(IndexHeader { codec, version })
}

/// Reads and checks a full index header (codec, version, id, suffix).
pub(crate) fn check_index_header(
    input: &mut Input<'_>,
    expect: &Expect<'_>,
) -> Result<IndexHeader> {
    let header = check_header(input, expect.codecs)?;
    check_id_and_suffix(input, expect.id, expect.suffix)?;
    Ok(header)
}

pub(crate) fn check_id_and_suffix(
    input: &mut Input<'_>,
    id: &[u8; ID_LEN],
    suffix: &str,
) -> Result<()> {
    let actual = input.bytes(ID_LEN)?;
    if actual != id {
        return Err(input.corrupt(format!(
            "file belongs to another segment: its id is {}, expected {}",
            hex(actual),
            hex(id)
        )));
    }
    check_suffix(input, suffix)
}

pub(crate) fn check_suffix(input: &mut Input<'_>, suffix: &str) -> Result<()> {
    let len = usize::from(input.u8()?);
    let actual = input.bytes(len)?;
    if actual != suffix.as_bytes() {
        return Err(input.corrupt(format!(
            "file suffix is `{}`, expected `{suffix}`",
            String::from_utf8_lossy(actual)
        )));
    }
    Ok(())
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Checks the footer of a whole file held in `bytes` and the CRC32 of its content.
pub(crate) fn verify_checksum(bytes: &[u8], name: &str) -> Result<()> {
    let expected = read_footer(bytes, name)?;
    let actual = crc32fast::hash(&bytes[..bytes.len() - 8]);
    check_crc(name, expected, actual)
}

/// Parses the 16-byte footer at the end of `bytes` (the whole file, or its last 16 bytes) and
/// returns the checksum it records.
pub(crate) fn read_footer(bytes: &[u8], name: &str) -> Result<u32> {
    if bytes.len() < FOOTER_LEN {
        return Err(Error::corrupt(
            name,
            format!(
                "truncated: {} bytes is too short for a codec footer",
                bytes.len()
            ),
        ));
    }
    let footer = &bytes[bytes.len() - FOOTER_LEN..];
    let magic = i32::from_be_bytes([footer[0], footer[1], footer[2], footer[3]]);
    if magic != FOOTER_MAGIC {
        return Err(Error::corrupt(
            name,
            format!(
                "codec footer magic is 0x{:08x}, expected 0x{:08x} (file truncated or extended?)",
                magic as u32, FOOTER_MAGIC as u32
            ),
        ));
    }
    let algorithm = i32::from_be_bytes([footer[4], footer[5], footer[6], footer[7]]);
    if algorithm != 0 {
        return Err(Error::corrupt(
            name,
            format!("unknown checksum algorithm {algorithm} in the codec footer"),
        ));
    }
    let mut raw = [0u8; 8];
    raw.copy_from_slice(&footer[8..]);
    let checksum = u64::from_be_bytes(raw);
    u32::try_from(checksum).map_err(|_| {
        Error::corrupt(
            name,
            format!("illegal CRC32 0x{checksum:016x} in the codec footer"),
        )
    })
}

pub(crate) fn check_crc(name: &str, expected: u32, actual: u32) -> Result<()> {
    if expected != actual {
        return Err(Error::corrupt(
            name,
            format!(
                "checksum mismatch (footer says 0x{expected:08x}, content hashes to 0x{actual:08x})"
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::Endian;

    fn file_with(codec: &str, version: i32, id: &[u8; 16], suffix: &str, body: &[u8]) -> Vec<u8> {
        let mut out = CODEC_MAGIC.to_be_bytes().to_vec();
        out.push(codec.len() as u8);
        out.extend_from_slice(codec.as_bytes());
        out.extend_from_slice(&version.to_be_bytes());
        out.extend_from_slice(id);
        out.push(suffix.len() as u8);
        out.extend_from_slice(suffix.as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(&FOOTER_MAGIC.to_be_bytes());
        out.extend_from_slice(&0i32.to_be_bytes());
        let crc = crc32fast::hash(&out);
        out.extend_from_slice(&u64::from(crc).to_be_bytes());
        out
    }

    const ID: [u8; 16] = [7; 16];

    fn check(bytes: &[u8]) -> Result<IndexHeader> {
        verify_checksum(bytes, "_0.x")?;
        let mut input = Input::new(bytes, "_0.x", Endian::Big);
        check_index_header(
            &mut input,
            &Expect {
                codecs: &[("Lucene80Test", 0, 2)],
                id: &ID,
                suffix: "1",
            },
        )
    }

    #[test]
    fn a_well_formed_header_and_footer_pass() {
        let header = check(&file_with("Lucene80Test", 1, &ID, "1", b"body")).unwrap();
        assert_eq!((header.codec.as_str(), header.version), ("Lucene80Test", 1));
    }

    #[test]
    fn a_flipped_byte_is_a_checksum_mismatch_naming_both_sums() {
        let mut bytes = file_with("Lucene80Test", 1, &ID, "1", b"body");
        let at = bytes.len() - 18;
        bytes[at] ^= 1;
        let err = check(&bytes).unwrap_err().to_string();
        assert!(
            err.starts_with("`_0.x`: checksum mismatch (footer says 0x"),
            "{err}"
        );
    }

    #[test]
    fn unknown_codecs_versions_ids_and_suffixes_are_named() {
        let err = check(&file_with("Lucene95Test", 1, &ID, "1", b""))
            .unwrap_err()
            .to_string();
        assert!(err.contains("unsupported codec `Lucene95Test`"), "{err}");
        let err = check(&file_with("Lucene80Test", 3, &ID, "1", b""))
            .unwrap_err()
            .to_string();
        assert!(err.contains("unsupported version 3"), "{err}");
        let err = check(&file_with("Lucene80Test", 0, &[8; 16], "1", b""))
            .unwrap_err()
            .to_string();
        assert!(err.contains("belongs to another segment"), "{err}");
        let err = check(&file_with("Lucene80Test", 0, &ID, "2", b""))
            .unwrap_err()
            .to_string();
        assert!(err.contains("suffix is `2`, expected `1`"), "{err}");
    }

    #[test]
    fn a_truncated_file_has_no_footer() {
        let bytes = file_with("Lucene80Test", 1, &ID, "1", b"body");
        let err = check(&bytes[..bytes.len() - 3]).unwrap_err().to_string();
        assert!(err.contains("footer magic"), "{err}");
        let err = check(&bytes[..10]).unwrap_err().to_string();
        assert!(err.contains("too short"), "{err}");
    }
}
