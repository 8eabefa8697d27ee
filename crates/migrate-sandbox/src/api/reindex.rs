//! `_reindex` and `_reindex/<task>/_rethrottle`: request parsing and validation, synchronous or as a task;
//! the work itself is in [`crate::reindex`].

use crate::router::RouteTable;

/// Registers the routes.
pub fn register(_t: &mut RouteTable) {}
