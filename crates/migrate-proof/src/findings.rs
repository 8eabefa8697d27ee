//! The findings of a document comparison: one JSON line per document that differs, written to the
//! file the caller gives, with a count and the first few ids kept in memory for the report.
//!
//! A line: `{"index":"movies","id":"42","kind":"missing","routing":"r"}`; `kind` is `missing` (on
//! the destination), `extra` (on the destination) or `differing`, which adds `differs` (any of
//! `content`, `routing`, `copies`) and the destination's routing as `destination_routing` when it
//! differs from the source's (absent: the destination has none). `routing` is the source's (the
//! destination's for `extra`); `copies` means one side holds the id more often (several shards). A document the run dead-lettered carries
//! `"dead_lettered": true` and is counted apart: a known gap, not a failure.

use std::collections::{BTreeSet, HashSet};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use serde::Serialize;

use crate::error::ProofError;
use crate::report::Column;

/// What is wrong with one document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Missing,
    Extra,
    Differing,
}

/// One JSON line of the findings file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding<'a> {
    pub index: &'a str,
    pub id: &'a str,
    pub kind: Kind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub routing: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destination_routing: Option<&'a str>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub differs: &'a [&'static str],
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub dead_lettered: bool,
}

/// Ids the run could not write and set aside (its dead-letter list).
pub trait DeadLetters {
    fn contains(&self, id: &str) -> bool;
}

/// No dead letters.
pub struct NoDeadLetters;

impl DeadLetters for NoDeadLetters {
    fn contains(&self, _: &str) -> bool {
        false
    }
}

impl DeadLetters for HashSet<String> {
    fn contains(&self, id: &str) -> bool {
        HashSet::contains(self, id)
    }
}

impl DeadLetters for BTreeSet<String> {
    fn contains(&self, id: &str) -> bool {
        BTreeSet::contains(self, id)
    }
}

/// Where findings go: a JSONL writer shared by every index of a run.
pub struct Findings<W: Write> {
    out: W,
    examples: usize,
    lines: u64,
}

impl Findings<BufWriter<File>> {
    /// A findings file at `path` (created or truncated).
    pub fn create(path: &Path, examples: usize) -> Result<Self, ProofError> {
        let file =
            File::create(path).map_err(|e| ProofError::io("creating findings file", path, e))?;
        Ok(Findings::new(BufWriter::new(file), examples))
    }
}

impl<W: Write> Findings<W> {
    pub fn new(out: W, examples: usize) -> Findings<W> {
        Findings {
            out,
            examples,
            lines: 0,
        }
    }

    /// Lines written so far.
    pub fn lines(&self) -> u64 {
        self.lines
    }

    /// Writes one finding and counts it in `column`.
    pub(crate) fn record(
        &mut self,
        f: &Finding<'_>,
        column: &mut Column,
    ) -> Result<(), ProofError> {
        serde_json::to_writer(&mut self.out, f).map_err(|e| ProofError::Findings(e.into()))?;
        self.out.write_all(b"\n").map_err(ProofError::Findings)?;
        self.lines += 1;
        column.count += 1;
        if column.examples.len() < self.examples {
            column.examples.push(f.id.to_owned());
        }
        Ok(())
    }

    /// Flushes and returns the writer.
    pub fn finish(mut self) -> Result<W, ProofError> {
        self.out.flush().map_err(ProofError::Findings)?;
        Ok(self.out)
    }
}
