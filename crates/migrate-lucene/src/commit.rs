//! The commit point `segments_N`: which segments make up the index and, per segment, its
//! deletion generation and counts, field-infos generation and doc-values update files.
//!
//! Formats read: 6 (Lucene 5.3–6.x, a has-id byte before each segment id), 7 (7.0–7.1), 8 (7.2–7.3,
//! the counter becomes a vlong), 9 (7.4–7.x, soft-delete count), 10 (8.6–9.x, per-commit segment
//! id). The fixed-width numbers of `segments_N` are big-endian in every version.

use crate::codec::{ID_LEN, check_header, check_suffix};
use crate::directory::Directory;
use crate::error::{Error, Result};
use crate::file::LuceneFile;
use crate::input::{Endian, Input};

const VERSION_53: i32 = 6;
const VERSION_70: i32 = 7;
const VERSION_72: i32 = 8;
const VERSION_74: i32 = 9;
const VERSION_86: i32 = 10;

/// One segment as a commit lists it.
#[derive(Debug, Clone)]
pub(crate) struct SegmentCommit {
    pub(crate) name: String,
    pub(crate) id: [u8; ID_LEN],
    pub(crate) codec: String,
    /// Generation of the `.liv` file; -1 when the segment has no hard deletes.
    pub(crate) del_gen: i64,
    pub(crate) del_count: u32,
    /// Generation of the field infos; -1 when they are in the segment's own `.fnm`.
    pub(crate) field_infos_gen: i64,
    /// Soft-deleted documents that are not hard-deleted; recorded since format 9 (Lucene 7.4).
    pub(crate) soft_del_count: Option<u32>,
}

/// A parsed `segments_N`.
#[derive(Debug, Clone)]
pub struct Commit {
    pub(crate) file_name: String,
    pub(crate) generation: u64,
    pub(crate) lucene_version: String,
    pub(crate) segments: Vec<SegmentCommit>,
    /// What the writer's exactness tests rebuild the file from.
    #[cfg(test)]
    pub(crate) raw: RawCommit,
}

/// The parts of a commit the reader does not need.
#[cfg(test)]
#[derive(Debug, Clone)]
pub(crate) struct RawCommit {
    pub(crate) id: [u8; ID_LEN],
    pub(crate) version: i64,
    pub(crate) counter: i64,
    pub(crate) user_data: Vec<(String, String)>,
}

impl Commit {
    /// The file this commit was read from (`segments_N`).
    pub fn file_name(&self) -> &str {
        &self.file_name
    }

    /// The commit generation (the `N` of `segments_N`, base 36 in the name).
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// The Lucene version that wrote the commit, e.g. `8.7.0`.
    pub fn lucene_version(&self) -> &str {
        &self.lucene_version
    }

    /// The names of the commit's segments, in commit order.
    pub fn segment_names(&self) -> impl Iterator<Item = &str> {
        self.segments.iter().map(|s| s.name.as_str())
    }
}

/// The generation of a `segments_N` file name, if it is one.
pub(crate) fn generation_of(name: &str) -> Option<u64> {
    let digits = name.strip_prefix("segments_")?;
    u64::from_str_radix(digits, 36).ok()
}

/// The newest `segments_N` of the directory.
pub(crate) fn latest_commit_file(dir: &dyn Directory) -> Result<String> {
    let names = dir.list().map_err(|source| Error::Io {
        file: "(directory listing)".into(),
        source,
    })?;
    names
        .iter()
        .filter_map(|n| generation_of(n).map(|g| (g, n)))
        .max()
        .map(|(_, n)| n.clone())
        .ok_or_else(|| {
            let mut names = names.clone();
            names.sort();
            Error::NoCommit {
                files: if names.is_empty() {
                    "none".into()
                } else {
                    names.join(", ")
                },
            }
        })
}

