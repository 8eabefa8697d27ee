//! Where a slice of a scan stands, serializable (the checkpoint keeps it): the open PIT and the last
//! sort values, or the open scroll, plus what was read so far and how often the slice restarted.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// How a scan reads: decided once per cluster by the quirks table's `pit_paging`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScanMethod {
    /// A point in time paged with `search_after` on `_doc` (one sweep).
    Pit,
    /// A scroll sorted on `_doc`, sliced when more than one slice is asked for.
    Scroll,
}

/// The position of one slice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "at", rename_all = "snake_case")]
pub enum Position {
    /// Nothing opened yet.
    Start,
    /// In a point in time, after `after` (the last hit's sort values; `None` before the first page).
    Pit { id: String, after: Option<Value> },
    /// In a scroll; `last_sort` is the last hit's sort values, for diagnostics.
    Scroll {
        id: String,
        last_sort: Option<Value>,
    },
    /// Every document was read and the context closed (or left to expire).
    Done,
}

/// One slice's cursor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScanCursor {
    pub index: String,
    pub method: ScanMethod,
    /// This slice, `0..of`.
    pub slice: u32,
    /// How many slices the scan has (1: no slicing).
    pub of: u32,
    pub position: Position,
    /// Pages and documents read since the slice last started from the beginning.
    pub pages: u64,
    pub docs: u64,
    /// How often the slice was explicitly restarted from the beginning (its context expired).
    pub restarts: u32,
}

impl ScanCursor {
    pub fn new(index: &str, method: ScanMethod, slice: u32, of: u32) -> ScanCursor {
        ScanCursor {
            index: index.to_owned(),
            method,
            slice,
            of,
            position: Position::Start,
            pages: 0,
            docs: 0,
            restarts: 0,
        }
    }

    pub fn is_done(&self) -> bool {
        self.position == Position::Done
    }

    /// The open PIT or scroll id, if any.
    pub fn context(&self) -> Option<&str> {
        match &self.position {
            Position::Pit { id, .. } | Position::Scroll { id, .. } => Some(id),
            Position::Start | Position::Done => None,
        }
    }
}
