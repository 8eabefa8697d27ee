//! The scan reader: every live document of one index (`_id`, `_source`, `_routing`, `_type` on
//! 5.x/6.x), once, in pages of bounded size, for the verification proof and the copy strategies.
//!
//! ```text
//! let scan = Scan::new(&client, requests::scan::scan(side, index, 1000), 4).await?;
//! for k in 0..scan.slices() {                  // PIT: one sweep; scroll: `slices` slices
//!     let mut r = scan.slice(k);                // or scan.resume(saved_cursor)?
//!     loop match r.next_page().await {
//!         Ok(Some(page)) => consume(page.body / page.docs()), save r.cursor(),
//!         Ok(None) => break,                    // read to the end, context closed
//!         Err(e) if e.is_expired() => { drop what the slice gave; r.restart() }
//!         Err(e) => return Err(e),
//!     }
//! }
//! ```
//!
//! The sweep is the quirks table's `pit_paging`: a point in time with `search_after` on `_doc`
//! (ES 7.12+, whose PIT searches add the `_shard_doc` tiebreaker) or a scroll on `_doc`, sliced
//! (`slice: {id, max}`) when more than one slice is asked for. A page is handed out only when every
//! shard answered (a shard failure or a timeout is [`ScanError::Incomplete`]). A cursor serializes
//! (the PIT id and last sort values, or the scroll id): [`Scan::resume`] continues it while the
//! context lives.
//!
//! A scroll sorts on the version's tiebreaker (`_uid` on ES 5.x/6.x, `_id` on ES 7.x and
//! OpenSearch: quirks `scan_tiebreaker`), so the last hit's sort value is a position that outlives
//! the context: when the scroll expired (or a resumed run finds a scroll it cannot trust), the slice
//! reopens after that value with `search_after` on the same field, restricted with
//! `preference=_shards:…` to the whole shards the slice covers (a scroll refuses `search_after`,
//! and a plain search refuses `slice`). Nothing read is read again and nothing is skipped. Only a
//! slice that is a hash share of a shard (more slices than shards) cannot be selected that way:
//! its expiry is [`ScanError::Expired`] and the slice is restarted explicitly, counted in the
//! cursor.

mod cursor;
mod error;
mod page;
mod reader;

pub use cursor::{Position, ScanCursor, ScanMethod};
pub use error::ScanError;
pub use page::{ScanDoc, ScanPage};
pub use reader::SliceReader;

use migrate_core::request::ScanRequests;

use crate::client::ClusterClient;

/// The scan of one index on one cluster.
#[derive(Debug)]
pub struct Scan<'c> {
    client: &'c ClusterClient,
    reqs: ScanRequests,
    method: ScanMethod,
    slices: u32,
    /// The field a scroll sorts on so that it can reopen by position (quirks `scan_tiebreaker`);
    /// `None`: `_doc` (a PIT sweep, or a version without one).
    tiebreaker: Option<&'static str>,
}

/// Most slices a scroll is split into (the default `index.max_slices_per_scroll`).
pub const MAX_SLICES: u32 = 1024;

impl<'c> Scan<'c> {
    /// A scan of `reqs.index` through `client`, in up to `slices` slices where the sweep is a
    /// scroll (a PIT sweep reads in one).
    pub async fn new(
        client: &'c ClusterClient,
        reqs: ScanRequests,
        slices: u32,
    ) -> Result<Scan<'c>, ScanError> {
        let quirks = client.quirks().await?;
        let method = if quirks.pit_paging() {
            ScanMethod::Pit
        } else {
            ScanMethod::Scroll
        };
        // Shard numbers (the reopen's `preference`) name the shards of one index: a pattern or a
        // list scans with `_doc` and restarts an expired slice.
        let one_index = !reqs.index.contains(['*', ',']);
        let tiebreaker = match method {
            ScanMethod::Scroll if one_index => quirks.scan_tiebreaker(),
            _ => None,
        };
        let slices = match method {
            ScanMethod::Pit => 1,
            ScanMethod::Scroll => slices.clamp(1, MAX_SLICES),
        };
        Ok(Scan {
            client,
            reqs,
            method,
            slices,
            tiebreaker,
        })
    }

    /// The field a scroll sorts on (`_uid`, `_id`), `None` when it sorts on `_doc`.
    pub fn tiebreaker(&self) -> Option<&'static str> {
        self.tiebreaker
    }

    pub fn method(&self) -> ScanMethod {
        self.method
    }

    pub fn slices(&self) -> u32 {
        self.slices
    }

    pub fn index(&self) -> &str {
        &self.reqs.index
    }

    /// Slice `k` (`0..slices()`), from the beginning.
    pub fn slice(&self, k: u32) -> SliceReader<'_> {
        SliceReader {
            scan: self,
            cursor: ScanCursor::new(
                &self.reqs.index,
                self.method,
                k.min(self.slices - 1),
                self.slices,
            ),
        }
    }

    /// Continues a saved cursor. It must be one of this scan's (same index, sweep and slicing):
    /// a cursor from another sweep cannot be continued, and is refused rather than restarted.
    pub fn resume(&self, cursor: ScanCursor) -> Result<SliceReader<'_>, ScanError> {
        if cursor.index != self.reqs.index
            || cursor.method != self.method
            || cursor.of != self.slices
            || cursor.slice >= self.slices
        {
            return Err(ScanError::Page {
                index: self.reqs.index.clone(),
                detail: format!(
                    "the saved cursor (index `{}`, {:?}, slice {} of {}) is not one of this scan ({:?}, {} slices)",
                    cursor.index, cursor.method, cursor.slice, cursor.of, self.method, self.slices
                ),
            });
        }
        Ok(SliceReader { scan: self, cursor })
    }
}