/// Reads and verifies the commit point `file_name`.
pub(crate) fn read_commit(dir: &dyn Directory, file_name: &str) -> Result<Commit> {
    let Some(generation) = generation_of(file_name) else {
        return Err(Error::unsupported(
            file_name,
            "not a commit point: the name must be `segments_N` (N in base 36)",
        ));
    };
    let file = LuceneFile::open(dir, file_name, "the caller")?;
    let bytes = file.read_verified()?;
    let mut input = Input::new(&bytes, file_name, Endian::Big);
    let header = check_header(&mut input, &[("segments", VERSION_53, VERSION_86)])?;
    let format = header.version;
    let mut id = [0u8; ID_LEN];
    id.copy_from_slice(input.bytes(ID_LEN)?);
    check_suffix(&mut input, &radix36(generation))?;

    let version = [input.vint()?, input.vint()?, input.vint()?];
    let lucene_version = format!("{}.{}.{}", version[0], version[1], version[2]);
    if format >= VERSION_70 {
        let _index_created_major = input.vint()?;
    }
    let version = input.be_i64()?;
    let counter = if format >= VERSION_72 {
        input.vlong()?
    } else {
        i64::from(input.be_i32()?)
    };
    let count = input.be_i32()?;
    let Ok(count) = usize::try_from(count) else {
        return Err(input.corrupt(format!("invalid segment count {count}")));
    };
    if count > 0 {
        let _min_segment_version = [input.vint()?, input.vint()?, input.vint()?];
    }
    if count > input.remaining() {
        return Err(input.corrupt(format!("{count} segments cannot fit in the file")));
    }
    let mut segments = Vec::with_capacity(count);
    for _ in 0..count {
        segments.push(read_segment(&mut input, format)?);
    }
    let user_data = input.map_of_strings()?;
    if input.remaining() != 16 {
        return Err(input.corrupt(format!(
            "{} unexpected bytes before the footer",
            input.remaining().saturating_sub(16)
        )));
    }
    #[cfg(not(test))]
    let _ = (version, counter, user_data);
    Ok(Commit {
        file_name: file_name.to_string(),
        generation,
        lucene_version,
        segments,
        #[cfg(test)]
        raw: RawCommit {
            id,
            version,
            counter,
            user_data,
        },
    })
}

fn read_segment(input: &mut Input<'_>, format: i32) -> Result<SegmentCommit> {
    let name = input.string()?;
    if !name.starts_with('_') || name.len() < 2 || name.contains(['/', '\\', '.']) {
        return Err(input.corrupt(format!("invalid segment name `{name}`")));
    }
    if format < VERSION_70 {
        match input.u8()? {
            1 => {}
            0 => {
                return Err(Error::unsupported(
                    input.name(),
                    format!(
                        "segment `{name}` was written by Lucene 4.x, which this reader does not support"
                    ),
                ));
            }
            b => return Err(input.corrupt(format!("invalid has-id byte {b}"))),
        }
    }
    let mut id = [0u8; ID_LEN];
    id.copy_from_slice(input.bytes(ID_LEN)?);
    let codec = input.string()?;
    let del_gen = input.be_i64()?;
    let del_count = input.be_i32()?;
    let field_infos_gen = input.be_i64()?;
    let _dv_gen = input.be_i64()?;
    let soft_del_count = if format >= VERSION_74 {
        Some(input.be_i32()?)
    } else {
        None
    };
    let (Ok(del_count), Ok(soft_del_count)) = (
        u32::try_from(del_count),
        soft_del_count.map(u32::try_from).transpose(),
    ) else {
        return Err(input.corrupt(format!("negative deletion count in segment `{name}`")));
    };
    if format >= VERSION_86 {
        match input.u8()? {
            1 => input.skip(ID_LEN)?,
            0 => {}
            b => return Err(input.corrupt(format!("invalid segment-commit id marker {b}"))),
        }
    }
    let _field_infos_files = input.set_of_strings()?;
    let dv_fields = input.be_i32()?;
    let Ok(dv_fields) = usize::try_from(dv_fields) else {
        return Err(input.corrupt(format!("invalid doc-values update field count {dv_fields}")));
    };
    for _ in 0..dv_fields {
        let _field = input.be_i32()?;
        let _files = input.set_of_strings()?;
    }
    Ok(SegmentCommit {
        name,
        id,
        codec,
        del_gen,
        del_count,
        field_infos_gen,
        soft_del_count,
    })
}

/// `n` in base 36 with lower-case digits (Java's `Long.toString(n, 36)`).
pub(crate) fn radix36(mut n: u64) -> String {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    loop {
        out.push(DIGITS[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8_lossy(&out).into_owned()
}

/// Checks the segment count against a verified file (used by tests of hand-built commits).
#[cfg(test)]
pub(crate) fn parse_for_test(bytes: &[u8]) -> Result<usize> {
    crate::codec::verify_checksum(bytes, "segments_1")?;
    let dir = {
        let mut d = crate::directory::MemoryDirectory::new();
        d.insert("segments_1", bytes.to_vec());
        d
    };
    Ok(read_commit(&dir, "segments_1")?.segments.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generations_are_base_36() {
        assert_eq!(generation_of("segments_a"), Some(10));
        assert_eq!(generation_of("segments_10"), Some(36));
        assert_eq!(generation_of("segments.gen"), None);
        assert_eq!(generation_of("pending_segments_2"), None);
        assert_eq!(radix36(0), "0");
        assert_eq!(radix36(10), "a");
        assert_eq!(radix36(36 * 36 + 35), "10z");
    }

    #[test]
    fn a_file_that_is_not_a_commit_is_rejected() {
        let err = parse_for_test(b"not a lucene file at all")
            .unwrap_err()
            .to_string();
        assert!(err.contains("segments_1"), "{err}");
    }
}
