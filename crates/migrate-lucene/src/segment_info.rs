//! A segment's `.si`: the Lucene version that wrote it, its document count, whether it is a
//! compound file, and its files.
//!
//! Formats: `Lucene62SegmentInfo` (Lucene 6.2–6.x), `Lucene70SegmentInfo` (7.0–8.5, adds the
//! minimum version), `Lucene86SegmentInfo` (8.6–8.x), `Lucene90SegmentInfo` (9.x, little-endian;
//! from 9.9 on a has-blocks byte follows the compound flag). The index sort that ends the file is
//! not needed to read documents and is not parsed (the checksum still covers it).

use crate::codec::{Expect, ID_LEN};
use crate::error::Result;
use crate::file::LuceneFile;
use crate::input::Endian;

const CODECS: &[(&str, i32, i32)] = &[
    ("Lucene62SegmentInfo", 0, 1),
    ("Lucene70SegmentInfo", 0, 0),
    ("Lucene86SegmentInfo", 0, 0),
    ("Lucene90SegmentInfo", 0, 0),
];

/// What the reader needs of a `.si`.
#[derive(Debug, Clone)]
pub(crate) struct SegmentInfo {
    /// The Lucene version that wrote the segment, e.g. `[8, 7, 0]`.
    pub(crate) version: [i32; 3],
    pub(crate) max_doc: u32,
    pub(crate) compound: bool,
    /// What the writer's exactness tests rebuild the file from.
    #[cfg(test)]
    pub(crate) raw: RawSegmentInfo,
}

/// The parts of a `.si` the reader does not need.
#[cfg(test)]
#[derive(Debug, Clone)]
pub(crate) struct RawSegmentInfo {
    pub(crate) diagnostics: Vec<(String, String)>,
    pub(crate) files: Vec<String>,
    pub(crate) attributes: Vec<(String, String)>,
}

pub(crate) fn read_segment_info(file: &LuceneFile, id: &[u8; ID_LEN]) -> Result<SegmentInfo> {
    let file = file.read_checked(&Expect {
        codecs: CODECS,
        id,
        suffix: "",
    })?;
    let header = &file.header;
    let lucene9 = header.codec == "Lucene90SegmentInfo";
    let mut input = file.body(if lucene9 { Endian::Little } else { Endian::Big });
    let version = [input.i32()?, input.i32()?, input.i32()?];
    if header.codec != "Lucene62SegmentInfo" {
        match input.u8()? {
            0 => {}
            1 => {
                let _min_version = [input.i32()?, input.i32()?, input.i32()?];
            }
            b => return Err(input.corrupt(format!("invalid has-min-version byte {b}"))),
        }
    }
    let max_doc = input.i32()?;
    let Ok(max_doc) = u32::try_from(max_doc) else {
        return Err(input.corrupt(format!("invalid document count {max_doc}")));
    };
    let compound = match input.u8()? {
        1 => true,
        0xff | 0 => false,
        b => return Err(input.corrupt(format!("invalid compound-file byte {b}"))),
    };
    if lucene9 && version >= [9, 9, 0] {
        let _has_blocks = input.u8()?;
    }
    let diagnostics = input.map_of_strings()?;
    let files = input.set_of_strings()?;
    let attributes = input.map_of_strings()?;
    #[cfg(not(test))]
    let _ = (diagnostics, files, attributes);
    Ok(SegmentInfo {
        version,
        max_doc,
        compound,
        #[cfg(test)]
        raw: RawSegmentInfo {
            diagnostics,
            files,
            attributes,
        },
    })
}
