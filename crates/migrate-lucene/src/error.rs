//! The crate's error: every variant names the Lucene file it is about.

/// What went wrong reading a Lucene index. The `file` of each variant is the Lucene file name
/// (for a file inside a compound file: `_0.fdt in _0.cfs`), so a message always says where.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The directory could not read a file.
    #[error("`{file}`: {source}")]
    Io {
        file: String,
        #[source]
        source: std::io::Error,
    },
    /// A file the index refers to is not in the directory.
    #[error("`{file}` is missing from the Lucene directory (referenced by `{referenced_by}`)")]
    Missing { file: String, referenced_by: String },
    /// The directory holds no commit point (`segments_N`).
    #[error("no Lucene commit (`segments_N` file) in the directory; files: {files}")]
    NoCommit { files: String },
    /// A file's bytes are not what its format says: bad checksum, truncated, out-of-range value.
    #[error("`{file}`: {detail}")]
    Corrupt { file: String, detail: String },
    /// A well-formed file in a format (codec, version) this reader does not know.
    #[error("`{file}`: {detail}")]
    Unsupported { file: String, detail: String },
    /// A segment name the commit does not list.
    #[error("commit `{commit}` has no segment `{segment}` (segments: {segments})")]
    NoSuchSegment {
        segment: String,
        commit: String,
        segments: String,
    },
    /// A resume position that does not fit the commit being read.
    #[error("cannot resume after segment `{segment}` doc {doc}: {detail}")]
    BadPosition {
        segment: String,
        doc: u32,
        detail: String,
    },
}

impl Error {
    pub(crate) fn corrupt(file: impl Into<String>, detail: impl Into<String>) -> Self {
        Error::Corrupt {
            file: file.into(),
            detail: detail.into(),
        }
    }

    pub(crate) fn unsupported(file: impl Into<String>, detail: impl Into<String>) -> Self {
        Error::Unsupported {
            file: file.into(),
            detail: detail.into(),
        }
    }
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
