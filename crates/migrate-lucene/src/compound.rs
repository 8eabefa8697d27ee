//! Compound files: a segment's files packed into one `.cfs`, listed by its `.cfe`
//! (`Lucene50CompoundFormat` in Lucene 6–8, `Lucene90CompoundFormat` in Lucene 9).
//!
//! `.cfe`: index header, vint entry count, then per entry the file name without its segment name
//! (`.fdt`, `_Lucene80_0.dvd`), offset (long) and length (long) in the `.cfs`. The `.cfs` is an
//! index header, the sub-files (each a complete Lucene file with its own header and footer) and a
//! footer.

use std::collections::HashMap;

use crate::codec::{Expect, ID_LEN};
use crate::error::{Error, Result};
use crate::file::LuceneFile;
use crate::input::Endian;

const ENTRIES: &[(&str, i32, i32)] = &[
    ("Lucene50CompoundEntries", 0, 0),
    ("Lucene90CompoundEntries", 0, 0),
];

/// An opened and verified compound file.
pub(crate) struct Compound {
    data: LuceneFile,
    entries: HashMap<String, (u64, u64)>,
}

impl Compound {
    /// Reads `segment.cfe`, checks `segment.cfs` against it and verifies both checksums.
    pub(crate) fn open(
        cfe: &LuceneFile,
        cfs: LuceneFile,
        segment: &str,
        id: &[u8; ID_LEN],
    ) -> Result<Self> {
        let entries_file = cfe.read_checked(&Expect {
            codecs: ENTRIES,
            id,
            suffix: "",
        })?;
        let header = &entries_file.header;
        let lucene9 = header.codec.starts_with("Lucene90");
        let mut input = entries_file.body(if lucene9 { Endian::Little } else { Endian::Big });
        let count = input.vlen("compound entry count")?;
        let mut entries = HashMap::new();
        let mut total: u64 = 0;
        for _ in 0..count {
            let name = input.string()?;
            let offset = input.i64()?;
            let len = input.i64()?;
            let (Ok(offset), Ok(len)) = (u64::try_from(offset), u64::try_from(len)) else {
                return Err(input.corrupt(format!("negative offset or length for `{name}`")));
            };
            total = total.saturating_add(len);
            if entries.insert(name.clone(), (offset, len)).is_some() {
                return Err(input.corrupt(format!("duplicate entry `{name}`")));
            }
        }

        // the data file: header, sub-files, footer, nothing else
        let data_name = header.codec.replace("Entries", "Data");
        let data_codec = [(data_name.as_str(), 0, 0)];
        let data_start = cfs
            .check_head(&Expect {
                codecs: &data_codec,
                id,
                suffix: "",
            })?
            .body_offset() as u64;
        let data_end = cfs.len().saturating_sub(16);
        if let Some((name, _)) = entries.iter().find(|(_, (offset, len))| {
            *offset < data_start || offset.saturating_add(*len) > data_end
        }) {
            return Err(Error::corrupt(
                cfe.name(),
                format!(
                    "sub-file `{name}` lies outside `{segment}.cfs` ({} bytes)",
                    cfs.len()
                ),
            ));
        }
        // Lucene 6–8 pack the sub-files back to back; Lucene 9 aligns each to 8 bytes
        let expected = data_start.saturating_add(total).saturating_add(16);
        if header.codec.starts_with("Lucene50") && cfs.len() != expected {
            return Err(Error::corrupt(
                cfs.name(),
                format!(
                    "compound file is {} bytes, but `{segment}.cfe` lists {total} bytes of sub-files (expected {expected})",
                    cfs.len()
                ),
            ));
        }
        cfs.verify()?;
        Ok(Self { data: cfs, entries })
    }

    /// The sub-file `name` (a full file name such as `_0.fdt`), if the compound file has it.
    pub(crate) fn get(&self, segment: &str, name: &str) -> Result<Option<LuceneFile>> {
        let Some(key) = name.strip_prefix(segment) else {
            return Ok(None);
        };
        match self.entries.get(key) {
            Some(&(offset, len)) => Ok(Some(self.data.slice(name, offset, len)?)),
            None => Ok(None),
        }
    }
}
