//! The runtime slots of every step's requests, named once: the step that runs fills them, the
//! dry run shows them as `<run time: …>` (bodies) or `<name>` (paths and queries).

use migrate_core::request::Slot;

/// One concrete index, in plan-wide steps that visit every index (`/<index>/_mapping`).
pub const INDEX: Slot = Slot::new("index", "each concrete index");
/// One index entry of the plan (a name or a pattern), in plan-wide steps that visit every entry.
pub const ENTRY: Slot = Slot::new("entry", "each index entry of the plan");
/// A task id `_reindex` answered with.
pub const TASK: Slot = Slot::new(
    "task",
    "the task id the reindex returned, recorded in the state before waiting",
);
/// The server-side wait of one health poll (`30s` unless the runner sets another).
pub const HEALTH_WAIT: Slot = Slot::new("health wait", "the health wait, 30s by default");
/// The copied settings of a created index.
pub const SOURCE_SETTINGS: Slot = Slot::new(
    "settings",
    "the source index's settings less creation_date, uuid, history.uuid, provided_name, version.*, resize.*, shrink.*, blocks.*, routing.allocation.initial_recovery.*, verified_before_close and what the destination version does not accept",
);
/// The copied mappings of a created index.
pub const SOURCE_MAPPINGS: Slot = Slot::new(
    "mappings",
    "the source index's mappings (a 5.x/6.x single type unwrapped, and wrapped again in the source's type name on a 5.x/6.x destination)",
);
/// The source's replica count, put back after the copy.
pub const REPLICAS: Slot = Slot::new("replicas", "the source's number_of_replicas");
/// The source's refresh interval, put back after the copy.
pub const REFRESH: Slot = Slot::new("refresh", "the source's refresh_interval");
/// The write block a restore brought from the source's cutover, lifted after the copy.
pub const LIFT_WRITE_BLOCK: Slot = Slot::new(
    "lift write block",
    "blocks.write false, when the restore brought the source's write block",
);
/// Alias actions copying the source index's aliases.
pub const ALIAS_ACTIONS: Slot = Slot::new(
    "alias actions",
    "an add for each alias of the source index the destination lacks",
);
/// The update-time field of a plan entry (preflight reads its newest values).
pub const UPDATE_FIELD: Slot = Slot::new("update field", "the entry's update_field");
/// The newest-first sort on the update-time field.
pub const NEWEST_FIRST: Slot = Slot::new(
    "newest first",
    "the update_field sorted descending: [{<update field>: {order: desc}}]",
);
/// The lower bound of an incremental reindex pass.
pub const PASS_FROM: Slot = Slot::new(
    "from",
    "start of the previous pass (left out when no earlier pass recorded one)",
);
/// The upper bound of an incremental reindex pass.
pub const PASS_TO: Slot = Slot::new("to", "start of this pass");
/// The date format of an incremental reindex pass's bounds.
pub const PASS_FORMAT: Slot = Slot::new(
    "format",
    "epoch_millis on a date field (the bounds are epoch milliseconds, whatever the field's own format); absent on a numeric field",
);
/// The `X-Opaque-Id` a `_reindex` is sent with, to find the task again after a crash.
pub const OPAQUE_ID: Slot = Slot::new(
    "opaque id",
    "an id for this step, index and attempt, recorded before the request",
);
/// The page offset of the `.tasks` search.
pub const PAGE_FROM: Slot = Slot::new("page offset", "the page offset, 0 to 900 by 100");
/// The offset of the sampled documents.
pub const SAMPLE_FROM: Slot = Slot::new("sample offset", "random offset");
/// The ids of the sampled documents.
pub const SAMPLE_IDS: Slot = Slot::new("sample ids", "ids of the sampled documents");
/// The NDJSON lines of one `_bulk` batch of the copy strategy.
pub const BULK_LINES: Slot = Slot::new(
    "lines",
    "one batch: an index action by _id (routing kept, _type on a 5.x/6.x destination) and the _source, per document",
);
