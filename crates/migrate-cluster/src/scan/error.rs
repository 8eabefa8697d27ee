//! What can stop a scan: the cluster, a page that is not a complete answer, or an expired context.

use crate::error::ClusterError;
use crate::scan::cursor::ScanCursor;

#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error(transparent)]
    Cluster(#[from] ClusterError),
    /// The scroll or PIT the cursor names is gone (expired, or the node holding it restarted).
    /// Nothing continues it: restart the slice with [`crate::scan::SliceReader::restart`] and drop
    /// whatever the slice delivered so far.
    #[error(
        "the {method:?} context of slice {slice} of `{index}` expired after {docs} documents; the slice must be read again from the beginning",
        method = cursor.method, slice = cursor.slice, index = cursor.index, docs = cursor.docs
    )]
    Expired { cursor: Box<ScanCursor> },
    /// A page came back incomplete: shards failed or the search timed out, so documents would be
    /// missing from the scan.
    #[error("a scan page of `{index}` is incomplete: {detail}")]
    Incomplete { index: String, detail: String },
    /// A page is not a search response.
    #[error("a scan page of `{index}` is not a search response: {detail}")]
    Page { index: String, detail: String },
}

impl ScanError {
    pub fn is_expired(&self) -> bool {
        matches!(self, ScanError::Expired { .. })
    }
}
