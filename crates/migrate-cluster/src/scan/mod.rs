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
//! A PIT sweep is sliced only when the caller asks for it ([`Scan::with_pit_slices`]) and the
//! version slices points in time (quirks `pit_slicing`, ES 7.15+): the slices share ONE point in
//! time, which the caller opens ([`Scan::open_pit`]), hands to every slice ([`Scan::slice_in`]) and
//! closes once every slice is read ([`Scan::close_pit`]); a slice reaching its end leaves it open.
//! Slices of one point in time partition its documents; slices of two different points in time
//! need not (a slice may be a share of a shard by Lucene document number), so when the point in
//! time expired every slice starts again in a new one.
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

use migrate_core::request::Fills;
use migrate_core::request::ScanRequests;
use migrate_core::request::scan::PIT_ID;
use serde_json::Value;

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

    /// A scan whose point-in-time sweep (where the version has it) is read in up to `slices`
    /// slices sharing one point in time, where the version slices one (quirks `pit_slicing`) and
    /// the planned PIT page has a `slice` slot; elsewhere as [`Scan::new`].
    pub async fn with_pit_slices(
        client: &'c ClusterClient,
        reqs: ScanRequests,
        slices: u32,
    ) -> Result<Scan<'c>, ScanError> {
        let sliceable = reqs
            .pit_page
            .body
            .as_ref()
            .is_some_and(|b| b.to_value().get("slice").is_some());
        let mut scan = Scan::new(client, reqs, slices).await?;
        if scan.method == ScanMethod::Pit && sliceable && client.quirks().await?.pit_slicing() {
            scan.slices = slices.clamp(1, MAX_SLICES);
        }
        Ok(scan)
    }

    /// Whether the slices share one point in time the caller opens and closes.
    pub fn shared_pit(&self) -> bool {
        self.method == ScanMethod::Pit && self.slices > 1
    }

    /// Opens the point in time the slices of a [`Scan::shared_pit`] scan read in; its id.
    pub async fn open_pit(&self) -> Result<String, ScanError> {
        let raw = self
            .client
            .execute(&self.reqs.open_pit, &Fills::new())
            .await?;
        let body: Value = crate::client::decode(&self.reqs.open_pit, &raw)?;
        // ES answers `{"id": …}`, OpenSearch `{"pit_id": …}`.
        body.get("id")
            .or_else(|| body.get("pit_id"))
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| ScanError::Page {
                index: self.reqs.index.clone(),
                detail: "opening a point in time answered without an id".into(),
            })
    }

    /// Releases a shared point in time (one already gone is fine: it expires on its own).
    pub async fn close_pit(&self, id: &str) {
        let fills = Fills::new().set(PIT_ID, id);
        if let Err(e) = self
            .client
            .execute_allowing(&self.reqs.close_pit, &fills, &[404])
            .await
        {
            tracing::warn!(index = %self.reqs.index, error = %e, "could not release a point in time; it expires on its own");
        }
    }

    /// Slice `k` of a [`Scan::shared_pit`] scan, from the beginning, in the point in time `pit`.
    pub fn slice_in(&self, k: u32, pit: &str) -> SliceReader<'_> {
        let mut r = self.slice(k);
        r.cursor.position = Position::Pit {
            id: pit.to_owned(),
            after: None,
        };
        r
    }

    /// The `slice` of cursor slice `k` of `of` (none when the scan reads in one slice).
    pub(crate) fn slice_fill(slice: u32, of: u32) -> Option<Value> {
        (of > 1).then(|| serde_json::json!({"id": slice, "max": of}))
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
