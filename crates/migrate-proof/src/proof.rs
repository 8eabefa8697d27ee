//! The proof of one index pair: two side feeds sharing a spill directory, then the comparison.
//!
//! ```text
//! Proof::new(cfg, state_dir)            spill directory `state_dir/.proof-XXXX`, removed on drop
//!   ├─ source().slice() × n  ─┐          each thread/slice: add(record) | add_page(body) … commit()
//!   └─ destination().slice() × m ─┘      (hash, bucket, digest, buffer; spill past the budget)
//! proof.compare(index, findings, dead)  digests → differing buckets → drill-down → DocDiff
//! ```

use std::io::Write;
use std::path::Path;

use crate::compare::{DocDiff, compare};
use crate::config::ProofConfig;
use crate::error::ProofError;
use crate::findings::{DeadLetters, Findings};
use crate::side::{Side, SideFeed};

/// Most buckets a proof accepts (`2^24` × 24 bytes = 384 MiB per side would already be too many).
const MAX_BUCKETS_LOG2: u8 = 24;

/// The proof that one destination index equals its source index.
#[derive(Debug)]
pub struct Proof {
    cfg: ProofConfig,
    source: SideFeed,
    destination: SideFeed,
    // Last: removed after the feeds are gone.
    dir: tempfile::TempDir,
}

impl Proof {
    /// A proof whose spill files live in a new directory under `spill_under` (the state
    /// directory), removed when the proof is dropped.
    pub fn new(cfg: ProofConfig, spill_under: &Path) -> Result<Proof, ProofError> {
        if cfg.buckets_log2 > MAX_BUCKETS_LOG2 {
            return Err(ProofError::Config(format!(
                "`buckets_log2` is {}, more than {MAX_BUCKETS_LOG2}",
                cfg.buckets_log2
            )));
        }
        let dir = tempfile::Builder::new()
            .prefix(".proof-")
            .tempdir_in(spill_under)
            .map_err(|e| ProofError::io("creating a spill directory in", spill_under, e))?;
        Ok(Proof {
            source: SideFeed::new(Side::Source, &cfg, dir.path()),
            destination: SideFeed::new(Side::Destination, &cfg, dir.path()),
            cfg,
            dir,
        })
    }

    pub fn config(&self) -> &ProofConfig {
        &self.cfg
    }

    pub fn source(&self) -> &SideFeed {
        &self.source
    }

    pub fn destination(&self) -> &SideFeed {
        &self.destination
    }

    pub fn side(&self, side: Side) -> &SideFeed {
        match side {
            Side::Source => &self.source,
            Side::Destination => &self.destination,
        }
    }

    /// The spill directory (for tests and diagnostics).
    pub fn spill_dir(&self) -> &Path {
        self.dir.path()
    }

    /// Compares what the committed slices of both sides fed; every finding goes to `findings`
    /// under the name `index`. Slices still alive are not part of the comparison.
    pub fn compare<W: Write>(
        self,
        index: &str,
        findings: &mut Findings<W>,
        dead: &dyn DeadLetters,
    ) -> Result<DocDiff, ProofError> {
        let src = self.source.take();
        let dst = self.destination.take();
        compare(&self.cfg, index, &src, &dst, findings, dead)
    }
}
