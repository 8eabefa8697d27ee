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
    /// In a scroll; `last_sort` is the last hit's sort values (on the version's tiebreaker, the
    /// position an expired scroll reopens after).
    Scroll {
        id: String,
        last_sort: Option<Value>,
    },
    /// The rest of a slice whose scroll expired (or was left by an interrupted run), read with
    /// `search_after` on the tiebreaker in the shards the slice covers, after `after`.
    After { after: Value },
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
    /// The shards the scroll searched (its first page's `_shards.total`): which shards a slice
    /// covers, for reopening it by position.
    #[serde(default)]
    pub shards: Option<u32>,
    /// How often the slice was reopened after its last document (an expired or abandoned scroll).
    #[serde(default)]
    pub reopens: u32,
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
            shards: None,
            reopens: 0,
        }
    }

    pub fn is_done(&self) -> bool {
        self.position == Position::Done
    }

    /// The open PIT or scroll id, if any.
    pub fn context(&self) -> Option<&str> {
        match &self.position {
            Position::Pit { id, .. } | Position::Scroll { id, .. } => Some(id),
            Position::Start | Position::After { .. } | Position::Done => None,
        }
    }

    /// The shards this slice covers when they are whole shards (`_shards:…` reads exactly the
    /// slice): one slice reads every shard; `of` slices over more than one shard, at most one a
    /// slice, take the shards `shard % of == slice` (as the servers' slice filter does). `None`
    /// when a slice is a hash share of a shard (more slices than shards, or a single shard),
    /// which no search outside the scroll can select.
    pub fn whole_shards(&self) -> Option<Vec<u32>> {
        let total = self.shards?;
        if self.of == 1 {
            return Some((0..total).collect());
        }
        if total < 2 || self.of > total {
            return None;
        }
        Some((0..total).filter(|s| s % self.of == self.slice).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cursor(slice: u32, of: u32, shards: Option<u32>) -> ScanCursor {
        ScanCursor {
            shards,
            ..ScanCursor::new("i", ScanMethod::Scroll, slice, of)
        }
    }

    #[test]
    fn a_slice_covers_whole_shards_only_when_there_are_at_least_as_many_shards_as_slices() {
        assert_eq!(cursor(0, 1, Some(3)).whole_shards(), Some(vec![0, 1, 2]));
        assert_eq!(cursor(1, 2, Some(5)).whole_shards(), Some(vec![1, 3]));
        assert_eq!(cursor(2, 3, Some(3)).whole_shards(), Some(vec![2]));
        assert_eq!(cursor(0, 4, Some(3)).whole_shards(), None);
        assert_eq!(cursor(0, 2, Some(1)).whole_shards(), None);
        assert_eq!(cursor(0, 1, None).whole_shards(), None);
    }
}
