//! The requests of a full scan of one index (every live document once: `_id`, `_source`,
//! `_routing`, `_type` on 5.x/6.x). The type lives here, between the builder (migrate-graph's
//! `requests::scan`, which fills it once per index) and the reader that sends it
//! (migrate-cluster's `scan`), so both sides name the same requests and slots.
//!
//! Which of the two sweeps a cluster gets is the quirks table's `pit_paging`: a point in time paged
//! with `search_after` on `_doc`, or a (sliced) scroll sorted on `_doc`.

use super::{Request, Slot};

/// The PIT id a page is searched in (and the PIT that is closed).
pub const PIT_ID: Slot = Slot::new("pit id", "the point in time opened for this scan");
/// The `search_after` of a PIT page: the last hit's sort values; absent on the first page.
pub const SEARCH_AFTER: Slot = Slot::new(
    "search after",
    "the previous page's last sort values (left out on the first page)",
);
/// The `slice` of a sliced scroll; absent when the scan reads in one slice.
pub const SLICE: Slot = Slot::new(
    "slice",
    "{id, max} of this slice (left out when the scan reads in one slice)",
);
/// The sort of a scroll: `["_doc"]`, or the version's tiebreaker (quirks `scan_tiebreaker`) so that
/// an expired scroll reopens after the last document read.
pub const SORT: Slot = Slot::new(
    "sort",
    "[\"_doc\"], or [\"_uid\"] (ES 5.x/6.x) / [\"_id\"] (ES 7.x, OpenSearch) where the scroll may have to reopen by position",
);
/// The shards a reopened slice reads (`_shards:0,3`): the whole shards its slice covers.
pub const PREFERENCE: Slot = Slot::new("preference", "_shards:{the shards of this slice}");
/// The scroll id a scroll page continues.
pub const SCROLL_ID: Slot = Slot::new("scroll id", "the scroll id the previous page returned");

/// Every request a scan of one index may send, on one side.
#[derive(Debug, Clone, PartialEq)]
pub struct ScanRequests {
    /// The concrete index scanned.
    pub index: String,
    /// Hits per page (bounded: at most 10,000, the default `index.max_result_window`).
    pub page_size: u32,
    /// `POST /{index}/_pit?keep_alive=…` (ES 7.12+).
    pub open_pit: Request,
    /// `POST /_search` in the PIT, sorted on `_doc`, after [`SEARCH_AFTER`].
    pub pit_page: Request,
    /// `DELETE /_pit` with [`PIT_ID`].
    pub close_pit: Request,
    /// `POST /{index}/_search?scroll=…` sorted on `_doc`, in [`SLICE`].
    pub open_scroll: Request,
    /// `POST /_search/scroll` with [`SCROLL_ID`].
    pub next_scroll: Request,
    /// `DELETE /_search/scroll` with [`SCROLL_ID`].
    pub clear_scroll: Request,
    /// `POST /{index}/_search?preference=_shards:…` sorted on the tiebreaker, after
    /// [`SEARCH_AFTER`]: the rest of a slice whose scroll expired, read from its last document on.
    pub after_page: Request,
}

impl ScanRequests {
    /// Every request, in the order previews list them.
    pub fn list(&self) -> Vec<Request> {
        vec![
            self.open_pit.clone(),
            self.pit_page.clone(),
            self.close_pit.clone(),
            self.open_scroll.clone(),
            self.next_scroll.clone(),
            self.clear_scroll.clone(),
            self.after_page.clone(),
        ]
    }
}
