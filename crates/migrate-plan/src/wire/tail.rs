//! Wire types for the cutover, verification and execution settings.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The cutover gate and what happens at it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Cutover")]
pub struct CutoverWire {
    /// Set to `true` (in a reviewed change) once the incremental rounds are done: `apply` stops at the cutover gate until then, and then runs the final round.
    #[serde(default)]
    pub approved: bool,
    /// Block writes on the source indexes (`index.blocks.write`) before the final round, so nothing is lost.
    #[serde(default = "yes")]
    pub block_source_writes: bool,
}

fn yes() -> bool {
    true
}

/// Checks run on the destination after the final round.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Verify")]
pub struct VerifyWire {
    /// How documents are compared. `proof` (the default): every `_id` both ways and every document's content (a canonical hash of `_source` and `_routing`), over the whole index, plus mappings, settings and aliases against what the engine created. `sampled` (`sample` documents) or `counts` (document counts only) are cheaper and reported as "not proven".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<VerifyLevelWire>,
    /// Compare document counts (`_count`) of every source and destination index.
    #[serde(default)]
    pub doc_count: bool,
    /// Require at least this index health on the destination: `green` or `yellow`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health: Option<HealthWire>,
    /// Require every shard recovery of the restored indexes to be done (`_recovery`).
    #[serde(default)]
    pub recovery: bool,
    /// Documents sampled per index and compared between source and destination (0 for none).
    #[serde(default)]
    #[schemars(range(max = 10000))]
    pub sample: u32,
}

/// How a verification compares documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[schemars(rename = "VerifyLevel")]
pub enum VerifyLevelWire {
    /// Every document of every index, both ways, by content; metadata compared.
    Proof,
    /// `sample` documents (200 when `sample` is 0); reported as not proven.
    Sampled,
    /// Document counts only; reported as not proven.
    Counts,
}

/// An index health colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[schemars(rename = "Health")]
pub enum HealthWire {
    /// All primary and replica shards are allocated.
    Green,
    /// All primary shards are allocated.
    Yellow,
}

/// How `apply` runs the steps.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Settings")]
pub struct SettingsWire {
    /// Steps of different indexes run at the same time, at most this many (default 4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 64))]
    pub parallelism: Option<u32>,
    /// Retries of transient failures (HTTP 429, 5xx, dropped connections).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry: Option<RetryWire>,
    /// Where `apply` keeps the run's state, for GitOps runners that have no `--state` flag to pass: the same forms as the CLI's `--state`, `s3://bucket/prefix?region=..&endpoint=..`, `oss://bucket/prefix?...`, `cos://bucket/prefix?...`, `azure://container/prefix?account=..`, `gs://bucket/prefix`, `file:///dir` or a directory path. Credentials are never written here: they come from each provider's credential chain or the environment. `--state` on the command line wins over it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// A wait (a reindex task, a snapshot, a restore, a recovery) whose progress has not moved for this many seconds fails, naming what is stuck; the next `apply` re-attaches to it (default 1800).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub stall_timeout_s: Option<u64>,
    /// Choices for translating index definitions and metadata to the destination's version (the rules of docs/translation.md, checked by `migrate lint`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub translate: Option<TranslateWire>,
}

/// What to do where a version jump leaves a choice.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Translate")]
pub struct TranslateWire {
    /// An index (or template) with several mapping types (ES 5 and older), going to ES 6+ or OpenSearch, which hold one: `refuse` (default: the lint reports an error), `union` (one mapping holding every type's fields; refused when two types map a field differently; `_parent` becomes a `join` field) or `split` (one destination index per type).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multi_type: Option<MultiTypeWire>,
    /// Keep `index.routing.allocation.{require,include,exclude}.*` (only when the destination's nodes carry the same attributes; default false: removed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keep_allocation: Option<bool>,
    /// Give 2.x `string` fields that become `text` a `.keyword` sub-field (`ignore_above: 256`), as 5.x dynamic mapping does (default true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub string_keyword_subfield: Option<bool>,
    /// The name of the `join` field made from 5.x `_parent` with `multi_type: union` (default `join_field`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1))]
    pub join_field: Option<String>,
}

/// A multi-type index's fate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[schemars(rename = "MultiType")]
pub enum MultiTypeWire {
    /// Report an error: the plan must choose.
    Refuse,
    /// One mapping, the union of the types' fields.
    Union,
    /// One destination index per type.
    Split,
}

/// Retry policy: exponential backoff with jitter between `initial_backoff_ms` and `max_backoff_ms`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Retry")]
pub struct RetryWire {
    /// Attempts per request, including the first (default 5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 100))]
    pub max_attempts: Option<u32>,
    /// The first backoff in milliseconds (default 500).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub initial_backoff_ms: Option<u64>,
    /// The longest backoff in milliseconds (default 30000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub max_backoff_ms: Option<u64>,
}
