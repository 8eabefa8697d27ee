//! The per-commit files: the commit point `segments_N` and a segment's live documents
//! (`_<seg>_<gen>.liv`), the inverses of [`crate::commit`] and [`crate::deletes`].
//!
//! `segments_N` (header suffix: N in base 36; fixed-width numbers big-endian in every version):
//! the Lucene version, the major version that created the index (7+), the version counter, the
//! segment-name counter, the segments — name, id, codec, deletion generation and count,
//! field-infos and doc-values generations (-1: none), soft-deletion count (7.4+), the
//! segment-commit id (8.6+) and the (empty) update-file lists — then the user data.

use super::format::LuceneFormat;
use super::output::Output;
use crate::codec::ID_LEN;
use crate::commit::radix36;
use crate::input::Endian;

/// One segment as the commit lists it.
pub(crate) struct CommitEntry<'a> {
    pub(crate) name: &'a str,
    pub(crate) id: &'a [u8; ID_LEN],
    /// The generation of its `.liv`, if it has deletions.
    pub(crate) del_gen: Option<u64>,
    pub(crate) del_count: u32,
    /// The segment-commit id (changes with each deletion generation).
    pub(crate) commit_id: &'a [u8; ID_LEN],
}

/// What the header and counters of a commit say.
pub(crate) struct CommitHeader<'a> {
    pub(crate) generation: u64,
    pub(crate) id: &'a [u8; ID_LEN],
    /// `SegmentInfos.version`: grows with every change.
    pub(crate) version: i64,
    /// The number the next new segment's name will use.
    pub(crate) counter: u64,
}

pub(crate) fn write_segments(
    format: LuceneFormat,
    header: &CommitHeader<'_>,
    segments: &[CommitEntry<'_>],
    user_data: &[(&str, &str)],
) -> Vec<u8> {
    let segments_format = format.segments_format();
    let mut out = Output::new(Endian::Big);
    out.index_header(
        "segments",
        segments_format,
        header.id,
        &radix36(header.generation),
    );
    let version = format.version();
    for v in version {
        out.vint(v as u32);
    }
    if let Some(major) = format.created_major() {
        out.vint(major);
    }
    out.be_long(header.version);
    if segments_format >= 8 {
        out.vlong(header.counter);
    } else {
        out.be_int(header.counter as i32);
    }
    out.be_int(segments.len() as i32);
    if !segments.is_empty() {
        for v in version {
            out.vint(v as u32);
        }
    }
    for segment in segments {
        out.string(segment.name);
        if segments_format < 7 {
            out.byte(1); // the segment has an id
        }
        out.bytes(segment.id);
        out.string(format.codec());
        out.be_long(segment.del_gen.map_or(-1, |g| g as i64));
        out.be_int(segment.del_count as i32);
        out.be_long(-1); // field-infos generation
        out.be_long(-1); // doc-values generation
        if segments_format >= 9 {
            out.be_int(0); // soft deletions
        }
        if segments_format >= 10 {
            out.byte(1);
            out.bytes(segment.commit_id);
        }
        out.set_of_strings::<&str>(&[]); // field-infos files
        out.be_int(0); // doc-values update files
    }
    out.map_of_strings(user_data);
    out.finish()
}

/// The `.liv` of generation `generation`: one bit per document, set when live.
pub(crate) fn write_live_docs(
    format: LuceneFormat,
    segment_id: &[u8; ID_LEN],
    generation: u64,
    live: &[u64],
) -> Vec<u8> {
    let mut out = Output::new(format.endian());
    out.index_header(
        format.live_docs_codec(),
        0,
        segment_id,
        &radix36(generation),
    );
    for &word in live {
        out.long(word as i64);
    }
    out.finish()
}
