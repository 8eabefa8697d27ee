//! Errors of the proof: a record that cannot be taken, spill-file and findings-file I/O, damage.

use std::io;
use std::path::PathBuf;

use thiserror::Error;

use crate::page::PageError;
use crate::record::RecordError;

#[derive(Debug, Error)]
pub enum ProofError {
    #[error(transparent)]
    Record(#[from] RecordError),
    #[error(transparent)]
    Page(#[from] PageError),
    #[error("{doing} `{}`: {source}; check that the state directory is writable and has free space", path.display())]
    Io {
        doing: &'static str,
        path: PathBuf,
        source: io::Error,
    },
    #[error("spill file `{}` is damaged at byte {offset}: {what}; run the verification again", path.display())]
    Damaged {
        path: PathBuf,
        offset: u64,
        what: String,
    },
    #[error("invalid proof configuration: {0}")]
    Config(String),
    #[error("writing the findings: {0}")]
    Findings(io::Error),
}

impl ProofError {
    pub(crate) fn io(doing: &'static str, path: impl Into<PathBuf>, source: io::Error) -> Self {
        ProofError::Io {
            doing,
            path: path.into(),
            source,
        }
    }
}
