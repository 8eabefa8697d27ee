//! Wire types for what `migrate plan --refresh` reads from the plan: declared throughput rates for
//! the estimate (`estimate:`) and how far the live inputs of a saved plan may move (`drift:`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Declared throughput for the duration estimate of `migrate plan --refresh` (docs/estimates.md). A rate left out is taken from earlier runs of the same state, else from the documented defaults.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Estimate")]
pub struct EstimateWire {
    /// Bytes of primary store a snapshot writes per second.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0.001))]
    pub snapshot_bytes_per_s: Option<f64>,
    /// Bytes copied between object stores per second.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0.001))]
    pub transfer_bytes_per_s: Option<f64>,
    /// Bytes of primary store a restore recovers per second.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0.001))]
    pub restore_bytes_per_s: Option<f64>,
    /// Documents a full reindex pass copies per second.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0.001))]
    pub reindex_docs_per_s: Option<f64>,
    /// Documents the copy (and snapshot_reindex) strategy writes per second.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0.001))]
    pub copy_docs_per_s: Option<f64>,
    /// Documents the verification compares per second.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0.001))]
    pub verify_docs_per_s: Option<f64>,
    /// Seconds for everything else (preflight, setup, incremental rounds, cutover, finalize).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0.0))]
    pub overhead_s: Option<f64>,
}

/// How far the live inputs of a saved plan (`migrate plan --refresh --out FILE`) may move before `migrate apply FILE` refuses it.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Drift")]
pub struct DriftWire {
    /// How much a source index's document count may change, in percent of the saved count (default 0: any change refuses the saved plan).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0.0, max = 100.0))]
    pub doc_count_tolerance_percent: Option<f64>,
}
