//! Resolves a segment's file names: files packed in its compound file come from there, the
//! others (`.si`, `.liv`, generational field infos and doc-values updates) from the directory.

use std::sync::Arc;

use crate::compound::Compound;
use crate::directory::Directory;
use crate::error::Result;
use crate::file::LuceneFile;

pub(crate) struct SegmentFiles {
    pub(crate) dir: Arc<dyn Directory>,
    pub(crate) segment: String,
    pub(crate) compound: Option<Compound>,
}

impl SegmentFiles {
    /// Opens `name`: from the compound file when the segment has one and `name` is in it,
    /// otherwise from the directory. `referenced_by` is named if the file is missing.
    pub(crate) fn open(&self, name: &str, referenced_by: &str) -> Result<LuceneFile> {
        if let Some(compound) = &self.compound
            && let Some(file) = compound.get(&self.segment, name)?
        {
            return Ok(file);
        }
        LuceneFile::open(self.dir.as_ref(), name, referenced_by)
    }

    /// Opens `name` if it exists (compound file or directory).
    pub(crate) fn open_optional(&self, name: &str) -> Result<Option<LuceneFile>> {
        match self.open(name, "") {
            Ok(file) => Ok(Some(file)),
            Err(crate::error::Error::Missing { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }
}
